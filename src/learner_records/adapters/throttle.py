"""The throttling port on the `limits` library: a moving window per rule, so a burst at a window's edge cannot
double the allowance as fixed windows would.

Storage is named by `LEARNER_RECORDS_THROTTLE_STORAGE` in the library's URL form. The default, `memory://`, counts
in this process only: right for one server process; several processes or hosts need one shared store (for
example `redis://host:6379`, with the `redis` package installed) or each keeps its own counts.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from ..services.throttling import Counted, Door

Rules = Mapping[tuple[Door, Counted], str]


class LimitsLimiter:
    def __init__(self, rules: Rules, storage: str = "memory://", now: Callable[[], float] = time.time) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage))
        # "" for a rule: that door does not count that way at all
        self._rules: dict[tuple[Door, Counted], list[RateLimitItem]] = {
            key: parse_many(text) if text.strip() else [] for key, text in rules.items()
        }
        self._now = now

    def _items(self, door: Door, counted: Counted) -> list[RateLimitItem]:
        return self._rules.get((door, counted), [])

    def wait(self, door: Door, counted: Counted, key: str) -> int:
        waits = [
            self._limiter.get_window_stats(item, door, counted, key).reset_time - self._now()
            for item in self._items(door, counted)
            if not self._limiter.test(item, door, counted, key)
        ]
        return max(1, math.ceil(max(waits))) if waits else 0

    def failed(self, door: Door, counted: Counted, key: str) -> None:
        for item in self._items(door, counted):
            self._limiter.hit(item, door, counted, key)

    def forgive(self, door: Door, counted: Counted, key: str) -> None:
        for item in self._items(door, counted):
            self._limiter.clear(item, door, counted, key)
