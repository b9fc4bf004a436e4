"""COD orders: the list with filters and the order page with its timeline, claim and payment record."""

from django.contrib import admin

from cod_plugin import models


class EventInline(admin.TabularInline):
    model = models.CodOrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "from_status", "to_status", "actor", "reason", "data", "created_at")


class ClaimInline(admin.StackedInline):
    model = models.CodPaymentClaim
    extra = 0
    can_delete = False
    readonly_fields = ("reference", "method", "image", "created_at")


class PaymentInline(admin.StackedInline):
    model = models.CodPaymentRecord
    extra = 0
    can_delete = False
    readonly_fields = ("amount", "method", "receipt", "source", "created_at")


@admin.register(models.CodOrder)
class CodOrderAdmin(admin.ModelAdmin):
    list_display = ("order_number", "channel", "status", "amount_to_collect", "fee", "created_at")
    list_filter = ("status", "channel")
    search_fields = ("order_number", "phone")
    readonly_fields = [field.name for field in models.CodOrder._meta.fields]
    inlines = [EventInline, ClaimInline, PaymentInline]
