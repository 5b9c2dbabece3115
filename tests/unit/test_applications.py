"""The rules of an application to become a learner registration body (or an awarding organisation)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from learner_records.domain.access import OrganisationKind
from learner_records.domain.applications import (
    ApplicationForm,
    ApplicationStatus,
    approve,
    check_application,
    check_web_domain,
    is_on_domain,
    is_shared_mailbox,
    reject,
    super_user_role,
)
from learner_records.domain.errors import Conflict, InvalidField, InvalidFields
from learner_records.domain.users import Role

NOW = datetime(2026, 11, 2, 9, 0)
FORM = ApplicationForm(
    kind="learner_registration_body", ukprn="10012345", name="Riverside College",
    address="1 River Road\nRiverside\nRV1 2AB", web_domain="riverside.ac.uk", signatory_name="Dana Head",
    signatory_role="Principal", agreed=True, super_user_name="Asha Patel",
    super_user_email="asha.patel@riverside.ac.uk",
)  # fmt: skip


def problems(form: ApplicationForm) -> dict[str, str]:
    with pytest.raises(InvalidFields) as raised:
        check_application(form, NOW)
    return {problem.field: problem.problem for problem in raised.value.problems}


def test_a_complete_application_is_awaiting_review_with_its_agreement_dated() -> None:
    application = check_application(FORM, NOW)
    assert application.status is ApplicationStatus.SUBMITTED
    assert (application.ukprn, application.web_domain, application.agreed_at) == ("10012345", "riverside.ac.uk", NOW)
    assert application.super_user_role is Role.SUPER_USER


@pytest.mark.parametrize("ukprn", ["1001234", "100123456", "1001234A", "", "ABCDEFGH"])
def test_a_ukprn_is_exactly_eight_digits(ukprn: str) -> None:
    assert set(problems(replace(FORM, ukprn=ukprn))) == {"ukprn"}


def test_every_missing_part_is_named_on_its_own_field() -> None:
    empty = ApplicationForm("", "", "", "", "", "", "", False, "", "")
    assert set(problems(empty)) == {"kind", "ukprn", "name", "address", "web_domain", "signatory_name",
                                    "signatory_role", "agreed", "super_user_name", "super_user_email"}  # fmt: skip


def test_the_agreement_must_be_accepted() -> None:
    assert problems(replace(FORM, agreed=False)) == {"agreed": "the agreement is not accepted"}


@pytest.mark.parametrize("mailbox", ["exams", "Exams", "office", "info", "admin", "enquiries", "reception", "mis",
                                     "data", "it", "hr", "finance", "noreply", "no-reply", "contact", "hello",
                                     "support", "general", "mail", "school", "college", "admissions",
                                     "exams.office", "exams-2", "exams2", "it.support", "info+lrs"])  # fmt: skip
def test_shared_and_role_mailboxes_are_refused_for_the_super_user(mailbox: str) -> None:
    found = problems(replace(FORM, super_user_email=f"{mailbox}@riverside.ac.uk"))
    assert set(found) == {"super_user_email"} and "shared or role mailbox" in found["super_user_email"]


@pytest.mark.parametrize("address", ["asha.patel", "a.patel", "apatel2", "itzel.ruiz", "dana", "mischa.b"])
def test_personal_addresses_are_not_mistaken_for_shared_ones(address: str) -> None:
    assert not is_shared_mailbox(f"{address}@riverside.ac.uk")


def test_the_super_users_email_must_be_on_the_organisations_own_domain_or_a_subdomain() -> None:
    found = problems(replace(FORM, super_user_email="asha.patel@gmail.com"))
    assert found == {"super_user_email": "the address asha.patel@gmail.com is not on the organisation's domain"
                                         " riverside.ac.uk"}
    assert check_application(replace(FORM, super_user_email="asha.patel@staff.riverside.ac.uk"), NOW)
    assert not is_on_domain("asha@notriverside.ac.uk", "riverside.ac.uk")
    assert "super_user_email" in problems(replace(FORM, super_user_email="not an address"))


@pytest.mark.parametrize(("typed", "domain"), [("riverside.ac.uk", "riverside.ac.uk"),
                                               ("https://www.Riverside.ac.uk/about", "riverside.ac.uk"),
                                               ("www.riverside.ac.uk", "riverside.ac.uk")])  # fmt: skip
def test_the_web_domain_is_taken_without_scheme_path_or_www(typed: str, domain: str) -> None:
    assert check_web_domain(typed) == domain


@pytest.mark.parametrize("typed", ["riverside", "river side.ac.uk", "-river.ac.uk", "@riverside.ac.uk"])
def test_a_web_domain_must_look_like_one(typed: str) -> None:
    with pytest.raises(InvalidField, match="web_domain"):
        check_web_domain(typed)


def test_only_a_learner_registration_body_or_an_awarding_organisation_applies() -> None:
    assert "kind" in problems(replace(FORM, kind="register_administrator"))
    assert "kind" in problems(replace(FORM, kind="learner"))
    awarding = check_application(replace(FORM, kind="awarding_organisation"), NOW)
    assert awarding.super_user_role is Role.AWARDING_BODY_USER
    assert super_user_role(OrganisationKind.LEARNER_REGISTRATION_BODY) is Role.SUPER_USER


def test_an_approval_records_who_when_and_the_organisation_it_created() -> None:
    approved = approve(replace(check_application(FORM, NOW), id=7), "admin@register", 42, NOW)
    assert (approved.status, approved.decided_by, approved.organisation_id) == (ApplicationStatus.APPROVED,
                                                                                "admin@register", 42)  # fmt: skip


def test_a_rejection_needs_a_reason() -> None:
    application = replace(check_application(FORM, NOW), id=7)
    with pytest.raises(InvalidField, match="reason"):
        reject(application, "admin@register", "  ", NOW)
    rejected = reject(application, "admin@register", "The signatory is not listed at Companies House", NOW)
    assert (rejected.status, rejected.reason) == (ApplicationStatus.REJECTED,
                                                  "The signatory is not listed at Companies House")  # fmt: skip


def test_an_application_is_decided_once() -> None:
    rejected = reject(replace(check_application(FORM, NOW), id=7), "admin@register", "No", NOW)
    with pytest.raises(Conflict, match="rejected already"):
        approve(rejected, "admin@register", 1, NOW)
    with pytest.raises(Conflict):
        reject(rejected, "admin@register", "Again", NOW)
