"""Shaping domain results into the GraphQL output types."""

from decimal import Decimal

from ..error_codes import CodError as DomainError
from ..flows import order_deposits
from ..flows.eligibility import EligibilityResult
from ..flows.orders import detail, max_reschedules
from ..flows.refunds import account_last4
from ..models import CodOrder as CodOrderModel
from ..models import CodRefund as CodRefundModel
from ..models import CodReturnRequest as CodReturnModel
from ..rules import eligibility, fees
from ..rules.policy import PolicySnapshot, TermsSnapshot
from ..rules.refunds import remaining
from ..rules.tiers import ProfileSnapshot, Tier
from . import deposits, enums, types
from .cash.money import MoneyBatch
from .risk import shapes as risk_shapes


def reason(item: eligibility.Reason) -> types.CodReason:
    return types.CodReason(code=enums.CodReasonCode(item.code.value), message=item.message, skus=list(item.skus))


def error(item: DomainError) -> types.CodError:
    return types.CodError(
        field=item.field,
        message=item.message,
        code=enums.CodErrorCode(item.code.value),
        reasons=[reason(r) for r in item.reasons],
    )


def terms(item: TermsSnapshot | None) -> types.CodTerms | None:
    return item and types.CodTerms(version=item.version, language=item.language, text=item.text)


def methods(values) -> list:
    return [enums.CodCollectionMethod(value) for value in values]


def eligibility_result(result: EligibilityResult) -> types.CodEligibility:
    decision, currency = result.decision, result.decision.currency
    return types.CodEligibility(
        is_eligible=decision.is_eligible,
        reasons=[reason(r) for r in decision.reasons],
        order_amount=types.Money.of(decision.order_amount, currency),
        fee=types.Money.of(decision.fee, currency),
        amount_to_collect=types.Money.of(decision.amount_to_collect, currency),
        limit=types.Money.of(decision.limit, decision.limit_currency),
        tier=enums.CodTier(decision.tier.value),
        terms=terms(result.policy.terms),
        collection_methods=methods(decision.collection_methods),
        deposit=risk_shapes.deposit(decision.deposit, currency),
    )


def settings(policy: PolicySnapshot) -> types.CodSettings:
    currency, fee = policy.currency, policy.fee
    money = types.Money.of
    return types.CodSettings(
        channel=policy.channel,
        enabled=policy.enabled,
        currency=currency,
        fee_description=fees.describe(fee, currency),
        fee_percent=fee.percent,
        fee_fixed=money(fee.fixed, currency),
        fee_minimum=money(fee.minimum, currency),
        fee_maximum=money(fee.maximum, currency),
        fee_waiver_above=money(fee.waiver_above, currency),
        limits=[
            types.CodTierLimit(tier=enums.CodTier.NEW, limit=money(policy.new_customer_limit, policy.limit_currency)),
            types.CodTierLimit(
                tier=enums.CodTier.TRUSTED, limit=money(policy.trusted_customer_limit, policy.limit_currency)
            ),
        ],
        max_delivery_days=policy.max_delivery_days,
        collection_methods=methods(sorted({m for region in policy.regions for m in region.collection_methods})),
        terms=terms(policy.terms),
    )


def order(item: CodOrderModel, *, max_reschedules: int, money_batch=None) -> types.CodOrder:
    """``item`` comes with its events, claim, payment, returns and refunds loaded (see flows.orders.with_details);
    its money is read with ``money_batch``'s orders when asked."""
    currency = str(item.amount_to_collect.currency)
    made = list(item.refunds.all())
    return types.CodOrder(
        risk_stored=item,
        id=types.CodOrder.global_id(item.pk),
        order_id=item.order_ref,
        number=item.order_number,
        channel=item.channel,
        status=enums.CodOrderStatus(item.status),
        order_amount=types.Money.of(item.order_amount.amount, currency),
        fee=types.Money.of(item.fee.amount, currency),
        amount_to_collect=types.Money.of(item.amount_to_collect.amount, currency),
        terms_version=item.terms_version,
        collection_methods=methods(item.collection_methods),
        created_at=item.created_at,
        tracking_number=item.tracking_number,
        courier=types.CodCourier(name=item.courier.name) if item.courier_id else None,
        appointment=item.appointment_start
        and types.CodAppointment(start=item.appointment_start, end=item.appointment_end),
        reschedules_left=max(max_reschedules - item.reschedules, 0),
        confirmation_attempts=item.confirmation_attempts,
        timeline=[timeline_event(event) for event in item.events.all()],
        claim=claim(getattr(item, "claim", None)),
        payment=payment(getattr(item, "payment", None)),
        refusal=types.CodRefusal(reason=item.refusal_reason, note=item.refusal_note) if item.refusal_reason else None,
        flags=types.CodOrderFlags(
            confirmation_overdue=item.confirmation_overdue,
            claim_unverified=item.claim_unverified,
            amount_discrepancy=item.amount_discrepancy,
            refund_overdue=item.refund_overdue,
        ),
        returns=[return_request(r) for r in item.returns.all()],
        refunds=[refund(r) for r in made],
        refunded_amount=types.Money.of(_paid(made), currency),
        refundable_amount=_refundable(
            getattr(item, "payment", None), made, currency, order_deposits.paid_of(getattr(item, "deposit", None))
        ),
        pk=item.pk,
        money_batch=money_batch,
        deposit_shape=deposits.shape(item),
    )


def _paid(made: list[CodRefundModel]) -> Decimal:
    return sum((r.amount.amount for r in made if r.status == CodRefundModel.Status.PAID), Decimal(0))


def _refundable(collected, made: list[CodRefundModel], currency: str, deposit: Decimal) -> types.Money | None:
    """What the customer paid (the cash collected and the deposit) less the refunds made (``flows.refunds``)."""
    if collected is None:
        return None
    left = remaining(collected.amount.amount + deposit, [r.amount.amount for r in made], currency)
    return types.Money.of(left, currency)


def _deposit(item: CodOrderModel) -> Decimal:
    return order_deposits.paid_of(getattr(item, "deposit", None))


def return_request(item: CodReturnModel) -> types.CodReturn:
    """``item`` comes with its lines loaded."""
    return types.CodReturn(
        id=types.CodReturn.global_id(item.pk),
        status=enums.CodReturnStatus(item.status),
        reason=enums.CodReturnReason(item.reason),
        description=item.description,
        lines=[
            types.CodReturnLine(
                sku=line.sku, name=line.name, quantity=line.quantity, received_quantity=line.received_quantity
            )
            for line in item.lines.all()
        ],
        decision_note=item.decision_note,
        received_at=item.received_at,
        refund_due=item.refund_due,
        refund_overdue=item.refund_overdue,
        created_at=item.created_at,
    )


def refund(item: CodRefundModel) -> types.CodRefund:
    return types.CodRefund(
        id=types.CodRefund.global_id(item.pk),
        amount=types.Money.of(item.amount.amount, str(item.amount.currency)),
        method=enums.CodRefundMethod(item.method),
        status=enums.CodRefundStatus(item.status),
        reference=item.reference,
        includes_fee=item.includes_fee,
        account_last4=account_last4(item) or None,
        return_id=item.return_request_id and types.CodReturn.global_id(item.return_request_id),
        created_at=item.created_at,
        paid_at=item.paid_at,
    )


def _status(value: str):
    return enums.CodOrderStatus(value) if value else None


def timeline_event(event) -> types.CodTimelineEvent:
    return types.CodTimelineEvent(
        kind=event.kind,
        from_status=_status(event.from_status),
        to_status=_status(event.to_status),
        actor=event.actor,
        reason=event.reason,
        data=event.data,
        created_at=event.created_at,
    )


def claim(item) -> types.CodPaymentClaim | None:
    return item and types.CodPaymentClaim(
        reference=item.reference, method=item.method, has_image=bool(item.image), created_at=item.created_at
    )


def payment(item) -> types.CodPaymentRecord | None:
    return item and types.CodPaymentRecord(
        amount=types.Money.of(item.amount.amount, str(item.amount.currency)),
        method=item.method,
        receipt=item.receipt,
        source=item.source,
        created_at=item.created_at,
    )


def profile(snapshot: ProfileSnapshot, tier: Tier, limit, limit_currency: str) -> types.CodProfile:
    penalty = snapshot.outstanding_penalty
    return types.CodProfile(
        tier=enums.CodTier(tier.value),
        limit=types.Money.of(limit, limit_currency),
        completed_orders=snapshot.completed_orders,
        strikes=snapshot.strikes,
        suspended_until=snapshot.suspended_until,
        revoked=snapshot.revoked,
        outstanding_penalty=types.Money.of(penalty, snapshot.penalty_currency) if penalty else None,
    )


def orders(items) -> list[types.CodOrder]:
    items = list(items)
    allowed = max_reschedules({item.channel for item in items})
    batch = MoneyBatch(items)
    return [order(item, max_reschedules=allowed[item.channel], money_batch=batch) for item in items]


def order_detail(order_pk: int) -> types.CodOrder:
    """The order as its page shows it, read afresh (after a mutation changed it)."""
    return orders([detail(order_pk)])[0]


def find_return(order_shape: types.CodOrder, return_pk: int) -> types.CodReturn:
    """One return of an order shaped by ``order_detail``."""
    wanted = types.CodReturn.global_id(return_pk)
    return next(item for item in order_shape.returns if item.id == wanted)


def find_refund(order_shape: types.CodOrder, refund_pk: int) -> types.CodRefund:
    """One refund of an order shaped by ``order_detail``."""
    wanted = types.CodRefund.global_id(refund_pk)
    return next(item for item in order_shape.refunds if item.id == wanted)
