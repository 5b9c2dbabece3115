"""The message before the credentials, on every service: a request whose values are wrong is WSEC0001 even when its
password is wrong too (WSEC0005 were the credentials looked at first), as the live service answers it."""

from __future__ import annotations

from typing import Any

import pytest
from zeep.exceptions import Fault

from .soap_clients import Soap
from .test_soap_learner_service import miap_fault
from .test_soap_r9_and_external import R9_COMMON, domain_fault

WRONG = "WrongPassword123"


def wrong_miap(soap: Soap) -> dict[str, Any]:
    return {**soap.miap("school"), "OrgPassword": WRONG}


def wrong_invoking(soap: Soap) -> dict[str, Any]:
    return {**soap.invoking("school"), "Password": WRONG}


def wrong_user(soap: Soap) -> dict[str, Any]:
    return {"OrgPassword": WRONG, "OrganisationRef": soap.ukprns["awarding"], "UserName": "results-officer"}


def test_the_wrong_password_alone_is_wsec0005_on_each_service(soap: Soap) -> None:
    with pytest.raises(Fault) as miap:
        soap.service("LearnerService").submitBatchRegistration(**wrong_miap(soap), JobType="FUL",
                                                               LearnerRecordCount=0, Learner=[])  # fmt: skip
    assert miap_fault(miap)["ErrorCode"] == "WSEC0005"
    with pytest.raises(Fault) as external:
        soap.service("ExternalService").GetAchievementBatchJob(invokingUser=wrong_user(soap), jobId=1)
    assert domain_fault(external)[0] == "WSEC0005"


def test_a_batch_of_an_unknown_job_type_is_wsec0001_whatever_the_password(soap: Soap) -> None:
    with pytest.raises(Fault) as raised:
        soap.service("LearnerService").submitBatchRegistration(**wrong_miap(soap), JobType="XYZ",
                                                               LearnerRecordCount=0, Learner=[])  # fmt: skip
    fault = miap_fault(raised)
    assert fault["ErrorCode"] == "WSEC0001" and "JobType" in fault["FurtherDetails"]


R9_INVOKING = ("Password", "Ukprn", "Username")
GLLE_COMMON = {"userType": "ORG", "vendorID": 1, "language": "ENG"}  # GetLearnerLearningEvents spells it vendorID


@pytest.mark.parametrize(
    ("operation", "values", "code", "named"),
    [
        ("LearnerByUln", {**R9_COMMON, "uln": "123", "givenName": "A", "familyName": "B", "findType": "FUL"},
         "WSEC0136", "uln"),
        ("GetLearnerLearningEvents", {**GLLE_COMMON, "uln": "1026893096", "givenName": "A", "familyName": "B",
                                      "dateOfBirth": None, "gender": None, "getType": "SOME"}, "WSEC0001", "getType"),
        ("UpdateLearnerSubsetFields", {**R9_COMMON, "uln": "1026893096", "versionNumber": 1, "emailAddress": None,
                                       "telephoneNumber": None, "abilityToShare": "NotProvided",
                                       "schoolAtAge16": None, "preferredGivenName": None},
         "WSEC0001", "abilityToShare"),
        ("ViewAudit", {**R9_COMMON, "learnerUln": "123", "learnerGivenName": "A", "learnerFamilyName": "B",
                       "page": 1}, "WSEC0136", "123"),
    ],
)  # fmt: skip
def test_an_r9_call_with_a_bad_value_is_refused_for_it_whatever_the_password(
    soap: Soap, operation: str, values: dict[str, Any], code: str, named: str
) -> None:
    invoking = {key: value for key, value in wrong_invoking(soap).items() if key in R9_INVOKING}
    with pytest.raises(Fault) as raised:
        getattr(soap.service("LearnerServiceR9"), operation)(invokingOrganisation=invoking, **values)
    assert domain_fault(raised)[0] == code
    assert named in domain_fault(raised)[1]


def test_an_achievement_batch_with_no_achievements_is_wsec0001_whatever_the_password(soap: Soap) -> None:
    with pytest.raises(Fault) as raised:
        soap.service("ExternalService").SubmitAchievementBatchJob(
            invokingUser=wrong_user(soap), emailAddress=None, submissionType="Achievements", achievements=None
        )
    code, detail = domain_fault(raised)
    assert code == "WSEC0001" and "achievements" in detail


def test_polling_without_a_job_id_is_wsec0001_whatever_the_password(soap: Soap) -> None:
    with pytest.raises(Fault) as raised:
        soap.service("ExternalService").GetAchievementBatchJob(invokingUser=wrong_user(soap), jobId=None)
    code, detail = domain_fault(raised)
    assert code == "WSEC0001" and "jobId" in detail
