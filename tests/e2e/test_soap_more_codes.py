"""The response codes that need a merged learner, a paused worker or another service's credentials."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from zeep.exceptions import Fault

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind

from .conftest import LiveServer
from .soap_clients import Soap
from .test_soap_batches import ROW
from .test_soap_learner_service import SIOBHAN, find_by_demographics, register
from .test_soap_r9_and_external import R9_COMMON, domain_fault, events, job
from .test_soap_transport import school_soap, serving


@pytest.fixture
def merged(soap: Soap, server: LiveServer) -> tuple[str, str]:
    """A master ULN and a ULN merged into it."""
    master = register(soap)
    linked = register(soap, GivenName="Siobhan", DateOfBirth="2009-04-18", LastKnownPostCode="CV4 7AL")
    answer = server.client("admin").post("/api/v1/merges", json={"master_uln": master, "linked_uln": linked})
    assert answer.status_code == 200
    return master, linked


def test_an_exact_find_of_a_merged_learner_answers_wsrc0022_with_the_master(
    soap: Soap, merged: tuple[str, str]
) -> None:
    master, _ = merged
    answer = find_by_demographics(soap, GivenName="Siobhan", DateOfBirth="2009-04-18", LastKnownPostCode="CV4 7AL")
    assert answer.ResponseCode == "WSRC0022"
    assert [(learner.ULN, learner.MasterSubstituted) for learner in answer.Learner] == [(master, "Y")]


def test_verifying_a_linked_uln_answers_the_linked_codes(soap: Soap, merged: tuple[str, str]) -> None:
    master, linked = merged
    service = soap.service("LearnerService")

    def verify(given: str) -> Any:
        learner = {"ULN": linked, "GivenName": given, "FamilyName": "Ó Briain", "DateOfBirth": None, "Gender": None}
        return service.verifyLearner(**soap.miap("awarding"), LearnerToVerify=learner)

    exact, similar = verify("Siobhán"), verify("Shiobhan")
    assert (exact.ResponseCode, exact.ULN) == ("WSVRC002", master)
    assert (similar.ResponseCode, similar.ULN) == ("WSVRC004", master)


def test_r9_learner_by_uln_answers_each_code(soap: Soap, merged: tuple[str, str]) -> None:
    master, linked = merged
    service = soap.service("LearnerServiceR9")

    def find(uln: str, given: str) -> Any:
        return service.LearnerByUln(invokingOrganisation=soap.invoking("school"), **R9_COMMON, uln=uln,
                                    givenName=given, familyName="Ó Briain", findType="FUL")  # fmt: skip

    linked_answer = find(linked, "Siobhán")
    assert (linked_answer.ResponseCode, linked_answer.Learner.Uln) == ("WSRC0022", master)
    assert linked_answer.Learner.LinkedUlns.string == [linked]
    assert find(master, "Shiobhan").ResponseCode == "WSRC0003"
    assert (find("1026893096", "Siobhán").ResponseCode, find("1026893096", "Siobhán").Learner) == ("WSRC0001", None)


def test_the_plr_of_a_linked_uln_is_its_masters_wsrc0022(soap: Soap, merged: tuple[str, str]) -> None:
    master, linked = merged
    answer = events(soap, linked, given="Siobhán", family="Ó Briain")
    assert (answer.ResponseCode, answer.IncomingULN, answer.FoundULN) == ("WSRC0022", linked, master)


def test_a_subset_update_of_an_unknown_uln_answers_wsrc0019(soap: Soap) -> None:
    answer = soap.service("LearnerServiceR9").UpdateLearnerSubsetFields(
        invokingOrganisation=soap.invoking("school"), **R9_COMMON, uln="1026893096", versionNumber=1,
        emailAddress=None, telephoneNumber=None, abilityToShare="FPNSeenShareData", schoolAtAge16=None,
        preferredGivenName=None,
    )  # fmt: skip
    assert answer == "WSRC0019"


def test_updating_a_learner_into_another_learners_five_fields_answers_wsrc0021(soap: Soap) -> None:
    register(soap)
    other = register(soap, GivenName="Niamh")
    clash = {**SIOBHAN, "ULN": other, "VersionNumber": 1}
    assert soap.service("LearnerService").updateSingleLearner(**soap.miap("school"), Learner=clash) == "WSRC0021"


@pytest.mark.parametrize(("change", "code"), [({"OrgPassword": "WrongPassword123"}, "WSEC0003"),
                                              ({"OrganisationRef": "99999999"}, "WSEC0003")])  # fmt: skip
def test_external_service_checks_the_invoking_user(soap: Soap, change: dict[str, str], code: str) -> None:
    user = {"OrgPassword": soap.passwords["awarding"], "OrganisationRef": soap.ukprns["awarding"],
            "UserName": "results-officer", **change}  # fmt: skip
    with pytest.raises(Fault) as raised:
        soap.service("ExternalService").GetAchievementBatchJob(invokingUser=user, jobId=1)
    assert domain_fault(raised)[0] == code


def test_a_poll_before_the_worker_has_run_answers_wsrc0008_then_wsrc0009(services: Services) -> None:
    # a server without its background worker, so the job waits until the test runs it
    with serving(services) as port:
        session = requests.Session()
        soap = school_soap(services, f"http://127.0.0.1:{port}", session)
        service = soap.service("LearnerService")
        submitted = service.submitBatchRegistration(**soap.miap("school"), JobType="CHK", LearnerRecordCount=1,
                                                    Learner=[{**ROW, "MISIdentifier": "W-1"}])  # fmt: skip
        waiting = service.getBatchRegistrationOutput(**soap.miap("school"), JobID=submitted.JobID)
        assert (waiting.ResponseCode, waiting.JobStatus, waiting.Learner) == ("WSRC0008", "Waiting", [])
        assert services.batches.run_pending() == [submitted.JobID]
        done = service.getBatchRegistrationOutput(**soap.miap("school"), JobID=submitted.JobID)
        assert (done.ResponseCode, done.JobStatus, len(done.Learner)) == ("WSRC0009", "Successful", 1)
        session.close()


def test_an_achievement_job_not_yet_run_is_waiting(services: Services) -> None:
    with serving(services) as port:
        session = requests.Session()
        soap = school_soap(services, f"http://127.0.0.1:{port}", session)
        operator = Actor(OrganisationKind.REGISTER_ADMINISTRATOR, "test")
        awarding = services.organisations.create(operator, "10000002", "awarding organisation",
                                                 OrganisationKind.AWARDING_ORGANISATION).organisation  # fmt: skip
        soap.passwords["awarding"] = services.organisations.set_password(operator, awarding.id)
        soap.ukprns["awarding"] = awarding.ukprn
        row = {"AchievementAwardDate": "2026-07-01T00:00:00", "Action": 1, "ActionDate": "2026-07-02T00:00:00",
               "FamilyName": "Żółć", "GivenName": "Łukasz", "ProviderUkprn": "10000001", "Uln": "1026893096",
               "UnitOrQualificationReferenceNumber": "601/8675/3"}  # fmt: skip
        user = {"OrgPassword": soap.passwords["awarding"], "OrganisationRef": "10000002", "UserName": "r"}
        submitted = soap.service("ExternalService").SubmitAchievementBatchJob(
            invokingUser=user, emailAddress=None, submissionType=None, achievements={"Achievement": [row]})
        answer = job(soap, submitted.JobId)
        assert (answer.ResponseCode, answer.Status, answer.NumberOfRecords, answer.StartDate) == (
            "WSRC0004", "Waiting", 1, None)  # fmt: skip
        session.close()
