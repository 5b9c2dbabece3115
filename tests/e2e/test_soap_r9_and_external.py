"""LearnerServiceR9 and ExternalService over SOAP: zeep clients built from the contract WSDLs, a real server."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
from lxml import etree
from zeep.exceptions import Fault

from .conftest import LiveServer
from .soap_clients import Soap
from .test_plr_api import CATALOGUE_CSV

FAULTS = "{http://api.lrs.qcf.gov.uk/faults}"
R9_COMMON: dict[str, Any] = {"userType": "ORG", "vendorId": 1, "language": "ENG"}


def domain_fault(raised: pytest.ExceptionInfo[Fault]) -> tuple[str, str]:
    fault = raised.value.detail.find(f"{FAULTS}DomainFault")
    return fault.findtext(f"{FAULTS}ErrorCode"), base64.b64decode(fault.findtext(f"{FAULTS}ErrorDetail")).decode()


@pytest.fixture
def learner(server: LiveServer) -> str:
    assert server.client("admin").post("/api/v1/qualifications", files={"file": ("c.csv", CATALOGUE_CSV)})
    body = {"given_name": "Łukasz", "family_name": "Żółć", "date_of_birth": "2008-09-01", "gender": 1,
            "postcode": "M1 1AE", "ability_to_share": 1}  # fmt: skip
    uln: str = server.client("school").post("/api/v1/learners", json=body).json()["learner"]["uln"]
    return uln


def achievement(uln: str, **changes: Any) -> dict[str, Any]:
    row = {"AchievementAwardDate": "2026-07-01T00:00:00", "Action": 1, "ActionDate": "2026-07-02T00:00:00",
           "FamilyName": "Żółć", "GivenName": "Łukasz", "Grade": "Merit", "ProviderUkprn": "10000001", "Uln": uln,
           "UnitOrQualificationReferenceNumber": "601/8675/3"}  # fmt: skip
    return {**row, **changes}


def submit(soap: Soap, rows: list[dict[str, Any]], who: str = "awarding") -> Any:
    user = {"OrgPassword": soap.passwords[who], "OrganisationRef": soap.ukprns[who], "UserName": "results-officer"}
    return soap.service("ExternalService").SubmitAchievementBatchJob(
        invokingUser=user, emailAddress="results@northgate.example", submissionType="Achievements",
        achievements={"Achievement": rows},
    )  # fmt: skip


def job(soap: Soap, job_id: int, who: str = "awarding") -> Any:
    user = {"OrgPassword": soap.passwords[who], "OrganisationRef": soap.ukprns[who], "UserName": "results-officer"}
    return soap.service("ExternalService").GetAchievementBatchJob(invokingUser=user, jobId=job_id)


def finished(soap: Soap, job_id: int) -> Any:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        answer = job(soap, job_id)
        if answer.Status in ("Successful", "Failed"):
            return answer
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def events(soap: Soap, uln: str, get_type: str = "FULL", who: str = "school", **names: Any) -> Any:
    invoking = soap.invoking(who)
    return soap.service("LearnerServiceR9").GetLearnerLearningEvents(
        invokingOrganisation={"OrganisationRef": None, "Password": invoking["Password"], "Ukprn": invoking["Ukprn"],
                              "Username": invoking["Username"]},
        userType="ORG", vendorID=1, language="ENG", uln=uln, givenName=names.get("given", "Łukasz"),
        familyName=names.get("family", "Żółć"), dateOfBirth=None, gender=None, getType=get_type,
    )  # fmt: skip


def test_an_achievement_job_goes_through_external_service_and_reaches_the_plr(soap: Soap, learner: str) -> None:
    submitted = submit(soap, [achievement(learner), achievement("1000000043")])
    assert submitted.ResponseCode == "WSRC0007"
    done = finished(soap, submitted.JobId)
    assert (done.ResponseCode, done.Status, done.JobID, done.NumberOfRecords) == ("WSRC0004", "Successful",
                                                                                   submitted.JobId, 2)  # fmt: skip
    assert (done.AchievementsCreated, done.LearnerDataErrors, done.PercentageSuccessfulRecords) == (1, 1, 50.0)
    assert (done.SuccessfulFinalAchievements, done.User, done.Type) == (1, "results-officer", "Achievements")
    assert "1000000043" in done.AchievementBatchErrorFile and "WSVRC006" in done.AchievementBatchErrorFile
    assert done.SubmittedDate is not None and done.EndDate is not None
    read = events(soap, learner)
    assert (read.ResponseCode, read.IncomingULN, read.FoundULN) == ("WSRC0004", learner, learner)
    [event] = read.LearnerRecord.LearningEvent
    assert (event.SubjectCode, event.Grade, event.Status, event.UnderDataChallenge) == ("601/8675/3", "Merit", "F",
                                                                                       "N")  # fmt: skip
    assert event.AwardingOrganisationName == "Northgate Awards" and event.Credits == 13


def test_a_brief_read_carries_only_the_brief_fields(soap: Soap, learner: str) -> None:
    finished(soap, submit(soap, [achievement(learner)]).JobId)
    [event] = events(soap, learner, "BRIEF").LearnerRecord.LearningEvent
    assert (event.SubjectCode, event.Grade, event.Credits) == ("601/8675/3", "Merit", 13)
    assert (event.Status, event.AwardingOrganisationName, event.DateLoaded) == (None, None, None)


def test_an_unknown_achievement_job_answers_wsrc0018(soap: Soap) -> None:
    assert job(soap, 99999).ResponseCode == "WSRC0018"


def test_a_plr_read_that_does_not_verify_or_is_not_shared_answers_its_code(soap: Soap, server: LiveServer) -> None:
    body = {"given_name": "Zoë", "family_name": "Adeyemi", "date_of_birth": "2007-03-03", "gender": 2,
            "postcode": "LS1 4AP", "ability_to_share": 2}  # fmt: skip
    private = server.client("school").post("/api/v1/learners", json=body).json()["learner"]["uln"]
    not_shared = events(soap, private, given="Zoë", family="Adeyemi")
    assert (not_shared.ResponseCode, not_shared.FoundULN, not_shared.LearnerRecord) == ("WSEC0206", private, None)
    not_verified = events(soap, private, given="Someone", family="Else")
    assert (not_verified.ResponseCode, not_verified.FoundULN) == ("WSEC0208", None)


def test_a_bad_get_type_is_a_domain_fault_naming_the_field(soap: Soap, learner: str) -> None:
    with pytest.raises(Fault) as raised:
        events(soap, learner, "SOME")
    code, detail = domain_fault(raised)
    assert code == "WSEC0001" and "getType" in detail


def test_learner_by_uln_answers_the_r9_learner(soap: Soap, learner: str) -> None:
    answer = soap.service("LearnerServiceR9").LearnerByUln(
        invokingOrganisation=soap.invoking("awarding"), **R9_COMMON, uln=learner, givenName="Łukasz",
        familyName="Żółć", findType="FUL",
    )  # fmt: skip
    assert (answer.ResponseCode, answer.Uln, answer.Learner.Uln, answer.Learner.GivenName) == (
        "WSRC0004", learner, learner, "Łukasz")  # fmt: skip
    assert (answer.Learner.Gender, answer.Learner.AbilityToShare, answer.Learner.VersionNumber) == (1, 1, 1)
    assert answer.Learner.DateOfBirth.date().isoformat() == "2008-09-01"


def test_update_learner_subset_fields_changes_only_those_fields(soap: Soap, learner: str, server: LiveServer) -> None:
    service = soap.service("LearnerServiceR9")
    answer = service.UpdateLearnerSubsetFields(
        invokingOrganisation=soap.invoking("school"), **R9_COMMON, uln=learner, versionNumber=1,
        emailAddress="lukasz@example.org", telephoneNumber=None, abilityToShare="FPNSeenShareData",
        schoolAtAge16="Coventry Academy", preferredGivenName="Luke",
    )  # fmt: skip
    assert answer == "WSRC0006"
    stored = server.client("school").get(f"/api/v1/learners/{learner}").json()["learner"]
    assert (stored["email_address"], stored["preferred_given_name"], stored["version"]) == (
        "lukasz@example.org", "Luke", 2)  # fmt: skip
    assert stored["given_name"] == "Łukasz"
    stale = service.UpdateLearnerSubsetFields(
        invokingOrganisation=soap.invoking("school"), **R9_COMMON, uln=learner, versionNumber=1,
        emailAddress=None, telephoneNumber=None, abilityToShare="FPNSeenShareData", schoolAtAge16=None,
        preferredGivenName=None,
    )  # fmt: skip
    assert stale == "WSRC0013"


def test_view_audit_pages_through_who_looked(soap: Soap, learner: str) -> None:
    events(soap, learner)
    page = soap.service("LearnerServiceR9").ViewAudit(
        invokingOrganisation=soap.invoking("school"), **R9_COMMON, learnerUln=learner, learnerGivenName="Łukasz",
        learnerFamilyName="Żółć", page=1,
    )  # fmt: skip
    actions = [(entry.Action, entry.Organisation, entry.User) for entry in page.List.PlrAccessEntryResponse]
    assert ("read_plr", "school organisation", "school-user") in actions
    assert (page.PageIndex, page.PageSize, page.TotalItems) == (1, 20, len(actions))


def test_view_audit_of_names_that_do_not_verify_is_a_wsec0208_fault(soap: Soap, learner: str) -> None:
    with pytest.raises(Fault) as raised:
        soap.service("LearnerServiceR9").ViewAudit(
            invokingOrganisation=soap.invoking("school"), **R9_COMMON, learnerUln=learner,
            learnerGivenName="Someone", learnerFamilyName="Else", page=1,
        )  # fmt: skip
    assert domain_fault(raised)[0] == "WSEC0208"


def test_get_organisation_finds_an_organisation_by_ukprn(soap: Soap) -> None:
    service = soap.service("LearnerServiceR9")
    found = service.GetOrganisation(invokingOrganisation=soap.invoking("school"), userType="ORG", vendorId=1,
                                    language="ENG", ukPrn=soap.ukprns["awarding"], orgRef=None)  # fmt: skip
    assert (found.ResponseCode, found.DisplayName, found.Ukprn, found.Status) == (
        "WSRC0004", "awarding organisation", soap.ukprns["awarding"], "Active")  # fmt: skip
    missing = service.GetOrganisation(invokingOrganisation=soap.invoking("school"), userType="ORG", vendorId=1,
                                      language="ENG", ukPrn="99999999", orgRef=None)  # fmt: skip
    assert missing.ResponseCode == "WSRC0001"


def test_r9_credentials_are_checked(soap: Soap) -> None:
    wrong = {**soap.invoking("school"), "Password": "WrongPassword123"}
    with pytest.raises(Fault) as raised:
        soap.service("LearnerServiceR9").GetOrganisation(invokingOrganisation=wrong, userType="ORG", vendorId=1,
                                                         language="ENG", ukPrn="10000001", orgRef=None)  # fmt: skip
    assert domain_fault(raised)[0] == "WSEC0003"


def test_a_school_may_not_submit_achievements_wsec0006(soap: Soap, learner: str) -> None:
    with pytest.raises(Fault) as raised:
        submit(soap, [achievement(learner)], who="school")
    assert domain_fault(raised)[0] == "WSEC0006"


def test_a_soap_action_naming_another_operation_is_an_unknown_request(soap: Soap) -> None:
    client = soap.client("LearnerServiceR9")
    service = soap.service("LearnerServiceR9")
    envelope = client.create_message(service, "GetOrganisation", invokingOrganisation=soap.invoking("school"),
                                     userType="ORG", vendorId=1, language="ENG", ukPrn="10000001", orgRef=None)
    response = soap.session.post(
        f"{soap.url}/LearnerServiceR9.svc", data=etree.tostring(envelope),
        headers={"Content-Type": "text/xml; charset=utf-8",
                 "SOAPAction": '"http://tempuri.org/ILearnerServiceR9/ViewAudit"'},
    )  # fmt: skip
    assert response.status_code == 500
    assert etree.fromstring(response.content).findtext(f".//{FAULTS}ErrorCode") == "WSEC0002"
