"""Batch jobs outlive store errors that pass (see conftest.py for how the disk fills up) and workers that die."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import psycopg
import pytest
from sqlalchemy import event

from learner_records.adapters.sql.tables import learner
from learner_records.adapters.sql.transient import transient_reason
from learner_records.bootstrap import Services
from learner_records.services import batches as batches_module
from tests.conftest import MovableClock
from tests.integration import test_batch_jobs
from tests.integration.conftest import DiskFull
from tests.integration.test_batch_jobs import count, stranger

world = test_batch_jobs.world


class Crash(BaseException):
    """A worker dying mid-job: nothing of the job machinery catches it."""


def test_a_batch_job_hit_by_a_full_disk_waits_and_resumes_where_it_stopped_when_space_is_back(
    services: Services, world: dict, clock: MovableClock, disk: DiskFull, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches_module, "CHUNK", 20)  # rows enough that a chunk needs new pages
    rows = [stranger(n) for n in range(40)]
    job = services.batches.submit_registration(world["school"], rows, "FUL")
    before = count(services, learner)

    stopped = services.batches.process(job.id, disk.fill_after_a_chunk)
    assert stopped is not None
    seen = services.batches.job(world["school"], job.id)
    assert (seen.status, seen.next_row, seen.retries) == ("InProgress", 21, 1)
    assert seen.retry_reason in ("SQLITE_FULL", "DiskFull 53100") and seen.failure_reason is None
    assert [r.row_number for r in services.batches.results(world["school"], job.id)] == list(range(1, 21))
    assert count(services, learner) == before + 20  # the failed chunk's learners were rolled back with it

    assert services.batches.process(job.id) is None  # it waits out its back-off (at most a second the first time)
    clock.advance(seconds=1)
    again = services.batches.process(job.id)
    assert again is not None and (again.status, again.next_row, again.retries) == ("InProgress", 21, 2)
    clock.advance(seconds=1)
    assert services.batches.process(job.id) is None  # the second wait is longer: one to two seconds
    clock.advance(seconds=1)

    disk.full = False
    finished = services.batches.process(job.id)
    assert finished is not None and (finished.status, finished.retries) == ("Successful", 0)
    results = services.batches.results(world["school"], job.id)
    assert [r.row_number for r in results] == list(range(1, 41))
    assert [r.return_code for r in results] == ["WSRC0005"] * 40
    assert len({r.uln for r in results}) == 40 and count(services, learner) == before + 40
    assert finished.counters["new"] == 40


def test_a_job_whose_worker_died_is_taken_over_once_the_short_lease_runs_out(
    services: Services, world: dict, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches_module, "CHUNK", 3)
    job = services.batches.submit_registration(world["school"], [stranger(n) for n in range(7)], "FUL")
    before = count(services, learner)

    def die(done: int, total: int) -> None:
        raise Crash()

    with pytest.raises(Crash):
        services.batches.process(job.id, die)
    clock.advance(seconds=10)
    assert services.batches.process() is None  # its lease was renewed with the chunk: 15 seconds from then
    clock.advance(seconds=6)
    finished = services.batches.process()
    assert finished is not None and finished.status == "Successful" and finished.counters["new"] == 7
    assert count(services, learner) == before + 7


@contextmanager
def store_out_of_reach(services: Services) -> Iterator[None]:
    """Real errors of a store that is there again a moment later: on SQLite another process holds the write lock
    past the busy timeout ("database is locked"); on PostgreSQL every connection's backend is terminated."""
    assert services.engine is not None
    url = services.engine.url
    if services.engine.dialect.name == "sqlite":
        locked = [True]

        def on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
            dbapi_connection.execute(f"PRAGMA busy_timeout = {50 if locked[0] else 30000}")

        holder = sqlite3.connect(str(url.database), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        event.listen(services.engine, "checkout", on_checkout)
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
            locked[0] = False
        return
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False)) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      " WHERE datname = current_database() AND pid <> pg_backend_pid()")  # fmt: skip
    yield


def test_a_job_outlives_a_store_out_of_reach_and_works_every_row_once(
    services: Services, world: dict, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches_module, "CHUNK", 4)
    job = services.batches.submit_registration(world["school"], [stranger(n) for n in range(10)], "FUL")
    before = count(services, learner)
    with ExitStack() as outage:

        def cut_off(done: int, total: int) -> None:
            if done == 4:
                outage.enter_context(store_out_of_reach(services))

        stopped = services.batches.process(job.id, cut_off)
        assert stopped is not None and stopped.status == "InProgress" and stopped.next_row == 5
    for _ in range(10):  # what the worker does: try again each round; a dead pooled connection fails once
        clock.advance(seconds=20)
        try:
            services.batches.process(job.id)
        except Exception as error:
            assert transient_reason(error) is not None, error
        if services.batches.job(world["school"], job.id).status != "InProgress":
            break
    finished = services.batches.job(world["school"], job.id)
    assert finished.status == "Successful" and finished.counters["new"] == 10
    results = services.batches.results(world["school"], job.id)
    assert [r.row_number for r in results] == list(range(1, 11)) and len({r.uln for r in results}) == 10
    assert count(services, learner) == before + 10
