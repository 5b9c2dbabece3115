"""The organisation portal, for learner registration bodies: learners (find, register, update, verify, their
learning record and challenges), batch files, the organisation's users and its API keys."""

from __future__ import annotations

from fastapi import APIRouter

from . import batches, keys, learners, records, users

router = APIRouter()
for part in (learners, records, batches, users, keys):
    router.include_router(part.router)
