"""MoJ's hmpps-learner-records-api, replayed against the live server: its FindLearnerByDemographics envelope as its
template writes it (no OrganisationRef, no SOAPAction), its answers read the way its JAXB beans read them."""

from __future__ import annotations

from typing import Any

from lxml import etree

from .clients import moj_hmpps
from .soap_clients import Soap
from .test_soap_hardening import miap_error
from .test_soap_learner_service import register

SIOBHAN = {"given_name": "Siobhan", "family_name": "Briain", "date_of_birth": "2009-04-17", "gender": 2,
           "last_known_post_code": "CV4 9EE"}  # fmt: skip


def moj_envelope(soap: Soap, who: str = "school", password: str | None = None, **changes: Any) -> bytes:
    return moj_hmpps.find_by_demographics_envelope(
        soap.ukprns[who], soap.passwords[who] if password is None else password, "moj-user", **{**SIOBHAN, **changes}
    )


def post_raw(soap: Soap, envelope: bytes) -> tuple[int, bytes]:
    answer = soap.session.post(f"{soap.url}/LearnerService.svc", data=envelope, headers=moj_hmpps.HEADERS, timeout=30)
    return answer.status_code, answer.content


def test_moj_finds_a_registered_learner_exactly_with_its_own_envelope(soap: Soap) -> None:
    uln = register(soap, GivenName="Siobhan", FamilyName="Briain")
    answer = moj_hmpps.post_find_by_demographics(soap.session, soap.url, moj_envelope(soap))
    assert answer.error is None and answer.response is not None
    assert answer.response["ResponseCode"] == "WSRC0004"
    [learner] = answer.response["Learner"]  # type: ignore[misc]
    assert (learner["ULN"], learner["GivenName"], learner["FamilyName"], learner["Gender"]) == (
        uln, "Siobhan", "Briain", "2")  # fmt: skip


def test_moj_finding_nobody_is_an_answer_with_no_learners(soap: Soap) -> None:
    answer = moj_hmpps.post_find_by_demographics(soap.session, soap.url, moj_envelope(soap))
    assert answer.response is not None
    assert (answer.response["ResponseCode"], answer.response["Learner"]) == ("WSRC0001", [])
    # the live service drops the search fields MoJ sends empty, rather than echoing them
    assert "PreviousFamilyName" not in answer.response and "EmailAddress" not in answer.response


def test_moj_search_without_organisation_ref_is_authenticated_by_its_ukprn(soap: Soap) -> None:
    status, content = post_raw(soap, moj_envelope(soap, password="WrongPassword123"))
    assert (status, miap_error(content)[0]) == (500, "WSEC0005")


def test_a_bad_value_is_wsec0001_before_the_credentials_are_looked_at(soap: Soap) -> None:
    # MoJ's template prints a missing gender as "null"; the password is wrong too (WSEC0005 if it were looked at)
    status, content = post_raw(soap, moj_envelope(soap, password="WrongPassword123", gender=None))
    code, details = miap_error(content)
    assert (status, code) == (500, "WSEC0001")
    assert "Gender" in details


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
    answer = moj_hmpps.post_find_by_demographics(soap.session, soap.url, etree.tostring(document))
    assert answer.response is not None
    assert (answer.response["ResponseCode"], answer.response["Learner"][0]["ULN"]) == ("WSRC0004", uln)  # type: ignore[index]
