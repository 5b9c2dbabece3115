"""The UK LRS contract: the three WSDLs (LearnerService, LearnerServiceR9, ExternalService), unchanged copies of
shared/lrs-contract. The SOAP endpoints are built from them and the SOAP gateway's zeep clients read them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

CONTRACT_DIR = Path(__file__).parent
SERVICES = ("LearnerService", "LearnerServiceR9", "ExternalService")


def protocol_text(value: Any) -> str | None:
    """A value as the xs:string the contract carries it in: dates as yyyy-mm-dd, codes as their digits."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(int(value))
    return str(value)
