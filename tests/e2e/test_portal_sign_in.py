"""Signing in to the portals over HTTP: sessions, CSRF, lockout, and who may unlock."""

from __future__ import annotations

import re

import httpx
import pytest

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.errors import InsufficientAccess
from learner_records.domain.users import Role, User

from .conftest import LiveServer

PASSWORD = "Correct-horse-9"


def csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None, "the page has no form token"
    return found.group(1)


def sign_in(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    form = client.get("/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": csrf(form),
                                         "next": "/home"})  # fmt: skip


@pytest.fixture
def people(server: LiveServer, operator: Actor) -> dict[str, User]:
    services: Services = server.services
    college = services.organisations.create(operator, "10012345", "Riverside College",
                                            OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    return {
        "super": services.users.create(None, "head@riverside.ac.uk", "Asha Patel", Role.SUPER_USER, college.id,
                                       PASSWORD),  # fmt: skip
        "online": services.users.create(None, "office@riverside.ac.uk", "Ben Cole", Role.ONLINE_USER, college.id,
                                        PASSWORD),  # fmt: skip
    }


def test_the_start_page_explains_the_service_and_offers_sign_in(server: LiveServer) -> None:
    page = server.client().get("/")
    assert page.status_code == 200
    assert "Unique Learner Numbers" in page.text and 'href="/sign-in"' in page.text
    assert server.client().get("/assets/govuk-frontend.min.css").status_code == 200


def test_a_page_that_needs_sign_in_sends_you_to_sign_in_and_back(server: LiveServer, people: dict[str, User]) -> None:
    client = server.client()
    answer = client.get("/home", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/sign-in?next=/home")
    signed = sign_in(client, "office@riverside.ac.uk")
    assert (signed.status_code, signed.headers["location"]) == (303, "/home")
    home = client.get("/home")
    assert "Ben Cole" in home.text and "Online user" in home.text


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    server: LiveServer, people: dict[str, User]
) -> None:
    answer = sign_in(server.client(), "office@riverside.ac.uk", "Wrong-password-1")
    assert answer.status_code == 400
    assert "Enter a correct email address and password" in answer.text
    assert "govuk-error-summary" in answer.text and 'href="#email"' in answer.text
    unknown = sign_in(server.client(), "nobody@riverside.ac.uk")
    assert "Enter a correct email address and password" in unknown.text


def test_ten_wrong_passwords_lock_the_account_until_the_super_user_unlocks_it(
    server: LiveServer, people: dict[str, User]
) -> None:
    for _ in range(3):
        sign_in(server.client(), "office@riverside.ac.uk", "Wrong-password-1")
    assert sign_in(server.client(), "office@riverside.ac.uk").status_code == 303  # three are no longer a lock
    for _ in range(10):
        wrong = sign_in(server.client(), "office@riverside.ac.uk", "Wrong-password-1")
    right = sign_in(server.client(), "office@riverside.ac.uk")  # the right password does not open it
    unknown = sign_in(server.client(), "nobody@riverside.ac.uk")
    assert (right.status_code, wrong.status_code, unknown.status_code) == (400, 400, 400)
    assert _message(right) == _message(wrong) == _message(unknown)  # nobody learns that the account is locked
    with pytest.raises(InsufficientAccess, match="Only the organisation's super user or the register"):
        server.services.users.unlock(people["online"], people["online"].id)
    server.services.users.unlock(people["super"], people["online"].id)
    assert sign_in(server.client(), "office@riverside.ac.uk").status_code == 303


def _message(page: httpx.Response) -> str:
    found = re.search(r'<p id="email-error"[^>]*>(.*?)</p>', page.text, re.S)
    assert found is not None, "no message beside the email field"
    return found.group(1)


def test_a_form_without_its_token_is_refused(server: LiveServer, people: dict[str, User]) -> None:
    client = server.client()
    client.get("/sign-in")
    answer = client.post("/sign-in", data={"email": "office@riverside.ac.uk", "password": PASSWORD,
                                           "csrf_token": "forged"})  # fmt: skip
    assert answer.status_code == 403 and "This form has expired" in answer.text


def test_signing_out_ends_the_session(server: LiveServer, people: dict[str, User]) -> None:
    client = server.client()
    sign_in(client, "office@riverside.ac.uk")
    home = client.get("/home")
    assert client.post("/sign-out", data={"csrf_token": csrf(home)}, follow_redirects=False).status_code == 303
    assert client.get("/home", follow_redirects=False).status_code == 303


def test_after_sign_in_you_go_only_to_a_page_of_this_site(server: LiveServer, people: dict[str, User]) -> None:
    client = server.client()
    form = client.get("/sign-in")
    answer = client.post("/sign-in", data={"email": "office@riverside.ac.uk", "password": PASSWORD,
                                           "csrf_token": csrf(form), "next": "https://evil.example/x"})  # fmt: skip
    assert answer.headers["location"] == "/home"
