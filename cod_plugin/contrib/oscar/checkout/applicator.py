"""Oscar's surcharges with the COD fee: present only while the customer chose COD and the basket is eligible, so
the preview, the totals and the placed order show the same fee the plugin computed."""

from oscar.apps.checkout import applicator

from . import cod
from .surcharges import CashOnDeliveryFee


class SurchargeApplicator(applicator.SurchargeApplicator):
    def get_surcharges(self, basket, **kwargs):
        surcharges = list(super().get_surcharges(basket, **kwargs))
        if self.request is not None and basket.pk and cod.is_chosen(self.request):
            result = cod.check(self.request, basket)
            if result is not None and result.is_eligible:
                surcharges.append(CashOnDeliveryFee(result.fee, result.policy.fee_label))
        return surcharges
