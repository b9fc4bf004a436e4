"""The import task on a real Celery worker on Redis: it imports a report; killed in the middle of one, it leaves
no remittance, and the task run again on another worker takes the job over and completes it."""

import os
import signal
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from cod_plugin.flows import remittance_imports, remittances
from cod_plugin.models import CodJob, CodRemittance, CodRemittanceStaging
from cod_plugin.tasks import import_remittance
from tests.jobs.conftest import make_courier
from tests.workers import running_worker

from .import_setup import DAY, csv_file, mapping_for, order_of

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def courier(shared_database, monkeypatch):
    from cod_plugin import tasks

    monkeypatch.setattr(tasks.import_remittance, "delay", lambda *args: None)  # each test sends it to its worker
    courier = make_courier("fastship")
    mapping_for(courier)
    return courier


def started(courier, rows) -> CodJob:
    clerk = get_user_model().objects.create_user("finance@example.com", "finance@example.com", "x", is_staff=True)
    uploaded = remittances.upload(
        courier, csv_file(rows), reference="R-1", remitted_on=DAY, currency="USD", net=None, user=clerk
    )
    return remittances.start_import(uploaded, user=clerk)


def worker_env() -> dict:
    return {"MEDIA_ROOT": str(settings.MEDIA_ROOT)}  # the worker reads the stored file where this process put it


def test_the_worker_imports_a_report(courier, redis_client, tmp_path):
    orders = [order_of(courier) for _ in range(3)]
    job = started(courier, [(order.tracking_number, "105.00") for order in orders])
    with running_worker(worker_env(), redis_client, tmp_path) as worker:
        assert worker.run(import_remittance, job.pk) == CodJob.Status.DONE
    job.refresh_from_db()
    remittance = CodRemittance.objects.get(pk=job.params["remittance"])
    assert sorted(remittance.lines.values_list("order_id", flat=True)) == sorted(order.pk for order in orders)
    assert job.counts["matched"] == 3


def test_a_worker_killed_mid_import_leaves_nothing_applied_and_the_job_runs_again(courier, redis_client, tmp_path):
    # given a report long enough to be caught in the middle (rows naming no order: each still a line)
    rows = 12 * remittance_imports.CHUNK_ROWS
    job = started(courier, [(f"AWB{row:07d}", "10.00") for row in range(rows)])
    (tmp_path / "first").mkdir()
    with running_worker(worker_env(), redis_client, tmp_path / "first") as worker:
        import_remittance.apply_async((job.pk,), queue=worker.queue)
        # when the worker has staged some chunks and is killed
        deadline = time.monotonic() + 60
        while CodJob.objects.get(pk=job.pk).done < remittance_imports.CHUNK_ROWS and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.wait()
    # then nothing of the file was applied: the job stays running, its staged rows wait to be cleared
    job.refresh_from_db()
    assert job.status == CodJob.Status.RUNNING and 0 < job.done < rows, (job.status, job.done)
    assert not CodRemittance.objects.exists()
    assert CodRemittanceStaging.objects.filter(job_id=job.pk).exists()
    # when the task is delivered again, to another worker
    (tmp_path / "second").mkdir()
    with running_worker(worker_env(), redis_client, tmp_path / "second") as worker:
        assert worker.run(import_remittance, job.pk, timeout=180) == CodJob.Status.DONE
    # then it took the job over and imported the whole file once
    job.refresh_from_db()
    remittance = CodRemittance.objects.get(pk=job.params["remittance"])
    assert remittance.line_count == rows and (job.done, job.counts["unknown"]) == (rows, rows)
    assert not CodRemittanceStaging.objects.exists()
