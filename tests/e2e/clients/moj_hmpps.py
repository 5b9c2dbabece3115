"""MoJ's LRS client, `ministryofjustice/hmpps-learner-records-api` (Kotlin, Retrofit + OkHttp + JAXB), replayed.

Followed at commit 72956b0aa6a2cb7d8054ddb45dcb728c530c8d23, under
src/main/kotlin/uk/gov/justice/digital/hmpps/learnerrecordsapi/:
- models/lrsapi/request/LearnersLRSRequest.kt: `transformToLRSRequest`, the FindLearnerByDemographics envelope,
  a Kotlin raw string (indentation and the newlines around it are sent; `$x` of a null prints "null"; nothing is
  XML-escaped; no OrganisationRef);
- models/lrsapi/request/LearnerEventsLRSRequest.kt: the GetLearnerLearningEvents envelope (R9; a default
  namespace for invokingOrganisation's children, no OrganisationRef, a missing date of birth or gender sent empty);
- interfaces/LRSApiInterface.kt: `POST LearnerService.svc` with "Accept: application/xml" and
  "Content-Type: text/xml", and no SOAPAction header; `POST LearnerServiceR9.svc` with the same and
  "SOAPAction: http://tempuri.org/ILearnerServiceR9/GetLearnerLearningEvents" (unquoted);
- models/lrsapi/response/LearningEvents{Envelope,Body,Response,Result}.kt, LearningEvent.kt: the R9 answer as
  JAXB reads it (the result in tempuri, its members and LearnerRecord/LearningEvent in the model namespace);
- models/lrsapi/response/{FindLearnerEnvelope,FindLearnerBody,FindLearnerResponse,Learner}.kt: how JAXB reads the
  answer (elements matched by namespace and name: the response in findmsg, its children unqualified);
- service/LearnersService.kt and service/BaseService.kt: a 2xx answer is read as a FindLearnerEnvelope; otherwise
  "UnsupportedHttpVerb" anywhere in the body means the LRS is down, and anything else goes through `parseError`:
  the regex below cuts the `ns10:MIAPAPIException` out of the text and JAXB reads it alone
  (models/lrsapi/response/MIAPAPIException.kt: root in the exceptions namespace, children unqualified).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import requests
from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
FINDMSG = "http://api.lrs.miap.gov.uk/findmsg"
EXCEPTIONS = "http://api.lrs.miap.gov.uk/exceptions"
HEADERS = {"Accept": "application/xml", "Content-Type": "text/xml"}
ERROR_REGEX = re.compile(r"<ns10:MIAPAPIException[\s\S]*?</ns10:MIAPAPIException>")
MIAP_EXCEPTION_FIELDS = ("ErrorCode", "ErrorActor", "Description", "FurtherDetails", "ErrorTimestamp")

# LearnersLRSRequest.transformToLRSRequest, character for character.
FIND_BY_DEMOGRAPHICS = """
      <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:fin="http://api.lrs.miap.gov.uk/findmsg">
        <soapenv:Header/>
        <soapenv:Body>
          <fin:FindLearnerByDemographics>
            <FindType>{findType}</FindType>
            <UKPRN>{ukprn}</UKPRN>
            <OrgPassword>{password}</OrgPassword>
            <UserName>{userName}</UserName>
            <FamilyName>{familyName}</FamilyName>
            <GivenName>{givenName}</GivenName>
            <DateOfBirth>{dateOfBirth}</DateOfBirth>
            <Gender>{gender}</Gender>
            <LastKnownPostCode>{lastKnownPostCode}</LastKnownPostCode>
            <PreviousFamilyName>{previousFamilyName}</PreviousFamilyName>
            <SchoolAtAge16>{schoolAtAge16}</SchoolAtAge16>
            <PlaceOfBirth>{placeOfBirth}</PlaceOfBirth>
            <EmailAddress>{emailAddress}</EmailAddress>
          </fin:FindLearnerByDemographics>
        </soapenv:Body>
      </soapenv:Envelope>
      """


# LearnerEventsLRSRequest.transformToLRSRequest, character for character.
LEARNING_EVENTS = """
      <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tem="http://tempuri.org/" xmlns="http://schemas.datacontract.org/2004/07/Amor.Qcf.Service.Interface">
         <soapenv:Header />
         <soapenv:Body>
            <tem:GetLearnerLearningEvents>
               <tem:invokingOrganisation>
                  <Password>{password}</Password>
                  <Ukprn>{ukprn}</Ukprn>
                  <Username>{userName}</Username>
               </tem:invokingOrganisation>
               <tem:userType>ORG</tem:userType>
               <tem:vendorID>{vendorId}</tem:vendorID>
               <tem:language>ENG</tem:language>
               <tem:uln>{uln}</tem:uln>
               <tem:givenName>{givenName}</tem:givenName>
               <tem:familyName>{familyName}</tem:familyName>
               <tem:dateOfBirth>{dateOfBirth}</tem:dateOfBirth>
               <tem:gender>{gender}</tem:gender>
               <tem:getType>{getType}</tem:getType>
            </tem:GetLearnerLearningEvents>
         </soapenv:Body>
      </soapenv:Envelope>
      """
R9_HEADERS = {**HEADERS, "SOAPAction": "http://tempuri.org/ILearnerServiceR9/GetLearnerLearningEvents"}
TEMPURI = "http://tempuri.org/"
MODEL = "http://api.lrs.qcf.gov.uk/model"


def _kotlin(value: object) -> str:
    """`$value` in a Kotlin string template."""
    return "null" if value is None else str(value)


def find_by_demographics_envelope(
    ukprn: str, password: str, user_name: str, *, given_name: str, family_name: str, date_of_birth: str | None,
    gender: int | None, last_known_post_code: str | None, find_type: str = "FUL",
    previous_family_name: str | None = None, school_at_age_16: str | None = None, place_of_birth: str | None = None,
    email_address: str | None = None,
) -> bytes:  # fmt: skip
    text = FIND_BY_DEMOGRAPHICS.format(
        findType=find_type, ukprn=ukprn, password=password, userName=user_name, familyName=family_name,
        givenName=given_name, dateOfBirth=_kotlin(date_of_birth), gender=_kotlin(gender),
        lastKnownPostCode=_kotlin(last_known_post_code), previousFamilyName=previous_family_name or "",
        schoolAtAge16=school_at_age_16 or "", placeOfBirth=place_of_birth or "", emailAddress=email_address or "",
    )  # fmt: skip
    return text.encode("utf-8")


@dataclass(frozen=True)
class MojAnswer:
    """What LearnersService.getLearners ends with: a FindLearnerResponse, or the LRSException it throws."""

    response: dict[str, object] | None = None
    error: dict[str, str | None] | None = None
    lrs_down: bool = False


def post_find_by_demographics(session: requests.Session, base_url: str, envelope: bytes) -> MojAnswer:
    answer = session.post(f"{base_url}/LearnerService.svc", data=envelope, headers=HEADERS, timeout=30)
    if answer.ok:
        response = read_find_learner_response(answer.content)
        if response is not None:
            return MojAnswer(response=response)
    if "UnsupportedHttpVerb" in answer.text:
        return MojAnswer(lrs_down=True)
    return MojAnswer(error=parse_error(answer.text))


def _unqualified(node: etree._Element) -> dict[str, str]:
    """A JAXB bean's String fields: its unqualified child elements' text (anything else is skipped)."""
    return {child.tag: child.text or "" for child in node if isinstance(child.tag, str) and child.tag[0] != "{"}


def read_find_learner_response(content: bytes) -> dict[str, object] | None:
    """FindLearnerEnvelope > FindLearnerBody > FindLearnerResponse, as JAXB fills them."""
    envelope = etree.fromstring(content)
    if envelope.tag != f"{{{SOAP_ENV}}}Envelope":
        return None
    response = envelope.find(f"{{{SOAP_ENV}}}Body/{{{FINDMSG}}}FindLearnerResponse")
    if response is None:
        return None
    fields: dict[str, object] = dict(_unqualified(response))
    fields["Learner"] = [_unqualified(learner) for learner in response.findall("Learner")]
    return fields


def parse_error(text: str) -> dict[str, str | None]:
    """BaseService.parseError: the regex's first match, unmarshalled alone into MIAPAPIException."""
    match = ERROR_REGEX.search(text)
    if match is None:
        raise ValueError("Unparsable LRS Error")
    exception = etree.fromstring(match.group(0).encode("utf-8"))
    if exception.tag != f"{{{EXCEPTIONS}}}MIAPAPIException":
        raise ValueError(f"JAXB: unexpected element {exception.tag}")
    fields = _unqualified(exception)
    return {name: fields.get(name) for name in MIAP_EXCEPTION_FIELDS}


def learning_events_envelope(
    ukprn: str, password: str, vendor_id: str, user_name: str, *, uln: str, given_name: str, family_name: str,
    date_of_birth: str | None = None, gender: int | None = None, get_type: str = "FULL",
) -> bytes:  # fmt: skip
    text = LEARNING_EVENTS.format(
        password=password, ukprn=ukprn, userName=user_name, vendorId=vendor_id, uln=uln, givenName=given_name,
        familyName=family_name, dateOfBirth=date_of_birth or "", gender="" if gender is None else gender,
        getType=get_type,
    )  # fmt: skip
    return text.encode("utf-8")


def post_learning_events(session: requests.Session, base_url: str, envelope: bytes) -> dict[str, object] | None:
    """LearnerEventsService.getLearningEvents up to formatLRSResponse: the JAXB-read result, or None (it throws)."""
    answer = session.post(f"{base_url}/LearnerServiceR9.svc", data=envelope, headers=R9_HEADERS, timeout=30)
    if not answer.ok:
        return None
    result = etree.fromstring(answer.content).find(
        f"{{{SOAP_ENV}}}Body/{{{TEMPURI}}}GetLearnerLearningEventsResponse/{{{TEMPURI}}}GetLearnerLearningEventsResult"
    )
    if result is None:
        return None
    fields: dict[str, object] = {name: result.findtext(f"{{{MODEL}}}{name}") or ""
                                 for name in ("ResponseCode", "FoundULN", "IncomingULN")}  # fmt: skip
    fields["LearnerRecord"] = [
        {etree.QName(child).localname: child.text or "" for child in event if etree.QName(child).namespace == MODEL}
        for event in result.findall(f"{{{MODEL}}}LearnerRecord/{{{MODEL}}}LearningEvent")
    ]
    return fields
