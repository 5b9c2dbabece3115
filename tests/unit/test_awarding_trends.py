from __future__ import annotations

from datetime import date, datetime

import pytest

from learner_records.domain.awarding_trends import is_open_on, open_by_week, week_ends
from learner_records.domain.users import Role, User

TODAY = date(2026, 11, 2)


def test_an_anomaly_is_open_from_the_day_it_is_raised_until_the_day_it_is_resolved() -> None:
    span = (date(2026, 10, 5), date(2026, 10, 9))
    assert [is_open_on(span, date(2026, 10, day)) for day in (4, 5, 8, 9)] == [False, True, True, False]
    assert is_open_on((date(2026, 10, 5), None), TODAY)


def test_the_weeks_end_today_oldest_first() -> None:
    assert week_ends(TODAY, 3) == [date(2026, 10, 19), date(2026, 10, 26), TODAY]
    with pytest.raises(ValueError, match="at least one week"):
        week_ends(TODAY, 0)


def test_each_week_counts_the_anomalies_open_at_its_end() -> None:
    spans = [(date(2026, 10, 1), None), (date(2026, 10, 20), date(2026, 10, 27)), (date(2026, 11, 1), TODAY)]
    assert open_by_week(spans, TODAY, 3) == [(date(2026, 10, 19), 1), (date(2026, 10, 26), 2), (TODAY, 1)]
    assert open_by_week([], TODAY, 2) == [(date(2026, 10, 26), 0), (TODAY, 0)]


def _user(role: Role, centre_id: int | None) -> User:
    return User(1, "a@b.example", "A B", role, 7, datetime(2026, 1, 1), centre_id)


def test_a_centre_user_acts_only_in_their_centre_and_the_awarding_body_user_in_all() -> None:
    assert _user(Role.CENTRE_USER, 3).actor("10090001").centres == frozenset({3})
    assert _user(Role.CENTRE_USER, None).actor().centres == frozenset()
    body = _user(Role.AWARDING_BODY_USER, None).actor()
    assert body.centres is None and body.in_centre(3)
    assert not _user(Role.CENTRE_USER, 3).actor().in_centre(4)


def test_the_module_examples_hold() -> None:
    import doctest

    from learner_records.domain import awarding_trends

    assert doctest.testmod(awarding_trends).failed == 0
