"""The job runner: claimed once, progress saved chunk by chunk with one UPDATE each, a fixed number of queries per
chunk whatever its size, and an unexpected error that fails the job with a plain sentence."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cod_plugin.flows import jobs
from cod_plugin.models import CodJob

from .conftest import make_courier, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("clerk@example.com", "clerk@example.com", "x", is_staff=True)


def export_job(user, n: int) -> CodJob:
    return jobs.start(CodJob.Kind.EXPORT_ORDERS, user=user, order_pks=[make_order().pk for _ in range(n)])


def test_progress_is_saved_after_each_chunk(user, monkeypatch):
    # given 25 orders to export, in chunks of 10
    job = export_job(user, 25)
    seen = []
    process = jobs.Export.process

    def watched(self, pks):
        seen.append((CodJob.objects.get(pk=job.pk).done, len(pks)))
        process(self, pks)

    monkeypatch.setattr(jobs.Export, "process", watched)
    # when it runs
    assert jobs.run(job.pk, chunk_size=10) == CodJob.Status.DONE
    # then each chunk found the work of the chunks before it saved, and the job ends with all of them
    assert seen == [(0, 10), (10, 10), (20, 5)]
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.counts) == (CodJob.Status.DONE, 25, 25, {"exported": 25})
    assert job.started_at <= job.finished_at


def test_a_job_started_again_is_not_run_twice(user):
    job = export_job(user, 3)
    assert jobs.run(job.pk) == CodJob.Status.DONE
    assert jobs.run(job.pk) == "not_claimed"
    job.refresh_from_db()
    assert job.done == 3 and len(job.file_content.splitlines()) == 1 + 3


def test_the_same_order_selected_twice_counts_once(user):
    order = make_order()
    job = jobs.start(CodJob.Kind.EXPORT_ORDERS, user=user, order_pks=[order.pk, order.pk, str(order.pk)])
    assert job.total == 1


def test_an_unexpected_error_fails_the_job_with_a_plain_sentence(user, monkeypatch, caplog):
    # given an export whose second chunk breaks
    job = export_job(user, 4)
    process = jobs.Export.process

    def breaking(self, pks):
        if self.done:
            raise ZeroDivisionError("division by zero in cod_plugin/flows/jobs.py")
        process(self, pks)

    monkeypatch.setattr(jobs.Export, "process", breaking)
    # when it runs
    assert jobs.run(job.pk, chunk_size=2) == CodJob.Status.FAILED
    # then staff read what happened, never the exception, and the log has the traceback
    job.refresh_from_db()
    assert job.status == CodJob.Status.FAILED and job.done == 2 and job.finished_at
    assert job.error == "The job stopped on an unexpected error. Orders it had handled keep their changes."
    assert job.file_content == ""
    assert "ZeroDivisionError" in caplog.text


def queries_of(job: CodJob, chunk_size: int) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        jobs.run(job.pk, chunk_size=chunk_size)
    return [query["sql"] for query in queries.captured_queries]


def updates_of_the_job(sql: list[str]) -> int:
    return sum(1 for statement in sql if statement.startswith('UPDATE "cod_plugin_codjob"'))


def test_an_export_costs_the_same_queries_per_chunk_whatever_its_size(user):
    # one chunk of 5 orders, one chunk of 40, and four chunks of 10
    small, large, four = export_job(user, 5), export_job(user, 40), export_job(user, 40)
    one_small, one_large, in_four = queries_of(small, 5), queries_of(large, 40), queries_of(four, 10)
    assert len(one_small) == len(one_large)
    per_chunk = (len(in_four) - len(one_large)) / 3
    assert per_chunk == 3  # the orders with their courier and payment, the customers' emails, the progress
    # the claim, one progress UPDATE per chunk, the end
    assert (updates_of_the_job(one_large), updates_of_the_job(in_four)) == (3, 6)


def test_handing_over_costs_the_same_queries_for_each_order(user):
    make_courier()
    runs = []
    for n in (1, 2, 3):
        pks = [make_order().pk for _ in range(n)]
        job = jobs.start(CodJob.Kind.ASSIGN_COURIER, user=user, order_pks=pks, params={"courier": "fastship"})
        runs.append(len(queries_of(job, 100)))
    assert runs[1] - runs[0] == runs[2] - runs[1]
