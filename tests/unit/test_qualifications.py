from __future__ import annotations

import csv
import io
from importlib import resources

import pytest

from learner_records.domain.errors import InvalidField, InvalidFields
from learner_records.domain.qualifications import (
    COLUMNS,
    Qualification,
    ReferenceKind,
    normalise_reference,
    parse_qualification,
    reference_kind,
)

ROW: dict[str, object] = {
    "reference": "601/8675/3",
    "title": "Certificate in Digital Skills for Work",
    "qualification_type": "Certificate",
    "level": "Level 2",
    "credits": "13",
    "awarding_organisation_name": "Northgate Awards",
    "awarding_organisation_ukprn": "10090001",
    "regulated": "yes",
    "grades": "Pass|Merit|Distinction",
}


def row(**changes: object) -> dict[str, object]:
    return {**ROW, **changes}


def problems_of(raw: dict[str, object]) -> list[InvalidField]:
    with pytest.raises(InvalidFields) as raised:
        parse_qualification(raw)
    return list(raised.value.problems)


# --- reference formats ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "kind"),
    [
        ("601/8675/3", ReferenceKind.QUALIFICATION),
        ("600/7068/X", ReferenceKind.QUALIFICATION),
        ("K/501/5773", ReferenceKind.UNIT),
        ("k/501/5773", ReferenceKind.UNIT),
        ("50079116", ReferenceKind.LEARNING_AIM),
        ("1000323X", ReferenceKind.LEARNING_AIM),
        (" 1000323x ", ReferenceKind.LEARNING_AIM),
    ],
)
def test_qualification_unit_and_learning_aim_references_are_recognised(reference: str, kind: ReferenceKind) -> None:
    assert reference_kind(reference) is kind


@pytest.mark.parametrize(
    "reference",
    ["601/8675", "K501/5773", "601/8675/33", "601/8675/A", "601-8675-3", "6018675/3", "KK/501/5773", "K/501/577",
     "5007911", "500791160", "5007911/", ""],
)  # fmt: skip
def test_a_reference_in_no_known_format_is_refused_naming_the_protocol_field(reference: str) -> None:
    with pytest.raises(InvalidField) as raised:
        reference_kind(reference)
    assert raised.value.field == "UnitOrQualificationReferenceNumber"
    assert "601/8675/3" in raised.value.rule


def test_a_reference_problem_names_the_field_it_was_given() -> None:
    with pytest.raises(InvalidField) as raised:
        reference_kind("601/8675", "reference")
    assert raised.value.field == "reference"


def test_a_reference_is_normalised_to_upper_case_without_surrounding_spaces() -> None:
    assert normalise_reference("  k/501/5773 ") == "K/501/5773"


# --- parse_qualification ----------------------------------------------------------------------------------------------


def test_a_catalogue_row_becomes_a_qualification() -> None:
    assert parse_qualification(row(reference=" 601/8675/3 ", grades=" Pass | Merit |Distinction|")) == Qualification(
        reference="601/8675/3",
        kind=ReferenceKind.QUALIFICATION,
        title="Certificate in Digital Skills for Work",
        qualification_type="Certificate",
        level="Level 2",
        credits=13,
        awarding_organisation_name="Northgate Awards",
        awarding_organisation_ukprn="10090001",
        regulated=True,
        grades=("Pass", "Merit", "Distinction"),
    )


def test_a_unit_row_has_the_unit_kind() -> None:
    assert parse_qualification(row(reference="K/501/5773")).kind is ReferenceKind.UNIT


def test_credits_and_the_awarding_organisations_ukprn_may_be_blank() -> None:
    parsed = parse_qualification(row(credits="", awarding_organisation_ukprn=""))
    assert (parsed.credits, parsed.awarding_organisation_ukprn) == (None, None)


@pytest.mark.parametrize(("text", "regulated"), [("yes", True), ("", True), ("TRUE", True), ("Y", True),
                                                 ("1", True), ("no", False), ("false", False), ("n", False),
                                                 ("0", False)])  # fmt: skip
def test_regulated_is_a_yes_or_no_and_defaults_to_yes(text: str, regulated: bool) -> None:
    assert parse_qualification(row(regulated=text)).regulated is regulated


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reference", "601/8675"),
        ("reference", ""),
        ("title", ""),
        ("title", "T" * 255),
        ("qualification_type", " "),
        ("qualification_type", "Q" * 61),
        ("level", ""),
        ("level", "L" * 31),
        ("awarding_organisation_name", ""),
        ("awarding_organisation_name", "A" * 255),
        ("awarding_organisation_ukprn", "1009-001"),
        ("credits", "ten"),
        ("credits", "-1"),
        ("credits", "1.5"),
        ("regulated", "maybe"),
        ("grades", ""),
        ("grades", " | "),
    ],
)
def test_a_catalogue_field_that_breaks_its_rule_is_named(field: str, value: str) -> None:
    assert [problem.field for problem in problems_of(row(**{field: value}))] == [field]


def test_text_fields_up_to_their_limits_are_accepted() -> None:
    parsed = parse_qualification(row(title="T" * 254, qualification_type="Q" * 60, level="L" * 30, credits="9999"))
    assert (len(parsed.title), len(parsed.qualification_type), len(parsed.level), parsed.credits) == (254, 60, 30, 9999)


def test_every_catalogue_problem_is_reported_at_once() -> None:
    found = problems_of(row(reference="K501/5773", title="", level="", credits="lots", regulated="maybe", grades=""))
    assert [problem.field for problem in found] == ["reference", "title", "level", "credits", "regulated", "grades"]


def test_credits_written_with_a_superscript_digit_are_a_field_problem_not_a_crash() -> None:
    assert [problem.field for problem in problems_of(row(credits="²"))] == ["credits"]


# --- grade schemes ----------------------------------------------------------------------------------------------------


def test_a_grade_in_the_scheme_is_allowed() -> None:
    assert parse_qualification(ROW).allows_grade("Merit")


def test_no_grade_is_allowed() -> None:
    assert parse_qualification(ROW).allows_grade(None)


@pytest.mark.parametrize("grade", ["A*", "merit", "Merit ", ""])
def test_a_grade_outside_the_scheme_is_not_allowed(grade: str) -> None:
    assert not parse_qualification(ROW).allows_grade(grade)


# --- the shipped demo catalogue ---------------------------------------------------------------------------------------


def shipped_rows() -> list[dict[str, str]]:
    text = resources.files("learner_records.data").joinpath("qualifications.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_shipped_catalogue_has_exactly_the_catalogue_columns() -> None:
    text = resources.files("learner_records.data").joinpath("qualifications.csv").read_text(encoding="utf-8")
    assert tuple(next(csv.reader(io.StringIO(text)))) == COLUMNS


def test_every_row_of_the_shipped_catalogue_parses_and_references_are_unique() -> None:
    catalogue = [parse_qualification(raw) for raw in shipped_rows()]
    references = [qualification.reference for qualification in catalogue]
    assert len(catalogue) >= 50
    assert len(set(references)) == len(references)
    assert {qualification.kind for qualification in catalogue} == set(ReferenceKind)
