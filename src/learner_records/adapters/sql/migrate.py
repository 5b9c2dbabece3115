"""Schema changes only through Alembic: `upgrade` brings a database to the newest revision."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from .failures import raise_if_unavailable
from .files import prepare_sqlite_file

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    prepare_sqlite_file(url)
    try:
        command.upgrade(alembic_config(url), revision)
    except Exception as error:
        raise_if_unavailable(error, url)
        raise
