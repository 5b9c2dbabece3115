"""The ports of the learner portal: invitation codes and share links, each stored by the hash of its secret."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from ..domain.sharing import Invitation, ShareLink

if TYPE_CHECKING:  # ports imports this module
    from .ports import AccessRecord


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


class LearnerHistory(Protocol):
    def by_others(
        self, ulns: list[str], learner_user_name: str, offset: int, limit: int
    ) -> tuple[list[AccessRecord], int]:
        """One page of who read or changed these learners, newest first, leaving out what the learner did
        themselves (signed in as `learner_user_name`, with no organisation); and the total."""
        ...
