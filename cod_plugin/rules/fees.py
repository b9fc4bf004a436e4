"""The COD fee: a percentage of the order amount (goods plus shipping) plus a fixed part, clamped, rounded."""

from decimal import Decimal

from ..money import display, round_money
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
    parts = [f"{schedule.percent.normalize():f}% of the order amount"]
    if schedule.fixed:
        parts.append(f"+ {display(schedule.fixed, currency)}")
    if schedule.minimum is not None:
        parts.append(f"at least {display(schedule.minimum, currency)}")
    if schedule.maximum is not None:
        parts.append(f"at most {display(schedule.maximum, currency)}")
    if schedule.waiver_above is not None:
        parts.append(f"free from {display(schedule.waiver_above, currency)}")
    return ", ".join(parts)
