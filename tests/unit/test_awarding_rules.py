from __future__ import annotations

from datetime import date

import pytest

from learner_records.domain.awarding import (
    Anomaly,
    AnomalyKind,
    FixKind,
    RegistrationDetails,
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
SENT = RegistrationDetails("Katherine", "Jones", date(2009, 4, 17), 2, "CV4 9EE", "1026893096", "R1")
HELD = RegisterRecord("1026893096", "Katherine", "Smith-Jones", date(2009, 4, 17), 2, "CV4 9EE")


def outcome(code: VerificationCode, *flags: FailureFlag, register: RegisterRecord | None = HELD,
            sent: RegistrationDetails = SENT) -> UlnState | Anomaly:  # fmt: skip
    return assess(sent, VerificationResult(code, flags, ()), register, REGISTERED, REGISTERED)


def anomaly(code: VerificationCode, *flags: FailureFlag, **kwargs: object) -> Anomaly:
    result = outcome(code, *flags, **kwargs)  # type: ignore[arg-type]
    assert isinstance(result, Anomaly)
    return result


def test_an_exact_match_validates_the_uln() -> None:
    assert outcome(VerificationCode.MATCH) is UlnState.VALIDATED


def test_a_registration_without_a_uln_has_nothing_to_validate() -> None:
    no_uln = RegistrationDetails("Ann", "Lee", date(2009, 1, 1), 2)
    assert assess(no_uln, None, None, REGISTERED, REGISTERED) is UlnState.NONE


def test_a_wrong_check_digit_is_an_anomaly_without_asking_the_register() -> None:
    bad = RegistrationDetails("Ann", "Lee", date(2009, 1, 1), 2, None, "1026893097")
    found = assess(bad, None, None, REGISTERED, REGISTERED)
    assert isinstance(found, Anomaly) and found.kind is AnomalyKind.BAD_CHECK_DIGIT
    assert found.problems[0].words == "1026893097 has check digit 7; a ULN with those first nine digits ends in 6"
    assert found.fix.kind is FixKind.CHECK_ULN


def test_a_similar_family_name_is_shown_in_plain_words_with_the_register_spelling() -> None:
    found = anomaly(VerificationCode.SIMILAR_MATCH, FailureFlag.FAMILY_VS_FAMILY)
    assert found.kind is AnomalyKind.SIMILAR
    assert [p.words for p in found.problems] == ["The register has family name Smith-Jones; you sent Jones"]
    assert found.fix.kind is FixKind.USE_REGISTER_NAMES
    assert apply_fix(SENT, found.fix).family_name == "Smith-Jones"


def test_swapped_names_suggest_swapping_them() -> None:
    swapped = RegistrationDetails("Smith-Jones", "Katherine", date(2009, 4, 17), 2, None, "1026893096")
    found = anomaly(VerificationCode.SIMILAR_MATCH, FailureFlag.GIVEN_VS_GIVEN, FailureFlag.FAMILY_VS_FAMILY,
                    sent=swapped)  # fmt: skip
    assert found.fix.kind is FixKind.SWAP_NAMES
    fixed = apply_fix(swapped, found.fix)
    assert (fixed.given_name, fixed.family_name) == ("Katherine", "Smith-Jones")


def test_a_wrong_date_of_birth_suggests_the_registers() -> None:
    found = anomaly(
        VerificationCode.SIMILAR_MATCH,
        FailureFlag.DATE_OF_BIRTH,
        sent=RegistrationDetails("Katherine", "Smith-Jones", date(2009, 4, 18), 2, None, "1026893096"),
    )
    assert found.fix.kind is FixKind.USE_REGISTER_DATE_OF_BIRTH
    assert apply_fix(SENT, found.fix).date_of_birth == date(2009, 4, 17)


def test_a_linked_uln_suggests_the_master() -> None:
    master = RegisterRecord("6936002314", "Katherine", "Jones", date(2009, 4, 17), 2, "CV4 9EE")
    found = anomaly(VerificationCode.LINKED_MATCH, register=master)
    assert found.kind is AnomalyKind.LINKED and found.fix.kind is FixKind.USE_MASTER_ULN
    assert apply_fix(SENT, found.fix).uln == "6936002314"


def test_another_persons_uln_reveals_nothing_of_them() -> None:
    found = anomaly(VerificationCode.NO_MATCH, FailureFlag.GIVEN_VS_GIVEN, FailureFlag.DATE_OF_BIRTH)
    assert found.kind is AnomalyKind.NO_MATCH
    assert all(p.register is None for p in found.problems)
    assert "Smith-Jones" not in " ".join(p.words for p in found.problems) + found.fix.words


def test_an_unknown_uln_asks_the_centre_to_check_it() -> None:
    found = anomaly(VerificationCode.ULN_NOT_FOUND, register=None)
    assert (found.kind, found.fix.kind) == (AnomalyKind.NOT_FOUND, FixKind.CHECK_ULN)


def test_the_removal_date_counts_from_registration_and_days_left_never_go_negative() -> None:
    found = anomaly(VerificationCode.ULN_NOT_FOUND, register=None)
    assert found.removal_date == removal_date(REGISTERED) == date(2026, 9, 29)
    assert found.days_left(date(2026, 9, 22)) == 7
    assert found.days_left(date(2026, 10, 30)) == 0
    assert not found.is_overdue(date(2026, 9, 28)) and found.is_overdue(date(2026, 9, 29))


def test_reminders_come_at_seven_days_and_one_day_and_never_twice() -> None:
    found = anomaly(VerificationCode.ULN_NOT_FOUND, register=None)
    assert found.reminder_due(date(2026, 9, 21), frozenset()) is None
    assert found.reminder_due(date(2026, 9, 22), frozenset()) == 7
    assert found.reminder_due(date(2026, 9, 23), frozenset({7})) is None
    assert found.reminder_due(date(2026, 9, 28), frozenset({7})) == 1
    assert found.reminder_due(date(2026, 9, 28), frozenset()) == 1
    assert found.reminder_due(date(2026, 9, 29), frozenset()) is None


@pytest.mark.parametrize("state", [UlnState.NONE, UlnState.PENDING, UlnState.ANOMALY, UlnState.REMOVED])
def test_only_a_validated_uln_is_printed_on_a_certificate(state: UlnState) -> None:
    assert certificate_uln(state, "1026893096") is None
    assert certificate_uln(UlnState.VALIDATED, "1026893096") == "1026893096"


def test_a_registration_reports_every_field_problem_at_once() -> None:
    with pytest.raises(InvalidFields) as raised:
        parse_registration({"given_name": "", "family_name": "Lee", "date_of_birth": "2009-02-30", "gender": "4",
                            "uln": "12345", "candidate_reference": "x" * 31})  # fmt: skip
    assert [p.field for p in raised.value.problems] == [
        "given_name",
        "date_of_birth",
        "gender",
        "uln",
        "candidate_reference",
    ]


def test_a_uln_with_a_wrong_check_digit_is_accepted_at_registration() -> None:
    details = parse_registration({"given_name": "Ann", "family_name": "Lee", "date_of_birth": "2009-01-01",
                                  "gender": "2", "uln": "1026 893 097"})  # fmt: skip
    assert details.uln == "1026893097"
