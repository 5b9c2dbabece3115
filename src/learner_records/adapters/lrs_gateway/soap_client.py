"""The wire under the SOAP gateway: zeep clients of the contract WSDLs, and LRS faults back into domain errors.

Each WSDL is parsed once per process and its client reused: a gateway is made per call of the awarding side, so
it only binds a client to an address. Every operation goes through `call`, which turns what can go wrong into the
error the in-process adapter raises for the same request:

- a MIAPAPIException (LearnerService) or DomainFault (LearnerServiceR9, ExternalService) carries a WSEC code;
  WSEC0001 becomes InvalidField / InvalidFields naming the fields of FurtherDetails ("Field: problem (rule); ...");
- a ResponseCode that the register answers for a refusal (WSRC0021 and the like) becomes its error (`refusal`);
- no answer, a timeout, an answer that is not SOAP, or the server's own failure become RegisterUnavailable,
  so a caller such as the validation worker tries again later instead of recording an outcome.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Callable
from typing import Any

import requests
import zeep
import zeep.exceptions
from lxml import etree
from zeep.transports import Transport

from ...domain import errors
from ...domain.codes import ErrorCode, ResponseCode
from ...lrs_contract import CONTRACT_DIR

LOAD_TIMEOUT = 10.0  # seconds, for reading a WSDL (a local file: only a stray import would use the network)
OPERATION_TIMEOUT = 30.0  # seconds per call; a verify batch runs several calls side by side
POOL_SIZE = 8  # connections kept per host: as many as a verify batch runs at once
BINDINGS = {
    "LearnerService": "{http://tempuri.org/}BasicHttpBinding_LearnerPortType",
    "LearnerServiceR9": "{http://tempuri.org/}BasicHttpBinding_ILearnerServiceR9",
    "ExternalService": "{http://api.lrs.qcf.gov.uk/services}BasicHttpBinding_IExternalService",
}
MIAP_EXCEPTION = "{http://api.lrs.miap.gov.uk/exceptions}MIAPAPIException"
DOMAIN_FAULT = "{http://api.lrs.qcf.gov.uk/faults}DomainFault"
INTERNAL_ERROR = "Internal error"  # the Description of a fault that is the server's own failure

_clients: dict[str, zeep.Client] = {}
_lock = threading.Lock()
_FIELD_PROBLEM = re.compile(r"^(?P<field>[^:;()]+): (?P<problem>.*) \((?P<rule>[^()]*)\)$")

_ACCESS_ERRORS: dict[str, Callable[[str], errors.LearnerRecordsError]] = {
    ErrorCode.UNKNOWN_REQUEST.value: errors.UnknownRequest,
    ErrorCode.UNKNOWN_ORGANISATION.value: errors.UnknownOrganisation,
    ErrorCode.OUT_OF_HOURS.value: errors.OutOfHours,
    ErrorCode.INCORRECT_PASSWORD.value: errors.IncorrectPassword,
    ErrorCode.INSUFFICIENT_ACCESS.value: errors.InsufficientAccess,
    ErrorCode.NOT_SHARED.value: errors.NotShared,
    ErrorCode.NOT_VERIFIED.value: errors.NotVerified,
}
_REFUSALS: dict[str, Callable[[str], errors.LearnerRecordsError]] = {
    ResponseCode.CANNOT_REGISTER.value: lambda message: errors.DuplicateLearner(None, message),
    ResponseCode.STALE_VERSION.value: errors.StaleVersion,
    ResponseCode.NO_CHANGES.value: errors.NoChanges,
    ResponseCode.INVALID_ABILITY_TO_SHARE_CHANGE.value: errors.InvalidAbilityToShareChange,
    ResponseCode.UNKNOWN_JOB.value: errors.UnknownJob,
    ResponseCode.ULN_NOT_FOUND_FOR_UPDATE.value: errors.UlnNotFoundForUpdate,
}


def client(service: str) -> zeep.Client:
    """The process's zeep client of one contract WSDL, parsed on first use."""
    with _lock:
        found = _clients.get(service)
        if found is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=POOL_SIZE)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            transport = Transport(  # type: ignore[no-untyped-call]
                session=session, timeout=LOAD_TIMEOUT, operation_timeout=OPERATION_TIMEOUT
            )
            found = zeep.Client(str(CONTRACT_DIR / f"{service}.wsdl"), transport=transport)  # type: ignore[no-untyped-call]
            _clients[service] = found
        return found


def service(name: str, base_url: str) -> Any:
    """The operations of one service at the register's address (the WSDL's own address is the live LRS)."""
    address = f"{base_url.rstrip('/')}/{name}.svc"
    return client(name).create_service(BINDINGS[name], address)  # type: ignore[no-untyped-call]


def call(operation: Callable[..., Any], **elements: Any) -> Any:
    """One operation, its failures as domain errors (see the module docstring)."""
    try:
        return operation(**elements)
    except zeep.exceptions.Fault as fault:
        raise error_from_fault(fault) from None
    except requests.RequestException as failure:
        raise errors.RegisterUnavailable(f"The register did not answer ({type(failure).__name__})") from None
    except (zeep.exceptions.TransportError, zeep.exceptions.XMLSyntaxError) as failure:
        raise errors.RegisterUnavailable(f"The register's answer was not SOAP ({type(failure).__name__})") from None


def refusal(code: str | None, message: str | None = None) -> errors.LearnerRecordsError | None:
    """The error for a ResponseCode that refuses the request, None for a business outcome."""
    make = _REFUSALS.get(code or "")
    return None if make is None else make(message or ResponseCode.of(code or "").wording)


def error_from_fault(fault: zeep.exceptions.Fault) -> errors.LearnerRecordsError:
    code, description, details = _fault_parts(fault)
    if description == INTERNAL_ERROR or (code is None and str(fault.code or "").endswith("Server")):
        return errors.RegisterUnavailable(f"The register failed to answer: {details or fault.message}")
    if code is None:
        return errors.RegisterUnavailable(f"The register answered a fault without an LRS code: {fault.message}")
    if code in (ErrorCode.INVALID_REQUEST.value, ErrorCode.INVALID_ULN.value):
        return _invalid(code, details)
    make = _ACCESS_ERRORS.get(code)
    if make is None:
        return errors.LearnerRecordsError(f"{code}: {details or description}")
    return make(details or description or "")


def _fault_parts(fault: zeep.exceptions.Fault) -> tuple[str | None, str | None, str]:
    """(WSEC code, Description, FurtherDetails) of either fault shape."""
    detail = fault.detail
    if detail is None:
        return None, None, ""
    miap = detail.find(MIAP_EXCEPTION)
    if miap is not None:
        namespace = etree.QName(miap).namespace
        text = {field: miap.findtext(f"{{{namespace}}}{field}") for field in ("ErrorCode", "Description")}
        return text["ErrorCode"], text["Description"], miap.findtext(f"{{{namespace}}}FurtherDetails") or ""
    domain = detail.find(DOMAIN_FAULT)
    if domain is not None:
        namespace = etree.QName(domain).namespace
        encoded = domain.findtext(f"{{{namespace}}}ErrorDetail") or ""
        try:
            decoded = base64.b64decode(encoded).decode()
        except ValueError:
            decoded = encoded
        # ErrorDetail is "Description: FurtherDetails", as WCF services of the LRS write it
        description, _, details = decoded.partition(": ")
        return domain.findtext(f"{{{namespace}}}ErrorCode"), description, details
    return None, None, ""


def _invalid(code: str, details: str) -> errors.InvalidField:
    problems: list[errors.InvalidField] = []
    for part in details.split("; "):
        matched = _FIELD_PROBLEM.match(part.strip())
        if matched is None:
            # not a field rule of ours (e.g. a schema violation): the whole text is the problem
            problems = [errors.InvalidField("request", details or "was refused", "the LRS contract")]
            break
        field, problem, rule = matched["field"], matched["problem"], matched["rule"]
        if code == ErrorCode.INVALID_ULN.value:
            problems.append(errors.InvalidUln(problem, field))
        else:
            problems.append(errors.InvalidField(field, problem, rule))
    if code == ErrorCode.INVALID_ULN.value and not isinstance(problems[0], errors.InvalidUln):
        problems = [errors.InvalidUln(details or "is not a valid ULN")]
    return problems[0] if len(problems) == 1 else errors.InvalidFields(problems)
