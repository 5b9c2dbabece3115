"""What the SOAP endpoints refuse before a call is made: DOCTYPEs (entity expansion, external entities), anything
but SOAP 1.1's text/xml, a SOAPAction that does not name the body's operation, and bodies too large or too slow."""

from __future__ import annotations

import dataclasses
import socket
import time
from collections.abc import Iterator

import pytest
from lxml import etree

from learner_records.bootstrap import Services
from learner_records.entrypoints.soap.transport import MAX_REQUEST_BYTES

from ..live_server import live_server
from .soap_clients import Soap
from .test_soap_learner_service import MIAP

VERIFY_ACTION = '"http://tempuri.org/LearnerPortType/verifyLearner"'
XML = "text/xml; charset=utf-8"
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<VerifyLearner xmlns="http://api.lrs.miap.gov.uk/reportmsg"><UserName>&lol9;</UserName></VerifyLearner>
</s:Body></s:Envelope>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE v [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<VerifyLearner xmlns="http://api.lrs.miap.gov.uk/reportmsg"><UserName>&secret;</UserName></VerifyLearner>
</s:Body></s:Envelope>"""


def verify_envelope(soap: Soap) -> bytes:
    """A well-formed verifyLearner request built by zeep from the contract."""
    envelope = soap.client("LearnerService").create_message(
        soap.service("LearnerService"), "verifyLearner", **soap.miap("school"),
        LearnerToVerify={"ULN": "1026893096", "GivenName": "Siobhán", "FamilyName": "Ó Briain",
                         "DateOfBirth": None, "Gender": None},
    )  # fmt: skip
    return bytes(etree.tostring(envelope))


def miap_error(content: bytes) -> tuple[str, str]:
    exception = etree.fromstring(content).find(f".//{MIAP}MIAPAPIException")
    assert exception is not None, content
    return exception.findtext(f"{MIAP}ErrorCode") or "", exception.findtext(f"{MIAP}FurtherDetails") or ""


def post(soap: Soap, body: bytes, **headers: str) -> tuple[int, tuple[str, str]]:
    sent = {"Content-Type": XML, "SOAPAction": VERIFY_ACTION}
    sent.update({name.replace("_", "-"): value for name, value in headers.items()})
    response = soap.session.post(f"{soap.url}/LearnerService.svc", data=body, headers=sent, timeout=30)
    return response.status_code, miap_error(response.content)


def test_a_well_formed_request_with_its_soap_action_is_answered(soap: Soap) -> None:
    response = soap.session.post(f"{soap.url}/LearnerService.svc", data=verify_envelope(soap),
                                 headers={"Content-Type": XML, "SOAPAction": VERIFY_ACTION})  # fmt: skip
    assert response.status_code == 200
    assert b"ResponseCode" in response.content


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_a_doctype_is_refused_with_wsec0001_before_anything_is_expanded(soap: Soap, payload: bytes) -> None:
    started = time.monotonic()
    status, (code, details) = post(soap, payload)
    assert (status, code) == (500, "WSEC0001")
    assert details == "The request has a DOCTYPE: document type declarations are refused"
    assert time.monotonic() - started < 5  # nothing was expanded


def test_an_external_entity_never_reaches_the_answer(soap: Soap) -> None:
    response = soap.session.post(f"{soap.url}/LearnerService.svc", data=EXTERNAL_ENTITY,
                                 headers={"Content-Type": XML, "SOAPAction": VERIFY_ACTION})  # fmt: skip
    assert b"root:" not in response.content


@pytest.mark.parametrize(
    ("content_type", "said"),
    [
        ("application/soap+xml; charset=utf-8", "SOAP 1.2 (application/soap+xml)"),
        ("application/json", "Content-Type is application/json"),
        ("", "no Content-Type"),
    ],
)
def test_anything_but_soap_11_text_xml_is_a_415_fault(soap: Soap, content_type: str, said: str) -> None:
    status, (code, details) = post(soap, verify_envelope(soap), Content_Type=content_type)
    assert (status, code) == (415, "WSEC0001")
    assert said in details and "text/xml" in details


def test_a_soap_action_naming_another_learner_service_operation_is_an_unknown_request(soap: Soap) -> None:
    status, (code, details) = post(soap, verify_envelope(soap), SOAPAction='""')  # registerSingleLearner's and others'
    assert (status, code) == (500, "WSEC0002")
    assert details == ('SOAPAction "" does not name the operation in the body'
                       ' ("http://tempuri.org/LearnerPortType/verifyLearner" for verifyLearner)')  # fmt: skip


def test_a_request_without_a_soap_action_header_is_an_unknown_request(soap: Soap) -> None:
    response = soap.session.post(f"{soap.url}/LearnerService.svc", data=verify_envelope(soap),
                                 headers={"Content-Type": XML})  # fmt: skip
    code, details = miap_error(response.content)
    assert (response.status_code, code) == (500, "WSEC0002")
    assert details.startswith("The request has no SOAPAction header")


def test_a_declared_length_over_the_limit_is_refused_unread(soap: Soap) -> None:
    host, port = soap.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request_head(MAX_REQUEST_BYTES + 1))
        answer = read_answer(connection)
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"The request is too large" in answer


@pytest.fixture
def impatient(services: Services) -> Iterator[str]:
    """A live server that waits one second for a SOAP body."""
    settings = dataclasses.replace(services.settings, soap_body_seconds=1.0)
    with live_server(dataclasses.replace(services, settings=settings), run_worker=False) as url:
        yield url


def request_head(length: int) -> bytes:
    return (f"POST /LearnerService.svc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {XML}\r\n"
            f"SOAPAction: {VERIFY_ACTION}\r\nContent-Length: {length}\r\n\r\n").encode()  # fmt: skip


def read_answer(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    answer = b""
    while chunk := connection.recv(65536):
        answer += chunk
    return answer


def test_a_body_that_stops_coming_is_cut_off_with_a_408_fault(impatient: str) -> None:
    host, port = impatient.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        started = time.monotonic()
        connection.sendall(request_head(1000) + b"<s:Envelope")  # and then nothing more
        answer = read_answer(connection)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408")
    assert b"did not arrive within 1 seconds" in answer
    assert 0.9 < waited < 5


def test_a_body_that_trickles_in_is_cut_off_at_the_deadline(impatient: str) -> None:
    host, port = impatient.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        started = time.monotonic()
        connection.sendall(request_head(1000))
        connection.setblocking(False)
        answer = b""
        while not answer and time.monotonic() - started < 8:  # a byte every 0.1 s would take 100 s
            try:
                connection.sendall(b" ")
                answer = connection.recv(65536)
            except BlockingIOError:
                time.sleep(0.1)
            except (ConnectionResetError, BrokenPipeError):
                break
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert waited < 5
