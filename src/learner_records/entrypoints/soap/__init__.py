"""The LRS-compatible SOAP endpoints, built from the contract WSDLs in `contract/`."""

from __future__ import annotations

from fastapi import APIRouter

from ...bootstrap import Services
from .endpoint import soap_router
from .external_service import EXTERNAL_SERVICE
from .learner_service import LEARNER_SERVICE
from .r9_service import R9_SERVICE
from .transport import SoapCalls

HANDLERS = {"LearnerService": LEARNER_SERVICE, "LearnerServiceR9": R9_SERVICE, "ExternalService": EXTERNAL_SERVICE}
__all__ = ["HANDLERS", "SoapCalls", "router"]


def router(services: Services) -> APIRouter:
    return soap_router(services, HANDLERS)
