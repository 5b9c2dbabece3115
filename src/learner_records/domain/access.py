"""Who may do what on the register: organisation kinds and the operations each kind may call."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from enum import StrEnum

from .errors import InsufficientAccess, InvalidField, OutOfHours


class OrganisationKind(StrEnum):
    LEARNER_REGISTRATION_BODY = "learner_registration_body"
    AWARDING_ORGANISATION = "awarding_organisation"
    REGISTER_ADMINISTRATOR = "register_administrator"
    LEARNER = "learner"  # a learner acting on their own record (not an organisation)


class Operation(StrEnum):
    FIND_BY_ULN = "find_by_uln"
    FIND_BY_DEMOGRAPHICS = "find_by_demographics"
    REGISTER = "register"
    UPDATE = "update"
    VERIFY = "verify"
    RETRIEVE_ULNS = "retrieve_ulns"
    MERGE = "merge"
    MERGE_REPORT = "merge_report"
    DUPLICATE_SCAN = "duplicate_scan"
    MANAGE_ORGANISATIONS = "manage_organisations"
    READ_PLR = "read_plr"
    VIEW_AUDIT = "view_audit"
    SUBMIT_ACHIEVEMENTS = "submit_achievements"
    CHALLENGE = "challenge"
    MANAGE_CATALOGUE = "manage_catalogue"
    READ_OWN_RECORD = "read_own_record"


# The merge report is register-wide (names and dates of birth of every merged learner): administrators only, see
# MergingService.report. A registration body sees merges of its own learners through their linked ULNs.
_LRB = frozenset(
    {
        Operation.FIND_BY_ULN,
        Operation.FIND_BY_DEMOGRAPHICS,
        Operation.REGISTER,
        Operation.UPDATE,
        Operation.VERIFY,
        Operation.RETRIEVE_ULNS,
        Operation.READ_PLR,
        Operation.VIEW_AUDIT,
        Operation.CHALLENGE,
    }
)
# An awarding organisation checks the ULNs it is given; it never creates or changes learners.
# It reads back only the achievements it submitted (see plr.visible_events) and answers challenges to them.
_AO = frozenset(
    {
        Operation.FIND_BY_ULN,
        Operation.FIND_BY_DEMOGRAPHICS,
        Operation.VERIFY,
        Operation.RETRIEVE_ULNS,
        Operation.READ_PLR,
        Operation.SUBMIT_ACHIEVEMENTS,
        Operation.CHALLENGE,
    }
)
RIGHTS: dict[OrganisationKind, frozenset[Operation]] = {
    OrganisationKind.LEARNER_REGISTRATION_BODY: _LRB,
    OrganisationKind.AWARDING_ORGANISATION: _AO,
    OrganisationKind.REGISTER_ADMINISTRATOR: frozenset(Operation) - {Operation.READ_OWN_RECORD},
    OrganisationKind.LEARNER: frozenset({Operation.READ_OWN_RECORD}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is calling: an organisation (None for the operator's own CLI) and the person or system acting for it."""

    kind: OrganisationKind
    user_name: str
    organisation_id: int | None = None
    ukprn: str | None = None
    uln: str | None = None  # a learner's own ULN, when the actor is the learner
    # An awarding centre's staff act only in their own centre: None is every centre of the organisation.
    centres: frozenset[int] | None = None
    # What proved the call when `user_name` is only what the caller declared (a REST header, a SOAP UserName):
    # "api-key:<key id>", "org-password" or "operator:<who>"; None when `user_name` is itself the person who signed in.
    credential: str | None = None

    def may(self, operation: Operation) -> bool:
        return operation in RIGHTS[self.kind]

    def in_centre(self, centre_id: int) -> bool:
        return self.centres is None or centre_id in self.centres

    def require(self, operation: Operation) -> None:
        if not self.may(operation):
            raise InsufficientAccess(
                f"A {self.kind.value.replace('_', ' ')} may not {operation.value.replace('_', ' ')}"
            )


@dataclass(frozen=True, slots=True)
class OperatingHours:
    """The daily window in which the web services answer (WSEC0004 outside it), in the register's local time."""

    opens: time
    closes: time

    @classmethod
    def parse(cls, text: str) -> OperatingHours:
        matched = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
        if not matched:
            raise InvalidField("operating_hours", f"{text!r} is not a window", "HH:MM-HH:MM, e.g. 07:00-19:00")
        h1, m1, h2, m2 = (int(part) for part in matched.groups())
        try:
            return cls(time(h1, m1), time(h2, m2))
        except ValueError:
            raise InvalidField("operating_hours", f"{text!r} is not a time of day", "HH:MM-HH:MM") from None

    def is_open(self, at: time) -> bool:
        if self.opens <= self.closes:
            return self.opens <= at < self.closes
        return at >= self.opens or at < self.closes  # a window across midnight

    def require_open(self, at: time) -> None:
        if not self.is_open(at):
            raise OutOfHours(
                f"The web services answer from {self.opens:%H:%M} to {self.closes:%H:%M}; it is now {at:%H:%M}"
            )


API_KEY_CREDENTIAL = "api-key:"
ORG_PASSWORD_CREDENTIAL = "org-password"
OPERATOR_CREDENTIAL = "operator:"
SHARE_LINK_CREDENTIAL = "share-link"  # the user name is the label the learner gave the link
TYPED_CREDENTIAL = "typed"  # nobody signed in: the user name is what was typed (an invitation's email address)
SYSTEM_CREDENTIAL = "system"  # the register's own background work


def credential_label(credential: str | None) -> str:
    """How an access-log row's user was known, in plain words: whether the name is the signed-in person's own or
    one an organisation's system declared, and with what it proved the organisation."""
    if credential is None:
        return "Signed in"
    if credential == ORG_PASSWORD_CREDENTIAL:
        return "Named by the organisation's system (web-service password)"
    if credential.startswith(API_KEY_CREDENTIAL):
        return f"Named by the organisation's system (API key lr_{credential.removeprefix(API_KEY_CREDENTIAL)}_…)"
    if credential.startswith(OPERATOR_CREDENTIAL):
        return f"Named by the register's operator {credential.removeprefix(OPERATOR_CREDENTIAL)}"
    return _PLAIN.get(credential, credential)


_PLAIN = {
    SHARE_LINK_CREDENTIAL: "Not signed in: a share link's viewer, by the learner's label for the link",
    TYPED_CREDENTIAL: "Not signed in: the name is what they typed",
    SYSTEM_CREDENTIAL: "The register's own background work",
}
