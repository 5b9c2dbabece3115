"""The learner portal's invitation codes and share links (plain SQL, see raw.py). Only hashes of secrets are kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from ...domain.sharing import Invitation, ShareLink
from ...services.ports import AccessRecord
from .raw import RawSql, as_datetime

_INVITATION = "SELECT id, uln, organisation_id, created_by, created_at, expires_at, used_at FROM learner_invitation"
_LINK = "SELECT id, uln, label, created_at, expires_at, withdrawn_at FROM share_link"


def _maybe(value: Any) -> datetime | None:
    return None if value is None else as_datetime(value)


def _invitation(row: tuple[Any, ...]) -> Invitation:
    invitation_id, uln, organisation_id, created_by, created, expires, used = row
    return Invitation(invitation_id, uln, organisation_id, created_by, as_datetime(created), as_datetime(expires),
                      _maybe(used))  # fmt: skip


def _link(row: tuple[Any, ...]) -> ShareLink:
    link_id, uln, label, created, expires, withdrawn = row
    return ShareLink(link_id, uln, label, as_datetime(created), as_datetime(expires), _maybe(withdrawn))


class SqlInvitationRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def add(self, code_hash: str, invitation: Invitation) -> Invitation:
        row = self._raw.first(
            "INSERT INTO learner_invitation (code_hash, uln, organisation_id, created_by, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (code_hash, invitation.uln, invitation.organisation_id, invitation.created_by,
             self._raw.timestamp(invitation.created_at), self._raw.timestamp(invitation.expires_at)),
        )  # fmt: skip
        assert row is not None  # RETURNING of an INSERT always answers
        return replace(invitation, id=int(row[0]))

    def by_code(self, code_hash: str) -> Invitation | None:
        row = self._raw.first(f"{_INVITATION} WHERE code_hash = ?", (code_hash,))
        return _invitation(row) if row else None

    def mark_used(self, invitation_id: int, now: datetime) -> bool:
        changed = self._raw.execute(
            "UPDATE learner_invitation SET used_at = ? WHERE id = ? AND used_at IS NULL",
            (self._raw.timestamp(now), invitation_id),
        )
        return changed == 1


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
            "SELECT a.at, a.action, o.name, a.user_name FROM access_log a LEFT JOIN organisation o"
            f" ON o.id = a.organisation_id WHERE {where} ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?",
            (*wanted, limit, offset),
        )
        records = [AccessRecord(as_datetime(at), action, org, user) for at, action, org, user in rows]
        return records, int(total[0] if total else 0)
