"""Whole numbers that reach the database from a request (ids, versions, page numbers), bounded where they come in.

An id column is a 64-bit integer on both databases: SQLite cannot even bind 2**63, and PostgreSQL refuses it in a
bigint, so a number past the range would fail deep in a query. Bounded here, it is a clear answer instead: 422
naming the field on the REST API, "page not found" on the portals (api/errors.py), `None` from a form field.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

MAX_ID = 2**63 - 1  # the largest value of a 64-bit id column
MAX_PAGE = 1_000_000  # so that (page - 1) * page size stays an offset the database takes
_DIGITS = re.compile(r"[0-9]{1,19}")

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="An id, 1 to 2^63-1")]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="An id, 1 to 2^63-1")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="Rows to skip")]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=0, le=MAX_ID)]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]


def form_id(value: str | None) -> int | None:
    """A form field's id, or None when it is empty or no id could be (letters, other digits, out of range)."""
    text = (value or "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
