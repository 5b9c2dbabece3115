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
from typing import Protocol

from ..names import normalise_name, normalise_postcode
from . import levels as lv
from .model import MatchModel, probability
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


@dataclass(frozen=True, slots=True)
class _Names:
    given: FieldEvidence
    family: FieldEvidence
    swapped: bool

    @property
    def weight(self) -> float:
        return self.given.weight + self.family.weight

    @property
    def alike(self) -> bool:
        return lv.WEAK_NAME_LEVELS.isdisjoint((self.given.level, self.family.level))


class Scorer:
    """Compares two people's details field by field with one match model."""

    def __init__(self, model: MatchModel) -> None:
        self.model = model
        self._prior = model.prior_weight

    @property
    def prior_weight(self) -> float:
        return self._prior

    def _name(self, name: str, level: str, a: str, b: str, shown: tuple[str, str]) -> FieldEvidence:
        value = _joined(a) if level in lv.TERM_FREQUENCY_LEVELS else ""
        weight = self.model.weight(name, level, value)
        if level in (lv.EXACT, lv.MISSING) or (level == lv.PREVIOUS and name != "family_name"):
            return FieldEvidence(name, level, weight)
        label = "given name" if name == "given_name" else "family name"
        if level == lv.PREVIOUS:
            return FieldEvidence(name, level, weight, "family name matches the previous family name")
        return FieldEvidence(name, level, weight, f"{label} {_NAME_WORDS[level]} ({shown[0]} / {shown[1]})")

    def _names(self, a: Person, b: Person, gender_differs: bool) -> _Names:
        middle_a, middle_b = getattr(a, "middle_name", None), getattr(b, "middle_name", None)

        def reading(
            ga: str, fa: str, prev_a: str | None, gb: str, fb: str, prev_b: str | None, swapped: bool
        ) -> _Names:
            given = lv.compare_given(ga, gb, None if swapped else middle_a, None if swapped else middle_b)
            if gender_differs and given not in (lv.EXACT, lv.NORMALISED, lv.MISSING):
                given = lv.DIFFERENT  # alike names of two genders: Oliver and Olivia
            family = lv.compare_family(fa, prev_a, fb, prev_b)
            return _Names(
                self._name("given_name", given, ga, gb, (ga, gb)),
                self._name("family_name", family, fa, fb, (fa, fb)),
                swapped,
            )

        pa, pb = getattr(a, "previous_family_name", None) or None, getattr(b, "previous_family_name", None) or None
        direct = reading(a.given_name, a.family_name, pa, b.given_name, b.family_name, pb, False)
        if direct.given.level == direct.family.level == lv.EXACT:
            return direct
        # Either side read swapped keeps the comparison symmetric in a and b.
        readings = [direct]
        for crosswise in (
            reading(a.family_name, a.given_name, None, b.given_name, b.family_name, pb, True),
            reading(a.given_name, a.family_name, pa, b.family_name, b.given_name, None, True),
        ):
            if crosswise.alike and crosswise.weight + self.model.swap_weight > direct.weight:
                readings.append(crosswise)
        return max(readings, key=lambda names: names.weight + (self.model.swap_weight if names.swapped else 0.0))

    def _field(self, name: str, level: str, value: str = "", reason: str | None = None) -> FieldEvidence:
        return FieldEvidence(name, level, self.model.weight(name, level, value), reason)

    def compare(self, a: Person, b: Person) -> Comparison:
        gender = lv.compare_genders(a.gender, b.gender)
        names = self._names(a, b, gender_differs=gender == lv.DIFFERENT)
        evidence = [names.given, names.family]
        if names.swapped:
            evidence.insert(0, FieldEvidence("names", "swapped", self.model.swap_weight,
                                             "given and family names are swapped"))  # fmt: skip
        dob = lv.compare_dates(a.date_of_birth, b.date_of_birth)
        evidence.append(self._field("date_of_birth", dob, reason=_date_reason(dob, a.date_of_birth, b.date_of_birth)))
        evidence.append(self._field("gender", gender, reason=_GENDER_REASONS.get(gender)))
        postcode_a, postcode_b = getattr(a, "postcode", None), getattr(b, "postcode", None)
        if postcode_a is not None and postcode_b is not None:
            evidence.append(self._postcode(postcode_a, postcode_b))
        if isinstance(a, RegisterRecord) and isinstance(b, RegisterRecord):
            evidence += self._record_fields(a, b)
        weight = sum(item.weight for item in evidence)
        twins = self._twins(names, dob, evidence)
        if twins:
            evidence.append(FieldEvidence("names", TWINS, 0.0, TWINS_REASON))
        return Comparison(weight, tuple(evidence), twins, names.alike)

    def _postcode(self, a: str, b: str) -> FieldEvidence:
        level = lv.compare_postcodes(a, b)
        if level == lv.MISSING and normalise_postcode(a) != normalise_postcode(b):
            return self._field("postcode", level, reason="postcode is missing on one side")
        reason = f"{_POSTCODE_WORDS[level]} ({a} / {b})" if level in _POSTCODE_WORDS else None
        return self._field("postcode", level, reason=reason)

    def _record_fields(self, a: RegisterRecord, b: RegisterRecord) -> list[FieldEvidence]:
        address = lv.compare_address_lines(a.address_line, b.address_line)
        town = lv.compare_towns(a.town, b.town)
        middle = lv.compare_middle_names(a.middle_name, b.middle_name)
        shown = {
            "address_line": f"({a.address_line} / {b.address_line})",
            "town": f"({a.town} / {b.town})",
            "middle_name": f"({a.middle_name} / {b.middle_name})",
        }
        return [
            self._field("address_line", address, lv.normalise_place(a.address_line),
                        _differs("address", address, shown["address_line"])),
            self._field("town", town, lv.normalise_place(a.town), _differs("town", town, shown["town"])),
            self._field("middle_name", middle, reason=_middle_reason(middle, shown["middle_name"])),
        ]  # fmt: skip

    @staticmethod
    def _twins(names: _Names, dob: str, evidence: list[FieldEvidence]) -> bool:
        if names.swapped or names.given.level not in lv.WEAK_NAME_LEVELS:
            return False
        if names.family.level in lv.WEAK_NAME_LEVELS or names.family.level == lv.MISSING:
            return False
        if dob not in (lv.EXACT, lv.SWAPPED, lv.TRANSPOSED, lv.ONE_DIGIT):
            return False
        return not any(item.field == "middle_name" and item.level == lv.EXACT for item in evidence)

    def scored(self, query: Demographics, record: RegisterRecord, exact: bool) -> ScoredRecord:
        comparison = self.compare(query, record)
        total = comparison.weight + self._prior
        return ScoredRecord(record, total, exact, comparison.reasons, probability(total), comparison.evidence)

    def pair(self, a: RegisterRecord, b: RegisterRecord) -> tuple[DuplicatePair, bool]:
        """A scored pair, and whether it shows the twins-and-siblings pattern."""
        comparison = self.compare(a, b)
        total = comparison.weight + self._prior
        pair = DuplicatePair(a, b, total, comparison.reasons, probability(total), comparison.evidence)
        return pair, comparison.twins


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

