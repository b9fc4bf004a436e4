"""The plugin's tables: the channel policy, regions, terms, customer profiles, COD orders and their timeline."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from .conf import app_settings
from .host import ProductFlag
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

    class Meta:
        verbose_name = _("COD policy")
        verbose_name_plural = _("COD policies")

    def __str__(self):
        return self.channel

    def clean(self):
        _check_choices(self.excluded_flags, ProductFlag.ALL, "excluded_flags")
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
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    revoked = models.BooleanField(_("COD revoked"), default=False)
    b2b_verified = models.BooleanField(_("verified B2B account"), default=False)
    b2b_limit = MoneyField(_("B2B limit"), null=True, blank=True, default_currency="USD", **AMOUNT)
    outstanding_penalty = MoneyField(_("outstanding penalty"), default=0, default_currency="USD", **AMOUNT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("COD customer profile")

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
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("COD order")
        indexes = [models.Index(fields=["channel", "status", "created_at"])]

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

    def __str__(self):
        return f"{self.order} {self.kind}"
