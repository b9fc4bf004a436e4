"""Screens that are not a table of their own, as proxy models: each gets its place in the admin index and its
own view permission, which the COD groups are given."""

from django.utils.translation import gettext_lazy as _

from cod_plugin.models import CodOrder


class ConfirmationQueue(CodOrder):
    class Meta:
        proxy = True
        verbose_name = _("confirmation queue")
        verbose_name_plural = _("confirmation queue")


class CodOverview(CodOrder):
    class Meta:
        proxy = True
        verbose_name = _("COD overview")
        verbose_name_plural = _("COD overview")


class RiskBacktest(CodOrder):
    class Meta:
        proxy = True
        verbose_name = _("risk backtest")
        verbose_name_plural = _("risk backtest")


class CodMonitoring(CodOrder):
    class Meta:
        proxy = True
        verbose_name = _("COD monitoring")
        verbose_name_plural = _("COD monitoring")
