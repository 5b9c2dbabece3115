"""LearnerService over SOAP: a real server, called by zeep clients built from the contract WSDL."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import zeep
from lxml import etree
from sqlalchemy import text
from zeep.exceptions import Fault

from learner_records.domain import uln as uln_rules

from .conftest import LiveServer
from .soap_clients import Soap

MIAP = "{http://api.lrs.miap.gov.uk/exceptions}"
SIOBHAN: dict[str, Any] = {
    "GivenName": "Siobhán", "FamilyName": "Ó Briain", "DateOfBirth": "2009-04-17", "Gender": "2",
    "LastKnownPostCode": "CV4 9EE", "VerificationType": "0", "AbilityToShare": "1",
}  # fmt: skip


def miap_fault(raised: pytest.ExceptionInfo[Fault]) -> dict[str, str]:
    """The MIAPAPIException of a fault, element by element."""
    detail = raised.value.detail
    exception = detail.find(f"{MIAP}MIAPAPIException")
    assert raised.value.message == "uk.gov.miap.lrs.api.exceptions.MIAPAPIException"
    return {etree.QName(child).localname: child.text or "" for child in exception}


def register(soap: Soap, **changes: Any) -> str:
    answer = soap.service("LearnerService").registerSingleLearner(**soap.miap("school"), Learner={**SIOBHAN, **changes})
    assert answer.ResponseCode == "WSRC0005"
    return str(answer.ULN)


def find_by_uln(soap: Soap, uln: str, find_type: str = "FUL", **names: str) -> Any:
    sent = {"GivenName": "Siobhán", "FamilyName": "Ó Briain", **names}
    return soap.service("LearnerService").learnerByULN(FindType=find_type, **soap.miap("school"), ULN=uln, **sent)


def find_by_demographics(soap: Soap, find_type: str = "FUL", who: str = "school", **changes: Any) -> Any:
    sent = {"GivenName": "Siobhan", "FamilyName": "O Briain", "DateOfBirth": "2009-04-17", "Gender": "2",
            "LastKnownPostCode": "cv49ee", "PreviousFamilyName": None, "SchoolAtAge16": None, "PlaceOfBirth": None,
            "EmailAddress": None, **changes}  # fmt: skip
    return soap.service("LearnerService").learnerByDemographics(FindType=find_type, **soap.miap(who), **sent)


def test_registering_answers_wsrc0005_with_a_new_valid_uln(soap: Soap) -> None:
    uln = register(soap)
    assert uln_rules.is_valid(uln)


def test_registering_the_same_five_fields_again_answers_wsrc0021(soap: Soap) -> None:
    register(soap)
    answer = soap.service("LearnerService").registerSingleLearner(**soap.miap("school"), Learner=SIOBHAN)
    assert (answer.ResponseCode, answer.ULN) == ("WSRC0021", None)


def test_a_learner_by_uln_comes_back_whole_under_ful_and_bare_under_chk(soap: Soap) -> None:
    uln = register(soap, Title="Ms", LastKnownAddressTown="Coventry")
    full = find_by_uln(soap, uln)
    assert full.ResponseCode == "WSRC0004"
    [learner] = full.Learner
    assert (learner.ULN, learner.GivenName, learner.FamilyName, learner.Title) == (uln, "Siobhán", "Ó Briain", "Ms")
    assert (learner.LastKnownPostCode, learner.DateOfBirth, learner.Gender) == ("CV4 9EE", "2009-04-17", "2")
    assert (learner.VersionNumber, learner.MasterSubstituted, learner.LastKnownAddressTown) == (1, None, "Coventry")
    brief = find_by_uln(soap, uln, "CHK")
    assert (brief.ResponseCode, brief.Learner) == ("WSRC0004", [])


def test_a_learner_by_uln_with_similar_names_is_a_possible_match_and_with_other_names_none(soap: Soap) -> None:
    uln = register(soap)
    assert find_by_uln(soap, uln, GivenName="Siobhan", FamilyName="O Brian").ResponseCode == "WSRC0003"
    assert find_by_uln(soap, uln, GivenName="Margaret", FamilyName="Thatcher").ResponseCode == "WSRC0001"
    assert find_by_uln(soap, "1026893096").ResponseCode == "WSRC0001"


def test_a_linked_uln_answers_wsrc0022_with_its_master(soap: Soap, server: LiveServer) -> None:
    master = register(soap)
    linked = register(soap, GivenName="Siobhan", DateOfBirth="2009-04-18")
    admin = server.client("admin")
    assert admin.post("/api/v1/merges", json={"master_uln": master, "linked_uln": linked}).status_code == 200
    answer = find_by_uln(soap, linked, GivenName="Siobhán")
    assert answer.ResponseCode == "WSRC0022"
    [learner] = answer.Learner
    assert (learner.ULN, learner.MasterSubstituted, learner.LinkedULNs.ULN) == (master, "Y", [linked])


def test_find_by_demographics_gives_every_outcome(soap: Soap) -> None:
    assert find_by_demographics(soap).ResponseCode == "WSRC0001"
    uln = register(soap)
    exact = find_by_demographics(soap)
    assert exact.ResponseCode == "WSRC0004"
    assert ([learner.ULN for learner in exact.Learner], exact.LastKnownPostCode) == ([uln], "CV49EE")
    assert find_by_demographics(soap, "CHK").Learner == []
    possible = find_by_demographics(soap, GivenName="Shiobhan", LastKnownPostCode="CV4 7AL")
    assert possible.ResponseCode == "WSRC0003"
    assert [learner.ULN for learner in possible.Learner] == [uln]


def test_too_many_possible_matches_answer_wsrc0002_with_no_learners(soap: Soap) -> None:
    for index in range(11):
        register(soap, LastKnownPostCode=f"CV{index + 1} 9EE", GivenName="Siobhán", FamilyName="Ó Briain")
    answer = find_by_demographics(soap, LastKnownPostCode="B1 1AA")
    assert (answer.ResponseCode, answer.Learner) == ("WSRC0002", [])


def test_updating_gives_wsrc0006_then_each_refusal_its_code(soap: Soap) -> None:
    uln = register(soap)
    service = soap.service("LearnerService")
    changed = {**SIOBHAN, "LastKnownAddressTown": "Coventry", "ULN": uln, "VersionNumber": 1}
    # UpdateLearnerResponse holds only its ResponseCode, which zeep hands back as the answer itself
    assert service.updateSingleLearner(**soap.miap("school"), Learner=changed) == "WSRC0006"
    assert find_by_uln(soap, uln).Learner[0].VersionNumber == 2
    assert service.updateSingleLearner(**soap.miap("school"), Learner=changed) == "WSRC0013"
    same = {**changed, "VersionNumber": 2}
    assert service.updateSingleLearner(**soap.miap("school"), Learner=same) == "WSRC0020"
    back = {**same, "AbilityToShare": "0"}
    assert service.updateSingleLearner(**soap.miap("school"), Learner=back) == "WSRC0014"
    unknown = {**same, "ULN": "1026893096"}
    assert service.updateSingleLearner(**soap.miap("school"), Learner=unknown) == "WSRC0019"


def test_verify_learner_answers_each_verification_code_with_its_flags(soap: Soap) -> None:
    uln = register(soap)
    service = soap.service("LearnerService")

    def verify(**sent: Any) -> Any:
        learner = {"ULN": uln, "GivenName": "Siobhán", "FamilyName": "Ó Briain", "DateOfBirth": None, "Gender": None}
        return service.verifyLearner(**soap.miap("awarding"), LearnerToVerify={**learner, **sent})

    exact = verify(DateOfBirth="2009-04-17", Gender="2")
    assert (exact.ResponseCode, exact.ULN, exact.FailureFlag, exact.SearchedGivenName) == (
        "WSVRC001", uln, [], "Siobhán")  # fmt: skip
    similar = verify(GivenName="Shiobhan", DateOfBirth="2009-04-18")
    assert (similar.ResponseCode, similar.FailureFlag) == ("WSVRC003", ["VRF1", "VRF2", "VRF7"])
    assert (similar.GivenName, similar.DateOfBirth) == ("Siobhán", "2009-04-17")
    assert verify(GivenName="Margaret", FamilyName="Thatcher").ResponseCode == "WSVRC005"
    assert verify(ULN="1026893096").ResponseCode == "WSVRC006"


def test_retrieve_ulns_answers_each_uln_with_its_code(soap: Soap, server: LiveServer) -> None:
    master = register(soap)
    linked = register(soap, GivenName="Siobhan", DateOfBirth="2009-04-18")
    assert server.client("admin").post("/api/v1/merges", json={"master_uln": master, "linked_uln": linked})
    answer = soap.service("LearnerService").retrieveULNs(
        **soap.miap("awarding"), ULNsToRetrieve={"ULN": [master, linked, "1026893096"]}
    )
    # RetrieveULNsResponse holds only RetrievedULNs, which zeep hands back as the list of VerifiedULN
    found = [(item.ULN, item.ResponseCode, item.MasterULN, item.GivenName) for item in answer]
    assert found == [
        (master, "WSRC0004", None, "Siobhán"), (linked, "WSRC0022", master, "Siobhán"),
        ("1026893096", "WSRC0001", None, None),
    ]  # fmt: skip


def test_a_broken_field_is_a_wsec0001_fault_naming_the_field_and_its_rule(soap: Soap, server: LiveServer) -> None:
    service = soap.service("LearnerService")
    with pytest.raises(Fault) as raised:
        service.registerSingleLearner(**soap.miap("school"), Learner={**SIOBHAN, "DateOfBirth": "2031-02-30"})
    fault = miap_fault(raised)
    assert (fault["ErrorCode"], fault["ErrorActor"]) == ("WSEC0001", "registerSingleLearner")
    assert fault["FurtherDetails"] == "DateOfBirth: 2031-02-30 is not a real date (MIAPDate: a calendar date)"
    assert len(fault["ErrorTimestamp"]) == len("2026-12-01 18:00:00")
    assert server.client("admin").post("/api/v1/learners/retrieve", json={"ulns": ["1026893096"]}).status_code == 200


def test_a_malformed_uln_is_a_wsec0136_fault(soap: Soap) -> None:
    with pytest.raises(Fault) as raised:
        find_by_uln(soap, "1234567890")
    assert miap_fault(raised)["ErrorCode"] == "WSEC0136"


def test_a_request_that_breaks_the_contract_schema_is_refused_before_anything_else(soap: Soap) -> None:
    client = soap.client("LearnerService")
    service = soap.service("LearnerService")
    envelope = client.create_message(
        service, "verifyLearner", OrganisationRef=None, UKPRN="99999999", OrgPassword="x" * 16, UserName="u",
        LearnerToVerify={"ULN": "1026893096", "GivenName": "A", "FamilyName": "B", "DateOfBirth": None,
                         "Gender": None},
    )  # fmt: skip
    request = envelope.find(".//{http://api.lrs.miap.gov.uk/reportmsg}VerifyLearner")
    etree.SubElement(request, "Nickname").text = "Shiv"  # no such element in VerifyLearner
    headers = {"Content-Type": "text/xml; charset=utf-8",
               "SOAPAction": '"http://tempuri.org/LearnerPortType/verifyLearner"'}  # fmt: skip
    response = soap.session.post(f"{soap.url}/LearnerService.svc", data=etree.tostring(envelope), headers=headers)
    assert response.status_code == 500
    detail = etree.fromstring(response.content).find(f".//{MIAP}MIAPAPIException")
    # an unknown organisation would be WSEC0003: the schema check came first
    assert detail.findtext(f"{MIAP}ErrorCode") == "WSEC0001"
    assert "Nickname" in detail.findtext(f"{MIAP}FurtherDetails")


def test_a_required_nillable_element_left_out_is_read_as_nil_as_the_live_service_reads_it(soap: Soap) -> None:
    uln = register(soap)
    client = soap.client("LearnerService")
    envelope = client.create_message(soap.service("LearnerService"), "learnerByULN", FindType="FUL", ULN=uln,
                                     **soap.miap("school"), GivenName="Siobhán", FamilyName="Ó Briain")  # fmt: skip
    request = envelope.find(".//{http://api.lrs.miap.gov.uk/findmsg}FindLearnerByULN")
    request.remove(request.find("OrganisationRef"))  # minOccurs 1 and nillable in the WSDL, optional in MIAP's schema
    response = soap.session.post(f"{soap.url}/LearnerService.svc", data=etree.tostring(envelope),
                                 headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'})  # fmt: skip
    assert response.status_code == 200
    answer = etree.fromstring(response.content).find(".//{http://api.lrs.miap.gov.uk/findmsg}FindLearnerResponse")
    assert (answer.findtext("ResponseCode"), answer.findtext("Learner/ULN")) == ("WSRC0004", uln)


@pytest.mark.parametrize(
    ("credentials", "code"),
    [
        ({"UKPRN": "99999999"}, "WSEC0003"),
        ({"OrgPassword": "WrongPassword123"}, "WSEC0005"),
        ({"OrgPassword": "short"}, "WSEC0001"),
        ({"UKPRN": None, "OrganisationRef": None}, "WSEC0003"),
    ],
)
def test_credentials_are_checked_as_the_protocol_does(soap: Soap, credentials: dict[str, Any], code: str) -> None:
    with pytest.raises(Fault) as raised:
        soap.service("LearnerService").registerSingleLearner(**{**soap.miap("school"), **credentials},
                                                             Learner=SIOBHAN)  # fmt: skip
    assert miap_fault(raised)["ErrorCode"] == code


def test_an_awarding_organisation_may_not_register_wsec0006(soap: Soap) -> None:
    with pytest.raises(Fault) as raised:
        soap.service("LearnerService").registerSingleLearner(**soap.miap("awarding"), Learner=SIOBHAN)
    assert miap_fault(raised)["ErrorCode"] == "WSEC0006"


def test_every_call_is_in_the_access_log_under_the_organisation_and_user(soap: Soap, server: LiveServer) -> None:
    uln = register(soap)
    find_by_uln(soap, uln)
    history = server.client("school").post(
        "/api/v1/plr/audit", json={"uln": uln, "given_name": "Siobhán", "family_name": "Ó Briain"}
    )
    entries = {(entry["action"], entry["user"]) for entry in history.json()["entries"]}
    assert {("register", "school-user"), ("find_by_uln", "school-user")} <= entries


def test_calls_that_disclose_nobody_are_logged_too(soap: Soap, server: LiveServer) -> None:
    assert find_by_uln(soap, "1026893096").ResponseCode == "WSRC0001"
    assert find_by_demographics(soap, who="awarding").ResponseCode == "WSRC0001"
    service = soap.service("LearnerService")
    assert service.getVerifyBatchOutput(**soap.miap("awarding"), JobID=7).ResponseCode == "WSRC0018"
    assert server.services.engine is not None
    with server.services.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT o.name, a.user_name, a.action, a.uln FROM access_log a JOIN organisation o"
            " ON o.id = a.organisation_id ORDER BY a.id")).all()  # fmt: skip
    assert [tuple(row) for row in rows] == [
        ("school organisation", "school-user", "find_by_uln", None),
        ("awarding organisation", "awarding-user", "find_by_demographics", None),
        ("awarding organisation", "awarding-user", "getVerifyBatchOutput", None),
    ]


def test_the_wsdl_is_served_with_this_servers_address(soap: Soap) -> None:
    for service in ("LearnerService", "LearnerServiceR9", "ExternalService"):
        for query in ("wsdl", "singleWsdl"):
            response = requests.get(f"{soap.url}/{service}.svc?{query}", timeout=10)
            assert response.status_code == 200
            document = etree.fromstring(response.content)
            address = document.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address")
            assert address.get("location") == f"{soap.url}/{service}.svc"
    client = zeep.Client(f"{soap.url}/LearnerService.svc?wsdl")
    assert client.service.retrieveULNs(**soap.miap("school"), ULNsToRetrieve={"ULN": ["1026893096"]})


def test_a_get_without_wsdl_is_an_unsupported_verb(soap: Soap) -> None:
    response = requests.get(f"{soap.url}/LearnerService.svc", timeout=10)
    assert response.status_code == 405
    assert b"UnsupportedHttpVerb" in response.content


def test_the_package_ships_the_contract_unchanged() -> None:
    from learner_records.lrs_contract import CONTRACT_DIR, SERVICES

    from .soap_clients import SHARED_CONTRACT

    if not SHARED_CONTRACT.exists():
        pytest.skip("the shared contract is not beside this checkout; the package copy is all there is")
    for service in SERVICES:
        assert (CONTRACT_DIR / f"{service}.wsdl").read_bytes() == (SHARED_CONTRACT / f"{service}.wsdl").read_bytes()
