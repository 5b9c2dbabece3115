"""The ports of the learner portal: invitation codes and share links, each stored by the hash of its secret."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ..domain.sharing import Invitation, ShareLink


class InvitationRepository(Protocol):
    def add(self, code_hash: str, invitation: Invitation) -> Invitation: ...

    def by_code(self, code_hash: str) -> Invitation | None: ...

    def mark_used(self, invitation_id: int, now: datetime) -> bool:
        """Use the invitation up; False when it was used already (by someone redeeming it at the same moment)."""
        ...


class ShareLinkRepository(Protocol):
    def add(self, token_hash: str, link: ShareLink) -> ShareLink: ...

    def by_token(self, token_hash: str) -> ShareLink | None: ...

    def get(self, link_id: int) -> ShareLink | None: ...

    def for_ulns(self, ulns: list[str]) -> list[ShareLink]:
        """A learner's links, newest first."""
        ...

    def withdraw(self, link_id: int, now: datetime) -> bool:
        """False when the link was withdrawn already."""
        ...
