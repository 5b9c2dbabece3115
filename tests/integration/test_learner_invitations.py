"""Invitations as a proof of identity, on SQLite and PostgreSQL: only an organisation that knows the learner
issues one, it is redeemed only with the learner's family name and date of birth, wrong answers use it up, it can
be revoked, and an administrator recovers an account that someone else set up."""

from __future__ import annotations

from typing import Any

import pytest

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.errors import Conflict, InsufficientAccess, InvalidField, NotFound, SignInRefused
from learner_records.domain.sharing import InvitationState, ShareState
from learner_records.domain.users import Role, User
from tests.conftest import MovableClock
from tests.factories import details
from tests.integration.test_learner_portal import PASSWORD, redeem, world
from tests.integration.test_plr_services import row, submit

__all__ = ["world"]  # the learner portal's fixture: Riverside College registered Siobhán; Northgate awarded her


@pytest.fixture
def hilltop(services: Services, operator: Actor) -> dict[str, User]:
    """Another learner registration body, which never registered Siobhán, with two people."""
    school = services.organisations.create(operator, "10000002", "Hilltop School",
                                           OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    return {
        "online": services.users.create(None, "online@hilltop.sch.uk", "Dee Fox", Role.ONLINE_USER, school.id,
                                        PASSWORD),  # fmt: skip
        "super": services.users.create(None, "head@hilltop.sch.uk", "Al Gray", Role.SUPER_USER, school.id, PASSWORD),
    }


@pytest.fixture
def admin(services: Services) -> User:
    return services.users.create(None, "admin@register.example", "Ann Admin", Role.ADMINISTRATOR, None, PASSWORD)


def actions(services: Services, uln: str) -> list[tuple[str, str | None, str]]:
    with services.uow() as uow:
        records, _ = uow.access_history.for_ulns([uln], 0, 100)
    return [(r.action, r.organisation_name, r.user_name) for r in records]


def test_a_body_that_never_registered_the_learner_is_refused_as_for_a_uln_not_on_the_register(
    services: Services, world: dict[str, Any], hilltop: dict[str, User]
) -> None:
    uln = world["learner"].uln
    with pytest.raises(InsufficientAccess) as theirs:
        services.invitations.issue(hilltop["online"], uln)
    with pytest.raises(InsufficientAccess) as unknown:
        services.invitations.issue(hilltop["online"], "1026893096")
    assert theirs.value.message == unknown.value.message.replace("1026893096", uln)
    assert "not one of them" in theirs.value.message
    with services.uow() as uow:
        assert uow.invitations.not_used([uln]) == []
    assert actions(services, uln)[0] == ("invitation_refused", "Hilltop School", "online@hilltop.sch.uk")
    # nor does an account already set up show through to a body that does not know the learner
    redeem(services, services.invitations.issue(world["office"], uln).code)
    with pytest.raises(InsufficientAccess, match="not one of them"):
        services.invitations.issue(hilltop["super"], uln)


def test_a_body_named_as_provider_on_the_learners_record_may_invite_them(
    services: Services, world: dict[str, Any], hilltop: dict[str, User]
) -> None:
    with services.uow() as uow:
        found = uow.organisations.by_ukprn("10090001")
    assert found is not None
    northgate = Actor(OrganisationKind.AWARDING_ORGANISATION, "results", found.id, found.ukprn)
    submit(services, northgate, [row(world["learner"], ProviderUkprn="10000002",
                                     UnitOrQualificationReferenceNumber="K/501/5773", Grade="Achieved")])  # fmt: skip
    issued = services.invitations.issue(hilltop["online"], world["learner"].uln)
    assert issued.invitation.organisation_id == hilltop["online"].organisation_id


def test_a_code_without_the_learners_family_name_and_date_of_birth_opens_nothing(
    services: Services, world: dict[str, Any]
) -> None:
    uln = world["learner"].uln
    code = services.invitations.issue(world["office"], uln).code
    refusals = []
    for family_name, born in (("Smith", "2009-04-17"), ("Ó Briain", "2009-04-18"), ("Smith", "2001-01-01")):
        with pytest.raises(InvalidField) as refused:
            redeem(services, code, "taker@example.org", family_name, born)
        refusals.append((refused.value.field, refused.value.problem))
    assert {problem for _, problem in refusals} == {"The invitation code, family name and date of birth do not match"}
    assert {field for field, _ in refusals} == {"invitation"}  # not the family name's, not the date's
    with services.uow() as uow:
        assert uow.users.by_email("taker@example.org") is None
        assert uow.invitations.not_used([uln])[0].failed_attempts == 3
    assert [a[0] for a in actions(services, uln)[:3]] == ["invitation_redemption_failed"] * 3
    # the family name as a verification reads it: accents, case and spacing do not matter
    assert redeem(services, code, family_name=" o briain ").uln == uln


def test_the_previous_family_name_proves_the_learner_too(services: Services, world: dict[str, Any]) -> None:
    married = services.register.register(world["school"], details(given_name="Nia", family_name="Jones",
                                                                  previous_family_name="Price",
                                                                  date_of_birth="2007-06-05"))  # fmt: skip
    code = services.invitations.issue(world["office"], married.uln).code
    assert redeem(services, code, "nia@example.org", "PRICE", "2007-06-05").uln == married.uln


def test_five_wrong_answers_void_the_invitation(services: Services, world: dict[str, Any]) -> None:
    code = services.invitations.issue(world["office"], world["learner"].uln).code
    for attempt in range(1, 6):
        with pytest.raises(InvalidField) as refused:
            redeem(services, code, family_name="Wrong")
        if attempt == 4:
            assert "1 more try" in refused.value.rule
    assert "can no longer be used" in refused.value.problem
    with pytest.raises(InvalidField, match="can no longer be used") as void:
        redeem(services, code)  # the right answer, too late
    assert void.value.field == "code"
    with services.uow() as uow:
        assert uow.users.for_uln(world["learner"].uln) is None


def test_a_new_invitation_revokes_the_older_one_and_the_issuer_or_super_user_or_administrator_revokes(
    services: Services, world: dict[str, Any], hilltop: dict[str, User], admin: User, clock: MovableClock
) -> None:
    uln = world["learner"].uln
    first = services.invitations.issue(world["office"], uln)
    clock.advance(minutes=1)
    second = services.invitations.issue(world["office"], uln)
    with pytest.raises(InvalidField, match="can no longer be used"):
        redeem(services, first.code)
    assert [i.id for i in services.invitations.outstanding(world["office"], uln)] == [second.invitation.id]
    assert services.invitations.outstanding(hilltop["super"], uln) == []
    with pytest.raises(NotFound):  # another body's invitation: as if there were none
        services.invitations.revoke(hilltop["super"], second.invitation.id)
    revoked = services.invitations.revoke(world["office"], second.invitation.id)
    assert revoked.state(clock.now()) is InvitationState.REVOKED
    with pytest.raises(InvalidField, match="can no longer be used"):
        redeem(services, second.code)
    with pytest.raises(Conflict):
        services.invitations.revoke(admin, second.invitation.id)
    third = services.invitations.issue(world["office"], uln)
    services.invitations.revoke(admin, third.invitation.id)
    # newest first; a new code's revoking of the older one is logged just before it
    assert [(a[0], a[2]) for a in actions(services, uln)[:6]] == [
        ("invitation_revoked", admin.email), ("invitation_issued", world["office"].email),
        ("invitation_revoked", world["office"].email), ("invitation_issued", world["office"].email),
        ("invitation_revoked", world["office"].email), ("invitation_issued", world["office"].email)]  # fmt: skip


def test_an_administrator_detaches_an_account_someone_else_set_up_and_invites_the_learner_again(
    services: Services, world: dict[str, Any], admin: User
) -> None:
    uln = world["learner"].uln
    taker = redeem(services, services.invitations.issue(world["office"], uln).code, "taker@example.org")
    _, token = services.learners_portal.create_share_link(taker.actor(), "for me", 30)
    with pytest.raises(Conflict, match="has an account already"):
        services.invitations.issue(admin, uln, "saw her passport")
    with pytest.raises(InvalidField, match="reason"):
        services.invitations.detach_account(admin, uln, " ")
    with pytest.raises(InsufficientAccess):
        services.invitations.detach_account(world["office"], uln, "not theirs to do")
    detached = services.invitations.detach_account(admin, uln, "Siobhán called: she did not set this account up")
    assert (detached.email, detached.uln, detached.detached_by) == ("taker@example.org", uln, admin.email)
    with pytest.raises(SignInRefused):
        services.users.sign_in("taker@example.org", "My-own-record-7")
    shared = services.learners_portal.view_shared(token)
    assert shared is not None and (shared.state, shared.learner) == (ShareState.WITHDRAWN, None)
    account = services.invitations.account(admin, uln)
    assert account.account is None and [d.reason for d in account.detachments] == [detached.reason]
    with pytest.raises(InvalidField, match="proof"):
        services.invitations.issue(admin, uln, "")
    issued = services.invitations.issue(admin, uln, "Saw her passport on a video call")
    assert (issued.invitation.organisation_id, issued.invitation.proof) == (None, "Saw her passport on a video call")
    assert redeem(services, issued.code).uln == uln
    assert [a[0] for a in actions(services, uln)[:3]] == ["learner_account_created", "invitation_issued",
                                                          "learner_account_detached"]  # fmt: skip
