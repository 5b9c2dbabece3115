"""Batch jobs outlive store errors that pass (see conftest.py for how the disk fills up) and workers that die."""

from __future__ import annotations

import pytest

from learner_records.adapters.sql.tables import learner
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
