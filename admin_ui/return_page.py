"""What the return page shows: the return with its order, goods, photos, refunds, amounts, the suggested refund
and the step the return is at."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cod_plugin import formatting, models
from cod_plugin.flows import refunds, standing
from cod_plugin.rules import refunds as refund_rules

from .labels import channel_name, channel_names, customer_label
from .number_inputs import input_value
from .return_actions import ACTIONS, MarkPaidForm, RefundForm, ReturnAction

Status = models.CodReturnRequest.Status
RefundStatus = models.CodRefund.Status


@dataclass(frozen=True)
class RefundRow:
    refund: models.CodRefund
    amount: str
    account_last4: str
    pay_form: MarkPaidForm | None


class ReturnPage:
    """The return page's content: the return with its order, goods, photos, refunds, amounts and next step."""

    def __init__(self, return_request: models.CodReturnRequest, *, may_act: bool, url: Callable[..., str]):
        self.return_request = return_request
        self.order = return_request.order
        self.currency = str(self.order.amount_to_collect.currency)
        self.may_act = may_act
        self.url = url

    def context(self) -> dict[str, Any]:
        return_request, order = self.return_request, self.order
        profile = models.CodCustomerProfile.objects.filter(customer_key=order.customer_key).first()
        made = list(order.refunds.order_by("created_at", "pk"))
        return {
            "return_request": return_request,
            "original": return_request,
            "order": order,
            "order_url": self.url("cod_plugin_codorder_change", order.pk),
            "profile": profile,
            "customer": customer_label(
                order.customer_key, email=profile.email if profile else "", phone=profile.phone if profile else ""
            ),
            "channel": channel_name(order.channel, channel_names()),
            "profile_url": profile and self.url("cod_plugin_codcustomerprofile_change", profile.pk),
            "lines": [
                (line, formatting.money(line.unit_price, self.currency)) for line in return_request.lines.order_by("pk")
            ],
            "photos": [
                self.url("cod_plugin_codreturnrequest_photo", return_request.pk, photo.pk)
                for photo in return_request.photos.order_by("pk")
            ],
            "is_overdue": return_request.is_overdue,
            "refunds": [self._refund_row(refund) for refund in made],
            "amounts": self._amounts(made),
            "suggestion": self._suggestion() if return_request.status in (Status.RECEIVED, Status.REFUNDED) else None,
            "may_act": self.may_act,
            "actions": self._actions() if self.may_act else [],
            "mark_paid_url": self.url("cod_plugin_codreturnrequest_action", return_request.pk, "mark_paid"),
        }

    def _refund_row(self, refund: models.CodRefund) -> RefundRow:
        pay_form = None
        if self.may_act and refund.status == RefundStatus.PENDING:
            prefix = f"id_mark_paid_{refund.pk}_%s"
            pay_form = MarkPaidForm(return_request=self.return_request, initial={"refund": refund.pk}, auto_id=prefix)
        amount = formatting.money(refund.amount.amount, str(refund.amount.currency))
        return RefundRow(refund, amount, refunds.account_last4(refund), pay_form)

    def _amounts(self, made: list[models.CodRefund]) -> list[tuple[Promise, str]]:
        collected = models.CodPaymentRecord.objects.filter(order=self.order).values_list("amount", flat=True).first()
        paid = sum((r.amount.amount for r in made if r.status == RefundStatus.PAID), Decimal(0))
        pending = sum((r.amount.amount for r in made if r.status == RefundStatus.PENDING), Decimal(0))
        return [
            (_("Collected"), formatting.money(collected, self.currency)),
            (_("Refunded"), formatting.money(paid, self.currency)),
            (_("Refunds not yet paid"), formatting.money(pending, self.currency)),
            (_("Left to refund"), formatting.money(refunds.left_to_refund(self.order), self.currency)),
        ]

    @cached_property
    def suggested(self) -> refunds.Suggestion:
        return refunds.suggest(self.return_request.pk)

    def _suggestion(self) -> dict[str, Any]:
        suggestion = self.suggested
        lines = [
            refund_rules.ReceivedLine(line.unit_price, line.received_quantity or 0)
            for line in self.return_request.lines.all()
        ]
        goods = refund_rules.returned_value(lines, self.currency)
        fee = self.order.fee.amount if suggestion.includes_fee else Decimal(0)
        return {
            "amount": formatting.money(suggestion.amount, self.currency),
            "goods": formatting.money(goods, self.currency),
            "fee": formatting.money(self.order.fee.amount, self.currency),
            "already": formatting.money(suggestion.already, self.currency) if suggestion.already else None,
            "includes_fee": suggestion.includes_fee,
            "why": self._fee_why(suggestion.includes_fee),
            "capped": suggestion.amount < goods + fee - suggestion.already,
        }

    def _fee_why(self, includes_fee: bool) -> str:
        setting = standing.policy_for(self.order).refund_fee
        values = {"reason": self.return_request.get_reason_display()}
        if setting == refund_rules.FeeRefund.NEVER:
            return gettext("The channel never refunds the COD fee.")
        if not refund_rules.refunds_fee(setting, self.return_request.reason):
            return (
                gettext("The channel refunds the COD fee for a product problem only; “%(reason)s” is not one.") % values
            )
        if not includes_fee:
            return gettext("The COD fee went back with another refund of this order; it goes back once at most.")
        if setting == refund_rules.FeeRefund.ALWAYS:
            return gettext("The channel refunds the COD fee whatever the reason.")
        return gettext("“%(reason)s” is a product problem: the channel refunds the COD fee.") % values

    def _actions(self) -> list[dict[str, Any]]:
        status = self.return_request.status
        name = "cod_plugin_codreturnrequest_action"
        return [
            {
                "action": action,
                "form": action.form_class(
                    return_request=self.return_request, initial=self._initial(action), auto_id=f"id_{action.name}_%s"
                ),
                "url": self.url(name, self.return_request.pk, action.name),
            }
            for action in ACTIONS.values()
            if status in action.shown_at
        ]

    def _initial(self, action: ReturnAction) -> dict[str, Any]:
        if action.form_class is not RefundForm or not self.suggested.amount:
            return {}
        return {"amount": input_value(self.suggested.amount, self.currency)}
