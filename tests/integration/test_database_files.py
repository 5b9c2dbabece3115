"""The SQLite database holds personal data: its folder, its files and the session key are the service's alone."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text

from learner_records.adapters.sql.migrate import upgrade
from learner_records.adapters.sql.unit_of_work import make_engine
from learner_records.config import Settings
from learner_records.entrypoints.web.session import session_secret


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_its_wal_and_shm_and_its_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "learner-records.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:  # open, so the write-ahead log and its index exist
        connection.execute(text("CREATE TABLE probe (x)"))
        connection.commit()
        assert {name: mode(path.with_name(path.name + name)) for name in ("", "-wal", "-shm")} == {
            "": 0o600, "-wal": 0o600, "-shm": 0o600}  # fmt: skip
    engine.dispose()
    assert mode(path.parent) == 0o700


def test_a_database_left_readable_by_others_is_made_private_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "learner-records.sqlite3"
    upgrade(f"sqlite:///{path}")
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600


def test_the_session_key_beside_the_database_is_private(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'data' / 'learner-records.sqlite3'}")
    key = session_secret(settings)
    assert len(key) >= 32
    assert mode(tmp_path / "data" / "session-secret") == 0o600
    assert mode(tmp_path / "data") == 0o700
    assert session_secret(settings) == key  # kept, not made again
