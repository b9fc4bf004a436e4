"""The amount the returns queue shows for each return of a page, read in four queries whatever the number of rows:
what was refunded for a refunded return, the suggested refund for one whose goods are back (as
``flows.refunds.suggest`` makes it), the value of the goods asked for one not received yet."""

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from cod_plugin import models
from cod_plugin.rules import refunds as rules

Status = models.CodReturnRequest.Status
PAID = models.CodRefund.Status.PAID


def refund_amounts(return_requests: Sequence[models.CodReturnRequest]) -> dict[int, Decimal | None]:
    """By return pk; None for a rejected return. The returns come with their order (``select_related``)."""
    if not return_requests:
        return {}
    reads = _Reads(return_requests)
    return {return_request.pk: reads.amount(return_request) for return_request in return_requests}


class _Reads:
    def __init__(self, return_requests: Sequence[models.CodReturnRequest]):
        order_ids = {return_request.order_id for return_request in return_requests}
        self.lines = defaultdict(list)
        for line in models.CodReturnLine.objects.filter(return_request__in=[r.pk for r in return_requests]):
            self.lines[line.return_request_id].append(line)
        self.refunds = defaultdict(list)
        for refund in models.CodRefund.objects.filter(order_id__in=order_ids).order_by("pk"):
            self.refunds[refund.order_id].append(refund)
        records = models.CodPaymentRecord.objects.filter(order_id__in=order_ids).order_by("pk")
        self.collected = {}
        for order_id, amount in records.values_list("order_id", "amount"):
            self.collected.setdefault(order_id, amount)
        channels = {return_request.order.channel for return_request in return_requests}
        policies = models.CodPolicy.objects.filter(channel__in=channels)
        self.fee_settings = dict(policies.values_list("channel", "refund_fee"))

    def amount(self, return_request: models.CodReturnRequest) -> Decimal | None:
        order = return_request.order
        currency = str(order.amount_to_collect.currency)
        own = [refund for refund in self.refunds[order.pk] if refund.return_request_id == return_request.pk]
        if return_request.status == Status.REJECTED:
            return None
        if return_request.status == Status.REFUNDED:
            return sum((refund.amount.amount for refund in own if refund.status == PAID), Decimal(0))
        if return_request.status != Status.RECEIVED:
            lines = self.lines[return_request.pk]
            return rules.returned_value(
                [rules.ReceivedLine(line.unit_price, line.quantity) for line in lines], currency
            )
        return self._suggested(return_request, own, currency)

    def _suggested(self, return_request, own: list[models.CodRefund], currency: str) -> Decimal:
        order = return_request.order
        made = self.refunds[order.pk]
        setting = self.fee_settings.get(order.channel, models.CodPolicy().refund_fee)
        fee_given = any(refund.includes_fee for refund in made)
        with_fee = any(refund.includes_fee for refund in own) or (
            rules.refunds_fee(setting, return_request.reason) and not fee_given
        )
        left = rules.remaining(self.collected.get(order.pk) or Decimal(0), [r.amount.amount for r in made], currency)
        lines = [
            rules.ReceivedLine(line.unit_price, line.received_quantity or 0) for line in self.lines[return_request.pk]
        ]
        already = sum((refund.amount.amount for refund in own), Decimal(0))
        return rules.suggested_refund(
            lines, fee=order.fee.amount, with_fee=with_fee, left=left, currency=currency, already=already
        )
