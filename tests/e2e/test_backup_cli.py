"""`db backup` and `db restore` on SQLite and PostgreSQL: every table comes back row for row."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Boolean, Connection, Date, DateTime, Integer, String, Table, create_engine, func, select, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from learner_records.adapters.sql.backup import head_revision
from learner_records.adapters.sql.migrate import upgrade
from learner_records.adapters.sql.tables import metadata
from learner_records.bootstrap import Services
from learner_records.domain.access import Actor
from tests.factories import details

from .conftest import run

CLI = [sys.executable, "-m", "learner_records"]


@pytest.fixture
def new_database(database_url: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes databases with no tables at all, beside the test's own, on the same engine."""
    made: list[str] = []

    def make() -> str:
        if database_url.startswith("sqlite"):
            made.append(f"sqlite:///{tmp_path / f'new-{len(made)}' / 'register.sqlite3'}")
            return made[-1]
        made.append(f"lr_restore_{uuid.uuid4().hex[:12]}")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{made[-1]}"'))
        return make_url(database_url).set(database=made[-1]).render_as_string(hide_password=False)

    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    yield make
    if not database_url.startswith("sqlite"):
        with engine.connect() as connection:
            for name in made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _value(connection: Connection, table: Table, column: Any) -> Any:
    """A value for any column: an existing row's key for a foreign key, else one of the column's type."""
    if column.foreign_keys:
        referred = next(iter(column.foreign_keys)).column
        return connection.execute(select(referred).limit(1)).scalar()
    kind = column.type
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, Integer):
        return 1
    if isinstance(kind, DateTime):
        return datetime(2026, 12, 3, 10, 30, 15, 123456)
    if isinstance(kind, Date):
        return date(2009, 4, 17)
    if isinstance(kind, String) and kind.length:
        return f"Ó{table.name}"[: kind.length]
    return '{"written by": "the backup test"}'


def fill_every_empty_table(url: str) -> None:
    """One row in each table the demo leaves empty, so that every column of every table is backed up."""
    engine = create_engine(url)
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            if connection.execute(select(func.count()).select_from(table)).scalar():
                continue
            generated = {c for c in table.primary_key.columns if c.autoincrement is True or c.autoincrement == "auto"}
            row = {c.name: _value(connection, table, c) for c in table.columns
                   if not (c in generated and isinstance(c.type, Integer) and not c.foreign_keys)}  # fmt: skip
            connection.execute(table.insert().values(**row))
    engine.dispose()


def every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url)
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(row) for row in connection.execute(select(table).order_by(*order))]
        rows["alembic_version"] = [tuple(row) for row in connection.execute(text("SELECT * FROM alembic_version"))]
    engine.dispose()
    return rows


def said(output: str) -> str:
    """The CLI's output as one line: Rich wraps it at the terminal's width."""
    return " ".join(output.split())


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("LEARNER_RECORDS_DATABASE_URL", url)


def test_a_backup_restores_every_table_row_for_row_into_a_new_database(
    cli: CliRunner, database_url: str, new_database: Callable[[], str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    code, output = run(cli, "demo", "--credentials", str(tmp_path / "credentials.txt"), "--learners", "400")
    assert code == 0, output
    fill_every_empty_table(database_url)
    original = every_row(database_url)
    assert [name for name, rows in original.items() if not rows] == []
    backup = tmp_path / "register.backup"

    code, output = run(cli, "db", "backup", str(backup))
    assert code == 0, output
    assert "personal data" in said(output)
    assert backup.stat().st_mode & 0o777 == 0o600
    head = re.search(r"^head \d+:[0-9a-f]{64}$", output, re.M)
    assert head is not None

    empty = new_database()
    use_database(monkeypatch, empty)
    code, output = run(cli, "db", "restore", str(backup))
    assert code == 0, output
    assert f"schema revision {head_revision()}" in said(output) and "db upgrade" not in said(output)
    assert every_row(empty) == original
    code, output = run(cli, "audit", "verify", "--anchor", head.group(0).removeprefix("head "))
    assert (code, head.group(0) in output.splitlines()) == (0, True)


def test_restore_replaces_a_database_holding_data_only_with_force(
    cli: CliRunner, database_url: str, tmp_path: Path, services: Services, school: Actor
) -> None:
    first = services.register.register(school, details()).uln
    backup = tmp_path / "register.backup"
    assert run(cli, "db", "backup", str(backup))[0] == 0
    services.register.register(school, details(given_name="Afterwards"))
    after = every_row(database_url)

    code, output = run(cli, "db", "restore", str(backup))
    assert code == 4
    assert "holds data" in said(output) and "--force" in said(output)
    assert every_row(database_url) == after

    code, output = run(cli, "db", "restore", str(backup), "--force")
    assert code == 0, output
    assert [row[0] for row in every_row(database_url)["learner"]] == [first]


def test_restore_into_a_migrated_empty_database_needs_no_force(
    cli: CliRunner, database_url: str, new_database: Callable[[], str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, services: Services, school: Actor,
) -> None:  # fmt: skip
    services.register.register(school, details())
    backup = tmp_path / "register.backup"
    assert run(cli, "db", "backup", str(backup))[0] == 0
    migrated = new_database()
    upgrade(migrated)
    use_database(monkeypatch, migrated)
    code, output = run(cli, "db", "restore", str(backup))
    assert code == 0, output
    assert every_row(migrated) == every_row(database_url)


def test_an_older_backup_restores_and_asks_for_db_upgrade(
    cli: CliRunner, new_database: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = new_database()
    upgrade(older, "0006")
    use_database(monkeypatch, older)
    backup = tmp_path / "old.backup"
    assert run(cli, "db", "backup", str(backup))[0] == 0
    use_database(monkeypatch, new_database())
    code, output = run(cli, "db", "restore", str(backup))
    assert code == 0, output
    assert "schema revision 0006" in said(output) and "run `learner-records db upgrade`" in said(output)


def test_bad_backup_files_are_refused_in_one_line(cli: CliRunner, database_url: str, tmp_path: Path) -> None:
    before = every_row(database_url)
    code, output = run(cli, "db", "restore", str(tmp_path / "missing.backup"))
    assert (code, "cannot read" in said(output), "No such file" in said(output)) == (1, True, True)
    garbage = tmp_path / "garbage.backup"
    garbage.write_bytes(b"not a backup at all")
    code, output = run(cli, "db", "restore", str(garbage))
    assert (code, f"{garbage} is not a backup" in said(output)) == (1, True)
    existing = tmp_path / "existing.backup"
    existing.write_text("keep me")
    code, output = run(cli, "db", "backup", str(existing))
    assert (code, "exists already" in said(output), existing.read_text()) == (1, True, "keep me")
    assert every_row(database_url) == before


def backup_with_programs_in(database_url: str, root: Path, target: Path, **environ: str) -> tuple[int, str]:
    """`db backup` in a process that looks for PostgreSQL's programs in root/<major>/bin instead of Debian's place."""
    environment = {**os.environ, "LEARNER_RECORDS_DATABASE_URL": database_url, **environ}
    script = ("import learner_records.adapters.sql.backup as b, pathlib, sys; b.PG_BIN = pathlib.Path(sys.argv[1]);"
              "from learner_records.entrypoints.cli import app; app(['db', 'backup', sys.argv[2]])")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script, str(root), str(target)], env=environment,
                          capture_output=True, text=True)  # fmt: skip
    return done.returncode, said(done.stderr)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_missing_pg_dump_is_named(database_url: str, tmp_path: Path) -> None:
    code, error = backup_with_programs_in(database_url, tmp_path, tmp_path / "b", PATH=str(tmp_path))
    assert code == 1
    assert "pg_dump not found on PATH" in error and "postgresql-client-15" in error
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_pg_dump_older_than_the_server_fails_in_one_line(database_url: str, tmp_path: Path) -> None:
    tools = tmp_path / "15" / "bin"
    tools.mkdir(parents=True)
    mismatch = ("pg_dump: error: aborting because of server version mismatch",
                "pg_dump: detail: server version: 15.18; pg_dump version: 14.10")  # fmt: skip
    (tools / "pg_dump").write_text("#!/bin/sh\n" + "".join(f"echo '{line}' >&2\n" for line in mismatch) + "exit 1\n")
    (tools / "pg_dump").chmod(0o755)
    code, error = backup_with_programs_in(database_url, tmp_path, tmp_path / "b")
    assert code == 1
    assert error == ("error: pg_dump failed: aborting because of server version mismatch; detail: server version:"
                     " 15.18; pg_dump version: 14.10")  # fmt: skip
    assert sorted(path.name for path in tmp_path.iterdir()) == ["15"]


@pytest.mark.slow
def test_a_backup_taken_while_a_writer_writes_is_a_consistent_copy(
    database_url: str, new_database: Callable[[], str], tmp_path: Path, services: Services, school: Actor
) -> None:
    stop = threading.Event()
    written: list[str] = []
    failures: list[BaseException] = []

    def write() -> None:
        letters = [chr(65 + n) for n in range(26)]
        try:
            while not stop.is_set():
                n = len(written)
                family = f"Fam{letters[n // 676 % 26]}{letters[n // 26 % 26]}{letters[n % 26]}".lower().title()
                written.append(services.register.register(school, details(family_name=family)).uln)
        except BaseException as error:  # collected and asserted on below
            failures.append(error)

    writer = threading.Thread(target=write)
    writer.start()
    environment = {**os.environ, "LEARNER_RECORDS_DATABASE_URL": database_url}
    backups = [tmp_path / f"during-{n}.backup" for n in range(3)]
    try:
        for backup in backups:
            done = subprocess.run([*CLI, "db", "backup", str(backup)], env=environment, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        after_last = len(written)
        while len(written) < after_last + 2 and not failures:  # the writer went on after the copy was taken
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join(60)
    assert failures == []
    environment["LEARNER_RECORDS_DATABASE_URL"] = restored = new_database()
    done = subprocess.run([*CLI, "db", "restore", str(backups[-1])], env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    copy = every_row(restored)
    # each registration wrote its learner and its access-log line in one transaction: a copy has both or neither
    registered = [row for row in copy["access_log"] if row[4] == "register"]
    assert 0 < len(copy["learner"]) == len(registered) < len(written)
    assert [row[0] for row in copy["learner"]] == sorted(written[: len(copy["learner"])])
