"""The order page's money panel, for who may see an order's money (finance): what was to be collected, what the
courier's record says it collected, what its remittance paid over (and which remittance), whether that reached
the bank, and the order's cash exceptions, open first (``flows.cash.money_status``)."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from cod_plugin import formatting
from cod_plugin.flows import cash
from cod_plugin.models import CodOrder
from cod_plugin.rules.reconciliation import ExceptionKind, LineStatus

MONEY_STATUS = "orders: money status"


@dataclass(frozen=True)
class ExceptionRow:
    kind: str
    is_open: bool
    status: str
    difference: str
    raised_at: object
    outcome: str
    note: str


class MoneyPanel:
    """``cash.money_status`` of one order, as the panel shows it (three queries)."""

    def __init__(self, order: CodOrder):
        self.status = cash.money_status(order)
        self.currency = self.status.currency

    def money(self, amount) -> str:
        return formatting.money(amount, self.currency)

    @property
    def rows(self) -> list[tuple[str, str]]:
        status = self.status
        remitted = self.money(status.remitted) if status.remittance else gettext("Not yet remitted")
        return [
            (gettext("Expected (to collect)"), self.money(status.expected)),
            (gettext("Collected (courier’s payment record)"), self.money(status.collected)),
            (gettext("Collected at"), formatting.datetime(status.collected_at)),
            (gettext("Remitted"), remitted),
            (gettext("Deposited"), self.deposited()),
        ]

    def deposited(self) -> str:
        if self.status.deposited:
            return gettext("Yes, on %(day)s") % {"day": formatting.date(self.status.deposited_on)}
        return gettext("Not yet") if self.status.remittance else formatting.EMPTY

    @property
    def remittance(self):
        return self.status.remittance

    @property
    def remittance_url(self) -> str:
        if self.status.remittance is None:
            return ""
        try:
            return reverse("admin:cod_plugin_codremittance_change", args=[self.status.remittance.pk])
        except NoReverseMatch:
            return ""

    @property
    def line_status(self) -> str:
        return str(LineStatus(self.status.line_status).label) if self.status.line_status else ""

    @property
    def open_exceptions(self) -> int:
        return self.status.open_exceptions

    @property
    def exceptions(self) -> list[ExceptionRow]:
        return [
            ExceptionRow(
                kind=str(ExceptionKind(item.kind).label),
                is_open=item.status == item.Status.OPEN,
                status=str(item.get_status_display()),
                difference=self.money(item.difference),
                raised_at=item.created_at,
                outcome=str(item.get_outcome_display()) if item.outcome else "",
                note=item.note,
            )
            for item in self.status.exceptions
        ]
