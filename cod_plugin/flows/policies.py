"""Reading a channel's policy into the plain snapshot that the rules take."""

from django.db.models import Max, OuterRef, Prefetch, Subquery

from ..conf import app_settings
from ..models import CodPolicy, CodRegion, CodTerms
from ..rules.policy import FeeSchedule, PolicySnapshot, RegionRule, TermsSnapshot
from ..rules.risk import Band, RiskSettings


def _current_terms_queryset():
    latest = CodTerms.objects.filter(policy=OuterRef("policy")).values("policy").annotate(v=Max("version"))
    return CodTerms.objects.filter(version=Subquery(latest.values("v")))


def get_policy(channel: str) -> CodPolicy | None:
    """The policy with its regions and its current terms in every language: three queries."""
    return (
        CodPolicy.objects.filter(channel=channel)
        .prefetch_related(
            Prefetch("regions", queryset=CodRegion.objects.order_by("pk")),
            Prefetch("terms", queryset=_current_terms_queryset(), to_attr="current_terms"),
        )
        .first()
    )


def pick_terms(policy: CodPolicy, language: str) -> TermsSnapshot | None:
    by_language = {terms.language: terms for terms in policy.current_terms}
    for candidate in (language, language.split("-")[0], app_settings.DEFAULT_LANGUAGE):
        if candidate in by_language:
            terms = by_language[candidate]
            return TermsSnapshot(version=terms.version, language=terms.language, text=terms.text)
    terms = min(policy.current_terms, key=lambda t: t.language, default=None)
    return terms and TermsSnapshot(version=terms.version, language=terms.language, text=terms.text)


def _region_rule(region: CodRegion) -> RegionRule:
    return RegionRule(
        country=region.country,
        area=region.area,
        postal_code_patterns=tuple(region.postal_code_patterns),
        order_cap=region.order_cap,
        collection_methods=tuple(region.collection_methods) or ("cash",),
        fee_percent=region.fee_percent,
        fee_fixed=region.fee_fixed,
    )


def to_snapshot(policy: CodPolicy, *, language: str) -> PolicySnapshot:
    return PolicySnapshot(
        channel=policy.channel,
        currency=policy.currency,
        enabled=policy.enabled,
        fee=FeeSchedule(
            percent=policy.fee_percent,
            fixed=policy.fee_fixed,
            minimum=policy.fee_minimum,
            maximum=policy.fee_maximum,
            waiver_above=policy.fee_waiver_above,
        ),
        limit_currency=policy.limit_currency,
        new_customer_limit=policy.new_customer_limit,
        trusted_customer_limit=policy.trusted_customer_limit,
        max_delivery_days=policy.max_delivery_days,
        excluded_flags=frozenset(policy.excluded_flags),
        flag_labels=tuple((code, str(label)) for code, label in app_settings.PRODUCT_FLAGS.items()),
        excluded_categories=frozenset(policy.excluded_categories),
        max_item_price=policy.max_item_price,
        regions=tuple(_region_rule(region) for region in policy.regions.all()),
        terms=pick_terms(policy, language),
        trusted_after_completed_orders=app_settings.TRUSTED_AFTER_COMPLETED_ORDERS,
        max_line_quantity=app_settings.MAX_LINE_QUANTITY,
        fee_label=policy.fee_label,
        risk=risk_settings(policy),
    )


def risk_settings(policy: CodPolicy) -> RiskSettings:
    """The channel's screening settings: its weights over the defaults, its bands, actions and limits."""
    defaults = RiskSettings()
    return RiskSettings(
        weights={**defaults.weights, **{str(code): int(w) for code, w in (policy.risk_weights or {}).items()}},
        medium_from=policy.risk_medium_from,
        high_from=policy.risk_high_from,
        very_high_from=policy.risk_very_high_from,
        actions={
            Band.LOW: policy.risk_action_low,
            Band.MEDIUM: policy.risk_action_medium,
            Band.HIGH: policy.risk_action_high,
            Band.VERY_HIGH: policy.risk_action_very_high,
        },
        deposit_percent=policy.deposit_percent,
        deposit_fixed=policy.deposit_fixed,
        deposit_above=policy.deposit_above,
        deposit_hours=policy.deposit_hours,
        velocity_per_day=policy.risk_velocity_per_day,
        duplicate_window_hours=policy.risk_duplicate_hours,
        region_min_orders=policy.risk_region_min_orders,
        region_refusal_percent=policy.risk_region_refusal_percent,
    )


def disabled_snapshot(channel: str, currency: str) -> PolicySnapshot:
    """What a channel without a policy gets: COD off, the shipped defaults otherwise."""
    return PolicySnapshot(
        channel=channel,
        currency=currency,
        enabled=False,
        fee=FeeSchedule(),
        limit_currency=app_settings.LIMIT_CURRENCY,
        new_customer_limit=app_settings.NEW_CUSTOMER_LIMIT,
        trusted_customer_limit=app_settings.TRUSTED_CUSTOMER_LIMIT,
        max_delivery_days=7,
        excluded_flags=frozenset(),
        trusted_after_completed_orders=app_settings.TRUSTED_AFTER_COMPLETED_ORDERS,
        max_line_quantity=app_settings.MAX_LINE_QUANTITY,
    )


def read_settings(channel: str, *, language: str) -> PolicySnapshot | None:
    """The channel's public settings, or None when it has no COD policy."""
    policy = get_policy(channel)
    return policy and to_snapshot(policy, language=language)


def limits_for(channel: str | None) -> PolicySnapshot:
    """The channel's policy for its limits; the shipped defaults for no channel or an unknown one."""
    policy = read_settings(channel, language=app_settings.DEFAULT_LANGUAGE) if channel else None
    return policy or disabled_snapshot(channel or "", "")
