"""The SOAP endpoints: `POST /<Service>.svc` for calls, `GET /<Service>.svc?wsdl` for the contract.

Every call goes the same way: refuse what is not SOAP 1.1 (see `transport.py`) or carries a DOCTYPE, parse the
envelope (no entities, no network), find the operation by the body's element and check that the SOAPAction header
names it (where the operation's action is "", the header may be left out, as the live service allows), put a
LearnerService request into the contract's shape as the live MIAP back-end reads it (see `tolerant.py`), validate
that element against the contract's schema (a violation is a WSEC0001 fault naming the element and the rule),
check the operating hours, then hand the message to the operation's handler, which checks its values before its
credentials and translates it onto the services. A domain error with a WSRC code is a normal response carrying
it; one with a WSEC code is a fault.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from lxml import etree

from ...bootstrap import Services
from ...domain import errors
from ...domain.access import OperatingHours
from ...domain.codes import ErrorCode, ResponseCode
from ...lrs_contract import SERVICES
from ..throttled import soap_client
from .contract import Contract, Operation, contract
from .faults import SOAP_ENV, SoapFault, envelope_prefix, fault_envelope, fault_for, internal_error, invalid_request
from .tolerant import TOLERANT_SERVICES, in_contract_order
from .xml import Message, read, render

log = logging.getLogger("learner_records.soap")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True)
_ADDRESS = re.compile(rb'(<soap:address location=")[^"]*(")')
XML_TYPE = "text/xml; charset=utf-8"
UK_TIME = ZoneInfo("Europe/London")
DOCTYPE_REFUSED = "The request has a DOCTYPE: document type declarations are refused"


@dataclass(frozen=True, slots=True)
class SoapCall:
    services: Services
    operation: Operation
    message: Message


@dataclass(frozen=True, slots=True)
class Handler:
    run: Callable[[SoapCall], Message]
    code_only: Callable[[str], Message]  # the response that carries only a WSRC code


Handlers = Mapping[str, Handler]


class _Refused(Exception):
    def __init__(self, fault: SoapFault, operation: Operation | None = None) -> None:
        self.fault = fault
        self.operation = operation


class SoapService:
    def __init__(self, services: Services, contract: Contract, handlers: Handlers) -> None:
        missing = set(contract.operations) - set(handlers)
        if missing:
            raise RuntimeError(f"{contract.service}: no handler for {sorted(missing)}")
        self.services = services
        self.contract = contract
        self.handlers = handlers
        window = services.settings.operating_hours
        self.hours = OperatingHours.parse(window) if window else None

    def call(self, body: bytes, soap_action: str | None, client: str | None = None) -> tuple[int, bytes]:
        if client is not None:
            soap_client.set(client)  # this thread's call: its credentials are throttled by the caller's address
        operation: Operation | None = None
        try:
            element = self._body_element(body)
            operation = self._operation(element, soap_action)
            if self.contract.service in TOLERANT_SERVICES:
                in_contract_order(self.contract, element)
            if not self.contract.schema.validate(element):
                raise _Refused(invalid_request(_schema_problem(self.contract.schema)), operation)
            if self.hours is not None:
                local = self.services.clock.now().replace(tzinfo=UTC).astimezone(UK_TIME)
                self.hours.require_open(local.time())
            handler = self.handlers[operation.name]
            call = SoapCall(self.services, operation, read(self.contract, element))
            try:
                answer = handler.run(call)
            except errors.LearnerRecordsError as error:
                if not isinstance(error.code, ResponseCode):
                    raise
                answer = handler.code_only(error.code.value)
            return 200, _envelope(self.contract, render(self.contract, operation.response, answer))
        except _Refused as refused:
            return 500, fault_envelope(self.contract, refused.operation or operation, refused.fault, self._now())
        except errors.LearnerRecordsError as error:
            if isinstance(error, errors.StorageUnavailable):
                log.error("%s", error.for_operator)  # a path or a server and the driver's words, nothing personal
            return 500, fault_envelope(self.contract, operation, fault_for(error), self._now())
        except Exception:
            # The exception's type and place only: request values may be personal data.
            log.exception("%s %s failed", self.contract.service, operation.name if operation else "?")
            return 500, fault_envelope(self.contract, operation, internal_error(), self._now())

    def _now(self) -> datetime:
        return self.services.clock.now()

    @staticmethod
    def _body_element(body: bytes) -> etree._Element:
        # Entity expansion (billion laughs) and external entities (local files, other hosts) both need a DOCTYPE.
        # None is expanded or fetched by this parser, but a request that has one is refused outright, and said so.
        try:
            root = etree.fromstring(body, _PARSER)
        except etree.XMLSyntaxError as error:
            if _has_doctype(body):  # libxml2 stops at an amplification before the tree is there to look at
                raise _Refused(invalid_request(DOCTYPE_REFUSED)) from None
            raise _Refused(invalid_request(f"The request is not well-formed XML: {error.msg}")) from None
        if root.getroottree().docinfo.internalDTD is not None:  # any DOCTYPE, with or without a subset
            raise _Refused(invalid_request(DOCTYPE_REFUSED))
        if root.tag != f"{{{SOAP_ENV}}}Envelope":
            raise _Refused(invalid_request(f"The root element is {root.tag}, not a SOAP 1.1 Envelope"))
        soap_body = root.find(f"{{{SOAP_ENV}}}Body")
        children = [] if soap_body is None else [child for child in soap_body if isinstance(child.tag, str)]
        if len(children) != 1:
            raise _Refused(invalid_request("The SOAP Body must hold exactly one request element"))
        return children[0]

    def _operation(self, element: etree._Element, soap_action: str | None) -> Operation:
        qname = etree.QName(element)
        operation = self.contract.by_request.get((qname.namespace, qname.localname))
        if operation is None:
            raise _Refused(_unknown_request(f"{self.contract.service} has no operation taking {qname.text}"))
        expected = f'"{operation.soap_action}" for {operation.name}'
        if soap_action is None and operation.soap_action == "":
            return operation  # the live service answers these (their action is "") without the header too
        if soap_action is None:
            problem = f"The request has no SOAPAction header: SOAP 1.1 names the operation in it ({expected})"
            raise _Refused(_unknown_request(problem), operation)
        action = soap_action.strip().strip('"')
        if action != operation.soap_action:
            problem = f'SOAPAction "{action}" does not name the operation in the body ({expected})'
            raise _Refused(_unknown_request(problem), operation)
        return operation

    def wsdl(self, address: str) -> bytes:
        return _ADDRESS.sub(rb"\g<1>" + address.encode() + rb"\g<2>", self.contract.wsdl_bytes)

    def refusal(self, details: str) -> bytes:
        """The WSEC0001 fault for a request refused before its operation is known."""
        return fault_envelope(self.contract, None, invalid_request(details), self._now())

    def unsupported_verb(self) -> bytes:
        return self.refusal("UnsupportedHttpVerb")


class _DoctypeFound(Exception):
    pass


class _DoctypeSpotter:
    """A parser target that stops at a DOCTYPE, before its internal subset is read."""

    def doctype(self, *_: object) -> None:
        raise _DoctypeFound()

    def start(self, *_: object) -> None: ...

    def end(self, *_: object) -> None: ...

    def data(self, *_: object) -> None: ...

    def comment(self, *_: object) -> None: ...

    def close(self) -> None: ...


def _has_doctype(body: bytes) -> bool:
    spotter = etree.XMLParser(target=_DoctypeSpotter(), resolve_entities=False, no_network=True)
    try:
        etree.fromstring(body, spotter)
    except _DoctypeFound:
        return True
    except etree.XMLSyntaxError:
        return False
    return False


def _unknown_request(details: str) -> SoapFault:
    return SoapFault(ErrorCode.UNKNOWN_REQUEST, ErrorCode.UNKNOWN_REQUEST.wording, details)


def _schema_problem(schema: etree.XMLSchema) -> str:
    entry = schema.error_log.last_error  # type: ignore[attr-defined]
    return entry.message if entry is not None else "The request does not match the contract"


def _envelope(contract: Contract, payload: etree._Element) -> bytes:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={envelope_prefix(contract): SOAP_ENV})
    etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body").append(payload)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def soap_router(services: Services, handlers: Mapping[str, Handlers]) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    for name in SERVICES:
        _add_service(router, SoapService(services, contract(name), handlers[name]))
    return router


def _add_service(router: APIRouter, service: SoapService) -> None:
    """The contract at GET /<Service>.svc?wsdl; the calls (POST) are answered by `SoapCalls` before routing."""
    path = f"/{service.contract.service}.svc"

    def get(request: Request) -> Response:
        keys = {key.lower() for key in request.query_params}
        if keys & {"wsdl", "singlewsdl"}:
            address = str(request.url.replace(query="", fragment=""))
            return Response(service.wsdl(address), media_type=XML_TYPE)
        return Response(service.unsupported_verb(), status_code=405, media_type=XML_TYPE)

    router.add_api_route(path, get, methods=["GET"])
