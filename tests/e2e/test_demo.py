"""`learner-records demo`: what `make run` seeds on a fresh clone."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from learner_records.entrypoints.cli import context as cli_context

from .conftest import run


def test_the_demo_seeds_organisations_with_working_credentials_once(cli: CliRunner, tmp_path: Path) -> None:
    credentials = tmp_path / "demo-credentials.txt"
    code, output = run(cli, "demo", "--credentials", str(credentials))
    assert code == 0, output
    assert "10 demo learners registered" in output
    written = credentials.read_text()
    password = re.search(r"Riverside College .*?OrgPassword (\S{16})", written, re.S)
    assert password is not None
    college = cli_context.services().organisations.authenticate_password("10012345", None, password.group(1), "me")
    assert college.ukprn == "10012345"
    again, output = run(cli, "demo", "--credentials", str(credentials))
    assert (again, "0 demo learners registered" in output, "exist already" in output) == (0, True, True)
    assert credentials.read_text() == written
    assert credentials.stat().st_mode & 0o077 == 0
