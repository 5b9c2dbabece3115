"""Signing in with the lock that runs out: wrong passwords in a row lock an account for a while, longer each time;
every refusal looks alike and costs the same; a chosen password must not be a common one. Both databases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.errors import InvalidField, SignInRefused
from learner_records.domain.users import Role, User
from learner_records.services.password_policy import PasswordPolicy
from learner_records.services.user_ports import PasswordHasher
from learner_records.services.users import UserService
from tests.conftest import TEST_HASHER, MovableClock
from tests.integration.test_learner_portal import world

__all__ = ["world"]  # the fixture, used by name

PASSWORD = "Correct-horse-9"
EMAIL = "office@riverside.ac.uk"


@pytest.fixture
def person(services: Services, operator: Actor) -> User:
    college = services.organisations.create(operator, "10012345", "Riverside College",
                                            OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    return services.users.create(None, EMAIL, "Ben Cole", Role.ONLINE_USER, college.id, PASSWORD)


def refusal(attempt: Callable[[], object]) -> str:
    with pytest.raises(SignInRefused) as refused:
        attempt()
    return refused.value.message


def wrong_passwords(services: Services, count: int) -> None:
    for _ in range(count):
        refusal(lambda: services.users.sign_in(EMAIL, "Wrong-password-1"))


def test_ten_wrong_passwords_lock_the_account_until_fifteen_minutes_have_passed(
    services: Services, person: User, clock: MovableClock
) -> None:
    wrong_passwords(services, 9)
    assert services.users.sign_in(EMAIL, PASSWORD).id == person.id  # nine, then the right one: no lock
    wrong_passwords(services, 10)
    refusal(lambda: services.users.sign_in(EMAIL, PASSWORD))
    clock.advance(minutes=14, seconds=59)
    refusal(lambda: services.users.sign_in(EMAIL, PASSWORD))
    clock.advance(seconds=1)
    assert services.users.sign_in(EMAIL, PASSWORD).failed_sign_ins == 0


def test_each_wrong_password_after_a_lock_runs_out_locks_it_twice_as_long(
    services: Services, person: User, clock: MovableClock
) -> None:
    wrong_passwords(services, 10)
    clock.advance(minutes=15)
    wrong_passwords(services, 1)  # the eleventh: 30 minutes
    clock.advance(minutes=29)
    refusal(lambda: services.users.sign_in(EMAIL, PASSWORD))
    clock.advance(minutes=1)
    wrong_passwords(services, 1)  # the twelfth: 60 minutes
    clock.advance(minutes=59)
    refusal(lambda: services.users.sign_in(EMAIL, PASSWORD))
    clock.advance(minutes=1)
    assert services.users.sign_in(EMAIL, PASSWORD).id == person.id


def test_a_super_user_or_administrator_still_unlocks_at_once(
    services: Services, person: User, operator: Actor
) -> None:
    super_user = services.users.create(None, "head@riverside.ac.uk", "Asha Patel", Role.SUPER_USER,
                                       person.organisation_id, PASSWORD)  # fmt: skip
    wrong_passwords(services, 10)
    assert services.users.get(person.id).locked  # type: ignore[union-attr]
    services.users.unlock(super_user, person.id)
    assert services.users.sign_in(EMAIL, PASSWORD).id == person.id


class CountingHasher:
    """The suite's argon2, counting the verifications it is asked for."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self._hasher = hasher
        self.verified = 0

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        return self._hasher.verify(password_hash, password)


def test_unknown_locked_suspended_and_wrong_are_refused_alike_after_one_verification_each(
    services: Services, person: User
) -> None:
    counting = CountingHasher(TEST_HASHER)
    users = UserService(services.uow, services.clock, counting, policy=PasswordPolicy())
    admin = services.users.create(None, "admin@register.example", "Ada Admin", Role.ADMINISTRATOR, None, PASSWORD)
    suspended = services.users.create(None, "away@riverside.ac.uk", "Cy Away", Role.ONLINE_USER,
                                      person.organisation_id, PASSWORD)  # fmt: skip
    services.users.set_active(admin, suspended.id, False)
    cases = {
        "unknown": lambda: users.sign_in("nobody@riverside.ac.uk", PASSWORD),
        "wrong": lambda: users.sign_in(EMAIL, "Wrong-password-1"),
        "suspended": lambda: users.sign_in("away@riverside.ac.uk", PASSWORD),
    }
    answers = {}
    for name, attempt in cases.items():
        before = counting.verified
        answers[name] = refusal(attempt)
        assert counting.verified - before == 1, name
    for _ in range(9):
        refusal(lambda: users.sign_in(EMAIL, "Wrong-password-1"))
    before = counting.verified
    answers["locked"] = refusal(lambda: users.sign_in(EMAIL, PASSWORD))
    assert counting.verified - before == 1
    assert len(set(answers.values())) == 1, answers


@pytest.mark.parametrize("password", ["Password123!", "Qwerty2024!", "Liverpool1!", "Sunshine-99"])
def test_a_common_password_is_refused_naming_the_field_and_the_rule(services: Services, password: str) -> None:
    with pytest.raises(InvalidField) as refused:
        services.users.create(None, "new@register.example", "Nia Jones", Role.ADMINISTRATOR, None, password)
    assert refused.value.field == "password"
    assert "commonly used password" in refused.value.problem
    assert "most often used" in refused.value.rule


def test_a_password_with_the_persons_name_or_email_is_refused_wherever_it_is_set(
    services: Services, person: User
) -> None:
    with pytest.raises(InvalidField, match="contains your name or email address"):
        services.users.set_password(person.id, "Ben-Cole-2026!")
    with pytest.raises(InvalidField, match="contains your name or email address"):
        services.users.set_password(person.id, "My-Office-2026")  # office@...
    with pytest.raises(InvalidField, match="commonly used"):
        services.users.set_password(person.id, "Dragon2024!")
    services.users.set_password(person.id, "Quiet-lantern-58")
    assert services.users.sign_in(EMAIL, "Quiet-lantern-58").id == person.id


def test_a_common_password_is_refused_through_a_password_link_and_a_learner_invitation(
    services: Services, world: dict[str, Any]
) -> None:
    admin = services.users.create(None, "admin@register.example", "Ada Admin", Role.ADMINISTRATOR, None, PASSWORD)
    token = services.password_links.issue(admin, world["office"].id).rsplit("/", 1)[1]
    with pytest.raises(InvalidField, match="commonly used"):
        services.password_links.set_password(token, "Baseball2024!")
    services.password_links.set_password(token, "Quiet-lantern-58")  # the link was not used up by the refusal
    code = services.invitations.issue(world["office"], world["learner"].uln).code
    with pytest.raises(InvalidField, match="commonly used"):
        services.invitations.redeem(code, "Ó Briain", "2009-04-17", "siobhan@example.org", "Princess1!")
    with pytest.raises(InvalidField, match="contains your name or email"):
        services.invitations.redeem(code, "Ó Briain", "2009-04-17", "siobhan@example.org", "Siobhan-2026!")
    assert services.invitations.redeem(code, "Ó Briain", "2009-04-17", "siobhan@example.org", "Quiet-lantern-58").uln
