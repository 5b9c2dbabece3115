"""Times in REST answers. The register stores naive UTC (bootstrap.SystemClock); an answer says so, as RFC 3339
and OpenAPI's `date-time` require: "2026-12-03T12:02:18Z", never a time without its zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def _in_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_in_utc)]
