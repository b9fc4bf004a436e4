"""The plugin's queries: settings, live eligibility, the signed-in customer's profile, orders and (``cash``) couriers'
cash."""

import strawberry
from strawberry.types import Info

from .. import limits
from ..error_codes import CodError
from ..flows import eligibility, policies, profiles
from ..host import get_adapter
from ..rules import bounds
from . import orders, shapes, types
from .cash.queries import CashQuery
from .errors import permission_denied, top_level
from .ids import decode
from .language import speaking
from .metrics.queries import MetricsQuery
from .permissions import context_of
from .risk.backtest import RiskQuery


def _channel(channel: str) -> str:
    try:
        return bounds.text(channel, field="channel", max_length=limits.CHANNEL)
    except CodError as error:
        raise top_level(error) from error


def _language(language_code: str | None) -> str | None:
    if language_code is None:
        return None
    try:
        return bounds.text(language_code, field="languageCode", max_length=limits.LANGUAGE)
    except CodError as error:
        raise top_level(error) from error


@strawberry.type
class Query(CashQuery, RiskQuery, MetricsQuery):
    @strawberry.field(description="A channel's public COD settings; null when the channel has no COD policy.")
    def cod_settings(self, channel: str, language_code: str = "en") -> types.CodSettings | None:
        channel, language_code = _channel(channel), _language(language_code)
        policy = policies.read_settings(channel, language=language_code)
        with speaking(language_code):  # the fee's description speaks the language asked for, as its terms do
            return policy and shapes.settings(policy)

    @strawberry.field(description="Whether COD is offered for the checkout as it is now, and why not.")
    def cod_eligibility(
        self, info: Info, checkout_id: strawberry.ID, language_code: str | None = None
    ) -> types.CodEligibility:
        try:
            with speaking(_language(language_code)):
                token = decode(checkout_id, "Checkout", field="checkoutId")
                result = eligibility.check_eligibility(token, context=context_of(info), language=language_code)
        except CodError as error:
            raise top_level(error) from error
        return shapes.eligibility_result(result)

    @strawberry.field(description="The signed-in customer's COD standing, under a channel's limits.")
    def cod_profile(self, info: Info, channel: str | None = None) -> types.CodProfile:
        customer = get_adapter().get_customer(context_of(info))
        if customer is None:
            raise permission_denied()
        policy = policies.limits_for(channel and _channel(channel))
        snapshot, tier, limit = profiles.describe_customer(customer, policy)
        return shapes.profile(snapshot, tier, limit, policy.limit_currency)

    cod_order: types.CodOrder | None = strawberry.field(
        resolver=orders.cod_order, description="A COD order, for its customer, COD staff and its courier."
    )
    cod_orders: orders.CodOrderConnection = strawberry.field(
        resolver=orders.cod_orders,
        description="COD orders, newest first: all for staff, its own for a courier.",
    )
