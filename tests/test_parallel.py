"""Side by side under pytest-xdist: each worker process has a Redis cache database of its own."""

import pytest

from .conftest import worker_redis_url

CACHE, BROKER = "redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379/0"


def test_one_process_keeps_the_cache_database_it_is_given():
    assert worker_redis_url(CACHE, "", avoid=BROKER) == CACHE


def test_the_first_worker_keeps_it_and_the_others_take_the_next_ones_never_the_brokers():
    urls = [worker_redis_url(CACHE, f"gw{n}", avoid="redis://127.0.0.1:6379/2") for n in range(3)]
    assert urls == ["redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/3"]


def test_more_workers_than_redis_has_databases_is_said_before_any_test_runs():
    # given a cache on database 0 and the broker on 5: 15 databases for the workers
    assert worker_redis_url("redis://h:6379", "gw14", avoid="redis://h:6379/5") == "redis://h:6379/15"
    with pytest.raises(pytest.UsageError, match="16 test workers, but Redis has only 15 databases"):
        worker_redis_url("redis://h:6379", "gw15", avoid="redis://h:6379/5")
