"""The learner portal's invitation codes and share links (plain SQL, see raw.py). Only hashes of secrets are kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from ...domain.sharing import Invitation, ShareLink
from ...services.portal_ports import Detachment
from ...services.ports import AccessRecord
from .raw import RawSql, as_datetime

_INVITATION = ("SELECT id, uln, organisation_id, created_by, created_at, expires_at, used_at, failed_attempts,"
               " revoked_at, revoked_by, proof FROM learner_invitation")  # fmt: skip
_ULNS = "IN (SELECT value FROM json_each(?))"
# The access log's actions of an organisation that gave a learner their ULN (one by one, or in a batch file).
_REGISTERED = ("register", "batch_register")
_LINK = "SELECT id, uln, label, created_at, expires_at, withdrawn_at FROM share_link"


def _maybe(value: Any) -> datetime | None:
    return None if value is None else as_datetime(value)


def _invitation(row: tuple[Any, ...]) -> Invitation:
    invitation_id, uln, organisation_id, created_by, created, expires, used, failed, revoked, revoked_by, proof = row
    return Invitation(invitation_id, uln, organisation_id, created_by, as_datetime(created), as_datetime(expires),
                      _maybe(used), int(failed), _maybe(revoked), revoked_by, proof)  # fmt: skip


def _link(row: tuple[Any, ...]) -> ShareLink:
    link_id, uln, label, created, expires, withdrawn = row
    return ShareLink(link_id, uln, label, as_datetime(created), as_datetime(expires), _maybe(withdrawn))


class SqlInvitationRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def add(self, code_hash: str, invitation: Invitation) -> Invitation:
        row = self._raw.first(
            "INSERT INTO learner_invitation (code_hash, uln, organisation_id, created_by, created_at, expires_at,"
            " failed_attempts, proof) VALUES (?, ?, ?, ?, ?, ?, 0, ?) RETURNING id",
            (code_hash, invitation.uln, invitation.organisation_id, invitation.created_by,
             self._raw.timestamp(invitation.created_at), self._raw.timestamp(invitation.expires_at),
             invitation.proof),
        )  # fmt: skip
        assert row is not None  # RETURNING of an INSERT always answers
        return replace(invitation, id=int(row[0]))

    def by_code(self, code_hash: str) -> Invitation | None:
        row = self._raw.first(f"{_INVITATION} WHERE code_hash = ?", (code_hash,))
        return _invitation(row) if row else None

    def get(self, invitation_id: int) -> Invitation | None:
        row = self._raw.first(f"{_INVITATION} WHERE id = ?", (invitation_id,))
        return _invitation(row) if row else None

    def not_used(self, ulns: list[str]) -> list[Invitation]:
        rows = self._raw.rows(
            f"{_INVITATION} WHERE uln {_ULNS} AND used_at IS NULL AND revoked_at IS NULL"
            " ORDER BY created_at DESC, id DESC",
            (self._raw.array(ulns),),
        )
        return [_invitation(row) for row in rows]

    def mark_used(self, invitation_id: int, now: datetime) -> bool:
        changed = self._raw.execute(
            "UPDATE learner_invitation SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
            (self._raw.timestamp(now), invitation_id),
        )
        return changed == 1

    def record_failure(self, invitation_id: int) -> int:
        row = self._raw.first(
            "UPDATE learner_invitation SET failed_attempts = failed_attempts + 1 WHERE id = ?"
            " RETURNING failed_attempts",
            (invitation_id,),
        )
        assert row is not None  # the invitation was read in this transaction
        return int(row[0])

    def revoke(self, invitation_id: int, now: datetime, by: str) -> bool:
        changed = self._raw.execute(
            "UPDATE learner_invitation SET revoked_at = ?, revoked_by = ? WHERE id = ? AND used_at IS NULL"
            " AND revoked_at IS NULL",
            (self._raw.timestamp(now), by, invitation_id),
        )
        return changed == 1

    def knows(self, organisation_id: int, ukprn: str, ulns: list[str]) -> bool:
        wanted = self._raw.array(ulns)
        registered = self._raw.first(
            f"SELECT 1 FROM access_log WHERE uln {_ULNS} AND organisation_id = ? AND action IN (?, ?) LIMIT 1",
            (wanted, organisation_id, *_REGISTERED),
        )
        if registered:
            return True
        taught = self._raw.first(
            f"SELECT 1 FROM learning_event WHERE uln {_ULNS} AND withdrawn = ?"
            " AND (submitted_by = ? OR provider_ukprn = ?) LIMIT 1",
            (wanted, False, organisation_id, ukprn),
        )
        return taught is not None

    def detach_account(self, detachment: Detachment) -> None:
        self._raw.execute("UPDATE app_user SET uln = NULL, active = 0 WHERE id = ?", (detachment.user_id,))
        self._raw.execute(
            "INSERT INTO learner_account_detachment (user_id, email, uln, reason, detached_by, detached_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (detachment.user_id, detachment.email, detachment.uln, detachment.reason, detachment.detached_by,
             self._raw.timestamp(detachment.detached_at)),
        )  # fmt: skip

    def detachments(self, ulns: list[str]) -> list[Detachment]:
        rows = self._raw.rows(
            "SELECT user_id, email, uln, reason, detached_by, detached_at FROM learner_account_detachment"
            f" WHERE uln {_ULNS} ORDER BY detached_at DESC, id DESC",
            (self._raw.array(ulns),),
        )
        return [Detachment(user, email, uln, reason, by, as_datetime(at)) for user, email, uln, reason, by, at in rows]


class SqlShareLinkRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def add(self, token_hash: str, link: ShareLink) -> ShareLink:
        row = self._raw.first(
            "INSERT INTO share_link (token_hash, uln, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?)"
            " RETURNING id",
            (token_hash, link.uln, link.label, self._raw.timestamp(link.created_at),
             self._raw.timestamp(link.expires_at)),
        )  # fmt: skip
        assert row is not None
        return replace(link, id=int(row[0]))

    def by_token(self, token_hash: str) -> ShareLink | None:
        row = self._raw.first(f"{_LINK} WHERE token_hash = ?", (token_hash,))
        return _link(row) if row else None

    def get(self, link_id: int) -> ShareLink | None:
        row = self._raw.first(f"{_LINK} WHERE id = ?", (link_id,))
        return _link(row) if row else None

    def for_ulns(self, ulns: list[str]) -> list[ShareLink]:
        rows = self._raw.rows(
            f"{_LINK} WHERE uln IN (SELECT value FROM json_each(?)) ORDER BY created_at DESC, id DESC",
            (self._raw.array(ulns),),
        )
        return [_link(row) for row in rows]

    def withdraw(self, link_id: int, now: datetime) -> bool:
        changed = self._raw.execute(
            "UPDATE share_link SET withdrawn_at = ? WHERE id = ? AND withdrawn_at IS NULL",
            (self._raw.timestamp(now), link_id),
        )
        return changed == 1


class SqlLearnerHistory:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def by_others(
        self, ulns: list[str], learner_user_name: str, offset: int, limit: int
    ) -> tuple[list[AccessRecord], int]:
        where = ("a.uln IN (SELECT value FROM json_each(?))"
                 " AND NOT (a.organisation_id IS NULL AND a.user_name = ?)")  # fmt: skip
        wanted = (self._raw.array(ulns), learner_user_name)
        total = self._raw.first(f"SELECT count(*) FROM access_log a WHERE {where}", wanted)
        rows = self._raw.rows(
            "SELECT a.at, a.action, o.name, a.user_name, a.credential FROM access_log a LEFT JOIN organisation o"
            f" ON o.id = a.organisation_id WHERE {where} ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?",
            (*wanted, limit, offset),
        )
        records = [AccessRecord(as_datetime(at), action, org, user, credential)
                   for at, action, org, user, credential in rows]  # fmt: skip
        return records, int(total[0] if total else 0)
