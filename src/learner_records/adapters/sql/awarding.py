"""Repositories of the awarding side: centres, registrations, anomalies, the mail outbox and the action log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from ...domain import awarding as rules
from ...domain.codes import VerificationCode
from ...services.awarding_ports import Centre, IssuedCertificate, QueuedMail, Registration, StoredAnomaly
from .raw import RawSql, as_date, as_datetime

_REGISTRATION_COLUMNS = (
    "id",
    "centre_id",
    "qualification_reference",
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "postcode",
    "uln",
    "candidate_reference",
    "registered_on",
    "uln_state",
    "validated_on",
    "removed_uln",
    "removed_on",
    "removal_reason",
    "grade",
    "award_date",
    "certification_status",
    "certification_reason",
    "achievement_job_id",
)
_SELECT_REGISTRATIONS = f"SELECT {', '.join(_REGISTRATION_COLUMNS)} FROM registration"
_SELECT_ANOMALIES = (
    "SELECT id, registration_id, kind, code, details, raised_on, removal_date, reminders_sent, resolved_on,"
    " resolution FROM anomaly"
)


def _registration(row: tuple[Any, ...]) -> Registration:
    (
        id_,
        centre,
        reference,
        given,
        family,
        dob,
        gender,
        postcode,
        uln,
        candidate,
        registered,
        state,
        validated,
        removed_uln,
        removed_on,
        reason,
        grade,
        award_date,
        status,
        status_reason,
        job_id,
    ) = row
    details = rules.RegistrationDetails(given, family, as_date(dob), gender, postcode, uln, candidate)  # type: ignore[arg-type]
    return Registration(
        id_,
        centre,
        reference,
        details,
        as_date(registered),  # type: ignore[arg-type]
        rules.UlnState(state),
        as_date(validated),
        removed_uln,
        as_date(removed_on),
        reason,
        grade,
        as_date(award_date),
        status,
        status_reason,
        job_id,
    )


def anomaly_json(anomaly: rules.Anomaly) -> str:
    return json.dumps(
        {
            "problems": [
                {"field": p.field, "sent": p.sent, "register": p.register, "words": p.words} for p in anomaly.problems
            ],
            "fix": {"kind": anomaly.fix.kind.value, "words": anomaly.fix.words, "changes": list(anomaly.fix.changes)},
        },
        ensure_ascii=False,
    )


def _anomaly(row: tuple[Any, ...]) -> StoredAnomaly:
    id_, registration_id, kind, code, details, raised, removal, reminders, resolved, resolution = row
    data = json.loads(details)
    fix = data["fix"]
    anomaly = rules.Anomaly(
        kind=rules.AnomalyKind(kind),
        code=VerificationCode.of(code) if code else None,
        problems=tuple(rules.FieldProblem(**problem) for problem in data["problems"]),
        fix=rules.SuggestedFix(rules.FixKind(fix["kind"]), fix["words"], tuple((a, b) for a, b in fix["changes"])),
        raised_on=as_date(raised),  # type: ignore[arg-type]
        removal_date=as_date(removal),  # type: ignore[arg-type]
    )
    sent = frozenset(int(day) for day in reminders.split(",") if day)
    return StoredAnomaly(id_, registration_id, anomaly, sent, as_date(resolved), resolution)


class SqlCentreRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def add(self, centre: Centre) -> int:
        row = self._raw.first(
            "INSERT INTO centre (awarding_organisation_id, centre_number, name, ukprn, is_lrb, contact_email)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (
                centre.awarding_organisation_id,
                centre.centre_number,
                centre.name,
                centre.ukprn,
                centre.is_lrb,
                centre.contact_email,
            ),
        )
        assert row is not None
        return int(row[0])

    def _centres(self, where: str, value: object) -> list[Centre]:
        rows = self._raw.rows(
            "SELECT id, awarding_organisation_id, centre_number, name, ukprn, is_lrb, contact_email FROM centre"
            f" WHERE {where} = ? ORDER BY centre_number",
            (value,),
        )
        return [Centre(i, ao, number, name, ukprn, bool(lrb), email) for i, ao, number, name, ukprn, lrb, email in rows]

    def get(self, centre_id: int) -> Centre | None:
        found = self._centres("id", centre_id)
        return found[0] if found else None

    def for_organisation(self, organisation_id: int) -> list[Centre]:
        return self._centres("awarding_organisation_id", organisation_id)

    def offer(self, centre_id: int, references: Sequence[str]) -> None:
        self._raw.execute_many(
            "INSERT INTO centre_qualification (centre_id, reference) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(centre_id, reference) for reference in references],
        )

    def offered(self, centre_id: int) -> set[str]:
        rows = self._raw.rows("SELECT reference FROM centre_qualification WHERE centre_id = ?", (centre_id,))
        return {row[0] for row in rows}


class SqlRegistrationRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def _values(self, r: Registration) -> list[Any]:
        d = r.details
        values = [
            r.centre_id,
            r.qualification_reference,
            d.given_name,
            d.family_name,
            d.date_of_birth,
            d.gender,
            d.postcode,
            d.uln,
            d.candidate_reference,
            r.registered_on,
            r.uln_state.value,
            r.validated_on,
            r.removed_uln,
            r.removed_on,
            r.removal_reason,
            r.grade,
            r.award_date,
            r.certification_status,
            r.certification_reason,
            r.achievement_job_id,
        ]
        return [self._raw.value(value) for value in values]

    def add(self, registration: Registration, now: datetime) -> int:
        columns = _REGISTRATION_COLUMNS[1:]
        row = self._raw.first(
            f"INSERT INTO registration ({', '.join(columns)}, created_at, updated_at)"
            f" VALUES ({', '.join('?' * (len(columns) + 2))}) RETURNING id",
            (*self._values(registration), self._raw.timestamp(now), self._raw.timestamp(now)),
        )
        assert row is not None
        return int(row[0])

    def get(self, registration_id: int) -> Registration | None:
        row = self._raw.first(_SELECT_REGISTRATIONS + " WHERE id = ?", (registration_id,))
        return _registration(row) if row else None

    def existing(self, centre_id: int, reference: str, details: Sequence[rules.RegistrationDetails]) -> set[int]:
        rows = self._raw.rows(
            "SELECT given_name, family_name, date_of_birth FROM registration"
            " WHERE centre_id = ? AND qualification_reference = ?",
            (centre_id, reference),
        )
        known = {(g.casefold(), f.casefold(), as_date(dob)) for g, f, dob in rows}
        return {
            i
            for i, d in enumerate(details)
            if (d.given_name.casefold(), d.family_name.casefold(), d.date_of_birth) in known
        }

    def pending(self, centre_ids: Sequence[int] | None, limit: int) -> list[Registration]:
        sql = _SELECT_REGISTRATIONS + " WHERE uln_state = 'pending'"
        params: tuple[Any, ...] = ()
        if centre_ids is not None:
            sql += " AND centre_id IN (SELECT value FROM json_each(?))"
            params = (self._raw.array(list(centre_ids)),)
        return [_registration(row) for row in self._raw.rows(sql + " ORDER BY id LIMIT ?", (*params, limit))]

    def save(self, registration: Registration, now: datetime) -> None:
        columns = _REGISTRATION_COLUMNS[1:]
        self._raw.execute(
            f"UPDATE registration SET {', '.join(f'{c} = ?' for c in columns)}, updated_at = ? WHERE id = ?",
            (*self._values(registration), self._raw.timestamp(now), registration.id),
        )

    def with_status(self, centre_ids: Sequence[int], status: str) -> list[Registration]:
        rows = self._raw.rows(
            _SELECT_REGISTRATIONS + " WHERE certification_status = ? AND centre_id IN (SELECT value FROM json_each(?))"
            " ORDER BY id",
            (status, self._raw.array(list(centre_ids))),
        )
        return [_registration(row) for row in rows]

    def search(
        self, centre_ids: Sequence[int], reference: str | None, uln_state: str | None, limit: int
    ) -> list[Registration]:
        sql = _SELECT_REGISTRATIONS + " WHERE centre_id IN (SELECT value FROM json_each(?))"
        params: list[Any] = [self._raw.array(list(centre_ids))]
        if reference:
            sql += " AND qualification_reference = ?"
            params.append(reference)
        if uln_state:
            sql += " AND uln_state = ?"
            params.append(uln_state)
        rows = self._raw.rows(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
        return [_registration(row) for row in rows]

    def tally(self, centre_ids: Sequence[int]) -> dict[tuple[str, str], int]:
        rows = self._raw.rows(
            "SELECT uln_state, certification_status, count(*) FROM registration"
            " WHERE centre_id IN (SELECT value FROM json_each(?)) GROUP BY uln_state, certification_status",
            (self._raw.array(list(centre_ids)),),
        )
        return {(state, status): int(count) for state, status, count in rows}


class SqlCertificateRepository:
    _COLUMNS = ("public_id", "number", "registration_id", "learner_name", "grade", "award_date", "uln_validated",
                "issued_at", "revoked_at", "revoked_reason", "replaced_by")  # fmt: skip

    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def _one(self, where: str, params: tuple[Any, ...]) -> IssuedCertificate | None:
        row = self._raw.first(f"SELECT {', '.join(self._COLUMNS)} FROM certificate WHERE {where}", params)
        if row is None:
            return None
        public_id, number, registration_id, name, grade, award, validated, issued, revoked, reason, replaced = row
        return IssuedCertificate(
            public_id,
            number,
            registration_id,
            name,
            grade,
            as_date(award),  # type: ignore[arg-type]
            bool(validated),
            as_datetime(issued),
            as_datetime(revoked) if revoked else None,
            reason,
            replaced,
        )

    def add(self, certificate: IssuedCertificate) -> None:
        c = certificate
        values = (c.public_id, c.number, c.registration_id, c.learner_name, c.grade, c.award_date, c.uln_validated,
                  c.issued_at, c.revoked_at, c.revoked_reason, c.replaced_by)  # fmt: skip
        self._raw.execute(
            f"INSERT INTO certificate ({', '.join(self._COLUMNS)}) VALUES ({', '.join('?' * len(self._COLUMNS))})",
            [self._raw.value(value) for value in values],
        )

    def get(self, public_id: str) -> IssuedCertificate | None:
        return self._one("public_id = ?", (public_id,))

    def current_for(self, registration_id: int) -> IssuedCertificate | None:
        return self._one("registration_id = ? AND replaced_by IS NULL ORDER BY issued_at DESC", (registration_id,))

    def replaced(self, public_id: str) -> IssuedCertificate | None:
        return self._one("replaced_by = ?", (public_id,))

    def count(self) -> int:
        row = self._raw.first("SELECT count(*) FROM certificate")
        return int(row[0]) if row else 0

    def replace(self, public_id: str, replaced_by: str | None, revoked_at: datetime | None, reason: str | None) -> None:
        self._raw.execute(
            "UPDATE certificate SET replaced_by = ?, revoked_at = ?, revoked_reason = ? WHERE public_id = ?",
            (replaced_by, self._raw.timestamp(revoked_at), reason, public_id),
        )


class SqlAnomalyRepository:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def add(self, registration_id: int, anomaly: rules.Anomaly) -> int:
        row = self._raw.first(
            "INSERT INTO anomaly (registration_id, kind, code, details, raised_on, removal_date, reminders_sent)"
            " VALUES (?, ?, ?, ?, ?, ?, '') RETURNING id",
            (
                registration_id,
                anomaly.kind.value,
                anomaly.code.value if anomaly.code else None,
                anomaly_json(anomaly),
                self._raw.value(anomaly.raised_on),
                self._raw.value(anomaly.removal_date),
            ),
        )
        assert row is not None
        return int(row[0])

    def open_for(self, registration_id: int) -> StoredAnomaly | None:
        row = self._raw.first(
            _SELECT_ANOMALIES + " WHERE registration_id = ? AND resolved_on IS NULL", (registration_id,)
        )
        return _anomaly(row) if row else None

    def get(self, anomaly_id: int) -> StoredAnomaly | None:
        row = self._raw.first(_SELECT_ANOMALIES + " WHERE id = ?", (anomaly_id,))
        return _anomaly(row) if row else None

    def open(self, centre_ids: Sequence[int]) -> list[StoredAnomaly]:
        rows = self._raw.rows(
            _SELECT_ANOMALIES + " WHERE resolved_on IS NULL AND registration_id IN (SELECT id FROM registration"
            " WHERE centre_id IN (SELECT value FROM json_each(?))) ORDER BY removal_date, id",
            (self._raw.array(list(centre_ids)),),
        )
        return [_anomaly(row) for row in rows]

    def all_open(self) -> list[StoredAnomaly]:
        rows = self._raw.rows(_SELECT_ANOMALIES + " WHERE resolved_on IS NULL ORDER BY removal_date, id")
        return [_anomaly(row) for row in rows]

    def spans(self, centre_ids: Sequence[int], since: date) -> list[tuple[date, date | None]]:
        rows = self._raw.rows(
            "SELECT raised_on, resolved_on FROM anomaly WHERE (resolved_on IS NULL OR resolved_on >= ?)"
            " AND registration_id IN (SELECT id FROM registration WHERE centre_id IN (SELECT value FROM json_each(?)))",
            (self._raw.value(since), self._raw.array(list(centre_ids))),
        )
        spans = []
        for raised, resolved in rows:
            raised_on = as_date(raised)
            assert raised_on is not None  # the column is NOT NULL
            spans.append((raised_on, as_date(resolved)))
        return spans

    def resolve(self, anomaly_id: int, on: date, resolution: str) -> None:
        self._raw.execute(
            "UPDATE anomaly SET resolved_on = ?, resolution = ? WHERE id = ?",
            (self._raw.value(on), resolution, anomaly_id),
        )

    def reminded(self, anomaly_id: int, days: frozenset[int]) -> None:
        text = ",".join(str(day) for day in sorted(days, reverse=True))
        self._raw.execute("UPDATE anomaly SET reminders_sent = ? WHERE id = ?", (text, anomaly_id))


class SqlOutbox:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def queue(self, to_address: str, subject: str, body: str, now: datetime) -> None:
        stamp = self._raw.timestamp(now)
        self._raw.execute(
            "INSERT INTO outbox (to_address, subject, body, created_at, next_attempt_at, attempts)"
            " VALUES (?, ?, ?, ?, ?, 0)",
            (to_address, subject, body, stamp, stamp),
        )

    def due(self, now: datetime, limit: int) -> list[QueuedMail]:
        rows = self._raw.rows(
            "SELECT id, to_address, subject, body, attempts FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?"
            " ORDER BY id LIMIT ?",
            (self._raw.timestamp(now), limit),
        )
        return [QueuedMail(*row) for row in rows]

    def sent(self, mail_id: int, now: datetime) -> None:
        self._raw.execute(
            "UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?", (self._raw.timestamp(now), mail_id)
        )

    def failed(self, mail_id: int, error: str, retry_at: datetime) -> None:
        self._raw.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
            (error[:500], self._raw.timestamp(retry_at), mail_id),
        )


class SqlAwardingLog:
    def __init__(self, sql: RawSql) -> None:
        self._raw = sql

    def record(
        self,
        at: datetime,
        organisation_id: int | None,
        user: str,
        action: str,
        registration_id: int | None,
        detail: str | None = None,
    ) -> None:
        self._raw.execute(
            "INSERT INTO awarding_log (at, organisation_id, user_name, action, registration_id, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (self._raw.timestamp(at), organisation_id, user, action, registration_id, detail),
        )
