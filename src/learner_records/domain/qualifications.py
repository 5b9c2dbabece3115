"""The qualification and unit catalogue: reference numbers, titles, levels, credits and grade schemes.

Reference formats: a regulated qualification number (QAN) `601/8675/3`, a unit reference `K/501/5773`, or an
8-character learning aim code `50079116` / `1000323X`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .errors import InvalidField, InvalidFields


class ReferenceKind(StrEnum):
    QUALIFICATION = "qualification"
    UNIT = "unit"
    LEARNING_AIM = "learning_aim"


_FORMATS = [
    (ReferenceKind.QUALIFICATION, re.compile(r"^[0-9]{3}/[0-9]{4}/[0-9X]$")),
    (ReferenceKind.UNIT, re.compile(r"^[A-Z]/[0-9]{3}/[0-9]{4}$")),
    (ReferenceKind.LEARNING_AIM, re.compile(r"^[0-9A-Z]{8}$")),
]
REFERENCE_RULE = "a QAN like 601/8675/3, a unit reference like K/501/5773, or an 8-character learning aim code"
_UKPRN = re.compile(r"^[0-9A-Za-z]{8}$")
COLUMNS = ("reference", "title", "qualification_type", "level", "credits", "awarding_organisation_name",
           "awarding_organisation_ukprn", "regulated", "grades")  # fmt: skip


def reference_kind(reference: str, field: str = "UnitOrQualificationReferenceNumber") -> ReferenceKind:
    text = reference.strip().upper()
    for kind, pattern in _FORMATS:
        if pattern.match(text):
            return kind
    raise InvalidField(field, f"{reference!r} is not a reference number", REFERENCE_RULE)


def normalise_reference(reference: str) -> str:
    return reference.strip().upper()


@dataclass(frozen=True, slots=True)
class Qualification:
    reference: str
    kind: ReferenceKind
    title: str
    qualification_type: str
    level: str
    credits: int | None
    awarding_organisation_name: str
    awarding_organisation_ukprn: str | None
    regulated: bool
    grades: tuple[str, ...]  # the grades an award may carry, in the scheme's order

    def allows_grade(self, grade: str | None) -> bool:
        return grade is None or grade in self.grades


def _text(raw: Mapping[str, object], name: str, limit: int, problems: list[InvalidField], required: bool = True) -> str:
    value = str(raw.get(name) or "").strip()
    if required and not value:
        problems.append(InvalidField(name, "is missing", "mandatory"))
    elif len(value) > limit:
        problems.append(InvalidField(name, f"has {len(value)} characters", f"at most {limit} characters"))
    return value


def parse_qualification(raw: Mapping[str, object]) -> Qualification:
    """A catalogue entry from text fields (a CSV row); every problem is reported at once."""
    problems: list[InvalidField] = []
    reference = normalise_reference(str(raw.get("reference") or ""))
    kind = ReferenceKind.QUALIFICATION
    try:
        kind = reference_kind(reference, "reference")
    except InvalidField as problem:
        problems.append(problem)
    title = _text(raw, "title", 254, problems)
    qualification_type = _text(raw, "qualification_type", 60, problems)
    level = _text(raw, "level", 30, problems)
    ao_name = _text(raw, "awarding_organisation_name", 254, problems)
    ao_ukprn = _text(raw, "awarding_organisation_ukprn", 8, problems, required=False) or None
    if ao_ukprn and not _UKPRN.match(ao_ukprn):
        wrong = f"{ao_ukprn!r} is not 8 letters or digits"
        problems.append(InvalidField("awarding_organisation_ukprn", wrong, "UKPRN"))
    credits_text = _text(raw, "credits", 4, problems, required=False)
    credits = None
    if credits_text:
        if credits_text.isascii() and credits_text.isdigit():
            credits = int(credits_text)
        else:
            problems.append(InvalidField("credits", f"{credits_text!r} is not a whole number", "0-9999"))
    regulated_text = _text(raw, "regulated", 5, problems, required=False).lower() or "yes"
    if regulated_text not in ("yes", "no", "true", "false", "y", "n", "1", "0"):
        problems.append(InvalidField("regulated", f"{regulated_text!r} is not yes or no", "yes or no"))
    grades = tuple(grade.strip() for grade in str(raw.get("grades") or "").split("|") if grade.strip())
    if not grades:
        problems.append(InvalidField("grades", "is missing", "the allowed grades separated by |, e.g. Pass|Merit"))
    if problems:
        raise InvalidFields(problems)
    return Qualification(
        reference=reference,
        kind=kind,
        title=title,
        qualification_type=qualification_type,
        level=level,
        credits=credits,
        awarding_organisation_name=ao_name,
        awarding_organisation_ukprn=ao_ukprn,
        regulated=regulated_text in ("yes", "true", "y", "1"),
        grades=grades,
    )
