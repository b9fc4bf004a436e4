"""On PostgreSQL, a job's task delivered twice and run by two workers at the same moment: one claims it and does the
work, the other leaves it alone. Each worker is a thread with its own database connection."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from cod_plugin.flows import jobs
from cod_plugin.models import CodJob, CodOrderEvent

from .conftest import make_courier, make_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WORKERS = 2


def at_once(job_pk: int) -> list[str]:
    barrier = Barrier(WORKERS)

    def work(_):
        try:
            barrier.wait()
            return jobs.run(job_pk, chunk_size=5)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(WORKERS) as pool:
        return sorted(pool.map(work, range(WORKERS)))


@pytest.fixture
def user(postgres, monkeypatch):
    """The task each job sends is held back: the two workers below are its two deliveries."""
    from cod_plugin import tasks

    monkeypatch.setattr(tasks.run_job, "delay", lambda *args: None)
    return get_user_model().objects.create_user("clerk@example.com", "clerk@example.com", "x", is_staff=True)


def test_two_workers_export_once(user):
    job = jobs.start(CodJob.Kind.EXPORT_ORDERS, user=user, order_pks=[make_order().pk for _ in range(12)])
    assert at_once(job.pk) == [CodJob.Status.DONE, "not_claimed"]
    job.refresh_from_db()
    assert (job.done, job.total, job.counts) == (12, 12, {"exported": 12})
    assert len(job.file_content.splitlines()) == 1 + 12


def test_two_workers_hand_each_order_over_once(user):
    make_courier()
    pks = [make_order().pk for _ in range(12)]
    job = jobs.start(CodJob.Kind.ASSIGN_COURIER, user=user, order_pks=pks, params={"courier": "fastship"})
    assert at_once(job.pk) == [CodJob.Status.DONE, "not_claimed"]
    job.refresh_from_db()
    assert (job.done, job.counts) == (12, {"assigned": 12})
    assert CodOrderEvent.objects.filter(kind="courier_assigned", order_id__in=pks).count() == 12


def worker_died(job: CodJob) -> None:
    """What a worker killed mid-job leaves: the job running, part of its progress saved, its lock gone with it."""
    CodJob.objects.filter(pk=job.pk).update(status=CodJob.Status.RUNNING, done=5, counts={"exported": 5})


def test_a_job_whose_worker_died_is_taken_over_by_its_next_delivery_and_done_once(user):
    job = jobs.start(CodJob.Kind.EXPORT_ORDERS, user=user, order_pks=[make_order().pk for _ in range(12)])
    worker_died(job)
    # when the task is delivered again (acks_late), to two workers at once
    assert at_once(job.pk) == [CodJob.Status.DONE, "not_claimed"]
    # then the job ran again from the start: every order exported once
    job.refresh_from_db()
    assert (job.status, job.done, job.counts) == (CodJob.Status.DONE, 12, {"exported": 12})
    assert len(job.file_content.splitlines()) == 1 + 12


def test_a_running_job_whose_worker_lives_is_left_to_it(user):
    job = jobs.start(CodJob.Kind.EXPORT_ORDERS, user=user, order_pks=[make_order().pk])
    worker_died(job)
    holding, release = Barrier(2, timeout=30), Barrier(2, timeout=30)

    def live_worker():
        try:
            with jobs.running(job.pk) as claimed:
                holding.wait()
                release.wait()
                return claimed
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        alive = pool.submit(live_worker)
        holding.wait()
        # when the task is delivered again while the first worker still holds the job
        assert jobs.run(job.pk) == "not_claimed"
        release.wait()
        assert alive.result() is True
    job.refresh_from_db()
    assert (job.status, job.done) == (CodJob.Status.RUNNING, 5)
