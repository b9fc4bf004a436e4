"""Template filters for :mod:`cod_plugin.formatting`: ``{% load cod_format %}``.

``{{ order.amount_to_collect|money }}`` (a ``Money``), ``{{ amount|money:currency }}`` (a Decimal and its code),
``{{ order.created_at|when }}`` (date and time), ``{{ order.created_at|day }}`` (the date alone).
"""

from django import template

from .. import formatting

register = template.Library()


@register.filter
def money(value, currency=None):
    if currency is None:
        return formatting.money_of(value)
    return formatting.money(value, str(currency))


@register.filter
def when(value):
    return formatting.datetime(value)


@register.filter
def day(value):
    return formatting.date(value)


@register.filter
def percent(value):
    return formatting.percent(value)
