"""What the plugin's tables share: the size of an amount column."""

from django.db import models

AMOUNT = {"max_digits": 15, "decimal_places": 3}


def _amount(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, null=True, blank=True, **AMOUNT, **kwargs)
