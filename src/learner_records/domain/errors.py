"""One rooted error tree. Each error carries the LRS code that a client sees for it.

    LearnerRecordsError
    ├── InvalidField                 WSEC0001  a value breaks a field rule (names the field and the rule)
    │   ├── InvalidFields                      several at once, each listed
    │   └── InvalidUln               WSEC0136
    │       ├── InvalidUlnLength
    │       ├── InvalidUlnFormat
    │       └── InvalidUlnChecksum
    ├── RecordCountIncorrect         WSRC0017  a batch's declared record count is not its number of records
    ├── NotFound                               a thing asked for does not exist
    │   ├── UlnNotFoundForUpdate     WSRC0019
    │   ├── UnknownJob               WSRC0018
    │   └── NotVerified              WSEC0208
    ├── Conflict                               the request contradicts the register's state
    │   ├── DuplicateLearner         WSRC0021
    │   ├── StaleVersion             WSRC0013
    │   ├── NoChanges                WSRC0020
    │   ├── InvalidAbilityToShareChange WSRC0014
    │   └── InvalidMerge
    ├── AccessError
    │   ├── UnknownRequest           WSEC0002
    │   ├── OutOfHours               WSEC0004
    │   ├── UnknownOrganisation      WSEC0003
    │   ├── IncorrectPassword        WSEC0005
    │   ├── SignInRefused                      a portal sign-in: unknown, locked, suspended or wrong, all alike
    │   ├── TooManyAttempts          WSEC0003  throttled: too many failures from a client or at an account
    │   └── InsufficientAccess       WSEC0006
    │       └── NotShared            WSEC0206
    ├── RegisterUnavailable                    the register did not answer or failed (gateway): try again later
    └── StorageUnavailable                     the database (or its folder) cannot be opened or written: try later

Business outcomes (no match, possible match, a verification that fails) are values, not errors.
"""

from __future__ import annotations

from .codes import ErrorCode, ResponseCode

Code = ErrorCode | ResponseCode | None


class LearnerRecordsError(Exception):
    code: Code = None
    default_message = "The operation could not be carried out"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InvalidField(LearnerRecordsError):
    """A value breaks a field rule. `field` is the protocol's element name (e.g. DateOfBirth)."""

    code: Code = ErrorCode.INVALID_REQUEST

    def __init__(self, field: str, problem: str, rule: str) -> None:
        self.field = field
        self.problem = problem
        self.rule = rule
        super().__init__(f"{field}: {problem} ({rule})")


class InvalidFields(InvalidField):
    """Several field rules broken at once; `problems` lists every one (the first is also the error's own)."""

    def __init__(self, problems: list[InvalidField]) -> None:
        first = problems[0]
        self.problems = tuple(problems)
        super().__init__(first.field, first.problem, first.rule)
        if all(problem.code == first.code for problem in problems):
            self.code = first.code  # only ULNs broken: WSEC0136, as a single bad ULN answers
        self.message = "; ".join(str(problem) for problem in problems)
        self.args = (self.message,)


class InvalidUln(InvalidField):
    code: Code = ErrorCode.INVALID_ULN
    rule_text = "a ULN is 10 digits, the first 1-9, the last a mod-11 check digit"

    def __init__(self, problem: str, field: str = "ULN") -> None:
        super().__init__(field, problem, self.rule_text)


class InvalidUlnLength(InvalidUln):
    pass


class InvalidUlnFormat(InvalidUln):
    pass


class InvalidUlnChecksum(InvalidUln):
    pass


class RecordCountIncorrect(LearnerRecordsError):
    code: Code = ResponseCode.RECORD_COUNT_INCORRECT

    def __init__(self, declared: int, sent: int) -> None:
        self.declared = declared
        self.sent = sent
        super().__init__(f"LearnerRecordCount says {declared} but {sent} learners were sent")


class NotFound(LearnerRecordsError):
    default_message = "Not found"


class UnknownJob(NotFound):
    code: Code = ResponseCode.UNKNOWN_JOB
    default_message = ResponseCode.UNKNOWN_JOB.wording


class UlnNotFoundForUpdate(NotFound):
    code: Code = ResponseCode.ULN_NOT_FOUND_FOR_UPDATE
    default_message = ResponseCode.ULN_NOT_FOUND_FOR_UPDATE.wording


class NotVerified(NotFound):
    """Reading a record needs a ULN and names that match the register."""

    code: Code = ErrorCode.NOT_VERIFIED
    default_message = "The learner could not be verified: the ULN and names do not match the register"


class Conflict(LearnerRecordsError):
    pass


class DuplicateLearner(Conflict):
    code: Code = ResponseCode.CANNOT_REGISTER
    default_message = ResponseCode.CANNOT_REGISTER.wording

    def __init__(self, existing_uln: str | None = None, message: str | None = None) -> None:
        self.existing_uln = existing_uln
        super().__init__(message)


class StaleVersion(Conflict):
    code: Code = ResponseCode.STALE_VERSION
    default_message = ResponseCode.STALE_VERSION.wording


class NoChanges(Conflict):
    code: Code = ResponseCode.NO_CHANGES
    default_message = ResponseCode.NO_CHANGES.wording


class InvalidAbilityToShareChange(Conflict):
    code: Code = ResponseCode.INVALID_ABILITY_TO_SHARE_CHANGE
    default_message = ResponseCode.INVALID_ABILITY_TO_SHARE_CHANGE.wording


class InvalidMerge(Conflict):
    default_message = "These learners cannot be merged"


class AccessError(LearnerRecordsError):
    pass


class UnknownRequest(AccessError):
    code: Code = ErrorCode.UNKNOWN_REQUEST
    default_message = ErrorCode.UNKNOWN_REQUEST.wording


class OutOfHours(AccessError):
    code: Code = ErrorCode.OUT_OF_HOURS
    default_message = ErrorCode.OUT_OF_HOURS.wording


class SignInRefused(AccessError):
    # One answer for an unknown email, a wrong password, a locked or a suspended account: it tells nobody which.
    default_message = (
        "Enter a correct email address and password. After several wrong passwords in a row an account locks for"
        " a while, and its holder is sent an email with a link to unlock it at once"
    )


class TooManyAttempts(AccessError):
    """Too many failed attempts from one client or at one account: refused unchecked for `retry_after` seconds.

    The web services answer it as WSEC0003, the contract's fault for credentials that do not admit the caller."""

    code: Code = ErrorCode.UNKNOWN_ORGANISATION

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        minutes = -(-self.retry_after // 60)
        count, unit = (self.retry_after, "second") if self.retry_after < 60 else (minutes, "minute")
        wait = f"{count} {unit}{'s' if count != 1 else ''}"
        super().__init__(f"There have been too many failed attempts. Try again in {wait}")


class UnknownOrganisation(AccessError):
    code: Code = ErrorCode.UNKNOWN_ORGANISATION
    default_message = ErrorCode.UNKNOWN_ORGANISATION.wording


class IncorrectPassword(AccessError):
    code: Code = ErrorCode.INCORRECT_PASSWORD
    default_message = ErrorCode.INCORRECT_PASSWORD.wording


class InsufficientAccess(AccessError):
    code: Code = ErrorCode.INSUFFICIENT_ACCESS
    default_message = ErrorCode.INSUFFICIENT_ACCESS.wording


class NotShared(InsufficientAccess):
    code: Code = ErrorCode.NOT_SHARED
    default_message = "The learner has not agreed to share their learning record"


class RegisterUnavailable(LearnerRecordsError):
    """The register did not answer, or failed while answering: nothing was decided, so the caller tries later."""

    default_message = "The register could not be reached; try again later"


class StorageUnavailable(LearnerRecordsError):
    """The database, or the folder it lives in, cannot be opened or written (disk full, read-only, server down):
    nothing was saved. `where` (a path or a server) and `problem` are for the operator; the message is for anyone."""

    default_message = "The service cannot read or save records at the moment; try again later"

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__()

    @property
    def for_operator(self) -> str:
        return f"cannot use {self.where}: {self.problem}"
