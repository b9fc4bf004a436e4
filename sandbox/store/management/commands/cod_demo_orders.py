"""``manage.py cod_demo_orders``: COD orders for the demo customers, so that the admin's lists, queues and overview
have something to show. Run by ``make demo`` after ``loaddata``.

Every order is placed through the store's checkout services and the plugin's checkout flow, and moved by the
plugin's flows (confirmation, delivery, payment, returns, refunds), exactly as the API and the admin would move it.
Only the dates are then rewritten (``sandbox.store.demo.clock``): each order's ``created_at``, its timeline events'
``created_at`` and the other rows made with it are moved back over the last two weeks, so that the overview's
30-day rates have data and a "no answer" retry is already due.

Screening runs as at any checkout; ``demo.risky`` tells its story (every band, an explained high-risk order at the
top of the queue, a very high risk checkout refused COD).

Idempotent enough: when the store has COD orders already, nothing is added. Messages go to the console only: the
command refuses to run when they would reach a real provider.
"""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from cod_plugin.conf import app_settings
from cod_plugin.models import CodOrder, CodPolicy, CodReturnRequest

from ...demo.orders import make_demo_orders
from ...demo.risky import CART, SAM_AGAIN, refused_checkout


class Command(BaseCommand):
    help = "Place demo COD orders for the demo customers and move them through their lives (once)."

    def handle(self, *args, **options):
        existing = CodOrder.objects.count()
        if existing:
            self.stdout.write(f"The store has {existing} COD orders already: no demo orders added.")
            return
        _require_console_messages()
        orders = make_demo_orders()
        self.stdout.write(f"{len(orders)} demo COD orders:")
        for status, count in sorted(Counter(order.get_status_display() for order in orders).items()):
            self.stdout.write(f"  {status}: {count}")
        returns = CodReturnRequest.objects.filter(order__in=orders).values_list("status", flat=True)
        self.stdout.write(f"  returns: {', '.join(sorted(returns))}")
        bands = Counter(order.risk_band for order in orders if order.status == "pending_confirmation")
        self.stdout.write(f"  waiting for a call, by risk: {', '.join(f'{b}: {n}' for b, n in sorted(bands.items()))}")
        checkout = refused_checkout(SAM_AGAIN, CART)
        if checkout:
            self.stdout.write(f"  refused COD at checkout for a very high risk: checkout {checkout}")


def _require_console_messages() -> None:
    if app_settings.NOTIFICATION_BACKEND != "console" or CodPolicy.objects.exclude(sms_url="").exists():
        raise CommandError(
            "The demo orders would text real customers: set COD_NOTIFICATION_BACKEND=console and clear the "
            "channels' SMS provider URLs first."
        )
