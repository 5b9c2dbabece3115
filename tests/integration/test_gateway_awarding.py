"""The awarding side validating ULNs through each gateway: wired by bootstrap, in-process or over SOAP to a live
server on the same database, it reaches the same validated ULNs and the same anomalies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from learner_records.bootstrap import Services, bootstrap
from learner_records.config import Settings
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.awarding import UlnState
from learner_records.domain.errors import RegisterUnavailable
from tests.conftest import MovableClock
from tests.factories import details, random_uln
from tests.live_server import free_port, live_server

QUALIFICATION = {
    "reference": "601/8675/3", "title": "Certificate in Digital Skills", "qualification_type": "Certificate",
    "level": "Level 2", "credits": "13", "awarding_organisation_name": "Northgate Awards",
    "awarding_organisation_ukprn": "10090001", "regulated": "yes", "grades": "Pass|Merit",
}  # fmt: skip


@dataclass
class World:
    ao: Actor
    centre_id: int
    password: str
    ulns: dict[str, str]


@pytest.fixture
def world(services: Services, operator: Actor) -> World:
    services.records.import_catalogue(operator, [QUALIFICATION, {**QUALIFICATION, "reference": "601/8675/4"}])
    school = services.organisations.create(operator, "10000001", "Riverside College",
                                           OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    body = services.organisations.create(operator, "10090001", "Northgate Awards",
                                         OrganisationKind.AWARDING_ORGANISATION).organisation  # fmt: skip
    ao = Actor(body.kind, "results", body.id, body.ukprn)
    centre = services.awarding.add_centre(ao, "C001", "Riverside College", "10000001", True)
    services.awarding.offer(ao, centre.id, ["601/8675/3", "601/8675/4"])
    office = Actor(school.kind, "office", school.id, school.ukprn)
    katherine = services.register.register(office, details(given_name="Katherine", family_name="Smith-Jones",
                                                           previous_family_name="Jones"))  # fmt: skip
    duplicate = services.register.register(office, details(given_name="Katherine", family_name="Smith-Jones",
                                                           postcode="M1 1AE"))  # fmt: skip
    services.merging.merge(operator, katherine.uln, duplicate.uln)
    ulns = {"katherine": katherine.uln, "linked": duplicate.uln}
    return World(ao, centre.id, services.organisations.set_password(operator, body.id), ulns)


def soap_settings(database_url: str, url: str, password: str) -> Settings:
    return Settings(database_url=database_url, gateway="soap", gateway_url=url, gateway_ukprn="10090001",
                    gateway_password=password, gateway_user="validation")  # fmt: skip


@pytest.fixture(params=["in_process", "soap"])
def awarding_side(
    request: pytest.FixtureRequest, services: Services, world: World, database_url: str, clock: MovableClock
) -> Iterator[Services]:
    """The services the awarding side runs on: the register's own, or a second process's that reaches it by SOAP."""
    if request.param == "in_process":
        yield services
        return
    with live_server(services, run_worker=False) as url:
        built = bootstrap(soap_settings(database_url, url, world.password), clock=clock)
        yield built
        assert built.engine is not None
        built.engine.dispose()


def registration(world: World, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {"given_name": "Katherine", "family_name": "Smith-Jones", "date_of_birth": "2009-04-17",
                                 "gender": "2", "postcode": "CV4 9EE", "uln": world.ulns["katherine"]}  # fmt: skip
    return {**values, **changes}


def anomalies(side: Services, world: World) -> list[tuple[Any, ...]]:
    return [
        (
            view.registration.details.candidate_reference,
            view.stored.anomaly.kind.value,
            view.stored.anomaly.fix.kind.value,
            view.stored.anomaly.fix.changes,
            [problem.words for problem in view.stored.anomaly.problems],
        )
        for view in sorted(side.awarding.anomalies(world.ao), key=lambda v: v.registration.id)
    ]


def test_registrations_validate_to_the_same_states_and_anomalies_through_either_gateway(
    awarding_side: Services, world: World
) -> None:
    katherine, linked, unknown = world.ulns["katherine"], world.ulns["linked"], random_uln()
    for candidate, qualification, changes in [
        ("exact", "601/8675/3", {}),
        ("previous-name", "601/8675/3", {"family_name": "Jones"}),
        ("typo", "601/8675/3", {"family_name": "Smith-Jomes", "date_of_birth": "2009-04-18"}),
        ("linked", "601/8675/4", {"uln": linked}),
        ("another-person", "601/8675/3", {"given_name": "Margaret", "family_name": "Thatcher"}),
        ("unknown", "601/8675/3", {"given_name": "Kate", "uln": unknown}),
    ]:
        raw = registration(world, candidate_reference=candidate, **changes)
        awarding_side.awarding.register(world.ao, world.centre_id, qualification, raw)
    assert awarding_side.awarding.validate(world.ao) == (1, 5)
    assert anomalies(awarding_side, world) == [
        ("previous-name", "similar", "use_register_names", (("family_name", "Smith-Jones"),),
         ["The register has family name Smith-Jones; you sent Jones, the learner's previous family name"]),
        ("typo", "similar", "use_register_names", (("family_name", "Smith-Jones"), ("date_of_birth", "2009-04-17")),
         ["The register has family name Smith-Jones; you sent Smith-Jomes",
          "The register has date of birth 17 April 2009; you sent 18 April 2009"]),
        ("linked", "linked", "use_master_uln", (("uln", katherine),),
         [f"ULN {linked} was merged into ULN {katherine}, which the register now uses"]),
        ("another-person", "no_match", "check_uln", (),
         [f"ULN {katherine} belongs to a different learner: the details you sent are not the register's for it"]),
        ("unknown", "not_found", "check_uln", (), [f"The register has no learner with ULN {unknown}"]),
    ]  # fmt: skip


def test_a_register_that_does_not_answer_leaves_registrations_waiting(
    services: Services, world: World, database_url: str, clock: MovableClock
) -> None:
    down = bootstrap(soap_settings(database_url, f"http://127.0.0.1:{free_port()}", world.password), clock=clock)
    try:
        registered = down.awarding.register(world.ao, world.centre_id, "601/8675/3", registration(world))
        with pytest.raises(RegisterUnavailable):
            down.awarding.validate(world.ao)
        with pytest.raises(RegisterUnavailable):
            down.awarding.validate_waiting()
        with services.uow() as uow:
            after = uow.registrations.get(registered.id)
        assert after is not None and (after.uln_state, after.validated_on) == (UlnState.PENDING, None)
        assert down.awarding.anomalies(world.ao) == []
        assert services.awarding.validate(world.ao) == (1, 0)  # the register answers again: it validates
    finally:
        assert down.engine is not None
        down.engine.dispose()


def test_a_soap_gateway_without_its_credentials_is_refused_at_start(database_url: str) -> None:
    with pytest.raises(ValueError, match="LEARNER_RECORDS_GATEWAY_PASSWORD"):
        bootstrap(Settings(database_url=database_url, gateway="soap", gateway_url="http://127.0.0.1:1",
                           gateway_ukprn="10090001"))  # fmt: skip
    with pytest.raises(ValueError, match="LEARNER_RECORDS_GATEWAY"):
        bootstrap(Settings(database_url=database_url, gateway="carrier-pigeon"))
