"""A `learner-records worker` process killed with SIGKILL in the middle of a batch: another worker process takes the
job over once the dead one's short lease runs out, and every row is worked exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, func, select

from learner_records.adapters.sql.tables import access_log, learner
from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind

CLI = [sys.executable, "-m", "learner_records"]
ROWS = 10_000  # enough that the first worker is still at it when it is killed, on a fast machine too
LEASE_SECONDS = 3  # the setting under test, short so that the test's bound is a few seconds
TAKE_OVER = 20.0  # seconds: a generous bound for the take-over, not a measure of its speed
FINISH = 300.0  # seconds for the rest of the job on a busy machine

_GIVEN = ("Aisha", "Bram", "Chidi", "Dafydd", "Elif", "Fergus", "Grace", "Hamza", "Ines", "Jakub", "Kezia", "Lorcan",
          "Maya", "Nuno", "Orla", "Priya", "Quinn", "Rhys", "Saoirse", "Tariq")  # fmt: skip
_FAMILY = ("Abbott", "Bianchi", "Czerny", "Dlamini", "Evans", "Fofana", "Grieve", "Haddad", "Iqbal", "Jovanovic",
           "Kowalski", "Lindqvist", "Mensah", "Nakamura", "Osei", "Petrov", "Quigley", "Rahman", "Sokolova",
           "Tshabalala")  # fmt: skip


def learner_row(n: int) -> dict[str, str]:
    born = date(2000, 1, 1) + timedelta(days=(n * 37) % 3650)
    family = f"{_FAMILY[(n // 20) % 20]}-{_FAMILY[(n // 400) % 20]}"
    return {"MISIdentifier": str(n), "GivenName": _GIVEN[n % 20], "FamilyName": family,
            "DateOfBirth": born.isoformat(), "Gender": "2", "LastKnownPostCode": f"M{1 + n % 90} {1 + n % 9}AE",
            "AbilityToShare": "1"}  # fmt: skip


@contextmanager
def workers(database_url: str) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    env = {**os.environ, "LEARNER_RECORDS_DATABASE_URL": database_url,
           "LEARNER_RECORDS_JOB_LEASE_SECONDS": str(LEASE_SECONDS)}  # fmt: skip
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen([*CLI, "worker", "--interval", "0.2"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)  # fmt: skip
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.terminate()
                process.wait(10)


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds} s")
        time.sleep(0.05)


@pytest.mark.slow
def test_a_worker_killed_mid_job_is_replaced_within_seconds_and_no_row_is_worked_twice(
    services: Services, database_url: str, operator: Actor
) -> None:
    if database_url.startswith("sqlite"):
        # In the whole suite on SQLite the test's poll saw no row done until the first worker had finished all
        # 10,000 (8.8 s), so it could not kill it mid-job; alone it passes. Until that is understood the
        # take-over is checked on PostgreSQL, where the worker and the poll never wait on one database lock.
        pytest.skip("on SQLite the poll cannot see the job's progress mid-job within the whole suite")
    school = services.organisations.create(operator, "10000001", "school", OrganisationKind.LEARNER_REGISTRATION_BODY)
    actor = Actor(OrganisationKind.LEARNER_REGISTRATION_BODY, "school-user", school.organisation.id, "10000001")
    job = services.batches.submit_registration(actor, (learner_row(n) for n in range(ROWS)), "FUL", "file")
    with workers(database_url) as start:
        first = start()
        wait_for(lambda: services.batches.job(actor, job.id).next_row > 1, 60, "the first worker did not start")
        start()  # a second worker, idle while the first holds the job's lease
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        killed_at = services.batches.job(actor, job.id)
        assert killed_at.status == "InProgress" and 1 < killed_at.next_row <= ROWS  # killed in the middle
        wait_for(lambda: services.batches.job(actor, job.id).next_row > killed_at.next_row, TAKE_OVER,
                 "the second worker did not take the job over")  # fmt: skip
        wait_for(lambda: services.batches.job(actor, job.id).status == "Successful", FINISH,
                 "the second worker did not finish the job")  # fmt: skip
    finished = services.batches.job(actor, job.id)
    results = [r for offset in range(0, ROWS, 5000) for r in services.batches.results(actor, job.id, offset)]
    assert [r.row_number for r in results] == list(range(1, ROWS + 1))
    registered = [r.uln for r in results if r.return_code == "WSRC0005"]
    assert registered and len(set(registered)) == len(registered) == finished.counters["new"]
    assert sum(finished.counters.values()) == ROWS
    engine = create_engine(database_url)
    with engine.connect() as connection:
        learners = connection.execute(select(func.count()).select_from(learner)).scalar_one()
        disclosed = connection.execute(
            select(func.count()).select_from(access_log).where(access_log.c.action == "batch_register")
        ).scalar_one()
    engine.dispose()
    assert learners == disclosed == len(registered)  # nobody registered twice, nor by a chunk that was undone
