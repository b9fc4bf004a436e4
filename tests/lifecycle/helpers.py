"""Orders placed through the API and moved along in tests, as customers, staff and couriers would."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from strawberry.relay import to_base64

from cod_plugin.flows import lifecycle
from cod_plugin.models import CodOrder, Courier
from cod_plugin.rules.lifecycle import Event
from sandbox.store.auth import create_token
from tests.graphql.shop import new_checkout
from tests.graphql.test_checkout_complete import COMPLETE

ORDER_FIELDS = """id number status trackingNumber reschedulesLeft amountToCollect { amount currency }
  appointment { start end } claim { reference method hasImage } payment { amount { amount currency } method receipt }
  refusal { reason note } flags { confirmationOverdue claimUnverified amountDiscrepancy }
  timeline { kind fromStatus toStatus actor reason }"""
UPDATE = f"""mutation($id: ID!, $input: CodStatusUpdateInput!) {{
  codOrderUpdateStatus(orderId: $id, input: $input) {{ order {{ {ORDER_FIELDS} }} errors {{ field code message }} }}
}}"""
RESCHEDULE = f"""mutation($id: ID!, $w: CodWindowInput!) {{
  codOrderReschedule(orderId: $id, window: $w) {{ order {{ {ORDER_FIELDS} }} errors {{ field code message }} }}
}}"""
MARK_PAID = f"""mutation($id: ID!, $v: CodVoucherInput!, $m: CodCollectionMethod!) {{
  codOrderMarkPaid(orderId: $id, voucher: $v, method: $m) {{
    order {{ {ORDER_FIELDS} }} errors {{ field code message }}
  }}
}}"""
ORDER = f"query($id: ID!) {{ codOrder(orderId: $id) {{ {ORDER_FIELDS} }} }}"


def place(api, token, lines=None, channel="default-channel") -> tuple[str, CodOrder]:
    checkout = new_checkout(api, channel, lines or {"TSHIRT-001": 2, "HEADPHONES-001": 1}, token=token)
    payload = api(COMPLETE, {"id": checkout, "terms": 1}, token=token)["codCheckoutComplete"]
    assert payload["errors"] == [], payload["errors"]
    order = CodOrder.objects.get(order_number=payload["order"]["number"])
    return to_base64("CodOrder", order.pk), order


def confirm(order: CodOrder) -> None:
    with transaction.atomic():
        lifecycle.move(lifecycle.lock(order.pk), Event.CONFIRM, actor="agent")


def staff_token(*, with_permission=True) -> str:
    # agent@example.com is also a demo account (in the COD agents group): a clerk stands for staff without rights.
    email = "agent@example.com" if with_permission else "clerk@example.com"
    user, _ = get_user_model().objects.get_or_create(username=email, defaults={"email": email, "is_staff": True})
    if with_permission:  # every order job: confirming, dispatching, recording payments, reading
        jobs = ("confirm_cod_orders", "dispatch_cod_orders", "record_cod_payments", "view_codorder")
        user.user_permissions.add(*Permission.objects.filter(content_type__app_label="cod_plugin", codename__in=jobs))
    return create_token(user)


def courier_token(code="fastship", channels=("default-channel",)) -> tuple[Courier, str]:
    user = get_user_model().objects.create_user(f"{code}@couriers.example", f"{code}@couriers.example", "x")
    courier = Courier.objects.create(
        code=code, name=code.title(), webhook_secret="s3cret", user=user, channels=list(channels)
    )
    return courier, create_token(user)
