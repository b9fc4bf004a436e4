"""The channel policy, its covered regions and its versioned terms."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..conf import app_settings
from ..rules.policy import CollectionMethod
from ..rules.risk import ACTION_NAMES, DEFAULT_WEIGHTS, MAX_WEIGHT, SignalCode
from .base import AMOUNT, _amount

_SCORE = [MinValueValidator(0), MaxValueValidator(100)]
_PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
_ACTIONS = [(str(action), label) for action, label in ACTION_NAMES.items()]


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


def _check_risk(policy) -> None:
    """The bands rise (medium < high < very high) and every weight names a signal, from 0 to 100."""
    if not policy.risk_medium_from < policy.risk_high_from < policy.risk_very_high_from:
        message = _("The bands must rise: medium below high, high below very high.")
        raise ValidationError({"risk_high_from": message})
    weights = policy.risk_weights
    if not isinstance(weights, dict):
        raise ValidationError({"risk_weights": _("Give the weights as signal code to number.")})
    unknown = sorted(set(weights) - {str(code) for code in DEFAULT_WEIGHTS})
    if unknown:
        raise ValidationError({"risk_weights": _("Unknown signals: %(codes)s") % {"codes": ", ".join(unknown)}})
    for code, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= MAX_WEIGHT:
            message = _("The weight of %(code)s must be a whole number from 0 to %(max)s.") % {
                "code": SignalCode(code),
                "max": MAX_WEIGHT,
            }
            raise ValidationError({"risk_weights": message})


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
    # Screening (``rules/risk.py``; the defaults are ``RiskSettings``'s).
    risk_weights = models.JSONField(
        _("signal weights"),
        default=dict,
        blank=True,
        help_text=_("Signal code to weight (0 to 100, 0 turns the signal off); a signal not named keeps its default."),
    )
    risk_medium_from = models.PositiveSmallIntegerField(_("medium risk from score"), default=25, validators=_SCORE)
    risk_high_from = models.PositiveSmallIntegerField(_("high risk from score"), default=50, validators=_SCORE)
    risk_very_high_from = models.PositiveSmallIntegerField(
        _("very high risk from score"), default=75, validators=_SCORE
    )
    risk_action_low = models.CharField(_("low risk: action"), max_length=16, choices=_ACTIONS, default="accept")
    risk_action_medium = models.CharField(
        _("medium risk: action"), max_length=16, choices=_ACTIONS, default="agent_call"
    )
    risk_action_high = models.CharField(_("high risk: action"), max_length=16, choices=_ACTIONS, default="deposit")
    risk_action_very_high = models.CharField(
        _("very high risk: action"), max_length=16, choices=_ACTIONS, default="refuse"
    )
    deposit_percent = models.DecimalField(
        _("deposit percent"), max_digits=5, decimal_places=2, default=Decimal(20), validators=_PERCENT
    )
    deposit_fixed = models.DecimalField(_("fixed deposit"), default=Decimal(0), **AMOUNT)
    deposit_above = _amount(_("deposit for every order above"))
    deposit_hours = models.PositiveSmallIntegerField(
        _("hours to pay the deposit"), default=48, validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    risk_velocity_per_day = models.PositiveSmallIntegerField(
        _("COD orders a day per phone, address or device before it counts"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    risk_duplicate_hours = models.PositiveSmallIntegerField(
        _("hours in which a similar order counts as a duplicate"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    risk_region_min_orders = models.PositiveIntegerField(
        _("finished orders before an area's refusal rate counts"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100000)],
    )
    risk_region_refusal_percent = models.DecimalField(
        _("area refusal rate that counts (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(30),
        validators=_PERCENT,
    )

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
        _check_risk(self)
        for name in (
            "fee_fixed",
            "fee_minimum",
            "fee_maximum",
            "fee_waiver_above",
            "max_item_price",
            "deposit_fixed",
            "deposit_above",
        ):
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
