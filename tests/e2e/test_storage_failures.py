"""A database that cannot take writes (a full disk, a read-only file or server, a server that is down): every
entrypoint says so plainly with a 503 (the SOAP services with a fault), nothing is half-saved, and `/health` tells
which check failed."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from zeep.exceptions import Fault

from learner_records.bootstrap import Services, bootstrap
from learner_records.config import Settings
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.users import Role

from ..conftest import TEST_HASHER, MovableClock
from ..live_server import free_port, live_server
from .conftest import LiveServer
from .soap_clients import Soap
from .test_portal_sign_in import PASSWORD, csrf
from .test_rest_api import SIOBHAN
from .test_soap_learner_service import SIOBHAN as SOAP_SIOBHAN
from .test_soap_learner_service import miap_fault

SORRY = "Sorry, there is a problem with the service"
UNAVAILABLE = "The service cannot read or save records at the moment; try again later"


def make_read_only(services: Services) -> None:
    """SQLite: every connection read-only (SQLITE_READONLY, what a read-only file gives). PostgreSQL: the database
    read-only, as a standby is (SQLSTATE 25006)."""
    url = services.settings.database_url
    assert services.engine is not None
    if services.settings.is_sqlite:
        event.listen(services.engine, "connect", lambda connection, _: connection.execute("PRAGMA query_only = ON"))
    else:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            name = make_url(url).database
            connection.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        admin.dispose()
    services.engine.dispose()  # pooled connections closed: every new one is read-only


def sign_in_refused_with_a_wrong_password(client: httpx.Client) -> tuple[int, str]:
    """A wrong password counts towards the lockout: a write."""
    token = csrf(client.get("/sign-in"))
    answer = client.post("/sign-in", data={"email": "head@riverside.ac.uk", "password": "wrong-password-1",
                                           "csrf_token": token, "next": "/home"})  # fmt: skip
    return answer.status_code, answer.text


def test_health_says_ok_while_the_database_takes_writes(server: LiveServer) -> None:
    answer = server.client().get("/health")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok", "checks": {"database": "ok"}})


def test_a_read_only_database_makes_health_503_naming_the_check(server: LiveServer) -> None:
    make_read_only(server.services)
    answer = server.client().get("/health")
    assert answer.status_code == 503
    assert answer.json()["status"] == "unavailable"
    assert answer.json()["checks"]["database"].startswith("cannot write: the database is read-only")


def test_a_rest_write_to_a_read_only_database_is_a_plain_503_problem(server: LiveServer) -> None:
    make_read_only(server.services)
    answer = server.client("school").post("/api/v1/learners", json=SIOBHAN)
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert (answer.json()["title"], answer.json()["detail"]) == ("Service unavailable", UNAVAILABLE)
    assert "Traceback" not in answer.text
    assert "sqlite" not in answer.text.lower() and "postgres" not in answer.text.lower()  # nothing of the set-up


def test_a_page_that_writes_to_a_read_only_database_is_the_sorry_page(server: LiveServer) -> None:
    server.services.users.create(None, "head@riverside.ac.uk", "Asha Patel", Role.ADMINISTRATOR, None,
                                 PASSWORD)  # fmt: skip
    make_read_only(server.services)
    status, page = sign_in_refused_with_a_wrong_password(server.client())
    assert status == 503
    assert SORRY in page and "Try again later." in page
    assert "Traceback" not in page


def test_a_soap_write_to_a_read_only_database_is_a_service_unavailable_fault(soap: Soap, server: LiveServer) -> None:
    make_read_only(server.services)
    with pytest.raises(Fault) as raised:
        soap.service("LearnerService").registerSingleLearner(**soap.miap("school"), Learner=SOAP_SIOBHAN)
    fault = miap_fault(raised)
    assert (fault["Description"], fault["FurtherDetails"]) == ("Service unavailable", UNAVAILABLE)


@dataclass
class FullRegister:
    services: Services
    path: Path
    api_key: str


@pytest.fixture
def full_sqlite(sqlite_template: Path, tmp_path: Path, clock: MovableClock) -> Iterator[FullRegister]:
    """A register on SQLite that may not grow past what it holds now: a write that needs one page more is refused
    with SQLITE_FULL, as on a full disk."""
    path = tmp_path / "register.sqlite3"
    shutil.copy(sqlite_template, path)
    services = bootstrap(Settings(database_url=f"sqlite:///{path}"), clock=clock, hasher=TEST_HASHER)
    operator = Actor(OrganisationKind.REGISTER_ADMINISTRATOR, "test")
    api_key = services.organisations.create(operator, "10000001", "school organisation",
                                            OrganisationKind.LEARNER_REGISTRATION_BODY).api_key  # fmt: skip
    assert services.engine is not None
    services.engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("VACUUM")  # no free pages left to reuse
    # asked for less than the database's size, max_page_count stops at its size
    event.listen(services.engine, "connect", lambda connection, _: connection.execute("PRAGMA max_page_count = 1"))
    yield FullRegister(services, path, api_key)
    services.engine.dispose()


def learners_in(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM learner").fetchone()[0])


def test_a_full_sqlite_disk_fails_health_and_refuses_the_write_that_needs_room(full_sqlite: FullRegister) -> None:
    with live_server(full_sqlite.services, run_worker=False) as url, httpx.Client(base_url=url, timeout=30) as client:
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["checks"]["database"].startswith("cannot write: the disk (or the database's size")
        # learners fit in the pages there are, until one does not
        headers = {"Authorization": f"Bearer {full_sqlite.api_key}"}
        statuses = []
        for day in range(200):
            born = (date(2009, 1, 1) + timedelta(days=day)).isoformat()
            answer = client.post("/api/v1/learners", json={**SIOBHAN, "date_of_birth": born}, headers=headers)
            statuses.append(answer.status_code)
            if answer.status_code != 201:
                break
    assert statuses[-1] == 503, statuses
    assert answer.json()["detail"] == UNAVAILABLE
    assert learners_in(full_sqlite.path) == statuses.count(201)  # the refused one left nothing behind


def test_a_postgresql_server_that_is_down_answers_503_everywhere(clock: MovableClock) -> None:
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/register"
    services = bootstrap(Settings(database_url=nowhere), clock=clock, hasher=TEST_HASHER)
    with live_server(services, run_worker=False) as url, httpx.Client(base_url=url, timeout=30) as client:
        health = client.get("/health")
        assert (health.status_code, health.json()["checks"]) == (
            503, {"database": "cannot write: the database server cannot be reached"})  # fmt: skip
        api = client.get("/api/v1/learners/1026893096", headers={"Authorization": "Bearer lr_0000_secret"})
        assert (api.status_code, api.json()["detail"]) == (503, UNAVAILABLE)
        status, page = sign_in_refused_with_a_wrong_password(client)
        assert status == 503 and SORRY in page
    assert services.engine is not None
    services.engine.dispose()
