from __future__ import annotations

import csv
import io
import time
from pathlib import Path

from typer.testing import CliRunner

from learner_records.domain.batches import registration_headings, verification_headings

from .conftest import LiveServer, run

PEOPLE = [
    ("M1", "Amara", "Okafor", "2010-05-06", "2", "M1 1AE"),
    ("M2", "Dafydd", "Evans", "2009-11-30", "1", "CF10 1EP"),
    ("M3", "Zofia", "Nowak", "2008-02-14", "2", "LS1 4AP"),
]


def registration_file(path: Path, ukprn: str = "10000001", version: str = "2A", extra: list[list[str]] = ()) -> Path:  # type: ignore[assignment]
    names = registration_headings(version)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([version, "spring intake", ukprn])
        writer.writerow(names)
        for mis, given, family, born, gender, postcode in PEOPLE:
            row = {"MISIdentifier": mis, "GivenName": given, "FamilyName": family, "DateOfBirth": born,
                   "Gender": gender, "LastKnownPostCode": postcode, "AbilityToShare": "1",
                   "PrivacyNoticeSeen": "1"}  # fmt: skip
            writer.writerow([row.get(name, "") for name in names])
        for line in extra:
            writer.writerow(line)
    return path


def verification_file(path: Path, rows: list[tuple[str, str, str]], ukprn: str = "10000001") -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["2A", "checks", ukprn])
        writer.writerow(verification_headings("2A"))
        for number, (uln, given, family) in enumerate(rows, start=1):
            writer.writerow([str(number), uln, family, given, "", ""])
    return path


def flat(output: str) -> str:
    """The CLI's output with the terminal's line wrapping undone."""
    return " ".join(output.split())


def read_output(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_the_cli_imports_a_file_writes_the_output_beside_it_then_verifies_the_ulns(
    cli: CliRunner, tmp_path: Path
) -> None:
    code, output = run(cli, "orgs", "create", "--ukprn", "10000001", "--name", "Northfield School")
    assert code == 0, output
    source = registration_file(tmp_path / "LRB_10000001_011220260900.CSV", extra=[["M4", "", "Only", "two"]])
    code, output = run(cli, "learners", "import", str(source), "--ukprn", "10000001", "--user", "office")
    assert code == 0, output
    assert "new ULNs: 3" in output and "rejected: 1" in output
    rows = read_output(tmp_path / "LRB_10000001_011220260900.output.csv")
    assert [(r["MISIdentifier"], r["ReturnCode"]) for r in rows] == [("M1", "WSRC0005"), ("M2", "WSRC0005"),
                                                                     ("M3", "WSRC0005"), ("M4", "RC011")]  # fmt: skip
    assert rows[0]["GivenName"] == "Amara" and len(rows[0]["ReturnedULN"]) == 10
    assert rows[3]["Message"] == "line: has 4 values (one value for each heading on line 2)"

    code, output = run(cli, "learners", "import", str(source), "--ukprn", "10000001", "--type", "CHK")
    assert code == 0, output
    again = read_output(tmp_path / "LRB_10000001_011220260900.output.csv")
    assert [r["ReturnCode"] for r in again] == ["WSRC0004", "WSRC0004", "WSRC0004", "RC011"]
    assert [r["ReturnedULN"] for r in again[:3]] == [r["ReturnedULN"] for r in rows[:3]]

    checks = verification_file(tmp_path / "checks.csv", [(rows[0]["ReturnedULN"], "Amara", "Okafor"),
                                                         (rows[1]["ReturnedULN"], "Gareth", "Evans")])  # fmt: skip
    code, output = run(cli, "learners", "verify", str(checks), "--ukprn", "10000001")
    assert code == 0, output
    verified = read_output(tmp_path / "checks.output.csv")
    assert [(r["ResponseCode"], r["RegisterGivenName"], r["FailureFlags"]) for r in verified] == [
        ("WSVRC001", "Amara", ""),
        ("WSVRC005", "Dafydd", "VRF1 VRF2"),
    ]
    code, output = run(cli, "learners", "verify", rows[0]["ReturnedULN"], "--given", "Amara", "--family", "Okafor")
    assert code == 0 and "WSVRC001" in flat(output)


def test_the_cli_refuses_a_file_with_a_wrong_header_naming_the_field(cli: CliRunner, tmp_path: Path) -> None:
    run(cli, "orgs", "create", "--ukprn", "10000001", "--name", "Northfield School")
    wrong_version = registration_file(tmp_path / "a.csv", version="2A")
    text = wrong_version.read_text(encoding="utf-8").replace("2A,", "4B,", 1)
    wrong_version.write_text(text, encoding="utf-8")
    code, output = run(cli, "learners", "import", str(wrong_version), "--ukprn", "10000001")
    assert code == 2 and "FileVersion: '4B' is not a known file version" in flat(output)
    lower = tmp_path / "b.csv"
    lower.write_text("2A,x,10000001\nmisidentifier,ULN\n", encoding="utf-8")
    code, output = run(cli, "learners", "import", str(lower), "--ukprn", "10000001")
    assert code == 2 and "column 1 is 'misidentifier' where 'MISIdentifier' belongs" in flat(output)
    other = registration_file(tmp_path / "c.csv", ukprn="10000009")
    code, output = run(cli, "learners", "import", str(other), "--ukprn", "10000001")
    assert code == 2 and "UKPRN: 10000009 is not the submitting organisation's UKPRN" in flat(output)
    code, output = run(cli, "learners", "verify", str(tmp_path / "missing.csv"), "--ukprn", "10000001")
    assert code == 2 and "does not exist" in flat(output)
    assert not (tmp_path / "a.output.csv").exists()


def test_rest_uploads_a_file_polls_the_job_and_downloads_its_output(server: LiveServer, tmp_path: Path) -> None:
    school = server.client("school")
    source = registration_file(tmp_path / "intake.csv", version="3A")
    with source.open("rb") as upload:
        answer = school.post("/api/v1/batches/registration", files={"file": ("intake.csv", upload, "text/csv")},
                             data={"job_type": "FUL"})  # fmt: skip
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert (job["kind"], job["job_type"], job["file_version"], job["number_of_records"]) == ("registration", "FUL",
                                                                                            "3A", 3)  # fmt: skip
    deadline = time.monotonic() + 10
    while job["status"] != "Successful" and time.monotonic() < deadline:
        time.sleep(0.05)
        job = school.get(f"/api/v1/batches/{job['job_id']}").json()
    assert job["counters"] == {"new": 3, "exists": 0, "possible_match": 0, "not_found": 0, "rejected": 0}
    assert job["rows_done"] == 3
    output = school.get(f"/api/v1/batches/{job['job_id']}/output")
    assert output.status_code == 200 and output.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(output.text)))
    assert list(rows[0])[-4:] == ["ReturnCode", "ReturnedULN", "PossibleMatchULNs", "Message"]
    assert "PrivacyNoticeSeen" in rows[0] and [r["ReturnCode"] for r in rows] == ["WSRC0005"] * 3
    page = school.get(f"/api/v1/batches/{job['job_id']}/results", params={"offset": 1, "limit": 1}).json()
    assert [(r["row_number"], r["sent"]["GivenName"], r["uln"]) for r in page] == [
        (2, "Dafydd", rows[1]["ReturnedULN"])
    ]

    unknown = server.client("awarding").get(f"/api/v1/batches/{job['job_id']}")
    assert unknown.status_code == 404 and unknown.json()["code"] == "WSRC0018"
    refused = school.post("/api/v1/batches/verification", files={"file": ("x.csv", b"2A,x\n", "text/csv")})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "header"


def test_a_200_learner_verification_batch_is_finished_well_within_a_second(server: LiveServer, tmp_path: Path) -> None:
    school = server.client("school")
    source = registration_file(tmp_path / "intake.csv")
    with source.open("rb") as upload:
        job = school.post("/api/v1/batches/registration", files={"file": ("intake.csv", upload, "text/csv")}).json()
    while job["status"] != "Successful":
        time.sleep(0.05)
        job = school.get(f"/api/v1/batches/{job['job_id']}").json()
    registered = school.get(f"/api/v1/batches/{job['job_id']}/results").json()
    learners = [(r["uln"], r["sent"]["GivenName"], r["sent"]["FamilyName"]) for r in registered]
    checks = verification_file(tmp_path / "checks.csv", (learners * 67)[:200])
    started = time.monotonic()
    with checks.open("rb") as upload:
        job = school.post("/api/v1/batches/verification", files={"file": ("checks.csv", upload, "text/csv")}).json()
    while job["status"] != "Successful" and time.monotonic() - started < 5:
        time.sleep(0.01)
        job = school.get(f"/api/v1/batches/{job['job_id']}").json()
    elapsed = time.monotonic() - started
    assert job["counters"]["WSVRC001"] == 200
    assert elapsed < 1.0, f"{elapsed:.2f} s"
