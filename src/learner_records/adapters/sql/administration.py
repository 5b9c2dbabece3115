"""The register's administration: applications, one-time password links, the access log search (plain SQL, see
raw.py).

The access log search is one statement whatever the filters: each filter given narrows it, and the indexes on
(uln, at), (organisation_id, at), (user_name, at) and (at) serve a search by ULN, organisation, user or date range
newest first, so a page costs its own rows, not the log's size.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...domain.access import OrganisationKind
from ...domain.applications import Application, ApplicationStatus
from ...services.admin_ports import AccessLogFilter, AccessLogLine, PasswordLink
from ...services.ports import DataChallenge
from .raw import RawSql, as_datetime

_APPLICATION = (
    "SELECT id, kind, ukprn, name, address, web_domain, signatory_name, signatory_role, agreed_at, super_user_name,"
    " super_user_email, status, submitted_at, reason, decided_at, decided_by, organisation_id"
    " FROM organisation_application"
)
_CHALLENGE = (
    "SELECT id, event_id, uln, raised_by, raised_by_user, reason, status, raised_at, resolution, resolved_at,"
    " resolved_by_user FROM data_challenge"
)


def _maybe(value: Any) -> datetime | None:
    return None if value is None else as_datetime(value)


def _application(row: tuple[Any, ...]) -> Application:
    (application_id, kind, ukprn, name, address, domain, signatory, signatory_role, agreed, super_user, email,
     status, submitted, reason, decided, decided_by, organisation_id) = row  # fmt: skip
    return Application(application_id, OrganisationKind(kind), ukprn, name, address, domain, signatory, signatory_role,
                       as_datetime(agreed), super_user, email, ApplicationStatus(status), as_datetime(submitted),
                       reason, _maybe(decided), decided_by, organisation_id)  # fmt: skip


class SqlApplicationRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def add(self, application: Application) -> int:
        a, ts = application, self._raw.timestamp
        row = self._raw.first(
            "INSERT INTO organisation_application (kind, ukprn, name, address, web_domain, signatory_name,"
            " signatory_role, agreed_at, super_user_name, super_user_email, status, submitted_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (a.kind.value, a.ukprn, a.name, a.address, a.web_domain, a.signatory_name, a.signatory_role,
             ts(a.agreed_at), a.super_user_name, a.super_user_email, a.status.value, ts(a.submitted_at)),
        )  # fmt: skip
        assert row is not None
        return int(row[0])

    def get(self, application_id: int) -> Application | None:
        row = self._raw.first(f"{_APPLICATION} WHERE id = ?", (application_id,))
        return _application(row) if row else None

    def awaiting(self, ukprn: str) -> Application | None:
        row = self._raw.first(f"{_APPLICATION} WHERE ukprn = ? AND status = 'submitted'", (ukprn,))
        return _application(row) if row else None

    def list(self, status: ApplicationStatus | None, limit: int) -> list[Application]:
        if status is None:
            return [_application(r) for r in self._raw.rows(f"{_APPLICATION} ORDER BY id DESC LIMIT ?", (limit,))]
        order = "id" if status is ApplicationStatus.SUBMITTED else "id DESC"
        rows = self._raw.rows(f"{_APPLICATION} WHERE status = ? ORDER BY {order} LIMIT ?", (status.value, limit))
        return [_application(row) for row in rows]

    def decide(self, application: Application) -> bool:
        changed = self._raw.execute(
            "UPDATE organisation_application SET status = ?, reason = ?, decided_at = ?, decided_by = ?,"
            " organisation_id = ? WHERE id = ? AND status = 'submitted'",
            (application.status.value, application.reason, self._raw.timestamp(application.decided_at),
             application.decided_by, application.organisation_id, application.id),
        )  # fmt: skip
        return changed == 1


class SqlPasswordLinkRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def add(self, token_hash: str, user_id: int, created_at: datetime, expires_at: datetime) -> int:
        row = self._raw.first(
            "INSERT INTO password_link (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?) RETURNING id",
            (token_hash, user_id, self._raw.timestamp(created_at), self._raw.timestamp(expires_at)),
        )
        assert row is not None
        return int(row[0])

    def by_token(self, token_hash: str) -> PasswordLink | None:
        row = self._raw.first(
            "SELECT id, user_id, created_at, expires_at, used_at FROM password_link WHERE token_hash = ?", (token_hash,)
        )
        if row is None:
            return None
        link_id, user_id, created, expires, used = row
        return PasswordLink(link_id, user_id, as_datetime(created), as_datetime(expires), _maybe(used))

    def mark_used(self, link_id: int, now: datetime) -> bool:
        changed = self._raw.execute(
            "UPDATE password_link SET used_at = ? WHERE id = ? AND used_at IS NULL", (self._raw.timestamp(now), link_id)
        )
        return changed == 1


class SqlAuditSearch:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def access_log(self, filters: AccessLogFilter, offset: int, limit: int) -> list[AccessLogLine]:
        where: list[str] = []
        params: list[Any] = []
        for column, value in (("a.uln", filters.uln), ("a.organisation_id", filters.organisation_id),
                              ("a.user_name", filters.user_name), ("a.action", filters.action)):  # fmt: skip
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if filters.start is not None:
            where.append("a.at >= ?")
            params.append(self._raw.timestamp(filters.start))
        if filters.end is not None:
            where.append("a.at < ?")
            params.append(self._raw.timestamp(filters.end))
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self._raw.rows(
            "SELECT a.id, a.at, a.organisation_id, o.name, a.user_name, a.action, a.uln, a.credential, a.detail"
            " FROM access_log a"
            f" LEFT JOIN organisation o ON o.id = a.organisation_id{clause}"
            " ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [AccessLogLine(entry_id, as_datetime(at), org_id, org_name, user, action, uln, credential, detail)
                for entry_id, at, org_id, org_name, user, action, uln, credential, detail in rows]  # fmt: skip

    def challenges(self, status: str | None, limit: int) -> list[DataChallenge]:
        if status is None:
            rows = self._raw.rows(f"{_CHALLENGE} ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self._raw.rows(f"{_CHALLENGE} WHERE status = ? ORDER BY id DESC LIMIT ?", (status, limit))
        return [DataChallenge(cid, event, uln, raised_by, raised_user, reason, state, as_datetime(raised), resolution,
                              _maybe(resolved), resolved_user)
                for cid, event, uln, raised_by, raised_user, reason, state, raised, resolution, resolved,
                resolved_user in rows]  # fmt: skip
