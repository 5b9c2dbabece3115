"""Audited reads (each writes the access log) alongside writers must never fail with 'database is locked'."""

from __future__ import annotations

import threading

import pytest

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor
from tests.factories import details


@pytest.mark.slow
def test_audited_reads_and_registrations_run_side_by_side(services: Services, school: Actor) -> None:
    first = services.register.register(school, details())
    failures: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(150):
                services.register.find_by_uln(school, first.uln)
        except BaseException as error:  # collected and asserted on below
            failures.append(error)

    def write(worker: int) -> None:
        try:
            for index in range(40):
                services.register.register(school, details(given_name=f"Wr{chr(65 + worker)}{chr(65 + index % 26)}",
                                                           family_name=f"Fam{chr(65 + index // 26)}"))  # fmt: skip
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=read) for _ in range(3)] + [threading.Thread(target=write, args=(w,))
                                                                    for w in range(2)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
