"""COD orders, their timeline, the customer's Paid claim and the courier's payment record."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import MoneyField
from ..rules.statuses import AT_THE_DOOR, CodStatus
from .base import AMOUNT


class CodOrder(models.Model):
    order_ref = models.CharField(_("store order"), max_length=64, unique=True)
    order_number = models.CharField(_("order number"), max_length=32, db_index=True)
    checkout_ref = models.CharField(_("checkout"), max_length=64, unique=True)
    channel = models.SlugField(_("channel"), max_length=100, db_index=False)  # indexed with the id: see Meta
    customer_key = models.CharField(_("customer"), max_length=255, db_index=True)
    status = models.CharField(
        _("status"), max_length=32, choices=CodStatus.choices, default=CodStatus.PENDING_CONFIRMATION
    )
    order_amount = MoneyField(_("order amount"), **AMOUNT)
    fee = MoneyField(_("COD fee"), **AMOUNT)
    amount_to_collect = MoneyField(_("amount to collect"), **AMOUNT)
    tier = models.CharField(_("tier at order"), max_length=16)
    terms_version = models.PositiveIntegerField(_("accepted terms version"))
    terms_language = models.CharField(_("terms language"), max_length=10)
    country = models.CharField(_("country"), max_length=2)
    area = models.CharField(_("area"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    collection_methods = models.JSONField(_("collection methods"), default=list)
    shipping_amount = MoneyField(_("shipping"), default=0, default_currency="USD", **AMOUNT)
    courier = models.ForeignKey(
        "Courier", verbose_name=_("courier"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True, db_index=True)
    appointment_start = models.DateTimeField(_("appointment from"), null=True, blank=True)
    appointment_end = models.DateTimeField(_("appointment until"), null=True, blank=True)
    reschedules = models.PositiveSmallIntegerField(_("appointment changes"), default=0)
    delivery_failures = models.PositiveSmallIntegerField(_("failed delivery attempts"), default=0)
    confirmation_attempts = models.PositiveSmallIntegerField(_("confirmation calls"), default=0)
    next_call_at = models.DateTimeField(_("next confirmation call"), null=True, blank=True)
    last_courier_event_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(_("refusal reason"), max_length=32, blank=True)
    refusal_note = models.CharField(_("refusal note"), max_length=255, blank=True)
    confirmation_overdue = models.BooleanField(_("confirmation overdue"), default=False)
    claim_unverified = models.BooleanField(_("Paid claim without courier record"), default=False)
    amount_discrepancy = models.BooleanField(_("collected amount differs"), default=False)
    refund_overdue = models.BooleanField(_("refund overdue"), default=False)
    # The keys that follow the person across accounts (``rules/identity.py``), set at placing and on a change.
    phone_e164 = models.CharField(_("phone (E.164)"), max_length=20, blank=True, db_index=True)
    address_key = models.CharField(_("address key"), max_length=64, blank=True, db_index=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True, db_index=True)
    cart_key = models.CharField(_("cart key"), max_length=64, blank=True)
    # The screening (``flows/screening.py``): the latest score, its band, the action and the signals that fired
    # (``rules.risk.Signal.as_dict``); every assessment is also in the timeline. None: not screened yet.
    risk_score = models.PositiveSmallIntegerField(_("risk score"), null=True, blank=True)
    risk_band = models.CharField(_("risk band"), max_length=16, blank=True)
    risk_action = models.CharField(_("risk action"), max_length=16, blank=True)
    risk_signals = models.JSONField(_("risk signals"), default=list, blank=True)
    link_opened_at = models.DateTimeField(_("confirmation link opened"), null=True, blank=True)
    # Partial COD: the part paid online first (``CodOrderDeposit``); ``amount_to_collect`` is the rest.
    deposit_amount = MoneyField(_("deposit"), default=0, default_currency="USD", **AMOUNT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("COD order")
        verbose_name_plural = _("COD orders")
        indexes = [
            # The order of placing (the lists' default sort); with the status and channel, the overview's count of
            # today's orders per status reads it alone (an index-only scan).
            models.Index(fields=["created_at"], include=["status", "channel"], name="cod_order_placed"),
            models.Index(fields=["channel", "status", "created_at"]),
            models.Index(fields=["status", "risk_score"], name="cod_order_status_risk"),
            # A channel's orders by their id: the overview of one channel joins the window's moves to them from
            # this index alone (an index-only scan; the plain index of the channel made it read the table).
            models.Index(fields=["channel", "id"], name="cod_order_channel"),
            # The regions the orders go to, for the orders list's filter (a loose scan, ``admin_ui.order_filters``).
            models.Index(fields=["country", "area"], name="cod_order_region"),
        ]
        permissions = [
            ("confirm_cod_orders", _("Can record COD confirmation outcomes")),
            ("dispatch_cod_orders", _("Can dispatch COD orders and report their delivery")),
            ("record_cod_payments", _("Can record COD payments")),
            ("handle_cod_refunds", _("Can handle COD returns and refunds")),
        ]

    def __str__(self):
        return self.order_number


class CodOrderEvent(models.Model):
    """One line of an order's timeline: who did what, from which status to which, and why."""

    order = models.ForeignKey("CodOrder", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=40)
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32, blank=True)
    actor = models.CharField(_("actor"), max_length=255, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("COD order event")
        verbose_name_plural = _("COD order events")
        # The overview's two reads of the last 30 days (``admin_ui/overview.py``), each from an index that holds
        # exactly the moves it counts and every column it reads (index-only scans): the moves out of "pending
        # confirmation" or to an outcome at the door for the rates, the refusals with their reason.
        indexes = [
            models.Index(
                fields=["created_at"],
                include=["from_status", "to_status", "order"],
                condition=models.Q(from_status=CodStatus.PENDING_CONFIRMATION) | models.Q(to_status__in=AT_THE_DOOR),
                name="cod_order_event_rates",
            ),
            models.Index(
                fields=["created_at"],
                include=["reason", "order"],
                condition=models.Q(to_status=CodStatus.REFUSED),
                name="cod_order_event_refusals",
            ),
        ]

    def __str__(self):
        return f"{self.order} {self.kind}"


class CodPaymentClaim(models.Model):
    """The customer's "Paid" click: a claim with a voucher; one per order however often it is clicked."""

    order = models.OneToOneField(CodOrder, on_delete=models.CASCADE, related_name="claim")
    reference = models.CharField(_("receipt reference"), max_length=100)
    method = models.CharField(_("collection method"), max_length=20)
    image = models.FileField(_("voucher image"), upload_to="cod/vouchers/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Paid claim")
        verbose_name_plural = _("Paid claims")

    def __str__(self):
        return f"{self.order} claim {self.reference}"


class CodPaymentRecord(models.Model):
    """The courier's record of the cash collected: what completes an order. One per order."""

    order = models.OneToOneField(CodOrder, on_delete=models.CASCADE, related_name="payment")
    amount = MoneyField(_("collected amount"), **AMOUNT)
    method = models.CharField(_("collection method"), max_length=20)
    receipt = models.CharField(_("courier receipt"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("courier payment record")
        verbose_name_plural = _("courier payment records")

    def __str__(self):
        return f"{self.order} {self.amount}"
