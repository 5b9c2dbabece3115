"""Throttling of every door where credentials or identifiers can be guessed: portal sign-in, REST API keys,
web-service (SOAP) passwords, the public certificate check and learners' invitation codes.

Each door counts failed attempts twice, by the client's address and by the account tried (email, API key id,
UKPRN or OrganisationRef). While either count is over its limits the door refuses before checking anything,
with `TooManyAttempts` saying how long to wait. Limits stack windows (say 10 a minute and 100 an hour), so a
guesser who keeps on waits longer each time. Only failures count, so honest callers, however busy, never meet it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Protocol, TypeVar

from ..domain.errors import IncorrectPassword, LearnerRecordsError, SignInRefused, TooManyAttempts, UnknownOrganisation

T = TypeVar("T")


class Door(StrEnum):
    SIGN_IN = "sign_in"
    API_KEY = "api_key"
    SOAP = "soap"
    VERIFY = "verify"  # certificate ids that are not found
    INVITATION = "invitation"  # invitation codes, with the learner's family name and date of birth, that open nothing


class Counted(StrEnum):
    CLIENT = "client"
    ACCOUNT = "account"


class Limiter(Protocol):
    def wait(self, door: Door, counted: Counted, key: str) -> int:
        """Seconds until this key may try again at this door; 0: now."""
        ...

    def failed(self, door: Door, counted: Counted, key: str) -> None: ...

    def forgive(self, door: Door, counted: Counted, key: str) -> None:
        """Forget the key's failures (its holder proved who they are another way)."""
        ...


# What every refused credential turns into at each door: one answer, whether the account exists or not.
API_KEY_REFUSED = "The API key is not valid: send 'Authorization: Bearer lr_<id>_<secret>' with a key issued to you"
SOAP_REFUSED = "The UKPRN or OrganisationRef and the OrgPassword are not an organisation's set up for web services"
_REFUSED = (UnknownOrganisation, IncorrectPassword, SignInRefused)


class Throttle:
    def __init__(self, limiter: Limiter) -> None:
        self._limiter = limiter

    def check(self, door: Door, client: str, account: str | None = None) -> None:
        """Refuse at once while the client or the account has failed too often here."""
        waits = [self._limiter.wait(door, Counted.CLIENT, client)]
        if account is not None:
            waits.append(self._limiter.wait(door, Counted.ACCOUNT, account.lower()))
        if max(waits) > 0:
            raise TooManyAttempts(max(waits))

    def failed(self, door: Door, client: str, account: str | None = None) -> None:
        self._limiter.failed(door, Counted.CLIENT, client)
        if account is not None:
            self._limiter.failed(door, Counted.ACCOUNT, account.lower())

    def forgive(self, door: Door, account: str) -> None:
        self._limiter.forgive(door, Counted.ACCOUNT, account.lower())

    def guard(
        self, door: Door, client: str, account: str | None, attempt: Callable[[], T],
        same_answer: Callable[[LearnerRecordsError], LearnerRecordsError] | None = None,
    ) -> T:  # fmt: skip
        """`attempt` unless throttled; a refused credential counts as a failure and, with `same_answer`, is
        answered the same whichever check refused it (no account, wrong secret, no password set)."""
        self.check(door, client, account)
        try:
            return attempt()
        except _REFUSED as refused:
            self.failed(door, client, account)
            if same_answer is None:
                raise
            raise same_answer(refused) from None


def api_key_id(api_key: str) -> str:
    """The account part of an API key `lr_<id>_<secret>`: its id (a malformed key counts as one account)."""
    parts = api_key.split("_")
    return parts[1] if len(parts) == 3 else "malformed"


def api_key_refused(_: LearnerRecordsError) -> LearnerRecordsError:
    return UnknownOrganisation(API_KEY_REFUSED)


def soap_refused(refused: LearnerRecordsError) -> LearnerRecordsError:
    """The LRS protocol tells a wrong OrgPassword (WSEC0005) from an organisation it does not know (WSEC0003), and
    clients act on the difference; UKPRNs are public (the UK Register of Learning Providers), so the code gives no
    secret away. Both cost the same work and count against the same limits."""
    if isinstance(refused, IncorrectPassword):
        return IncorrectPassword()
    return UnknownOrganisation(SOAP_REFUSED)
