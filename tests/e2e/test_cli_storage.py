"""The command line on a database it cannot open or write: one line naming the file (or server) and the problem,
and a non-zero exit code; never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from learner_records.adapters.sql.migrate import upgrade

from .conftest import free_port

CLI = [sys.executable, "-m", "learner_records"]
STORAGE_UNAVAILABLE = 6
REFUSED = ("Operation not permitted", "Permission denied")  # root meets the immutable flag, others the mode


def learner_records(database_url: str, *args: str) -> tuple[int, list[str]]:
    environment = {**os.environ, "LEARNER_RECORDS_DATABASE_URL": database_url, "COLUMNS": "80"}
    done = subprocess.run([*CLI, *args], env=environment, capture_output=True, text=True, timeout=120)
    return done.returncode, (done.stdout + done.stderr).strip().splitlines()


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A data folder nobody may write in, root included (root writes through permission bits: the immutable
    attribute stops it); every file in it, as it is when the fixture starts, read-only too."""
    folder = tmp_path / "data"
    folder.mkdir()
    yield folder
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-R", "-i", str(folder)], check=True)
    else:
        for path in (folder, *folder.iterdir()):
            path.chmod(0o700)


def lock(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-R", "+i", str(folder)], check=True)
    else:
        for path in (*folder.iterdir(), folder):
            path.chmod(0o500)


def test_serve_in_a_read_only_data_folder_says_which_file_it_cannot_create(read_only_folder: Path) -> None:
    lock(read_only_folder)
    database = read_only_folder / "learner-records.sqlite3"
    code, lines = learner_records(f"sqlite:///{database}", "serve", "--port", str(free_port()))
    assert code == STORAGE_UNAVAILABLE
    assert len(lines) == 1, lines
    assert lines[0] in {f"error: cannot use {database}: {reason}" for reason in REFUSED}


def test_serve_on_a_read_only_database_refuses_to_start_saying_so(read_only_folder: Path) -> None:
    database = read_only_folder / "learner-records.sqlite3"
    upgrade(f"sqlite:///{database}")
    (read_only_folder / "session-secret").write_text("a-key-made-before-the-folder-was-locked")
    lock(read_only_folder)
    code, lines = learner_records(f"sqlite:///{database}", "serve", "--port", str(free_port()))
    assert code == STORAGE_UNAVAILABLE
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: cannot use {database}: ")
    assert "Traceback" not in lines[0]


def test_a_command_that_writes_to_a_read_only_database_names_it(read_only_folder: Path) -> None:
    database = read_only_folder / "learner-records.sqlite3"
    upgrade(f"sqlite:///{database}")
    lock(read_only_folder)
    code, lines = learner_records(f"sqlite:///{database}", "orgs", "create", "--ukprn", "10000001",
                                  "--name", "Riverside College")  # fmt: skip
    assert (code, lines) == (STORAGE_UNAVAILABLE, [
        f"error: cannot use {database}: the database is read-only (attempt to write a readonly database)"])  # fmt: skip


def test_a_data_folder_that_is_a_file_is_named_with_the_problem(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")
    code, lines = learner_records(f"sqlite:///{tmp_path / 'data' / 'learner-records.sqlite3'}", "db", "upgrade")
    assert code == STORAGE_UNAVAILABLE
    assert lines == [f"error: cannot use {tmp_path / 'data'}: it is a file, not a folder"]


def test_a_postgresql_server_that_is_down_is_named_without_its_password() -> None:
    port = free_port()
    code, lines = learner_records(f"postgresql+psycopg://lrs:s3cret@127.0.0.1:{port}/register", "orgs", "list")
    server = f"postgresql://lrs:***@127.0.0.1:{port}/register"
    assert code == STORAGE_UNAVAILABLE
    assert lines == [f"error: cannot use {server}: the database server cannot be reached"]
