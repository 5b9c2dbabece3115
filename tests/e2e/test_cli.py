from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from .conftest import run

CLI = [sys.executable, "-m", "learner_records"]


def register(cli: CliRunner, *extra: str) -> str:
    code, output = run(
        cli,
        "learners",
        "register",
        "--given",
        "Łukasz",
        "--family",
        "Żółć",
        "--dob",
        "2008-09-01",
        "--gender",
        "1",
        "--postcode",
        "M1 1AE",
        "--json",
        *extra,
    )
    assert code == 0, output
    uln: str = json.loads(output)["uln"]
    return uln


def test_uln_check_prints_a_line_per_uln_and_exits_0_only_if_all_are_valid() -> None:
    valid = subprocess.run([*CLI, "uln", "check", "1026893096", "1000000043"], capture_output=True, text=True)
    assert valid.returncode == 0
    assert valid.stdout.split("\n")[:2] == ["1026893096  valid", "1000000043  valid"]
    mixed = subprocess.run([*CLI, "uln", "check", "1026893096", "1234567890"], capture_output=True, text=True)
    assert mixed.returncode == 1
    assert "1234567890  invalid: '1234567890' has check digit 0, expected 9" in mixed.stdout


def test_register_show_and_find_a_learner(cli: CliRunner) -> None:
    uln = register(cli)
    code, output = run(cli, "learners", "show", uln, "--json")
    assert code == 0
    assert json.loads(output)["family_name"] == "Żółć"
    code, output = run(
        cli,
        "learners",
        "find",
        "--given",
        "Lukasz",
        "--family",
        "Zolc",
        "--dob",
        "2008-09-01",
        "--gender",
        "1",
        "--postcode",
        "m11ae",
    )
    assert code == 0
    assert "WSRC0004" in output and uln in output


def test_a_broken_field_exits_2_naming_the_field(cli: CliRunner) -> None:
    code, output = run(
        cli,
        "learners",
        "register",
        "--given",
        "Ann",
        "--family",
        "Lee",
        "--dob",
        "2008-02-30",
        "--gender",
        "2",
        "--postcode",
        "M1 1AE",
    )
    assert code == 2
    assert "DateOfBirth: 2008-02-30 is not a real date" in output


def test_registering_twice_exits_4_with_wsrc0021(cli: CliRunner) -> None:
    register(cli)
    code, output = run(
        cli,
        "learners",
        "register",
        "--given",
        "LUKASZ",
        "--family",
        "Zolc",
        "--dob",
        "2008-09-01",
        "--gender",
        "1",
        "--postcode",
        "M11AE",
    )
    assert code == 4
    assert "WSRC0021" in output


def test_verify_exits_0_on_a_match_and_1_otherwise(cli: CliRunner) -> None:
    uln = register(cli)
    assert run(cli, "learners", "verify", uln, "--given", "Łukasz", "--family", "Żółć")[0] == 0
    code, output = run(cli, "learners", "verify", uln, "--given", "Łukasz", "--family", "Żółć", "--dob", "2001-01-01")
    assert code == 1
    assert "VRF7" in output


def test_update_merge_and_unmerge(cli: CliRunner) -> None:
    master = register(cli)
    linked = register(cli, "--set", "previous_family_name=Nowak", "--postcode", "B33 8TH")
    code, output = run(cli, "learners", "update", master, "--version", "1", "--set", "town=Manchester", "--json")
    assert (code, json.loads(output)["version"]) == (0, 2)
    assert run(cli, "learners", "update", master, "--version", "1", "--set", "town=Salford")[0] == 4
    assert run(cli, "learners", "merge", master, linked)[0] == 0
    code, output = run(cli, "learners", "show", linked, "--json")
    assert json.loads(output)["code"] == "WSRC0022"
    assert run(cli, "learners", "unmerge", linked)[0] == 0
    code, output = run(cli, "learners", "merges", "--from", "2000-01-01")
    assert output.count(linked) == 2


def test_orgs_create_prints_a_key_once(cli: CliRunner) -> None:
    code, output = run(cli, "orgs", "create", "--ukprn", "10099999", "--name", "Hilltop Academy")
    assert code == 0
    assert output.strip().splitlines()[-1].startswith("lr_")
    assert run(cli, "orgs", "create", "--ukprn", "10099999", "--name", "Again")[0] == 4
    assert run(cli, "orgs", "create", "--ukprn", "1", "--name", "Bad")[0] == 2


def test_db_upgrade_creates_a_new_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "new" / "register.sqlite3"
    env = {**os.environ, "LEARNER_RECORDS_DATABASE_URL": f"sqlite:///{path}"}
    result = subprocess.run([*CLI, "db", "upgrade"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert path.exists()
