"""The plugin's tables: the channel policy, regions, terms, customer profiles, COD orders and their timeline."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from .conf import app_settings
from .rules.policy import CollectionMethod
from .rules.statuses import CodStatus

AMOUNT = {"max_digits": 15, "decimal_places": 3}


def _amount(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, null=True, blank=True, **AMOUNT, **kwargs)


def default_limit_currency() -> str:
    return app_settings.LIMIT_CURRENCY


def default_new_customer_limit() -> Decimal:
    return app_settings.NEW_CUSTOMER_LIMIT


def default_trusted_customer_limit() -> Decimal:
    return app_settings.TRUSTED_CUSTOMER_LIMIT


def _check_choices(values, allowed, field):
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationError({field: _("Unknown values: %(values)s") % {"values": ", ".join(unknown)}})


def _check_flags(values) -> None:
    undeclared = sorted(set(values) - set(app_settings.PRODUCT_FLAGS))
    if undeclared:
        message = _("Not a product flag of this store (COD_PRODUCT_FLAGS): %(values)s") % {
            "values": ", ".join(undeclared)
        }
        raise ValidationError({"excluded_flags": message})


class CodPolicy(models.Model):
    """COD settings of one channel. Fee amounts are in the channel currency, limits in the limit currency."""

    channel = models.SlugField(_("channel"), max_length=100, unique=True)
    currency = models.CharField(_("channel currency"), max_length=3)
    enabled = models.BooleanField(_("COD enabled"), default=False)
    fee_percent = models.DecimalField(
        _("fee percent"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("3"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    fee_fixed = models.DecimalField(_("fixed fee"), default=Decimal(0), **AMOUNT)
    fee_minimum = _amount(_("minimum fee"))
    fee_maximum = _amount(_("maximum fee"))
    fee_waiver_above = _amount(_("no fee from order amount"))
    fee_label = models.CharField(_("fee line label"), max_length=100, default="Cash on Delivery fee")
    limit_currency = models.CharField(_("limit currency"), max_length=3, default=default_limit_currency)
    new_customer_limit = models.DecimalField(_("new customer limit"), default=default_new_customer_limit, **AMOUNT)
    trusted_customer_limit = models.DecimalField(
        _("trusted customer limit"), default=default_trusted_customer_limit, **AMOUNT
    )
    max_item_price = _amount(_("highest unit price (limit currency)"))
    max_delivery_days = models.PositiveSmallIntegerField(_("longest delivery time served (days)"), default=7)
    excluded_flags = models.JSONField(_("excluded product flags"), default=list, blank=True)
    excluded_categories = models.JSONField(_("excluded categories"), default=list, blank=True)
    notification_channel = models.CharField(
        _("confirmation messages by"),
        max_length=10,
        choices=[("sms", "SMS"), ("whatsapp", "WhatsApp")],
        default="sms",
    )
    max_confirmation_attempts = models.PositiveSmallIntegerField(_("confirmation calls before cancelling"), default=5)
    confirmation_retry_minutes = models.PositiveIntegerField(_("minutes between confirmation calls"), default=60)
    review_business_days = models.PositiveSmallIntegerField(_("business days to review an order"), default=1)
    max_reschedules = models.PositiveSmallIntegerField(_("appointment changes allowed"), default=2)
    appointment_max_days = models.PositiveSmallIntegerField(
        _("days ahead an appointment may be set"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    appointment_max_hours = models.PositiveSmallIntegerField(
        _("longest appointment window (hours)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
    )
    unpaid_grace_hours = models.PositiveIntegerField(_("hours after the appointment before cancelling"), default=24)
    claim_grace_days = models.PositiveSmallIntegerField(_("days a Paid claim may wait for the courier"), default=3)
    strikes_to_suspend = models.PositiveSmallIntegerField(_("strikes that suspend COD"), default=3)
    suspension_days = models.PositiveSmallIntegerField(_("days a suspension lasts"), default=90)
    return_window_days = models.PositiveSmallIntegerField(_("days after completion to ask for a return"), default=14)
    refund_business_days = models.PositiveSmallIntegerField(
        _("business days to refund after the goods are back"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    refund_fee = models.CharField(
        _("refund the COD fee"),
        max_length=20,
        choices=[
            ("product_problem", _("when the return is for a product problem")),
            ("always", _("always")),
            ("never", _("never")),
        ],
        default="product_problem",
    )
    holiday_country = models.CharField(
        _("holidays of country"),
        max_length=2,
        blank=True,
        help_text=_("Business days skip this country's public holidays; empty: the delivery country's."),
    )
    default_courier = models.ForeignKey(
        "Courier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default courier"),
    )
    sms_url = models.URLField(_("SMS provider URL"), blank=True, help_text=_("Empty: the store-wide provider."))
    sms_token = models.CharField(_("SMS provider token"), max_length=255, blank=True)
    sms_sender = models.CharField(_("SMS sender ID"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("COD policy")
        verbose_name_plural = _("COD policies")
        permissions = [("manage_cod_settings", _("Can manage COD settings"))]

    def __str__(self):
        return self.channel

    def clean(self):
        _check_flags(self.excluded_flags)
        if None not in (self.fee_minimum, self.fee_maximum) and self.fee_minimum > self.fee_maximum:
            raise ValidationError({"fee_minimum": _("The minimum fee must not exceed the maximum fee.")})
        for name in ("fee_fixed", "fee_minimum", "fee_maximum", "fee_waiver_above", "max_item_price"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValidationError({name: _("Amounts cannot be negative.")})


class CodRegion(models.Model):
    """A covered delivery region; an address outside every region of its channel is not served."""

    policy = models.ForeignKey(CodPolicy, on_delete=models.CASCADE, related_name="regions")
    country = models.CharField(_("country"), max_length=2)
    area = models.CharField(_("area"), max_length=100, blank=True)
    postal_code_patterns = models.JSONField(
        _("postal code patterns"), default=list, blank=True, help_text=_('For example ["10*", "12345"].')
    )
    order_cap = _amount(_("order cap (channel currency)"))
    collection_methods = models.JSONField(_("collection methods"), default=list, blank=True)
    fee_percent = models.DecimalField(_("fee percent override"), max_digits=5, decimal_places=2, null=True, blank=True)
    fee_fixed = _amount(_("fixed fee override"))

    class Meta:
        verbose_name = _("COD region")
        verbose_name_plural = _("COD regions")

    def __str__(self):
        return " / ".join(p for p in (self.country, self.area, ",".join(self.postal_code_patterns)) if p)

    def clean(self):
        _check_choices(self.collection_methods, CollectionMethod.ALL, "collection_methods")
        self.country = self.country.upper()


class CodTerms(models.Model):
    """One language of one version of a channel's COD terms. The highest version is the current one."""

    policy = models.ForeignKey(CodPolicy, on_delete=models.CASCADE, related_name="terms")
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=10)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("COD terms")
        verbose_name_plural = _("COD terms")
        constraints = [
            models.UniqueConstraint(fields=["policy", "version", "language"], name="cod_terms_unique_version")
        ]

    def __str__(self):
        return f"{self.policy} v{self.version} ({self.language})"


class CodCustomerProfile(models.Model):
    """A customer's COD standing; ``customer_key`` is the store's customer id, or a guest's email."""

    customer_key = models.CharField(_("customer"), max_length=255, unique=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    completed_orders = models.PositiveIntegerField(_("completed COD orders"), default=0)
    strikes = models.PositiveIntegerField(_("strikes"), default=0)
    suspensions = models.PositiveIntegerField(_("suspensions"), default=0)
    fake_orders = models.PositiveIntegerField(_("fake orders"), default=0)
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    revoked = models.BooleanField(_("COD revoked"), default=False)
    b2b_verified = models.BooleanField(_("verified B2B account"), default=False)
    b2b_limit = MoneyField(_("B2B limit"), null=True, blank=True, default_currency="USD", **AMOUNT)
    outstanding_penalty = MoneyField(_("outstanding penalty"), default=0, default_currency="USD", **AMOUNT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("COD customer profile")
        verbose_name_plural = _("COD customer profiles")

    def __str__(self):
        return self.customer_key


class CodOrder(models.Model):
    order_ref = models.CharField(_("store order"), max_length=64, unique=True)
    order_number = models.CharField(_("order number"), max_length=32, db_index=True)
    checkout_ref = models.CharField(_("checkout"), max_length=64, unique=True)
    channel = models.SlugField(_("channel"), max_length=100)
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
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("COD order")
        verbose_name_plural = _("COD orders")
        indexes = [models.Index(fields=["channel", "status", "created_at"])]
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

    order = models.ForeignKey(CodOrder, on_delete=models.CASCADE, related_name="events")
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
        # The overview counts the status moves of the last 30 days: this index holds all it reads of them.
        indexes = [
            models.Index(
                fields=["created_at", "to_status", "order"],
                condition=~models.Q(to_status=""),
                name="cod_order_event_moves",
            )
        ]

    def __str__(self):
        return f"{self.order} {self.kind}"


class CodProfileEvent(models.Model):
    """A change to a customer's COD standing, with its cause."""

    profile = models.ForeignKey(CodCustomerProfile, on_delete=models.CASCADE, related_name="events")
    order = models.ForeignKey(CodOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    actor = models.CharField(_("actor"), max_length=255, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("COD profile event")
        verbose_name_plural = _("COD profile events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.profile} {self.kind}"


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


class Courier(models.Model):
    """A delivery company: its webhook secret and API credentials live here, not in settings."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    webhook_secret = models.CharField(_("webhook secret"), max_length=128)
    api_url = models.URLField(_("booking API URL"), blank=True)
    api_key = models.CharField(_("API key"), max_length=128, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cod_courier",
        help_text=_("The courier's API account: it reaches only this courier's shipments."),
    )
    active = models.BooleanField(_("active"), default=True)
    channels = models.JSONField(
        _("channels served"),
        default=list,
        blank=True,
        help_text=_("The channels whose orders this courier may carry; none: it carries no order."),
    )

    class Meta:
        verbose_name = _("courier")
        verbose_name_plural = _("couriers")

    def __str__(self):
        return self.name

    def serves(self, channel: str) -> bool:
        return self.active and channel in self.channels


class CourierEvent(models.Model):
    """A webhook event as received; (courier, event id) is unique, so a replay is recorded once."""

    courier = models.ForeignKey(Courier, verbose_name=_("courier"), on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(_("event id"), max_length=100)
    order = models.ForeignKey(
        CodOrder, verbose_name=_("order"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32)
    occurred_at = models.DateTimeField(_("occurred at"))
    payload = models.JSONField(_("payload"), default=dict)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("courier event")
        verbose_name_plural = _("courier events")
        constraints = [models.UniqueConstraint(fields=["courier", "event_id"], name="cod_courier_event_once")]
        # Whether an order has deferred events is asked on every event; almost none have: a tiny partial index.
        indexes = [
            models.Index(
                fields=["order", "occurred_at"],
                condition=models.Q(outcome="deferred"),
                name="cod_courier_event_deferred",
            )
        ]

    def __str__(self):
        return f"{self.courier_id}:{self.event_id}"


class Notification(models.Model):
    """A message to a customer; sent at most once, whatever the retries (its key goes to the provider)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(CodOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, default="sms")
    to = models.CharField(max_length=32)
    sender = models.CharField(max_length=32, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_id = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("customer message")
        verbose_name_plural = _("customer messages")

    def __str__(self):
        return f"{self.kind} to {self.to}"


class ReturnReason(models.TextChoices):
    DAMAGED = "damaged", _("Damaged")
    DEFECTIVE = "defective", _("Defective")
    WRONG_ITEM = "wrong_item", _("Wrong item")
    MISSING_PARTS = "missing_parts", _("Missing parts")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    OTHER = "other", _("Other")


class CodReturnRequest(models.Model):
    """A customer's request to send goods back after paying; support decides, receives the goods, refunds."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RECEIVED = "received", _("Goods received")
        REFUNDED = "refunded", _("Refunded")

    order = models.ForeignKey(CodOrder, on_delete=models.CASCADE, related_name="returns")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    reason = models.CharField(_("reason"), max_length=20, choices=ReturnReason.choices)
    description = models.TextField(_("description"), blank=True)
    decided_by = models.CharField(_("decided by"), max_length=255, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=255, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("goods received at"), null=True, blank=True)
    refund_due = models.DateField(_("refund due"), null=True, blank=True, db_index=True)
    refund_overdue = models.BooleanField(_("refund overdue"), default=False)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("COD return")
        verbose_name_plural = _("COD returns")
        indexes = [models.Index(fields=["status", "refund_due"])]

    def __str__(self):
        return f"{self.order} return {self.pk}"


class CodReturnLine(models.Model):
    """One returned product line: asked quantity, and what actually came back."""

    return_request = models.ForeignKey(CodReturnRequest, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("product"), max_length=255)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), **AMOUNT)
    received_quantity = models.PositiveIntegerField(_("received quantity"), null=True, blank=True)

    class Meta:
        verbose_name = _("returned line")
        verbose_name_plural = _("returned lines")
        constraints = [models.UniqueConstraint(fields=["return_request", "sku"], name="cod_return_line_once")]

    def __str__(self):
        return f"{self.sku} × {self.quantity}"


class CodReturnPhoto(models.Model):
    return_request = models.ForeignKey(CodReturnRequest, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="cod/returns/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")

    def __str__(self):
        return self.image.name


class RefundMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    MOBILE_WALLET = "mobile_wallet", _("Mobile wallet")
    STORE_CREDIT = "store_credit", _("Store credit")


class CodRefund(models.Model):
    """Money given back to a COD customer; never more than was collected, recorded once per idempotency key."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")

    order = models.ForeignKey(CodOrder, on_delete=models.PROTECT, related_name="refunds")
    return_request = models.ForeignKey(
        CodReturnRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    amount = MoneyField(_("amount"), **AMOUNT)
    includes_fee = models.BooleanField(_("includes the COD fee"), default=False)
    method = models.CharField(_("method"), max_length=20, choices=RefundMethod.choices)
    details = models.JSONField(_("refund details"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    created_by = models.CharField(_("created by"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    paid_by = models.CharField(_("paid by"), max_length=255, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("COD refund")
        verbose_name_plural = _("COD refunds")

    def __str__(self):
        return f"{self.order} refund {self.amount}"


class CodJob(models.Model):
    """Long work on many orders, run by a task in chunks: its progress, counts and result, shown to whoever started
    it. An export keeps its CSV in the row: the web process that serves the download and the worker that wrote it
    share the database, not necessarily a file storage."""

    class Kind(models.TextChoices):
        EXPORT_ORDERS = "export_orders", _("Export of orders (CSV)")
        ASSIGN_COURIER = "assign_courier", _("Orders handed to a courier")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    file_name = models.CharField(_("file name"), max_length=100, blank=True)
    file_content = models.TextField(blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("COD job")
        verbose_name_plural = _("COD jobs")
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"
