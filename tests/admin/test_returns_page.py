"""The return page: what support sees of a return, and each step through it (approve or reject, receive the
goods, refund, mark paid), with the flow's errors, one refund per submitted form, permissions and CSRF."""

import re
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.test import Client

from cod_plugin.error_codes import CodError, CodErrorCode
from cod_plugin.flows import refunds
from cod_plugin.models import CodOrder, CodOrderEvent, CodPolicy, CodRefund, CodReturnRequest
from tests.returns.helpers import CUSTOMER, PNG_BASE64, REQUEST, completed_order

from .html_forms import form_data

LIST = "/admin/cod_plugin/codreturnrequest/"
IBAN = "DE89 3704 0044 0532 0130 00"


def page(return_request: CodReturnRequest) -> str:
    return f"{LIST}{return_request.pk}/change/"


def action_url(return_request: CodReturnRequest, action: str) -> str:
    return f"{LIST}{return_request.pk}/action/{action}/"


def signed_in(email: str, **client_options) -> Client:
    client = Client(**client_options)
    client.force_login(get_user_model().objects.get(email=email))
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def fresh(return_request: CodReturnRequest) -> CodReturnRequest:
    return CodReturnRequest.objects.get(pk=return_request.pk)


def order_events(return_request: CodReturnRequest) -> list[str]:
    return list(
        CodOrderEvent.objects.filter(order_id=return_request.order_id).order_by("pk").values_list("kind", flat=True)
    )


def history(return_request: CodReturnRequest) -> list[str]:
    entries = LogEntry.objects.filter(object_id=str(return_request.pk), action_flag=CHANGE).order_by("pk")
    return [entry.change_message for entry in entries]


def post(client, return_request, action, data):
    return client.post(action_url(return_request, action), data, follow=True)


def submit(client, return_request, form_id: str, **changes):
    """Post a form of the return page as the browser would: its fields as shown, with ``changes`` typed in."""
    html = client.get(page(return_request)).content.decode()
    data = {**form_data(html, form_id), **{name: [value] for name, value in changes.items()}}
    assert data, f"no form {form_id} on the page"
    action = re.search(rf'<form method="post" action="([^"]+)" id="{form_id}"', html).group(1)
    return client.post(action, data, follow=True)


@pytest.fixture
def support(demo) -> Client:
    return signed_in("support@example.com")


@pytest.fixture
def requested(api, token_for, settings, tmp_path) -> CodReturnRequest:
    """A completed order (two t-shirts at 19.99, headphones at 129.00, COD fee 5.22, 179.20 collected) whose
    customer asks to return both t-shirts as damaged, with a photo."""
    settings.MEDIA_ROOT = tmp_path
    customer = token_for(CUSTOMER)
    order_id, order = completed_order(api, customer)
    variables = {
        "id": order_id,
        "lines": [{"sku": "TSHIRT-001", "quantity": 2}],
        "reason": "DAMAGED",
        "d": "Torn seams",
        "photos": [PNG_BASE64],
    }
    assert api(REQUEST, variables, token=customer)["codReturnRequestCreate"]["errors"] == []
    return CodReturnRequest.objects.get(order=order)


@pytest.fixture
def received(support, requested) -> CodReturnRequest:
    """The return approved, and one of the two t-shirts came back."""
    assert post(support, requested, "approve", {"note": ""}).status_code == 200
    line = requested.lines.get()
    assert post(support, requested, "receive", {f"line_{line.pk}": "1"}).status_code == 200
    assert fresh(requested).status == CodReturnRequest.Status.RECEIVED
    return fresh(requested)


def refund_form(client, return_request, **changes):
    return submit(client, return_request, "refund_form", **changes)


BANK = {"method": "bank_transfer", "iban": IBAN, "account_holder": "Ann Lee"}


# ---- what the page shows


def test_a_requested_return_shows_the_order_the_goods_the_photo_and_the_decision(support, requested):
    # when support opens a requested return
    response = support.get(page(requested))
    html = response.content.decode()
    # then the order (linked), the customer, the reason, description, photo and the asked line are shown
    assert response.status_code == 200
    order = requested.order
    assert f'<a href="/admin/cod_plugin/codorder/{order.pk}/change/">{order.order_number}</a>' in html
    assert CUSTOMER in html and "Damaged" in html and "Torn seams" in html
    photo_url = f"{page(requested).removesuffix('change/')}photos/{requested.photos.get().pk}/"
    assert f'<a href="{photo_url}"' in html
    photo = support.get(photo_url)
    assert photo.status_code == 200 and b"".join(photo.streaming_content).startswith(b"\x89PNG")
    lines = re.search(r'id="cod-return-lines">(.*?)</table>', html, re.S).group(1)
    assert re.search(r"<td>Cotton T-shirt</td>\s*<td>TSHIRT-001</td>.*?<td[^>]*>2</td>\s*<td[^>]*>-</td>", lines, re.S)
    # and the amounts: 179.20 collected, nothing refunded, all of it left
    amounts = re.findall(r'<th scope="row">([^<]+)</th><td class="cod-amount">([^<]+)</td>', html)
    assert amounts == [
        ("Collected", "$179.20"),
        ("Refunded", "$0.00"),
        ("Refunds not yet paid", "$0.00"),
        ("Left to refund", "$179.20"),
    ]
    # and the decision is the next step: Approve or Reject, POST forms with CSRF; no refund yet
    forms = re.findall(r'<form method="post" action="([^"]+)" id="(\w+)_form">(.*?)</form>', html, re.S)
    assert [(url, name) for url, name, _ in forms] == [
        (action_url(requested, "approve"), "approve"),
        (action_url(requested, "reject"), "reject"),
    ]
    assert all('name="csrfmiddlewaretoken"' in body for _, _, body in forms)
    assert 'value="Approve"' in html and 'value="Reject"' in html
    assert re.search(r'<textarea name="reason"[^>]* required', forms[1][2])
    assert "cod-refund-suggestion" not in html and 'id="refund_form"' not in html


def test_a_received_return_suggests_its_refund_with_the_fee_and_why(support, received):
    # when support opens a return whose damaged t-shirt came back (the channel refunds the fee for product problems)
    html = support.get(page(received)).content.decode()
    # then the suggestion is one t-shirt and the COD fee, and says why the fee is included
    assert '<strong id="cod-suggested-amount">$25.21</strong>' in html
    assert "the goods received ($19.99) and the COD fee ($5.22)" in html
    assert "“Damaged” is a product problem: the channel refunds the COD fee." in html
    # and the refund form is prefilled with it, with a one-time key, and the three methods
    data = form_data(html, "refund_form")
    assert data["amount"] == ["25.21"] and re.fullmatch(r"[0-9a-f]{32}", data["idempotency_key"][0])
    for method in ('value="bank_transfer"', 'value="mobile_wallet"', 'value="store_credit"'):
        assert method in html
    assert 'value="Create refund"' in html
    # and the due date is shown, not overdue
    assert "cod-return-overdue" not in html
    assert re.search(r'id="cod-return-refund-due">\w+', html)


def test_the_suggestion_says_why_the_fee_stays_for_a_change_of_mind(support, received):
    # given the return was for another reason than a product problem
    CodReturnRequest.objects.filter(pk=received.pk).update(reason="other")
    # then the fee is not suggested, and the page says why
    html = support.get(page(received)).content.decode()
    assert '<strong id="cod-suggested-amount">$19.99</strong>' in html
    assert "The channel refunds the COD fee for a product problem only; “Other” is not one." in html
    # and when the channel never refunds the fee, that is the reason given
    CodPolicy.objects.filter(channel="default-channel").update(refund_fee="never")
    assert "The channel never refunds the COD fee." in support.get(page(received)).content.decode()


def test_an_overdue_return_is_marked_on_its_page(support, received):
    # given the refund is past due and the sweep has not run yet
    CodReturnRequest.objects.filter(pk=received.pk).update(refund_due="2020-01-06")
    # then the page marks it overdue
    html = support.get(page(received)).content.decode()
    assert 'id="cod-return-overdue"' in html


# ---- the decision


def test_approving_from_the_page(support, requested):
    # when support approves the return with a note
    response = submit(support, requested, "approve_form", note="Send them back")
    # then the page comes back with the news, the return is approved, the order's timeline and history record it
    assert response.redirect_chain == [(page(requested), 302)]
    assert messages_of(response) == ["The return is approved: the customer may send the goods back."]
    approved = fresh(requested)
    assert (approved.status, approved.decision_note, approved.decided_by) == (
        "approved",
        "Send them back",
        "support@example.com",
    )
    assert order_events(requested)[-1] == "return_approved"
    assert history(requested) == ["Approve: Send them back"]
    # and the next step is receiving the goods, the asked quantity filled in
    html = response.content.decode()
    line = requested.lines.get()
    assert form_data(html, "receive_form")[f"line_{line.pk}"] == ["2"]
    assert 'value="Receive goods"' in html and 'id="approve_form"' not in html


def test_rejecting_needs_a_reason_and_then_no_refund_can_be_made(support, requested):
    # when support rejects without a reason
    response = post(support, requested, "reject", {"reason": " "})
    # then nothing changes and the page says the reason is needed
    assert messages_of(response) == ["Reason: This field is required."]
    assert fresh(requested).status == "requested" and history(requested) == []
    # when support gives the reason
    response = submit(support, requested, "reject_form", reason="Worn and washed")
    # then the return is rejected, on the order's timeline, and its page offers no refund
    assert messages_of(response) == ["The return is rejected."]
    rejected = fresh(requested)
    assert (rejected.status, rejected.decision_note) == ("rejected", "Worn and washed")
    assert order_events(requested)[-1] == "return_rejected"
    html = response.content.decode()
    assert 'id="refund_form"' not in html and "Nothing is left to do on this return." in html
    # when a refund form is forged for it anyway
    forged = {"amount": "39.98", "method": "store_credit", "idempotency_key": "forged-1"}
    response = post(support, requested, "refund", forged)
    # then the flow refuses it with RETURN_NOT_REFUNDABLE's message, and nothing is written
    with pytest.raises(CodError) as refused:
        refunds.create(
            requested.order_id,
            amount=Decimal("39.98"),
            currency="USD",
            method="store_credit",
            details={},
            idempotency_key="forged-2",
            actor="test",
            return_pk=requested.pk,
        )
    assert refused.value.code == CodErrorCode.RETURN_NOT_REFUNDABLE
    assert messages_of(response) == [refused.value.message]
    assert not CodRefund.objects.exists() and history(requested) == ["Reject: Worn and washed"]


# ---- the goods come back


def test_receiving_part_of_the_goods_sets_the_refund_due_date(support, requested):
    # given an approved return of two t-shirts
    post(support, requested, "approve", {"note": ""})
    line = requested.lines.get()
    # when support records that one came back
    response = submit(support, requested, "receive_form", **{f"line_{line.pk}": "1"})
    # then the return is received with its quantity and due date, on the timeline and in the history
    done = fresh(requested)
    assert (done.status, done.lines.get().received_quantity) == ("received", 1)
    assert done.refund_due is not None and done.received_by == "support@example.com"
    [message] = messages_of(response)
    assert message.startswith("The goods are received; the refund is due by ")
    assert order_events(requested)[-1] == "goods_received"
    assert history(requested)[-1] == "Receive goods: TSHIRT-001 × 1"


def test_receiving_more_than_asked_is_refused(support, requested):
    post(support, requested, "approve", {"note": ""})
    line = requested.lines.get()
    response = post(support, requested, "receive", {f"line_{line.pk}": "3"})
    assert messages_of(response) == ["Cotton T-shirt (TSHIRT-001): Ensure this value is less than or equal to 2."]
    assert fresh(requested).status == "approved"


# ---- the refund


def test_refunding_by_bank_transfer_and_marking_it_paid(support, received):
    # when support creates the suggested refund by bank transfer
    response = refund_form(support, received, **BANK)
    # then a pending refund of 25.21 with the fee is made for the return, on the timeline and in the history
    assert messages_of(response) == ["A refund of $25.21 is created; mark it paid once the money is sent."]
    refund = CodRefund.objects.get()
    assert (refund.amount.amount, refund.status, refund.includes_fee, refund.return_request_id) == (
        Decimal("25.21"),
        "pending",
        True,
        received.pk,
    )
    assert refund.details == {"iban": "DE89370400440532013000", "account_holder": "Ann Lee"}
    assert order_events(received)[-1] == "refund_created"
    assert history(received)[-1] == "Create refund: $25.21, Bank transfer …3000"
    # and the page lists it by the account's last 4 only, with a Mark paid form, and 153.99 left
    html = response.content.decode()
    row = re.search(rf'<tr id="cod-refund-{refund.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "…3000" in row and "Pending" in row and 'value="Mark paid"' in row and "DE8937" not in html
    assert '<th scope="row">Left to refund</th><td class="cod-amount">$153.99</td>' in html
    # when support marks it paid with the transfer's reference
    response = submit(support, received, f"mark_paid_{refund.pk}_form", reference="TRF-1")
    # then the refund is paid, the return and the order are REFUNDED
    assert messages_of(response) == ["The refund of $25.21 is paid, reference TRF-1."]
    refund.refresh_from_db()
    assert (refund.status, refund.reference, refund.paid_by) == ("paid", "TRF-1", "support@example.com")
    assert fresh(received).status == "refunded"
    assert CodOrder.objects.get(pk=received.order_id).status == "refunded"
    assert order_events(received)[-1] == "refund"
    assert history(received)[-1] == "Mark paid: $25.21, TRF-1"
    html = response.content.decode()
    assert '<th scope="row">Refunded</th><td class="cod-amount">$25.21</td>' in html
    assert 'value="Mark paid"' not in html and 'id="refund_form"' not in html


def test_a_double_submitted_refund_form_makes_one_refund(support, received):
    # given the refund form as the page shows it, filled in for a mobile wallet
    html = support.get(page(received)).content.decode()
    data = {**form_data(html, "refund_form"), "method": ["mobile_wallet"]}
    data |= {"wallet_provider": ["Paymob"], "wallet_phone": ["+971501234567"]}
    # when it is posted twice (a double click, or back and resubmit)
    first = support.post(action_url(received, "refund"), data, follow=True)
    second = support.post(action_url(received, "refund"), data, follow=True)
    # then one refund exists, and the second post says so
    assert CodRefund.objects.count() == 1
    assert messages_of(first) == ["A refund of $25.21 is created; mark it paid once the money is sent."]
    assert messages_of(second) == ["This refund of $25.21 was already made; nothing more was done."]
    assert order_events(received).count("refund_created") == 1
    assert len(history(received)) == 1 + 2  # approve, receive, one refund
    # and a freshly shown form has a new key
    again = form_data(second.content.decode(), "refund_form")
    assert again["idempotency_key"] != data["idempotency_key"]


def test_a_refund_above_what_is_left_is_refused_and_writes_nothing(support, received):
    # when support asks to refund more than the 179.20 collected
    events, entries = order_events(received), history(received)
    response = refund_form(support, received, amount="179.21", method="store_credit")
    # then the page shows the flow's REFUND_TOO_LARGE message, and nothing is written
    with pytest.raises(CodError) as refused:
        refunds.create(
            received.order_id,
            amount=Decimal("179.21"),
            currency="USD",
            method="store_credit",
            details={},
            idempotency_key="too-much",
            actor="test",
            return_pk=received.pk,
        )
    assert refused.value.code == CodErrorCode.REFUND_TOO_LARGE
    assert messages_of(response) == [refused.value.message] == ["At most $179.20 is left to refund on this order."]
    assert not CodRefund.objects.exists()
    assert (order_events(received), history(received)) == (events, entries)


def test_an_invalid_iban_is_refused_with_its_error(support, received):
    response = refund_form(support, received, **{**BANK, "iban": "DE89 3704 0044 0532 0130 01"})
    with pytest.raises(CodError) as refused:
        refunds.check_details("bank_transfer", {"iban": "DE89370400440532013001", "account_holder": "Ann Lee"})
    assert refused.value.code == CodErrorCode.INVALID_IBAN
    assert messages_of(response) == [refused.value.message] == ["Enter a valid IBAN."]
    assert not CodRefund.objects.exists()


def test_a_refund_without_a_method_is_refused_by_the_form(support, received):
    response = refund_form(support, received)
    assert messages_of(response) == ["Refund method: This field is required."]
    assert not CodRefund.objects.exists()


def test_after_a_partial_refund_the_page_suggests_the_rest_of_the_return(support, received):
    # when support refunds 10.00 of the 25.21 the return calls for, as store credit
    response = refund_form(support, received, amount="10.00", method="store_credit")
    # then the page suggests the remaining 15.21 (the fee went with the first refund) and prefills it
    html = response.content.decode()
    assert '<strong id="cod-suggested-amount">$15.21</strong>' in html
    assert "Less $10.00 already refunded for this return." in html
    assert "“Damaged” is a product problem: the channel refunds the COD fee." in html
    assert form_data(html, "refund_form")["amount"] == ["15.21"]
    # when support refunds that too
    response = refund_form(support, received, method="store_credit")
    # then two pending refunds make the 25.21, 153.99 is left, each refund can be marked paid
    assert [(r.amount.amount, r.includes_fee) for r in CodRefund.objects.order_by("pk")] == [
        (Decimal("10.00"), True),
        (Decimal("15.21"), False),
    ]
    html = response.content.decode()
    assert '<th scope="row">Refunds not yet paid</th><td class="cod-amount">$25.21</td>' in html
    assert '<th scope="row">Left to refund</th><td class="cod-amount">$153.99</td>' in html
    assert len(re.findall(r'id="mark_paid_\d+_form"', html)) == 2
    # and nothing more is suggested, nor prefilled
    assert '<strong id="cod-suggested-amount">$0.00</strong>' in html
    assert form_data(html, "refund_form")["amount"] == [""]


def test_mark_paid_needs_a_reference_and_a_refund_of_this_order(api, token_for, support, received):
    # given a pending refund of this return, and one of another order
    refund_form(support, received, amount="10.00", method="store_credit")
    refund = CodRefund.objects.get()
    _, other_order = completed_order(api, token_for(CUSTOMER))
    other = refunds.create(
        other_order.pk,
        amount=Decimal("1.00"),
        currency="USD",
        method="store_credit",
        details={},
        idempotency_key="other-order",
        actor="test",
    )
    # when the reference is left empty, then nothing is paid
    response = post(support, received, "mark_paid", {"refund": refund.pk, "reference": ""})
    assert messages_of(response) == ["Payment reference: This field is required."]
    # when the other order's refund is posted from this page, then it is not found here
    response = post(support, received, "mark_paid", {"refund": other.pk, "reference": "X"})
    assert messages_of(response) == ["Refund not found."]
    assert list(CodRefund.objects.order_by("pk").values_list("status", flat=True)) == ["pending", "pending"]


# ---- who may do what


@pytest.mark.parametrize("email", ["agent@example.com", "manager@example.com"])
def test_agents_and_managers_are_refused_the_queue_and_the_page(requested, email):
    client = signed_in(email)
    assert client.get(LIST).status_code == 403
    assert client.get(page(requested)).status_code == 403
    photo_url = f"{LIST}{requested.pk}/photos/{requested.photos.get().pk}/"
    assert client.get(photo_url).status_code == 403
    assert client.post(action_url(requested, "approve"), {"note": ""}).status_code == 403
    assert fresh(requested).status == "requested"


def test_a_view_only_user_sees_the_page_without_actions_and_is_refused_them(staff_client, requested):
    # given staff who may view returns but not handle refunds
    client = staff_client("cod_plugin.view_codreturnrequest", "cod_plugin.change_codreturnrequest")
    # then the page shows no form, and says which permission is needed
    html = client.get(page(requested)).content.decode()
    assert '<form method="post"' not in html
    assert "needs the permission to handle COD returns and refunds" in html
    # and every action is refused
    for action, data in [
        ("approve", {"note": ""}),
        ("reject", {"reason": "No"}),
        ("receive", {}),
        ("refund", {"amount": "1.00", "method": "store_credit", "idempotency_key": "k"}),
        ("mark_paid", {"refund": "1", "reference": "R"}),
    ]:
        assert client.post(action_url(requested, action), data).status_code == 403, action
    assert fresh(requested).status == "requested" and not CodRefund.objects.exists()


def test_actions_are_post_only_and_csrf_is_enforced(demo, requested):
    support = signed_in("support@example.com", enforce_csrf_checks=True)
    # a GET does nothing
    assert support.get(action_url(requested, "approve")).status_code == 405
    # a POST without the page's token is refused
    assert support.post(action_url(requested, "approve"), {"note": ""}).status_code == 403
    assert fresh(requested).status == "requested"
    # the page's own form passes
    response = submit(support, requested, "approve_form")
    assert response.status_code == 200 and fresh(requested).status == "approved"
