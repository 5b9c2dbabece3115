from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from learner_records.bootstrap import Services, bootstrap
from learner_records.config import Settings
from learner_records.domain import uln as uln_rules
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.codes import ResponseCode, VerificationCode
from learner_records.domain.errors import (
    DuplicateLearner,
    InsufficientAccess,
    InvalidAbilityToShareChange,
    InvalidField,
    InvalidMerge,
    NoChanges,
    StaleVersion,
    UlnNotFoundForUpdate,
)
from learner_records.domain.matching import Demographics, VerificationQuery
from tests.conftest import MovableClock
from tests.factories import details

from .fakes import FakeUnitOfWork

ADMIN = Actor(OrganisationKind.REGISTER_ADMINISTRATOR, "admin")
SCHOOL = Actor(OrganisationKind.LEARNER_REGISTRATION_BODY, "office", organisation_id=7)
AO = Actor(OrganisationKind.AWARDING_ORGANISATION, "results", organisation_id=8)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def app(uow: FakeUnitOfWork, clock: MovableClock) -> Services:
    return bootstrap(Settings(), uow=uow, clock=clock, randbelow=random.Random(1).randrange)


def test_registering_a_learner_allocates_a_valid_uln_and_logs_it(app: Services, uow: FakeUnitOfWork) -> None:
    learner = app.register.register(SCHOOL, details())
    assert uln_rules.is_valid(learner.uln)
    assert uow.learners.get(learner.uln) is not None
    assert [(e.action, e.uln, e.organisation_id) for e in uow.access_log.entries] == [("register", learner.uln, 7)]


def test_the_same_five_mandatory_fields_cannot_be_registered_twice(app: Services, uow: FakeUnitOfWork) -> None:
    first = app.register.register(SCHOOL, details())
    with pytest.raises(DuplicateLearner) as raised:
        app.register.register(SCHOOL, details(given_name="SIOBHAN", family_name="o briain", postcode="cv49ee"))
    assert raised.value.code == ResponseCode.CANNOT_REGISTER
    assert raised.value.existing_uln == first.uln
    assert len(uow.learners.rows) == 1


def test_a_learner_differing_in_one_mandatory_field_can_be_registered(app: Services) -> None:
    app.register.register(SCHOOL, details())
    assert app.register.register(SCHOOL, details(gender=9)).uln


def test_a_uln_that_is_taken_is_never_reused(uow: FakeUnitOfWork, clock: MovableClock) -> None:
    draws = iter([5, 5, 7])  # the first two learners draw the same payload; the second must draw again
    app = bootstrap(Settings(), uow=uow, clock=clock, randbelow=lambda _: next(draws))
    first = app.register.register(SCHOOL, details())
    second = app.register.register(SCHOOL, details(given_name="Aoife"))
    assert first.uln != second.uln
    assert {first.uln, second.uln} == set(uow.learners.rows)


def test_a_date_of_birth_in_the_future_is_refused(app: Services, clock: MovableClock) -> None:
    tomorrow = (clock.now() + timedelta(days=1)).date().isoformat()
    with pytest.raises(InvalidField, match="DateOfBirth"):
        app.register.register(SCHOOL, details(date_of_birth=tomorrow))


def test_an_awarding_organisation_may_not_register_and_nothing_is_written(app: Services, uow: FakeUnitOfWork) -> None:
    with pytest.raises(InsufficientAccess):
        app.register.register(AO, details())
    assert uow.learners.rows == {}
    assert uow.access_log.entries == []


def test_find_by_uln_of_a_linked_learner_answers_with_the_master(app: Services) -> None:
    master = app.register.register(SCHOOL, details())
    linked = app.register.register(SCHOOL, details(given_name="Siobhan", postcode="B33 8TH"))
    app.merging.merge(ADMIN, master.uln, linked.uln)
    found = app.register.find_by_uln(SCHOOL, linked.uln)
    assert found.code == ResponseCode.MASTER_SUBSTITUTED
    assert found.learner is not None and found.learner.uln == master.uln
    assert found.incoming_uln == linked.uln
    assert found.learner.linked_ulns == (linked.uln,)


def test_find_by_uln_with_names_that_do_not_match_finds_nothing(app: Services) -> None:
    learner = app.register.register(SCHOOL, details())
    assert app.register.find_by_uln(SCHOOL, learner.uln, "Kevin", "Bacon").code == ResponseCode.NO_MATCH


def test_find_by_demographics_answers_an_exact_match(app: Services) -> None:
    learner = app.register.register(SCHOOL, details())
    query = Demographics("SIOBHÁN", "Ó Briain", learner.details.date_of_birth, 2, "cv49ee")
    result = app.register.find_by_demographics(SCHOOL, query)
    assert result.code == ResponseCode.EXACT_MATCH
    assert [m.learner.uln for m in result.matches] == [learner.uln]


def test_find_by_demographics_of_a_merged_duplicate_answers_with_its_master(app: Services) -> None:
    master = app.register.register(SCHOOL, details())
    linked = app.register.register(SCHOOL, details(postcode="B33 8TH"))
    app.merging.merge(ADMIN, master.uln, linked.uln)
    query = Demographics("Siobhán", "Ó Briain", linked.details.date_of_birth, 2, "B33 8TH")
    result = app.register.find_by_demographics(SCHOOL, query)
    assert result.code == ResponseCode.MASTER_SUBSTITUTED
    assert [(m.learner.uln, m.matched_uln) for m in result.matches] == [(master.uln, linked.uln)]


def test_verify_answers_each_learner_of_a_batch(app: Services) -> None:
    learner = app.register.register(SCHOOL, details())
    queries = [VerificationQuery(learner.uln, "Siobhán", "Ó Briain"), VerificationQuery("1000000043", "A", "B")]
    codes = [v.result.code for v in app.register.verify(AO, queries)]
    assert codes == [VerificationCode.MATCH, VerificationCode.ULN_NOT_FOUND]


def test_verify_refuses_more_than_200_learners(app: Services) -> None:
    with pytest.raises(InvalidField, match="at most 200"):
        app.register.verify(AO, [VerificationQuery("1000000043", "A", "B")] * 201)


def test_updating_with_a_stale_version_is_refused(app: Services) -> None:
    learner = app.register.register(SCHOOL, details())
    app.register.update(SCHOOL, learner.uln, 1, details(town="Coventry"))
    with pytest.raises(StaleVersion) as raised:
        app.register.update(SCHOOL, learner.uln, 1, details(town="Leamington"))
    assert raised.value.code == ResponseCode.STALE_VERSION


def test_an_update_that_changes_nothing_is_refused(app: Services) -> None:
    learner = app.register.register(SCHOOL, details())
    with pytest.raises(NoChanges):
        app.register.update(SCHOOL, learner.uln, 1, details())


def test_an_update_of_an_unknown_uln_is_refused(app: Services) -> None:
    with pytest.raises(UlnNotFoundForUpdate):
        app.register.update(SCHOOL, "1000000043", 1, details())


def test_ability_to_share_cannot_go_back_to_notice_not_seen(app: Services, uow: FakeUnitOfWork) -> None:
    learner = app.register.register(SCHOOL, details(ability_to_share=1))
    with pytest.raises(InvalidAbilityToShareChange):
        app.register.update(SCHOOL, learner.uln, 1, details(ability_to_share=0))
    assert uow.learners.rows[learner.uln].version == 1


def test_an_update_raises_the_version_and_keeps_the_uln(app: Services, clock: MovableClock) -> None:
    learner = app.register.register(SCHOOL, details())
    clock.advance(days=1)
    updated = app.register.update(SCHOOL, learner.uln, 1, details(family_name="Ó Briain-Walsh"))
    assert (updated.uln, updated.version, updated.details.family_name) == (learner.uln, 2, "Ó Briain-Walsh")
    assert updated.updated_at == clock.now()


def test_retrieve_reports_linked_ulns_with_their_master(app: Services) -> None:
    master = app.register.register(SCHOOL, details())
    linked = app.register.register(SCHOOL, details(postcode="B33 8TH"))
    app.merging.merge(ADMIN, master.uln, linked.uln)
    retrieved = app.register.retrieve(AO, [linked.uln, master.uln, "1000000043"])
    assert [(r.uln, r.code, r.master_uln) for r in retrieved] == [
        (linked.uln, ResponseCode.MASTER_SUBSTITUTED, master.uln),
        (master.uln, ResponseCode.EXACT_MATCH, None),
        ("1000000043", ResponseCode.NO_MATCH, None),
    ]


def test_retrieve_takes_at_most_200_ulns(app: Services) -> None:
    with pytest.raises(InvalidField, match="1-200"):
        app.register.retrieve(AO, ["1000000043"] * 201)


def test_merges_are_reversible_and_reported_by_date(app: Services, clock: MovableClock) -> None:
    master = app.register.register(SCHOOL, details())
    linked = app.register.register(SCHOOL, details(postcode="B33 8TH"))
    app.merging.merge(ADMIN, master.uln, linked.uln)
    clock.advance(days=2)
    restored = app.merging.unmerge(ADMIN, linked.uln)
    assert restored.master_uln is None
    assert app.register.find_by_uln(SCHOOL, linked.uln).code == ResponseCode.EXACT_MATCH
    report = app.merging.report(ADMIN, datetime(2026, 11, 1), datetime(2026, 11, 30))
    assert [(line.event.merged, line.event.linked_uln) for line in report] == [(True, linked.uln), (False, linked.uln)]
    assert app.merging.report(ADMIN, datetime(2026, 11, 3), datetime(2026, 11, 30))[0].event.merged is False


def test_a_master_cannot_be_merged_into_a_learner_linked_elsewhere(app: Services) -> None:
    a = app.register.register(SCHOOL, details())
    b = app.register.register(SCHOOL, details(postcode="B33 8TH"))
    c = app.register.register(SCHOOL, details(postcode="M1 1AE"))
    app.merging.merge(ADMIN, a.uln, b.uln)
    with pytest.raises(InvalidMerge):
        app.merging.merge(ADMIN, b.uln, c.uln)


def test_merging_a_master_moves_its_linked_learners_too(app: Services) -> None:
    a = app.register.register(SCHOOL, details())
    b = app.register.register(SCHOOL, details(postcode="B33 8TH"))
    c = app.register.register(SCHOOL, details(postcode="M1 1AE"))
    app.merging.merge(ADMIN, b.uln, c.uln)
    master = app.merging.merge(ADMIN, a.uln, b.uln)
    assert master.linked_ulns == tuple(sorted((b.uln, c.uln)))


def test_only_administrators_merge(app: Services) -> None:
    a = app.register.register(SCHOOL, details())
    b = app.register.register(SCHOOL, details(postcode="B33 8TH"))
    with pytest.raises(InsufficientAccess):
        app.merging.merge(SCHOOL, a.uln, b.uln)


def test_the_duplicate_scan_pairs_the_same_person_and_not_twins(app: Services) -> None:
    a = app.register.register(SCHOOL, details(given_name="Katherine", family_name="Smith", postcode="CV4 9EE"))
    b = app.register.register(SCHOOL, details(given_name="Kate", family_name="Smith", postcode="CV4 7AL"))
    app.register.register(SCHOOL, details(given_name="Oliver", family_name="Smith", postcode="CV4 9EE", gender=1))
    pairs = app.merging.scan_duplicates(ADMIN)
    assert [{p.first.uln, p.second.uln} for p in pairs] == [{a.uln, b.uln}]
    assert pairs[0].reasons
