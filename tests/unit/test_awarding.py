"""The awarding rules: registration fields, validation outcome -> anomaly and fix, the removal clock, certificates."""

from __future__ import annotations

from datetime import date

import pytest

from learner_records.domain.awarding import (
    Anomaly,
    AnomalyKind,
    FixKind,
    RegistrationDetails,
    SuggestedFix,
    UlnState,
    apply_fix,
    assess,
    certificate_uln,
    parse_registration,
    removal_date,
)
from learner_records.domain.codes import FailureFlag, VerificationCode
from learner_records.domain.errors import InvalidFields
from learner_records.domain.matching import RegisterRecord, VerificationResult

REGISTERED = date(2026, 9, 1)
REMOVAL = date(2026, 9, 29)
ULN = "1026893096"
MASTER = "6936002314"
SENT = RegistrationDetails("Katherine", "Jones", date(2009, 4, 17), 2, "CV4 9EE", ULN, "R1")
HELD = RegisterRecord(ULN, "Katherine", "Smith-Jones", date(2009, 4, 17), 2, "CV4 9EE")
EXACT = RegisterRecord(ULN, "Katherine", "Jones", date(2009, 4, 17), 2, "CV4 9EE")
VALID_ROW: dict[str, object] = {"given_name": "Ann", "family_name": "Lee", "date_of_birth": "2009-01-01", "gender": "2"}

F = FailureFlag


def outcome(
    code: VerificationCode,
    *flags: FailureFlag,
    register: RegisterRecord | None = HELD,
    sent: RegistrationDetails = SENT,
    today: date = REGISTERED,
) -> UlnState | Anomaly:
    return assess(sent, VerificationResult(code, flags, ()), register, REGISTERED, today)


def anomaly(
    code: VerificationCode,
    *flags: FailureFlag,
    register: RegisterRecord | None = HELD,
    sent: RegistrationDetails = SENT,
    today: date = REGISTERED,
) -> Anomaly:
    found = outcome(code, *flags, register=register, sent=sent, today=today)
    assert isinstance(found, Anomaly)
    return found


def sent_with(**changes: object) -> RegistrationDetails:
    return apply_fix(SENT, SuggestedFix(FixKind.CHECK_ULN, "", tuple((k, str(v)) for k, v in changes.items())))


def not_found() -> Anomaly:
    return anomaly(VerificationCode.ULN_NOT_FOUND, register=None)


# --- outcomes -------------------------------------------------------------------------------------------------------


def test_a_registration_without_a_uln_has_nothing_to_validate() -> None:
    no_uln = RegistrationDetails("Ann", "Lee", date(2009, 1, 1), 2)
    assert assess(no_uln, None, None, REGISTERED, REGISTERED) is UlnState.NONE


def test_a_uln_not_yet_sent_to_the_register_is_pending() -> None:
    assert assess(SENT, None, None, REGISTERED, REGISTERED) is UlnState.PENDING


def test_an_exact_match_validates_the_uln() -> None:
    assert outcome(VerificationCode.MATCH, register=EXACT) is UlnState.VALIDATED


def test_a_wrong_check_digit_is_an_anomaly_before_the_register_is_asked() -> None:
    found = assess(sent_with(uln="1026893097"), None, None, REGISTERED, REGISTERED)
    assert isinstance(found, Anomaly)
    assert (found.kind, found.code, found.fix.kind, found.fix.changes) == (
        AnomalyKind.BAD_CHECK_DIGIT,
        None,
        FixKind.CHECK_ULN,
        (),
    )
    assert [p.words for p in found.problems] == [
        "1026893097 has check digit 7; a ULN with those first nine digits ends in 6"
    ]


def test_a_wrong_check_digit_is_flagged_whatever_the_register_answered() -> None:
    found = anomaly(VerificationCode.MATCH, sent=sent_with(uln="1026893097"))
    assert found.kind is AnomalyKind.BAD_CHECK_DIGIT


def test_a_number_no_check_digit_can_fit_suggests_removing_it() -> None:
    found = assess(sent_with(uln="1000000060"), None, None, REGISTERED, REGISTERED)
    assert isinstance(found, Anomaly)
    assert found.problems[0].words == "1000000060 can never be a ULN: no check digit fits its first nine digits"
    assert (found.fix.kind, found.fix.changes) == (FixKind.REMOVE_ULN, (("uln", ""),))
    assert apply_fix(SENT, found.fix).uln is None


def test_a_number_starting_with_zero_suggests_removing_it() -> None:
    found = assess(sent_with(uln="0026893096"), None, None, REGISTERED, REGISTERED)
    assert isinstance(found, Anomaly)
    assert (found.kind, found.fix.kind) == (AnomalyKind.BAD_CHECK_DIGIT, FixKind.REMOVE_ULN)


def test_a_linked_uln_suggests_the_master_in_plain_words() -> None:
    master = RegisterRecord(MASTER, "Katherine", "Jones", date(2009, 4, 17), 2, "CV4 9EE")
    found = anomaly(VerificationCode.LINKED_MATCH, register=master)
    assert (found.kind, found.code) == (AnomalyKind.LINKED, VerificationCode.LINKED_MATCH)
    assert found.fix == SuggestedFix(
        FixKind.USE_MASTER_ULN,
        "Use the master ULN 6936002314: the ULN you sent was merged into it",
        (("uln", MASTER),),
    )
    assert [(p.field, p.sent, p.register) for p in found.problems] == [("ULN", ULN, MASTER)]
    assert apply_fix(SENT, found.fix).uln == MASTER


def test_a_linked_record_given_instead_of_its_master_still_points_at_the_master() -> None:
    linked = RegisterRecord(ULN, "Katherine", "Jones", date(2009, 4, 17), 2, "CV4 9EE", master_uln=MASTER)
    found = anomaly(VerificationCode.LINKED_MATCH, register=linked)
    assert found.fix.changes == (("uln", MASTER),)


def test_a_similar_linked_match_suggests_the_master_and_the_registers_names() -> None:
    master = RegisterRecord(MASTER, "Katherine", "Smith-Jones", date(2009, 4, 17), 2, "CV4 9EE")
    found = anomaly(VerificationCode.SIMILAR_LINKED_MATCH, F.FAMILY_VS_FAMILY, register=master)
    assert (found.kind, found.fix.kind) == (AnomalyKind.LINKED, FixKind.USE_MASTER_ULN)
    assert [p.field for p in found.problems] == ["ULN", "family name"]
    fixed = apply_fix(SENT, found.fix)
    assert (fixed.uln, fixed.family_name) == (MASTER, "Smith-Jones")


def test_a_similar_family_name_is_shown_in_plain_words_with_the_registers_spelling() -> None:
    found = anomaly(VerificationCode.SIMILAR_MATCH, F.FAMILY_VS_FAMILY, F.FAMILY_VS_GIVEN)
    assert (found.kind, found.code) == (AnomalyKind.SIMILAR, VerificationCode.SIMILAR_MATCH)
    assert [(p.field, p.sent, p.register, p.words) for p in found.problems] == [
        ("family name", "Jones", "Smith-Jones", "The register has family name Smith-Jones; you sent Jones")
    ]
    assert found.fix == SuggestedFix(
        FixKind.USE_REGISTER_NAMES,
        "Use the names as the register spells them: Katherine Smith-Jones",
        (("family_name", "Smith-Jones"),),
    )


def test_a_previous_family_name_is_told_apart_from_a_misspelt_one() -> None:
    married = RegisterRecord(ULN, "Katherine", "Smith-Jones", date(2009, 4, 17), 2, "CV4 9EE", "Jones")
    found = anomaly(VerificationCode.SIMILAR_MATCH, F.FAMILY_VS_FAMILY, register=married)
    assert found.problems[0].words == (
        "The register has family name Smith-Jones; you sent Jones, the learner's previous family name"
    )
    assert found.fix.words == "Use the learner's new family name Smith-Jones: Jones was their previous one"
    assert found.fix.changes == (("family_name", "Smith-Jones"),)


def test_swapped_names_suggest_swapping_them() -> None:
    swapped = sent_with(given_name="Smith-Jones", family_name="Katherine")
    found = anomaly(VerificationCode.SIMILAR_MATCH, F.GIVEN_VS_GIVEN, F.FAMILY_VS_FAMILY, sent=swapped)
    assert found.fix.kind is FixKind.SWAP_NAMES
    assert found.fix.words == "Swap the given and family names: the register has Katherine Smith-Jones"
    fixed = apply_fix(swapped, found.fix)
    assert (fixed.given_name, fixed.family_name) == ("Katherine", "Smith-Jones")


def test_names_swapped_and_misspelt_take_the_registers_spelling_of_both() -> None:
    swapped = sent_with(given_name="Smith-Jonse", family_name="Katherine")
    found = anomaly(VerificationCode.SIMILAR_MATCH, F.GIVEN_VS_GIVEN, F.FAMILY_VS_FAMILY, F.GIVEN_VS_FAMILY,
                    sent=swapped)  # fmt: skip
    assert found.fix.kind is FixKind.USE_REGISTER_NAMES
    assert found.fix.changes == (("given_name", "Katherine"), ("family_name", "Smith-Jones"))


def test_a_day_and_month_swapped_suggest_the_registers_date_of_birth() -> None:
    held = RegisterRecord(ULN, "Katherine", "Jones", date(2009, 4, 5), 2, "CV4 9EE")
    found = anomaly(VerificationCode.SIMILAR_MATCH, F.DATE_OF_BIRTH, register=held,
                    sent=sent_with(date_of_birth="2009-05-04"))  # fmt: skip
    assert [(p.field, p.sent, p.register, p.words) for p in found.problems] == [
        (
            "date of birth",
            "2009-05-04",
            "2009-04-05",
            "The register has date of birth 5 April 2009; you sent 4 May 2009, with the day and month the other way "
            "round",
        )
    ]
    assert found.fix == SuggestedFix(
        FixKind.USE_REGISTER_DATE_OF_BIRTH,
        "Use the register's date of birth 5 April 2009: the day and month were swapped",
        (("date_of_birth", "2009-04-05"),),
    )
    assert apply_fix(SENT, found.fix).date_of_birth == date(2009, 4, 5)


def test_a_date_of_birth_one_digit_out_asks_the_centre_to_check_it() -> None:
    found = anomaly(VerificationCode.SIMILAR_MATCH, F.DATE_OF_BIRTH, register=EXACT,
                    sent=sent_with(date_of_birth="2009-04-18"))  # fmt: skip
    assert found.fix.kind is FixKind.USE_REGISTER_DATE_OF_BIRTH
    assert found.fix.words == "Check the date of birth with the learner; the register has 17 April 2009"


def test_a_gender_not_known_on_one_side_suggests_the_registers_gender() -> None:
    found = anomaly(VerificationCode.SIMILAR_MATCH, F.GENDER, register=EXACT, sent=sent_with(gender=9))
    assert [p.words for p in found.problems] == ["The register has gender female; you sent not specified"]
    assert found.fix == SuggestedFix(
        FixKind.USE_REGISTER_GENDER, "Use the register's gender, female", (("gender", "2"),)
    )
    assert apply_fix(sent_with(gender=9), found.fix).gender == 2


def test_one_fix_covers_every_failed_field_so_the_next_check_is_exact() -> None:
    held = RegisterRecord(ULN, "Katherine", "Smith-Jones", date(2009, 4, 5), 2, "CV4 9EE")
    sent = sent_with(date_of_birth="2009-05-04", gender=0)
    found = anomaly(VerificationCode.SIMILAR_MATCH, F.FAMILY_VS_FAMILY, F.DATE_OF_BIRTH, F.GENDER, register=held,
                    sent=sent)  # fmt: skip
    assert [p.field for p in found.problems] == ["family name", "date of birth", "gender"]
    assert found.fix.kind is FixKind.USE_REGISTER_NAMES
    assert found.fix.words == (
        "Use the names as the register spells them: Katherine Smith-Jones. Also use the register's date of birth "
        "5 April 2009: the day and month were swapped. Also use the register's gender, female"
    )
    fixed = apply_fix(sent, found.fix)
    assert (fixed.family_name, fixed.date_of_birth, fixed.gender) == ("Smith-Jones", date(2009, 4, 5), 2)


def test_another_persons_uln_reveals_nothing_of_them() -> None:
    stranger = RegisterRecord(ULN, "Padraig", "Kelly", date(2008, 1, 30), 1, "BT7 1NN")
    found = anomaly(VerificationCode.NO_MATCH, F.GIVEN_VS_GIVEN, F.FAMILY_VS_FAMILY, F.DATE_OF_BIRTH, F.GENDER,
                    register=stranger)  # fmt: skip
    assert (found.kind, found.code, found.fix.kind) == (
        AnomalyKind.NO_MATCH,
        VerificationCode.NO_MATCH,
        FixKind.CHECK_ULN,
    )
    assert [(p.field, p.register) for p in found.problems] == [("ULN", None)]
    assert (
        found.fix.words == "Check the ULN with the learner; the register's learner for this ULN is a different person"
    )
    shown = " ".join([*(p.words for p in found.problems), found.fix.words, *(v for _, v in found.fix.changes)])
    assert not {"Padraig", "Kelly", "2008", "January", "male", "BT7"} & set(shown.replace(",", " ").split())


def test_an_unknown_uln_asks_the_centre_to_check_it() -> None:
    found = not_found()
    assert (found.kind, found.code, found.fix.kind) == (
        AnomalyKind.NOT_FOUND,
        VerificationCode.ULN_NOT_FOUND,
        FixKind.CHECK_ULN,
    )
    assert found.problems[0].words == "The register has no learner with ULN 1026893096"
    assert found.fix.words == "Check the ULN with the learner and correct it; if they have no ULN, remove it"


def test_a_similar_match_without_the_registers_record_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="WSVRC003"):
        outcome(VerificationCode.SIMILAR_MATCH, F.FAMILY_VS_FAMILY, register=None)


# --- the removal clock ------------------------------------------------------------------------------------------------


def test_the_removal_date_counts_from_registration_not_from_the_anomaly() -> None:
    found = anomaly(VerificationCode.ULN_NOT_FOUND, register=None, today=date(2026, 9, 10))
    assert (found.raised_on, found.removal_date) == (date(2026, 9, 10), REMOVAL)
    assert removal_date(REGISTERED) == REMOVAL
    assert found.days_left(date(2026, 9, 10)) == 19


def test_the_removal_period_is_configurable() -> None:
    found = assess(SENT, VerificationResult(VerificationCode.ULN_NOT_FOUND, (), ()), None, REGISTERED, REGISTERED, 14)
    assert isinstance(found, Anomaly)
    assert found.removal_date == removal_date(REGISTERED, 14) == date(2026, 9, 15)


def test_a_negative_removal_period_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        removal_date(REGISTERED, -1)


def test_days_left_count_down_and_never_go_negative() -> None:
    found = not_found()
    assert [found.days_left(day) for day in (REGISTERED, date(2026, 9, 22), REMOVAL, date(2026, 10, 30))] == [
        28,
        7,
        0,
        0,
    ]


def test_a_uln_is_overdue_from_its_removal_date() -> None:
    found = not_found()
    assert [found.is_overdue(day) for day in (date(2026, 9, 28), REMOVAL, date(2026, 10, 1))] == [False, True, True]


def test_the_seven_day_reminder_is_due_a_week_before_removal_and_only_once() -> None:
    found = not_found()
    assert found.reminder_due(date(2026, 9, 21), frozenset()) is None
    assert found.reminder_due(date(2026, 9, 22), frozenset()) == 7
    assert found.reminder_due(date(2026, 9, 25), frozenset()) == 7
    assert found.reminder_due(date(2026, 9, 25), frozenset({7})) is None


def test_the_one_day_reminder_is_due_the_day_before_removal_and_only_once() -> None:
    found = not_found()
    assert found.reminder_due(date(2026, 9, 28), frozenset({7})) == 1
    assert found.reminder_due(date(2026, 9, 28), frozenset({7, 1})) is None


def test_the_one_day_reminder_wins_when_both_are_due() -> None:
    assert not_found().reminder_due(date(2026, 9, 28), frozenset()) == 1


def test_a_missed_seven_day_reminder_is_not_sent_after_the_one_day_one() -> None:
    assert not_found().reminder_due(date(2026, 9, 28), frozenset({1})) is None


def test_no_reminder_goes_out_on_or_after_the_removal_date() -> None:
    found = not_found()
    assert [found.reminder_due(day, frozenset()) for day in (REMOVAL, date(2026, 10, 5))] == [None, None]


# --- certificates -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [UlnState.NONE, UlnState.PENDING, UlnState.ANOMALY, UlnState.REMOVED])
def test_a_uln_not_validated_is_never_printed_on_a_certificate(state: UlnState) -> None:
    assert certificate_uln(state, ULN) is None


def test_a_validated_uln_is_printed_on_a_certificate() -> None:
    assert certificate_uln(UlnState.VALIDATED, ULN) == ULN
    assert certificate_uln(UlnState.VALIDATED, None) is None


# --- registration fields and fixes ---------------------------------------------------------------------------------


def test_a_registration_reports_every_field_problem_at_once() -> None:
    with pytest.raises(InvalidFields) as raised:
        parse_registration({"given_name": " ", "family_name": "L" * 36, "date_of_birth": "2009-02-30", "gender": "4",
                            "postcode": "NOT A CODE", "uln": "12345", "candidate_reference": "x" * 31})  # fmt: skip
    assert [p.field for p in raised.value.problems] == [
        "given_name",
        "family_name",
        "date_of_birth",
        "gender",
        "postcode",
        "uln",
        "candidate_reference",
    ]


def test_a_missing_name_date_and_gender_are_each_reported() -> None:
    with pytest.raises(InvalidFields) as raised:
        parse_registration({})
    assert [p.field for p in raised.value.problems] == ["given_name", "family_name", "date_of_birth", "gender"]


def test_a_uln_with_a_wrong_check_digit_is_accepted_at_registration() -> None:
    assert parse_registration({**VALID_ROW, "uln": "1026 893 097"}).uln == "1026893097"


def test_a_registration_keeps_what_was_sent_and_leaves_blank_optional_fields_empty() -> None:
    parsed = parse_registration({**VALID_ROW, "given_name": " Siân ", "gender": 0, "date_of_birth": date(2009, 1, 1),
                                 "postcode": "cv4 9ee", "uln": "", "candidate_reference": None})  # fmt: skip
    assert parsed == RegistrationDetails("Siân", "Lee", date(2009, 1, 1), 0, "CV4 9EE", None, None)


def test_a_registration_takes_a_uln_and_candidate_reference() -> None:
    parsed = parse_registration({**VALID_ROW, "uln": ULN, "candidate_reference": "C-0042"})
    assert (parsed.uln, parsed.candidate_reference) == (ULN, "C-0042")


def test_a_fix_cannot_change_a_field_a_registration_does_not_have() -> None:
    with pytest.raises(ValueError, match="qualification"):
        apply_fix(SENT, SuggestedFix(FixKind.CHECK_ULN, "", (("qualification", "601/8675/3"),)))
