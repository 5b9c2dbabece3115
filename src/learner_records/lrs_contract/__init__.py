"""The UK LRS contract: the three WSDLs (LearnerService, LearnerServiceR9, ExternalService), unchanged copies of
shared/lrs-contract. The SOAP endpoints are built from them and the SOAP gateway's zeep clients read them."""

from __future__ import annotations

from pathlib import Path

CONTRACT_DIR = Path(__file__).parent
SERVICES = ("LearnerService", "LearnerServiceR9", "ExternalService")
