"""DfE's T Levels results service, `SkillsFundingAgency/tl-results-and-certification` (C#, a WCF client generated
by svcutil, DataContractSerializer, BasicHttpBinding), replayed: GetLearnerLearningEvents.

Followed at commit 78c7e8a02062871dee2da49ae34b835d23b1d197, under src/:
- Sfa.Tl.ResultsAndCertification.Api.Client/Clients/LrsPersonalLearningRecordServiceApiClient.cs: the call,
  `InvokingOrganisationR10 { OrganisationRef = Ukprn, Ukprn = Ukprn, Username, Password }` (the 8-digit UKPRN in
  OrganisationRef too), userType "LNR", the configured vendor id, "ENG", the ULN, given and family names, the date
  of birth as yyyy-MM-dd, gender null, getType "FULL"
  (Sfa.Tl.ResultsAndCertification.Common/Helpers/Constants.cs);
- .../Connected Services/Lrs.PersonalLearningRecordService.Api.Client/Reference.cs: the operation's SOAPAction
  `http://tempuri.org/ILearnerServiceR9/GetLearnerLearningEvents`, no XmlSerializerFormat (so
  DataContractSerializer: the wrapper and its parameters in http://tempuri.org/, InvokingOrganisationR10's members
  in its data-contract namespace in alphabetical order, a null string as `i:nil`), and the response's data
  contracts (ServiceResponseR9.ResponseCode, then FoundULN, IncomingULN, LearnerRecord; LearningEvent's members),
  which DataContractSerializer reads in that order only.

The envelope is WCF's own writing of that call over BasicHttpBinding (SOAP 1.1, text/xml; charset=utf-8, the
SOAPAction quoted); the live binding adds HTTPS with a client certificate, which one replay test uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lxml import etree

TEMPURI = "http://tempuri.org/"
MODEL = "http://api.lrs.qcf.gov.uk/model"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ACTION = '"http://tempuri.org/ILearnerServiceR9/GetLearnerLearningEvents"'
HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": SOAP_ACTION}

GET_LEARNER_LEARNING_EVENTS = (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
    '<GetLearnerLearningEvents xmlns="http://tempuri.org/">'
    '<invokingOrganisation xmlns:a="http://schemas.datacontract.org/2004/07/Amor.Qcf.Service.Interface"'
    ' xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
    "<a:OrganisationRef>{organisation_ref}</a:OrganisationRef><a:Password>{password}</a:Password>"
    "<a:Ukprn>{ukprn}</a:Ukprn><a:Username>{username}</a:Username></invokingOrganisation>"
    "<userType>LNR</userType><vendorID>{vendor_id}</vendorID><language>ENG</language><uln>{uln}</uln>"
    "<givenName>{given_name}</givenName><familyName>{family_name}</familyName><dateOfBirth>{date_of_birth}</dateOfBirth>"
    '<gender i:nil="true" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"/><getType>FULL</getType>'
    "</GetLearnerLearningEvents></s:Body></s:Envelope>"
)

RESPONSE_MEMBERS = ("ResponseCode", "FoundULN", "IncomingULN", "LearnerRecord")
LEARNING_EVENT_MEMBERS = (
    "AchievementAwardDate", "AchievementProviderName", "AchievementProviderUkprn", "AwardingOrganisationName",
    "AwardingOrganisationUkprn", "CollectionType", "Credits", "DateLoaded", "Grade", "ID", "LanguageForAssessment",
    "Level", "ParticipationEndDate", "ParticipationStartDate", "QualificationType", "Restriction", "ReturnNumber",
    "Source", "Status", "Subject", "SubjectCode", "UnderDataChallenge",
)  # fmt: skip


def get_learner_learning_events_envelope(
    ukprn: str, password: str, username: str, vendor_id: int, uln: str, given_name: str, family_name: str,
    date_of_birth: str, organisation_ref: str | None = None,
) -> bytes:  # fmt: skip
    """The call's envelope; `organisation_ref` is the UKPRN, as the client sets it, unless told otherwise."""
    escape = {name: _escape(value) for name, value in
              {"password": password, "username": username, "given_name": given_name,
               "family_name": family_name}.items()}  # fmt: skip
    text = GET_LEARNER_LEARNING_EVENTS.format(
        ukprn=ukprn, organisation_ref=organisation_ref or ukprn, vendor_id=vendor_id, uln=uln,
        date_of_birth=date_of_birth, **escape,
    )  # fmt: skip
    return text.encode("utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _in_order(node: etree._Element, namespace: str, members: Sequence[str]) -> dict[str, etree._Element]:
    """DataContractSerializer's reading: members only in their order; one out of order, or unknown, is skipped."""
    found: dict[str, etree._Element] = {}
    position = 0
    for child in node:
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        rest = list(members[position:])
        if qname.namespace == namespace and qname.localname in rest:
            position += rest.index(qname.localname) + 1
            found[qname.localname] = child
    return found


def _text(node: etree._Element | None) -> str | None:
    if node is None or node.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true":
        return None
    return node.text or ""


def read_learning_events_response(content: bytes) -> dict[str, Any]:
    """GetLearnerLearningEventsResponse as the generated client fills it."""
    result = etree.fromstring(content).find(
        f"{{{SOAP_ENV}}}Body/{{{TEMPURI}}}GetLearnerLearningEventsResponse/{{{TEMPURI}}}GetLearnerLearningEventsResult"
    )
    if result is None:
        raise ValueError("no GetLearnerLearningEventsResult: WCF raises")
    members = _in_order(result, MODEL, RESPONSE_MEMBERS)
    events = []
    record = members.get("LearnerRecord")
    for event in [] if record is None else record.findall(f"{{{MODEL}}}LearningEvent"):
        fields = _in_order(event, MODEL, LEARNING_EVENT_MEMBERS)
        events.append({name: _text(fields.get(name)) for name in LEARNING_EVENT_MEMBERS})
    answer: dict[str, Any] = {name: _text(members.get(name)) for name in RESPONSE_MEMBERS[:3]}
    answer["LearnerRecord"] = events
    return answer
