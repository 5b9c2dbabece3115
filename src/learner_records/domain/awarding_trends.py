"""How the awarding side's numbers move over time: the anomalies open at the end of each of the last weeks.

An anomaly counts as open on a day when it was raised on or before it and not resolved by its end (one resolved
that day is closed).

>>> from datetime import date
>>> spans = [(date(2026, 10, 1), None), (date(2026, 10, 20), date(2026, 10, 27))]
>>> open_by_week(spans, date(2026, 11, 2), weeks=3)
[(datetime.date(2026, 10, 19), 1), (datetime.date(2026, 10, 26), 2), (datetime.date(2026, 11, 2), 1)]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

WEEKS = 8

Span = tuple[date, date | None]  # raised on, resolved on (None: still open)


def is_open_on(span: Span, day: date) -> bool:
    raised, resolved = span
    return raised <= day and (resolved is None or resolved > day)


def week_ends(today: date, weeks: int = WEEKS) -> list[date]:
    """The last `weeks` week ends, oldest first, the last being today."""
    if weeks < 1:
        raise ValueError(f"a trend needs at least one week, got {weeks}")
    return [today - timedelta(weeks=back) for back in reversed(range(weeks))]


def open_by_week(spans: Iterable[Span], today: date, weeks: int = WEEKS) -> list[tuple[date, int]]:
    """(week end, anomalies open that day), oldest week first."""
    held = list(spans)
    return [(day, sum(is_open_on(span, day) for span in held)) for day in week_ends(today, weeks)]
