"""The awarding workflow end to end over HTTP: registration, validation, result, PLR upload and read-back,
certificate PDF, and the public check its QR code leads to."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from .conftest import LiveServer

CATALOGUE = (
    "reference,title,qualification_type,level,credits,awarding_organisation_name,awarding_organisation_ukprn,"
    "regulated,grades\n601/8675/3,Certificate in Digital Skills,Certificate,Level 2,13,Northgate Awards,10000002,"
    "yes,Pass|Merit|Distinction\n"
)


def eventually(check: Any, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError("never happened")


def test_from_registration_to_a_certificate_checked_by_its_qr_code(server: LiveServer, tmp_path: Path) -> None:
    server.client("admin").post("/api/v1/qualifications", files={"file": ("c.csv", CATALOGUE)})
    learner = (
        server.client("school")
        .post(
            "/api/v1/learners",
            json={
                "given_name": "Siobhán",
                "family_name": "Ó Briain",
                "date_of_birth": "2009-04-17",
                "gender": 2,
                "postcode": "CV4 9EE",
                "ability_to_share": 1,
            },
        )
        .json()["learner"]
    )
    ao = server.client("awarding")
    centre = ao.post(
        "/api/v1/awarding/centres", json={"centre_number": "C1", "name": "Riverside College", "ukprn": "10000001"}
    ).json()
    ao.post(f"/api/v1/awarding/centres/{centre['id']}/qualifications", json={"references": ["601/8675/3"]})
    registration = ao.post(
        f"/api/v1/awarding/centres/{centre['id']}/registrations",
        json={
            "qualification_reference": "601/8675/3",
            "given_name": "Siobhán",
            "family_name": "Ó Briain",
            "date_of_birth": "2009-04-17",
            "gender": "2",
            "uln": learner["uln"],
        },
    ).json()
    no_uln = ao.post(
        f"/api/v1/awarding/centres/{centre['id']}/registrations",
        json={
            "qualification_reference": "601/8675/3",
            "given_name": "Tomás",
            "family_name": "Ó Briain",
            "date_of_birth": "2009-04-17",
            "gender": "1",
        },
    ).json()
    ao.post("/api/v1/awarding/validate")
    for rid in (registration["id"], no_uln["id"]):
        assert (
            ao.post(
                f"/api/v1/awarding/registrations/{rid}/result",
                json={"grade": "Distinction", "award_date": "2026-07-01"},
            ).status_code
            == 200
        )
    certified = ao.post("/api/v1/awarding/certify", json={"registration_ids": [registration["id"], no_uln["id"]]})
    statuses = {r["id"]: (r["certification_status"], r["certification_reason"]) for r in certified.json()}
    assert statuses == {registration["id"]: ("sent", None), no_uln["id"]: ("not_sent", "no ULN")}

    def confirmed() -> bool:
        answer = ao.post("/api/v1/awarding/confirm", json={"registration_ids": [registration["id"]]}).json()
        return bool(answer) and answer[0]["certification_status"] == "confirmed"

    eventually(confirmed)
    plr = (
        server.client("school")
        .post("/api/v1/plr", json={"uln": learner["uln"], "given_name": "Siobhán", "family_name": "Ó Briain"})
        .json()
    )
    assert [(e["subject_code"], e["grade"]) for e in plr["events"]] == [("601/8675/3", "Distinction")]

    response = ao.post(f"/api/v1/awarding/registrations/{registration['id']}/certificate")
    assert response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Siobhán Ó Briain" in text and "Distinction" in text and learner["uln"] in text
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    page = next(tmp_path.glob("page*.png"))
    url = subprocess.run(
        ["zbarimg", "--raw", "-q", str(page)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert url == f"http://127.0.0.1:8000/verify/{response.headers['x-certificate-id']}"
    check = httpx.get(url.replace("http://127.0.0.1:8000", server.url))
    assert check.status_code == 200
    assert "This certificate is genuine" in check.text and "Siobhán Ó Briain" in check.text
    assert "ULN validated against the register" in check.text and learner["uln"] not in check.text

    other = ao.post(f"/api/v1/awarding/registrations/{no_uln['id']}/certificate")
    other_pdf = tmp_path / "other.pdf"
    other_pdf.write_bytes(other.content)
    other_text = subprocess.run(["pdftotext", str(other_pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Tomás Ó Briain" in other_text and "ULN" not in other_text.replace("ULN validated", "")

    reissued = ao.post(f"/api/v1/awarding/registrations/{registration['id']}/certificate")
    old = httpx.get(f"{server.url}/verify/{response.headers['x-certificate-id']}")
    assert "replaced by a corrected one" in old.text
    ao.post(
        f"/api/v1/awarding/registrations/{registration['id']}/certificate/revoke",
        json={"reason": "The achievement was withdrawn"},
    )
    revoked = httpx.get(f"{server.url}/verify/{reissued.headers['x-certificate-id']}")
    assert "has been revoked" in revoked.text and "The achievement was withdrawn" in revoked.text
    assert httpx.get(f"{server.url}/verify/not-a-certificate").status_code == 404


def test_withdrawing_an_award_takes_it_off_the_plr_and_revokes_the_certificate(server: LiveServer) -> None:
    server.client("admin").post("/api/v1/qualifications", files={"file": ("c.csv", CATALOGUE)})
    learner = (
        server.client("school")
        .post(
            "/api/v1/learners",
            json={
                "given_name": "Zoë",
                "family_name": "Brontë",
                "date_of_birth": "2008-02-29",
                "gender": 2,
                "postcode": "BD22 8DR",
                "ability_to_share": 1,
            },
        )
        .json()["learner"]
    )
    ao = server.client("awarding")
    centre = ao.post("/api/v1/awarding/centres", json={"centre_number": "C9", "name": "Haworth School"}).json()
    ao.post(f"/api/v1/awarding/centres/{centre['id']}/qualifications", json={"references": ["601/8675/3"]})
    registration = ao.post(
        f"/api/v1/awarding/centres/{centre['id']}/registrations",
        json={
            "qualification_reference": "601/8675/3",
            "given_name": "Zoë",
            "family_name": "Brontë",
            "date_of_birth": "2008-02-29",
            "gender": "2",
            "uln": learner["uln"],
        },
    ).json()
    ao.post("/api/v1/awarding/validate")
    ao.post(
        f"/api/v1/awarding/registrations/{registration['id']}/result",
        json={"grade": "Merit", "award_date": "2026-07-01"},
    )
    ao.post("/api/v1/awarding/certify", json={"registration_ids": [registration["id"]]})
    query = {"uln": learner["uln"], "given_name": "Zoë", "family_name": "Brontë"}
    school = server.client("school")
    eventually(lambda: school.post("/api/v1/plr", json=query).json()["events"])
    issued = ao.post(f"/api/v1/awarding/registrations/{registration['id']}/certificate")
    withdrawn = ao.post(
        f"/api/v1/awarding/registrations/{registration['id']}/withdraw",
        json={"reason": "Malpractice found at moderation"},
    ).json()
    assert withdrawn["certification_status"] == "withdrawn"
    eventually(lambda: school.post("/api/v1/plr", json=query).json()["events"] == [])
    check = httpx.get(f"{server.url}/verify/{issued.headers['x-certificate-id']}")
    assert "has been revoked" in check.text and "Malpractice found at moderation" in check.text
