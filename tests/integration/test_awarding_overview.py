"""The awarding portal's reads (registrations, dashboard, challenges) and the centre scoping of every action."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor
from learner_records.domain.awarding import UlnState
from learner_records.domain.errors import InsufficientAccess, NotFound
from learner_records.domain.matching import VerificationQuery
from learner_records.services.records import ChallengeFix
from tests.conftest import MovableClock

from .test_awarding_services import registration, world

__all__ = ["world"]  # the fixture, shared with the awarding services' tests


@pytest.fixture
def two_centres(services: Services, world: dict[str, Any]) -> dict[str, Any]:
    other = services.awarding.add_centre(world["ao"], "C002", "Hilltop Academy")
    services.awarding.offer(world["ao"], other.id, ["601/8675/3"])
    staff = replace(world["ao"], user_name="exams@hilltop", centres=frozenset({other.id}))
    return {**world, "other": other, "staff": staff}


def test_a_centre_user_sees_and_acts_only_in_their_own_centre(services: Services, two_centres: dict[str, Any]) -> None:
    ao, staff, own, theirs = two_centres["ao"], two_centres["staff"], two_centres["other"], two_centres["centre"]
    elsewhere = services.awarding.register(ao, theirs.id, "601/8675/3", registration(two_centres, uln="1026893097"))
    mine = services.awarding.register(staff, own.id, "601/8675/3",
                                      registration(two_centres, uln="1026893097", given_name="Kate"))  # fmt: skip
    assert [r.id for r in services.awarding_overview.registrations(staff)] == [mine.id]
    assert {r.id for r in services.awarding_overview.registrations(ao)} == {mine.id, elsewhere.id}
    assert [c.id for c, _ in services.awarding_overview.centres(staff)] == [own.id]
    with pytest.raises(NotFound):
        services.awarding_overview.registration(staff, elsewhere.id)
    with pytest.raises(NotFound):
        services.awarding_overview.registrations(staff, centre_id=theirs.id)
    with pytest.raises(NotFound):
        services.awarding.register(staff, theirs.id, "601/8675/3", registration(two_centres, given_name="Kit"))
    (their_anomaly,) = [v for v in services.awarding.anomalies(ao) if v.registration.id == elsewhere.id]
    assert [v.registration.id for v in services.awarding.anomalies(staff)] == [mine.id]
    with pytest.raises(NotFound):
        services.awarding.resolve(staff, their_anomaly.stored.id, "remove_uln")
    assert services.awarding.resolve(staff, services.awarding.anomalies(staff)[0].stored.id, "remove_uln").uln_state \
        is UlnState.NONE  # fmt: skip


def test_a_centre_user_neither_certifies_nor_adds_centres(services: Services, two_centres: dict[str, Any]) -> None:
    staff = two_centres["staff"]
    mine = services.awarding.register(staff, two_centres["other"].id, "601/8675/3", registration(two_centres))
    with pytest.raises(InsufficientAccess):
        services.certification.record_result(staff, mine.id, "Pass", date(2026, 7, 1))
    with pytest.raises(InsufficientAccess):
        services.certification.certify(staff, [mine.id])
    with pytest.raises(InsufficientAccess):
        services.awarding.add_centre(staff, "C003", "Elsewhere")
    with pytest.raises(InsufficientAccess):
        services.awarding_overview.challenges(staff)


def test_a_centre_user_without_a_centre_sees_nothing(services: Services, two_centres: dict[str, Any]) -> None:
    services.awarding.register(two_centres["ao"], two_centres["centre"].id, "601/8675/3", registration(two_centres))
    nowhere = replace(two_centres["ao"], centres=frozenset())
    assert services.awarding_overview.registrations(nowhere) == []
    assert services.awarding_overview.dashboard(nowhere).registrations == 0


def test_registrations_filter_by_qualification_and_state(services: Services, world: dict[str, Any]) -> None:
    ao, centre = world["ao"], world["centre"]
    good = services.awarding.register(ao, centre.id, "601/8675/3", registration(world))
    bad = services.awarding.register(ao, centre.id, "601/8675/3",
                                     registration(world, given_name="Kim", uln="1026893097"))  # fmt: skip
    assert [r.id for r in services.awarding_overview.registrations(ao, uln_state=UlnState.ANOMALY)] == [bad.id]
    assert [r.id for r in services.awarding_overview.registrations(ao, uln_state=UlnState.PENDING)] == [good.id]
    assert services.awarding_overview.registrations(ao, reference="600/0000/0") == []
    view = services.awarding_overview.registration(ao, bad.id)
    assert view.anomaly is not None and view.centre.id == centre.id and view.certificate is None
    assert view.qualification is not None and view.qualification.grades == ("Pass", "Merit")


def test_the_dashboard_counts_states_and_open_anomalies_by_week(
    services: Services, world: dict[str, Any], clock: MovableClock
) -> None:
    ao, centre = world["ao"], world["centre"]
    services.awarding.register(ao, centre.id, "601/8675/3", registration(world))
    services.awarding.validate(ao)
    clock.advance(days=14)
    services.awarding.register(ao, centre.id, "601/8675/3", registration(world, given_name="Kim", uln="1026893097"))
    clock.advance(days=7)
    board = services.awarding_overview.dashboard(ao, weeks=4)
    assert dict(board.uln_states)[UlnState.VALIDATED] == 1 and dict(board.uln_states)[UlnState.ANOMALY] == 1
    assert dict(board.certification)["not_sent"] == 2
    assert (board.open_anomalies, board.removal_within_week) == (1, 0)
    assert [count for _, count in board.anomalies_by_week] == [0, 0, 1, 1]


def test_a_challenge_to_an_awarded_event_is_listed_and_answered(services: Services, world: dict[str, Any]) -> None:
    ao, learner = world["ao"], world["learner"]
    services.awarding.register(ao, world["centre"].id, "601/8675/3", registration(world))
    services.awarding.validate(ao)
    (registered,) = services.awarding_overview.registrations(ao)
    services.certification.record_result(ao, registered.id, "Pass", date(2026, 7, 1))
    services.certification.certify(ao, [registered.id])
    services.achievements.run_pending()
    d = learner.details
    query = VerificationQuery(learner.uln, d.given_name, d.family_name, d.date_of_birth, d.gender)
    events = services.records.read_plr(world["school"], query).events
    assert events, "the achievement reached the PLR"
    services.records.raise_challenge(world["school"], events[0].id or 0, "The grade was a Merit")
    (view,) = services.awarding_overview.challenges(ao)
    assert (view.event.subject_code, view.event.grade) == ("601/8675/3", "Pass")
    services.records.resolve_challenge(ao, view.challenge.id, True, "Remarked", ChallengeFix(grade="Merit"))
    assert services.awarding_overview.challenges(ao) == []
    assert services.awarding_overview.challenge(ao, view.challenge.id).challenge.status == "accepted"


def test_the_downloaded_certificate_is_the_one_in_force(services: Services, world: dict[str, Any]) -> None:
    ao = world["ao"]
    registered = services.awarding.register(ao, world["centre"].id, "601/8675/3", registration(world))
    services.certification.record_result(ao, registered.id, "Merit", date(2026, 7, 1))
    with pytest.raises(NotFound):
        services.certification.certificate_document(ao, registered.id)
    first, _ = services.certification.issue_certificate(ao, registered.id)
    second, _ = services.certification.issue_certificate(ao, registered.id)
    current, document = services.certification.certificate_document(ao, registered.id)
    assert current.public_id == second.public_id != first.public_id
    assert document.startswith(b"%PDF")


def test_actor_scope_is_none_for_the_organisations_staff(world: dict[str, Any]) -> None:
    ao: Actor = world["ao"]
    assert ao.centres is None and ao.in_centre(12345)
