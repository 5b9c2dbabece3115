"""The contract every LrsGateway adapter keeps: the same register state gives the same answers in-process and over
the LRS SOAP protocol (a real uvicorn server on a loopback port, over the same test database)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from learner_records.adapters.lrs_gateway.in_process import InProcessGateway
from learner_records.adapters.lrs_gateway.soap import SoapGateway
from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.errors import (
    DuplicateLearner,
    InsufficientAccess,
    NotFound,
    RegisterUnavailable,
    UnknownOrganisation,
)
from learner_records.domain.matching import Demographics, RegisterRecord, VerificationQuery
from learner_records.services.gateway import LrsGateway
from learner_records.services.ports import Organisation
from learner_records.services.register import to_record
from tests.factories import details, random_uln
from tests.live_server import free_port, live_server

ADAPTERS = ["in_process", "soap"]
CATALOGUE = {
    "reference": "601/8675/3", "title": "Certificate in Digital Skills", "qualification_type": "Certificate",
    "level": "Level 2", "credits": "13", "awarding_organisation_name": "Northgate Awards",
    "awarding_organisation_ukprn": "10090001", "regulated": "yes", "grades": "Pass|Merit",
}  # fmt: skip


@dataclass
class Gateways:
    """Gateways of one adapter kind onto the test's register."""

    kind: str
    services: Services
    operator: Actor
    url: str = ""

    def acting_for(self, organisation: Organisation, user: str = "gateway") -> LrsGateway:
        actor = Actor(organisation.kind, user, organisation.id, organisation.ukprn)
        if self.kind == "in_process":
            s = self.services
            return InProcessGateway(s.register, s.records, s.achievements, actor)
        password = self.services.organisations.set_password(self.operator, organisation.id)
        return SoapGateway(self.url, organisation.ukprn or "", password, user, self.services.clock)


@pytest.fixture(params=ADAPTERS)
def gateways(request: pytest.FixtureRequest, services: Services, operator: Actor) -> Iterator[Gateways]:
    if request.param == "in_process":
        yield Gateways("in_process", services, operator)
        return
    # no background worker: the tests run achievement jobs themselves, as they do in-process
    with live_server(services, run_worker=False) as url:
        yield Gateways("soap", services, operator, url)


@pytest.fixture
def gateway(gateways: Gateways, services: Services, operator: Actor) -> LrsGateway:
    # an awarding organisation whose centres are learner registration bodies may register learners too
    created = services.organisations.create(operator, "10090001", "Northgate Awards",
                                            OrganisationKind.REGISTER_ADMINISTRATOR).organisation  # fmt: skip
    services.records.import_catalogue(operator, [CATALOGUE])
    return gateways.acting_for(created)


def stored(services: Services, uln: str) -> RegisterRecord:
    with services.uow() as uow:
        learner = uow.learners.get(uln)
    assert learner is not None
    return to_record(learner)


def achievement(uln: str, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {"Uln": uln, "GivenName": "Siobhán", "FamilyName": "Ó Briain",
                              "ProviderUkprn": "10090001", "UnitOrQualificationReferenceNumber": "601/8675/3",
                              "AchievementAwardDate": "2026-07-01", "Grade": "Merit", "Action": 1}  # fmt: skip
    return {**row, **changes}


def test_register_find_and_verify_through_the_gateway(gateway: LrsGateway) -> None:
    uln = gateway.register(details())
    assert gateway.find(Demographics("Siobhán", "Ó Briain", date(2009, 4, 17), 2, "CV4 9EE")).ulns == (uln,)
    verified = gateway.verify(
        [VerificationQuery(uln, "Siobhán", "Ó Briain"), VerificationQuery(uln, "Ó Briain", "Siobhán")]
    )
    assert [v.result.code.value for v in verified] == ["WSVRC001", "WSVRC003"]
    assert verified[1].register is not None and verified[1].register.family_name == "Ó Briain"


def test_achievements_go_in_and_are_read_back_through_the_gateway(gateway: LrsGateway, services: Services) -> None:
    uln = gateway.register(details())
    job = gateway.submit_achievements([achievement(uln)])
    assert job.status == "Waiting"
    services.achievements.run_pending()
    assert gateway.achievement_job(job.job_id).counters["created"] == 1
    plr = gateway.read_plr(VerificationQuery(uln, "Siobhán", "Ó Briain"))
    assert (plr.code, [(e.subject_code, e.grade) for e in plr.events]) == ("WSRC0004", [("601/8675/3", "Merit")])
    assert [(e.award_date, e.status) for e in plr.events] == [("2026-07-01", "F")]


def test_verify_answers_every_outcome_code_with_the_register_values(
    gateway: LrsGateway, services: Services, operator: Actor
) -> None:
    master = gateway.register(details(previous_family_name="Walsh", middle_other_name="Róisín"))
    linked = gateway.register(details(postcode="M1 1AE"))
    services.merging.merge(operator, master, linked)
    unknown = random_uln()
    queries = [
        VerificationQuery(master, "Siobhán", "Ó Briain", date(2009, 4, 17), 2),  # exact
        VerificationQuery(linked, "Siobhán", "Ó Briain"),  # linked, exact
        VerificationQuery(master, "Siobhán", "Walsh", date(2009, 4, 17), 2),  # similar: the previous family name
        VerificationQuery(linked, "Ó Briain", "Siobhán"),  # linked, swapped names
        VerificationQuery(master, "Margaret", "Thatcher"),  # another person
        VerificationQuery(unknown, "Siobhán", "Ó Briain"),  # not on the register
        VerificationQuery("1026893097", "Siobhán", "Ó Briain"),  # wrong check digit
    ]
    verified = gateway.verify(queries)
    assert [v.query for v in verified] == queries
    assert [v.result.code.value for v in verified] == [
        "WSVRC001", "WSVRC002", "WSVRC003", "WSVRC004", "WSVRC005", "WSVRC006", "WSVRC006"]  # fmt: skip
    assert [[f.value for f in v.result.flags] for v in verified] == [
        [], [], ["VRF4", "VRF5"], ["VRF1", "VRF3", "VRF5", "VRF6"],
        ["VRF1", "VRF2", "VRF3", "VRF4", "VRF5", "VRF6"], [], []]  # fmt: skip
    whole = stored(services, master)
    # a similar match carries the whole record the fix is built from; the others what the protocol carries
    assert verified[2].register == whole and verified[3].register == whole
    carried = [(r.uln, r.given_name, r.family_name, r.date_of_birth, r.gender) if r else None
               for r in (v.register for v in verified)]  # fmt: skip
    held = (master, "Siobhán", "Ó Briain", date(2009, 4, 17), 2)
    assert carried == [held, held, held, held, held, None, None]
    assert verified[1].result.reasons == ("ULN is linked: answered with its master",)
    assert verified[5].result.reasons == ("ULN not found",)


def test_verify_answers_more_than_200_learners_in_order(gateway: LrsGateway) -> None:
    uln = gateway.register(details())
    queries = [VerificationQuery(uln if n % 2 else random_uln(), "Siobhán", "Ó Briain") for n in range(205)]
    codes = [v.result.code.value for v in gateway.verify(queries)]
    assert codes == ["WSVRC001" if n % 2 else "WSVRC006" for n in range(205)]


def test_find_answers_exact_possible_linked_and_none(gateway: LrsGateway, services: Services, operator: Actor) -> None:
    master = gateway.register(details())
    twin = gateway.register(details(given_name="Aoife", date_of_birth="2009-04-18", postcode="M1 1AE"))
    linked = gateway.register(details(given_name="Niamh", family_name="Kelly", postcode="LS1 4AP"))
    services.merging.merge(operator, master, linked)
    exact = gateway.find(Demographics("Siobhán", "Ó Briain", date(2009, 4, 17), 2, "CV4 9EE"))
    assert (exact.code, exact.ulns) == ("WSRC0004", (master,))
    possible = gateway.find(Demographics("Aoife", "O'Brien", date(2009, 4, 18), 2, "M1 2AB"))
    assert (possible.code, possible.ulns) == ("WSRC0003", (twin,))
    through_master = gateway.find(Demographics("Niamh", "Kelly", date(2009, 4, 17), 2, "LS1 4AP"))
    assert (through_master.code, through_master.ulns) == ("WSRC0022", (master,))
    none = gateway.find(Demographics("Bartholomew", "Featherstonehaugh", date(1990, 1, 1), 1, "TR1 1AA"))
    assert (none.code, none.ulns) == ("WSRC0001", ())


def test_registering_the_same_five_fields_again_raises_duplicate_learner(gateway: LrsGateway) -> None:
    gateway.register(details())
    with pytest.raises(DuplicateLearner):
        gateway.register(details(title="Ms"))


def test_a_plr_read_refused_answers_wsec0208_or_wsec0206(gateway: LrsGateway) -> None:
    uln = gateway.register(details())
    private = gateway.register(details(given_name="Zoë", family_name="Adeyemi", ability_to_share=2))
    not_verified = gateway.read_plr(VerificationQuery(uln, "Margaret", "Thatcher"))
    assert (not_verified.code, not_verified.found_uln, not_verified.events) == ("WSEC0208", None, ())
    bad_digit = gateway.read_plr(VerificationQuery("1026893097", "Siobhán", "Ó Briain"))
    assert (bad_digit.code, bad_digit.found_uln, bad_digit.events) == ("WSEC0208", None, ())
    not_shared = gateway.read_plr(VerificationQuery(private, "Zoë", "Adeyemi"))
    assert (not_shared.code, not_shared.found_uln, not_shared.events) == ("WSEC0206", private, ())


def test_an_achievement_job_counts_each_outcome_under_the_same_keys(gateway: LrsGateway, services: Services) -> None:
    uln = gateway.register(details())
    rows = [achievement(uln), achievement(random_uln()),
            achievement(uln, UnitOrQualificationReferenceNumber="600/0000/1")]  # fmt: skip
    first = gateway.submit_achievements(rows)
    assert (first.status, first.counters) == ("Waiting", {})
    services.achievements.run_pending()
    done = gateway.achievement_job(first.job_id)
    assert (done.job_id, done.status) == (first.job_id, "Successful")
    assert done.counters == {"created": 1, "successful_final": 1, "learner_error": 1, "field_error": 1}
    again = gateway.submit_achievements(rows)  # the same rows again are the same job
    assert (again.job_id, again.status, again.counters) == (first.job_id, "Successful", done.counters)
    second = gateway.submit_achievements([achievement(uln), achievement(uln, Grade="Pass", Action=2)])
    services.achievements.run_pending()
    assert gateway.achievement_job(second.job_id).counters == {"unchanged": 1, "updated": 1, "successful_final": 2}


def test_an_unknown_achievement_job_is_not_found(gateway: LrsGateway) -> None:
    with pytest.raises(NotFound):
        gateway.achievement_job(99999)


def test_an_awarding_organisation_may_not_register_learners(gateways: Gateways, services: Services,
                                                             operator: Actor) -> None:  # fmt: skip
    body = services.organisations.create(operator, "10090002", "Eastgate Awards",
                                         OrganisationKind.AWARDING_ORGANISATION).organisation  # fmt: skip
    with pytest.raises(InsufficientAccess):
        gateways.acting_for(body).register(details())


# Over the wire only: in-process, the caller is already known and nothing travels.


@pytest.fixture
def soap_url(services: Services) -> Iterator[str]:
    with live_server(services, run_worker=False) as url:
        yield url


def test_a_wrong_password_raises_unknown_organisation_as_an_unknown_one_would(
    soap_url: str, services: Services, operator: Actor
) -> None:
    body = services.organisations.create(operator, "10090001", "Northgate Awards",
                                         OrganisationKind.AWARDING_ORGANISATION).organisation  # fmt: skip
    services.organisations.set_password(operator, body.id)
    wrong = SoapGateway(soap_url, "10090001", "W" * 16, "results", services.clock)
    # our register answers a wrong password as it answers an organisation it does not know (WSEC0003)
    with pytest.raises(UnknownOrganisation):
        wrong.verify([VerificationQuery(random_uln(), "Siobhán", "Ó Briain")])
    with pytest.raises(UnknownOrganisation):
        wrong.read_plr(VerificationQuery(random_uln(), "Siobhán", "Ó Briain"))
    with pytest.raises(UnknownOrganisation):
        wrong.achievement_job(1)


def test_an_organisation_the_register_does_not_know_raises_unknown_organisation(
    soap_url: str, services: Services
) -> None:
    stranger = SoapGateway(soap_url, "19999999", "S" * 16, "results", services.clock)
    with pytest.raises(UnknownOrganisation):
        stranger.find(Demographics("Siobhán", "Ó Briain", date(2009, 4, 17), 2, "CV4 9EE"))


def test_a_register_that_does_not_answer_raises_register_unavailable(services: Services) -> None:
    nowhere = SoapGateway(f"http://127.0.0.1:{free_port()}", "10090001", "N" * 16, "results", services.clock)
    with pytest.raises(RegisterUnavailable):
        nowhere.verify([VerificationQuery(random_uln(), "Siobhán", "Ó Briain")])
    with pytest.raises(RegisterUnavailable):
        nowhere.submit_achievements([achievement(random_uln())])
