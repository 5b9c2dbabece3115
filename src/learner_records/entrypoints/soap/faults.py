"""The one table that turns domain errors into SOAP faults, in each service's own fault shape.

LearnerService answers `MIAPAPIException` (ErrorCode, ErrorActor, Description, FurtherDetails, ErrorTimestamp);
LearnerServiceR9 and ExternalService answer WCF's `DomainFault` (ErrorCode, ErrorDetail as base64 text).
Errors carrying a WSRC code are not faults: they are normal responses with that ResponseCode (see `endpoint.py`).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from ...domain import errors
from ...domain.codes import ErrorCode
from .contract import Contract, Operation
from .xml import render

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
MIAP_FAULT_STRING = "uk.gov.miap.lrs.api.exceptions.MIAPAPIException"
MIAP_EXCEPTIONS = "http://api.lrs.miap.gov.uk/exceptions"


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


def fault_envelope(contract: Contract, operation: Operation | None, fault: SoapFault, now: datetime) -> bytes:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"s": SOAP_ENV})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    node = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    miap = contract.service == "LearnerService"
    etree.SubElement(node, "faultcode").text = "s:Client" if fault.client_error and not miap else "s:Server"
    etree.SubElement(node, "faultstring").text = MIAP_FAULT_STRING if miap else fault.description
    detail = etree.SubElement(node, "detail")
    if miap:
        detail.append(
            render(
                contract,
                (MIAP_EXCEPTIONS, "MIAPAPIException"),
                {
                    "ErrorCode": fault.code.value,
                    "ErrorActor": operation.name if operation else contract.service,
                    "Description": fault.description,
                    "FurtherDetails": fault.further_details,
                    "ErrorTimestamp": now.strftime("%Y-%m-%d %H:%M:%S"),
                },
            )  # fmt: skip
        )
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
