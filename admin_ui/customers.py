"""Customers' COD profiles: standing, history and the audit of every change."""

from django.contrib import admin

from cod_plugin import models


class ProfileEventInline(admin.TabularInline):
    model = models.CodProfileEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "order", "actor", "reason", "data", "created_at")


@admin.register(models.CodCustomerProfile)
class CodCustomerProfileAdmin(admin.ModelAdmin):
    inlines = [ProfileEventInline]
    list_display = ("customer_key", "email", "completed_orders", "strikes", "suspended_until", "revoked")
    search_fields = ("customer_key", "email", "phone")
