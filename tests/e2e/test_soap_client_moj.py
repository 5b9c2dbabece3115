"""MoJ's hmpps-learner-records-api, replayed against the live server: its FindLearnerByDemographics envelope as its
template writes it (no OrganisationRef, no SOAPAction), its answers read the way its JAXB beans read them."""

from __future__ import annotations

from typing import Any

from lxml import etree

from learner_records.entrypoints.soap.contract import contract

from .clients import moj_hmpps
from .soap_clients import Soap
from .test_soap_hardening import miap_error
from .test_soap_learner_service import register
from .test_soap_r9_and_external import achievement, finished, learner, submit

__all__ = ["learner"]  # the fixture

SIOBHAN = {"given_name": "Siobhan", "family_name": "Briain", "date_of_birth": "2009-04-17", "gender": 2,
           "last_known_post_code": "CV4 9EE"}  # fmt: skip


def moj_envelope(soap: Soap, who: str = "school", password: str | None = None, **changes: Any) -> bytes:
    return moj_hmpps.find_by_demographics_envelope(
        soap.ukprns[who], soap.passwords[who] if password is None else password, "moj-user", **{**SIOBHAN, **changes}
    )


def moj_find(soap: Soap, envelope: bytes) -> moj_hmpps.MojAnswer:
    return moj_hmpps.post_find_by_demographics(soap.session, soap.url, envelope)


def post_raw(soap: Soap, envelope: bytes) -> tuple[int, bytes]:
    answer = soap.session.post(f"{soap.url}/LearnerService.svc", data=envelope, headers=moj_hmpps.HEADERS, timeout=30)
    return answer.status_code, answer.content


def test_moj_finds_a_registered_learner_exactly_with_its_own_envelope(soap: Soap) -> None:
    uln = register(soap, GivenName="Siobhan", FamilyName="Briain")
    answer = moj_find(soap, moj_envelope(soap))
    assert answer.error is None and answer.response is not None
    assert answer.response["ResponseCode"] == "WSRC0004"
    [learner] = answer.response["Learner"]  # type: ignore[misc]
    assert (learner["ULN"], learner["GivenName"], learner["FamilyName"], learner["Gender"]) == (
        uln, "Siobhan", "Briain", "2")  # fmt: skip


def test_moj_finding_nobody_is_an_answer_with_no_learners(soap: Soap) -> None:
    answer = moj_find(soap, moj_envelope(soap))
    assert answer.response is not None
    assert (answer.response["ResponseCode"], answer.response["Learner"]) == ("WSRC0001", [])
    # the live service drops the search fields MoJ sends empty, rather than echoing them
    assert "PreviousFamilyName" not in answer.response and "EmailAddress" not in answer.response


def test_moj_search_without_organisation_ref_is_authenticated_by_its_ukprn(soap: Soap) -> None:
    answer = moj_find(soap, moj_envelope(soap, password="WrongPassword123"))
    assert answer.error is not None
    assert (answer.error["ErrorCode"], answer.error["ErrorActor"]) == ("WSEC0005", "learnerByDemographics")


def test_moj_reads_the_code_of_a_refusal_with_its_own_regex_and_the_contract_still_holds(soap: Soap) -> None:
    envelope = moj_envelope(soap, gender=None)
    answer = moj_find(soap, envelope)
    assert answer.error is not None and not answer.lrs_down
    assert answer.error["ErrorCode"] == "WSEC0001"
    assert "Gender" in (answer.error["FurtherDetails"] or "")
    assert len(answer.error["ErrorTimestamp"] or "") == len("2026-12-04 18:00:00")
    assert answer.error["Description"] == (  # as the live service words it (MoJ's src/test/resources/error_ful.xml)
        "Invalid request, The request was badly formed - this may include missing mandatory parameters, or invalid"
        " data types."
    )
    # readers built from the WSDL read the detail's first entry, which is the contract's MIAPAPIException
    status, content = post_raw(soap, envelope)
    detail = etree.fromstring(content).find(f"{{{moj_hmpps.SOAP_ENV}}}Body/{{{moj_hmpps.SOAP_ENV}}}Fault/detail")
    assert status == 500 and detail is not None
    assert contract("LearnerService").schema.validate(detail[0]), contract("LearnerService").schema.error_log
    assert miap_error(content)[0] == "WSEC0001"


def test_a_bad_value_is_wsec0001_before_the_credentials_are_looked_at(soap: Soap) -> None:
    # MoJ's template prints a missing gender as "null"; the password is wrong too (WSEC0005 if it were looked at)
    answer = moj_find(soap, moj_envelope(soap, password="WrongPassword123", gender=None))
    assert answer.error is not None
    assert answer.error["ErrorCode"] == "WSEC0001"
    assert "Gender" in (answer.error["FurtherDetails"] or "")


def test_an_unknown_element_is_still_refused_with_wsec0001_naming_it(soap: Soap) -> None:
    envelope = moj_envelope(soap).replace(b"<GivenName>", b"<Nickname>Shiv</Nickname><GivenName>")
    status, content = post_raw(soap, envelope)
    code, details = miap_error(content)
    assert (status, code) == (500, "WSEC0001")
    assert "Nickname" in details


def test_a_single_element_sent_twice_is_still_refused(soap: Soap) -> None:
    envelope = moj_envelope(soap).replace(b"<GivenName>", b"<FamilyName>Other</FamilyName><GivenName>")
    status, content = post_raw(soap, envelope)
    code, details = miap_error(content)
    assert (status, code) == (500, "WSEC0001")
    assert "FamilyName" in details


def test_elements_in_another_order_are_read_as_the_contract_orders_them(soap: Soap) -> None:
    uln = register(soap, GivenName="Siobhan", FamilyName="Briain")
    document = etree.fromstring(moj_envelope(soap))
    request = document.find(f".//{{{moj_hmpps.FINDMSG}}}FindLearnerByDemographics")
    assert request is not None
    for child in reversed(list(request)):
        request.append(child)  # every element in reverse
    answer = moj_find(soap, etree.tostring(document))
    assert answer.response is not None
    assert (answer.response["ResponseCode"], answer.response["Learner"][0]["ULN"]) == ("WSRC0004", uln)  # type: ignore[index]


def test_moj_reads_a_plr_with_its_own_r9_envelope(soap: Soap, learner: str) -> None:
    finished(soap, submit(soap, [achievement(learner)]).JobId)
    envelope = moj_hmpps.learning_events_envelope(soap.ukprns["school"], soap.passwords["school"], "1001", "moj-user",
                                                  uln=learner, given_name="Łukasz", family_name="Żółć")  # fmt: skip
    answer = moj_hmpps.post_learning_events(soap.session, soap.url, envelope)
    assert answer is not None
    assert (answer["ResponseCode"], answer["FoundULN"], answer["IncomingULN"]) == ("WSRC0004", learner, learner)
    [event] = answer["LearnerRecord"]  # type: ignore[misc]
    assert event["Grade"] == "Merit"
