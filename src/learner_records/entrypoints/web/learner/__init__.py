"""The learner portal (a learner's own PLR, its PDF, challenges, share links and who looked), the public share-link
page, redeeming an invitation, and the organisation's page that issues one."""

from __future__ import annotations

from fastapi import APIRouter

from ....domain.users import Permission
from ..navigation import add_section
from . import invitations, record, sharing

router = APIRouter()
router.include_router(invitations.router)
router.include_router(record.router)
router.include_router(sharing.router)

add_section("/learner", "Your learning record", Permission.OWN_RECORD)
add_section("/learner/share-links", "Share links", Permission.OWN_RECORD)
add_section("/learner/who-looked", "Who looked", Permission.OWN_RECORD)
