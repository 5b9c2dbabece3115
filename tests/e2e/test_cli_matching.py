"""`learner-records matching train` learns a model from the register; the service then finds duplicates with it."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learner_records.adapters.match_model_file import load_match_model
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.entrypoints.cli import context as cli_context
from tests.factories import details

from .conftest import run

_GIVEN = ["Amelia", "Oliver", "Isla", "Noah", "Freya", "Arthur", "Priya", "Kwame", "Zofia", "Callum"]
_FAMILY = ["Okafor", "Nowak", "Hughes", "Patel", "Murphy", "Wright", "Begum", "Evans"]


def _reload_services() -> None:
    """Make the CLI read its settings again, closing the connections of the services it had."""
    engine = cli_context.services().engine
    if engine is not None:
        engine.dispose()
    cli_context.services.cache_clear()


def _seed_register(count: int) -> tuple[str, str]:
    """`count` learners, one of whom was registered twice with a typo in the family name; their two ULNs."""
    services = cli_context.services()
    school = Actor(OrganisationKind.LEARNER_REGISTRATION_BODY, "school", organisation_id=None)
    rng = random.Random(4)
    for n in range(count):
        services.register.register(school, details(
            given_name=rng.choice(_GIVEN), family_name=rng.choice(_FAMILY) + "ski" * (n % 3),
            date_of_birth=f"{2005 + n % 8}-{1 + n % 12:02d}-{1 + n % 28:02d}", gender=1 + n % 2,
            postcode=f"LS{1 + n % 20} {n % 10}AB", town="Leeds" if n % 2 else "York",
            address_line_1=f"{n + 1} Mill Road"))  # fmt: skip
    first = services.register.register(school, details(given_name="Thandiwe", family_name="Okonkwo",
                                                       postcode="M14 5TQ", town="Manchester"))  # fmt: skip
    second = services.register.register(school, details(given_name="Thandiwe", family_name="Okonkow",
                                                        postcode="M14 5TQ", town="Manchester"))  # fmt: skip
    return first.uln, second.uln


def test_training_writes_a_model_the_service_then_uses(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _seed_register(60)
    out = tmp_path / "model.json"
    code, output = run(cli, "matching", "train", "--out", str(out), "--seed", "3")
    assert code == 0, output
    assert "62 learners" in output and "m kept from default-1" in output and "before -> after" in output
    assert f"written to {out}" in output.replace("\n", "")
    written = json.loads(out.read_text())
    assert written["trained"]["records"] == 62 and written["version"].endswith("-62")
    model = load_match_model(str(out))
    assert model.term_frequencies["town"]["LEEDS"] == pytest.approx(30 / 62)

    monkeypatch.setenv("LEARNER_RECORDS_MATCH_MODEL", str(out))
    _reload_services()
    code, output = run(cli, "learners", "duplicates")
    assert code == 0, output
    line = next(line for line in output.splitlines() if first in line)
    assert second in line and "probability 1.000" in line and "group 1" in line
    assert "family name differs only by a typo (Okonk" in line


def test_a_model_file_that_cannot_be_read_is_refused_naming_the_setting(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    _reload_services()
    monkeypatch.setenv("LEARNER_RECORDS_MATCH_MODEL", str(broken))
    code, output = run(cli, "learners", "duplicates")
    monkeypatch.delenv("LEARNER_RECORDS_MATCH_MODEL")
    message = " ".join(output.split())  # the console wraps a long path at the terminal's width
    assert code != 0
    assert "LEARNER_RECORDS_MATCH_MODEL" in message and "not a match model file" in message
    cli_context.services.cache_clear()
