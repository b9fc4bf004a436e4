"""The sandbox store's online payment for deposits (partial COD): the port's ``request_deposit`` and
``refund_deposit``, the page where the customer pays, and the staff's "Mark paid".

The payment is the store's; the plugin hears of it through ``cod_plugin.api.deposit_paid``. A payment the plugin
no longer waits for (the deposit expired, the order was cancelled) is refused there and given back through
``refund_deposit``, so the page shows it refunded."""

from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cod_plugin import api
from cod_plugin.conf import app_settings
from cod_plugin.host import DepositRequest, HostError

from . import selectors
from .models import DepositPayment, Order


class DepositPayments:
    """The port's deposit methods for the sandbox store (mixed into its adapter)."""

    def request_deposit(self, order_ref: str, *, amount: Decimal, currency: str, expires_at) -> DepositRequest:
        pk = selectors.parse_pk(order_ref)
        order = Order.objects.filter(pk=pk).first() if pk is not None else None
        if order is None:
            raise HostError("order_not_found", "Order not found.", field="orderId")
        payment = DepositPayment.objects.create(order=order, amount=amount, currency=currency, expires_at=expires_at)
        return DepositRequest(payment_ref=str(payment.token), pay_url=pay_url(payment))

    def refund_deposit(self, order_ref: str, *, amount: Decimal, currency: str) -> None:
        pk = selectors.parse_pk(order_ref)
        payment = DepositPayment.objects.select_for_update().filter(order_id=pk, currency=currency).first()
        if payment is None:
            raise HostError("deposit_not_found", "No deposit payment for this order.", field="orderId")
        payment.refunded += amount
        payment.status = DepositPayment.Status.REFUNDED
        payment.save(update_fields=["refunded", "status"])


def pay_url(payment: DepositPayment) -> str:
    return app_settings.PUBLIC_BASE_URL + reverse("deposit_pay", args=[payment.token])


def mark_paid(payment_pk: int) -> str:
    """The payment taken (the page's "Pay", the admin's "Mark paid"), then reported to the plugin; returns the
    plugin's refusal, "" when the order goes on. A payment already paid is reported again (harmless)."""
    with transaction.atomic():
        payment = DepositPayment.objects.select_for_update().select_related("order").get(pk=payment_pk)
        if payment.status == DepositPayment.Status.REFUNDED:
            return "This payment was refunded."
        if payment.status == DepositPayment.Status.PENDING:
            payment.status, payment.paid_at = DepositPayment.Status.PAID, timezone.now()
            payment.save(update_fields=["status", "paid_at"])
    try:
        api.deposit_paid(str(payment.order_id), payment_ref=str(payment.token))
    except api.CodError as error:
        return str(error)
    return ""


@require_http_methods(["GET", "POST"])
def pay_page(request, token):
    """The customer's page: the deposit's amount and order, and a "Pay" button while it is pending."""
    payment = DepositPayment.objects.select_related("order").filter(token=token).first()
    if payment is None:
        raise Http404
    refusal = ""
    if request.method == "POST" and payment.status == DepositPayment.Status.PENDING:
        refusal = mark_paid(payment.pk)
        payment.refresh_from_db()
    return render(request, "sandbox/deposit_pay.html", {"payment": payment, "refusal": refusal})
