"""The role table walked: every query, mutation and admin screen, for every role, allowed or denied exactly as
``cod_plugin.permissions`` says (README shows the same table). Denied is a top-level PERMISSION_DENIED for staff
work, NOT_FOUND (or nothing) for an order that is not the caller's, and 403 (or the login page) in the admin;
allowed is anything else: the flow was reached and answered a result or a business error."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from strawberry.relay import to_base64

from cod_plugin import permissions
from cod_plugin.graphql.schema import schema
from cod_plugin.models import CodCustomerProfile, CodOrder, CodRemittance, Courier
from cod_plugin.permissions import ADMIN, API, API_CONDITIONS, DELIVERED_WITH_PAYMENT, GROUPS, ORDER_MONEY, ORDER_RISK
from sandbox.store.auth import create_token
from tests.graphql.conftest import Api
from tests.lifecycle.helpers import confirm, place

STAFF = {
    "COD managers": "manager@example.com",
    "COD agents": "agent@example.com",
    "COD dispatch": "dispatch@example.com",
    "COD finance": "finance@example.com",
    "COD support": "support@example.com",
}
ROLES = ("anonymous", "customer", "another customer", *STAFF, "courier", "another courier")
# Where the caller's ownership of the order decides: another's order is answered as not found.
ORDER_SCOPED = {name for name, access in API.items() if access.customer or access.courier}
BUSINESS_CODES = {"INVALID", "NOT_FOUND"}  # top-level errors of queries that reached their flow


@dataclass
class World:
    """One order of new@example.com, handed to fastship and confirmed; a user per role; a remittance of fastship."""

    order: CodOrder
    users: dict
    remittance: CodRemittance | None = None

    @property
    def order_id(self) -> str:
        return to_base64("CodOrder", self.order.pk)

    def token(self, role: str) -> str | None:
        user = self.users.get(role)
        return create_token(user) if user else None


def courier_user(code: str):
    user = get_user_model().objects.create_user(f"{code}@couriers.example", f"{code}@couriers.example", "x")
    Courier.objects.create(code=code, name=code, webhook_secret="w" * 20, user=user, channels=["default-channel"])
    return user


@pytest.fixture
def world(api, token_for) -> World:
    from cod_plugin.flows import shipping

    users = {email: get_user_model().objects.get(email=email) for email in ("new@example.com", "trusted@example.com")}
    roles = {"customer": users["new@example.com"], "another customer": users["trusted@example.com"]}
    roles |= {group: get_user_model().objects.get(email=email) for group, email in STAFF.items()}
    roles |= {"courier": courier_user("fastship"), "another courier": courier_user("slowship")}
    _, order = place(api, token_for("new@example.com"))
    shipping.assign(order.pk, "fastship", actor="dispatch@example.com")
    confirm(order)
    order.refresh_from_db()
    remittance = CodRemittance.objects.create(
        courier=Courier.objects.get(code="fastship"),
        reference="R-0",
        remitted_on="2026-11-30",
        currency="USD",
        source="api",
    )
    return World(order=order, users=roles, remittance=remittance)


def expected(access: permissions.Access, role: str, world: World) -> bool:
    user = world.users.get(role)
    if access.public:
        return True
    if user is None:
        return False
    return (
        access.signed_in
        or access.staff_may(user.has_perm)
        or (access.customer and role == "customer")
        or (access.courier and role == "courier")
    )


# --- the API -------------------------------------------------------------------------------------------------------

SOON = timezone.now() + timedelta(days=2)
WINDOW = {"start": SOON.isoformat(), "end": (SOON + timedelta(hours=2)).isoformat()}
MONEY = '{amount: "1.00", currency: "USD"}'
NO_RETURN, NO_REFUND = to_base64("CodReturn", 999999), to_base64("CodRefund", 999999)
NO_EXCEPTION = to_base64("CodReconciliationException", 999999)
NO_CHECKOUT = to_base64("Checkout", "00000000-0000-0000-0000-000000000000")
ORDER_MUTATION = "mutation($id: ID!) {{ {field}(orderId: $id{args}) {{ errors {{ code }} }} }}"


def on_order(field: str, args: str = "") -> tuple[str, str]:
    return ORDER_MUTATION.format(field=field, args=args), "order"


# Each operation's request: (query, what $id is: "order", "return", "refund", "checkout" or nothing).
REQUESTS = {
    "codSettings": ('{ codSettings(channel: "default-channel") { enabled } }', None),
    "codEligibility": ("query($id: ID!) { codEligibility(checkoutId: $id) { isEligible } }", "checkout"),
    "codProfile": ('{ codProfile(channel: "default-channel") { tier } }', None),
    "codOrder": ("query($id: ID!) { codOrder(orderId: $id) { id } }", "order"),
    "codOrders": ("{ codOrders(first: 100) { edges { node { id } } } }", None),
    "codCheckoutComplete": (
        "mutation($id: ID!) { codCheckoutComplete(checkoutId: $id, acceptedTermsVersion: 1) { errors { code } } }",
        "checkout",
    ),
    "codOrderConfirm": on_order("codOrderConfirm", ", outcome: CONFIRMED"),
    "codOrderConfirmByLink": (
        'mutation { codOrderConfirmByLink(token: "not-a-token", decision: CONFIRM) { errors { code } } }',
        None,
    ),
    "codOrderUpdateStatus": on_order("codOrderUpdateStatus", ', input: {status: SHIPPED, trackingNumber: "T-1"}'),
    "codOrderAssignCourier": on_order("codOrderAssignCourier", ', courier: "fastship"'),
    "codOrderReschedule": on_order(
        "codOrderReschedule", f', window: {{start: "{WINDOW["start"]}", end: "{WINDOW["end"]}"}}'
    ),
    "codOrderMarkPaid": on_order("codOrderMarkPaid", ', voucher: {reference: "R-1"}, method: CASH'),
    "codOrderRecordPayment": on_order(
        "codOrderRecordPayment", f', collectedAmount: {MONEY}, method: CASH, receipt: "R-1"'
    ),
    "codReturnRequestCreate": on_order(
        "codReturnRequestCreate", ', lines: [{sku: "TSHIRT-001", quantity: 1}], reason: DAMAGED'
    ),
    "codReturnApprove": ("mutation($id: ID!) { codReturnApprove(returnId: $id) { errors { code } } }", "return"),
    "codReturnReject": (
        'mutation($id: ID!) { codReturnReject(returnId: $id, reason: "no") { errors { code } } }',
        "return",
    ),
    "codReturnReceive": (
        'mutation($id: ID!) { codReturnReceive(returnId: $id, lines: [{sku: "TSHIRT-001", quantity: 1}]) '
        "{ errors { code } } }",
        "return",
    ),
    "codRefundCreate": on_order("codRefundCreate", f', amount: {MONEY}, method: STORE_CREDIT, idempotencyKey: "k-1"'),
    "codRefundMarkPaid": (
        'mutation($id: ID!) { codRefundMarkPaid(refundId: $id, reference: "T-1") { errors { code } } }',
        "refund",
    ),
    "codRemittanceCreate": (
        'mutation { codRemittanceCreate(input: {courier: "fastship", reference: "R-1", remittedOn: "2026-11-30", '
        'currency: "USD", lines: [{orderNumber: "NO-SUCH-ORDER", collected: "1.00"}]}) { errors { code } } }',
        None,
    ),
    "codRemittances": ('{ codRemittances(filter: {courier: "fastship"}) { totalCount } }', None),
    "codRemittance": ("query($id: ID!) { codRemittance(id: $id) { id } }", "remittance"),
    "codCashInHand": ('{ codCashInHand(courier: "fastship") { currency } }', None),
    "codRiskBacktest": ("{ codRiskBacktest(days: 30) { orders } }", None),
    "codMetrics": ("{ codMetrics(filter: {dimension: REGION}) { weeks rows { key } } }", None),
    "codReconciliationExceptionResolve": (
        "mutation($id: ID!) { codReconciliationExceptionResolve(exceptionId: $id, outcome: WRITTEN_OFF, "
        'note: "x") { errors { code } } }',
        "exception",
    ),
}
CONDITION_REQUESTS = {
    DELIVERED_WITH_PAYMENT: (
        "codOrderUpdateStatus",
        on_order(
            "codOrderUpdateStatus", f", input: {{status: DELIVERED, collectedAmount: {MONEY}, collectionMethod: CASH}}"
        )[0],
    ),
    ORDER_MONEY: ("codOrder", "query($id: ID!) { codOrder(orderId: $id) { id money { expected { amount } } } }"),
    ORDER_RISK: ("codOrder", "query($id: ID!) { codOrder(orderId: $id) { id risk { score signals { detail } } } }"),
}


def variables(world: World, kind: str | None) -> dict:
    ids = {"order": world.order_id, "return": NO_RETURN, "refund": NO_REFUND, "checkout": NO_CHECKOUT}
    ids |= {"exception": NO_EXCEPTION, "remittance": to_base64("CodRemittance", world.remittance.pk)}
    return {"id": ids[kind]} if kind else {}


def answered(field: str, body: dict, world: World) -> str:
    """ "denied" or "allowed", as the caller would tell from the answer."""
    codes = [error.get("extensions", {}).get("code") for error in body.get("errors", [])]
    assert set(codes) <= {"PERMISSION_DENIED", *BUSINESS_CODES}, body  # a malformed request would prove nothing
    if "PERMISSION_DENIED" in codes:
        return "denied"
    data = (body.get("data") or {}).get(field)
    if field in ("codOrder", "codRemittance"):  # null for whoever may not see it; so is an order's money, its risk
        return "allowed" if data and None not in (data.get("money", True), data.get("risk", True)) else "denied"
    if field == "codOrders":
        return "allowed" if world.order_id in {edge["node"]["id"] for edge in data["edges"]} else "denied"
    payload_codes = {error["code"] for error in (data or {}).get("errors", [])}
    return "denied" if field in ORDER_SCOPED and "NOT_FOUND" in payload_codes else "allowed"


def walk(world: World, field: str, query: str, kind: str | None, access: permissions.Access) -> None:
    api = Api()
    got = {
        role: answered(field, api.raw(query, variables(world, kind), token=world.token(role)), world) for role in ROLES
    }
    want = {role: "allowed" if expected(access, role, world) else "denied" for role in ROLES}
    assert got == want


def test_the_table_names_every_root_field_of_the_schema_and_each_has_a_request():
    fields = {*schema._schema.query_type.fields, *schema._schema.mutation_type.fields}
    assert set(API) == fields
    assert set(REQUESTS) == fields and set(CONDITION_REQUESTS) == set(API_CONDITIONS)


@pytest.mark.parametrize("field", sorted(REQUESTS))
def test_each_role_may_use_the_api_exactly_as_the_table_says(world, field):
    query, kind = REQUESTS[field]
    walk(world, field, query, kind, API[field])


@pytest.mark.parametrize("condition", sorted(CONDITION_REQUESTS))
def test_each_role_meets_the_tables_conditions(world, condition):
    field, query = CONDITION_REQUESTS[condition]
    base, extra = API[field], API_CONDITIONS[condition]
    got = {
        role: answered(field, Api().raw(query, {"id": world.order_id}, token=world.token(role)), world)
        for role in ROLES
    }
    want = {
        role: "allowed" if expected(base, role, world) and expected(extra, role, world) else "denied" for role in ROLES
    }
    assert got == want


# --- the admin -----------------------------------------------------------------------------------------------------

ORDERS = "/admin/cod_plugin/codorder/"
QUEUE = "/admin/cod_admin_ui/confirmationqueue/"
PROFILES = "/admin/cod_plugin/codcustomerprofile/"
RETURNS = "/admin/cod_plugin/codreturnrequest/"
REMITTANCES = "/admin/cod_plugin/codremittance/"
EXCEPTIONS = "/admin/cod_plugin/codreconciliationexception/"
COURIERS = "/admin/cod_plugin/courier/"
ALERTS = "/admin/cod_plugin/codriskalert/"
ADMIN_ROLES = ("anonymous", "customer", *STAFF)


def admin_requests(world: World) -> dict[str, list[tuple[str, str, dict]]]:
    """Each screen or action of the table as the requests that use it."""
    pk = world.order.pk
    amount = str(world.order.amount_to_collect.amount)
    profile = CodCustomerProfile.objects.get(email="penalty@example.com").pk
    window = {
        "window_start": SOON.strftime("%Y-%m-%dT%H:%M"),
        "window_end": (SOON + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    return {
        "orders: list and order page": [("get", ORDERS, {}), ("get", f"{ORDERS}{pk}/change/", {})],
        "orders: voucher image": [("get", f"{ORDERS}{pk}/voucher/", {})],
        "orders: delivery status": [("post", f"{ORDERS}{pk}/status/", {"status": "delivery_failed"})],
        "orders: delivered with the collected amount": [
            ("post", f"{ORDERS}{pk}/status/", {"status": "delivered", "collected_amount": amount})
        ],
        "orders: appointment": [("post", f"{ORDERS}{pk}/reschedule/", window)],
        "orders: payment record": [
            ("post", f"{ORDERS}{pk}/payment/", {"amount": amount, "method": "cash", "receipt": "R"})
        ],
        "orders: assign a courier": [("post", f"{ORDERS}{pk}/courier/", {"courier": "fastship"})],
        "orders: export selected (CSV)": [("post", ORDERS, {"action": "export_orders_csv", "_selected_action": pk})],
        "orders: hand selected to a courier": [
            ("post", ORDERS, {"action": "hand_orders_to_courier", "_selected_action": pk}),
            (
                "post",
                ORDERS,
                {"action": "hand_orders_to_courier", "_selected_action": pk, "apply": "1", "courier": "fastship"},
            ),
        ],
        "confirmation queue": [("get", QUEUE, {})],
        "confirmation queue: outcomes and changes": [
            ("post", f"{QUEUE}{pk}/outcome/", {"outcome": "no_answer", "attempts": "0"}),
            ("get", f"{QUEUE}{pk}/modify/", {}),
        ],
        "customers: list and profile": [("get", PROFILES, {}), ("get", f"{PROFILES}{profile}/change/", {})],
        "customers: standing actions": [
            ("post", f"{PROFILES}{profile}/standing/suspend/", {"reason": "x", "days": "3"})
        ],
        "returns: list and return page": [("get", RETURNS, {})],
        "returns: decide, receive, refund": [("post", f"{RETURNS}999999/action/approve/", {"note": ""})],
        "channel policies: read": [("get", "/admin/cod_plugin/codpolicy/", {})],
        "channel policies: add, change, delete": [("get", "/admin/cod_plugin/codpolicy/add/", {})],
        "couriers: read": [("get", "/admin/cod_plugin/courier/", {})],
        "couriers: add, change, delete": [("get", "/admin/cod_plugin/courier/add/", {})],
        "messages": [("get", "/admin/cod_plugin/notification/", {})],
        "courier events": [("get", "/admin/cod_plugin/courierevent/", {})],
        "overview": [("get", "/admin/cod_admin_ui/codoverview/", {})],
        "cash: remittances, their lines and exceptions": [("get", REMITTANCES, {}), ("get", EXCEPTIONS, {})],
        "cash: upload a report, map its columns": [("get", f"{REMITTANCES}upload/", {})],
        "cash: record a deposit, import a bank statement": [
            ("post", f"{REMITTANCES}999999/deposit/", {"amount": "1.00", "bank_reference": "B"}),
            ("post", f"{REMITTANCES}999999/statement/", {}),
        ],
        "cash: resolve an exception": [
            ("post", f"{EXCEPTIONS}999999/resolve/", {"outcome": "written_off", "note": "x"})
        ],
        "orders: money status": [("get", f"{ORDERS}{pk}/money/", {})],
        "cash: cash in hand": [("get", f"{COURIERS}cash-in-hand/", {})],
        "cash: export a period (CSV)": [
            ("get", f"{COURIERS}cash-export/", {}),
            ("get", f"{COURIERS}cash-export/", {"start": "2026-01-01", "end": "2026-01-31"}),
        ],
        "risk: backtest": [("get", "/admin/cod_admin_ui/riskbacktest/", {"days": "30"})],
        "orders: risk score and signals": [("get", f"{ORDERS}{pk}/change/", {})],
        "confirmation queue: offer related products": [
            ("post", f"{QUEUE}{pk}/add/", {"product_ref": "999999", "quantity": "1"})
        ],
        "monitoring: figures and trends": [("get", "/admin/cod_admin_ui/codmonitoring/", {"dimension": "region"})],
        "monitoring: alerts": [("get", "/admin/cod_plugin/codriskalert/", {}), ("get", f"{ALERTS}999999/orders/", {})],
        "monitoring: acknowledge an alert": [("post", f"{ALERTS}999999/acknowledge/", {})],
    }


def admin_answer(response) -> str:
    login = response.status_code == 302 and response["Location"].startswith("/admin/login/")
    return "denied" if response.status_code == 403 or login else "allowed"


def signed_in(world: World, role: str) -> Client:
    client = Client()
    if world.users.get(role):
        client.force_login(world.users[role])
    return client


def test_every_admin_entry_of_the_table_has_its_requests(world):
    assert set(admin_requests(world)) == set(ADMIN)


@pytest.mark.parametrize("entry", sorted(ADMIN))
def test_each_role_may_use_the_admin_exactly_as_the_table_says(world, entry):
    requests = admin_requests(world)[entry]
    for role in ADMIN_ROLES:
        client = signed_in(world, role)
        got = [admin_answer(getattr(client, method)(url, data)) for method, url, data in requests]
        allowed = role in STAFF and ADMIN[entry].staff_may(world.users[role].has_perm)
        assert got == ["allowed" if allowed else "denied"] * len(requests), (role, got)


def test_the_groups_are_the_tables():
    assert set(STAFF) == set(GROUPS)
