"""Plain ModelAdmins for the COD policy, regions, terms, profiles and orders."""

from django.contrib import admin

from cod_plugin import models


class RegionInline(admin.TabularInline):
    model = models.CodRegion
    extra = 0


class TermsInline(admin.StackedInline):
    model = models.CodTerms
    extra = 0


@admin.register(models.CodPolicy)
class CodPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "channel",
        "currency",
        "enabled",
        "fee_percent",
        "new_customer_limit",
        "trusted_customer_limit",
    )
    list_filter = ("enabled",)
    inlines = [RegionInline, TermsInline]


@admin.register(models.CodCustomerProfile)
class CodCustomerProfileAdmin(admin.ModelAdmin):
    list_display = ("customer_key", "email", "completed_orders", "strikes", "suspended_until", "revoked")
    search_fields = ("customer_key", "email", "phone")


class EventInline(admin.TabularInline):
    model = models.CodOrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "from_status", "to_status", "actor", "reason", "data", "created_at")


@admin.register(models.CodOrder)
class CodOrderAdmin(admin.ModelAdmin):
    list_display = ("order_number", "channel", "status", "amount_to_collect", "fee", "created_at")
    list_filter = ("status", "channel")
    search_fields = ("order_number", "phone")
    readonly_fields = [field.name for field in models.CodOrder._meta.fields]
    inlines = [EventInline]
