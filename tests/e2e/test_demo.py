"""`learner-records demo`: what `make run` seeds on a fresh clone."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from learner_records.domain.awarding import AnomalyKind
from learner_records.domain.users import Role
from learner_records.entrypoints.cli import context as cli_context
from learner_records.entrypoints.cli.context import operator
from learner_records.entrypoints.cli.demo import PEOPLE

from .conftest import run


def test_the_demo_seeds_organisations_with_working_credentials_once(cli: CliRunner, tmp_path: Path) -> None:
    credentials = tmp_path / "demo-credentials.txt"
    code, output = run(cli, "demo", "--credentials", str(credentials), "--learners", "400")
    assert code == 0, output
    assert "10 demo learners registered" in output
    written = credentials.read_text()
    password = re.search(r"Riverside College .*?OrgPassword (\S{16})", written, re.S)
    assert password is not None
    college = cli_context.services().organisations.authenticate_password("10012345", None, password.group(1), "me")
    assert college.ukprn == "10012345"
    again, output = run(cli, "demo", "--credentials", str(credentials), "--learners", "400")
    assert (again, "0 demo learners registered" in output, "exist already" in output) == (0, True, True)
    assert "0 generated learners registered, 0 achievements sent" in output
    assert credentials.read_text() == written
    assert credentials.stat().st_mode & 0o077 == 0


def test_the_demo_has_a_person_for_every_role_and_an_awarding_side_in_every_state(
    cli: CliRunner, tmp_path: Path
) -> None:
    credentials = tmp_path / "demo-credentials.txt"
    code, output = run(cli, "demo", "--credentials", str(credentials), "--learners", "400")
    assert code == 0, output
    assert "400 generated learners registered" in output
    app = cli_context.services()
    written = credentials.read_text()
    assert {role for _, _, role, _ in PEOPLE} == set(Role)
    signed_in = {}
    for email, _, role, _ in PEOPLE:
        found = re.search(rf"email {re.escape(email)}\n  password (\S+)", written)
        assert found is not None, email
        signed_in[role] = app.users.sign_in(email, found.group(1))
        assert signed_in[role].role is role
    assert signed_in[Role.CENTRE_USER].centre_id is not None
    learner = signed_in[Role.LEARNER]
    assert learner.uln is not None and f"ULN {learner.uln}" in written
    with app.uow() as uow:
        assert len(uow.events.for_ulns([learner.uln])) >= 1  # the Northgate result on her PLR, at least

    body = app.organisations.acting_for(operator(), "10090001", "test")
    anomalies = app.awarding.anomalies(body)
    assert {view.stored.anomaly.kind for view in anomalies} >= {AnomalyKind.SIMILAR, AnomalyKind.NO_MATCH,
                                                              AnomalyKind.NOT_FOUND, AnomalyKind.BAD_CHECK_DIGIT,
                                                              AnomalyKind.LINKED}  # fmt: skip
    assert len({view.days_left for view in anomalies}) >= 4
    states = dict(re.findall(r"(validated|anomaly|removed|none) (\d+)", output.split("registrations by ULN state")[1]))
    assert set(states) == {"validated", "anomaly", "removed", "none"}
    assert int(states["anomaly"]) == len(anomalies)

    link = re.search(r"a certificate to check: \S+/verify/(\S+)", output)
    assert link is not None
    check = app.certification.check(link.group(1))
    assert check is not None and check.status == "valid" and check.uln_validated

