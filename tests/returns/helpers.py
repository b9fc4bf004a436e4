"""Completed orders, a support account and the return and refund mutations, as the tests of this folder use them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from strawberry.relay import to_base64

from cod_plugin.models import CodOrder
from cod_plugin.money import round_money
from sandbox.store.auth import create_token
from tests.lifecycle.helpers import UPDATE, confirm, place, staff_token

RETURN_FIELDS = """id status reason description decisionNote refundDue refundOverdue createdAt receivedAt
  lines { sku name quantity receivedQuantity }"""
REFUND_FIELDS = """id amount { amount currency } method status reference includesFee accountLast4 returnId
  createdAt paidAt"""
ORDER_FIELDS = f"""id status refundedAmount {{ amount currency }} refundableAmount {{ amount currency }}
  flags {{ refundOverdue }} returns {{ {RETURN_FIELDS} }} refunds {{ {REFUND_FIELDS} }}
  timeline {{ kind fromStatus toStatus actor reason data }}"""
ERRORS = "errors { field code message }"

REQUEST = f"""mutation($id: ID!, $lines: [CodReturnLineInput!]!, $reason: CodReturnReason!, $d: String! = "",
  $photos: [String!]) {{
  codReturnRequestCreate(orderId: $id, lines: $lines, reason: $reason, description: $d, photos: $photos) {{
    order {{ {ORDER_FIELDS} }} returnRequest {{ {RETURN_FIELDS} }} {ERRORS}
  }}
}}"""
APPROVE = f"""mutation($id: ID!, $note: String! = "") {{
  codReturnApprove(returnId: $id, note: $note) {{ returnRequest {{ {RETURN_FIELDS} }} {ERRORS} }}
}}"""
REJECT = f"""mutation($id: ID!, $reason: String!) {{
  codReturnReject(returnId: $id, reason: $reason) {{ returnRequest {{ {RETURN_FIELDS} }} {ERRORS} }}
}}"""
RECEIVE = f"""mutation($id: ID!, $lines: [CodReturnLineInput!]!) {{
  codReturnReceive(returnId: $id, lines: $lines) {{ returnRequest {{ {RETURN_FIELDS} }} {ERRORS} }}
}}"""
REFUND = f"""mutation($id: ID!, $ret: ID, $amount: MoneyInput!, $method: CodRefundMethod!,
  $details: CodRefundDetailsInput, $key: String!) {{
  codRefundCreate(orderId: $id, returnId: $ret, amount: $amount, method: $method, details: $details,
    idempotencyKey: $key) {{ order {{ {ORDER_FIELDS} }} refund {{ {REFUND_FIELDS} }} {ERRORS} }}
}}"""
MARK_PAID = f"""mutation($id: ID!, $ref: String!) {{
  codRefundMarkPaid(refundId: $id, reference: $ref) {{
    order {{ {ORDER_FIELDS} }} refund {{ {REFUND_FIELDS} }} {ERRORS}
  }}
}}"""
ORDER = f"query($id: ID!) {{ codOrder(orderId: $id) {{ {ORDER_FIELDS} }} }}"

CUSTOMER = "new@example.com"
BANK = {"accountHolder": "Ann Lee", "iban": "DE89 3704 0044 0532 0130 00"}
# A PNG's signature and a little more: what the photo check looks at.
PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def support_token() -> str:
    """A support person: staff with only "Can handle COD returns and refunds" and reading orders."""
    user = get_user_model().objects.create_user("refunds@example.com", "refunds@example.com", "x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["handle_cod_refunds", "view_codorder"]))
    return create_token(user)


def completed_order(api, customer_token: str, lines=None) -> tuple[str, CodOrder]:
    """A new customer's order placed through the API, confirmed, delivered and paid in full: COMPLETED."""
    order_id, order = place(api, customer_token, lines)
    confirm(order)
    due = order.amount_to_collect
    collected = {"amount": str(round_money(due.amount, str(due.currency))), "currency": str(due.currency)}
    delivered = api(
        UPDATE,
        {"id": order_id, "input": {"status": "DELIVERED", "collectedAmount": collected, "collectionMethod": "CASH"}},
        token=staff_token(),
    )["codOrderUpdateStatus"]
    assert delivered["errors"] == [] and delivered["order"]["status"] == "COMPLETED", delivered
    order.refresh_from_db()
    return order_id, order


def global_id(type_name: str, pk: int) -> str:
    return to_base64(type_name, pk)


def codes(payload: dict) -> list[str]:
    return [error["code"] for error in payload["errors"]]
