"""The COD fee as an oscar surcharge: the amount comes from the plugin's check, never from oscar's own sums."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout.surcharges import BaseSurcharge
from oscar.core import prices

# The code the adapter finds the fee by when it changes it (``orders.FEE_CODE``; ``orders`` loads this app's
# applicator, so it cannot be imported here).
CODE = "cod-fee"


class CashOnDeliveryFee(BaseSurcharge):
    """A fixed amount, tax included (the plugin's fee has no tax split)."""

    code = CODE

    def __init__(self, fee: Decimal, label: str | None = None):
        self.fee = fee
        self.name = label or _("Cash on Delivery fee")

    def calculate(self, basket, **kwargs):
        return prices.Price(currency=basket.currency, excl_tax=self.fee, incl_tax=self.fee)
