"""The organisation portal, for learner registration bodies: learners (find, register, update, verify, their
learning record and challenges), batch files, and the organisation's users."""

from __future__ import annotations

from fastapi import APIRouter

from . import batches, learners, records, users

router = APIRouter()
for part in (learners, records, batches, users):
    router.include_router(part.router)
