"""The rules behind signing in: the lock that runs out and doubles, the password rule, and the throttle's counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from learner_records.adapters.common_passwords import common_passwords
from learner_records.adapters.throttle import LimitsLimiter
from learner_records.domain.errors import (
    IncorrectPassword,
    InvalidField,
    SignInRefused,
    TooManyAttempts,
    UnknownOrganisation,
)
from learner_records.domain.users import Lockout, Role, User, check_password
from learner_records.services.throttling import Counted, Door, Throttle, api_key_id, api_key_refused


@pytest.mark.parametrize(("failed", "lock"), [(9, None), (10, timedelta(minutes=15)), (11, timedelta(minutes=30)),
                                              (12, timedelta(hours=1)), (10_000, timedelta(days=1))])  # fmt: skip
def test_the_lock_begins_at_the_tenth_wrong_password_and_doubles_with_each_further_one(
    failed: int, lock: timedelta | None
) -> None:
    assert Lockout().lock_for(failed) == lock


def test_a_lock_set_under_the_old_three_strike_rule_runs_out_after_the_first_period() -> None:
    locked_at = datetime(2026, 11, 2, 9, 0)
    old = User(1, "a@example.org", "A", Role.ONLINE_USER, 1, locked_at, failed_sign_ins=3, locked=True,
               locked_at=locked_at)  # fmt: skip
    assert Lockout().until(old) == locked_at + timedelta(minutes=15)
    assert Lockout().holds(old, locked_at + timedelta(minutes=14))
    assert not Lockout().holds(old, locked_at + timedelta(minutes=15))
    assert Lockout().until(replace(old, locked=False, locked_at=None)) is None


@pytest.mark.parametrize(("seconds", "words"), [(1, "1 second"), (59, "59 seconds"), (60, "1 minute"),
                                                (61, "2 minutes"), (900, "15 minutes")])  # fmt: skip
def test_too_many_attempts_says_how_long_to_wait(seconds: int, words: str) -> None:
    assert TooManyAttempts(seconds).message.endswith(f"Try again in {words}")


@pytest.mark.parametrize(
    ("password", "problem"),
    [("Short-1", "is too weak"), ("alllowercase", "is too weak"), ("Password1", "is a commonly used password"),
     ("Monkey2024!", "is a commonly used password"), ("!!Football99", "is a commonly used password"),
     ("Jane-Doe-77", "contains your name or email address"), ("Jdoe-Works-77", "contains your name or email")],
)  # fmt: skip
def test_a_password_is_refused_for_the_rule_it_breaks(password: str, problem: str) -> None:
    with pytest.raises(InvalidField) as refused:
        check_password(password, "new_password", common=common_passwords(), email="jdoe@example.org", name="Jane Doe")
    assert refused.value.field == "new_password"
    assert problem in refused.value.problem


def test_a_long_unusual_password_passes() -> None:
    assert check_password("Quiet-lantern-58", common=common_passwords(), email="jdoe@example.org", name="Jane Doe")


def test_the_common_list_is_the_breached_passwords_that_zxcvbn_ships() -> None:
    assert len(common_passwords()) == 30_000 and {"123456", "password", "qwerty"} <= common_passwords()


def throttle(rule: str = "3/minute") -> Throttle:
    return Throttle(LimitsLimiter({(Door.SIGN_IN, Counted.CLIENT): rule, (Door.SIGN_IN, Counted.ACCOUNT): rule}))


def test_the_throttle_refuses_unchecked_after_the_limit_and_says_how_long_to_wait() -> None:
    gate = throttle()
    attempts: list[str] = []

    def attempt() -> str:
        attempts.append("checked")
        raise SignInRefused()

    for _ in range(3):
        with pytest.raises(SignInRefused):
            gate.guard(Door.SIGN_IN, "192.0.2.1", "a@example.org", attempt)
    with pytest.raises(TooManyAttempts) as throttled:
        gate.guard(Door.SIGN_IN, "192.0.2.1", "a@example.org", attempt)
    assert len(attempts) == 3 and 0 < throttled.value.retry_after <= 60
    with pytest.raises(TooManyAttempts):  # the account, from another address
        gate.guard(Door.SIGN_IN, "192.0.2.2", "A@example.org", attempt)
    gate.forgive(Door.SIGN_IN, "a@example.org")
    assert gate.guard(Door.SIGN_IN, "192.0.2.2", "a@example.org", lambda: "in") == "in"


def test_successes_never_count_and_an_empty_rule_counts_nothing() -> None:
    gate = throttle()
    for _ in range(10):
        assert gate.guard(Door.SIGN_IN, "192.0.2.1", "a@example.org", lambda: "in") == "in"
    open_door = throttle("")

    def attempt() -> None:
        raise SignInRefused()

    for _ in range(10):
        with pytest.raises(SignInRefused):
            open_door.guard(Door.SIGN_IN, "192.0.2.1", "a@example.org", attempt)


def test_every_refused_api_key_gets_the_one_answer() -> None:
    gate = throttle()
    answers = []
    unknown, wrong = UnknownOrganisation("No organisation has this key"), IncorrectPassword("The secret is wrong")
    for refused in (unknown, wrong):
        def attempt(error: Exception = refused) -> None:
            raise error

        with pytest.raises(UnknownOrganisation) as raised:
            gate.guard(Door.API_KEY, "192.0.2.1", api_key_id("lr_abc_def"), attempt, api_key_refused)
        answers.append(raised.value.message)
    assert answers[0] == answers[1] and api_key_id("lr_abc_def") == "abc" and api_key_id("nonsense") == "malformed"
