"""Achievement jobs outlive store errors that pass (see conftest.py for how the disk fills up) and a
worker that lost its lease to another writes nothing more."""

from __future__ import annotations

from typing import Any

import pytest

from learner_records.bootstrap import Services
from learner_records.domain.matching import VerificationQuery
from learner_records.services import achievements as achievements_module
from tests.conftest import MovableClock
from tests.factories import details
from tests.integration import test_plr_services
from tests.integration.conftest import DiskFull
from tests.integration.test_batch_jobs import stranger
from tests.integration.test_plr_services import row

world = test_plr_services.world


def learners(services: Services, world: dict[str, Any], number: int) -> list[Any]:
    people = []
    for n in range(number):
        sent = stranger(n)
        people.append(services.register.register(world["school"], details(
            given_name=sent["GivenName"], family_name=sent["FamilyName"], date_of_birth=sent["DateOfBirth"],
            postcode=sent["LastKnownPostCode"])))  # fmt: skip
    return people


def achievements(people: list[Any]) -> list[dict[str, object]]:
    return [row(p, GivenName=p.details.given_name, FamilyName=p.details.family_name,
                DateofBirth=p.details.date_of_birth.isoformat()) for p in people]  # fmt: skip


def events(services: Services, world: dict[str, Any], people: list[Any]) -> int:
    return sum(len(services.records.read_plr(world["school"], VerificationQuery(
        p.uln, p.details.given_name, p.details.family_name)).events) for p in people)  # fmt: skip


def test_an_achievement_job_hit_by_a_full_disk_waits_and_applies_every_row_once(
    services: Services, world: dict, clock: MovableClock, disk: DiskFull, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(achievements_module, "CHUNK", 15)  # rows enough that a chunk needs new pages
    people = learners(services, world, 30)
    submitted = services.achievements.submit(world["northgate"], achievements(people))

    stopped = services.achievements.process(submitted.job.id, disk.fill_after_a_chunk)
    assert stopped is not None and (stopped.status, stopped.next_row, stopped.retries) == ("InProgress", 16, 1)
    seen = services.achievements.job(world["northgate"], submitted.job.id)
    assert (seen.status, seen.retries, seen.rejection_reason) == ("InProgress", 1, None)
    assert seen.retry_reason in ("SQLITE_FULL", "DiskFull 53100")

    disk.full = False
    clock.advance(seconds=2)
    finished = services.achievements.process(submitted.job.id)
    assert finished is not None and finished.status == "Successful"
    assert finished.counters["created"] == 30 and finished.retries == 0
    assert events(services, world, people) == 30


def test_an_achievement_worker_that_lost_its_lease_writes_nothing_more(
    services: Services, world: dict, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(achievements_module, "CHUNK", 2)
    people = learners(services, world, 5)
    submitted = services.achievements.submit(world["northgate"], achievements(people))
    other: list[Any] = []

    def stall_then_lose_the_lease(done: int, total: int) -> None:
        if not other:  # the first worker stalls past its lease; a second one takes over and finishes
            clock.advance(seconds=20)
            other.append(services.achievements.process(submitted.job.id))

    left = services.achievements.process(submitted.job.id, stall_then_lose_the_lease)
    assert other[0] is not None and other[0].status == "Successful"
    assert left is not None and left.status == "Successful"
    assert left.counters == other[0].counters and left.counters["created"] == 5
    assert events(services, world, people) == 5
