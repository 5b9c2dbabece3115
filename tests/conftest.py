"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, a clock the test moves, actors."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from learner_records.adapters.passwords import Argon2Hasher
from learner_records.adapters.sql.migrate import upgrade
from learner_records.bootstrap import Services, bootstrap
from learner_records.config import Settings
from learner_records.domain.access import Actor, OrganisationKind

POSTGRES_URL = os.environ.get("LEARNER_RECORDS_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("LEARNER_RECORDS_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]


@dataclass
class MovableClock:
    current: datetime = datetime(2026, 11, 2, 9, 0, 0)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


def _postgres_admin_url() -> str:
    if POSTGRES_URL is None:
        if REQUIRE_POSTGRES:
            raise RuntimeError("LEARNER_RECORDS_TEST_POSTGRES_URL is not set; run through scripts/with-postgres.sh")
        pytest.skip("PostgreSQL tests need LEARNER_RECORDS_TEST_POSTGRES_URL (make test starts a server and sets it)")
    return POSTGRES_URL


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    admin_url = _postgres_admin_url()
    name = f"lr_template_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    upgrade(_with_database(admin_url, name))
    yield name
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "register.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    admin_url = _postgres_admin_url()
    name = f"lr_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _with_database(admin_url, name)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


# Real argon2, with the cheapest parameters: the suite signs people in hundreds of times, and the production
# cost (64 MiB, 3 passes) would spend minutes of it hashing. What is tested (hash, verify, lockout) is the same.
TEST_HASHER = Argon2Hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def services(database_url: str, clock: MovableClock) -> Iterator[Services]:
    built = bootstrap(Settings(database_url=database_url), clock=clock, hasher=TEST_HASHER)
    yield built
    if built.engine is not None:
        built.engine.dispose()


@pytest.fixture
def operator() -> Actor:
    return Actor(OrganisationKind.REGISTER_ADMINISTRATOR, "test-operator")


@pytest.fixture
def school() -> Actor:
    return Actor(OrganisationKind.LEARNER_REGISTRATION_BODY, "office@school", organisation_id=None, ukprn="10000001")


@pytest.fixture
def awarding_body() -> Actor:
    return Actor(OrganisationKind.AWARDING_ORGANISATION, "results@ao", organisation_id=None, ukprn="10000002")
