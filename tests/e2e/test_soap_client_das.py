"""DfE's das-learner-verification-api, replayed against the live server: verifyLearner as its WCF client sends it
(OrganisationRef, UKPRN nil, nils for a missing date of birth or gender), and the answer and faults read as
XmlSerializer reads them; over plain HTTP and over mutual TLS with a client certificate."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind

from .clients import das_verification
from .conftest import LiveServer
from .soap_clients import Soap, holds_contract
from .test_soap_learner_service import register
from .test_soap_transport import mutual_tls_school, pki

__all__ = ["pki"]  # the fixture

REFERENCE = "ESFA01"


def das_password(server: LiveServer, operator: Actor) -> str:
    """The apprenticeship service: an organisation known by its 6-character reference."""
    organisation = server.services.organisations.create(
        operator, "10000009", "apprenticeship service", OrganisationKind.AWARDING_ORGANISATION, REFERENCE
    ).organisation
    return server.services.organisations.set_password(operator, organisation.id)


def verify(session: requests.Session, url: str, envelope: bytes) -> tuple[int, bytes]:
    answer = session.post(f"{url}/LearnerService.svc", data=envelope, headers=das_verification.HEADERS, timeout=30)
    return answer.status_code, holds_contract("LearnerService", answer.content)


def envelope(reference: str, password: str, uln: str, given_name: str = "Siobhán", **extra: str | None) -> bytes:
    return das_verification.verify_learner_envelope(reference, password, "das-user", uln=uln, given_name=given_name,
                                                    family_name="Ó Briain", **extra)  # fmt: skip


def test_das_verifies_a_learner_by_its_organisation_ref(soap: Soap, server: LiveServer, operator: Actor) -> None:
    uln = register(soap)
    password = das_password(server, operator)
    status, content = verify(soap.session, soap.url, envelope(REFERENCE, password, uln))
    assert status == 200, content
    answer = das_verification.read_verify_learner_response(content)
    assert (answer["ResponseCode"], answer["ULN"], answer["FailureFlag"]) == ("WSVRC001", uln, [])
    assert (answer["SearchedGivenName"], answer["GivenName"]) == ("Siobhán", "Siobhán")


def test_das_reads_the_failure_flags_of_a_similar_match(soap: Soap, server: LiveServer, operator: Actor) -> None:
    uln = register(soap)
    password = das_password(server, operator)
    sent = envelope(REFERENCE, password, uln, "Shiobhan", gender="2", date_of_birth="2009-04-17")
    answer = das_verification.read_verify_learner_response(verify(soap.session, soap.url, sent)[1])
    assert answer["ResponseCode"] == "WSVRC003"
    assert answer["FailureFlag"] == ["VRF1", "VRF2"]  # the given name fails against the given and family names


def test_das_with_the_ukprn_as_organisation_ref_is_verified_too(soap: Soap) -> None:
    uln = register(soap)
    status, content = verify(soap.session, soap.url, envelope(soap.ukprns["awarding"], soap.passwords["awarding"], uln))
    assert status == 200, content
    assert das_verification.read_verify_learner_response(content)["ResponseCode"] == "WSVRC001"


def test_das_reads_a_refusal_as_a_fault_exception_with_the_code(
    soap: Soap, server: LiveServer, operator: Actor
) -> None:
    das_password(server, operator)
    status, content = verify(soap.session, soap.url, envelope(REFERENCE, "WrongPassword123", "1026893096"))
    fault = das_verification.read_fault(content)
    assert (status, fault["ErrorCode"], fault["ErrorActor"]) == (500, "WSEC0005", "verifyLearner")
    status, content = verify(soap.session, soap.url, envelope(REFERENCE, "WrongPassword123", "123"))
    assert das_verification.read_fault(content)["ErrorCode"] == "WSEC0136"  # the message before the credentials


@pytest.mark.slow
def test_das_verifies_over_mutual_tls_with_its_client_certificate(services: Services, pki: Path) -> None:
    with mutual_tls_school(services, pki) as soap:
        status, content = verify(soap.session, soap.url, envelope(soap.ukprns["school"], soap.passwords["school"],
                                                                  "1026893096"))  # fmt: skip
    assert status == 200, content
    assert das_verification.read_verify_learner_response(content)["ResponseCode"] == "WSVRC006"
