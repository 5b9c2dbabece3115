"""A learner's own access: invitation codes an organisation gives them, and the links they share their PLR by.

A learner's account opens their PLR, its PDF and share links, so setting one up is proving to be that learner.
An LRS-style identity proof here has these parts, and each one is needed:

- Something the learner was given: a one-time code, handed over out of band (in person, by a safe route) by an
  organisation that knows the learner. Only an organisation with a relationship to the learner issues one: it
  registered the learner (gave them their ULN), or the learner's PLR shows a course or award with it (as provider
  or as the organisation that sent the achievement). Any other ULN is refused exactly as one not on the register,
  so an invitation page tells nobody which ULNs exist. A register administrator may issue one for any learner, and
  records how they checked the person themself (their own proof, kept with the invitation).
- Something about the learner: their family name and date of birth, checked as a verification checks them
  (`matching.verify`: the family name after normalisation, or the previous family name; the date of birth equal).
  A wrong answer is refused with one message that does not say which part was wrong.
- Limited attempts: each wrong answer counts against the invitation; after `MAX_FAILED_ATTEMPTS` it is void.
- Expiry and single use: a code works once, for `INVITATION_DAYS` days; a newer invitation for the same learner
  revokes the older ones, and the issuer, the issuing organisation's super user or an administrator can revoke
  an outstanding one.
- Audit: issuing, refusing to issue, redeeming, every failed redemption, revoking and recovering an account are
  written to the access log, so the learner sees them under "who looked".
- Recovery: an administrator can detach an account from a ULN (suspending it, with the reason recorded) when it
  was set up by someone else, so the real learner can be invited again.

Codes and link tokens are random and stored only as their SHA-256 hashes, so a copy of the database opens
nothing. A learner shares their record through a link that works for 1-90 days, until it expires or they
withdraw it.

    >>> normalise_code(" abcd-efgh jkmn ")
    'ABCDEFGHJKMN'
    >>> format_code("ABCDEFGHJKMN")
    'ABCD-EFGH-JKMN'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from .codes import FailureFlag
from .errors import InvalidField
from .matching import RegisterRecord, VerificationQuery, verify

INVITATION_DAYS = 14
# Letters and digits a person reads out without mixing them up (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 12  # 25**12 is about 2**56: far beyond guessing within 14 days, single use
SHARE_DAYS_MINIMUM = 1
SHARE_DAYS_MAXIMUM = 90
LABEL_LIMIT = 120
MAX_FAILED_ATTEMPTS = 5  # wrong family names or dates of birth before the invitation is void
PROOF_LIMIT = 500


def hash_secret(secret: str) -> str:
    """What is stored of a code or a token: its SHA-256, hex (64 characters)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(text: str) -> str:
    """A code as typed, without spaces or hyphens and in capitals."""
    return "".join(c for c in text.upper() if c not in " -\t")


def format_code(code: str) -> str:
    """A code in groups of four, to read out or copy."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class InvitationState(StrEnum):
    OPEN = "open"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"
    VOID = "void"  # too many wrong answers


@dataclass(frozen=True, slots=True)
class Invitation:
    id: int
    uln: str
    organisation_id: int | None  # None: issued by a register administrator
    created_by: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    failed_attempts: int = 0
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    proof: str | None = None  # an administrator's own check of the person

    def state(self, now: datetime) -> InvitationState:
        if self.used_at is not None:
            return InvitationState.USED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.failed_attempts >= MAX_FAILED_ATTEMPTS:
            return InvitationState.VOID
        return InvitationState.OPEN if now < self.expires_at else InvitationState.EXPIRED

    def require_open(self, now: datetime) -> None:
        """Refuse, in plain words and on the code field, an invitation that cannot be used."""
        state = self.state(now)
        if state is InvitationState.USED:
            raise InvalidField("code", "This invitation code has been used already",
                               "each code works once: ask the organisation that invited you for a new one")  # fmt: skip
        if state in (InvitationState.REVOKED, InvitationState.VOID):
            raise InvalidField("code", "This invitation code can no longer be used",
                               "ask the organisation that invited you for a new one")  # fmt: skip
        if state is InvitationState.EXPIRED:
            raise InvalidField("code", f"This invitation code expired on {self.expires_at:%d %B %Y}",
                               f"codes work for {INVITATION_DAYS} days: ask the organisation that invited you"
                               " for a new one")  # fmt: skip


def unknown_code() -> InvalidField:
    return InvalidField("code", "This invitation code is not known",
                        "check it against the one you were given, or ask the organisation for a new one")


def identity_proved(record: RegisterRecord, family_name: str, date_of_birth: date) -> bool:
    """Whether a family name and date of birth prove the learner, as a verification would accept them: the family
    name passes VRF5 (family vs family name, after normalisation) or VRF6 (vs the previous family name), and the
    date of birth passes VRF7. The given name is not asked for: it is the register's own, so it always agrees."""
    query = VerificationQuery(record.uln, record.given_name, family_name, date_of_birth)
    flags = set(verify(query, record, linked=False).flags)
    family_known = FailureFlag.FAMILY_VS_FAMILY not in flags or (
        bool(record.previous_family_name) and FailureFlag.FAMILY_VS_PREVIOUS_FAMILY not in flags
    )
    return family_known and FailureFlag.DATE_OF_BIRTH not in flags


def identity_not_proved(attempts_left: int) -> InvalidField:
    """The one answer to a wrong family name, date of birth, or both: it does not say which."""
    if attempts_left <= 0:
        return InvalidField("invitation", "The details do not match this invitation, and it can no longer be used",
                            "ask the organisation that invited you for a new code")  # fmt: skip
    tries = "1 more try" if attempts_left == 1 else f"{attempts_left} more tries"
    return InvalidField("invitation", "The invitation code, family name and date of birth do not match",
                        f"enter them as the organisation that invited you has them; {tries} before the code stops"
                        " working")  # fmt: skip


def check_proof(text: str, field: str = "proof") -> str:
    """How an administrator checked that the person is the learner (what they saw or asked)."""
    proof = " ".join(text.split())
    if not proof:
        raise InvalidField(field, "Say how you checked that this is the learner",
                           "for example, saw their passport in person")  # fmt: skip
    if len(proof) > PROOF_LIMIT:
        raise InvalidField(field, f"has {len(proof)} characters", f"at most {PROOF_LIMIT} characters")
    return proof


def invitation_expiry(now: datetime) -> datetime:
    return now + timedelta(days=INVITATION_DAYS)


def check_code(text: str, field: str = "code") -> str:
    code = normalise_code(text)
    if not code:
        raise InvalidField(field, "Enter your invitation code", f"{CODE_LENGTH} letters and digits")
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise InvalidField(field, "This is not an invitation code",
                           f"{CODE_LENGTH} letters and digits, as in ACDE-FGHJ-KMNP")  # fmt: skip
    return code


class ShareState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"active": "Active", "expired": "Expired", "withdrawn": "Withdrawn"}[self.value]


@dataclass(frozen=True, slots=True)
class ShareLink:
    id: int
    uln: str
    label: str
    created_at: datetime
    expires_at: datetime
    withdrawn_at: datetime | None = None

    def state(self, now: datetime) -> ShareState:
        if self.withdrawn_at is not None:
            return ShareState.WITHDRAWN
        return ShareState.ACTIVE if now < self.expires_at else ShareState.EXPIRED


def check_label(text: str, field: str = "label") -> str:
    label = " ".join(text.split())
    if not label:
        raise InvalidField(field, "Enter who the link is for", "for example, for my new employer")
    if len(label) > LABEL_LIMIT:
        raise InvalidField(field, f"Who the link is for has {len(label)} characters",
                           f"at most {LABEL_LIMIT} characters")  # fmt: skip
    return label


def check_days(text: str | int, field: str = "days") -> int:
    rule = f"a whole number of days from {SHARE_DAYS_MINIMUM} to {SHARE_DAYS_MAXIMUM}"
    try:
        days = int(str(text).strip())
    except ValueError:
        raise InvalidField(field, "Enter how many days the link works for", rule) from None
    if not SHARE_DAYS_MINIMUM <= days <= SHARE_DAYS_MAXIMUM:
        raise InvalidField(field, f"{days} days is outside the range", rule)
    return days


def share_expiry(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)


def share_viewer(label: str) -> str:
    """How a share link's viewer is named in the access log (its user name column is 128 characters)."""
    return f"Someone with your link “{label}”"[:128]
