"""Every CSV file the service hands out reaches a spreadsheet as text: batch output files (REST, portal, CLI) and
achievement error files (REST, SOAP, CLI), with values people sent that a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor
from learner_records.domain.batches import registration_headings
from learner_records.services.csv_output import FORMULA_STARTS, read_cell

from ..live_server import live_server
from .conftest import LiveServer, run
from .soap_clients import Soap
from .test_plr_api import CATALOGUE_CSV, achievement, finished
from .test_portal_organisation import _college, _upload
from .test_soap_r9_and_external import achievement as soap_achievement
from .test_soap_r9_and_external import finished as soap_finished
from .test_soap_r9_and_external import submit as soap_submit

FORMULAS = ['=HYPERLINK("http://x","click")', "+1", "-2+3", "@SUM(A1)"]
WHITESPACE_LED = ["\t=1+1", "\r=1+1"]  # kept by JSON; a CSV upload trims a cell's surrounding whitespace
PEOPLE = [("Amara", "Okafor", "2010-05-06", "2", "M1 1AE"), ("Dafydd", "Evans", "2009-11-30", "1", "CF10 1EP"),
          ("Zofia", "Nowak", "2008-02-14", "2", "LS1 4AP"), ("Ines", "Silva", "2009-07-21", "2", "B1 1AA")]  # fmt: skip


def cells_as_sent(text: str) -> list[dict[str, str]]:
    """The file's rows, after checking that no cell would start a formula; values as our readers read them."""
    rows = list(csv.reader(io.StringIO(text)))
    risky = [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]
    assert risky == []
    header, *body = rows
    return [{name: read_cell(cell) for name, cell in zip(header, row, strict=True)} for row in body]


def batch_file(ukprn: str) -> str:
    names = registration_headings("2A")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["2A", "formulas", ukprn])
    writer.writerow(names)
    for mis, (given, family, born, gender, postcode) in zip(FORMULAS, PEOPLE, strict=True):
        row = {"MISIdentifier": mis, "GivenName": given, "FamilyName": family, "DateOfBirth": born, "Gender": gender,
               "LastKnownPostCode": postcode, "AbilityToShare": "1", "PrivacyNoticeSeen": "1"}  # fmt: skip
        writer.writerow([row.get(name, "") for name in names])
    return out.getvalue()


def test_the_rest_batch_output_file_quotes_formulas_and_keeps_what_was_sent(server: LiveServer) -> None:
    school = server.client("school")
    sent = school.post("/api/v1/batches/registration", files={"file": ("f.csv", batch_file("10000001"), "text/csv")})
    job = sent.json()
    deadline = time.monotonic() + 20
    while job["status"] != "Successful" and time.monotonic() < deadline:
        time.sleep(0.05)
        job = school.get(f"/api/v1/batches/{job['job_id']}").json()
    output = school.get(f"/api/v1/batches/{job['job_id']}/output")
    assert output.status_code == 200
    rows = cells_as_sent(output.text)
    assert [(r["MISIdentifier"], r["ReturnCode"]) for r in rows] == [(mis, "WSRC0005") for mis in FORMULAS]
    assert '"\'=HYPERLINK(""http://x"",""click"")"' in output.text  # what a spreadsheet reads: text, quoted
    stored = school.get(f"/api/v1/batches/{job['job_id']}/results").json()
    assert [r["sent"]["MISIdentifier"] for r in stored] == FORMULAS


def test_the_portal_batch_output_file_quotes_formulas(services: Services, operator: Actor) -> None:
    with live_server(services, run_worker=False) as url:
        college = _college(services, operator, url)
        client = college.client("batch")
        sent = _upload(client, batch_file("10012345"))
        assert sent.status_code == 303, sent.text
        services.batches.run_pending()
        output = client.get(sent.headers["location"] + "/output")
        rows = cells_as_sent(output.text)
        assert [r["MISIdentifier"] for r in rows] == FORMULAS
        for made in college.clients:
            made.close()


def test_the_cli_batch_output_file_quotes_formulas(cli: CliRunner, tmp_path: Path) -> None:
    assert run(cli, "orgs", "create", "--ukprn", "10000001", "--name", "Northfield School")[0] == 0
    source = tmp_path / "formulas.csv"
    source.write_text(batch_file("10000001"), encoding="utf-8")
    code, output = run(cli, "learners", "import", str(source), "--ukprn", "10000001")
    assert code == 0, output
    rows = cells_as_sent((tmp_path / "formulas.output.csv").read_text(encoding="utf-8"))
    assert [(r["MISIdentifier"], r["ReturnCode"]) for r in rows] == [(mis, "WSRC0005") for mis in FORMULAS]


def _rejected_rows(payloads: list[str]) -> list[dict[str, Any]]:
    """Rows for a ULN no learner has, so that each is in the error file with its MIS identifier."""
    return [achievement({"uln": "1000000043"}, MisIdentifier=mis) for mis in payloads]


def test_the_rest_achievement_error_file_quotes_formulas_and_tabs(server: LiveServer) -> None:
    assert server.client("admin").post("/api/v1/qualifications", files={"file": ("c.csv", CATALOGUE_CSV)})
    ao = server.client("awarding")
    payloads = FORMULAS + WHITESPACE_LED
    accepted = ao.post("/api/v1/achievement-jobs", json={"achievements": _rejected_rows(payloads)})
    assert accepted.status_code == 202, accepted.text
    job = finished(ao, accepted.json()["job_id"])
    assert job["learner_data_errors"] == len(payloads)
    errors = ao.get(f"/api/v1/achievement-jobs/{job['job_id']}/errors")
    rows = cells_as_sent(errors.text)
    assert [(r["MisIdentifier"], r["Uln"]) for r in rows] == [(mis, "1000000043") for mis in payloads]


def test_the_soap_achievement_error_file_quotes_formulas(soap: Soap, server: LiveServer) -> None:
    rows = [soap_achievement("1000000043", MisIdentifier=mis) for mis in FORMULAS]
    done = soap_finished(soap, soap_submit(soap, rows).JobId)
    assert done.LearnerDataErrors == len(FORMULAS)
    assert [r["MisIdentifier"] for r in cells_as_sent(done.AchievementBatchErrorFile)] == FORMULAS


def test_the_cli_achievement_error_file_quotes_formulas(cli: CliRunner, tmp_path: Path) -> None:
    assert run(cli, "orgs", "create", "--ukprn", "10090001", "--name", "Northgate Awards",
               "--kind", "awarding_organisation")[0] == 0  # fmt: skip
    results = tmp_path / "results.csv"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Uln", "GivenName", "FamilyName", "ProviderUkprn", "UnitOrQualificationReferenceNumber",
                     "AchievementAwardDate", "Grade", "Action", "MisIdentifier"])  # fmt: skip
    for mis in FORMULAS:
        writer.writerow(["1000000043", "Zoë", "Brontë", "10090001", "601/8675/3", "2026-07-01", "Merit", "1", mis])
    results.write_text(out.getvalue(), encoding="utf-8")
    code, output = run(cli, "achievements", "submit", str(results), "--ukprn", "10090001")
    assert code == 0, output
    errors = tmp_path / "errors.csv"
    assert run(cli, "achievements", "job", "1", "--errors", str(errors))[0] == 0
    assert [r["MisIdentifier"] for r in cells_as_sent(errors.read_text(encoding="utf-8"))] == FORMULAS
