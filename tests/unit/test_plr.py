from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.errors import InvalidField, InvalidFields
from learner_records.domain.learner import AbilityToShare
from learner_records.domain.plr import (
    SOURCE_AWARDING_ORGANISATION,
    SUCCESSFUL_FINAL,
    SUCCESSFUL_PROVISIONAL,
    Achievement,
    Action,
    Applied,
    EventStatus,
    LearningEvent,
    Outcome,
    apply_achievement,
    check_reason,
    count_outcome,
    is_shared,
    parse_achievement,
    percentage_successful,
    visible_events,
)
from learner_records.domain.qualifications import Qualification, ReferenceKind

TODAY = date(2026, 11, 28)
LOADED = datetime(2026, 8, 1, 10, 0)
NOW = datetime(2026, 11, 28, 9, 30)
BIRTH = date(2009, 4, 17)
AO_ID = 7
OTHER_AO_ID = 8
PROVIDER = "Riverside College"

QUALIFICATION = Qualification(
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

ROW: dict[str, object] = {
    "Uln": "1026893096",
    "GivenName": "Siobhán",
    "FamilyName": "Ó Briain",
    "ProviderUkprn": "10012345",
    "UnitOrQualificationReferenceNumber": "601/8675/3",
    "AchievementAwardDate": "2026-07-01T00:00:00",
    "Grade": "Merit",
    "LanguageForAssessment": "English",
    "Action": "1",
    "ActionDate": "2026-11-20T09:00:00",
    "ActionReason": "Results day",
    "MisIdentifier": "NG-2026-000417",
    "Status": "F",
    "DateofBirth": "2009-04-17",
    "Gender": "2",
    "LearnerPostcode": "cv4 9ee",
}


def row(**changes: object) -> dict[str, object]:
    return {**ROW, **changes}


def problems_of(raw: dict[str, object]) -> list[InvalidField]:
    with pytest.raises(InvalidFields) as raised:
        parse_achievement(raw, TODAY)
    return list(raised.value.problems)


def achievement(**changes: Any) -> Achievement:
    return replace(parse_achievement(ROW, TODAY), **changes)


def apply(sent: Achievement, existing: LearningEvent | None) -> Applied:
    return apply_achievement(sent, existing, QUALIFICATION, BIRTH, AO_ID, PROVIDER, NOW)


def stored(**changes: Any) -> LearningEvent:
    """The event the standard achievement created earlier, as the repository hands it back."""
    created = apply_achievement(achievement(), None, QUALIFICATION, BIRTH, AO_ID, PROVIDER, LOADED).event
    assert created is not None
    return replace(created, **{"id": 41, **changes})


ACTIVE = stored()
WITHDRAWN = stored(withdrawn=True)
PROVISIONAL = stored(status=EventStatus.PROVISIONAL)


# --- parse_achievement -------------------------------------------------------------------------------------------


def test_a_complete_row_becomes_an_achievement_with_every_field_checked() -> None:
    raw = row(Uln="1026 893 096", ProviderUkprn="abc12345", UnitOrQualificationReferenceNumber=" k/501/5773 ")
    parsed = parse_achievement(raw, TODAY)
    assert parsed == Achievement(
        uln="1026893096",
        given_name="Siobhán",
        family_name="Ó Briain",
        provider_ukprn="ABC12345",
        reference="K/501/5773",
        award_date=date(2026, 7, 1),
        action=Action.CREATE,
        action_date=date(2026, 11, 20),
        status=EventStatus.FINAL,
        grade="Merit",
        date_of_birth=date(2009, 4, 17),
        gender=2,
        postcode="CV4 9EE",
        language_for_assessment="English",
        action_reason="Results day",
        mis_identifier="NG-2026-000417",
    )


def test_the_optional_fields_may_be_left_out() -> None:
    mandatory = ("Uln", "GivenName", "FamilyName", "ProviderUkprn", "UnitOrQualificationReferenceNumber",
                 "AchievementAwardDate", "Action")  # fmt: skip
    raw = {key: ROW[key] for key in mandatory}
    parsed = parse_achievement(raw, TODAY)
    assert (parsed.status, parsed.action_date, parsed.grade, parsed.date_of_birth, parsed.gender, parsed.postcode) == (
        None, TODAY, None, None, None, None)  # fmt: skip
    assert (parsed.language_for_assessment, parsed.action_reason, parsed.mis_identifier) == (None, None, None)


@pytest.mark.parametrize(
    ("number", "action"),
    [("1", Action.CREATE), ("2", Action.UPDATE), ("3", Action.WITHDRAW), ("4", Action.REINSTATE),
     (" 5 ", Action.PROMOTE_TO_FINAL)],
)  # fmt: skip
def test_the_action_numbers_are_1_create_to_5_promote(number: str, action: Action) -> None:
    assert parse_achievement(row(Action=number), TODAY).action is action


def test_a_lower_case_p_status_is_provisional() -> None:
    assert parse_achievement(row(Status="p"), TODAY).status is EventStatus.PROVISIONAL


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("Uln", "1026893097"),
        ("Uln", "026893096"),
        ("Uln", "10268930A6"),
        ("ProviderUkprn", "1009001"),
        ("ProviderUkprn", "1009-0001"),
        ("UnitOrQualificationReferenceNumber", "601/8675"),
        ("UnitOrQualificationReferenceNumber", "K501/5773"),
        ("AchievementAwardDate", "2026-02-30"),
        ("AchievementAwardDate", "01/07/2026"),
        ("ActionDate", "next week"),
        ("Action", "6"),
        ("Action", "0"),
        ("Action", "create"),
        ("Status", "X"),
        ("DateofBirth", "17/04/2009"),
        ("Gender", "3"),
        ("LearnerPostcode", "NOT A POSTCODE"),
        ("GivenName", "S" * 36),
        ("FamilyName", "B" * 36),
        ("Grade", "G" * 21),
        ("ActionReason", "r" * 256),
        ("MisIdentifier", "m" * 129),
        ("LanguageForAssessment", "l" * 21),
    ],
)
def test_a_field_that_breaks_its_rule_is_named(field: str, value: str) -> None:
    assert [problem.field for problem in problems_of(row(**{field: value}))] == [field]


@pytest.mark.parametrize(
    "field", ["Uln", "GivenName", "FamilyName", "ProviderUkprn", "UnitOrQualificationReferenceNumber",
              "AchievementAwardDate", "Action"],
)  # fmt: skip
def test_a_missing_mandatory_field_is_named(field: str) -> None:
    assert {problem.field for problem in problems_of(row(**{field: "  "}))} == {field}


def test_a_missing_uln_is_reported_once() -> None:
    assert [str(problem) for problem in problems_of(row(Uln=""))] == ["Uln: is missing (mandatory)"]


def test_names_and_codes_up_to_their_length_limits_are_accepted() -> None:
    parsed = parse_achievement(row(GivenName="S" * 35, FamilyName="B" * 35, Grade="G" * 20), TODAY)
    assert (len(parsed.given_name), len(parsed.family_name), len(parsed.grade or "")) == (35, 35, 20)


def test_an_over_long_field_says_its_limit() -> None:
    (problem,) = problems_of(row(ActionReason="r" * 256))
    assert (problem.problem, problem.rule) == ("has 256 characters", "at most 255 characters")


def test_every_field_problem_is_reported_at_once_in_row_order() -> None:
    found = problems_of(row(Uln="1026893097", ProviderUkprn="123", UnitOrQualificationReferenceNumber="K501/5773",
                            AchievementAwardDate="2026-13-01", Action="9", Status="Q", DateofBirth="2009/04/17",
                            Gender="5", LearnerPostcode="ZZZ", GivenName="S" * 36))  # fmt: skip
    assert [problem.field for problem in found] == [
        "Uln", "ProviderUkprn", "UnitOrQualificationReferenceNumber", "AchievementAwardDate", "Action", "Status",
        "DateofBirth", "Gender", "LearnerPostcode", "GivenName",
    ]  # fmt: skip


def test_an_award_date_in_the_future_is_a_field_error() -> None:
    (problem,) = problems_of(row(AchievementAwardDate="2026-11-29"))
    assert (problem.field, problem.problem) == ("AchievementAwardDate", "2026-11-29 is in the future")


def test_an_award_dated_today_is_accepted() -> None:
    assert parse_achievement(row(AchievementAwardDate="2026-11-28"), TODAY).award_date == TODAY


def test_a_date_of_birth_sent_as_a_date_time_is_accepted_like_the_award_date() -> None:
    assert parse_achievement(row(DateofBirth="2009-04-17T00:00:00"), TODAY).date_of_birth == date(2009, 4, 17)


def test_a_provider_ukprn_with_a_non_ascii_letter_is_refused() -> None:
    assert [problem.field for problem in problems_of(row(ProviderUkprn="1009000É"))] == ["ProviderUkprn"]


# --- apply_achievement: create --------------------------------------------------------------------------------------


def test_creating_an_achievement_adds_a_learning_event_from_the_catalogue_entry() -> None:
    applied = apply(achievement(), None)
    assert applied.outcome is Outcome.CREATED
    assert applied.event == LearningEvent(
        id=None,
        uln="1026893096",
        source=SOURCE_AWARDING_ORGANISATION,
        subject_code="601/8675/3",
        subject="Certificate in Digital Skills for Work",
        qualification_type="Certificate",
        level="Level 2",
        grade="Merit",
        credits=13,
        awarding_organisation_name="Northgate Awards",
        awarding_organisation_ukprn="10090001",
        provider_name=PROVIDER,
        provider_ukprn="10012345",
        award_date=date(2026, 7, 1),
        participation_start=None,
        participation_end=None,
        status=EventStatus.FINAL,
        date_loaded=NOW,
        updated_at=NOW,
        language_for_assessment="English",
        submitted_by=AO_ID,
    )


def test_creating_a_provisional_achievement_adds_a_provisional_event() -> None:
    event = apply(achievement(status=EventStatus.PROVISIONAL), None).event
    assert event is not None and event.status is EventStatus.PROVISIONAL


def test_creating_the_identical_achievement_again_is_unchanged() -> None:
    assert apply(achievement(), ACTIVE) == Applied(Outcome.UNCHANGED, None, "already on the PLR")


def test_creating_again_with_a_different_grade_is_a_business_error() -> None:
    applied = apply(achievement(grade="Distinction"), ACTIVE)
    assert (applied.outcome, applied.event) == (Outcome.BUSINESS_ERROR, None)
    assert "send an update" in applied.message


def test_creating_again_with_a_different_award_date_is_a_business_error() -> None:
    assert apply(achievement(award_date=date(2026, 7, 2)), ACTIVE).outcome is Outcome.BUSINESS_ERROR


def test_creating_a_withdrawn_achievement_again_says_to_reinstate_it() -> None:
    applied = apply(achievement(), WITHDRAWN)
    assert (applied.outcome, applied.event) == (Outcome.BUSINESS_ERROR, None)
    assert "reinstate" in applied.message


def test_creating_an_identical_provisional_achievement_again_is_unchanged() -> None:
    assert apply(achievement(status=EventStatus.PROVISIONAL), PROVISIONAL).outcome is Outcome.UNCHANGED


def test_an_update_that_says_final_makes_a_provisional_event_final() -> None:
    applied = apply(achievement(action=Action.UPDATE, status=EventStatus.FINAL), PROVISIONAL)
    assert applied.outcome is Outcome.UPDATED and applied.event is not None
    assert applied.event.status is EventStatus.FINAL


def test_creating_a_final_achievement_over_a_provisional_one_is_a_business_error() -> None:
    assert apply(achievement(status=EventStatus.FINAL), PROVISIONAL).outcome is Outcome.BUSINESS_ERROR


# --- apply_achievement: update, withdraw, reinstate, promote ----------------------------------------------------------


@pytest.mark.parametrize("action", [Action.UPDATE, Action.WITHDRAW, Action.REINSTATE, Action.PROMOTE_TO_FINAL])
def test_changing_an_achievement_the_learner_does_not_have_is_a_business_error(action: Action) -> None:
    applied = apply(achievement(action=action), None)
    assert (applied.outcome, applied.event) == (Outcome.BUSINESS_ERROR, None)
    assert applied.message.startswith("there is no achievement 601/8675/3 for this learner to ")


def test_updating_an_active_event_changes_its_grade_and_keeps_its_identity() -> None:
    applied = apply(achievement(action=Action.UPDATE, grade="Distinction"), ACTIVE)
    assert applied.outcome is Outcome.UPDATED
    assert applied.event == replace(ACTIVE, grade="Distinction", updated_at=NOW)


def test_updating_with_the_same_details_is_unchanged() -> None:
    assert apply(achievement(action=Action.UPDATE), ACTIVE) == Applied(Outcome.UNCHANGED, None, "no change")


def test_updating_a_withdrawn_event_is_a_business_error() -> None:
    applied = apply(achievement(action=Action.UPDATE, grade="Pass"), WITHDRAWN)
    assert (applied.outcome, applied.event) == (Outcome.BUSINESS_ERROR, None)
    assert "reinstate it first" in applied.message


def test_updating_a_provisional_event_keeps_it_provisional() -> None:
    applied = apply(achievement(action=Action.UPDATE, grade="Pass", status=None), PROVISIONAL)
    assert applied.outcome is Outcome.UPDATED
    assert applied.event == replace(PROVISIONAL, grade="Pass", updated_at=NOW)


def test_withdrawing_an_active_event_marks_it_withdrawn() -> None:
    applied = apply(achievement(action=Action.WITHDRAW), ACTIVE)
    assert applied == Applied(Outcome.WITHDRAWN, replace(ACTIVE, withdrawn=True, updated_at=NOW))


def test_withdrawing_a_withdrawn_event_again_is_unchanged() -> None:
    assert apply(achievement(action=Action.WITHDRAW), WITHDRAWN) == Applied(
        Outcome.UNCHANGED, None, "already withdrawn"
    )


def test_withdrawing_a_provisional_event_marks_it_withdrawn() -> None:
    applied = apply(achievement(action=Action.WITHDRAW), PROVISIONAL)
    assert applied == Applied(Outcome.WITHDRAWN, replace(PROVISIONAL, withdrawn=True, updated_at=NOW))


def test_reinstating_a_withdrawn_event_brings_it_back() -> None:
    applied = apply(achievement(action=Action.REINSTATE), WITHDRAWN)
    assert applied == Applied(Outcome.REINSTATED, replace(WITHDRAWN, withdrawn=False, updated_at=NOW))


@pytest.mark.parametrize("existing", [ACTIVE, PROVISIONAL], ids=["active", "provisional"])
def test_reinstating_an_event_that_is_not_withdrawn_is_a_business_error(existing: LearningEvent) -> None:
    applied = apply(achievement(action=Action.REINSTATE), existing)
    assert (applied.outcome, applied.event) == (Outcome.BUSINESS_ERROR, None)
    assert "not withdrawn" in applied.message


def test_promoting_a_provisional_event_makes_it_final() -> None:
    applied = apply(achievement(action=Action.PROMOTE_TO_FINAL), PROVISIONAL)
    assert applied == Applied(Outcome.PROMOTED, replace(PROVISIONAL, status=EventStatus.FINAL, updated_at=NOW))


def test_promoting_a_final_event_is_unchanged() -> None:
    assert apply(achievement(action=Action.PROMOTE_TO_FINAL), ACTIVE) == Applied(
        Outcome.UNCHANGED, None, "already final"
    )


def test_promoting_a_withdrawn_event_is_a_business_error() -> None:
    applied = apply(achievement(action=Action.PROMOTE_TO_FINAL), stored(status=EventStatus.PROVISIONAL, withdrawn=True))
    assert (applied.outcome, applied.event) == (Outcome.BUSINESS_ERROR, None)
    assert "reinstate it first" in applied.message


# --- apply_achievement: rules before the action -----------------------------------------------------------------------


def test_a_grade_outside_the_qualifications_scheme_is_a_field_error() -> None:
    applied = apply(achievement(grade="A*"), None)
    assert (applied.outcome, applied.event) == (Outcome.FIELD_ERROR, None)
    assert applied.message == "Grade: 'A*' is not in the grade scheme of 601/8675/3 (Pass, Merit, Distinction)"


def test_a_grade_outside_the_scheme_is_refused_before_the_event_is_looked_at() -> None:
    assert apply(achievement(action=Action.UPDATE, grade="merit"), ACTIVE).outcome is Outcome.FIELD_ERROR


def test_an_achievement_without_a_grade_is_accepted() -> None:
    event = apply(achievement(grade=None), None).event
    assert event is not None and event.grade is None


def test_an_award_date_before_the_learners_birth_is_a_business_error() -> None:
    applied = apply(achievement(award_date=date(2009, 4, 16)), None)
    assert (applied.outcome, applied.event) == (Outcome.BUSINESS_ERROR, None)
    assert "before the learner's date of birth" in applied.message


def test_an_award_on_the_day_of_birth_is_accepted() -> None:
    assert apply(achievement(award_date=BIRTH), None).outcome is Outcome.CREATED


def test_only_field_learner_and_business_errors_are_errors() -> None:
    assert {outcome for outcome in Outcome if outcome.is_error} == {
        Outcome.FIELD_ERROR, Outcome.LEARNER_ERROR, Outcome.BUSINESS_ERROR}  # fmt: skip


# --- job counters -------------------------------------------------------------------------------------------------


def test_a_job_counts_outcomes_and_successful_final_and_provisional_events() -> None:
    counters: dict[str, int] = {}
    count_outcome(counters, Outcome.CREATED, ACTIVE)
    count_outcome(counters, Outcome.PROMOTED, ACTIVE)
    count_outcome(counters, Outcome.CREATED, PROVISIONAL)
    count_outcome(counters, Outcome.UNCHANGED, None)
    count_outcome(counters, Outcome.FIELD_ERROR, None)
    assert counters == {"created": 2, "promoted": 1, "unchanged": 1, "field_error": 1, SUCCESSFUL_FINAL: 2,
                        SUCCESSFUL_PROVISIONAL: 1}  # fmt: skip


def test_the_percentage_successful_counts_every_row_that_is_not_an_error() -> None:
    counters = {"created": 5, "unchanged": 1, "field_error": 1, "business_error": 1}
    assert percentage_successful(counters, 8) == 75.0


def test_an_empty_job_is_zero_percent_successful() -> None:
    assert percentage_successful({}, 0) == 0.0


# --- data challenges ------------------------------------------------------------------------------------------------


def test_a_challenge_reason_is_trimmed() -> None:
    assert check_reason("  The grade should be Distinction  ") == "The grade should be Distinction"


@pytest.mark.parametrize(("reason", "problem"), [("   ", "is empty"), ("x" * 2001, "has 2001 characters")])
def test_a_blank_or_over_long_challenge_reason_is_refused(reason: str, problem: str) -> None:
    with pytest.raises(InvalidField) as raised:
        check_reason(reason, "Reason")
    assert (raised.value.field, raised.value.problem) == ("Reason", problem)


# --- who sees what --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ability", "shared"),
    [(AbilityToShare.SHARE, True), (AbilityToShare.NOTICE_NOT_SEEN, True), (AbilityToShare.DO_NOT_SHARE, False)],
)
def test_only_a_learner_who_said_do_not_share_has_an_unshared_record(ability: AbilityToShare, shared: bool) -> None:
    assert is_shared(ability) is shared


MINE = stored(id=1)
THEIRS = stored(id=2, subject_code="K/501/5773", submitted_by=OTHER_AO_ID)
MINE_WITHDRAWN = stored(id=3, subject_code="50079116", withdrawn=True)
FROM_A_PROVIDER = stored(id=4, subject_code="1000323X", submitted_by=None)
THEIRS_WITHDRAWN = stored(id=5, subject_code="603/1111/3", submitted_by=OTHER_AO_ID, withdrawn=True)
RECORD = [MINE, THEIRS, MINE_WITHDRAWN, FROM_A_PROVIDER, THEIRS_WITHDRAWN]


def test_an_awarding_organisation_sees_only_the_events_it_submitted_and_not_withdrawn() -> None:
    actor = Actor(OrganisationKind.AWARDING_ORGANISATION, "results-team", AO_ID, "10090001")
    assert visible_events(actor, RECORD) == [MINE]


def test_another_awarding_organisation_sees_only_its_own_events() -> None:
    actor = Actor(OrganisationKind.AWARDING_ORGANISATION, "results-team", OTHER_AO_ID, "10090002")
    assert visible_events(actor, RECORD) == [THEIRS]


@pytest.mark.parametrize("kind", [OrganisationKind.LEARNER_REGISTRATION_BODY, OrganisationKind.REGISTER_ADMINISTRATOR])
def test_registration_bodies_and_administrators_see_every_event_that_is_not_withdrawn(kind: OrganisationKind) -> None:
    assert visible_events(Actor(kind, "someone", 99, "10012345"), RECORD) == [MINE, THEIRS, FROM_A_PROVIDER]
