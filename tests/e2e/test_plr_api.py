from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from learner_records.domain.access import Actor

from .conftest import LiveServer

CATALOGUE_CSV = (
    "reference,title,qualification_type,level,credits,awarding_organisation_name,awarding_organisation_ukprn,"
    "regulated,grades\n"
    "601/8675/3,Certificate in Digital Skills,Certificate,Level 2,13,Northgate Awards,10000002,yes,"
    "Pass|Merit|Distinction\n"
    "K/501/5773,Health and safety,Unit,Level 1,2,Northgate Awards,10000002,yes,Achieved\n"
    "bad/ref,Broken row,Unit,Level 1,2,Northgate Awards,10000002,yes,Achieved\n"
)


@pytest.fixture
def learner(server: LiveServer) -> dict[str, Any]:
    imported = server.client("admin").post("/api/v1/qualifications", files={"file": ("catalogue.csv", CATALOGUE_CSV)})
    assert imported.json()["saved"] == 2
    assert imported.json()["errors"][0]["row"] == 3
    body = {"given_name": "Łukasz", "family_name": "Żółć", "date_of_birth": "2008-09-01", "gender": 1,
            "postcode": "M1 1AE", "ability_to_share": 1}  # fmt: skip
    learner: dict[str, Any] = server.client("school").post("/api/v1/learners", json=body).json()["learner"]
    return learner


def achievement(learner: dict[str, Any], **changes: Any) -> dict[str, Any]:
    row = {"Uln": learner["uln"], "GivenName": "Łukasz", "FamilyName": "Żółć", "ProviderUkprn": "10000001",
           "UnitOrQualificationReferenceNumber": "601/8675/3", "AchievementAwardDate": "2026-07-01",
           "Grade": "Merit", "Action": 1}  # fmt: skip
    row.update(changes)
    return row


def finished(client: httpx.Client, job_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/v1/achievement-jobs/{job_id}").json()
        if job["status"] in ("Successful", "Failed"):
            return job
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def plr_query(learner: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"uln": learner["uln"], "given_name": "Łukasz", "family_name": "Żółć", **changes}


def test_an_achievement_job_runs_in_the_background_and_reaches_the_plr(
    server: LiveServer, learner: dict[str, Any]
) -> None:
    ao = server.client("awarding")
    accepted = ao.post("/api/v1/achievement-jobs", json={"achievements": [
        achievement(learner), achievement(learner, Uln="1000000043")]})
    assert accepted.status_code == 202
    job = finished(ao, accepted.json()["job_id"])
    assert (job["achievements_created"], job["learner_data_errors"], job["percentage_successful_records"]) == (
        1, 1, 50.0)
    errors = ao.get(f"/api/v1/achievement-jobs/{job['job_id']}/errors")
    assert errors.headers["content-type"].startswith("text/csv")
    assert "1000000043" in errors.text and "WSVRC006" in errors.text
    plr = server.client("school").post("/api/v1/plr", json=plr_query(learner)).json()
    assert plr["code"] == "WSRC0004"
    assert [(e["subject_code"], e["grade"], e["status"]) for e in plr["events"]] == [("601/8675/3", "Merit", "F")]
    brief = server.client("school").post("/api/v1/plr", json=plr_query(learner, view="BRIEF")).json()
    assert brief["events"][0]["status"] is None and brief["events"][0]["grade"] == "Merit"


def test_a_csv_file_of_achievements_is_accepted_and_sent_twice_is_one_job(
    server: LiveServer, learner: dict[str, Any]
) -> None:
    header = (
        "Uln,GivenName,FamilyName,ProviderUkprn,UnitOrQualificationReferenceNumber,AchievementAwardDate,Grade,Action"
    )
    content = f"{header}\n{learner['uln']},Łukasz,Żółć,10000001,K/501/5773,2026-06-30,Achieved,1\n"
    ao = server.client("awarding")
    first = ao.post("/api/v1/achievement-jobs/file", files={"file": ("results.csv", content.encode())}).json()
    second = ao.post("/api/v1/achievement-jobs/file", files={"file": ("results.csv", content.encode())}).json()
    assert (first["created"], second["created"], second["job_id"]) == (True, False, first["job_id"])
    assert finished(ao, first["job_id"])["achievements_created"] == 1
    bad = ao.post("/api/v1/achievement-jobs/file", files={"file": ("x.csv", b"Uln,GivenName\n1,2\n")})
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "header")


def test_a_plr_read_with_wrong_names_is_404_wsec0208(server: LiveServer, learner: dict[str, Any]) -> None:
    response = server.client("school").post("/api/v1/plr", json=plr_query(learner, given_name="Jan"))
    assert (response.status_code, response.json()["code"]) == (404, "WSEC0208")


def test_a_learner_who_will_not_share_is_403_wsec0206(server: LiveServer, learner: dict[str, Any]) -> None:
    school = server.client("school")
    update = {key: learner[key] for key in ("given_name", "family_name", "date_of_birth", "gender", "postcode")}
    school.put(f"/api/v1/learners/{learner['uln']}", json={**update, "ability_to_share": 2, "version": 1})
    response = school.post("/api/v1/plr", json=plr_query(learner))
    assert (response.status_code, response.json()["code"]) == (403, "WSEC0206")


def test_the_plr_downloads_as_a_pdf(server: LiveServer, learner: dict[str, Any]) -> None:
    response = server.client("school").post("/api/v1/plr/pdf", json=plr_query(learner))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_audit_shows_who_looked(server: LiveServer, learner: dict[str, Any], operator: Actor) -> None:
    server.client("school").post("/api/v1/plr", json=plr_query(learner))
    audit = server.client("school").post("/api/v1/plr/audit", json=plr_query(learner)).json()
    assert [(e["action"], e["organisation"], e["user"]) for e in audit["entries"]][:2] == [
        ("read_plr", "school organisation", "school-user"), ("register", "school organisation", "school-user")]


def test_a_challenge_is_answered_by_the_awarding_body(server: LiveServer, learner: dict[str, Any]) -> None:
    ao, school = server.client("awarding"), server.client("school")
    finished(ao, ao.post("/api/v1/achievement-jobs", json={"achievements": [achievement(learner)]}).json()["job_id"])
    event = school.post("/api/v1/plr", json=plr_query(learner)).json()["events"][0]
    raised = school.post("/api/v1/challenges", json={"event_id": event["id"], "reason": "It was a Distinction"})
    assert raised.status_code == 201
    challenge = raised.json()
    assert school.post("/api/v1/plr", json=plr_query(learner)).json()["events"][0]["under_data_challenge"] is True
    assert [c["id"] for c in ao.get("/api/v1/challenges", params={"status": "open"}).json()] == [challenge["id"]]
    assert school.post(f"/api/v1/challenges/{challenge['id']}/accept", json={"reason": "x", "grade": "Pass"}
                       ).status_code == 403  # fmt: skip
    accepted = ao.post(f"/api/v1/challenges/{challenge['id']}/accept",
                       json={"reason": "Re-marked", "grade": "Distinction"})  # fmt: skip
    assert accepted.json()["status"] == "accepted"
    event = school.post("/api/v1/plr", json=plr_query(learner)).json()["events"][0]
    assert (event["grade"], event["under_data_challenge"]) == ("Distinction", False)
