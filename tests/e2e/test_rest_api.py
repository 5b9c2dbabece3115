from __future__ import annotations

from typing import Any

from learner_records.domain import uln as uln_rules

from .conftest import LiveServer

SIOBHAN: dict[str, Any] = {
    "given_name": "Siobhán",
    "family_name": "Ó Briain",
    "date_of_birth": "2009-04-17",
    "gender": 2,
    "postcode": "CV4 9EE",
    "ability_to_share": 1,
}


def register(server: LiveServer, **changes: Any) -> dict[str, Any]:
    response = server.client("school").post("/api/v1/learners", json={**SIOBHAN, **changes})
    assert response.status_code == 201, response.text
    learner: dict[str, Any] = response.json()["learner"]
    return learner


def test_a_call_without_an_api_key_is_refused_with_401(server: LiveServer) -> None:
    response = server.client().get("/api/v1/learners/1026893096")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "WSEC0003"


def test_a_wrong_secret_is_refused_with_401_as_an_unknown_key_is(server: LiveServer) -> None:
    key = server.keys["school"]
    client = server.client()
    response = client.get("/api/v1/learners/1026893096", headers={"Authorization": f"Bearer {key[:-4]}beef"})
    unknown = client.get("/api/v1/learners/1026893096", headers={"Authorization": f"Bearer lr_000000000000_{'0' * 64}"})
    assert (response.status_code, response.json()["code"]) == (401, "WSEC0003")
    assert response.json() == unknown.json()


def test_registering_returns_a_new_valid_uln(server: LiveServer) -> None:
    response = server.client("school").post("/api/v1/learners", json=SIOBHAN)
    body = response.json()
    assert response.status_code == 201
    assert body["code"] == "WSRC0005"
    assert uln_rules.is_valid(body["learner"]["uln"])
    assert body["learner"]["given_name"] == "Siobhán"


def test_an_awarding_organisation_may_not_register_learners(server: LiveServer) -> None:
    response = server.client("awarding").post("/api/v1/learners", json=SIOBHAN)
    assert (response.status_code, response.json()["code"]) == (403, "WSEC0006")


def test_a_broken_field_is_named_with_its_rule_and_nothing_is_written(server: LiveServer) -> None:
    response = server.client("school").post("/api/v1/learners", json={**SIOBHAN, "date_of_birth": "2031-02-30"})
    body = response.json()
    assert (response.status_code, body["code"]) == (422, "WSEC0001")
    assert body["errors"] == [
        {"field": "DateOfBirth", "problem": "2031-02-30 is not a real date", "rule": "MIAPDate: a calendar date"}
    ]
    search = {key: SIOBHAN[key] for key in ("given_name", "family_name", "date_of_birth", "gender", "postcode")}
    assert server.client("school").post("/api/v1/learners/search", json=search).json()["code"] == "WSRC0001"


def test_an_unknown_json_field_is_refused(server: LiveServer) -> None:
    response = server.client("school").post("/api/v1/learners", json={**SIOBHAN, "shoe_size": 9})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "shoe_size"


def test_registering_the_same_learner_twice_is_a_409_with_wsrc0021(server: LiveServer) -> None:
    first = register(server)
    response = server.client("school").post("/api/v1/learners", json={**SIOBHAN, "given_name": "SIOBHAN"})
    assert response.status_code == 409
    assert response.json()["code"] == "WSRC0021"
    assert response.json()["existing_uln"] == first["uln"]


def test_find_by_uln_of_a_linked_learner_answers_with_the_master(server: LiveServer) -> None:
    master = register(server)
    linked = register(server, postcode="B33 8TH")
    merged = server.client("admin").post(
        "/api/v1/merges", json={"master_uln": master["uln"], "linked_uln": linked["uln"]}
    )
    assert merged.status_code == 200, merged.text
    body = server.client("awarding").get(f"/api/v1/learners/{linked['uln']}").json()
    assert (body["code"], body["master_substituted"], body["learner"]["uln"]) == ("WSRC0022", True, master["uln"])
    assert body["learner"]["linked_ulns"] == [linked["uln"]]


def test_an_unknown_uln_is_404_with_wsrc0001_and_a_malformed_one_422(server: LiveServer) -> None:
    client = server.client("school")
    assert client.get("/api/v1/learners/1000000043").json()["status"] == 404
    malformed = client.get("/api/v1/learners/1234567890")
    assert (malformed.status_code, malformed.json()["code"]) == (422, "WSEC0136")


def test_a_search_lists_possible_matches_with_reasons(server: LiveServer) -> None:
    learner = register(server, given_name="Katherine", family_name="Smith")
    body = (
        server.client("school")
        .post(
            "/api/v1/learners/search",
            json={
                "given_name": "Kate",
                "family_name": "Smith",
                "date_of_birth": "2009-04-17",
                "gender": 2,
                "postcode": "CV4 7AL",
            },
        )
        .json()
    )
    assert body["code"] == "WSRC0003"
    assert [m["learner"]["uln"] for m in body["matches"]] == [learner["uln"]]
    assert body["matches"][0]["reasons"]


def test_verify_flags_a_wrong_date_of_birth(server: LiveServer) -> None:
    learner = register(server)
    body = server.client("awarding").post(
        "/api/v1/learners/verify",
        json={"uln": learner["uln"], "given_name": "Siobhán", "family_name": "Ó Briain", "date_of_birth": "2009-17-04"},
    )
    assert body.status_code == 422
    body = (
        server.client("awarding")
        .post(
            "/api/v1/learners/verify",
            json={
                "uln": learner["uln"],
                "given_name": "Siobhán",
                "family_name": "Ó Briain",
                "date_of_birth": "2009-04-18",
            },
        )
        .json()
    )
    assert body["code"] in ("WSVRC003", "WSVRC005")
    assert "VRF7" in body["failure_flags"]
    assert body["uln"] == learner["uln"]


def test_a_verify_batch_answers_each_learner_in_order(server: LiveServer) -> None:
    learner = register(server)
    body = (
        server.client("awarding")
        .post(
            "/api/v1/learners/verify/batch",
            json={
                "learners": [
                    {"uln": learner["uln"], "given_name": "Siobhán", "family_name": "Ó Briain"},
                    {"uln": "1000000043", "given_name": "Nobody", "family_name": "Known"},
                ]
            },
        )
        .json()
    )
    assert [item["code"] for item in body["learners"]] == ["WSVRC001", "WSVRC006"]


def test_an_update_with_a_stale_version_is_409_wsrc0013(server: LiveServer) -> None:
    learner = register(server)
    client = server.client("school")
    first = client.put(f"/api/v1/learners/{learner['uln']}", json={**SIOBHAN, "town": "Coventry", "version": 1})
    assert (first.status_code, first.json()["learner"]["version"]) == (200, 2)
    stale = client.put(f"/api/v1/learners/{learner['uln']}", json={**SIOBHAN, "town": "Rugby", "version": 1})
    assert (stale.status_code, stale.json()["code"]) == (409, "WSRC0013")
    same = client.put(f"/api/v1/learners/{learner['uln']}", json={**SIOBHAN, "town": "Coventry", "version": 2})
    assert same.json()["code"] == "WSRC0020"


def test_retrieve_answers_up_to_200_ulns(server: LiveServer) -> None:
    learner = register(server)
    client = server.client("awarding")
    body = client.post("/api/v1/learners/retrieve", json={"ulns": [learner["uln"], "1000000043"]}).json()
    assert [(item["uln"], item["code"]) for item in body["learners"]] == [
        (learner["uln"], "WSRC0004"),
        ("1000000043", "WSRC0001"),
    ]
    assert client.post("/api/v1/learners/retrieve", json={"ulns": ["1000000043"] * 201}).status_code == 422


def test_the_merge_report_lists_merges_and_unmerges(server: LiveServer) -> None:
    master = register(server)
    linked = register(server, postcode="B33 8TH")
    admin = server.client("admin")
    admin.post("/api/v1/merges", json={"master_uln": master["uln"], "linked_uln": linked["uln"]})
    assert admin.delete(f"/api/v1/merges/{linked['uln']}").json()["master_uln"] is None
    report = admin.get("/api/v1/merges", params={"from": "2026-11-01", "to": "2026-11-30"}).json()
    assert [(line["kind"], line["linked_uln"]) for line in report] == [
        ("merged", linked["uln"]),
        ("unmerged", linked["uln"]),
    ]


def test_the_duplicate_scan_is_for_administrators(server: LiveServer) -> None:
    a = register(server, given_name="William", family_name="Jones")
    b = register(server, given_name="Bill", family_name="Jones", postcode="CV4 7AL")
    assert server.client("school").get("/api/v1/duplicates").status_code == 403
    pairs = server.client("admin").get("/api/v1/duplicates").json()
    assert [{p["first_uln"], p["second_uln"]} for p in pairs] == [{a["uln"], b["uln"]}]


def test_administrators_create_organisations_and_the_key_works(server: LiveServer) -> None:
    admin = server.client("admin")
    created = admin.post(
        "/api/v1/organisations",
        json={"ukprn": "10012345", "name": "Riverside College", "kind": "learner_registration_body"},
    )
    assert created.status_code == 201
    key = created.json()["api_key"]
    response = server.client().post("/api/v1/learners", json=SIOBHAN, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201
    assert (
        server.client("school")
        .post("/api/v1/organisations", json={"ukprn": "10012346", "name": "X", "kind": "learner_registration_body"})
        .status_code
        == 403
    )
    bad = admin.post("/api/v1/organisations", json={"ukprn": "123", "name": "Y", "kind": "learner_registration_body"})
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "UKPRN")


def test_the_openapi_document_and_docs_are_served(server: LiveServer) -> None:
    client = server.client()
    spec = client.get("/api/openapi.json").json()
    assert {"/api/v1/learners", "/api/v1/learners/search", "/api/v1/learners/verify"} <= set(spec["paths"])
    assert client.get("/api/docs").status_code == 200


def test_the_uln_check_needs_no_key_and_explains_the_problem(server: LiveServer) -> None:
    body = server.client().get("/api/v1/uln/1026893097").json()
    assert (body["valid"], body["problem"]) == (False, "'1026893097' has check digit 7, expected 6")
