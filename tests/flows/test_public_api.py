"""The public Python API (``cod_plugin.api``) for a store that calls the plugin from its own checkout: the same
answers and the same error codes as the GraphQL API for the same checkout."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from strawberry.relay import from_base64

from cod_plugin import api as cod_api
from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows import delivery
from cod_plugin.host import HostContext, HostError, get_adapter
from cod_plugin.models import CodOrder, CodPaymentClaim
from cod_plugin.rules.statuses import CodStatus
from sandbox.store.models import Checkout, Order
from tests.graphql.shop import DELIVERY, new_checkout
from tests.graphql.test_checkout_complete import complete
from tests.lifecycle.helpers import confirm

CUSTOMER = "new@example.com"
LINES = {"TSHIRT-001": 2, "HEADPHONES-001": 1}
ELIGIBILITY = """query($id: ID!) { codEligibility(checkoutId: $id) {
  isEligible reasons { code message } fee { amount } amountToCollect { amount currency } terms { version } } }"""


def ref(checkout_id: str) -> str:
    return from_base64(checkout_id)[1]


@pytest.fixture
def shopper(api, token_for):
    """A signed-in customer: their token for GraphQL and their request's context for the Python API."""
    user = get_user_model().objects.get(email=CUSTOMER)
    return token_for(CUSTOMER), HostContext(user=user)


def locker_checkout(api, token) -> str:
    """A cart sent with a parcel locker, which cannot collect cash."""
    checkout = new_checkout(api, "default-channel", {"TSHIRT-001": 1}, token=token)
    locker = new_checkout(api, "default-channel", {"TSHIRT-001": 1}, method="Parcel locker", token=token)
    methods = api("query($id: ID!) { checkout(id: $id) { deliveryMethod { id } } }", {"id": locker}, token=token)
    api(DELIVERY, {"id": checkout, "m": methods["checkout"]["deliveryMethod"]["id"]}, token=token)
    return checkout


def test_check_answers_what_cod_eligibility_answers(api, shopper):
    token, context = shopper
    checkout = new_checkout(api, "default-channel", LINES, token=token)
    result = cod_api.check(ref(checkout), context=context)
    graphql = api(ELIGIBILITY, {"id": checkout}, token=token)["codEligibility"]
    assert result.is_eligible is graphql["isEligible"] is True
    assert result.reasons == []
    assert (str(result.fee), str(result.amount_to_collect), result.currency) == ("5.22", "179.20", "USD")
    assert (graphql["fee"]["amount"], graphql["amountToCollect"]["amount"]) == ("5.22", "179.20")
    assert result.terms.version == graphql["terms"]["version"] == 1
    assert result.terms.text and result.terms.language == "en"


def test_check_gives_every_reason_as_code_and_message(api, shopper):
    token, context = shopper
    checkout = locker_checkout(api, token)
    result = cod_api.check(ref(checkout), context=context)
    graphql = api(ELIGIBILITY, {"id": checkout}, token=token)["codEligibility"]
    assert result.is_eligible is False
    assert [(code.upper(), message) for code, message in result.reasons] == [
        (reason["code"], reason["message"]) for reason in graphql["reasons"]
    ]
    assert [code for code, _ in result.reasons] == ["delivery_method_cannot_collect"]


def test_a_checkout_that_is_not_the_contexts_is_not_found(api, shopper, token_for):
    token, _ = shopper
    checkout = new_checkout(api, "default-channel", LINES, token=token)
    someone_else = HostContext(user=get_user_model().objects.get(email="trusted@example.com"))
    for call in (
        lambda: cod_api.check(ref(checkout), context=someone_else),
        lambda: cod_api.place(ref(checkout), context=someone_else, accepted_terms_version=1),
        lambda: cod_api.check("not-a-checkout", context=HostContext(user=AnonymousUser())),
    ):
        with pytest.raises(CodError) as raised:
            call()
        assert (raised.value.code, raised.value.field) == (CodErrorCode.NOT_FOUND, "checkoutId")
    assert complete(api, checkout, token_for("trusted@example.com"))["errors"][0]["code"] == "NOT_FOUND"


def test_place_creates_the_order_once(api, shopper):
    token, context = shopper
    checkout = ref(new_checkout(api, "default-channel", LINES, token=token))
    order = cod_api.place(checkout, context=context, accepted_terms_version=1)
    again = cod_api.place(checkout, context=context, accepted_terms_version=1)
    assert again.pk == order.pk and order.status == CodStatus.PENDING_CONFIRMATION
    assert order.amount_to_collect.amount == Decimal("179.20")
    assert Order.objects.count() == 1 and cod_api.order_for(order.order_ref).pk == order.pk
    assert cod_api.order_for("999999") is None


def test_place_refuses_as_graphql_does(api, shopper):
    token, context = shopper
    locker = locker_checkout(api, token)
    with pytest.raises(CodError) as not_eligible:
        cod_api.place(ref(locker), context=context, accepted_terms_version=1)
    assert not_eligible.value.code == CodErrorCode.NOT_ELIGIBLE
    assert [reason.code for reason in not_eligible.value.reasons] == ["delivery_method_cannot_collect"]
    assert complete(api, locker, token)["errors"][0]["code"] == "NOT_ELIGIBLE"
    eligible = new_checkout(api, "default-channel", LINES, token=token)
    with pytest.raises(CodError) as old_terms:
        cod_api.place(ref(eligible), context=context, accepted_terms_version=0)
    assert (old_terms.value.code, old_terms.value.field) == (
        CodErrorCode.TERMS_VERSION_MISMATCH,
        "acceptedTermsVersion",
    )
    assert complete(api, eligible, token, terms=0)["errors"][0]["code"] == "TERMS_VERSION_MISMATCH"
    assert not CodOrder.objects.exists() and not Order.objects.exists()


class StoreCheckout:
    """A store's own checkout making the order from the draft (here with the sandbox's own order creation)."""

    def __init__(self, context, *, refuse: HostError | None = None):
        self.context, self.refuse, self.drafts = context, refuse, []

    def __call__(self, draft):
        self.drafts.append(draft)
        if self.refuse:
            raise self.refuse
        return get_adapter().create_order(draft, context=self.context)


def test_register_order_lets_the_store_create_the_order_once(api, shopper):
    token, context = shopper
    checkout = ref(new_checkout(api, "default-channel", LINES, token=token))
    create = StoreCheckout(context)
    order = cod_api.register_order(checkout, context=context, accepted_terms_version=1, create=create)
    again = cod_api.register_order(checkout, context=context, accepted_terms_version=1, create=create)
    assert again.pk == order.pk and CodOrder.objects.count() == 1
    assert len(create.drafts) == 1
    draft = create.drafts[0]
    assert (draft.fee, draft.amount_to_collect, draft.checkout.ref) == (Decimal("5.22"), Decimal("179.20"), checkout)
    assert order.order_ref == str(Order.objects.get().pk)


def test_register_order_once_even_when_the_store_keeps_its_checkout(api, shopper):
    token, context = shopper
    checkout = ref(new_checkout(api, "default-channel", LINES, token=token))
    made = []

    def create(draft):
        # the store's checkout stays (a basket marked submitted, say): the plugin must not ask twice
        made.append(draft)
        snapshot = get_adapter().create_order(draft, context=context)
        Checkout.objects.create(token=checkout, channel_id=Order.objects.get().channel_id, user=context.user)
        return snapshot

    first = cod_api.register_order(checkout, context=context, accepted_terms_version=1, create=create)
    again = cod_api.register_order(checkout, context=context, accepted_terms_version=1, create=create)
    assert again.pk == first.pk and len(made) == 1


def test_register_order_with_a_store_out_of_stock_records_nothing(api, shopper):
    token, context = shopper
    checkout = ref(new_checkout(api, "default-channel", LINES, token=token))
    create = StoreCheckout(context, refuse=HostError("insufficient_stock", "Not enough stock for: T-shirt"))
    with pytest.raises(CodError) as raised:
        cod_api.register_order(checkout, context=context, accepted_terms_version=1, create=create)
    assert (raised.value.code, raised.value.message) == (
        CodErrorCode.INSUFFICIENT_STOCK,
        "Not enough stock for: T-shirt",
    )
    assert not CodOrder.objects.exists() and Checkout.objects.filter(pk=checkout).exists()


def test_register_order_does_not_call_the_store_when_a_check_fails(api, shopper):
    token, context = shopper
    create = StoreCheckout(context)
    with pytest.raises(CodError) as raised:
        cod_api.register_order(
            ref(locker_checkout(api, token)), context=context, accepted_terms_version=1, create=create
        )
    assert raised.value.code == CodErrorCode.NOT_ELIGIBLE and create.drafts == []


def test_claim_paid_makes_one_claim_for_the_orders_customer_only(api, shopper):
    token, context = shopper
    order = cod_api.place(
        ref(new_checkout(api, "default-channel", LINES, token=token)), context=context, accepted_terms_version=1
    )
    confirm(order)
    delivery.update_status(order.pk, delivery.StatusUpdate(status=CodStatus.OUT_FOR_DELIVERY), actor="courier")
    claim = cod_api.claim_paid(order.order_ref, context=context, reference="RCPT-1", method="cash")
    again = cod_api.claim_paid(order.order_ref, context=context, reference="RCPT-2", method="cash")
    assert again.pk == claim.pk and CodPaymentClaim.objects.count() == 1 and claim.reference == "RCPT-1"
    for stranger in (
        HostContext(user=AnonymousUser()),
        HostContext(user=get_user_model().objects.get(email="trusted@example.com")),
    ):
        with pytest.raises(CodError) as raised:
            cod_api.claim_paid(order.order_ref, context=stranger, reference="RCPT-1", method="cash")
        assert (raised.value.code, raised.value.field) == (CodErrorCode.NOT_FOUND, "orderId")
    with pytest.raises(CodError) as bad_method:
        cod_api.claim_paid(order.order_ref, context=context, reference="RCPT-1", method="cheque")
    assert bad_method.value.code == CodErrorCode.INVALID
