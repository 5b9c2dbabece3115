"""Rendering learners and outcomes for people (Rich) or programs (--json)."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from ...domain.learner import PROTOCOL_NAMES, Learner

console = Console()


def learner_dict(learner: Learner) -> dict[str, Any]:
    values: dict[str, Any] = {
        "uln": learner.uln,
        "version": learner.version,
        "master_uln": learner.master_uln,
        "linked_ulns": list(learner.linked_ulns),
    }
    for key, value in learner.details.as_dict().items():
        values[key] = int(value) if key in ("gender", "verification_type", "ability_to_share") else value
    return values


def print_json(value: Any) -> None:
    console.print_json(json.dumps(value, default=str, ensure_ascii=False))


def print_learner(learner: Learner, title: str | None = None) -> None:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("ULN", learner.uln)
    if learner.master_uln:
        table.add_row("Master ULN", learner.master_uln)
    if learner.linked_ulns:
        table.add_row("Linked ULNs", ", ".join(learner.linked_ulns))
    table.add_row("Version", str(learner.version))
    for key, value in learner.details.as_dict().items():
        if value is not None:
            shown = f"{int(value)} ({value.name.replace('_', ' ').lower()})" if hasattr(value, "name") else str(value)
            table.add_row(PROTOCOL_NAMES[key], shown)
    console.print(table)
