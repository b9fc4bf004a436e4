"""What a remittance's page shows: its totals and deposit, one page of its lines (a remittance may have 100,000:
read a page at a time, counted by the remittance's own ``line_count``), its first exceptions, open first, with a
resolve form each, and the deposit and bank statement forms. A fixed number of queries whatever the lines."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from cod_plugin import formatting
from cod_plugin.models import CodReconciliationException, CodRemittance, CodRemittanceLine

from .cash_forms import DepositForm, ResolveForm, StatementForm

LINES_PER_PAGE = 50
EXCEPTIONS_SHOWN = 20
Status = CodRemittance.Status
ExceptionStatus = CodReconciliationException.Status


@dataclass(frozen=True)
class LineRow:
    line: CodRemittanceLine
    order_url: str | None
    expected: str
    collected: str
    deductions: str
    remitted: str


@dataclass(frozen=True)
class ExceptionRow:
    exception: CodReconciliationException
    url: str
    resolve_url: str
    order_url: str | None
    expected: str
    actual: str
    difference: str
    form: ResolveForm | None


def page_number(text: str | None, pages: int) -> int:
    try:
        number = int(text or 1)
    except ValueError:
        number = 1
    return min(max(number, 1), pages)


def open_first(exceptions):
    """Open ones first, each kind oldest first."""
    rank = Case(When(status=ExceptionStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return exceptions.order_by(rank, "created_at", "pk")


class RemittancePage:
    def __init__(
        self,
        remittance: CodRemittance,
        *,
        page: str | None,
        may_deposit: bool,
        may_resolve: bool,
        url: Callable[..., str],
    ):
        self.remittance = remittance
        self.currency = remittance.currency
        self.pages = max(1, -(-remittance.line_count // LINES_PER_PAGE))
        self.page = page_number(page, self.pages)
        self.may_deposit = may_deposit
        self.may_resolve = may_resolve
        self.url = url

    def money(self, amount) -> str:
        return formatting.money(amount, self.currency)

    def context(self) -> dict[str, Any]:
        remittance = self.remittance
        may_deposit = self.may_deposit and remittance.status == Status.AWAITING_DEPOSIT
        return {
            "remittance": remittance,
            "original": remittance,
            "totals": self.totals(),
            "deposit": self.deposit(),
            "lines": self.lines(),
            "page": self.page,
            "pages": self.pages,
            "first_row": (self.page - 1) * LINES_PER_PAGE + 1,
            "last_row": min(self.page * LINES_PER_PAGE, remittance.line_count),
            "exceptions": self.exceptions(),
            "exceptions_url": self.url("cod_plugin_codreconciliationexception_changelist")
            + f"?remittance={remittance.pk}&status=all",
            "exceptions_shown": EXCEPTIONS_SHOWN,
            "deposit_form": DepositForm(remittance=remittance, auto_id="id_deposit_%s") if may_deposit else None,
            "statement_form": StatementForm(auto_id="id_statement_%s") if self.may_deposit else None,
            "deposit_url": self.url("cod_plugin_codremittance_deposit", remittance.pk),
            "statement_url": self.url("cod_plugin_codremittance_statement", remittance.pk),
        }

    def totals(self) -> list[tuple[Any, str]]:
        remittance = self.remittance
        return [
            (_("Total collected"), self.money(remittance.total)),
            (_("COD handling charges"), self.money(remittance.cod_charge)),
            (_("Shipping charges"), self.money(remittance.shipping)),
            (_("Return shipping charges"), self.money(remittance.return_shipping)),
            (_("Other deductions"), self.money(remittance.other_deductions)),
            (_("Deductions in all"), self.money(remittance.deductions)),
            (_("Net to deposit"), self.money(remittance.net)),
        ]

    def deposit(self) -> list[tuple[Any, str]]:
        remittance = self.remittance
        return [
            (_("Status"), remittance.get_status_display()),
            (_("Amount deposited"), self.money(remittance.deposited_amount)),
            (_("Deposited on"), formatting.date(remittance.deposited_on)),
            (_("Bank reference"), remittance.bank_reference or formatting.EMPTY),
        ]

    def lines(self) -> list[LineRow]:
        start = (self.page - 1) * LINES_PER_PAGE
        lines = self.remittance.lines.select_related("order").order_by("row")[start : start + LINES_PER_PAGE]
        return [
            LineRow(
                line=line,
                order_url=self.order_url(line.order_id),
                expected=self.money(line.expected),
                collected=self.money(line.collected),
                deductions=self.money(line.deductions),
                remitted=self.money(line.remitted),
            )
            for line in lines
        ]

    def order_url(self, order_pk: int | None) -> str | None:
        return self.url("cod_plugin_codorder_change", order_pk) if order_pk else None

    def exceptions(self) -> list[ExceptionRow]:
        found = open_first(self.remittance.exceptions.select_related("line", "order"))[:EXCEPTIONS_SHOWN]
        return [self.exception_row(exception) for exception in found]

    def exception_row(self, exception: CodReconciliationException) -> ExceptionRow:
        money = exception_money(exception)
        resolvable = self.may_resolve and exception.status == ExceptionStatus.OPEN
        form = ResolveForm(exception=exception, auto_id=f"id_resolve_{exception.pk}_%s") if resolvable else None
        return ExceptionRow(
            exception=exception,
            url=self.url("cod_plugin_codreconciliationexception_change", exception.pk),
            resolve_url=self.url("cod_plugin_codreconciliationexception_resolve", exception.pk),
            order_url=self.order_url(exception.order_id),
            form=form,
            **money,
        )


def exception_money(exception: CodReconciliationException) -> dict[str, str]:
    currency = exception.currency
    return {
        "expected": formatting.money(exception.expected, currency),
        "actual": formatting.money(exception.actual, currency),
        "difference": formatting.money(exception.difference, currency),
    }
