"""zeep clients built from the contract WSDLs, with only the address changed, for a live server."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import zeep
from lxml import etree
from zeep.plugins import HistoryPlugin, Plugin
from zeep.transports import Transport

from learner_records.entrypoints.soap.contract import contract
from learner_records.lrs_contract import CONTRACT_DIR

SOAP_ENV = "{http://schemas.xmlsoap.org/soap/envelope/}"

BINDINGS = {
    "LearnerService": "{http://tempuri.org/}BasicHttpBinding_LearnerPortType",
    "LearnerServiceR9": "{http://tempuri.org/}BasicHttpBinding_ILearnerServiceR9",
    "ExternalService": "{http://api.lrs.qcf.gov.uk/services}BasicHttpBinding_IExternalService",
}
SHARED_CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "lrs-contract"


def contract_path(service: str) -> Path:
    """The shared contract where the checkout has it beside, else the package's copy (a test keeps them equal)."""
    shared = SHARED_CONTRACT / f"{service}.wsdl"
    return shared if shared.exists() else CONTRACT_DIR / f"{service}.wsdl"


class ContractCheck(Plugin):  # type: ignore[misc]
    """Holds every answer to the contract: the response element, or a fault's detail, must validate against the
    WSDL's schema (element names, namespaces, order, occurrences, types), else the test fails."""

    def __init__(self, service: str) -> None:
        self.schema = contract(service).schema

    def ingress(self, envelope: Any, http_headers: Any, operation: Any) -> tuple[Any, Any]:
        self.check(envelope)
        return envelope, http_headers

    def check(self, envelope: Any) -> None:
        body = envelope.find(f"{SOAP_ENV}Body")
        payload = body[0]
        if payload.tag == f"{SOAP_ENV}Fault":
            payload = payload.find("detail")[0]
        if not self.schema.validate(payload):
            problem = self.schema.error_log
            raise AssertionError(f"the answer breaks the contract: {problem}\n{etree.tostring(payload)!r}")


def holds_contract(service: str, content: bytes) -> bytes:
    """`content`, a raw answer of `service`, after checking it as `ContractCheck` checks zeep's answers."""
    ContractCheck(service).check(etree.fromstring(content))
    return content


@dataclass
class Soap:
    url: str
    passwords: dict[str, str]  # organisation name -> OrgPassword
    ukprns: dict[str, str]
    session: requests.Session = field(default_factory=requests.Session)
    history: HistoryPlugin = field(default_factory=lambda: HistoryPlugin(maxlen=1))
    _clients: dict[str, zeep.Client] = field(default_factory=dict)

    def client(self, service: str) -> zeep.Client:
        if service not in self._clients:
            transport = Transport(session=self.session, timeout=30, operation_timeout=30)
            self._clients[service] = zeep.Client(
                str(contract_path(service)), transport=transport, plugins=[ContractCheck(service), self.history]
            )
        return self._clients[service]

    def service(self, name: str) -> Any:
        return self.client(name).create_service(BINDINGS[name], f"{self.url}/{name}.svc")

    def last_answer(self) -> etree._Element:
        """The body element of the last answer received, as it came over the wire."""
        envelope = self.history.last_received["envelope"]
        return envelope.find(f"{SOAP_ENV}Body")[0]

    def miap(self, who: str, user: str | None = None) -> dict[str, Any]:
        """The LearnerService credential elements for organisation `who`."""
        return {"OrganisationRef": None, "UKPRN": self.ukprns[who], "OrgPassword": self.passwords[who],
                "UserName": user or f"{who}-user"}  # fmt: skip

    def invoking(self, who: str) -> dict[str, Any]:
        """LearnerServiceR9's invokingOrganisation."""
        return {"Password": self.passwords[who], "Reference": None, "Ukprn": self.ukprns[who],
                "Username": f"{who}-user"}  # fmt: skip
