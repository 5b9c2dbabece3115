"""The one table that turns domain errors into SOAP faults, in each service's own fault shape.

LearnerService answers `MIAPAPIException` (ErrorCode, ErrorActor, Description, FurtherDetails, ErrorTimestamp);
LearnerServiceR9 and ExternalService answer WCF's `DomainFault` (ErrorCode, ErrorDetail as base64 text).
Errors carrying a WSRC code are not faults: they are normal responses with that ResponseCode (see `endpoint.py`).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from ...domain import errors
from ...domain.codes import ErrorCode
from .contract import Contract, Operation
from .xml import render

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
MIAP_FAULT_STRING = "uk.gov.miap.lrs.api.exceptions.MIAPAPIException"
MIAP_EXCEPTIONS = "http://api.lrs.miap.gov.uk/exceptions"
MIAP_EXCEPTION = (MIAP_EXCEPTIONS, "MIAPAPIException")
# Descriptions as the live LearnerService words them, where a recorded answer shows it
# (hmpps-learner-records-api, src/test/resources/error_ful.xml).
LIVE_DESCRIPTIONS = {
    ErrorCode.INVALID_REQUEST: "Invalid request, The request was badly formed - this may include missing mandatory"
    " parameters, or invalid data types.",
}
# The live service's form of the MIAPAPIException goes in a wrapper of its own, after the contract's: readers that
# decode the detail by local name (PHP's SoapClient) would turn two MIAPAPIException siblings into an array.
LIVE_FORM_NAMESPACE = "urn:learner-records:soap:live-form"
LIVE_FORM = f"{{{LIVE_FORM_NAMESPACE}}}LiveForm"


@dataclass(frozen=True, slots=True)
class SoapFault:
    code: ErrorCode
    description: str
    further_details: str
    client_error: bool = True  # False: the server's own failure


def fault_for(error: errors.LearnerRecordsError) -> SoapFault:
    if isinstance(error, errors.StorageUnavailable):  # the server's failure, said plainly: no path, no trace
        return SoapFault(ErrorCode.INVALID_REQUEST, "Service unavailable", error.message, client_error=False)
    code = error.code if isinstance(error.code, ErrorCode) else ErrorCode.INVALID_REQUEST
    if isinstance(error, errors.InvalidFields):
        details = "; ".join(f"{p.field}: {p.problem} ({p.rule})" for p in error.problems)
    elif isinstance(error, errors.InvalidField):
        details = f"{error.field}: {error.problem} ({error.rule})"
    else:
        details = error.message
    return SoapFault(code, code.wording, details)


def invalid_request(details: str) -> SoapFault:
    return SoapFault(ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST.wording, details)


def internal_error() -> SoapFault:
    return SoapFault(ErrorCode.INVALID_REQUEST, "Internal error", "The server could not process the request", False)


def envelope_prefix(contract: Contract) -> str:
    """The SOAP envelope's prefix as the live service writes it: MIAP's Java stack `soapenv`, WCF `s`."""
    return "soapenv" if contract.service == "LearnerService" else "s"


def fault_envelope(contract: Contract, operation: Operation | None, fault: SoapFault, now: datetime) -> bytes:
    prefix = envelope_prefix(contract)
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={prefix: SOAP_ENV})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    node = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    miap = contract.service == "LearnerService"
    side = "Client" if fault.client_error and not miap else "Server"
    etree.SubElement(node, "faultcode").text = f"{prefix}:{side}"
    etree.SubElement(node, "faultstring").text = MIAP_FAULT_STRING if miap else fault.description
    detail = etree.SubElement(node, "detail")
    if miap:
        values = {
            "ErrorCode": fault.code.value,
            "ErrorActor": operation.name if operation else contract.service,
            "Description": _live_description(fault),
            "FurtherDetails": fault.further_details,
            "ErrorTimestamp": now.strftime("%Y-%m-%d %H:%M:%S"),
        }
        detail.append(render(contract, MIAP_EXCEPTION, values, nsmap={None: MIAP_EXCEPTIONS}))
        default: dict[Any, str] = {None: LIVE_FORM_NAMESPACE}
        live_form = etree.SubElement(detail, LIVE_FORM, nsmap=default)
        live_form.append(_live_miap_exception(contract, values))
    else:
        text = f"{fault.description}: {fault.further_details}"
        detail.append(
            render(
                contract,
                ("http://api.lrs.qcf.gov.uk/faults", "DomainFault"),
                {
                    "ErrorCode": fault.code.value,
                    "ErrorDetail": base64.b64encode(text.encode()).decode(),
                },
            )  # fmt: skip
        )
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def _live_description(fault: SoapFault) -> str:
    """The live service's words for a code's own description; a particular one (e.g. "Service unavailable") stays."""
    if fault.description == fault.code.wording:
        return LIVE_DESCRIPTIONS.get(fault.code, fault.description)
    return fault.description


def _live_miap_exception(contract: Contract, values: dict[str, str]) -> etree._Element:
    r"""The MIAPAPIException as the live service writes it: prefix `ns10` declared on it, children unqualified.

    Readers written against the live service cut this element out of the text and read it alone (MoJ's
    `<ns10:MIAPAPIException[\s\S]*?</ns10:MIAPAPIException>`, then JAXB expecting unqualified children); the
    contract's form, qualified children, comes first in the detail for readers built from the WSDL, and this one
    inside `LiveForm` after it, so that no reader meets two elements of the same name in the detail."""
    node = etree.Element(f"{{{MIAP_EXCEPTIONS}}}MIAPAPIException", nsmap={"ns10": MIAP_EXCEPTIONS})
    for child in contract.children(contract.elements[MIAP_EXCEPTION]):
        etree.SubElement(node, child.name).text = values[child.name]
    return node
