"""LearnerService batch jobs over SOAP: submit, the worker inside the server runs them, poll for the output."""

from __future__ import annotations

import time
from typing import Any

from .soap_clients import Soap
from .test_soap_learner_service import SIOBHAN, register

ROW: dict[str, Any] = {"GivenName": "Aoife", "FamilyName": "Nic Giolla", "DateOfBirth": "2010-02-11", "Gender": "2",
                       "LastKnownPostCode": "B15 2TT", "VerificationType": "0", "AbilityToShare": "1"}  # fmt: skip


def finished(poll: Any, deadline_seconds: float = 20) -> Any:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        answer = poll()
        if answer.ResponseCode != "WSRC0008":
            return answer
        time.sleep(0.05)
    raise AssertionError("the batch did not finish")


def test_a_registration_batch_finds_registers_and_reports_each_learner(soap: Soap) -> None:
    known = register(soap)
    service = soap.service("LearnerService")
    learners = [
        {**ROW, "MISIdentifier": "S-001"},                                    # new: registered
        {**SIOBHAN, "MISIdentifier": "S-002", "LastKnownPostCode": "cv49ee"},  # on the register already
        {**ROW, "MISIdentifier": "S-003", "DateOfBirth": "2010-13-45"},       # a broken field
        {**ROW, "MISIdentifier": "S-004", "GivenName": "Ciara", "DateOfBirth": None},  # too little to register
    ]
    submitted = service.submitBatchRegistration(**soap.miap("school"), JobType="FUL", LearnerRecordCount=4,
                                                Learner=learners)  # fmt: skip
    assert submitted.ResponseCode == "WSRC0007" and submitted.JobID > 0
    output = finished(lambda: service.getBatchRegistrationOutput(**soap.miap("school"), JobID=submitted.JobID))
    assert (output.ResponseCode, output.JobStatus) == ("WSRC0009", "Successful")
    assert (output.NewLearnersCount, output.ExistsUpdatedLearnersCount, output.RejectedLearnersCount) == (1, 1, 2)
    assert output.JobStartedDateTime is not None and output.JobFinishedDateTime is not None
    rows = {learner.MISIdentifier: learner for learner in output.Learner}
    assert rows["S-001"].ReturnCode == "WSRC0005" and rows["S-001"].ULN not in (None, known)
    assert (rows["S-002"].ReturnCode, rows["S-002"].ULN) == ("WSRC0004", known)
    assert (rows["S-003"].ReturnCode, rows["S-004"].ReturnCode) == ("RC011", "RC006")
    assert rows["S-001"].GivenName == "Aoife"


def test_a_check_only_batch_registers_nobody(soap: Soap) -> None:
    service = soap.service("LearnerService")
    submitted = service.submitBatchRegistration(**soap.miap("school"), JobType="CHK", LearnerRecordCount=1,
                                                Learner=[{**ROW, "MISIdentifier": "C-1"}])  # fmt: skip
    output = finished(lambda: service.getBatchRegistrationOutput(**soap.miap("school"), JobID=submitted.JobID))
    assert (output.LearnersNotFoundCount, output.NewLearnersCount) == (1, 0)
    assert [(learner.MISIdentifier, learner.ReturnCode) for learner in output.Learner] == [("C-1", "WSRC0001")]


def test_a_record_count_that_is_not_the_number_of_learners_answers_wsrc0017(soap: Soap) -> None:
    service = soap.service("LearnerService")
    answer = service.submitBatchRegistration(**soap.miap("school"), JobType="FUL", LearnerRecordCount=3,
                                             Learner=[{**ROW, "MISIdentifier": "X"}])  # fmt: skip
    assert answer.ResponseCode == "WSRC0017"
    answer = service.submitVerifyBatch(**soap.miap("awarding"), LearnerRecordCount=2, OrgEmail=None,
                                       Learner=[{"MISIdentifier": "V", "ULN": "1026893096", "FamilyName": "A",
                                                 "GivenName": "B", "DateOfBirth": None, "Gender": None}])  # fmt: skip
    assert answer.ResponseCode == "WSRC0017"


def test_polling_a_job_that_does_not_exist_or_is_another_organisations_answers_wsrc0018(soap: Soap) -> None:
    service = soap.service("LearnerService")
    assert service.getBatchRegistrationOutput(**soap.miap("school"), JobID=424242).ResponseCode == "WSRC0018"
    submitted = service.submitBatchRegistration(**soap.miap("school"), JobType="CHK", LearnerRecordCount=1,
                                                Learner=[{**ROW, "MISIdentifier": "C-1"}])  # fmt: skip
    theirs = service.getBatchRegistrationOutput(**soap.miap("awarding"), JobID=submitted.JobID)
    assert theirs.ResponseCode == "WSRC0018"
    assert service.getVerifyBatchOutput(**soap.miap("awarding"), JobID=424242).ResponseCode == "WSRC0018"


def test_a_verify_batch_answers_each_learner_with_its_mis_identifier(soap: Soap) -> None:
    uln = register(soap)
    service = soap.service("LearnerService")
    learners = [
        {"MISIdentifier": "A-1", "ULN": uln, "FamilyName": "Ó Briain", "GivenName": "Siobhán",
         "DateOfBirth": "2009-04-17", "Gender": "2"},
        {"MISIdentifier": "A-2", "ULN": uln, "FamilyName": "Ó Briain", "GivenName": "Shiobhan",
         "DateOfBirth": None, "Gender": None},
        {"MISIdentifier": "A-3", "ULN": "1026893096", "FamilyName": "Smith", "GivenName": "Jo",
         "DateOfBirth": None, "Gender": None},
    ]  # fmt: skip
    submitted = service.submitVerifyBatch(**soap.miap("awarding"), LearnerRecordCount=3,
                                          OrgEmail="results@northgate.example", Learner=learners)  # fmt: skip
    assert submitted.ResponseCode == "WSRC0007"
    output = finished(lambda: service.getVerifyBatchOutput(**soap.miap("awarding"), JobID=submitted.JobID))
    assert (output.ResponseCode, output.JobStatus) == ("WSRC0009", "Successful")
    answers = [(v.MISIdentifier, v.ResponseCode, v.ULN, v.FailureFlag) for v in output.VerifiedLearner]
    assert answers == [("A-1", "WSVRC001", uln, []), ("A-2", "WSVRC003", uln, ["VRF1", "VRF2"]),
                       ("A-3", "WSVRC006", None, [])]  # fmt: skip
    similar = output.VerifiedLearner[1]
    assert (similar.GivenName, similar.SearchedGivenName) == ("Siobhán", "Shiobhan")
