"""Applying to become a learner registration body or awarding organisation, the review, first passwords, and the
administrators' access log search and challenge list, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import create_engine, text

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.applications import ApplicationForm, ApplicationStatus
from learner_records.domain.errors import (
    Conflict,
    InsufficientAccess,
    InvalidField,
    InvalidFields,
    NotFound,
    SignInRefused,
)
from learner_records.domain.users import Role, User
from learner_records.services.admin_ports import AccessLogFilter
from learner_records.services.administration import PAGE_SIZE, access_log_filter
from learner_records.services.ports import AccessEntry
from tests.conftest import MovableClock
from tests.factories import details
from tests.integration.test_plr_services import CATALOGUE, plr, row, submit

PASSWORD = "Correct-horse-9"
FORM = ApplicationForm(
    kind="learner_registration_body", ukprn="10012345", name="Riverside College", address="1 River Road, RV1 2AB",
    web_domain="riverside.ac.uk", signatory_name="Dana Head", signatory_role="Principal", agreed=True,
    super_user_name="Asha Patel", super_user_email="asha.patel@riverside.ac.uk",
)  # fmt: skip


@pytest.fixture
def admin(services: Services) -> User:
    return services.users.create(None, "ada@register.example", "Ada Admin", Role.ADMINISTRATOR, None, PASSWORD)


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


def outbox(services: Services, database_url: str) -> list[tuple[str, str]]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT to_address, body FROM outbox ORDER BY id")).all()
    engine.dispose()
    return [(to, body) for to, body in rows]


def test_an_approved_application_creates_the_organisation_and_a_super_user_who_sets_a_password(
    services: Services, admin: User, database_url: str
) -> None:
    application = services.applications.submit(FORM)
    assert [a.id for a in services.applications.list(admin)] == [application.id]
    approval = services.applications.approve(admin, application.id)
    organisation, super_user = approval.organisation, approval.super_user
    assert (organisation.ukprn, organisation.kind) == ("10012345", OrganisationKind.LEARNER_REGISTRATION_BODY)
    assert (super_user.role, super_user.organisation_id) == (Role.SUPER_USER, organisation.id)
    assert services.applications.get(admin, application.id).status is ApplicationStatus.APPROVED
    assert services.applications.list(admin) == []
    with pytest.raises(SignInRefused):  # no password until they set one
        services.users.sign_in("asha.patel@riverside.ac.uk", "")
    mails = [(to, body.strip().splitlines()[-1]) for to, body in outbox(services, database_url)]
    assert ("asha.patel@riverside.ac.uk", approval.link) in mails

    token = token_of(approval.link)
    with pytest.raises(InvalidField, match="too weak"):
        services.password_links.set_password(token, "short")
    services.password_links.set_password(token, PASSWORD)
    signed_in = services.users.sign_in("asha.patel@riverside.ac.uk", PASSWORD)
    with pytest.raises(NotFound, match="expired or has been used"):
        services.password_links.set_password(token, "Another-horse-9")

    learner = services.register.register(signed_in.actor(organisation.ukprn), details())  # it may obtain ULNs
    assert len(learner.uln) == 10
    online = services.users.create(signed_in, "ben.cole@riverside.ac.uk", "Ben Cole", Role.ONLINE_USER,
                                   organisation.id)  # fmt: skip
    assert services.password_links.issue(signed_in, online.id).startswith("http")


def test_an_awarding_organisation_is_set_up_the_same_way_and_may_not_create_ulns(
    services: Services, admin: User
) -> None:
    form = replace(FORM, kind="awarding_organisation", ukprn="10090001", name="Northgate Awards",
                   web_domain="northgate.org.uk", super_user_email="sam.ray@northgate.org.uk")  # fmt: skip
    approval = services.applications.approve(admin, services.applications.submit(form).id)
    assert approval.organisation.kind is OrganisationKind.AWARDING_ORGANISATION
    assert approval.super_user.role is Role.AWARDING_BODY_USER
    with pytest.raises(InsufficientAccess):
        services.register.register(approval.super_user.actor("10090001"), details())


def test_a_rejected_applicant_has_no_organisation_no_account_and_is_told_why(
    services: Services, admin: User, operator: Actor, database_url: str
) -> None:
    application = services.applications.submit(FORM)
    with pytest.raises(InvalidField, match="reason"):
        services.applications.reject(admin, application.id, "")
    rejected = services.applications.reject(admin, application.id, "The signatory is not a director")
    assert (rejected.status, rejected.reason) == (ApplicationStatus.REJECTED, "The signatory is not a director")
    assert all(o.ukprn != "10012345" for o in services.organisations.list(operator))
    with pytest.raises(SignInRefused):
        services.users.sign_in("asha.patel@riverside.ac.uk", PASSWORD)
    assert any("The signatory is not a director" in body for _, body in outbox(services, database_url))
    with pytest.raises(Conflict, match="rejected already"):
        services.applications.approve(admin, application.id)
    assert services.applications.submit(FORM).status is ApplicationStatus.SUBMITTED  # it may apply again


def test_a_ukprn_registered_or_awaiting_review_is_refused_on_its_field(
    services: Services, admin: User, operator: Actor
) -> None:
    services.applications.submit(FORM)
    with pytest.raises(InvalidField, match="awaiting review") as awaiting:
        services.applications.submit(FORM)
    assert awaiting.value.field == "ukprn"
    services.organisations.create(operator, "10099999", "Elsewhere", OrganisationKind.LEARNER_REGISTRATION_BODY)
    with pytest.raises(InvalidField, match="registered already"):
        services.applications.submit(replace(FORM, ukprn="10099999"))
    with pytest.raises(InvalidFields):
        services.applications.submit(replace(FORM, ukprn="10011111", super_user_email="exams@riverside.ac.uk"))
    assert len(services.applications.list(admin)) == 1


def test_only_an_administrator_reviews_applications(services: Services, admin: User) -> None:
    approval = services.applications.approve(admin, services.applications.submit(FORM).id)
    with pytest.raises(InsufficientAccess):
        services.applications.list(approval.super_user)
    with pytest.raises(NotFound):
        services.applications.get(admin, 999)


def test_a_password_link_expires_after_a_week(services: Services, admin: User, clock: MovableClock) -> None:
    approval = services.applications.approve(admin, services.applications.submit(FORM).id)
    clock.advance(days=7)
    with pytest.raises(NotFound, match="expired"):
        services.password_links.holder(token_of(approval.link))
    renewed = services.password_links.issue(admin, approval.super_user.id)
    assert services.password_links.holder(token_of(renewed)).user.email == "asha.patel@riverside.ac.uk"


def test_the_access_log_is_searched_by_each_filter_and_paged(
    services: Services, admin: User, operator: Actor, clock: MovableClock
) -> None:
    school = services.organisations.create(operator, "10000001", "Riverside College",
                                           OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    day = datetime(2026, 11, 2, 9, 0)
    entries = [AccessEntry(day.replace(day=1 + n % 3, minute=n), school.id if n % 2 else None,
                           "ben@riverside.ac.uk" if n % 2 else "cli", "find_by_uln" if n % 4 else "verify",
                           "1026893096" if n < 10 else None) for n in range(60)]  # fmt: skip
    with services.uow(write=True) as uow:
        uow.access_log.record(entries)
        uow.commit()
    clock.advance(days=30)  # each search is logged too (access_log_searched): a month later, outside these days

    def found(filters: AccessLogFilter, page: int = 1) -> list[AccessEntry]:
        lines = services.administration.access_log(admin, filters, page).lines
        return [AccessEntry(line.at, line.organisation_id, line.user_name, line.action, line.uln) for line in lines]

    by_time = sorted(entries[:10], key=lambda e: e.at)
    assert sorted(found(AccessLogFilter(uln="1026893096")), key=lambda e: e.at) == by_time
    assert {e.organisation_id for e in found(AccessLogFilter(organisation_id=school.id))} == {school.id}
    assert len(found(AccessLogFilter(user_name="ben@riverside.ac.uk"))) == 30
    assert len(found(AccessLogFilter(action="verify"))) == 15
    assert len(found(access_log_filter(start="2026-11-02", end="2026-11-02"))) == 20
    days = access_log_filter(start="2026-11-01", end="2026-11-03")
    first, second = (services.administration.access_log(admin, days, page) for page in (1, 2))
    assert (len(first.lines), first.has_next, len(second.lines), second.has_next) == (PAGE_SIZE, True, 10, False)
    assert first.lines[0].at >= first.lines[-1].at >= second.lines[0].at
    assert first.lines[0].organisation_name in (None, "Riverside College")
    assert len(found(AccessLogFilter(action="access_log_searched"))) == 7  # the seven searches before this one
    with pytest.raises(InvalidFields) as bad:
        access_log_filter(uln="123", start="yesterday", end="2026-01-01")
    assert {p.field for p in bad.value.problems} == {"uln", "start"}
    with pytest.raises(InvalidField, match="before the start"):
        access_log_filter(start="2026-11-02", end="2026-11-01")


def test_administrators_see_every_organisations_open_challenges(
    services: Services, admin: User, operator: Actor
) -> None:
    services.records.import_catalogue(operator, CATALOGUE)
    school_org = services.organisations.create(operator, "10000001", "school org",
                                               OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    ao = services.organisations.create(operator, "10090001", "northgate org",
                                       OrganisationKind.AWARDING_ORGANISATION).organisation  # fmt: skip
    school = Actor(school_org.kind, "school-user", school_org.id, "10000001")
    northgate = Actor(ao.kind, "northgate-user", ao.id, "10090001")
    learner = services.register.register(school, details())
    submit(services, northgate, [row(learner)])
    event = plr(services, school, learner).events[0]
    challenge = services.records.raise_challenge(school, event.id, "The grade is wrong")
    assert [c.id for c in services.administration.challenges(admin)] == [challenge.id]
    services.records.resolve_challenge(northgate, challenge.id, False, "The grade is right")
    assert services.administration.challenges(admin) == []
    assert [c.status for c in services.administration.challenges(admin, None)] == ["rejected"]
    with pytest.raises(InvalidField):
        services.administration.challenges(admin, "lost")
