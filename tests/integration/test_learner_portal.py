"""The learner portal's service on SQLite and PostgreSQL: invitations, the learner's own record, share links."""

from __future__ import annotations

from typing import Any

import pytest

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.errors import Conflict, InsufficientAccess, InvalidField, InvalidFields, NotFound
from learner_records.domain.sharing import ShareState, hash_secret, normalise_code
from learner_records.domain.users import Role, User
from tests.conftest import MovableClock
from tests.factories import details
from tests.integration.test_plr_services import CATALOGUE, row, submit

PASSWORD = "Correct-horse-9"
LEARNER_PASSWORD = "My-own-record-7"


@pytest.fixture
def world(services: Services, operator: Actor) -> dict[str, Any]:
    services.records.import_catalogue(operator, CATALOGUE)
    school = services.organisations.create(operator, "10000001", "Riverside College",
                                           OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    awards = services.organisations.create(operator, "10090001", "Northgate Awards",
                                           OrganisationKind.AWARDING_ORGANISATION).organisation  # fmt: skip
    office = services.users.create(None, "office@riverside.ac.uk", "Ben Cole", Role.ONLINE_USER, school.id, PASSWORD)
    batch = services.users.create(None, "batch@riverside.ac.uk", "Cas Dee", Role.BATCH_USER, school.id, PASSWORD)
    school_actor = office.actor(school.ukprn)
    learner = services.register.register(school_actor, details())
    northgate = Actor(OrganisationKind.AWARDING_ORGANISATION, "results", awards.id, awards.ukprn)
    submit(services, northgate, [row(learner)])
    return {"office": office, "batch": batch, "learner": learner, "school": school_actor}


def redeem(services: Services, code: str, email: str = "siobhan@example.org") -> User:
    return services.learners_portal.redeem_invitation(code, email, LEARNER_PASSWORD)


def test_an_invited_learner_sets_a_password_and_signs_in_to_their_own_uln(
    services: Services, world: dict[str, Any]
) -> None:
    issued = services.learners_portal.issue_invitation(world["office"], world["learner"].uln)
    assert len(issued.code) == 14 and issued.learner_name == "Siobhán Ó Briain"
    user = redeem(services, issued.code.lower().replace("-", " "))
    assert (user.role, user.uln, user.name, user.organisation_id) == (Role.LEARNER, world["learner"].uln,
                                                                      "Siobhán Ó Briain", None)  # fmt: skip
    assert services.users.sign_in("siobhan@example.org", LEARNER_PASSWORD).id == user.id
    with services.uow() as uow:
        stored = uow.invitations.by_code(hash_secret(normalise_code(issued.code)))
    assert stored is not None and stored.used_at is not None
    history = services.records.my_access_history(user.actor()).records
    assert [(r.action, r.organisation_name) for r in history[:2]] == [
        ("learner_account_created", None), ("invitation_issued", "Riverside College")]


def test_a_code_works_once_and_the_second_use_creates_nothing(services: Services, world: dict[str, Any]) -> None:
    issued = services.learners_portal.issue_invitation(world["office"], world["learner"].uln)
    redeem(services, issued.code)
    with pytest.raises(InvalidField, match="has been used already") as refused:
        redeem(services, issued.code, "someone.else@example.org")
    assert refused.value.field == "code"
    with services.uow() as uow:
        assert uow.users.by_email("someone.else@example.org") is None


def test_an_expired_or_unknown_code_is_refused_and_nothing_is_written(
    services: Services, world: dict[str, Any], clock: MovableClock
) -> None:
    issued = services.learners_portal.issue_invitation(world["office"], world["learner"].uln)
    clock.advance(days=14)
    with pytest.raises(InvalidField, match="expired on 16 November 2026"):
        redeem(services, issued.code)
    with pytest.raises(InvalidField, match="not known"):
        redeem(services, "ACDE-FGHJ-KMNP")
    with services.uow() as uow:
        assert uow.users.by_email("siobhan@example.org") is None
        stored = uow.invitations.by_code(hash_secret(normalise_code(issued.code)))
    assert stored is not None and stored.used_at is None


def test_every_bad_field_of_a_redemption_is_named_at_once(services: Services, world: dict[str, Any]) -> None:
    with pytest.raises(InvalidFields) as refused:
        services.learners_portal.redeem_invitation("", "not-an-email", "short")
    assert [p.field for p in refused.value.problems] == ["code", "email", "password"]


def test_an_email_with_an_account_is_refused_and_the_code_stays_usable(
    services: Services, world: dict[str, Any]
) -> None:
    issued = services.learners_portal.issue_invitation(world["office"], world["learner"].uln)
    with pytest.raises(InvalidField, match="has an account already") as refused:
        redeem(services, issued.code, "office@riverside.ac.uk")
    assert refused.value.field == "email"
    assert redeem(services, issued.code).uln == world["learner"].uln


def test_only_those_who_register_or_update_learners_invite_and_only_for_a_learner_on_the_register(
    services: Services, world: dict[str, Any]
) -> None:
    with pytest.raises(InsufficientAccess):
        services.learners_portal.issue_invitation(world["batch"], world["learner"].uln)
    with pytest.raises(InvalidField, match="uln"):
        services.learners_portal.issue_invitation(world["office"], "1234567890")
    with pytest.raises(NotFound, match="No learner on the register"):
        services.learners_portal.issue_invitation(world["office"], "1026893096")
    redeem(services, services.learners_portal.issue_invitation(world["office"], world["learner"].uln).code)
    with pytest.raises(Conflict, match="has an account already"):
        services.learners_portal.issue_invitation(world["office"], world["learner"].uln)


@pytest.fixture
def me(services: Services, world: dict[str, Any]) -> Actor:
    issued = services.learners_portal.issue_invitation(world["office"], world["learner"].uln)
    return redeem(services, issued.code).actor()


def test_a_learner_reads_their_record_and_the_read_is_logged(services: Services, me: Actor) -> None:
    record = services.learners_portal.my_record(me)
    assert [(e.subject_code, e.grade) for e in record.events] == [("601/8675/3", "Merit")]
    assert services.learners_portal.my_record_document(me).startswith(b"%PDF")
    actions = [r.action for r in services.records.my_access_history(me).records]
    assert actions[:2] == ["own_record_downloaded", "own_record_read"]


def test_a_learner_challenges_an_entry_once_and_it_shows_under_data_challenge(
    services: Services, me: Actor, world: dict[str, Any]
) -> None:
    event = services.learners_portal.my_record(me).events[0]
    with pytest.raises(InvalidField, match="reason"):
        services.learners_portal.challenge(me, event.id, " ")
    with pytest.raises(InvalidField, match="2001 characters"):
        services.learners_portal.challenge(me, event.id, "x" * 2001)
    challenge = services.learners_portal.challenge(me, event.id, "I was awarded a Distinction")
    assert (challenge.status, challenge.raised_by, challenge.raised_by_user) == ("open", None, "siobhan@example.org")
    assert services.learners_portal.my_record(me).events[0].under_data_challenge
    with pytest.raises(Conflict, match="under data challenge already"):
        services.learners_portal.challenge(me, event.id, "again")
    with pytest.raises(NotFound):
        services.learners_portal.challenge(me, 999, "not mine")
    with pytest.raises(InsufficientAccess):
        services.learners_portal.challenge(world["school"], event.id, "an organisation is not the learner")


def test_a_share_link_shows_the_record_until_it_is_withdrawn_and_each_view_is_logged(
    services: Services, me: Actor
) -> None:
    created, token = services.learners_portal.create_share_link(me, "for my new employer", "30")
    assert created.state is ShareState.ACTIVE and len(token) == 32
    shared = services.learners_portal.view_shared(token)
    assert shared is not None and shared.learner is not None
    assert [e.grade for e in shared.events] == ["Merit"]
    history = services.records.my_access_history(me).records
    assert (history[0].action, history[0].user_name) == ("share_link_viewed",
                                                         "Someone with your link “for my new employer”")  # fmt: skip
    withdrawn = services.learners_portal.withdraw_share_link(me, created.link.id)
    assert withdrawn.state is ShareState.WITHDRAWN
    after = services.learners_portal.view_shared(token)
    assert after is not None and (after.state, after.learner, after.events) == (ShareState.WITHDRAWN, None, ())
    assert services.records.my_access_history(me).records[0].action == "share_link_withdrawn"
    assert services.learners_portal.view_shared("no-such-token") is None
    assert [listed.state for listed in services.learners_portal.share_links(me)] == [ShareState.WITHDRAWN]


def test_a_share_link_expires_after_its_days(services: Services, me: Actor, clock: MovableClock) -> None:
    created, token = services.learners_portal.create_share_link(me, "for a course", 1)
    clock.advance(days=1)
    shared = services.learners_portal.view_shared(token)
    assert shared is not None and (shared.state, shared.learner) == (ShareState.EXPIRED, None)
    assert services.learners_portal.share_links(me)[0].state is ShareState.EXPIRED


def test_a_bad_share_link_is_refused_naming_each_field_and_none_is_made(services: Services, me: Actor) -> None:
    with pytest.raises(InvalidFields) as refused:
        services.learners_portal.create_share_link(me, "", "91")
    assert [p.field for p in refused.value.problems] == ["label", "days"]
    assert services.learners_portal.share_links(me) == []


def test_a_learner_withdraws_only_their_own_links(
    services: Services, me: Actor, world: dict[str, Any], operator: Actor
) -> None:
    other = services.register.register(world["school"], details(given_name="Tom", family_name="Hardy",
                                                                date_of_birth="2008-01-02"))  # fmt: skip
    issued = services.learners_portal.issue_invitation(world["office"], other.uln)
    someone = redeem(services, issued.code, "tom@example.org").actor()
    created, _ = services.learners_portal.create_share_link(someone, "for college", 5)
    with pytest.raises(NotFound):
        services.learners_portal.withdraw_share_link(me, created.link.id)
    assert services.learners_portal.share_links(me) == []


def test_who_looked_leaves_out_what_the_learner_did_unless_asked_and_pages_by_twenty(
    services: Services, me: Actor
) -> None:
    services.learners_portal.my_record(me)
    _, token = services.learners_portal.create_share_link(me, "for my new employer", 30)
    for _ in range(20):
        services.learners_portal.view_shared(token)
    others = services.learners_portal.who_looked(me)
    # 20 link views, the invitation, the achievement, the registration; not the learner's own doings
    assert (others.total, others.page_count, len(others.records)) == (23, 2, 20)
    assert {r.action for r in others.records} == {"share_link_viewed"}
    last = services.learners_portal.who_looked(me, 2)
    assert [(r.action, r.organisation_name) for r in last.records] == [
        ("invitation_issued", "Riverside College"), ("submit_achievement", "Northgate Awards"),
        ("register", "Riverside College")]  # fmt: skip
    everything = services.learners_portal.who_looked(me, 1, include_own=True)
    assert everything.total == 26  # and the account set up, the record read and the link made
    assert services.records.my_access_history(me).total == everything.total
