"""Couriers, their terms for cash (deadline and agreed charges) and the webhook events they send."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import AMOUNT


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

    remittance_days = models.PositiveSmallIntegerField(
        _("days to remit cash"),
        default=7,
        validators=[MaxValueValidator(90)],
        help_text=_("Cash held longer than this after collection is overdue."),
    )
    charges_currency = models.CharField(_("agreed charges currency"), max_length=3, blank=True)
    charge_percent = models.DecimalField(
        _("agreed charge (percent of the cash collected)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    charge_fixed = models.DecimalField(_("agreed charge per order (fixed)"), default=Decimal(0), **AMOUNT)

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
        "CodOrder", verbose_name=_("order"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
