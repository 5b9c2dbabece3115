"""A short Schemathesis run over the whole REST API (tests/fuzz.py; `make fuzz` runs it long): generated requests,
boundary values included, by the register's administrator and an awarding organisation. No answer may be a server
error, and every answer must match the OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from learner_records.bootstrap import Services, bootstrap
from learner_records.config import Settings
from tests.conftest import TEST_HASHER, MovableClock

from ..fuzz import UNTHROTTLED, fuzz
from .conftest import LiveServer


@pytest.fixture
def services(database_url: str, clock: MovableClock) -> Iterator[Services]:
    """The suite's services without the doors' limits (see tests/fuzz.py)."""
    built = bootstrap(Settings(database_url=database_url, **UNTHROTTLED), clock=clock, hasher=TEST_HASHER)
    yield built
    if built.engine is not None:
        built.engine.dispose()


# On PostgreSQL only: the two engines answer alike (the other tests hold them to it), and PostgreSQL is the stricter
# (it refuses U+0000 in text), so a second run on SQLite would add half a minute and find nothing new.
@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("who", ["admin", "awarding"])
def test_generated_requests_get_no_server_error_and_answers_match_the_schema(server: LiveServer, who: str) -> None:
    result = fuzz(server.url, server.keys[who], ["--max-examples", "3", "--phases", "coverage,fuzzing",
                                                 "--seed", "20261203", "--no-shrink"])  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_a_centre_number_sent_again_with_spaces_is_a_conflict_and_a_long_ukprn_is_refused(server: LiveServer) -> None:
    awarding = server.client("awarding")
    assert awarding.post("/api/v1/awarding/centres", json={"centre_number": "E1", "name": "North"}).status_code == 201
    again = awarding.post("/api/v1/awarding/centres", json={"centre_number": " E1\u00a0", "name": "North"})
    assert again.status_code == 409, again.text
    long = awarding.post("/api/v1/awarding/centres", json={"centre_number": "E2", "name": "N", "ukprn": "123456789"})
    assert long.status_code == 422 and long.json()["errors"][0]["field"] == "ukprn"
