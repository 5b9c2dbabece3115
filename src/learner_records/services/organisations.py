"""Organisations and their API keys. A key is shown once; only its hash is stored."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from ..domain.access import (
    API_KEY_CREDENTIAL,
    OPERATOR_CREDENTIAL,
    ORG_PASSWORD_CREDENTIAL,
    Actor,
    Operation,
    OrganisationKind,
)
from ..domain.checks import FieldChecks
from ..domain.errors import Conflict, IncorrectPassword, InvalidField, UnknownOrganisation
from .ports import AccessEntry, Clock, Organisation, UnitOfWork, UnitOfWorkFactory

_UKPRN = re.compile(r"^[0-9A-Za-z]{8}$")
_ORG_REF = re.compile(r"^[0-9A-Za-z]{6}$")
_UKPRN_AS_REF = re.compile(r"^[0-9]{8}$")
KEY_PREFIX = "lr"
LAST_USED_GRANULARITY = timedelta(minutes=1)  # a key's last use is written at most this often
_NO_PASSWORD = "0000000000000000$"  # a salt and no digest: no password matches it
PASSWORD_LENGTH = 16  # MIAPOrgPassword: exactly 16 characters
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"  # no 0/O, 1/l/I to misread


@dataclass(frozen=True, slots=True)
class NewOrganisation:
    organisation: Organisation
    api_key: str  # shown to the caller once, never stored


def hash_secret(secret: str) -> str:
    # API keys carry 256 random bits, so a fast hash cannot be brute-forced; argon2 is for people's passwords.
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str, salt: str | None = None) -> str:
    # Web-service passwords are issued by the register (16 random characters, about 94 bits), so a salted fast
    # hash keeps them safe at rest while the hot path (every SOAP call authenticates) stays cheap.
    salt = salt or secrets.token_hex(8)
    return f"{salt}${hashlib.sha256((salt + password).encode()).hexdigest()}"


def password_matches(password: str, stored: str) -> bool:
    salt, _, _ = stored.partition("$")
    return hmac.compare_digest(stored, hash_password(password, salt))


def check_password_rule(password: str) -> None:
    if len(password) != PASSWORD_LENGTH or not password.strip():
        raise InvalidField(
            "OrgPassword", f"has {len(password)} characters", "MIAPOrgPassword: exactly 16 characters, not all spaces"
        )


def check_credentials(ukprn: str | None, organisation_ref: str | None, password: str, user_name: str | None) -> str:
    """The credential elements' own rules, every broken one reported at once; the user name when all hold."""
    checks = FieldChecks()
    if ukprn is not None and not _UKPRN.match(ukprn):
        checks.add(InvalidField("UKPRN", f"{ukprn!r} is not 8 letters or digits", "MIAPUKPRN: [0-9a-zA-Z]{8}"))
    if organisation_ref is not None and not _ORG_REF.match(organisation_ref):
        checks.add(InvalidField("OrganisationRef", f"{organisation_ref!r} is not 6 letters or digits",
                                "MIAPOrganisationRef: [0-9a-zA-Z]{6}"))  # fmt: skip
    checks.take(check_password_rule, password)
    if user_name is None:
        checks.add(InvalidField("UserName", "is missing", "the person or system making the call, mandatory"))
    elif len(user_name) > 128:
        checks.add(InvalidField("UserName", f"has {len(user_name)} characters", "at most 128 characters"))
    checks.done()
    assert user_name is not None
    return user_name


def check_organisation_fields(ukprn: str, name: str, organisation_ref: str | None) -> None:
    if not _UKPRN.match(ukprn):
        raise InvalidField("UKPRN", f"{ukprn!r} is not 8 letters or digits", "MIAPUKPRN: [0-9a-zA-Z]{8}")
    if organisation_ref is not None and not _ORG_REF.match(organisation_ref):
        raise InvalidField(
            "OrganisationRef", f"{organisation_ref!r} is not 6 letters or digits", "MIAPOrganisationRef: [0-9a-zA-Z]{6}"
        )
    if not name.strip() or len(name) > 254:
        raise InvalidField("Name", "is empty or longer than 254 characters", "1-254 characters")


class OrganisationService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(
        self, actor: Actor, ukprn: str, name: str, kind: OrganisationKind, organisation_ref: str | None = None
    ) -> NewOrganisation:
        actor.require(Operation.MANAGE_ORGANISATIONS)
        if kind is OrganisationKind.LEARNER:
            raise InvalidField("kind", "learner is not a kind of organisation", "an organisation kind")
        check_organisation_fields(ukprn, name, organisation_ref)
        with self._uow(write=True) as uow:
            if uow.organisations.by_ukprn(ukprn) is not None:
                raise Conflict(f"An organisation with UKPRN {ukprn} exists already")
            if organisation_ref and uow.organisations.by_reference(organisation_ref) is not None:
                raise Conflict(f"An organisation with OrganisationRef {organisation_ref} exists already")
            organisation = uow.organisations.add(ukprn, name.strip(), kind, organisation_ref, self._clock.now())
            key = issue_key()
            uow.organisations.add_api_key(organisation.id, key.prefix, key.secret_hash, self._clock.now(), "first key")
            uow.commit()
        return NewOrganisation(organisation, key.text)

    def authenticate(self, api_key: str, user_name: str = "api") -> Actor:
        """The organisation a key belongs to, or UnknownOrganisation / IncorrectPassword."""
        parts = api_key.split("_")
        if len(parts) != 3 or parts[0] != KEY_PREFIX:
            raise UnknownOrganisation("The API key is not in the form lr_<id>_<secret>")
        _, prefix, secret = parts
        now = self._clock.now()
        presented = hash_secret(secret)  # hashed whether or not the key id exists: the same work either way
        with self._uow() as uow:
            stored = uow.organisations.api_key(prefix)
            organisation = uow.organisations.get(stored.organisation_id) if stored else None
            if stored is None or organisation is None:
                raise UnknownOrganisation("No organisation has this API key")
            if not hmac.compare_digest(stored.secret_hash, presented):
                raise IncorrectPassword("The API key's secret is wrong")
            if stored.revoked_at is not None and stored.revoked_at <= now:
                raise UnknownOrganisation("This API key has been revoked")
            if stored.last_used_at is None or now - stored.last_used_at >= LAST_USED_GRANULARITY:
                uow.organisations.touch_api_key(stored.id, now)
                uow.commit()
        return Actor(organisation.kind, user_name, organisation.id, organisation.ukprn,
                     credential=API_KEY_CREDENTIAL + prefix)  # fmt: skip

    def acting_for(self, actor: Actor, ukprn: str, user_name: str) -> Actor:
        """The operator acting as one organisation (the CLI submitting an awarding body's file, say)."""
        actor.require(Operation.MANAGE_ORGANISATIONS)
        with self._uow() as uow:
            organisation = uow.organisations.by_ukprn(ukprn)
        if organisation is None:
            raise UnknownOrganisation(f"No organisation has UKPRN {ukprn}")
        return Actor(organisation.kind, user_name, organisation.id, organisation.ukprn,
                     credential=OPERATOR_CREDENTIAL + actor.user_name)  # fmt: skip

    def set_password(self, actor: Actor, organisation_id: int, password: str | None = None) -> str:
        """Give an organisation its web-service password (OrgPassword): a new random one unless one is chosen."""
        actor.require(Operation.MANAGE_ORGANISATIONS)
        password = (
            password
            if password is not None
            else "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        )
        check_password_rule(password)
        with self._uow(write=True) as uow:
            if uow.organisations.get(organisation_id) is None:
                raise UnknownOrganisation()
            uow.organisations.set_password_hash(organisation_id, hash_password(password))
            uow.commit()
        return password

    def authenticate_password(
        self, ukprn: str | None, organisation_ref: str | None, password: str, user_name: str | None
    ) -> Actor:
        """The organisation a web-service call is made for (by UKPRN or OrganisationRef), or WSEC0003 / WSEC0005.

        An OrganisationRef of 8 digits is a UKPRN, as the live service takes it (the T Levels service sends its
        UKPRN there): it names the organisation with that UKPRN, and must agree with the UKPRN if one is sent."""
        ref_ukprn = None
        if organisation_ref is not None and _UKPRN_AS_REF.match(organisation_ref):
            ref_ukprn, organisation_ref = organisation_ref, None
            ukprn = ukprn or ref_ukprn
        user_name = check_credentials(ukprn, organisation_ref, password, user_name)
        # Checked against the database on every call, so a password changed anywhere (the CLI, another worker)
        # is refused at once: one indexed lookup, the organisation and its password hash together.
        with self._uow() as uow:
            if ukprn:
                found = uow.organisations.with_password_hash("ukprn", ukprn)
            elif organisation_ref:
                found = uow.organisations.with_password_hash("organisation_ref", organisation_ref)
            else:
                raise UnknownOrganisation("Neither UKPRN nor OrganisationRef was sent")
        organisation, stored = found if found is not None else (None, None)
        matches = password_matches(password, stored or _NO_PASSWORD)  # the same work for an unknown organisation
        if organisation is None:
            raise UnknownOrganisation("No organisation has this UKPRN or OrganisationRef")
        if (organisation_ref and ukprn and organisation.organisation_ref != organisation_ref) or (
            ref_ukprn and organisation.ukprn != ref_ukprn
        ):
            raise UnknownOrganisation("The UKPRN and the OrganisationRef name different organisations")
        if stored is None:
            raise UnknownOrganisation("The organisation has no web-service password: it is not set up for web services")
        if not matches:
            raise IncorrectPassword()
        return Actor(organisation.kind, user_name, organisation.id, organisation.ukprn,
                     credential=ORG_PASSWORD_CREDENTIAL)  # fmt: skip

    def describe(self, actor: Actor, ukprn: str | None, organisation_ref: str | None) -> Organisation | None:
        """GetOrganisation: any registered organisation, by UKPRN or reference (the public list of providers)."""
        if actor.organisation_id is None and actor.kind is not OrganisationKind.REGISTER_ADMINISTRATOR:
            raise UnknownOrganisation()
        if not ukprn and not organisation_ref:
            raise InvalidField("ukPrn", "and orgRef are both empty", "send a UKPRN or an OrganisationRef")
        with self._uow() as uow:
            organisations = uow.organisations
            found = organisations.by_ukprn(ukprn) if ukprn else organisations.by_reference(organisation_ref or "")
            self._record(uow, actor, "get_organisation")
            uow.commit()
            return found

    def record_call(self, actor: Actor, action: str) -> None:
        """Log a web-service call that reads or writes no learner record (a job submitted or polled, say)."""
        with self._uow() as uow:
            self._record(uow, actor, action)
            uow.commit()

    def _record(self, uow: UnitOfWork, actor: Actor, action: str) -> None:
        uow.access_log.record([AccessEntry.by(actor, self._clock.now(), action[:40])])

    def get(self, organisation_id: int) -> Organisation | None:
        """One organisation by its id (the portals: the signed-in person's own, for its UKPRN and name)."""
        with self._uow() as uow:
            return uow.organisations.get(organisation_id)

    def list(self, actor: Actor) -> list[Organisation]:
        actor.require(Operation.MANAGE_ORGANISATIONS)
        with self._uow() as uow:
            return uow.organisations.list()


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    prefix: str
    secret: str

    @property
    def text(self) -> str:
        return f"{KEY_PREFIX}_{self.prefix}_{self.secret}"

    @property
    def secret_hash(self) -> str:
        return hash_secret(self.secret)


def issue_key() -> IssuedSecret:
    return IssuedSecret(prefix=secrets.token_hex(6), secret=secrets.token_hex(32))
