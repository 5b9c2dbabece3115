"""The register's administration pages (Permission.ADMINISTER), and the public pages of applying to the register
and setting a first password, which are where an organisation's administration starts."""

from __future__ import annotations

from fastapi import APIRouter

from ....domain.users import Permission
from .. import apply
from ..navigation import add_section
from . import applications, duplicates, learner_accounts, oversight, people

__all__ = ["router"]

router = APIRouter()
for module in (apply, applications, people, duplicates, oversight, learner_accounts):
    router.include_router(module.router)
add_section("/admin", "Administration", Permission.ADMINISTER)
