"""DfE's T Levels service, replayed against the live server: GetLearnerLearningEvents as its WCF client sends it,
with its 8-digit UKPRN as OrganisationRef, and the answer read the way DataContractSerializer reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from learner_records.bootstrap import Services

from .clients import dfe_tlevels
from .soap_clients import Soap, holds_contract
from .test_soap_r9_and_external import FAULTS, achievement, finished, learner, submit
from .test_soap_transport import mutual_tls_school, pki

__all__ = ["learner", "pki"]  # the fixtures


def tlevels_call(soap: Soap, uln: str, organisation_ref: str | None = None) -> tuple[int, bytes]:
    envelope = dfe_tlevels.get_learner_learning_events_envelope(
        soap.ukprns["school"], soap.passwords["school"], "tlevels-user", 1001, uln, "Łukasz", "Żółć", "2008-09-01",
        organisation_ref,
    )
    answer = soap.session.post(f"{soap.url}/LearnerServiceR9.svc", data=envelope, headers=dfe_tlevels.HEADERS,
                               timeout=30)  # fmt: skip
    return answer.status_code, holds_contract("LearnerServiceR9", answer.content)


def test_tlevels_reads_a_plr_with_its_ukprn_as_organisation_ref(soap: Soap, learner: str) -> None:
    finished(soap, submit(soap, [achievement(learner)]).JobId)
    status, content = tlevels_call(soap, learner)
    assert status == 200, content
    answer = dfe_tlevels.read_learning_events_response(content)
    assert (answer["ResponseCode"], answer["FoundULN"], answer["IncomingULN"]) == ("WSRC0004", learner, learner)
    [event] = answer["LearnerRecord"]
    assert (event["Grade"], event["AwardingOrganisationUkprn"]) == ("Merit", soap.ukprns["awarding"])


def test_a_ukprn_as_organisation_ref_must_name_the_organisation_of_the_ukprn(soap: Soap, learner: str) -> None:
    status, content = tlevels_call(soap, learner, organisation_ref=soap.ukprns["admin"])
    fault = etree.fromstring(content).find(f".//{FAULTS}DomainFault")
    assert status == 500 and fault is not None
    assert fault.findtext(f"{FAULTS}ErrorCode") == "WSEC0003"


@pytest.mark.slow
def test_tlevels_reads_over_mutual_tls_with_its_client_certificate(services: Services, pki: Path) -> None:
    with mutual_tls_school(services, pki) as soap:
        status, content = tlevels_call(soap, "1026893096")
    assert status == 200, content
    assert dfe_tlevels.read_learning_events_response(content)["ResponseCode"] == "WSEC0208"
