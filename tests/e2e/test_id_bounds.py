"""Every whole number in a REST or portal address (ids, offsets, page numbers) is bounded where it comes in: past the
64-bit range, zero or negative, it is 422 naming the field on the REST API and "page not found" on a page, never a
server error, on either database. The routes are read from the application itself, so new ones are covered."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, get_args, get_origin, get_type_hints

import httpx
import pytest

from learner_records.domain.users import PERMISSIONS, Role
from learner_records.entrypoints.ids import MAX_ID
from learner_records.entrypoints.web.access import RULES

from .conftest import LiveServer
from .test_portal_access import clients
from .test_portal_sign_in import csrf

__all__ = ["clients"]  # the signed-in client of each role, a fixture of the portal access tests

OUT_OF_RANGE = [MAX_ID + 1, -1]  # past a 64-bit column; below every id and offset


@dataclass(frozen=True)
class Number:
    method: str
    path: str
    name: str
    where: str  # path or query


def _is_integer(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" or any(_is_integer(option) for option in schema.get("anyOf", []))


def _rest_numbers(server: LiveServer) -> list[Number]:
    """Each integer path and query parameter of each REST operation, as the OpenAPI document declares it."""
    paths = httpx.get(server.url + "/api/openapi.json").json()["paths"]
    return [Number(method.upper(), path, parameter["name"], parameter["in"])
            for path, operations in paths.items() for method, operation in operations.items()
            for parameter in operation.get("parameters", [])
            if parameter["in"] in ("path", "query") and _is_integer(parameter["schema"])]  # fmt: skip


def _page_numbers() -> list[Number]:
    """Each integer path and query parameter of each portal page, from its handler's signature."""
    found = []
    for rule in RULES:
        hints = get_type_hints(rule.handler, include_extras=True) if rule.handler else {}
        for name, hint in hints.items():
            plain = get_args(hint)[0] if get_origin(hint) is Annotated else hint
            if plain in (int, int | None):
                alias = next((m.alias for m in get_args(hint)[1:] if getattr(m, "alias", None)), None) or name
                where = "path" if "{" + name + "}" in rule.path else "query"
                found.append(Number(rule.method, rule.path, alias, where))
    return found


def _numbers(server: LiveServer) -> list[Number]:
    return _rest_numbers(server) + _page_numbers()


def _send(client: httpx.Client, number: Number, value: int, token: str = "") -> httpx.Response:
    path = number.path.replace("{" + number.name + "}", str(value))
    path = re.sub(r"\{[^}]+\}", "1", path)
    query = {number.name: str(value)} if number.where == "query" else {}
    data = {"csrf_token": token} if number.method != "GET" and not path.startswith("/api/") else None
    return client.request(number.method, path, params=query, data=data, follow_redirects=False)


def test_the_api_declares_bounded_numbers_and_pages_take_them(server: LiveServer) -> None:
    numbers = _numbers(server)
    rest = {(n.method, n.path) for n in numbers if n.path.startswith("/api/")}
    pages = {(n.method, n.path) for n in numbers if not n.path.startswith("/api/")}
    assert {("GET", "/api/v1/batches/{job_id}"), ("GET", "/api/v1/awarding/anomalies"),
            ("POST", "/api/v1/awarding/registrations/{registration_id}/result")} <= rest  # fmt: skip
    assert {("GET", "/awarding/challenges/{challenge_id}"), ("GET", "/admin/access-log"),
            ("GET", "/learner/who-looked"), ("POST", "/organisation/users/{user_id}/unlock")} <= pages  # fmt: skip


@dataclass
class Callers:
    api: httpx.Client  # the register administrator's API key
    pages: dict[Role, httpx.Client]  # signed in, one a role
    tokens: dict[Role, str]  # each page client's form token, read once


@pytest.fixture
def callers(server: LiveServer, clients: dict[Role, httpx.Client]) -> Callers:
    return Callers(server.client("admin"), clients, {})


def _answer(callers: Callers, number: Number, value: int) -> httpx.Response:
    """The route called with `value`, by the API's administrator or, for a page, by a role that may open it."""
    if number.path.startswith("/api/"):
        return _send(callers.api, number, value)
    needed = next(rule.permission for rule in RULES if (rule.method, rule.path) == (number.method, number.path))
    role = next(role for role in Role if needed is None or needed in PERMISSIONS[role])
    if number.method != "GET" and role not in callers.tokens:
        callers.tokens[role] = csrf(callers.pages[role].get("/home"))
    return _send(callers.pages[role], number, value, callers.tokens.get(role, ""))


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_a_rest_id_out_of_range_is_422_naming_it(server: LiveServer, callers: Callers, value: int) -> None:
    answers = {}
    for number in _numbers(server):
        if number.path.startswith("/api/"):
            answer = _answer(callers, number, value)
            named = number.name in {error["field"] for error in answer.json().get("errors", [])}
            answers[f"{number.method} {number.path} {number.name}"] = (answer.status_code, named)
    assert answers and {route: got for route, got in answers.items() if got != (422, True)} == {}


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_a_page_address_with_an_id_out_of_range_is_page_not_found(
    server: LiveServer, callers: Callers, value: int
) -> None:
    answers = {}
    for number in _numbers(server):
        if not number.path.startswith("/api/"):
            answer = _answer(callers, number, value)
            answers[f"{number.method} {number.path}"] = (answer.status_code, "Page not found" in answer.text)
    assert answers and {route: got for route, got in answers.items() if got != (404, True)} == {}


def test_the_largest_id_is_looked_up_and_not_found(server: LiveServer, callers: Callers) -> None:
    """2^63-1 reaches the database, which holds it in an id column and finds nothing: no server error."""
    answers = {f"{n.method} {n.path}": _answer(callers, n, MAX_ID).status_code for n in _numbers(server)}
    assert {route: status for route, status in answers.items() if status >= 500} == {}


BODIES = [
    ("POST", "/api/v1/awarding/certify", {"registration_ids": [1, MAX_ID + 1]}, "registration_ids.1", "awarding"),
    ("POST", "/api/v1/awarding/confirm", {"registration_ids": [-1]}, "registration_ids.0", "awarding"),
    ("PUT", "/api/v1/learners/1000000043", {"version": MAX_ID + 1}, "version", "school"),
    ("POST", "/api/v1/plr/audit", {"uln": "1000000043", "given_name": "A", "family_name": "B", "page": 2**64},
     "page", "school"),
    ("POST", "/api/v1/challenges", {"event_id": MAX_ID + 1, "reason": "wrong grade"}, "event_id", "school"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "field", "who"), BODIES)
def test_a_number_out_of_range_in_a_request_body_is_422_naming_it(
    server: LiveServer, method: str, path: str, body: dict[str, Any], field: str, who: str
) -> None:
    answer = server.client(who).request(method, path, json=body)
    assert answer.status_code == 422, answer.text
    assert field in {error["field"] for error in answer.json()["errors"]}
