"""The contract every LrsGateway adapter must keep (the SOAP adapter joins the parameter list when it exists)."""

from __future__ import annotations

from datetime import date

import pytest

from learner_records.adapters.lrs_gateway.in_process import InProcessGateway
from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.matching import Demographics, VerificationQuery
from learner_records.services.gateway import LrsGateway
from tests.factories import details


@pytest.fixture
def gateway(services: Services, operator: Actor) -> LrsGateway:
    # an awarding organisation whose centres are learner registration bodies may register learners too
    created = services.organisations.create(operator, "10090001", "Northgate Awards",
                                            OrganisationKind.REGISTER_ADMINISTRATOR).organisation  # fmt: skip
    actor = Actor(created.kind, "gateway", created.id, created.ukprn)
    services.records.import_catalogue(operator, [{
        "reference": "601/8675/3", "title": "Certificate in Digital Skills", "qualification_type": "Certificate",
        "level": "Level 2", "credits": "13", "awarding_organisation_name": "Northgate Awards",
        "awarding_organisation_ukprn": "10090001", "regulated": "yes", "grades": "Pass|Merit"}])  # fmt: skip
    return InProcessGateway(services.register, services.records, services.achievements, actor)


def test_register_find_and_verify_through_the_gateway(gateway: LrsGateway) -> None:
    uln = gateway.register(details())
    assert gateway.find(Demographics("Siobhán", "Ó Briain", date(2009, 4, 17), 2, "CV4 9EE")).ulns == (uln,)
    verified = gateway.verify([VerificationQuery(uln, "Siobhán", "Ó Briain"), VerificationQuery(uln, "Ó Briain",
                                                                                                  "Siobhán")])
    assert [v.result.code.value for v in verified] == ["WSVRC001", "WSVRC003"]
    assert verified[1].register is not None and verified[1].register.family_name == "Ó Briain"


def test_achievements_go_in_and_are_read_back_through_the_gateway(gateway: LrsGateway, services: Services) -> None:
    uln = gateway.register(details())
    job = gateway.submit_achievements([{
        "Uln": uln, "GivenName": "Siobhán", "FamilyName": "Ó Briain", "ProviderUkprn": "10090001",
        "UnitOrQualificationReferenceNumber": "601/8675/3", "AchievementAwardDate": "2026-07-01", "Grade": "Merit",
        "Action": 1}])  # fmt: skip
    assert job.status == "Waiting"
    services.achievements.run_pending()
    assert gateway.achievement_job(job.job_id).counters["created"] == 1
    plr = gateway.read_plr(VerificationQuery(uln, "Siobhán", "Ó Briain"))
    assert (plr.code, [(e.subject_code, e.grade) for e in plr.events]) == ("WSRC0004", [("601/8675/3", "Merit")])
