"""The backtest's read: the finished COD orders placed in the last N days (of one channel, or all), in one query,
handed to ``rules.backtest``. Finished: the courier delivered it (delivered, completed) or it came back (refused,
returned to the merchant); an order still on its way, cancelled or refunded tells nothing about the door."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from ..error_codes import CodError, CodErrorCode
from ..models import CodOrder
from ..rules.backtest import Backtest, Finished, backtest
from ..rules.statuses import CodStatus

MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 1, 365, 90
DELIVERED = (CodStatus.DELIVERED, CodStatus.COMPLETED)
REFUSED = (CodStatus.REFUSED, CodStatus.RETURNED_TO_ORIGIN)
FINISHED = (*DELIVERED, *REFUSED)


def check_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
        message = _("Choose from %(low)s to %(high)s days.") % {"low": MIN_DAYS, "high": MAX_DAYS}
        raise CodError(CodErrorCode.INVALID, message, field="days")
    return days


def finished_orders(days: int, *, channel: str | None = None, now: datetime | None = None) -> list[Finished]:
    """The orders placed from ``days`` days before ``now`` on that are finished now."""
    since = (now or timezone.now()) - timedelta(days=check_days(days))
    found = CodOrder.objects.filter(status__in=FINISHED, created_at__gte=since)
    if channel:
        found = found.filter(channel=channel)
    rows = found.values_list("risk_score", "risk_band", "risk_signals", "status")
    return [
        Finished(score=score, band=band, codes=_codes(signals), refused=status in REFUSED)
        for score, band, signals, status in rows
    ]


def run(days: int = DEFAULT_DAYS, *, channel: str | None = None, now: datetime | None = None) -> Backtest:
    return backtest(finished_orders(days, channel=channel, now=now))


def _codes(signals) -> tuple[str, ...]:
    return tuple(str(signal.get("code", "")) for signal in signals or () if isinstance(signal, dict))
