"""An organisation's API keys: several at once, each named; created (the secret shown once), listed, revoked and
rotated. Register administrators manage any organisation's keys (the CLI, the REST API); a super user or awarding
body user their own organisation's (the portal). Every change is written to the access log.

Rotation issues a new key with the old one's label and revokes the old one at once, or after an overlap of up to
an hour, so that a system can be redeployed with the new key without a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..domain.access import Actor, Operation
from ..domain.errors import Conflict, InsufficientAccess, InvalidField, NotFound
from ..domain.users import Permission, User
from .organisations import issue_key
from .ports import AccessEntry, ApiKeyInfo, Clock, Organisation, UnitOfWork, UnitOfWorkFactory

LABEL_LIMIT = 60
OVERLAP_LIMIT = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: ApiKeyInfo
    api_key: str  # shown to the caller once, never stored


def key_state(key: ApiKeyInfo, now: datetime) -> str:
    if key.revoked_at is None:
        return "active"
    return "revoked" if key.revoked_at <= now else "retiring"


def check_label(label: str | None) -> str | None:
    text = (label or "").strip()
    if len(text) > LABEL_LIMIT or not text.isprintable():
        raise InvalidField("label", f"has {len(text)} characters or a control character",
                           f"at most {LABEL_LIMIT} printable characters")  # fmt: skip
    return text or None


def check_overlap(overlap: timedelta) -> None:
    if not timedelta() <= overlap <= OVERLAP_LIMIT:
        raise InvalidField("overlap_minutes", f"is {int(overlap.total_seconds() // 60)}",
                           f"0 to {int(OVERLAP_LIMIT.total_seconds() // 60)} minutes")  # fmt: skip


class ApiKeyService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def keys(self, by: Actor | User, ukprn: str | None = None) -> list[ApiKeyInfo]:
        with self._uow() as uow:
            return list(uow.organisations.api_keys(_organisation(uow, by, ukprn).id))

    def create(self, by: Actor | User, ukprn: str | None, label: str | None) -> IssuedKey:
        label = check_label(label)
        with self._uow(write=True) as uow:
            organisation = _organisation(uow, by, ukprn)
            issued = self._issue(uow, organisation, label)
            self._record(uow, by, organisation, "api_key_created")
            uow.commit()
        return issued

    def revoke(self, by: Actor | User, ukprn: str | None, key_id: int) -> ApiKeyInfo:
        now = self._clock.now()
        with self._uow(write=True) as uow:
            organisation = _organisation(uow, by, ukprn)
            key = self._live_key(uow, organisation, key_id, retiring_ok=True)  # revoking cuts an overlap short
            uow.organisations.revoke_api_key(key.id, now)
            self._record(uow, by, organisation, "api_key_revoked")
            uow.commit()
        return _with_revoked(key, now)

    def rotate(self, by: Actor | User, ukprn: str | None, key_id: int, overlap: timedelta = timedelta()) -> IssuedKey:
        """A new key under the old one's label; the old one is refused from now, or from now + overlap."""
        check_overlap(overlap)
        now = self._clock.now()
        with self._uow(write=True) as uow:
            organisation = _organisation(uow, by, ukprn)
            old = self._live_key(uow, organisation, key_id)
            uow.organisations.revoke_api_key(old.id, now + overlap)
            issued = self._issue(uow, organisation, old.label)
            self._record(uow, by, organisation, "api_key_rotated")
            uow.commit()
        return issued

    def _issue(self, uow: UnitOfWork, organisation: Organisation, label: str | None) -> IssuedKey:
        key = issue_key()
        now = self._clock.now()
        key_id = uow.organisations.add_api_key(organisation.id, key.prefix, key.secret_hash, now, label)
        return IssuedKey(ApiKeyInfo(key_id, organisation.id, key.prefix, label, now, None, None), key.text)

    def _live_key(
        self, uow: UnitOfWork, organisation: Organisation, key_id: int, retiring_ok: bool = False
    ) -> ApiKeyInfo:
        key = next((k for k in uow.organisations.api_keys(organisation.id) if k.id == key_id), None)
        if key is None:
            raise NotFound(f"The organisation {organisation.ukprn} has no API key {key_id}")
        if key.revoked_at is not None and (not retiring_ok or key.revoked_at <= self._clock.now()):
            raise Conflict(f"API key {key_id} is revoked or rotated already")
        return key

    def _record(self, uow: UnitOfWork, by: Actor | User, organisation: Organisation, action: str) -> None:
        # The organisation whose key changed, so its access log shows it; the person or system that changed it.
        now = self._clock.now()
        entry = AccessEntry.by(by, now, action) if isinstance(by, Actor) else AccessEntry(now, None, by.email, action)
        uow.access_log.record([replace(entry, organisation_id=organisation.id)])


def _organisation(uow: UnitOfWork, by: Actor | User, ukprn: str | None) -> Organisation:
    if isinstance(by, Actor):
        by.require(Operation.MANAGE_ORGANISATIONS)
        found = uow.organisations.by_ukprn(ukprn) if ukprn else None
        if found is None:
            raise NotFound(f"No organisation has UKPRN {ukprn}")
        return found
    if not by.may(Permission.MANAGE_OWN_USERS) or by.organisation_id is None:
        raise InsufficientAccess("Only the organisation's super user manages its API keys")
    own = uow.organisations.get(by.organisation_id)
    if own is None:
        raise NotFound("Your organisation is not on the register")
    return own


def _with_revoked(key: ApiKeyInfo, at: datetime) -> ApiKeyInfo:
    return ApiKeyInfo(key.id, key.organisation_id, key.prefix, key.label, key.created_at, key.last_used_at, at)
