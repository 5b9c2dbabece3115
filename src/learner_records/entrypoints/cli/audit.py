"""`audit verify`: check the access log's hash chain (adapters/sql/access_chain.py)."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from ...adapters.sql import access_chain
from ...adapters.sql.unit_of_work import make_engine
from ...config import Settings
from ...domain.errors import InvalidField
from .errors import err_console, reporting
from .output import console

audit_app = typer.Typer(help="The access log's tamper evidence", no_args_is_help=True)
ANCHOR = re.compile(r"(\d+):([0-9a-f]{64})")


def parse_anchor(text: str) -> tuple[int, str]:
    found = ANCHOR.fullmatch(text.strip().lower())
    if found is None:
        raise InvalidField("--anchor", f"{text!r} is not a head", "ID:HASH as `audit verify` prints it")
    return int(found.group(1)), found.group(2)


@audit_app.command("verify")
@reporting
def verify(
    anchor: Annotated[
        str | None, typer.Option(help="ID:HASH, a head an earlier verify printed: the log must still pass through it")
    ] = None,
) -> None:
    """Walk the access log's hash chain in id order: exit 0 with the count when intact, else 1 naming the first
    broken row. Prints the head (ID:HASH): keep it where the database's writers cannot change it."""
    expected = parse_anchor(anchor) if anchor else None
    engine = make_engine(Settings.from_environment().database_url)
    try:
        verdict = access_chain.verify(engine, expected)
    finally:
        engine.dispose()
    if not verdict.intact:
        err_console.print(f"access log broken at row {verdict.broken_at}: {verdict.problem}"
                          f" ({verdict.entries} rows before it verify)", markup=False)  # fmt: skip
        raise typer.Exit(1)
    console.print(f"access log intact: {verdict.entries} entries{', through the anchor' if expected else ''}")
    print(f"head {verdict.head_id}:{verdict.head_hash}")  # noqa: T201 - plain, so scripts can keep it
