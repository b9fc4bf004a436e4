"""The bulk actions of the COD orders list and the job page: who may use them, what a merchant sees while a job runs
and after, and that nobody else sees another's job."""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model

from cod_plugin.flows import jobs
from cod_plugin.models import CodJob, CodOrderEvent
from cod_plugin.rules.statuses import CodStatus

from .conftest import group_client, make_courier, make_order

ORDERS = "/admin/cod_plugin/codorder/"
JOBS = "/admin/cod_plugin/codjob/"
VIEW = "cod_plugin.view_codorder"
DISPATCH = "cod_plugin.dispatch_cod_orders"


def export(client, *orders):
    return client.post(ORDERS, {"action": "export_orders_csv", "_selected_action": [order.pk for order in orders]})


def hand_over(client, orders, courier=None):
    data = {"action": "hand_orders_to_courier", "_selected_action": [order.pk for order in orders]}
    if courier is not None:
        data |= {"apply": "1", "courier": courier}
    return client.post(ORDERS, data)


def last_job() -> CodJob:
    return CodJob.objects.latest("pk")


# --- the list --------------------------------------------------------------------------------------------------


def test_the_list_offers_both_actions_and_a_checkbox_per_order(staff_client, demo, django_assert_max_num_queries):
    orders = [make_order() for _ in range(3)]
    client = staff_client(VIEW, DISPATCH)
    with django_assert_max_num_queries(12):
        page = client.get(ORDERS).content.decode()
    assert 'value="export_orders_csv">Export selected orders (CSV)</option>' in page
    assert 'value="hand_orders_to_courier">Hand selected orders to a courier</option>' in page
    boxes = re.findall(
        r'<td class="action-checkbox"><input type="checkbox" name="_selected_action" value="(\d+)"', page
    )
    assert sorted(map(int, boxes)) == sorted(order.pk for order in orders)


# --- export ----------------------------------------------------------------------------------------------------


def test_an_export_opens_its_job_page_and_the_file_downloads_when_done(staff_client, enqueued):
    # given two orders selected by a reader of orders
    client = staff_client(VIEW)
    orders = [make_order(), make_order(channel="channel-kw", currency="KWD", amount="3.5", fee="0.25")]
    # when the export is chosen (the task runs when the request commits, as in the sandbox)
    with enqueued():
        response = export(client, *orders)
    job = last_job()
    # then the job's page opens, done, with its counts and the file
    assert response.status_code == 302 and response["Location"] == f"{JOBS}{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert '<progress id="cod-job-progress" value="2" max="2">100%</progress>' in page
    assert "Done" in page and "Orders exported: 2" in page
    assert f'href="{JOBS}{job.pk}/download/"' in page
    download = client.get(f"{JOBS}{job.pk}/download/")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == f'attachment; filename="cod-orders-{job.pk}.csv"'
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [order.order_number for order in orders]
    assert rows[2][10:15] == ["KWD", "3.500", "0.250", "0.000", "3.750"]


def test_the_job_page_follows_a_running_job_from_its_json(staff_client):
    # given an export that is still waiting for its worker
    client = staff_client(VIEW)
    export(client, make_order(), make_order(), make_order())
    job = last_job()
    page = client.get(f"{JOBS}{job.pk}/").content.decode()
    # then the page polls its progress every 2 seconds, and the progress says where the job is
    assert f'data-poll-url="{JOBS}{job.pk}/progress/" data-finished="false"' in page
    assert "window.setTimeout(poll, 2000)" in page
    assert all(src.startswith("/static/") for src in re.findall(r'<script src="([^"]+)"', page))  # no CDN
    assert "download/" not in page
    CodJob.objects.filter(pk=job.pk).update(status=CodJob.Status.RUNNING, done=2, counts={"exported": 2})
    assert client.get(f"{JOBS}{job.pk}/progress/").json() == {
        "status": "running",
        "status_label": "Running",
        "done": 2,
        "total": 3,
        "percent": "66.7%",
        "done_text": "2 of 3 orders",
        "counts": [{"label": "Orders exported", "value": 2}],
        "finished": False,
        "error": "",
        "download_url": None,
    }
    assert client.get(f"{JOBS}{job.pk}/download/").status_code == 404


def test_a_failed_job_says_so_without_internals(staff_client):
    client = staff_client(VIEW)
    export(client, make_order())
    job = last_job()
    CodJob.objects.filter(pk=job.pk).update(status=CodJob.Status.FAILED, error="The job stopped.")
    progress = client.get(f"{JOBS}{job.pk}/progress/").json()
    assert (progress["finished"], progress["status_label"], progress["error"]) == (True, "Failed", "The job stopped.")
    assert progress["download_url"] is None


def test_another_users_job_is_not_found_and_a_superuser_sees_it(staff_client, superuser_client, enqueued):
    owner, other = staff_client(VIEW), staff_client(VIEW, DISPATCH)
    with enqueued():
        export(owner, make_order())
    job = last_job()
    for url in (f"{JOBS}{job.pk}/", f"{JOBS}{job.pk}/progress/", f"{JOBS}{job.pk}/download/"):
        assert other.get(url).status_code == 404, url
        assert superuser_client.get(url).status_code == 200, url
    # and the other user's list of recent jobs does not show it
    assert f"{JOBS}{job.pk}/" not in other.get(JOBS).content.decode()
    assert f"{JOBS}{job.pk}/" in owner.get(JOBS).content.decode()


def test_a_user_who_lost_the_right_to_read_orders_cannot_download_their_export(staff_client, enqueued):
    client = staff_client(VIEW)
    with enqueued():
        export(client, make_order())
    job = last_job()
    job.created_by.user_permissions.clear()
    assert client.get(f"{JOBS}{job.pk}/download/").status_code == 403


def test_the_recent_jobs_list_is_one_users_newest_ten(staff_client, django_assert_max_num_queries):
    client = staff_client(VIEW)
    user = get_user_model().objects.get(email="staff1@example.com")
    made = [jobs.start(CodJob.Kind.EXPORT_ORDERS, user=user, order_pks=[]) for _ in range(12)]
    with django_assert_max_num_queries(6):
        page = client.get(JOBS).content.decode()
    links = [int(pk) for pk in re.findall(rf'href="{JOBS}(\d+)/"', page)]
    assert links == [job.pk for job in reversed(made)][:10]


def test_a_missing_job_and_a_bad_id_are_not_found(staff_client):
    client = staff_client(VIEW)
    assert client.get(f"{JOBS}999999/").status_code == 404
    assert client.get(f"{JOBS}abc/").status_code == 404


def test_the_job_pages_are_for_staff_only(client, db):
    response = client.get(JOBS)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# --- handing orders over ---------------------------------------------------------------------------------------


@pytest.fixture
def couriers(db):
    fastship = make_courier("fastship", channels=["default-channel", "channel-kw"])
    make_courier("closed", active=False)
    return fastship


def test_handing_over_asks_for_the_courier_first(staff_client, couriers):
    client = staff_client(VIEW, DISPATCH)
    ready, shipped = make_order(), make_order(status=CodStatus.SHIPPED, tracking_number="T-1")
    page = hand_over(client, [ready, shipped]).content.decode()
    assert "2 orders selected." in page and "1 of them is confirmed and has no tracking number yet" in page
    assert '<option value="fastship">Fastship (default-channel, channel-kw)</option>' in page
    assert 'value="closed"' not in page  # an inactive courier is not offered
    assert CodJob.objects.count() == 0
    # a courier that is not offered is asked again
    assert "Choose a courier from the list." in hand_over(client, [ready], courier="closed").content.decode()
    assert CodJob.objects.count() == 0


def test_handing_over_counts_each_order_that_cannot_go_with_its_reason(staff_client, couriers, enqueued):
    # given orders in every situation
    ready = make_order()
    ready_kw = make_order(channel="channel-kw", currency="KWD")
    waiting = make_order(status=CodStatus.PENDING_CONFIRMATION)
    booked = make_order(tracking_number="FS-1")
    shipped = make_order(status=CodStatus.SHIPPED, tracking_number="FS-2")
    elsewhere = make_order(channel="channel-ae", currency="AED")
    already = make_order(courier=couriers)
    selected = [ready, ready_kw, waiting, booked, shipped, elsewhere, already]
    # when dispatch hands them to fastship
    with enqueued():
        response = hand_over(staff_client(VIEW, DISPATCH, email="dispatcher@example.com"), selected, "fastship")
    # then the two that could go went, each with its timeline event, and the others are counted with their reason
    job = last_job()
    assert response["Location"] == f"{JOBS}{job.pk}/"
    assert (job.status, job.done, job.total) == (CodJob.Status.DONE, 7, 7)
    assert job.counts == {
        "assigned": 2,
        "not_confirmed": 1,
        "has_tracking_number": 2,
        "courier_unavailable": 1,
        "already_with_courier": 1,
    }
    assigned = CodOrderEvent.objects.filter(kind="courier_assigned")
    assert sorted(assigned.values_list("order_id", "actor")) == [
        (ready.pk, "dispatcher@example.com"),
        (ready_kw.pk, "dispatcher@example.com"),
    ]
    for order in selected:
        order.refresh_from_db()
    assert [order.courier_id for order in (ready, ready_kw, already)] == [couriers.pk] * 3
    assert [order.courier_id for order in (waiting, booked, shipped, elsewhere)] == [None] * 4


def test_the_hand_over_counts_read_as_sentences(couriers, enqueued, demo):
    client = group_client("dispatch@example.com")
    with enqueued():
        hand_over(client, [make_order(), make_order(status=CodStatus.PENDING_CONFIRMATION)], "fastship")
    page = client.get(f"{JOBS}{last_job().pk}/").content.decode()
    assert (
        "Handed to the courier: 1" in page
        and "Not handed over: not waiting to be shipped (only confirmed orders are handed over): 1" in page
    )


# --- permissions -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["manager@example.com", "agent@example.com", "finance@example.com"])
def test_only_dispatch_hands_orders_over(couriers, demo, email):
    client = group_client(email)
    order = make_order()
    page = client.get(ORDERS).content.decode()
    assert 'value="export_orders_csv"' in page and 'value="hand_orders_to_courier"' not in page
    for response in (hand_over(client, [order]), hand_over(client, [order], "fastship")):
        assert response.status_code == 403
    assert CodJob.objects.count() == 0


def test_without_reading_orders_there_is_no_export(staff_client):
    client = staff_client(DISPATCH)
    assert export(client, make_order()).status_code == 403
    assert CodJob.objects.count() == 0


def test_the_job_page_in_arabic(staff_client, enqueued):
    client = staff_client(VIEW)
    with enqueued():
        export(client, make_order())
    job = last_job()
    page = client.get(f"{JOBS}{job.pk}/", HTTP_ACCEPT_LANGUAGE="ar")
    assert page.status_code == 200 and 'dir="rtl"' in page.content.decode()
    assert job.language == "en" and client.get(f"{JOBS}{job.pk}/progress/").json()["percent"] == "100%"
