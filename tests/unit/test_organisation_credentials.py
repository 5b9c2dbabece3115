"""Web-service credentials: their rules, and a changed password refused at once, whoever changed it."""

from __future__ import annotations

import pytest

from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.errors import IncorrectPassword, InvalidFields, UnknownOrganisation
from learner_records.services.organisations import OrganisationService, hash_password
from tests.conftest import MovableClock

from .fakes import FakeUnitOfWork

OPERATOR = Actor(OrganisationKind.REGISTER_ADMINISTRATOR, "operator")


@pytest.fixture
def organisations() -> tuple[OrganisationService, MovableClock, int]:
    clock = MovableClock()
    service = OrganisationService(FakeUnitOfWork(), clock)
    created = service.create(OPERATOR, "10012345", "Riverside College", OrganisationKind.LEARNER_REGISTRATION_BODY)
    return service, clock, created.organisation.id


def test_a_new_password_is_16_characters_and_authenticates(organisations: tuple[OrganisationService, MovableClock,
                                                                                int]) -> None:  # fmt: skip
    service, _, organisation_id = organisations
    password = service.set_password(OPERATOR, organisation_id)
    assert len(password) == 16
    actor = service.authenticate_password("10012345", None, password, "j.smith")
    assert (actor.kind, actor.user_name, actor.organisation_id) == (
        OrganisationKind.LEARNER_REGISTRATION_BODY, "j.smith", organisation_id)  # fmt: skip


def test_every_broken_credential_is_named_at_once(organisations: tuple[OrganisationService, MovableClock,
                                                                       int]) -> None:  # fmt: skip
    service, _, _ = organisations
    with pytest.raises(InvalidFields) as raised:
        service.authenticate_password("1001", "AB", "short", None)
    assert [problem.field for problem in raised.value.problems] == ["UKPRN", "OrganisationRef", "OrgPassword",
                                                                    "UserName"]  # fmt: skip


def test_a_changed_password_stops_working_at_once(organisations: tuple[OrganisationService, MovableClock, int]) -> None:
    service, _, organisation_id = organisations
    old = service.set_password(OPERATOR, organisation_id)
    service.authenticate_password("10012345", None, old, "u")
    new = service.set_password(OPERATOR, organisation_id)
    with pytest.raises(IncorrectPassword):
        service.authenticate_password("10012345", None, old, "u")
    assert service.authenticate_password("10012345", None, new, "u").organisation_id == organisation_id


def test_credentials_are_checked_against_the_store_on_every_call(
    organisations: tuple[OrganisationService, MovableClock, int],
) -> None:
    service, _, organisation_id = organisations
    old = service.set_password(OPERATOR, organisation_id)
    service.authenticate_password("10012345", None, old, "u")
    uow = service._uow  # type: ignore[attr-defined]
    # Another process (the CLI, another worker) changes the password: nothing in this process hears of it.
    uow.organisations.passwords[organisation_id] = hash_password("AnotherPassword1")
    with pytest.raises(IncorrectPassword):
        service.authenticate_password("10012345", None, old, "u")
    assert service.authenticate_password("10012345", None, "AnotherPassword1", "u").organisation_id == organisation_id


def test_an_organisation_ref_of_8_digits_is_read_as_the_ukprn(organisations: tuple[OrganisationService, MovableClock,
                                                                                    int]) -> None:  # fmt: skip
    service, _, organisation_id = organisations
    password = service.set_password(OPERATOR, organisation_id)
    assert service.authenticate_password("10012345", "10012345", password, "u").organisation_id == organisation_id
    assert service.authenticate_password(None, "10012345", password, "u").organisation_id == organisation_id
    with pytest.raises(UnknownOrganisation):
        service.authenticate_password("10012345", "10099999", password, "u")
    with pytest.raises(InvalidFields):
        service.authenticate_password("10012345", "1001234", password, "u")  # neither 6 characters nor 8 digits
