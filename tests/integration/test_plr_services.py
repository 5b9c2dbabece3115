from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.codes import ErrorCode, ResponseCode
from learner_records.domain.errors import Conflict, InsufficientAccess, InvalidField
from learner_records.domain.learner import Learner
from learner_records.domain.matching import VerificationQuery
from learner_records.domain.plr import JobStatus
from learner_records.services import achievements as achievements_module
from learner_records.services.records import ChallengeFix
from tests.conftest import MovableClock
from tests.factories import details

CATALOGUE = [
    {"reference": "601/8675/3", "title": "Certificate in Digital Skills", "qualification_type": "Certificate",
     "level": "Level 2", "credits": "13", "awarding_organisation_name": "Northgate Awards",
     "awarding_organisation_ukprn": "10090001", "regulated": "yes", "grades": "Pass|Merit|Distinction"},
    {"reference": "K/501/5773", "title": "Health and safety in the workplace", "qualification_type": "Unit",
     "level": "Level 1", "credits": "2", "awarding_organisation_name": "Northgate Awards",
     "awarding_organisation_ukprn": "10090001", "regulated": "yes", "grades": "Achieved"},
]  # fmt: skip


@pytest.fixture
def world(services: Services, operator: Actor) -> dict[str, Any]:
    report = services.records.import_catalogue(operator, CATALOGUE)
    assert (report.saved, report.errors) == (2, ())
    orgs = {}
    for name, ukprn, kind in [
        ("school", "10000001", OrganisationKind.LEARNER_REGISTRATION_BODY),
        ("northgate", "10090001", OrganisationKind.AWARDING_ORGANISATION),
        ("pennine", "10090002", OrganisationKind.AWARDING_ORGANISATION),
    ]:
        created = services.organisations.create(operator, ukprn, f"{name} org", kind).organisation
        orgs[name] = Actor(kind, f"{name}-user", created.id, ukprn)
    learner = services.register.register(orgs["school"], details())
    return {**orgs, "learner": learner}


def row(learner: Learner, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "Uln": learner.uln, "GivenName": "Siobhán", "FamilyName": "Ó Briain", "DateofBirth": "2009-04-17",
        "ProviderUkprn": "10000001", "UnitOrQualificationReferenceNumber": "601/8675/3",
        "AchievementAwardDate": "2026-07-01", "Grade": "Merit", "Action": 1,
    }  # fmt: skip
    values.update(changes)
    return values


def submit(services: Services, actor: Actor, rows: list[dict[str, object]]) -> Any:
    submitted = services.achievements.submit(actor, rows, file_name="results.csv")
    return services.achievements.process(submitted.job.id)


def plr(services: Services, actor: Actor, learner: Learner, given: str = "Siobhán") -> Any:
    return services.records.read_plr(actor, VerificationQuery(learner.uln, given, "Ó Briain"))


def test_a_verified_achievement_reaches_the_plr(services: Services, world: dict[str, Any]) -> None:
    job = submit(services, world["northgate"], [row(world["learner"])])
    assert (job.status, job.counters["created"], job.counters["successful_final"]) == (JobStatus.SUCCESSFUL, 1, 1)
    result = plr(services, world["school"], world["learner"])
    assert result.code == ResponseCode.EXACT_MATCH
    assert [(e.subject_code, e.grade, e.subject, e.level, e.credits) for e in result.events] == [
        ("601/8675/3", "Merit", "Certificate in Digital Skills", "Level 2", 13)
    ]
    assert result.events[0].provider_name == "school org"


def test_rows_whose_learner_does_not_match_never_reach_the_plr(services: Services, world: dict[str, Any]) -> None:
    job = submit(services, world["northgate"], [row(world["learner"], FamilyName="Smith")])
    assert job.counters == {"learner_error": 1}
    assert plr(services, world["school"], world["learner"]).events == ()
    errors = services.achievements.error_file(world["northgate"], job.id)
    assert "learner_error" in errors.splitlines()[1] and "WSVRC00" in errors


def test_each_kind_of_error_is_counted_and_explained(services: Services, world: dict[str, Any]) -> None:
    learner = world["learner"]
    job = submit(
        services,
        world["northgate"],
        [
            row(learner, AchievementAwardDate="2026-02-30"),
            row(learner, UnitOrQualificationReferenceNumber="603/0000/1"),
            row(learner, Grade="A*"),
            row(learner, Action=2, UnitOrQualificationReferenceNumber="K/501/5773", Grade="Achieved"),
            row(learner, AchievementAwardDate="2001-01-01"),
            row(learner),
            row(learner, Action=4),
        ],
    )
    assert job.counters == {"field_error": 3, "business_error": 3, "created": 1, "successful_final": 1}
    reasons = services.achievements.error_file(world["northgate"], job.id).splitlines()
    assert len(reasons) == 1 + 6
    assert "not a real date" in reasons[1] and "not in the catalogue" in reasons[2]
    assert "grade scheme" in reasons[3] and "no achievement K/501/5773" in reasons[4]
    assert "before the learner's date of birth" in reasons[5] and "not withdrawn" in reasons[6]


def test_sending_the_same_job_twice_creates_nothing_twice(services: Services, world: dict[str, Any]) -> None:
    rows = [row(world["learner"])]
    first = services.achievements.submit(world["northgate"], rows)
    again = services.achievements.submit(world["northgate"], rows)
    assert (again.created, again.job.id) == (False, first.job.id)
    services.achievements.run_pending()
    repeat = submit(services, world["northgate"], [row(world["learner"], MisIdentifier="resent")])
    assert repeat.counters["unchanged"] == 1
    assert len(plr(services, world["school"], world["learner"]).events) == 1


def test_withdraw_reinstate_update_and_promote(services: Services, world: dict[str, Any]) -> None:
    learner, ao = world["learner"], world["northgate"]
    submit(services, ao, [row(learner, Status="P")])
    assert plr(services, world["school"], learner).events[0].status.value == "P"
    submit(services, ao, [row(learner, Action=5)])
    assert plr(services, world["school"], learner).events[0].status.value == "F"
    submit(services, ao, [row(learner, Action=3)])
    assert plr(services, world["school"], learner).events == ()
    submit(services, ao, [row(learner, Action=4)])
    submit(services, ao, [row(learner, Action=2, Grade="Distinction")])
    assert [e.grade for e in plr(services, world["school"], learner).events] == ["Distinction"]


def test_a_plr_needs_names_that_verify(services: Services, world: dict[str, Any]) -> None:
    submit(services, world["northgate"], [row(world["learner"])])
    result = plr(services, world["school"], world["learner"], given="Aoife")
    assert (result.code, result.found_uln, result.events) == (ErrorCode.NOT_VERIFIED, None, ())


def test_a_learner_who_has_not_agreed_to_share_returns_no_events(services: Services, world: dict[str, Any]) -> None:
    learner = world["learner"]
    submit(services, world["northgate"], [row(learner)])
    services.register.update(world["school"], learner.uln, 1, replace(learner.details, ability_to_share=2))
    result = plr(services, world["school"], learner)
    assert (result.code, result.found_uln, result.events) == (ErrorCode.NOT_SHARED, learner.uln, ())


def test_an_awarding_organisation_reads_only_what_it_submitted(services: Services, world: dict[str, Any]) -> None:
    learner = world["learner"]
    submit(services, world["northgate"], [row(learner)])
    submit(services, world["pennine"], [row(learner, UnitOrQualificationReferenceNumber="K/501/5773",
                                            Grade="Achieved")])  # fmt: skip
    assert len(plr(services, world["school"], learner).events) == 2
    assert [e.subject_code for e in plr(services, world["pennine"], learner).events] == ["K/501/5773"]


def test_a_merged_learners_events_show_on_the_master_until_unmerged(
    services: Services, world: dict[str, Any], operator: Actor
) -> None:
    master, ao = world["learner"], world["northgate"]
    linked = services.register.register(world["school"], details(postcode="B33 8TH"))
    submit(services, ao, [row(master), row(linked, UnitOrQualificationReferenceNumber="K/501/5773", Grade="Achieved")])
    services.merging.merge(operator, master.uln, linked.uln)
    via_linked = plr(services, world["school"], linked)
    assert (via_linked.code, via_linked.found_uln) == (ResponseCode.MASTER_SUBSTITUTED, master.uln)
    assert len(via_linked.events) == 2
    services.merging.unmerge(operator, linked.uln)
    assert [e.subject_code for e in plr(services, world["school"], master).events] == ["601/8675/3"]


def test_every_plr_read_is_in_the_audit_and_the_audit_pages(services: Services, world: dict[str, Any]) -> None:
    for _ in range(25):
        plr(services, world["school"], world["learner"])
    query = VerificationQuery(world["learner"].uln, "Siobhán", "Ó Briain")
    first = services.records.view_audit(world["school"], query)
    assert (first.total, len(first.records), first.page_count) == (26, 20, 2)
    assert first.records[0].organisation_name == "school org" and first.records[0].action == "read_plr"
    second = services.records.view_audit(world["school"], query, page=2)
    assert second.total == 27  # looking at the audit is itself logged
    assert len(second.records) == 7
    assert second.records[-1].action == "register"


def test_a_challenge_marks_the_event_and_its_awarding_body_answers(services: Services, world: dict[str, Any]) -> None:
    submit(services, world["northgate"], [row(world["learner"])])
    event = plr(services, world["school"], world["learner"]).events[0]
    challenge = services.records.raise_challenge(world["school"], event.id, "The learner was awarded a Distinction")
    assert plr(services, world["school"], world["learner"]).events[0].under_data_challenge
    with pytest.raises(Conflict):
        services.records.raise_challenge(world["school"], event.id, "again")
    with pytest.raises(InsufficientAccess):
        services.records.resolve_challenge(world["pennine"], challenge.id, True, "not ours", ChallengeFix(grade="Pass"))
    with pytest.raises(InvalidField, match="grade"):
        services.records.resolve_challenge(world["northgate"], challenge.id, True, "typo", ChallengeFix(grade="A"))
    done = services.records.resolve_challenge(world["northgate"], challenge.id, True, "Marking error corrected",
                                              ChallengeFix(grade="Distinction"))  # fmt: skip
    assert (done.status, done.resolution) == ("accepted", "Marking error corrected")
    after = plr(services, world["school"], world["learner"]).events[0]
    assert (after.grade, after.under_data_challenge) == ("Distinction", False)
    assert [c.status for c in services.records.challenges(world["school"])] == ["accepted"]


def test_a_rejected_challenge_needs_a_reason_and_leaves_the_event(services: Services, world: dict[str, Any]) -> None:
    submit(services, world["northgate"], [row(world["learner"])])
    event = plr(services, world["school"], world["learner"]).events[0]
    challenge = services.records.raise_challenge(world["school"], event.id, "Wrong grade")
    with pytest.raises(InvalidField, match="reason"):
        services.records.resolve_challenge(world["northgate"], challenge.id, False, "  ")
    services.records.resolve_challenge(world["northgate"], challenge.id, False, "Grade confirmed by moderation")
    assert plr(services, world["school"], world["learner"]).events[0].grade == "Merit"


def test_a_job_resumes_where_a_stopped_worker_left_it_and_repeats_nothing(
    services: Services, world: dict[str, Any], clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(achievements_module, "CHUNK", 2)
    learners = [world["learner"]] + [
        services.register.register(world["school"], details(given_name=name)) for name in ("Aoife", "Niamh", "Ciara")
    ]
    rows = [row(learner, GivenName=learner.details.given_name) for learner in learners]
    submitted = services.achievements.submit(world["northgate"], rows)
    calls = []

    def crash_after_first_chunk(done: int, total: int) -> None:
        calls.append(done)
        raise KeyboardInterrupt  # the worker process is stopped

    with pytest.raises(KeyboardInterrupt):
        services.achievements.process(submitted.job.id, progress=crash_after_first_chunk)
    assert services.achievements.job(world["northgate"], submitted.job.id).next_row == 3
    assert services.achievements.process() is None  # another worker waits for the lease to run out
    clock.advance(minutes=10)
    finished = services.achievements.process()
    assert finished is not None and finished.status == JobStatus.SUCCESSFUL
    assert finished.counters["created"] == 4
    assert sum(len(plr(services, world["school"], learner, learner.details.given_name).events)
               for learner in learners) == 4  # fmt: skip


def test_catalogue_rows_with_errors_are_reported_by_row(services: Services, operator: Actor) -> None:
    report = services.records.import_catalogue(operator, [CATALOGUE[0], {**CATALOGUE[1], "reference": "K501/5773"}])
    assert report.saved == 1
    assert [(number, problem.field) for number, problem in report.errors] == [(2, "reference")]
    assert [q.reference for q in services.records.search_catalogue("digital")] == ["601/8675/3"]


def test_award_dates_and_dates_of_birth_are_real_dates(world: dict[str, Any]) -> None:
    assert world["learner"].details.date_of_birth == date(2009, 4, 17)


def test_only_a_waiting_job_can_be_cancelled_and_it_then_never_runs(services: Services, world: dict[str, Any]) -> None:
    waiting = services.achievements.submit(world["northgate"], [row(world["learner"])])
    cancelled = services.achievements.cancel(world["northgate"], waiting.job.id)
    assert cancelled.status == JobStatus.CANCELLED
    assert services.achievements.run_pending() == []
    assert plr(services, world["school"], world["learner"]).events == ()
    done = submit(services, world["northgate"], [row(world["learner"], Grade="Pass")])
    with pytest.raises(Conflict, match="only a waiting job"):
        services.achievements.cancel(world["northgate"], done.id)


def test_rows_of_one_job_build_on_each_other(services: Services, world: dict[str, Any]) -> None:
    learner = world["learner"]
    job = submit(
        services,
        world["northgate"],
        [row(learner, Status="P"), row(learner, Action=2, Grade="Pass", Status="P"), row(learner, Action=5)],
    )
    assert (job.counters["created"], job.counters["updated"], job.counters["promoted"]) == (1, 1, 1)
    events = plr(services, world["school"], learner).events
    assert [(e.grade, e.status.value) for e in events] == [("Pass", "F")]


def test_a_learner_sees_who_looked_at_their_record(services: Services, world: dict[str, Any]) -> None:
    learner = world["learner"]
    plr(services, world["school"], learner)
    me = Actor(OrganisationKind.LEARNER, "learner", uln=learner.uln)
    page = services.records.my_access_history(me)
    assert [(r.action, r.organisation_name) for r in page.records] == [
        ("read_plr", "school org"),
        ("register", "school org"),
    ]
    with pytest.raises(InsufficientAccess):
        services.records.read_plr(me, VerificationQuery(learner.uln, "Siobhán", "Ó Briain"))
    with pytest.raises(InsufficientAccess):
        services.records.my_access_history(world["school"])
