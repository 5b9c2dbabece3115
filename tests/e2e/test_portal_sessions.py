"""Portal sessions are kept on the server: a copied cookie dies with sign-out, a password change or suspension,
and no session outlives its absolute lifetime or an idle half hour, however it is used."""

from __future__ import annotations

import httpx
import pytest

from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.users import Role, User
from tests.conftest import MovableClock

from .conftest import LiveServer
from .test_portal_sign_in import PASSWORD, csrf, sign_in

COOKIE = "learner_records_session"


@pytest.fixture
def people(server: LiveServer, operator: Actor) -> dict[str, User]:
    services = server.services
    college = services.organisations.create(operator, "10012345", "Riverside College",
                                            OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    return {
        "super": services.users.create(None, "head@riverside.ac.uk", "Asha Patel", Role.SUPER_USER, college.id,
                                       PASSWORD),  # fmt: skip
        "online": services.users.create(None, "office@riverside.ac.uk", "Ben Cole", Role.ONLINE_USER, college.id,
                                        PASSWORD),  # fmt: skip
    }


def signed_in(server: LiveServer, email: str = "office@riverside.ac.uk") -> httpx.Client:
    client = server.client()
    assert sign_in(client, email).status_code == 303
    return client


def copy_of(server: LiveServer, client: httpx.Client) -> httpx.Client:
    """Another browser holding the same cookie, as someone who copied it would."""
    thief = server.client()
    thief.cookies.set(COOKIE, client.cookies[COOKIE])
    return thief


def is_signed_in(client: httpx.Client) -> bool:
    answer = client.get("/home", follow_redirects=False)
    assert answer.status_code in (200, 303)
    return answer.status_code == 200


def test_a_cookie_copied_before_sign_out_is_refused_after_it(server: LiveServer, people: dict[str, User]) -> None:
    client = signed_in(server)
    thief = copy_of(server, client)
    assert is_signed_in(thief)
    client.post("/sign-out", data={"csrf_token": csrf(client.get("/home"))}, follow_redirects=False)
    assert not is_signed_in(thief)
    assert not is_signed_in(client)


def test_a_password_change_ends_every_session_of_that_person(server: LiveServer, people: dict[str, User]) -> None:
    first, second = signed_in(server), signed_in(server)
    other = signed_in(server, "head@riverside.ac.uk")
    server.services.users.set_password(people["online"].id, "Another-horse-7")
    assert not is_signed_in(first) and not is_signed_in(second)
    assert is_signed_in(other)  # someone else's session is untouched
    assert sign_in(server.client(), "office@riverside.ac.uk", "Another-horse-7").status_code == 303


def test_suspending_someone_ends_their_sessions_and_reactivating_does_not_bring_them_back(
    server: LiveServer, people: dict[str, User]
) -> None:
    client = signed_in(server)
    kept = copy_of(server, client)
    server.services.users.set_active(people["super"], people["online"].id, False)
    assert not is_signed_in(client)
    server.services.users.set_active(people["super"], people["online"].id, True)
    assert not is_signed_in(kept)


def test_a_session_held_when_the_account_locked_does_not_come_back_when_it_is_unlocked(
    server: LiveServer, people: dict[str, User]
) -> None:
    client = signed_in(server)
    kept = copy_of(server, client)  # a copy not shown while locked, so nothing has cleared it
    for _ in range(server.services.settings.lockout_after):
        sign_in(server.client(), "office@riverside.ac.uk", "Wrong-password-1")
    assert not is_signed_in(client)
    server.services.users.unlock(people["super"], people["online"].id)
    assert not is_signed_in(kept)
    assert sign_in(server.client(), "office@riverside.ac.uk").status_code == 303


def test_a_password_set_through_a_reset_link_ends_the_old_sessions(
    server: LiveServer, people: dict[str, User]
) -> None:
    client = signed_in(server)
    link = server.services.password_links.issue(people["super"], people["online"].id)
    server.services.password_links.set_password(link.rsplit("/", 1)[-1], "Another-horse-7")
    assert not is_signed_in(client)


def test_a_session_ends_at_its_absolute_lifetime_though_used_all_along(
    server: LiveServer, people: dict[str, User], clock: MovableClock
) -> None:
    client = signed_in(server)
    lifetime_minutes = server.services.settings.session_hours * 60
    used = 0
    while used + 20 < lifetime_minutes:
        clock.advance(minutes=20)
        used += 20
        assert is_signed_in(client), f"refused after {used} minutes"
    clock.advance(minutes=lifetime_minutes - used)
    answer = client.get("/home", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in")
    assert "expires=Thu, 01 Jan 1970" in answer.headers.get("set-cookie", "")  # the cookie is dropped, not renewed


def test_an_idle_session_ends_after_the_idle_timeout(
    server: LiveServer, people: dict[str, User], clock: MovableClock
) -> None:
    client = signed_in(server)
    idle = server.services.settings.session_idle_minutes
    clock.advance(minutes=idle - 1)
    assert is_signed_in(client)
    clock.advance(minutes=idle + 1)
    assert not is_signed_in(client)


def test_the_form_token_belongs_to_the_session(server: LiveServer, people: dict[str, User]) -> None:
    client = signed_in(server)
    token = csrf(client.get("/home"))
    client.post("/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert sign_in(client, "office@riverside.ac.uk").status_code == 303
    answer = client.post("/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 403  # the old session's token does not work in the new one
