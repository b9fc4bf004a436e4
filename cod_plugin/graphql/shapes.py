"""Shaping domain results into the GraphQL output types."""

from ..error_codes import CodError as DomainError
from ..flows.eligibility import EligibilityResult
from ..flows.orders import detail, max_reschedules
from ..models import CodOrder as CodOrderModel
from ..rules import eligibility, fees
from ..rules.policy import PolicySnapshot, TermsSnapshot
from ..rules.tiers import ProfileSnapshot, Tier
from . import enums, types


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


def order(item: CodOrderModel, *, max_reschedules: int) -> types.CodOrder:
    """``item`` comes with its events, claim and payment loaded (see flows.orders.with_details)."""
    currency = str(item.amount_to_collect.currency)
    return types.CodOrder(
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
        ),
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
    return [order(item, max_reschedules=allowed[item.channel]) for item in items]


def order_detail(order_pk: int) -> types.CodOrder:
    """The order as its page shows it, read afresh (after a mutation changed it)."""
    return orders([detail(order_pk)])[0]
