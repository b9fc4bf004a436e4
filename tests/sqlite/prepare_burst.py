"""Run inside the sandbox (``python -m tests.sqlite.prepare_burst N``) on the demo database: N customers, each
with an order out for delivery handed to a courier of its own. Prints what the requests need, as JSON."""

import json
import sys
from datetime import timedelta


def main(count: int) -> None:
    import django

    django.setup()
    from django.utils import timezone

    from cod_plugin.flows import confirmation, delivery
    from cod_plugin.models import CodOrder, Courier
    from cod_plugin.rules.lifecycle import ConfirmationOutcome
    from cod_plugin.rules.statuses import CodStatus
    from sandbox.store import services
    from sandbox.store.auth import create_token
    from sandbox.store.demo.shoppers import NEW, Shopper, place

    start = timezone.now() + timedelta(hours=1)
    prepared = []
    for i in range(count):
        email = f"burst{i}@example.com"
        user = services.register_customer(email, "codDemo123!")
        # a phone and a street of their own: one address ordering 20 times a minute is what screening refuses
        own = {**NEW.address, "street": f"{i + 1} Burst Lane", "phone": f"+1202555{i:04d}"}
        order = place(Shopper(email, "default-channel", own, registered=True), {"TSHIRT-001": 1})
        confirmation.confirm_by_agent(order.pk, ConfirmationOutcome.CONFIRMED, actor="agent@example.com")
        courier = Courier.objects.create(
            code=f"burst{i}", name=f"Burst {i}", webhook_secret=f"burst-secret-{i}", channels=["default-channel"]
        )
        CodOrder.objects.filter(pk=order.pk).update(courier=courier)
        for update in (
            delivery.StatusUpdate(status=CodStatus.SHIPPED, tracking_number=f"BT{i}"),
            delivery.StatusUpdate(
                status=CodStatus.OUT_FOR_DELIVERY, window=delivery.Window(start=start, end=start + timedelta(hours=4))
            ),
        ):
            delivery.update_status(order.pk, update, actor="agent@example.com")
        order.refresh_from_db()
        prepared.append(
            {
                "pk": order.pk,
                "number": order.order_number,
                "amount": str(order.amount_to_collect.amount),
                "courier": courier.code,
                "secret": courier.webhook_secret,
                "token": create_token(user),
            }
        )
    print(json.dumps(prepared))


if __name__ == "__main__":
    main(int(sys.argv[1]))
