"""Disclosures: the sharing rule on the PLR audit, the merge report for administrators only, and every disclosure
(including the administrators' own reads of the access log) in the access log, over a live server."""

from __future__ import annotations

from typing import Any

import pytest
from zeep.exceptions import Fault

from learner_records.domain.users import Role, User
from learner_records.services.administration import access_log_filter

from .conftest import LiveServer
from .soap_clients import Soap
from .test_portal_admin import signed_in
from .test_portal_sign_in import PASSWORD
from .test_rest_api import register
from .test_soap_r9_and_external import R9_COMMON, domain_fault

PRIVATE = {"given_name": "Zoë", "family_name": "Adeyemi", "date_of_birth": "2007-03-03", "gender": 2,
           "postcode": "LS1 4AP", "ability_to_share": 2}  # fmt: skip


@pytest.fixture
def private(server: LiveServer) -> str:
    uln: str = server.client("school").post("/api/v1/learners", json=PRIVATE).json()["learner"]["uln"]
    return uln


def _log(server: LiveServer, **filters: str) -> list[Any]:
    admin = server.services.users.create(None, "log-reader@register.example", "Log Reader", Role.ADMINISTRATOR,
                                         None, PASSWORD)  # fmt: skip
    return server.services.administration.access_log(admin, access_log_filter(**filters)).lines


def test_the_plr_audit_of_a_learner_who_will_not_share_is_403_wsec0206(server: LiveServer, private: str) -> None:
    query = {"uln": private, "given_name": "Zoë", "family_name": "Adeyemi"}
    refused = server.client("school").post("/api/v1/plr/audit", json=query)
    assert (refused.status_code, refused.json()["code"]) == (403, "WSEC0206")
    assert "entries" not in refused.json()
    assert server.client("awarding").post("/api/v1/plr/audit", json=query).status_code == 403
    assert server.client("admin").post("/api/v1/plr/audit", json=query).status_code == 200
    assert "view_audit_not_shared" in [line.action for line in _log(server, uln=private)]


def test_the_soap_view_audit_of_a_learner_who_will_not_share_is_a_wsec0206_fault(soap: Soap, private: str) -> None:
    with pytest.raises(Fault) as raised:
        soap.service("LearnerServiceR9").ViewAudit(
            invokingOrganisation=soap.invoking("school"), **R9_COMMON, learnerUln=private, learnerGivenName="Zoë",
            learnerFamilyName="Adeyemi", page=1,
        )  # fmt: skip
    assert domain_fault(raised)[0] == "WSEC0206"


def test_the_merge_report_is_for_administrators_and_each_learner_shown_is_logged(server: LiveServer) -> None:
    master, linked = register(server), register(server, postcode="B33 8TH")
    admin = server.client("admin")
    assert admin.post("/api/v1/merges", json={"master_uln": master["uln"], "linked_uln": linked["uln"]}).is_success
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    for kind in ("school", "awarding"):
        assert server.client(kind).get("/api/v1/merges", params=period).status_code == 403
    report = admin.get("/api/v1/merges", params=period)
    assert report.status_code == 200 and report.json()[0]["linked_uln"] == linked["uln"]
    logged = [(line.uln, line.user_name) for line in _log(server, action="merge_report")]
    assert sorted(logged) == sorted([(master["uln"], "admin-user"), (linked["uln"], "admin-user")])


def test_an_administrator_reading_the_access_log_is_logged_as_the_signed_in_person(
    server: LiveServer, private: str
) -> None:
    admin: User = server.services.users.create(None, "ada@register.example", "Ada Admin", Role.ADMINISTRATOR, None,
                                               PASSWORD)  # fmt: skip
    office = signed_in(server, "ada@register.example")
    assert office.get("/admin/access-log", params={"uln": private}).status_code == 200
    searched = server.services.administration.access_log(admin, access_log_filter(action="access_log_searched"))
    assert [(line.user_name, line.uln) for line in searched.lines][-1] == ("ada@register.example", private)
