"""How the web services are reached: mutual TLS with a client certificate (a throwaway CA made here), and the
operating-hours window (WSEC0004 outside it)."""

from __future__ import annotations

import dataclasses
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import uvicorn
from zeep.exceptions import Fault

from learner_records.bootstrap import Services
from learner_records.config import Settings
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.errors import InvalidField
from learner_records.entrypoints.api.app import create_app
from learner_records.entrypoints.tls import uvicorn_tls_options

from .conftest import free_port
from .soap_clients import Soap
from .test_soap_learner_service import miap_fault

pytestmark = pytest.mark.slow


@contextmanager
def serving(services: Services, **options: Any) -> Iterator[int]:
    port = free_port()
    config = uvicorn.Config(create_app(services), host="127.0.0.1", port=port, log_level="warning", **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


def openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA."""
    tmp_path = tmp_path_factory.mktemp("pki")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test LRS CA",
            "-keyout", str(tmp_path / "ca.key"), "-out", str(tmp_path / "ca.crt"))  # fmt: skip
    (tmp_path / "server.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    for name, subject in (("server", "/CN=127.0.0.1"), ("client", "/CN=10000001 Riverside College")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", str(tmp_path / f"{name}.key"),
                "-out", str(tmp_path / f"{name}.csr"))  # fmt: skip
        extra = ["-extfile", str(tmp_path / "server.ext")] if name == "server" else []
        openssl("x509", "-req", "-in", str(tmp_path / f"{name}.csr"), "-CA", str(tmp_path / "ca.crt"),
                "-CAkey", str(tmp_path / "ca.key"), "-CAcreateserial", "-days", "2",
                "-out", str(tmp_path / f"{name}.crt"), *extra)  # fmt: skip
    return tmp_path


def school_soap(services: Services, url: str, session: requests.Session) -> Soap:
    operator = Actor(OrganisationKind.REGISTER_ADMINISTRATOR, "test")
    school = services.organisations.create(operator, "10000001", "school organisation",
                                           OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    password = services.organisations.set_password(operator, school.id)
    return Soap(url, {"school": password}, {"school": school.ukprn}, session)


@contextmanager
def mutual_tls_school(services: Services, pki: Path) -> Iterator[Soap]:
    """A server that requires the client CA's certificates, and the school's SOAP caller presenting one."""
    settings = dataclasses.replace(services.settings, tls_certfile=str(pki / "server.crt"),
                                   tls_keyfile=str(pki / "server.key"), tls_client_ca=str(pki / "ca.crt"))  # fmt: skip
    with serving(services, **uvicorn_tls_options(settings)) as port, requests.Session() as session:
        session.trust_env = False  # else REQUESTS_CA_BUNDLE in the environment outranks the session's CA
        session.verify = str(pki / "ca.crt")
        session.cert = (str(pki / "client.crt"), str(pki / "client.key"))
        yield school_soap(services, f"https://127.0.0.1:{port}", session)


def retrieve(soap: Soap) -> Any:
    return soap.service("LearnerService").retrieveULNs(**soap.miap("school"), ULNsToRetrieve={"ULN": ["1026893096"]})


def test_with_a_client_ca_only_callers_with_its_certificate_get_in(services: Services, pki: Path) -> None:
    settings = dataclasses.replace(services.settings, tls_certfile=str(pki / "server.crt"),
                                   tls_keyfile=str(pki / "server.key"), tls_client_ca=str(pki / "ca.crt"))  # fmt: skip
    options = uvicorn_tls_options(settings)
    assert options["ssl_cert_reqs"] == ssl.CERT_REQUIRED
    with serving(services, **options) as port:
        url = f"https://127.0.0.1:{port}"
        trusted = requests.Session()
        trusted.trust_env = False  # else REQUESTS_CA_BUNDLE in the environment outranks the session's CA
        trusted.verify = str(pki / "ca.crt")
        trusted.cert = (str(pki / "client.crt"), str(pki / "client.key"))
        soap = school_soap(services, url, trusted)
        [answer] = retrieve(soap)
        assert answer.ResponseCode == "WSRC0001"
        stranger = requests.Session()
        stranger.trust_env = False
        stranger.verify = str(pki / "ca.crt")
        # TLS 1.3 refuses a missing client certificate after the handshake: the connection is dropped unanswered
        with pytest.raises(requests.exceptions.ConnectionError):
            stranger.get(f"{url}/LearnerService.svc?wsdl", timeout=10)
        trusted.close()
        stranger.close()


def test_a_client_ca_without_a_server_certificate_is_refused(services: Services, pki: Path) -> None:
    with pytest.raises(InvalidField) as raised:
        uvicorn_tls_options(dataclasses.replace(services.settings, tls_client_ca=str(pki / "ca.crt")))
    assert raised.value.field == "tls_client_ca"


def test_outside_the_operating_hours_a_call_is_a_wsec0004_fault(services: Services, clock: Any) -> None:
    clock.current = datetime(2026, 12, 1, 20, 30)  # UTC in December is UK time: 20:30
    hours = dataclasses.replace(services, settings=Settings(database_url=services.settings.database_url,
                                                             operating_hours="07:00-19:00"))  # fmt: skip
    with serving(hours) as port:
        session = requests.Session()
        soap = school_soap(services, f"http://127.0.0.1:{port}", session)
        with pytest.raises(Fault) as raised:
            retrieve(soap)
        fault = miap_fault(raised)
        assert fault["ErrorCode"] == "WSEC0004"
        assert "07:00 to 19:00" in fault["FurtherDetails"]
        clock.current = datetime(2026, 12, 2, 8, 0)
        assert retrieve(soap)[0].ResponseCode == "WSRC0001"
        session.close()
