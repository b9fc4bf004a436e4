"""Screening and monitoring: an order's lines as placed, its deposit (partial COD) and the monitoring's alerts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import MoneyField
from .base import AMOUNT


class CodOrderLine(models.Model):
    """A line of a COD order as placed (and as changed by an agent): what the cart signals and the figures by
    product read. Written at placing in one query, replaced on a modification."""

    order = models.ForeignKey("CodOrder", on_delete=models.CASCADE, related_name="lines")
    product_ref = models.CharField(_("product"), max_length=64, db_index=True)
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), **AMOUNT)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("COD order line")
        verbose_name_plural = _("COD order lines")

    def __str__(self):
        return f"{self.order} {self.sku} x{self.quantity}"


class DepositStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")


class CodOrderDeposit(models.Model):
    """The part of a COD order paid online before it goes on (partial COD): asked of the store's own payment
    through the port (``request_deposit``), reported paid by the store (``api.deposit_paid``) or expired."""

    order = models.OneToOneField("CodOrder", on_delete=models.CASCADE, related_name="deposit")
    amount = MoneyField(_("deposit"), **AMOUNT)
    status = models.CharField(_("status"), max_length=16, choices=DepositStatus.choices, default=DepositStatus.PENDING)
    payment_ref = models.CharField(_("store payment"), max_length=100, blank=True)
    pay_url = models.URLField(_("payment page"), max_length=500, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    refunded = MoneyField(_("refunded"), default=0, default_currency="USD", **AMOUNT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("COD deposit")
        verbose_name_plural = _("COD deposits")

    def __str__(self):
        return f"{self.order} deposit {self.amount}"


class CodRiskAlert(models.Model):
    """A pattern the monitoring raised: a region, product or courier whose refusal rate rose above the threshold,
    or a phone or address refusing again across accounts. Raised once per subject and week (the unique key)."""

    class Kind(models.TextChoices):
        REFUSAL_RATE = "refusal_rate", _("Refusal rate above the threshold")
        REPEAT_REFUSER = "repeat_refuser", _("Repeat refusals across accounts")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    dimension = models.CharField(_("of"), max_length=20)  # region, postal_area, product, courier, phone, address
    key = models.CharField(_("subject"), max_length=128)
    label = models.CharField(_("name"), max_length=255, blank=True)
    week = models.DateField(_("week of"))
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=1, null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent to the managers"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("COD alert")
        verbose_name_plural = _("COD alerts")
        constraints = [
            models.UniqueConstraint(fields=["kind", "dimension", "key", "week"], name="cod_alert_once_a_week")
        ]
        permissions = [("view_cod_metrics", _("Can view COD risk figures and monitoring"))]

    def __str__(self):
        return f"{self.kind} {self.dimension} {self.key}"
