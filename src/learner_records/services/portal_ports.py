"""The ports of the learner portal: invitation codes and share links, each stored by the hash of its secret, and
the recovery of a learner's account by the register's administrators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from ..domain.sharing import Invitation, ShareLink

if TYPE_CHECKING:  # ports imports this module
    from .ports import AccessRecord


@dataclass(frozen=True, slots=True)
class Detachment:
    """A learner account an administrator took off a ULN (and suspended), and why."""

    user_id: int
    email: str
    uln: str
    reason: str
    detached_by: str
    detached_at: datetime


class InvitationRepository(Protocol):
    def add(self, code_hash: str, invitation: Invitation) -> Invitation: ...

    def by_code(self, code_hash: str) -> Invitation | None: ...

    def get(self, invitation_id: int) -> Invitation | None: ...

    def not_used(self, ulns: list[str]) -> list[Invitation]:
        """The learners' invitations neither used nor revoked (some may have expired or be void), newest first."""
        ...

    def mark_used(self, invitation_id: int, now: datetime) -> bool:
        """Use the invitation up; False when it was used or revoked already (by someone at the same moment)."""
        ...

    def record_failure(self, invitation_id: int) -> int:
        """Count one wrong answer against the invitation; its failed attempts now."""
        ...

    def revoke(self, invitation_id: int, now: datetime, by: str) -> bool:
        """False when it was used or revoked already."""
        ...

    def knows(self, organisation_id: int, ukprn: str, ulns: list[str]) -> bool:
        """Whether the organisation registered one of these learners, or one of their learning events names it
        as provider (by UKPRN) or was sent by it."""
        ...

    def detach_account(self, detachment: Detachment) -> None:
        """Take the learner account off its ULN and suspend it, recording why."""
        ...

    def detachments(self, ulns: list[str]) -> list[Detachment]:
        """The accounts detached from these learners, newest first."""
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
