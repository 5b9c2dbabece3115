"""Schemathesis over the REST API of a live server: every operation of /api/openapi.json called with generated
requests, by each kind of organisation, checking that no answer is a server error and that answers match the schema.

`make fuzz` runs it long on a fresh SQLite database (`python -m tests.fuzz --max-examples 100`; `--database-url` for
an empty PostgreSQL one); the suite runs a short bound of it in tests/e2e/test_api_fuzz.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

from learner_records.adapters.sql.migrate import upgrade
from learner_records.bootstrap import Services, bootstrap
from learner_records.config import Settings
from learner_records.domain.access import Actor, OrganisationKind

from .live_server import live_server

CHECKS = "not_a_server_error,response_schema_conformance"
# Generated requests fail authentication by the thousand from one address: the doors' limits would answer 429 to
# everything after the first few and leave the operations behind them untested (tests/e2e/test_throttling.py
# covers the limits).
UNTHROTTLED = {f.name: "" for f in fields(Settings) if f.name.startswith("throttle_") and f.name != "throttle_storage"}
ORGANISATIONS = [
    ("admin", "10000000", OrganisationKind.REGISTER_ADMINISTRATOR),
    ("school", "10000001", OrganisationKind.LEARNER_REGISTRATION_BODY),
    ("awarding", "10000002", OrganisationKind.AWARDING_ORGANISATION),
]
SCHEMATHESIS = Path(sys.executable).with_name("st")


def seed(services: Services) -> dict[str, str]:
    """One organisation of each kind; their API keys by name."""
    operator = Actor(OrganisationKind.REGISTER_ADMINISTRATOR, "fuzz")
    return {name: services.organisations.create(operator, ukprn, f"{name} organisation", kind).api_key
            for name, ukprn, kind in ORGANISATIONS}  # fmt: skip


def fuzz(url: str, api_key: str, options: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """`st run` against the server at `url` with this key; its exit code is 0 only when every check passed."""
    command = [str(SCHEMATHESIS), "run", f"{url}/api/openapi.json", "--checks", CHECKS,
               "--header", f"Authorization: Bearer {api_key}", "--workers", "1", "--no-color", *options]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, check=False)


@contextmanager
def fresh_server(database_url: str | None = None) -> Iterator[tuple[str, dict[str, str]]]:
    """A server over `database_url` (an empty database), or over a new SQLite file when there is none."""
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{folder}/fuzz.db"
        upgrade(url)
        services = bootstrap(Settings(database_url=url, **UNTHROTTLED))
        keys = seed(services)
        with live_server(services) as served:
            yield served, keys
        if services.engine is not None:
            services.engine.dispose()


def main(arguments: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--database-url", help="an empty database to fuzz over (default: a new SQLite file)")
    parsed = parser.parse_args(arguments)
    options = ["--max-examples", str(parsed.max_examples), *(["--seed", str(parsed.seed)] if parsed.seed else [])]
    failed = 0
    with fresh_server(parsed.database_url) as (url, keys):
        for name, key in keys.items():
            result = fuzz(url, key, options)
            print(f"--- as the {name} organisation ---\n{result.stdout}{result.stderr}")  # noqa: T201
            failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
