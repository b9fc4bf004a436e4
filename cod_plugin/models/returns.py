"""Returns after payment and the refunds to card-less customers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import MoneyField
from .base import AMOUNT


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

    order = models.ForeignKey("CodOrder", on_delete=models.CASCADE, related_name="returns")
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

    order = models.ForeignKey("CodOrder", on_delete=models.PROTECT, related_name="refunds")
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
