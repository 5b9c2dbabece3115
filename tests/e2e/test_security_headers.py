"""Security headers on every answer: each portal route for each role (the access matrix), signed out, the REST
API, the SOAP services and the API docs. Only the static files may be cached."""

from __future__ import annotations

import dataclasses
import re
import ssl
from pathlib import Path

import httpx

from learner_records.bootstrap import Services
from learner_records.domain.users import Role
from learner_records.entrypoints.headers import script_hashes
from learner_records.entrypoints.tls import uvicorn_tls_options
from learner_records.entrypoints.web.access import RULES

from .conftest import LiveServer
from .soap_clients import Soap
from .test_portal_access import clients
from .test_soap_transport import pki, serving

__all__ = ["clients", "pki"]  # the signed-in client of each role (the access matrix), a throwaway CA

PAGE_POLICY = re.compile(
    r"default-src 'self'; script-src 'self' 'sha256-[A-Za-z0-9+/=]+'; style-src 'self'; img-src 'self' data:;"
    r" font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def assert_protected(answer: httpx.Response, cacheable: bool = False) -> None:
    where = f"{answer.request.method} {answer.request.url.path} ({answer.status_code})"
    headers = answer.headers
    assert headers["x-content-type-options"] == "nosniff", where
    assert headers["x-frame-options"] == "DENY", where
    assert headers["referrer-policy"] == "no-referrer", where
    assert "camera=()" in headers["permissions-policy"], where
    assert "frame-ancestors 'none'" in headers["content-security-policy"], where
    assert "unsafe-inline" not in headers["content-security-policy"], where
    assert ("no-store" in headers.get("cache-control", "")) is not cacheable, where
    assert "strict-transport-security" not in headers, where  # plain HTTP here (HTTPS: see the TLS test)


def path_of(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", template)


def test_every_portal_route_for_every_role_carries_the_headers(clients: dict[Role, httpx.Client]) -> None:
    for rule in RULES:
        if rule.method != "GET":
            continue
        for client in clients.values():
            answer = client.get(path_of(rule.path), follow_redirects=False)
            assert_protected(answer)
            if answer.headers.get("content-type", "").startswith("text/html"):
                assert PAGE_POLICY.fullmatch(answer.headers["content-security-policy"])


def test_every_route_signed_out_carries_the_headers(server: LiveServer) -> None:
    client = server.client()
    for rule in RULES:
        assert_protected(client.request(rule.method, path_of(rule.path), follow_redirects=False))


def test_the_inline_script_of_every_page_is_allowed_by_its_hash_and_no_other(server: LiveServer) -> None:
    answer = server.client().get("/sign-in")
    [allowed] = script_hashes(answer.text)
    assert f"script-src 'self' {allowed};" in answer.headers["content-security-policy"]


def test_the_api_docs_may_run_swagger_ui_and_its_own_start_script_only(server: LiveServer) -> None:
    answer = server.client().get("/api/docs")
    assert_protected(answer)
    policy = answer.headers["content-security-policy"]
    for allowed in script_hashes(answer.text):
        assert allowed in policy
    assert "script-src 'self' https://cdn.jsdelivr.net 'sha256-" in policy


def test_the_api_the_soap_services_and_health_carry_the_headers(server: LiveServer, soap: Soap) -> None:
    assert_protected(server.client("school").get("/api/v1/learners/1026893096"))
    assert_protected(server.client().get("/api/v1/learners/1026893096"))
    assert_protected(server.client().get("/health"))
    assert_protected(server.client().get("/LearnerService.svc?wsdl"))
    soap_answer = soap.session.post(f"{soap.url}/LearnerService.svc", data=b"<x/>",
                                    headers={"Content-Type": "text/xml", "SOAPAction": '""'})  # fmt: skip
    assert_protected(httpx.Response(soap_answer.status_code, headers=dict(soap_answer.headers),
                                    request=httpx.Request("POST", soap_answer.url)))  # fmt: skip


def test_static_files_may_be_cached_and_are_not_sniffed(server: LiveServer) -> None:
    for path in ("/static/portal.css", "/assets/govuk-frontend.min.js"):
        answer = server.client().get(path)
        assert answer.status_code == 200
        assert_protected(answer, cacheable=True)


def test_over_https_every_answer_asks_for_https_from_now_on(services: Services, pki: Path) -> None:
    settings = dataclasses.replace(services.settings, tls_certfile=str(pki / "server.crt"),
                                   tls_keyfile=str(pki / "server.key"))  # fmt: skip
    secure = dataclasses.replace(services, settings=settings)
    with serving(secure, **uvicorn_tls_options(settings)) as port:
        with httpx.Client(verify=ssl.create_default_context(cafile=str(pki / "ca.crt")), trust_env=False) as client:
            answer = client.get(f"https://127.0.0.1:{port}/sign-in")
    assert answer.headers["strict-transport-security"] == "max-age=31536000"
