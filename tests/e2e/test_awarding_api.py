from __future__ import annotations

import time
from typing import Any

import httpx

from .conftest import LiveServer

CATALOGUE = (
    "reference,title,qualification_type,level,credits,awarding_organisation_name,awarding_organisation_ukprn,"
    "regulated,grades\n601/8675/3,Certificate in Digital Skills,Certificate,Level 2,13,Northgate Awards,10000002,"
    "yes,Pass|Merit\n"
)


def wait_for(client: httpx.Client, path: str, ready: Any) -> Any:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        body = client.get(path).json()
        if ready(body):
            return body
        time.sleep(0.1)
    raise AssertionError(f"{path} never became ready")


def test_registration_is_validated_in_the_background_and_an_anomaly_is_fixed(server: LiveServer) -> None:
    server.client("admin").post("/api/v1/qualifications", files={"file": ("c.csv", CATALOGUE)})
    learner = (
        server.client("school")
        .post(
            "/api/v1/learners",
            json={
                "given_name": "Aoife",
                "family_name": "Murphy-Byrne",
                "date_of_birth": "2009-05-01",
                "gender": 2,
                "postcode": "BT1 1AA",
                "ability_to_share": 1,
            },
        )
        .json()["learner"]
    )
    ao = server.client("awarding")
    centre = ao.post(
        "/api/v1/awarding/centres",
        json={"centre_number": "C042", "name": "Lagan College", "contact_email": "exams@lagan.test"},
    ).json()
    assert (
        ao.post(
            f"/api/v1/awarding/centres/{centre['id']}/qualifications", json={"references": ["601/8675/3"]}
        ).status_code
        == 204
    )
    sent = {
        "qualification_reference": "601/8675/3",
        "given_name": "Aoife",
        "family_name": "Byrne",
        "date_of_birth": "2009-05-01",
        "gender": "2",
        "uln": learner["uln"],
        "candidate_reference": "L-1",
    }
    created = ao.post(f"/api/v1/awarding/centres/{centre['id']}/registrations", json=sent)
    assert (created.status_code, created.json()["uln_state"]) == (201, "pending")
    anomalies = wait_for(ao, "/api/v1/awarding/anomalies", lambda body: len(body) == 1)
    anomaly = anomalies[0]
    assert anomaly["kind"] == "similar" and anomaly["days_left"] == 28
    assert "The register has family name Murphy-Byrne; you sent Byrne" in [p["words"] for p in anomaly["problems"]]
    fixed = ao.post(f"/api/v1/awarding/anomalies/{anomaly['id']}/resolve", json={"action": "accept_fix"}).json()
    assert (fixed["uln_state"], fixed["family_name"]) == ("validated", "Murphy-Byrne")
    assert ao.get("/api/v1/awarding/anomalies").json() == []


def test_a_file_of_registrations_reports_each_bad_row(server: LiveServer) -> None:
    server.client("admin").post("/api/v1/qualifications", files={"file": ("c.csv", CATALOGUE)})
    ao = server.client("awarding")
    centre = ao.post("/api/v1/awarding/centres", json={"centre_number": "C7", "name": "Hilltop"}).json()
    ao.post(f"/api/v1/awarding/centres/{centre['id']}/qualifications", json={"references": ["601/8675/3"]})
    content = (
        "qualification_reference,given_name,family_name,date_of_birth,gender,uln\n"
        "601/8675/3,Ann,Lee,2009-01-02,2,\n601/8675/3,Bob,,2009-01-02,1,\n601/8675/3,Ann,Lee,2009-01-02,2,\n"
    )
    report = ao.post(
        f"/api/v1/awarding/centres/{centre['id']}/registrations/file", files={"file": ("regs.csv", content)}
    ).json()
    assert len(report["registered"]) == 1
    assert [(p["row"], p["stage"], p["field"]) for p in report["problems"]] == [
        (3, "field", "family_name"),
        (4, "file", "given_name"),
    ]


def test_a_school_cannot_use_the_awarding_api(server: LiveServer) -> None:
    response = server.client("school").post("/api/v1/awarding/centres", json={"centre_number": "X", "name": "Y"})
    assert (response.status_code, response.json()["code"]) == (403, "WSEC0006")
