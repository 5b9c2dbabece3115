"""A learner's own access: invitation codes an organisation gives them, and the links they share their PLR by.

An organisation that may register or update learners issues an invitation for a ULN on the register: a one-time
code, shown once, that expires after 14 days. The learner redeems it with their email and a password and gets a
learner's account for that ULN. A learner shares their record through a link that works for 1-90 days, until it
expires or they withdraw it. Codes and link tokens are random and stored only as their SHA-256 hashes, so a copy
of the database opens nothing.

    >>> normalise_code(" abcd-efgh jkmn ")
    'ABCDEFGHJKMN'
    >>> format_code("ABCDEFGHJKMN")
    'ABCD-EFGH-JKMN'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .errors import InvalidField

INVITATION_DAYS = 14
# Letters and digits a person reads out without mixing them up (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 12  # 25**12 is about 2**56: far beyond guessing within 14 days, single use
SHARE_DAYS_MINIMUM = 1
SHARE_DAYS_MAXIMUM = 90
LABEL_LIMIT = 120


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


@dataclass(frozen=True, slots=True)
class Invitation:
    id: int
    uln: str
    organisation_id: int | None
    created_by: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    def state(self, now: datetime) -> InvitationState:
        if self.used_at is not None:
            return InvitationState.USED
        return InvitationState.OPEN if now < self.expires_at else InvitationState.EXPIRED

    def require_open(self, now: datetime) -> None:
        """Refuse, in plain words and on the code field, an invitation that cannot be used."""
        state = self.state(now)
        if state is InvitationState.USED:
            raise InvalidField("code", "This invitation code has been used already",
                               "each code works once: ask the organisation that invited you for a new one")  # fmt: skip
        if state is InvitationState.EXPIRED:
            raise InvalidField("code", f"This invitation code expired on {self.expires_at:%d %B %Y}",
                               f"codes work for {INVITATION_DAYS} days: ask the organisation that invited you"
                               " for a new one")  # fmt: skip


def unknown_code() -> InvalidField:
    return InvalidField("code", "This invitation code is not known",
                        "check it against the one you were given, or ask the organisation for a new one")


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
