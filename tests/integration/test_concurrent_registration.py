"""Unique ULN allocation under concurrent registration, from several processes at once."""

from __future__ import annotations

import multiprocessing
import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from learner_records.adapters.sql.tables import learner
from learner_records.bootstrap import bootstrap
from learner_records.config import Settings
from learner_records.domain import uln as uln_rules
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.learner import parse_details

PROCESSES = 4
PER_PROCESS = 40
PAYLOAD_SPACE = 400  # small on purpose: the processes draw the same ULNs often and must all get distinct ones


def _register_many(url: str, worker: int, ulns: list[str]) -> None:
    draws = random.Random(worker)
    services = bootstrap(Settings(database_url=url), randbelow=lambda _: draws.randrange(PAYLOAD_SPACE))
    actor = Actor(OrganisationKind.LEARNER_REGISTRATION_BODY, f"worker-{worker}")
    for index in range(PER_PROCESS):
        details = parse_details(
            {
                "given_name": "Ada",
                "family_name": f"Worker{chr(65 + worker)}",
                "gender": 2,
                "postcode": "CV4 9EE",
                "date_of_birth": (date(2005, 1, 1) + timedelta(days=index)).isoformat(),
                "ability_to_share": 1,
            }
        )
        ulns.append(services.register.register(actor, details).uln)
    assert services.engine is not None
    services.engine.dispose()


@pytest.mark.slow
def test_processes_registering_at_once_get_distinct_ulns_and_lose_no_learner(database_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        ulns = manager.list()
        workers = [context.Process(target=_register_many, args=(database_url, w, ulns)) for w in range(PROCESSES)]
        for process in workers:
            process.start()
        for process in workers:
            process.join(120)
        assert [process.exitcode for process in workers] == [0] * PROCESSES
        allocated = list(ulns)
    assert len(allocated) == PROCESSES * PER_PROCESS
    assert len(set(allocated)) == len(allocated)
    assert all(uln_rules.is_valid(uln) for uln in allocated)
    services = bootstrap(Settings(database_url=database_url))
    assert services.engine is not None
    with services.engine.connect() as connection:
        stored = set(connection.execute(select(learner.c.uln)).scalars())
        assert connection.execute(select(func.count()).select_from(learner)).scalar_one() == len(allocated)
    assert stored == set(allocated)
    services.engine.dispose()
