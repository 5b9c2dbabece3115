"""Estimating a match model from the register itself, without labels, as splink does.

1. **Term frequencies**: the share of records holding each normalised given name, family name, town and first
   address line (values held by two or more records, the commonest first); a rarer value counts as held once.
2. **u** by random sampling: the level frequencies of each field over random pairs of records, which are almost
   all two different learners.
3. **m**, when asked for (`learn_m`), by expectation maximisation over blocked pairs: pairs sharing a date of
   birth and postcode district (which estimates the names, middle name and gender; where the learner lives is
   left out, as a household shares it), then pairs sharing given and family name (which estimates the date of
   birth and postcode). In each session the fields it blocks on are left out and u stays fixed; pairs are counted
   by their pattern of levels, so an iteration costs one pass over patterns.
4. **The household share**: of two people at one postcode with wholly different given names, how many share
   a family name; a family name agreeing at one address weighs by that, not by its frequency (`scoring`).
5. **The prior**: pairs agreeing exactly on given name, family name and date of birth, divided by the share of
   one learner's pairs that agree so (the product of those levels' m), over all pairs.

Left to itself, EM on a register with households and pools of common names settles on "lives in one place" as
the class of one learner's pairs (on 100,000 generated learners the scan's precision fell from 0.99 to 0.44), as
fields that move together (postcode, address, town, family name) outvote the rest. So m stays the starting
model's, written from the kinds of error registers see, unless EM is asked for; u, the frequencies, the household
share and the prior always come from the register.

Everything here is pure: the caller passes the records and a seeded random generator.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

from . import levels as lv
from .model import FIELDS, Level, MatchModel, probability
from .records import RegisterRecord

_TF_KEEP = 20_000
FIT_MINIMUM = 10_000  # records a register needs before its own frequencies and prior replace the written ones
_SMALLEST_M = 1e-6


def _joined(name: str | None) -> str:
    return lv.normalise_place(name).replace(" ", "")


_TF_VALUES: dict[str, Callable[[RegisterRecord], str]] = {
    "given_name": lambda r: _joined(r.given_name),
    "family_name": lambda r: _joined(r.family_name),
    "town": lambda r: lv.normalise_place(r.town),
    "address_line": lambda r: lv.normalise_place(r.address_line),
}


def field_levels(a: RegisterRecord, b: RegisterRecord) -> tuple[str, ...]:
    """Each field's level for two records, in `FIELDS` order (names read directly, never swapped)."""
    return (
        lv.compare_given(a.given_name, b.given_name, a.middle_name, b.middle_name),
        lv.compare_family(a.family_name, a.previous_family_name, b.family_name, b.previous_family_name),
        lv.compare_dates(a.date_of_birth, b.date_of_birth),
        lv.compare_genders(a.gender, b.gender),
        lv.compare_postcodes(a.postcode, b.postcode),
        lv.compare_address_lines(a.address_line, b.address_line),
        lv.compare_towns(a.town, b.town),
        lv.compare_middle_names(a.middle_name, b.middle_name),
    )


def term_frequencies(records: Sequence[RegisterRecord]) -> dict[str, dict[str, float]]:
    total = len(records) or 1
    result: dict[str, dict[str, float]] = {}
    for name, value_of in _TF_VALUES.items():
        counts = Counter(value for value in map(value_of, records) if value)
        result[name] = {value: count / total for value, count in counts.most_common(_TF_KEEP) if count >= 2}
    return result


def estimate_u(
    records: Sequence[RegisterRecord], rng: random.Random, pairs: int, previous: MatchModel
) -> dict[str, dict[str, float]]:
    counts: dict[str, Counter[str]] = {name: Counter() for name in FIELDS}
    n = len(records)
    for _ in range(pairs if n > 1 else 0):
        i, j = rng.randrange(n), rng.randrange(n - 1)
        j += j >= i
        for name, level in zip(FIELDS, field_levels(records[i], records[j]), strict=True):
            if level != lv.MISSING:
                counts[name][level] += 1
    u: dict[str, dict[str, float]] = {}
    for name, kinds in lv.LEVELS.items():
        seen = sum(counts[name].values())
        if not seen:  # a field the register does not hold: nothing to learn, the previous model stands
            u[name] = {level: previous.levels[name][level].u for level in kinds}
            continue
        # A level never seen among random pairs is rare, not impossible: count it as half a pair.
        u[name] = {level: max(counts[name][level], 0.5) / seen for level in kinds}
    return u


@dataclass(frozen=True, slots=True)
class Session:
    """One EM session: the pairs blocked on some fields, and what it estimated."""

    blocked_on: str
    pairs: int
    iterations: int
    matching_share: float  # the estimated share of the session's pairs that are one learner
    fields: tuple[str, ...]


def _blocked_pairs(
    records: Sequence[RegisterRecord], key: Callable[[RegisterRecord], str], rng: random.Random, limit: int
) -> list[tuple[RegisterRecord, RegisterRecord]]:
    groups: defaultdict[str, list[RegisterRecord]] = defaultdict(list)
    for record in records:
        value = key(record)
        if value:
            groups[value].append(record)
    pairs: list[tuple[RegisterRecord, RegisterRecord]] = []
    for group in groups.values():
        if len(group) <= 60:
            pairs += combinations(group, 2)
        else:  # a big bucket (a common name): a sample of its pairs, as many as a bucket of 60 gives
            pairs += ((group[i], group[j]) for i, j in (rng.sample(range(len(group)), 2) for _ in range(1770)))
    return rng.sample(pairs, limit) if len(pairs) > limit else pairs


def _settled_share(
    patterns: Counter[tuple[str, ...]], fields: tuple[str, ...], m: dict[str, dict[str, float]],
    u: dict[str, dict[str, float]],
) -> float:
    """The session's share of one learner's pairs with the starting m held: starting from a guess, the first
    M-step would otherwise take that guess's mistakes for the register's."""
    total = max(sum(patterns.values()), 1)
    weights = {pattern: sum(math.log2(m[name][level] / u[name][level])
                            for name, level in zip(fields, pattern, strict=True) if level != lv.MISSING)
               for pattern in patterns}  # fmt: skip
    share = 0.01
    for _ in range(50):
        odds = math.log2(share / (1 - share))
        settled = min(max(sum(probability(odds + weights[p]) * c for p, c in patterns.items()) / total, 1e-6), 1 - 1e-6)
        if abs(settled - share) < 1e-6:
            return settled
        share = settled
    return share


def _em(
    patterns: Counter[tuple[str, ...]],
    fields: tuple[str, ...],
    m: dict[str, dict[str, float]],
    u: dict[str, dict[str, float]],
    iterations: int = 30,
    prior_pairs: float = 50.0,
) -> tuple[dict[str, dict[str, float]], int, float]:
    """Expectation maximisation of m for `fields` over level patterns (in `fields` order); u stays fixed.

    The starting m counts as `prior_pairs` pairs of one learner already seen, so a level the register's duplicates
    happen not to show keeps about its starting m instead of falling to nothing."""
    start = {name: dict(m[name]) for name in fields}
    share = _settled_share(patterns, fields, m, u)
    done = 0
    while done < iterations:
        done += 1
        totals: dict[str, defaultdict[str, float]] = {name: defaultdict(float) for name in fields}
        matched = 0.0
        for pattern, count in patterns.items():
            weight = math.log2(share / (1 - share))
            for name, level in zip(fields, pattern, strict=True):
                if level != lv.MISSING:
                    weight += math.log2(m[name][level] / u[name][level])
            p = probability(weight) * count
            matched += p
            for name, level in zip(fields, pattern, strict=True):
                if level != lv.MISSING:
                    totals[name][level] += p
        previous = {name: dict(m[name]) for name in fields}
        for name in fields:
            seen = sum(totals[name].values())
            if seen > 0:
                m[name] = {level: max((totals[name][level] + prior_pairs * start[name][level]) / (seen + prior_pairs),
                                      _SMALLEST_M) for level in lv.LEVELS[name]}  # fmt: skip
        share = min(max(matched / max(sum(patterns.values()), 1), 1e-6), 1 - 1e-6)
        change = max(abs(m[name][level] - previous[name][level]) for name in fields for level in m[name])
        if change < 1e-4:
            break
    return m, done, share


# Each session: its name, its blocking key, the fields it blocks on (left out of its likelihood) and the fields
# whose m it estimates for the model.
def _plausible(m: dict[str, dict[str, float]], u: dict[str, dict[str, float]], kept: frozenset[str]) -> bool:
    """Whether the class EM called "one learner" is: exact agreement more likely in it than among strangers."""
    strongest = {name: lv.LEVELS[name][0] for name in kept if name in m}
    return all(m[name][level] > u[name][level] for name, level in strongest.items())


_SESSIONS: tuple[tuple[str, Callable[[RegisterRecord], str], frozenset[str], frozenset[str]], ...] = (
    # Where a learner lives is left out of the first session: a household shares it as one learner's records do.
    ("date of birth and postcode district",
     lambda r: f"{r.date_of_birth.isoformat()}:{lv.known_postcode(r.postcode)[:-3]}",
     frozenset({"date_of_birth", "postcode", "address_line", "town"}),
     frozenset({"given_name", "family_name", "middle_name", "gender"})),
    # Address line and town are left out of the second: with the postcode they are one household's evidence three
    # times over, and EM would take people living in one place for one learner.
    ("given and family name", lambda r: f"{_joined(r.given_name)}:{_joined(r.family_name)}",
     frozenset({"given_name", "family_name", "address_line", "town"}), frozenset({"date_of_birth", "postcode"})),
)  # fmt: skip


@dataclass(frozen=True)
class TrainingReport:
    model: MatchModel
    records: int
    u_pairs: int
    sessions: tuple[Session, ...]
    rule_pairs: int  # pairs agreeing exactly on given name, family name and date of birth (for the prior)
    changes: tuple[tuple[str, str, float, float], ...] = field(default=())  # field, level, weight before, after


def _prior(records: Sequence[RegisterRecord], m: dict[str, dict[str, float]]) -> tuple[float, int]:
    groups = Counter((_joined(r.given_name), _joined(r.family_name), r.date_of_birth) for r in records)
    agreeing = sum(count * (count - 1) // 2 for count in groups.values())
    recall = (
        (m["given_name"][lv.EXACT] + m["given_name"][lv.NORMALISED])
        * (m["family_name"][lv.EXACT] + m["family_name"][lv.NORMALISED])
        * m["date_of_birth"][lv.EXACT]
    )
    n = len(records)
    all_pairs = max(n * (n - 1) / 2, 1)
    # No such pair in a small register is no proof of no duplicates: count half a pair, as for u.
    return min(max(agreeing, 0.5) / max(recall, 1e-3) / all_pairs, 0.5), agreeing


def fitted_to_register(model: MatchModel, records: Sequence[RegisterRecord]) -> MatchModel:
    """`model` with the facts of the register that one pass over its records tells (the name, town and address
    frequencies, the prior and the register's size), when it was not estimated from a register: the hand-written
    default does not know which names are common here. A trained model is returned as it is, and so is any
    model for a register too small for its frequencies to say more than the written weights."""
    if model.term_frequencies or len(records) < FIT_MINIMUM:
        return model
    m = {name: {level: p.m for level, p in kinds.items()} for name, kinds in model.levels.items()}
    return replace(model, term_frequencies=term_frequencies(records), term_frequency_floor=1 / len(records),
                   prior=_prior(records, m)[0], register_size=len(records))  # fmt: skip


def household_share(records: Sequence[RegisterRecord], rng: random.Random, previous: float) -> float:
    """Of two people at one postcode whose given names differ wholly (so two people), the share with one family
    name; `previous` when the register has no such pairs."""
    pairs = _blocked_pairs(records, lambda r: lv.known_postcode(r.postcode), rng, 100_000)
    people = [(a, b) for a, b in pairs if lv.compare_given(a.given_name, b.given_name) == lv.DIFFERENT]
    if len(people) < 20:
        return previous
    shared = sum(lv.compare_family(a.family_name, None, b.family_name, None) in lv.TERM_FREQUENCY_LEVELS
                 for a, b in people)  # fmt: skip
    return min(max(shared / len(people), 0.02), 0.98)


def train(
    records: Sequence[RegisterRecord],
    previous: MatchModel,
    rng: random.Random,
    *,
    version: str,
    u_pairs: int = 300_000,
    em_pairs: int = 300_000,
    trained_at: str = "",
    m_prior_pairs: float = 50.0,
    em_iterations: int = 30,
    learn_m: bool = False,
    register_size: int | None = None,
) -> TrainingReport:
    """A model estimated from `records`; the report says what changed. m is `previous`'s unless `learn_m`: then
    EM estimates it, starting from `previous`'s m counted as `m_prior_pairs` pairs already seen. `register_size`
    is the register's count when `records` is a sample of it."""
    if len(records) < 2:
        raise ValueError("a match model needs at least two learners to learn from")
    u = estimate_u(records, rng, u_pairs, previous)
    m = {name: {level: previous.levels[name][level].m for level in kinds} for name, kinds in lv.LEVELS.items()}
    sessions: list[Session] = []
    for blocked_on, key, left_out, kept in _SESSIONS if learn_m else ():
        fields = tuple(name for name in FIELDS if name not in left_out)
        pairs = _blocked_pairs(records, key, rng, em_pairs)
        index = [FIELDS.index(name) for name in fields]
        patterns = Counter(tuple(levels[i] for i in index) for levels in (field_levels(a, b) for a, b in pairs))
        start = {name: dict(m[name]) for name in fields}
        estimated, iterations, share = _em(patterns, fields, start, u, em_iterations, m_prior_pairs)
        if _plausible(estimated, u, kept):
            for name in kept:
                m[name] = estimated[name]
        else:
            iterations = 0  # EM settled on the wrong class (too few pairs of one learner): the session is dropped
        sessions.append(Session(blocked_on, len(pairs), iterations, share, tuple(sorted(kept))))
    prior, rule_pairs = _prior(records, m)
    model = MatchModel(
        version=version,
        prior=prior,
        levels={name: {level: Level(m[name][level], u[name][level]) for level in kinds}
                for name, kinds in lv.LEVELS.items()},  # fmt: skip
        term_frequencies=term_frequencies(records),
        term_frequency_floor=1 / len(records),
        swap_weight=previous.swap_weight,
        household_family_share=household_share(records, rng, previous.household_family_share),
        register_size=register_size or len(records),
        trained={"records": len(records), "u_pairs": u_pairs, "at": trained_at,
                 "sessions": [s.blocked_on for s in sessions]},  # fmt: skip
    )
    changes = tuple(
        (name, level, previous.weight(name, level), model.weight(name, level))
        for name, kinds in lv.LEVELS.items()
        for level in kinds
    )
    return TrainingReport(model, len(records), u_pairs, tuple(sessions), rule_pairs, changes)
