"""The passwords people use most: the 30,000 most frequent in breached-password dumps, as zxcvbn ships them
(MIT licence; the list is the one zxcvbn's own strength estimate matches against)."""

from __future__ import annotations

from functools import cache


@cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # a large module: loaded once, when first needed

    return frozenset(FREQUENCY_LISTS["passwords"])
