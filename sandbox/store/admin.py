"""The store's tables in the Django admin."""

from django.contrib import admin, messages

from . import deposits, models


class ListingInline(admin.TabularInline):
    model = models.ProductChannelListing
    extra = 0


class StockInline(admin.StackedInline):
    model = models.Stock


@admin.register(models.Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "currency", "default_country", "default_language"]


@admin.register(models.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "sku",
        "category",
        "is_high_value",
        "is_pre_order",
        "is_customized",
        "needs_special_customs",
        "is_digital",
    ]
    list_filter = ["category", "is_digital"]
    search_fields = ["name", "sku"]
    inlines = [StockInline, ListingInline]


@admin.register(models.DeliveryMethod)
class DeliveryMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "price", "can_collect_cash", "estimated_days"]
    list_filter = ["channel"]


@admin.register(models.DeliveryArea)
class DeliveryAreaAdmin(admin.ModelAdmin):
    list_display = ["country", "area", "extra_days"]


@admin.register(models.Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["user", "phone", "b2b_account"]
    search_fields = ["user__email", "phone", "b2b_account"]
    raw_id_fields = ["user"]


class CheckoutLineInline(admin.TabularInline):
    model = models.CheckoutLine
    extra = 0
    raw_id_fields = ["product"]


@admin.register(models.Checkout)
class CheckoutAdmin(admin.ModelAdmin):
    list_display = ["token", "channel", "email", "country", "area", "updated_at"]
    list_filter = ["channel"]
    search_fields = ["email"]
    raw_id_fields = ["user"]
    inlines = [CheckoutLineInline]


class OrderLineInline(admin.TabularInline):
    model = models.OrderLine
    extra = 0
    raw_id_fields = ["product"]


@admin.register(models.Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["__str__", "channel", "email", "status", "payment_method", "total", "currency", "created_at"]
    list_filter = ["channel", "status", "payment_method"]
    search_fields = ["email"]
    raw_id_fields = ["user"]
    inlines = [OrderLineInline]


@admin.register(models.DepositPayment)
class DepositPaymentAdmin(admin.ModelAdmin):
    """The store's deposit payments; "Mark paid" takes one as paid (a payment made elsewhere) and tells the plugin."""

    list_display = ["__str__", "status", "expires_at", "paid_at", "refunded"]
    list_filter = ["status"]
    raw_id_fields = ["order"]
    readonly_fields = ["token", "order", "amount", "currency", "status", "expires_at", "paid_at", "refunded"]
    actions = ["mark_paid"]

    @admin.action(description="Mark paid")
    def mark_paid(self, request, queryset):
        for payment in queryset.filter(status=models.DepositPayment.Status.PENDING):
            refusal = deposits.mark_paid(payment.pk)
            if refusal:
                self.message_user(request, f"{payment}: {refusal}", level=messages.WARNING)
            else:
                self.message_user(request, f"{payment}: paid.", level=messages.SUCCESS)
