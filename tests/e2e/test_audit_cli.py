"""`audit verify`: exit 0 with the count and the head when the access log is intact, 1 naming the broken row."""

from __future__ import annotations

import re

from sqlalchemy import text
from typer.testing import CliRunner

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor
from tests.factories import details

from .conftest import run


def test_an_intact_log_exits_0_with_its_count_and_a_head_a_later_verify_checks_against(
    cli: CliRunner, services: Services, school: Actor
) -> None:
    uln = services.register.register(school, details()).uln
    services.register.find_by_uln(school, uln)
    code, output = run(cli, "audit", "verify")
    assert code == 0, output
    assert "access log intact: 2 entries" in output
    head = re.search(r"^head (\d+:[0-9a-f]{64})$", output, re.M)
    assert head is not None
    services.register.find_by_uln(school, uln)
    code, output = run(cli, "audit", "verify", "--anchor", head.group(1))
    assert (code, "intact: 3 entries, through the anchor" in output) == (0, True)


def test_a_changed_row_exits_1_naming_it(cli: CliRunner, services: Services, school: Actor) -> None:
    uln = services.register.register(school, details()).uln
    for _ in range(3):
        services.register.find_by_uln(school, uln)
    assert services.engine is not None
    with services.engine.begin() as connection:
        second = connection.execute(text("SELECT id FROM access_log ORDER BY id LIMIT 1 OFFSET 1")).scalar_one()
        connection.execute(text(f"UPDATE access_log SET at = at WHERE id = {second}"))  # untouched: still intact
        connection.execute(text(f"UPDATE access_log SET action = 'verify' WHERE id = {second}"))
    code, output = run(cli, "audit", "verify")
    assert code == 1
    assert f"access log broken at row {second}:" in " ".join(output.split())


def test_a_malformed_anchor_exits_2_naming_the_option(cli: CliRunner) -> None:
    code, output = run(cli, "audit", "verify", "--anchor", "12:not-a-hash")
    assert code == 2
    assert "--anchor" in output and "ID:HASH" in output
