"""Scoring two learners' records with the match model: every field's level and weight, added up with the prior.

Names are compared directly and crosswise (given and family names swapped, with any level of agreement on
either), and the better reading counts, less the model's swap weight. The weights add up: no field on its own
can outweigh all the others, so a pair identical but for one wholly different field stays a possible match.

One pattern is not left to the weights: a wholly different given name (or alike given names of two known,
different genders, as Oliver and Olivia) beside an agreeing family name and date of birth is what twins and
siblings look like. Such a pair is never a probable duplicate, whatever else agrees, unless both records carry
the same middle name (then the given name was mistyped or replaced). Find-by-demographics still lists it as a
possible match, saying so, for a person to judge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, Protocol

from ..names import normalise_name, normalise_postcode
from . import levels as lv
from .model import MatchModel, probability, weight_of
from .records import Demographics, DuplicatePair, FieldEvidence, RegisterRecord, ScoredRecord


class Person(Protocol):
    """What is compared: a query (find or verify) or a register record. A verify may leave out the date of birth
    and gender, and has no postcode."""

    @property
    def given_name(self) -> str: ...
    @property
    def family_name(self) -> str: ...
    @property
    def date_of_birth(self) -> date | None: ...
    @property
    def gender(self) -> int | None: ...


TWINS = "twins"
TWINS_REASON = "given names differ where family name and date of birth agree: may be twins or siblings"

_NAME_WORDS = {
    lv.NORMALISED: "differs only in case, accents, spacing or punctuation",
    lv.NICKNAME: "is a nickname",
    lv.MIDDLE: "is the other record's middle name",
    lv.EDIT_1: "differs only by a typo",
    lv.PART: "shares a part",
    lv.EDIT_2: "differs by two letters",
    lv.JARO_WINKLER_92: "is spelt alike",
    lv.PHONETIC: "sounds alike",
    lv.NICKNAME_EDIT: "is a misspelt nickname",
    lv.JARO_WINKLER_80: "is somewhat alike",
    lv.INITIAL: "is an initial",
    lv.DIFFERENT: "differs",
}
_DATE_WORDS = {
    lv.SWAPPED: "has day and month swapped",
    lv.TRANSPOSED: "has two digits transposed",
    lv.ONE_DIGIT: "differs by one digit",
    lv.YEAR_MONTH: "differs, same year and month",
    lv.WITHIN_YEAR: "differs by less than a year",
    lv.DIFFERENT: "differs",
}
_POSTCODE_WORDS = {
    lv.ONE_CHARACTER: "postcode differs by one character",
    lv.SECTOR: "postcode differs, same sector (moved nearby?)",
    lv.DISTRICT: "postcode differs, same district (moved nearby?)",
    lv.AREA: "postcode differs, same area (moved?)",
    lv.DIFFERENT: "postcode differs (moved?)",
}


@dataclass(frozen=True, slots=True)
class Comparison:
    weight: float  # without the prior
    evidence: tuple[FieldEvidence, ...]
    twins: bool  # the twins-and-siblings pattern (module docs)
    names_alike: bool  # both names agree at a level above the weak ones, directly or crosswise

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(item.reason for item in self.evidence if item.reason)


def _joined(name: str | None) -> str:
    return normalise_name(name).replace(" ", "") if name else ""


class _Levels(NamedTuple):
    """Every field's level for two people, with the values their weights depend on."""

    given: str
    family: str
    swapped: bool
    names: tuple[str, str, str, str]  # given a, given b, family a, family b, as read (crosswise when swapped)
    frequency_values: tuple[str, str]  # the given and family names whose frequencies weigh an exact agreement
    dob: str
    gender: str
    postcode: str | None  # None: not compared (a verify has no postcode)
    address: str
    town: str
    middle: str
    places: tuple[str, str]  # a's address line and town, normalised, for their frequencies

    @property
    def names_alike(self) -> bool:
        return lv.WEAK_NAME_LEVELS.isdisjoint((self.given, self.family))

    @property
    def twins(self) -> bool:
        """The twins-and-siblings pattern (module docs)."""
        return (
            not self.swapped
            and self.given in _TWIN_GIVEN_LEVELS
            and self.family not in lv.WEAK_NAME_LEVELS
            and self.family != lv.MISSING
            and self.dob in (lv.EXACT, lv.SWAPPED, lv.TRANSPOSED, lv.ONE_DIGIT)
            and self.middle != lv.EXACT
        )

    @property
    def household(self) -> bool:
        """Both records at one address: a family name shared there says little (households share one)."""
        return self.address == lv.EXACT or self.postcode in (lv.EXACT, lv.ONE_CHARACTER, lv.SECTOR)


# Given names of twins: different, or only somewhat alike (Ella and Emma). An initial fits the learner's own name.
_TWIN_GIVEN_LEVELS = frozenset({lv.DIFFERENT, lv.JARO_WINKLER_80})

# Town is implied by a postcode that agrees down to its district: counted again it would be the same evidence twice.
_TOWN_IMPLIED = frozenset({lv.EXACT, lv.ONE_CHARACTER, lv.SECTOR, lv.DISTRICT})


class _Weights(NamedTuple):
    given: float
    family: float
    swap: float
    dob: float
    gender: float
    postcode: float
    address: float
    town: float
    middle: float


def _name_reason(name: str, level: str, shown: tuple[str, str]) -> str | None:
    if level in (lv.EXACT, lv.MISSING):
        return None
    if level == lv.PREVIOUS:
        return "family name matches the previous family name"
    label = "given name" if name == "given_name" else "family name"
    return f"{label} {_NAME_WORDS[level]} ({shown[0]} / {shown[1]})"


def _frequency_value(name: str, level: str) -> str:
    return _joined(name) if level in lv.TERM_FREQUENCY_LEVELS else ""


class Scorer:
    """Compares two people's details field by field with one match model: first each field's level, then the
    weights (all the duplicate scan needs for most pairs), then, for an answer shown, the evidence and reasons.

    Three dependencies between fields are allowed for: agreeing address line and postcode count as the stronger
    of the two, not both (one house has one postcode); a town counts only where the postcodes do not already say it
    (they differ beyond their district, and a different town beside a postcode of another area adds nothing), and
    where the given names differ, a family name agreeing at one address
    weighs as the share of two people at one address who share a family name, not as the name's frequency in the
    register: brothers and sisters share it. (Where the given names agree, siblings are ruled out, as they are
    not given one name, so the family name keeps its full weight.)"""

    def __init__(self, model: MatchModel) -> None:
        self.model = model
        self._prior = model.prior_weight
        self._find_prior = weight_of(model.find_prior)
        self._swap = model.swap_weight
        self._weight = model.weight

    @property
    def prior_weight(self) -> float:
        return self._prior

    def _reading(
        self, a: tuple[str, str, str | None], b: tuple[str, str, str | None], frequency_side: str,
        middles: tuple[str | None, str | None], gender_differs: bool, crosswise: bool = False,
    ) -> tuple[str, str, float, tuple[str, str]]:  # fmt: skip
        """Given and family levels of one reading; a and b are (given, family, previous family) as read."""
        given = lv.compare_given(a[0], b[0], *middles)
        if gender_differs and given not in (lv.EXACT, lv.NORMALISED, lv.MISSING):
            given = lv.DIFFERENT  # alike names of two genders: Oliver and Olivia
        family = lv.compare_family(a[1], a[2], b[1], b[2])
        # Frequencies come from the side whose value sits in its own field (a crosswise reading swaps one side).
        values = (_frequency_value(a[0] if frequency_side == "a" else b[0], given),
                  _frequency_value(a[1] if frequency_side == "a" else b[1], family))  # fmt: skip
        weight = (self._weight("given_name", given, values[0], as_either_name=crosswise)
                  + self._weight("family_name", family, values[1], as_either_name=crosswise))  # fmt: skip
        return given, family, weight, values

    def levels(self, a: Person, b: Person) -> _Levels:
        gender = lv.compare_genders(a.gender, b.gender)
        differs = gender == lv.DIFFERENT
        middle_a, middle_b = getattr(a, "middle_name", None), getattr(b, "middle_name", None)
        pa, pb = getattr(a, "previous_family_name", None) or None, getattr(b, "previous_family_name", None) or None
        ga, fa, gb, fb = a.given_name, a.family_name, b.given_name, b.family_name
        given, family, weight, values = self._reading((ga, fa, pa), (gb, fb, pb), "a", (middle_a, middle_b), differs)
        names, swapped = (ga, gb, fa, fb), False
        if given in lv.WEAK_NAME_LEVELS or family in lv.WEAK_NAME_LEVELS:
            # Either side read swapped keeps the comparison symmetric in a and b.
            for x, y, side in (((fa, ga, None), (gb, fb, pb), "b"), ((ga, fa, pa), (fb, gb, None), "a")):
                g, f, w, v = self._reading(x, y, side, (None, None), differs, crosswise=True)
                if lv.WEAK_NAME_LEVELS.isdisjoint((g, f)) and w + self._swap > weight + (self._swap if swapped else 0):
                    given, family, weight, values, swapped = g, f, w, v, True
                    names = (x[0], y[0], x[1], y[1])
        postcode_a, postcode_b = getattr(a, "postcode", None), getattr(b, "postcode", None)
        address_a, town_a = getattr(a, "address_line", None), getattr(a, "town", None)
        records = isinstance(a, RegisterRecord) and isinstance(b, RegisterRecord)
        return _Levels(
            given, family, swapped, names, values,
            lv.compare_dates(a.date_of_birth, b.date_of_birth), gender,
            None if postcode_a is None or postcode_b is None else lv.compare_postcodes(postcode_a, postcode_b),
            lv.compare_address_lines(address_a, b.address_line) if records else lv.MISSING,  # type: ignore[attr-defined]
            lv.compare_towns(town_a, b.town) if records else lv.MISSING,  # type: ignore[attr-defined]
            lv.compare_middle_names(middle_a, middle_b) if records else lv.MISSING,
            (lv.normalise_place(address_a), lv.normalise_place(town_a)),
        )  # fmt: skip

    def _weights(self, levels: _Levels) -> _Weights:
        w = self._weight
        crosswise = levels.swapped
        family = w("family_name", levels.family, levels.frequency_values[1], as_either_name=crosswise)
        if levels.household and levels.given in lv.WEAK_NAME_LEVELS and levels.family in lv.TERM_FREQUENCY_LEVELS:
            family = self.model.household_weight()
        town = w("town", levels.town, levels.places[1])
        if levels.postcode in _TOWN_IMPLIED or levels.postcode == lv.DIFFERENT and levels.town == lv.DIFFERENT:
            town = 0.0
        postcode = 0.0 if levels.postcode is None else w("postcode", levels.postcode)
        address = w("address_line", levels.address, levels.places[0])
        if address > 0 and postcode > 0:
            address = max(address - postcode, 0.0)  # one house, one postcode: the stronger says it, once
        return _Weights(
            w("given_name", levels.given, levels.frequency_values[0], as_either_name=crosswise), family,
            self._swap if levels.swapped else 0.0,
            w("date_of_birth", levels.dob), w("gender", levels.gender), postcode, address, town,
            w("middle_name", levels.middle),
        )  # fmt: skip

    def weight(self, levels: _Levels) -> float:
        """The match weight of `levels` without the prior."""
        return sum(self._weights(levels))

    def evidence(self, levels: _Levels, a: Person, b: Person) -> tuple[FieldEvidence, ...]:
        """Each field's level, weight and reason, as an answer shows them."""
        weights = self._weights(levels)
        ga, gb, fa, fb = levels.names
        items: list[FieldEvidence] = []
        if levels.swapped:
            items.append(FieldEvidence("names", "swapped", weights.swap, "given and family names are swapped"))
        items.append(FieldEvidence("given_name", levels.given, weights.given, _name_reason("given_name", levels.given,
                                                                                             (ga, gb))))  # fmt: skip
        items.append(FieldEvidence("family_name", levels.family, weights.family,
                                   _name_reason("family_name", levels.family, (fa, fb))))  # fmt: skip
        items.append(FieldEvidence("date_of_birth", levels.dob, weights.dob,
                                   _date_reason(levels.dob, a.date_of_birth, b.date_of_birth)))  # fmt: skip
        items.append(FieldEvidence("gender", levels.gender, weights.gender, _GENDER_REASONS.get(levels.gender)))
        if levels.postcode is not None:
            items.append(_postcode_evidence(levels.postcode, weights.postcode, getattr(a, "postcode", ""),
                                            getattr(b, "postcode", "")))  # fmt: skip
        if isinstance(a, RegisterRecord) and isinstance(b, RegisterRecord):
            items += [
                FieldEvidence("address_line", levels.address, weights.address,
                              _differs("address", levels.address, f"({a.address_line} / {b.address_line})")),
                FieldEvidence("town", levels.town, weights.town,
                              _differs("town", levels.town, f"({a.town} / {b.town})")),
                FieldEvidence("middle_name", levels.middle, weights.middle,
                              _middle_reason(levels.middle, f"({a.middle_name} / {b.middle_name})")),
            ]  # fmt: skip
        if levels.twins:
            items.append(FieldEvidence("names", TWINS, 0.0, TWINS_REASON))
        return tuple(items)

    def compare(self, a: Person, b: Person) -> Comparison:
        levels = self.levels(a, b)
        return Comparison(self.weight(levels), self.evidence(levels, a, b), levels.twins, levels.names_alike)

    def scored(self, query: Demographics, record: RegisterRecord, exact: bool) -> ScoredRecord:
        """A register record as an answer to a find query: its weight and probability from the find prior."""
        comparison = self.compare(query, record)
        total = comparison.weight + self._find_prior
        return ScoredRecord(record, total, exact, comparison.reasons, probability(total), comparison.evidence)

    def pair(self, a: RegisterRecord, b: RegisterRecord) -> tuple[DuplicatePair, bool]:
        """A scored pair, and whether it shows the twins-and-siblings pattern."""
        comparison = self.compare(a, b)
        total = comparison.weight + self._prior
        pair = DuplicatePair(a, b, total, comparison.reasons, probability(total), comparison.evidence)
        return pair, comparison.twins

    def pair_weight(self, a: RegisterRecord, b: RegisterRecord) -> tuple[float, bool]:
        """Only the match weight (with the prior) and the twins pattern: the duplicate scan's first pass."""
        levels = self.levels(a, b)
        return self.weight(levels) + self._prior, levels.twins


def _postcode_evidence(level: str, weight: float, a: str, b: str) -> FieldEvidence:
    if level == lv.MISSING and normalise_postcode(a) != normalise_postcode(b):
        return FieldEvidence("postcode", level, weight, "postcode is missing on one side")
    reason = f"{_POSTCODE_WORDS[level]} ({a} / {b})" if level in _POSTCODE_WORDS else None
    return FieldEvidence("postcode", level, weight, reason)


_GENDER_REASONS = {lv.NOT_KNOWN: "gender is not known on one side", lv.DIFFERENT: "gender differs"}


def _date_reason(level: str, a: date | None, b: date | None) -> str | None:
    if level in (lv.EXACT, lv.MISSING):
        return None
    shown = "" if level == lv.SWAPPED else f" ({a} / {b})"
    return f"date of birth {_DATE_WORDS[level]}{shown}"


def _differs(label: str, level: str, shown: str) -> str | None:
    return {lv.SIMILAR: f"{label} is alike {shown}", lv.DIFFERENT: f"{label} differs {shown}"}.get(level)


def _middle_reason(level: str, shown: str) -> str | None:
    return {lv.SIMILAR: f"middle name is alike {shown}", lv.DIFFERENT: f"middle names differ {shown}"}.get(level)

