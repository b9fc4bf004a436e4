"""On PostgreSQL, writers that meet: two uploads of one file, two imports of it, two remittances naming one order,
one job delivered twice. Each writer is a thread with its own database connection, released together."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from cod_plugin.flows import remittances
from cod_plugin.models import CodJob, CodRemittance, CodRemittanceFile, CodRemittanceLine, CodRemittanceStaging
from cod_plugin.rules.reconciliation import LineStatus
from tests.jobs.conftest import make_courier

from .import_setup import DAY, csv_file, header, line, mapping_for, order_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*calls):
    barrier = Barrier(len(calls))

    def work(call):
        try:
            barrier.wait()
            return call()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(work, calls))


@pytest.fixture
def setup(postgres, monkeypatch):
    """A courier with its mapping, a clerk, and the import task held back: the threads below run the jobs."""
    from cod_plugin import tasks

    monkeypatch.setattr(tasks.import_remittance, "delay", lambda *args: None)
    courier = make_courier("fastship")
    mapping_for(courier)
    clerk = get_user_model().objects.create_user("finance@example.com", "finance@example.com", "x", is_staff=True)
    return courier, clerk


def upload(courier, clerk, rows):
    return remittances.upload(
        courier, csv_file(rows), reference="R-1", remitted_on=DAY, currency="USD", net=None, user=clerk
    )


def test_two_uploads_of_one_file_at_once_are_one_upload(setup):
    courier, clerk = setup
    rows = [(order_of(courier).tracking_number, "105")]
    first, second = at_once(lambda: upload(courier, clerk, rows).pk, lambda: upload(courier, clerk, rows).pk)
    assert first == second and CodRemittanceFile.objects.count() == 1


def test_two_imports_of_one_file_at_once_give_one_remittance(setup):
    courier, clerk = setup
    uploaded = upload(courier, clerk, [(order_of(courier).tracking_number, "105") for _ in range(1)])
    jobs = [remittances.start_import(uploaded, user=clerk) for _ in range(2)]
    assert at_once(*(lambda pk=job.pk: remittances.run_import(pk) for job in jobs)) == ["done", "done"]
    made = {CodJob.objects.get(pk=job.pk).params["remittance"] for job in jobs}
    assert len(made) == 1 and CodRemittance.objects.count() == 1 and CodRemittanceLine.objects.count() == 1
    assert not CodRemittanceStaging.objects.exists()


def test_two_remittances_naming_one_order_at_once_count_it_once(setup):
    courier, _clerk = setup
    order = order_of(courier)

    def remit(reference):
        return lambda: remittances.create(courier, header(reference), [line(1, order)], actor="x", strict=False)

    at_once(remit("R-A"), remit("R-B"))
    lines = CodRemittanceLine.objects.filter(order=order)
    assert sorted(lines.values_list("status", flat=True)) == [LineStatus.MATCHED, LineStatus.REMITTED_TWICE]
    assert lines.filter(counted=True).count() == 1


def test_one_job_delivered_twice_runs_once(setup):
    courier, clerk = setup
    job = remittances.start_import(upload(courier, clerk, [(order_of(courier).tracking_number, "105")]), user=clerk)
    outcomes = at_once(lambda: remittances.run_import(job.pk), lambda: remittances.run_import(job.pk))
    assert sorted(outcomes) == ["done", "not_claimed"] and CodRemittance.objects.count() == 1
