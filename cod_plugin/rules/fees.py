"""The COD fee: a percentage of the order amount (goods plus shipping) plus a fixed part, clamped, rounded."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .. import formatting
from ..money import round_money
from .policy import FeeSchedule, RegionRule


def schedule_for_region(schedule: FeeSchedule, region: RegionRule | None) -> FeeSchedule:
    if region is None or (region.fee_percent is None and region.fee_fixed is None):
        return schedule
    return FeeSchedule(
        percent=schedule.percent if region.fee_percent is None else region.fee_percent,
        fixed=schedule.fixed if region.fee_fixed is None else region.fee_fixed,
        minimum=schedule.minimum,
        maximum=schedule.maximum,
        waiver_above=schedule.waiver_above,
    )


def compute_fee(order_amount: Decimal, schedule: FeeSchedule, currency: str) -> Decimal:
    if schedule.waiver_above is not None and order_amount >= schedule.waiver_above:
        return round_money(Decimal(0), currency)
    fee = order_amount * schedule.percent / Decimal(100) + schedule.fixed
    if schedule.minimum is not None:
        fee = max(fee, schedule.minimum)
    if schedule.maximum is not None:
        fee = min(fee, schedule.maximum)
    return round_money(fee, currency)


def describe(schedule: FeeSchedule, currency: str) -> str:
    """The fee in a shopper's words, in the active language: "3% of the order amount, at least $1.00"."""
    percent = formatting.number(schedule.percent.normalize())
    if schedule.fixed:
        parts = [
            _("%(percent)s%% of the order amount plus %(fixed)s")
            % {"percent": percent, "fixed": formatting.money(schedule.fixed, currency)}
        ]
    else:
        parts = [_("%(percent)s%% of the order amount") % {"percent": percent}]
    if schedule.minimum is not None:
        parts.append(_("at least %(amount)s") % {"amount": formatting.money(schedule.minimum, currency)})
    if schedule.maximum is not None:
        parts.append(_("at most %(amount)s") % {"amount": formatting.money(schedule.maximum, currency)})
    if schedule.waiver_above is not None:
        parts.append(_("free from %(amount)s") % {"amount": formatting.money(schedule.waiver_above, currency)})
    return pgettext("between the parts of a fee description", ", ").join(parts)
