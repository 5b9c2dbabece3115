"""`learner-records orgs keys ...`: an organisation's API keys, created (shown once), listed, revoked, rotated."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from ...services.api_keys import IssuedKey, key_state
from .context import operator, services
from .errors import reporting
from .output import console, print_json

keys_app = typer.Typer(help="An organisation's API keys", no_args_is_help=True)
Ukprn = Annotated[str, typer.Option(help="The organisation's UKPRN")]
KeyId = Annotated[int, typer.Option("--key", help="The key's id, as `orgs keys list` shows it")]


def _print_issued(issued: IssuedKey) -> None:
    console.print(f"API key {issued.key.id} ({issued.key.label or 'no label'}), shown once, keep it safe:")
    print(issued.api_key)  # noqa: T201 - plain, so scripts can capture it


@keys_app.command("create")
@reporting
def keys_create(
    ukprn: Ukprn, label: Annotated[str, typer.Option(help="What the key is for, at most 60 characters")] = ""
) -> None:
    """Give an organisation another API key and print it (shown once)."""
    _print_issued(services().api_keys.create(operator(), ukprn, label))


@keys_app.command("list")
@reporting
def keys_list(ukprn: Ukprn, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """An organisation's API keys: id, label, created, last used, revoked (never the secrets)."""
    now = services().clock.now()
    rows = [
        {"id": key.id, "prefix": key.prefix, "label": key.label, "created": key.created_at,
         "last_used": key.last_used_at, "revoked": key.revoked_at, "state": key_state(key, now)}
        for key in services().api_keys.keys(operator(), ukprn)
    ]  # fmt: skip
    if as_json:
        print_json(rows)
        return
    for row in rows:
        console.print(f"{row['id']:>4}  lr_{row['prefix']}_…  {row['state']:<8}  created {row['created']}"
                      f"  last used {row['last_used'] or 'never'}  {row['label'] or ''}", markup=False)  # fmt: skip


@keys_app.command("revoke")
@reporting
def keys_revoke(ukprn: Ukprn, key_id: KeyId) -> None:
    """Revoke a key: every request with it is refused from now on."""
    services().api_keys.revoke(operator(), ukprn, key_id)
    console.print(f"API key {key_id} of UKPRN {ukprn} is revoked")


@keys_app.command("rotate")
@reporting
def keys_rotate(
    ukprn: Ukprn,
    key_id: KeyId,
    overlap: Annotated[int, typer.Option(help="Minutes the old key still works, 0-60, to redeploy without a gap")] = 0,
) -> None:
    """Replace a key with a new one (printed once); the old one is refused at once or after --overlap minutes."""
    _print_issued(services().api_keys.rotate(operator(), ukprn, key_id, timedelta(minutes=overlap)))
