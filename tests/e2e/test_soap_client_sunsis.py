"""Sunesis (sunsis-core), replayed against the live server: learnerByDemographics as PHP's SoapClient sends it
(nil OrganisationRef and search fields, no PlaceOfBirth), the answer read as its classmap reads it, a refusal read
as `$e->detail->MIAPAPIException`, and the PLR read that follows a match."""

from __future__ import annotations

from .clients import sunsis_php
from .conftest import LiveServer
from .soap_clients import Soap, holds_contract
from .test_plr_api import CATALOGUE_CSV
from .test_soap_learner_service import register
from .test_soap_r9_and_external import achievement, finished, submit


def sunsis_call(soap: Soap, password: str | None = None, **changes: str) -> tuple[int, bytes]:
    sent = {"family_name": "Ó Briain", "given_name": "Siobhán", "date_of_birth": "2009-04-17", "gender": "Female",
            "postcode": "CV4 9EE", **changes}  # fmt: skip
    envelope = sunsis_php.learner_by_demographics_envelope(
        soap.ukprns["school"], soap.passwords["school"] if password is None else password, "sunesis", **sent
    )
    answer = soap.session.post(f"{soap.url}/LearnerService.svc", data=envelope, headers=sunsis_php.HEADERS,
                               timeout=30)  # fmt: skip
    return answer.status_code, holds_contract("LearnerService", answer.content)


def test_sunesis_finds_a_learner_with_its_soapclient_envelope(soap: Soap) -> None:
    uln = register(soap)
    status, content = sunsis_call(soap)
    assert status == 200, content
    answer = sunsis_php.read_find_learner_response(content)
    assert (answer["status"], answer["learners_count"]) == ("WSRC0004", 1)
    [learner] = answer["learner"]
    assert (learner["ULN"], learner["GivenName"], learner["Gender"], learner["Notes"]) == (uln, "Siobhán", "2", "")
    assert len(learner["CreatedDate"]) == len("2026-12-04")


def test_sunesis_finding_nobody_reads_no_learners(soap: Soap) -> None:
    status, content = sunsis_call(soap)
    assert (status, sunsis_php.read_find_learner_response(content)["learner"]) == (200, [])


def test_sunesis_reads_the_code_of_a_refusal_from_the_fault_detail(soap: Soap) -> None:
    status, content = sunsis_call(soap, password="WrongPassword123")
    fault = sunsis_php.read_fault(content)
    assert (status, fault["LRS_ErrorCode"]) == (500, "WSEC0005")
    assert fault["SOAP_faultstring"] == "uk.gov.miap.lrs.api.exceptions.MIAPAPIException"


def test_sunesis_reads_wsec0001_for_a_gender_it_cannot_map(soap: Soap) -> None:
    status, content = sunsis_call(soap, password="WrongPassword123", gender="Other")  # sent as nothing at all
    fault = sunsis_php.read_fault(content)
    assert (status, fault["LRS_ErrorCode"]) == (500, "WSEC0001")
    assert "Gender" in fault["LRS_FurtherDetails"]


def test_sunesis_reads_the_plr_of_the_learner_it_found(soap: Soap, server: LiveServer) -> None:
    assert server.client("admin").post("/api/v1/qualifications", files={"file": ("c.csv", CATALOGUE_CSV)}).is_success
    uln = register(soap)
    row = achievement(uln, GivenName="Siobhán", FamilyName="Ó Briain")
    assert finished(soap, submit(soap, [row]).JobId).AchievementsCreated == 1
    [learner] = sunsis_php.read_find_learner_response(sunsis_call(soap)[1])["learner"]
    envelope = sunsis_php.get_learner_learning_events_envelope(soap.ukprns["school"], soap.passwords["school"],
                                                               "sunesis-user", learner)  # fmt: skip
    answer = soap.session.post(f"{soap.url}/LearnerServiceR9.svc", data=envelope, headers=sunsis_php.R9_HEADERS,
                               timeout=30)  # fmt: skip
    assert answer.status_code == 200, answer.content
    read = sunsis_php.read_learning_events_response(holds_contract("LearnerServiceR9", answer.content))
    assert read["status"] == "WSRC0004"
    [event] = read["events"]
    assert (event["SubjectCode"], event["Grade"], event["Credits"]) == ("601/8675/3", "Merit", "13")


def test_sunesis_finds_a_learner_by_uln_with_its_soapclient_envelope(soap: Soap) -> None:
    uln = register(soap)
    envelope = sunsis_php.learner_by_uln_envelope(soap.ukprns["school"], soap.passwords["school"], "sunesis",
                                                  uln=uln, family_name="Ó Briain", given_name="Siobhán")  # fmt: skip
    answer = soap.session.post(f"{soap.url}/LearnerService.svc", data=envelope, headers=sunsis_php.HEADERS,
                               timeout=30)  # fmt: skip
    assert answer.status_code == 200, answer.content
    read = sunsis_php.read_find_learner_response(holds_contract("LearnerService", answer.content))
    assert (read["status"], [learner["ULN"] for learner in read["learner"]]) == ("WSRC0004", [uln])
    assert "MasterSubstituted" not in read["learner"][0]  # `getMasterSubstituted()` is null, as on the live service
