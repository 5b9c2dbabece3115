from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from typer.testing import CliRunner

from learner_records.entrypoints.cli import context as cli_context
from learner_records.services.awarding_ports import Centre

from .conftest import run

CATALOGUE = (
    "reference,title,qualification_type,level,credits,awarding_organisation_name,awarding_organisation_ukprn,"
    "regulated,grades\n"
    "601/8675/3,Certificate in Digital Skills,Certificate,Level 2,13,Northgate Awards,10090001,yes,Pass|Merit\n"
    "601/86753,Broken,Certificate,Level 2,13,Northgate Awards,10090001,yes,Pass\n"
)
ACHIEVEMENTS_HEADER = "Uln,GivenName,FamilyName,ProviderUkprn,UnitOrQualificationReferenceNumber,AchievementAwardDate,"


def test_the_plr_journey_from_the_command_line(cli: CliRunner, tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    code, output = run(cli, "qualifications", "import", str(catalogue))
    assert code == 1 and "saved 1" in output and "row 2: reference" in output
    assert run(cli, "orgs", "create", "--ukprn", "10090001", "--name", "Northgate Awards",
               "--kind", "awarding_organisation")[0] == 0  # fmt: skip
    code, output = run(cli, "learners", "register", "--given", "Zoë", "--family", "Brontë", "--dob", "2008-02-29",
                       "--gender", "2", "--postcode", "BD22 8DR", "--json")  # fmt: skip
    uln = json.loads(output)["uln"]
    results = tmp_path / "results.csv"
    results.write_text(
        ACHIEVEMENTS_HEADER + "Grade,Action\n"
        f"{uln},Zoë,Brontë,10090001,601/8675/3,2026-07-01,Merit,1\n"
        f"{uln},Zoe,Bronte,10090001,601/8675/3,2026-07-01,Distinction,1\n",
        encoding="utf-8",
    )
    code, output = run(cli, "achievements", "submit", str(results), "--ukprn", "10090001")
    assert code == 0, output
    assert "created: 1" in output and "field data errors: 1" in output
    code, output = run(cli, "plr", "show", uln, "--given", "Zoë", "--family", "Brontë")
    assert code == 0 and "601/8675/3" in output and "Merit" in output
    errors = tmp_path / "errors.csv"
    assert run(cli, "achievements", "job", "1", "--errors", str(errors))[0] == 0
    assert "grade scheme" in errors.read_text(encoding="utf-8")
    assert run(cli, "plr", "show", uln, "--given", "Anne", "--family", "Brontë")[0] == 3


def test_the_awarding_journey_from_the_command_line(cli: CliRunner, tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    run(cli, "qualifications", "import", str(catalogue))
    run(cli, "orgs", "create", "--ukprn", "10090001", "--name", "Northgate Awards", "--kind", "awarding_organisation")
    code, output = run(cli, "learners", "register", "--given", "Zoë", "--family", "Brontë", "--dob", "2008-02-29",
                       "--gender", "2", "--postcode", "BD22 8DR", "--json")  # fmt: skip
    uln = json.loads(output)["uln"]
    with cli_context.services().uow(write=True) as uow:
        centre_id = uow.centres.add(Centre(0, 1, "C1", "Haworth School", None, True, None))
        uow.centres.offer(centre_id, ["601/8675/3"])
        uow.commit()
    registrations = tmp_path / "registrations.csv"
    registrations.write_text(
        "qualification_reference,given_name,family_name,date_of_birth,gender,uln\n"
        f"601/8675/3,Zoe,Bronte,2008-02-28,2,{uln}\n601/8675/3,Anne,Brontë,2008-02-30,2,\n",
        encoding="utf-8",
    )
    code, output = run(cli, "awarding", "register", str(registrations), "--ao", "10090001", "--centre", "C1")
    assert code == 1 and "registered 1" in output and "row 3 (field): date_of_birth" in output
    assert "validated 0, new anomalies 1" in run(cli, "awarding", "validate", "--ao", "10090001")[1]
    code, output = run(cli, "awarding", "anomalies", "--ao", "10090001", "--json")
    (anomaly,) = json.loads(output)
    assert anomaly["days_left"] == 28
    code, output = run(cli, "awarding", "resolve", str(anomaly["id"]), "--ao", "10090001")
    assert code == 0 and "validated" in output
    assert "removed 0 ULNs" in run(cli, "awarding", "sweep")[1]
    results = tmp_path / "results.csv"
    results.write_text("registration_id,grade,award_date\n1,Merit,2026-07-01\n1,A*,2026-07-01\n", encoding="utf-8")
    code, output = run(cli, "awarding", "results", str(results), "--ao", "10090001")
    assert code == 1 and "row 3" in output and "grade scheme" in output
    code, output = run(cli, "awarding", "certify", "1", "--ao", "10090001")
    assert "registration 1: sent" in output
    run(cli, "achievements", "work")
    assert "registration 1: confirmed" in run(cli, "awarding", "confirm", "1", "--ao", "10090001")[1]
    pdf = tmp_path / "certificate.pdf"
    code, output = run(cli, "awarding", "certificate", "1", "--ao", "10090001", "--out", str(pdf))
    assert code == 0 and pdf.read_bytes().startswith(b"%PDF") and "/verify/" in output


def test_the_demo_catalogue_loads_from_the_command_line(cli: CliRunner) -> None:
    shipped = resources.files("learner_records.data").joinpath("qualifications.csv").read_text(encoding="utf-8")
    code, output = run(cli, "qualifications", "demo")
    assert code == 0 and f"saved {len(shipped.strip().splitlines()) - 1} catalogue entries" in output
