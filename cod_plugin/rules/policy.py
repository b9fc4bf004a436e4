"""The channel's COD policy as the rules see it: plain values, built by the flows from the models."""

from dataclasses import dataclass, field
from decimal import Decimal

from .risk import RiskSettings


class CollectionMethod:
    CASH = "cash"
    MOBILE_PAYMENT = "mobile_payment"
    CARD = "card"

    ALL = (CASH, MOBILE_PAYMENT, CARD)


@dataclass(frozen=True)
class FeeSchedule:
    """The COD fee: ``percent`` of the order amount plus ``fixed``, clamped to [minimum, maximum], in the
    channel currency; no fee at all from ``waiver_above`` on."""

    percent: Decimal = Decimal("3")
    fixed: Decimal = Decimal(0)
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    waiver_above: Decimal | None = None


@dataclass(frozen=True)
class RegionRule:
    country: str
    area: str = ""
    postal_code_patterns: tuple[str, ...] = ()
    order_cap: Decimal | None = None
    collection_methods: tuple[str, ...] = (CollectionMethod.CASH,)
    fee_percent: Decimal | None = None
    fee_fixed: Decimal | None = None

    @property
    def specificity(self) -> int:
        return (2 if self.postal_code_patterns else 0) + (1 if self.area else 0)


@dataclass(frozen=True)
class TermsSnapshot:
    version: int
    language: str
    text: str


@dataclass(frozen=True)
class PolicySnapshot:
    channel: str
    currency: str
    enabled: bool
    fee: FeeSchedule
    limit_currency: str
    new_customer_limit: Decimal
    trusted_customer_limit: Decimal
    max_delivery_days: int
    excluded_flags: frozenset[str]
    excluded_categories: frozenset[str] = frozenset()
    max_item_price: Decimal | None = None
    regions: tuple[RegionRule, ...] = ()
    terms: TermsSnapshot | None = None
    trusted_after_completed_orders: int = 5
    max_line_quantity: int = 999
    fee_label: str = "Cash on Delivery fee"
    # The store's names of its own product flags (``COD_PRODUCT_FLAGS``), for the reasons: code to label.
    flag_labels: tuple[tuple[str, str], ...] = ()
    risk: RiskSettings = field(default_factory=RiskSettings)
