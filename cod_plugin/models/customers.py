"""Customers' COD standing and its history."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import MoneyField
from .base import AMOUNT


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


class CodProfileEvent(models.Model):
    """A change to a customer's COD standing, with its cause."""

    profile = models.ForeignKey(CodCustomerProfile, on_delete=models.CASCADE, related_name="events")
    order = models.ForeignKey("CodOrder", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
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
