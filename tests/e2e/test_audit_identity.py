"""Who the access log says acted: a person who signed in is named as such; a user name that an organisation's
system only declared (REST's X-User-Name, SOAP's UserName) is kept beside the credential that proved the
organisation (which API key, the web-service password, the operator), in the worker's rows of a batch too; an
administrator's search is kept whole. Over a live server, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from learner_records.adapters.sql import access_chain
from learner_records.domain.access import ORG_PASSWORD_CREDENTIAL, credential_label
from learner_records.domain.users import Role
from learner_records.services.admin_ports import AccessLogLine
from learner_records.services.administration import access_log_filter

from .conftest import LiveServer
from .soap_clients import Soap
from .test_batch_files import verification_file
from .test_portal_admin import signed_in
from .test_portal_sign_in import PASSWORD
from .test_rest_api import SIOBHAN, register


def _log(server: LiveServer, **filters: str) -> list[AccessLogLine]:
    admin = server.services.users.create(None, f"reader{time.monotonic_ns()}@register.example", "Log Reader",
                                         Role.ADMINISTRATOR, None, PASSWORD)  # fmt: skip
    return server.services.administration.access_log(admin, access_log_filter(**filters)).lines


def _prefix(server: LiveServer, who: str) -> str:
    return server.keys[who].split("_")[1]


def test_a_rest_call_keeps_the_declared_user_beside_the_api_key_that_proved_the_organisation(
    server: LiveServer,
) -> None:
    learner = register(server)
    lines = _log(server, uln=learner["uln"], action="register")
    assert [(line.user_name, line.credential) for line in lines] == [
        ("school-user", f"api-key:{_prefix(server, 'school')}")
    ]
    audit = server.client("admin").post(
        "/api/v1/plr/audit",
        json={"uln": learner["uln"], "given_name": SIOBHAN["given_name"], "family_name": SIOBHAN["family_name"]},
    )
    assert audit.status_code == 200, audit.text
    registered = [entry for entry in audit.json()["entries"] if entry["action"] == "register"]
    assert registered[0]["user"] == "school-user"
    assert (
        registered[0]["user_known_by"]
        == f"Named by the organisation's system (API key lr_{_prefix(server, 'school')}_…)"
    )


def test_a_soap_call_keeps_the_declared_user_name_beside_the_web_service_password(
    soap: Soap, server: LiveServer
) -> None:
    learner = register(server)
    names = {"GivenName": SIOBHAN["given_name"], "FamilyName": SIOBHAN["family_name"]}
    soap.service("LearnerService").learnerByULN(FindType="FUL", **soap.miap("school", "j.bloggs"), ULN=learner["uln"],
                                                **names)  # fmt: skip
    lines = [line for line in _log(server, uln=learner["uln"]) if line.user_name == "j.bloggs"]
    assert [line.credential for line in lines] == [ORG_PASSWORD_CREDENTIAL]
    assert credential_label(lines[0].credential) == "Named by the organisation's system (web-service password)"


def test_the_worker_writes_a_batch_s_reads_under_its_submitter_s_key(server: LiveServer, tmp_path: Path) -> None:
    learner = register(server)
    school = server.client("school")
    checks = verification_file(
        tmp_path / "checks.csv", [(learner["uln"], SIOBHAN["given_name"], SIOBHAN["family_name"])]
    )
    with checks.open("rb") as upload:
        job = school.post("/api/v1/batches/verification", files={"file": ("checks.csv", upload, "text/csv")}).json()
    deadline = time.monotonic() + 10
    while job["status"] != "Successful" and time.monotonic() < deadline:
        time.sleep(0.05)
        job = school.get(f"/api/v1/batches/{job['job_id']}").json()
    assert job["status"] == "Successful"
    worked = [line for line in _log(server, uln=learner["uln"]) if line.action != "register"]
    assert worked and {(line.user_name, line.credential) for line in worked} == {
        ("school-user", f"api-key:{_prefix(server, 'school')}")
    }


def test_a_signed_in_person_is_named_as_signed_in_and_an_administrator_s_whole_search_is_kept(
    server: LiveServer,
) -> None:
    learner = register(server)
    server.services.users.create(None, "ada@register.example", "Ada Admin", Role.ADMINISTRATOR, None, PASSWORD)
    office = signed_in(server, "ada@register.example")
    search: dict[str, Any] = {"uln": learner["uln"], "user": "school-user", "action": "register",
                              "start": "2020-01-01", "end": "2030-12-31"}  # fmt: skip
    page = office.get("/admin/access-log", params=search)
    assert page.status_code == 200
    assert "How the user was known" in page.text
    assert f"Named by the organisation&#39;s system (API key lr_{_prefix(server, 'school')}_…)" in page.text
    searched = _log(server, action="access_log_searched", user_name="ada@register.example")
    assert [(line.uln, line.credential) for line in searched] == [(learner["uln"], None)]
    assert (
        searched[0].detail == "user=school-user; action=register; from=2020-01-01T00:00:00; before=2031-01-01T00:00:00"
    )
    assert credential_label(None) == "Signed in"
    assert server.services.engine is not None
    assert access_chain.verify(server.services.engine).intact
