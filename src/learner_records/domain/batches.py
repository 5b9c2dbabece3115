"""The register's learner batches: registration (FUL / CHK) and verification (lrs-interface.md section 5).

A batch arrives by web service (1-200 learners, `MIAPLearnerRecordCount`) or as a portal file. Each row gets one
return code:

=========  ==================================================================================================
code       meaning
=========  ==================================================================================================
WSRC0005   registered: a new ULN (FUL only)
WSRC0004   found: the ULN sent verifies against the names, or one learner matches exactly
WSRC0022   found, and the learner is linked: answered with the master's ULN
WSRC0003   possible matches (the candidates are listed): an exception someone must resolve
WSRC0002   too many possible matches
WSRC0001   no match (CHK only; FUL registers instead)
RC006      not enough data to create a ULN (DateOfBirth, Gender or LastKnownPostCode missing)
RC011      incorrect format: a field breaks its rule (the message names the field and the rule)
RC012      incorrect UCI or UPN format (3A files)
RC013      the learner is outside the permitted age range, 13-110 on the day of processing (files only; the
           web service answers RC011, as the LRS does)
=========  ==================================================================================================

RC001-RC005 and RC007-RC010 have no published meaning, so no row gets them: where no RC code is published the
row's code is the WSRC code of its outcome. Verification rows answer WSVRC001-006 with VRF flags, and WSEC0001
when a field breaks its rule.

A batch file is CSV. Line 1 is `<file version>,<file name>,<UKPRN>` (version 2A or 3A); line 2 the column
headings, case-sensitive and in a fixed order (`registration_headings`, `verification_headings`); then one
learner a line. 3A adds UCI and UPN and has PrivacyNoticeSeen (0/1) where 2A has AbilityToShare.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .checks import FieldChecks
from .codes import FailureFlag, ResponseCode, VerificationCode
from .errors import InvalidField, InvalidFields
from .learner import PROTOCOL_NAMES, LearnerDetails, check_age, parse_details, validate_uln
from .matching import Demographics, VerificationQuery
from .plr import JobStatus
from .queries import verification_query


class BatchKind(StrEnum):
    REGISTRATION = "registration"
    VERIFICATION = "verification"


class Channel(StrEnum):
    WEB_SERVICE = "web_service"
    FILE = "file"


class JobType(StrEnum):
    FIND_OR_REGISTER = "FUL"
    CHECK = "CHK"


class RowCode(StrEnum):
    """The published batch return codes."""

    NOT_ENOUGH_DATA = "RC006"
    INCORRECT_FORMAT = "RC011"
    INCORRECT_UCI_OR_UPN = "RC012"
    OUTSIDE_AGE_RANGE = "RC013"


ROW_WORDING = {
    RowCode.NOT_ENOUGH_DATA: "Not enough data to create a ULN",
    RowCode.INCORRECT_FORMAT: "Incorrect format",
    RowCode.INCORRECT_UCI_OR_UPN: "Incorrect UCI or UPN format",
    RowCode.OUTSIDE_AGE_RANGE: "Learner outside the permitted age range (13-110)",
}
INVALID_ROW = "WSEC0001"  # a verification row with a field that breaks its rule
WEB_SERVICE_LIMIT = 200
REGISTRATION_COUNTERS = ("new", "exists", "possible_match", "not_found", "rejected")
VERIFICATION_COUNTERS = (*(code.value for code in VerificationCode), "rejected")
_REGISTRATION_COUNTER = {
    ResponseCode.LEARNER_REGISTERED.value: "new",
    ResponseCode.EXACT_MATCH.value: "exists",
    ResponseCode.MASTER_SUBSTITUTED.value: "exists",
    ResponseCode.POSSIBLE_MATCH.value: "possible_match",
    ResponseCode.TOO_MANY_MATCHES.value: "possible_match",
    ResponseCode.NO_MATCH.value: "not_found",
}


def empty_counters(kind: BatchKind) -> dict[str, int]:
    names = REGISTRATION_COUNTERS if kind is BatchKind.REGISTRATION else VERIFICATION_COUNTERS
    return dict.fromkeys(names, 0)


def counter_for(kind: BatchKind, return_code: str) -> str:
    """The job counter a row's return code adds to: every RC code and WSEC0001 count as rejected."""
    if kind is BatchKind.REGISTRATION:
        return _REGISTRATION_COUNTER.get(return_code, "rejected")
    return return_code if return_code in VERIFICATION_COUNTERS else "rejected"


def needs_attention(kind: BatchKind, return_code: str) -> bool:
    """An exception someone must resolve: a registration row with possible matches or rejected (RC codes), a
    verification row that did not verify exactly (a similar match, no match, an unknown ULN, a broken field)."""
    if kind is BatchKind.REGISTRATION:
        return counter_for(kind, return_code) in ("possible_match", "rejected")
    return return_code not in (VerificationCode.MATCH.value, VerificationCode.LINKED_MATCH.value)


def check_job_type(value: object) -> JobType:
    try:
        return JobType(str(value).strip().upper())
    except ValueError:
        raise InvalidField("JobType", f"{value!r} is not FUL or CHK", "MIAPBatchJobType: FUL|CHK") from None


def check_record_count(count: int, channel: Channel) -> None:
    if count < 1:
        raise InvalidField("Learner", "has no learners", "a batch has at least one learner")
    if channel is Channel.WEB_SERVICE and count > WEB_SERVICE_LIMIT:
        raise InvalidField(
            "LearnerRecordCount", f"{count} learners", f"MIAPLearnerRecordCount: 1-{WEB_SERVICE_LIMIT} learners"
        )


# Files ------------------------------------------------------------------------------------------------------------

FILE_VERSIONS = ("2A", "3A")
_UKPRN = re.compile(r"^[0-9A-Za-z]{8}$")
# BatchLearner's element order (LearnerService.wsdl), with MISIdentifier first as in a verify file
_REGISTRATION_2A = ("MISIdentifier", "ULN", "Title", "GivenName", "PreferredGivenName", "MiddleOtherName", "FamilyName",
                    "PreviousFamilyName", "FamilyNameAtAge16", "SchoolAtAge16", "LastKnownAddressLine1",
                    "LastKnownAddressLine2", "LastKnownAddressTown", "LastKnownAddressCountyOrCity",
                    "LastKnownPostCode", "DateOfAddressCapture", "DateOfBirth", "PlaceOfBirth", "EmailAddress",
                    "Gender", "Nationality", "ScottishCandidateNumber", "AbilityToShare", "VerificationType",
                    "OtherVerificationDescription", "Notes")  # fmt: skip
_VERIFICATION = ("MISIdentifier", "ULN", "FamilyName", "GivenName", "DateOfBirth", "Gender")
# ReturnedULN, not ULN: the input's own ULN column stays as it was sent
REGISTRATION_OUTPUT = ("ReturnCode", "ReturnedULN", "PossibleMatchULNs", "Message")
COLUMN_COUNT = "ColumnCount"  # set by a file reader on a line whose number of values is not the headings'

VERIFICATION_OUTPUT = ("ResponseCode", "RegisterULN", "RegisterFamilyName", "RegisterGivenName",
                       "RegisterDateOfBirth", "RegisterGender", "FailureFlags", "Message")  # fmt: skip


@dataclass(frozen=True, slots=True)
class FileHeader:
    version: str
    title: str
    ukprn: str


def registration_headings(version: str) -> tuple[str, ...]:
    if version == "2A":
        return _REGISTRATION_2A
    # 3A: UCI and UPN after the other identifiers; PrivacyNoticeSeen where AbilityToShare was
    at = _REGISTRATION_2A.index("AbilityToShare")
    return (*_REGISTRATION_2A[:at], "UCI", "UPN", "PrivacyNoticeSeen", *_REGISTRATION_2A[at + 1 :])


def verification_headings(version: str) -> tuple[str, ...]:
    return _VERIFICATION


def headings(kind: BatchKind, version: str) -> tuple[str, ...]:
    return registration_headings(version) if kind is BatchKind.REGISTRATION else verification_headings(version)


def parse_file_header(cells: list[str]) -> FileHeader:
    """Line 1 of a batch file: `<file version>,<file name>,<UKPRN>`."""
    rule = "line 1 is <file version 2A or 3A>,<file name>,<UKPRN>"
    if len(cells) != 3:
        raise InvalidField("header", f"line 1 has {len(cells)} values", rule)
    version, title, ukprn = (cell.strip() for cell in cells)
    if version not in FILE_VERSIONS:
        raise InvalidField("FileVersion", f"{version!r} is not a known file version", "2A or 3A (" + rule + ")")
    if not title:
        raise InvalidField("FileName", "is empty", "a free-text file name (" + rule + ")")
    if not _UKPRN.match(ukprn):
        raise InvalidField("UKPRN", f"{ukprn!r} is not a UKPRN", "MIAPUKPRN: 8 letters or digits")
    return FileHeader(version, title, ukprn)


def check_headings(kind: BatchKind, version: str, found: list[str]) -> None:
    """Line 2: exactly the expected column headings, case-sensitive, in order."""
    expected = headings(kind, version)
    rule = f"the {version} {kind.value} headings, case-sensitive, in this order: " + ",".join(expected)
    for position, (wanted, got) in enumerate(zip(expected, found, strict=False), start=1):
        if wanted != got.strip():
            raise InvalidField("headings", f"column {position} is {got!r} where {wanted!r} belongs", rule)
    if len(found) != len(expected):
        raise InvalidField("headings", f"line 2 has {len(found)} columns, not {len(expected)}", rule)


def check_file_owner(header: FileHeader, ukprn: str | None) -> None:
    if header.ukprn != ukprn:
        raise InvalidField("UKPRN", f"{header.ukprn} is not the submitting organisation's UKPRN",
                           "a batch file carries the UKPRN of the organisation sending it")  # fmt: skip


# Registration rows ------------------------------------------------------------------------------------------------

_ELEMENTS = {element: attribute for attribute, element in PROTOCOL_NAMES.items()}
_NEEDED_TO_REGISTER = ("DateOfBirth", "Gender", "LastKnownPostCode")
_OWN_FIELDS = frozenset({"MISIdentifier", "ULN", "UCI", "UPN", "PrivacyNoticeSeen", COLUMN_COUNT})
_UCI = re.compile(r"^[0-9]{5}[0-9A-Z]{7}[A-Z]$")
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")


@dataclass(frozen=True, slots=True)
class RegistrationRow:
    """A registration row whose every field keeps its rule. `details` is None when fields needed to register
    (and to search by demographics) are missing; `missing` names them."""

    uln: str | None
    given_name: str
    family_name: str
    details: LearnerDetails | None
    missing: tuple[str, ...] = ()

    @property
    def demographics(self) -> Demographics | None:
        d = self.details
        if d is None:
            return None
        return Demographics(d.given_name, d.family_name, d.date_of_birth, int(d.gender), d.postcode,
                            d.previous_family_name)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rejected:
    code: str
    message: str


def check_upn(value: str, element: str = "UPN") -> str:
    """The English Unique Pupil Number: a check letter, 11 digits, then a digit (or a letter when temporary)."""
    text = value.strip().upper()
    rule = "a UPN is 13 characters: a check letter, 11 digits, a digit or letter"
    if not _UPN.match(text) or text[12] in "IOS":
        raise InvalidField(element, f"{value!r} is not in the UPN format", rule)
    total = sum(weight * (int(c) if c.isdigit() else _UPN_LETTERS.index(c)) for weight, c in enumerate(text[1:], 2))
    if _UPN_LETTERS[total % 23] != text[0]:
        raise InvalidField(element, f"{value!r} has the wrong check letter", rule)
    return text


def check_uci(value: str, element: str = "UCI") -> str:
    """The Unique Candidate Identifier: 13 characters, the centre number's 5 digits first, a check letter last."""
    text = value.strip().upper()
    if not _UCI.match(text):
        raise InvalidField(element, f"{value!r} is not in the UCI format",
                           "a UCI is 13 characters: 5 digits, 7 letters or digits, a letter")  # fmt: skip
    return text


def _column_count(row: Mapping[str, str | None]) -> InvalidField | None:
    found = row.get(COLUMN_COUNT)
    if found is None:
        return None
    return InvalidField("line", f"has {found} values", "one value for each heading on line 2")


def _learner_fields(row: Mapping[str, str | None], checks: FieldChecks) -> dict[str, object]:
    raw: dict[str, object] = {}
    for element, value in row.items():
        if element in _OWN_FIELDS or value is None or value == "":
            continue
        attribute = _ELEMENTS.get(element)
        if attribute is None:
            checks.add(InvalidField(element, "is not a BatchLearner field", "the BatchLearner elements"))
        else:
            raw[attribute] = value
    seen = row.get("PrivacyNoticeSeen")
    if seen not in (None, ""):
        # 3A files: 1 the learner has seen the privacy notice (AbilityToShare 1), 0 not (AbilityToShare 0)
        if seen.strip() in ("0", "1"):
            raw["ability_to_share"] = seen.strip()
        else:
            checks.add(InvalidField("PrivacyNoticeSeen", f"{seen!r} is not 0 or 1", "PrivacyNoticeSeen: 0|1"))
    return raw


def _details(raw: dict[str, object], checks: FieldChecks) -> tuple[LearnerDetails | None, tuple[str, ...]]:
    try:
        return parse_details(raw), ()
    except InvalidFields as problems:
        missing = tuple(
            p.field for p in problems.problems if p.field in _NEEDED_TO_REGISTER and p.problem == "is missing"
        )
        for problem in problems.problems:
            if problem.field not in missing:
                checks.add(problem)
        return None, missing


def parse_registration_row(row: Mapping[str, str | None], today: date, channel: Channel) -> RegistrationRow | Rejected:
    """Check a row sent as BatchLearner elements; a broken rule rejects it (RC011, RC012 or RC013)."""
    checks = FieldChecks()
    shape = _column_count(row)
    if shape is not None:
        return _rejected(RowCode.INCORRECT_FORMAT, [shape])
    uln = checks.optional(row.get("ULN"), validate_uln)
    mis = row.get("MISIdentifier") or ""
    if len(mis) > 128:
        checks.add(InvalidField("MISIdentifier", f"has {len(mis)} characters", "MIAPMISIdentifier: at most 128"))
    raw = _learner_fields(row, checks)
    details, missing = _details(raw, checks)
    if checks.problems:
        return _rejected(RowCode.INCORRECT_FORMAT, checks.problems)
    identifiers = FieldChecks()
    identifiers.optional(row.get("UCI"), check_uci)
    identifiers.optional(row.get("UPN"), check_upn)
    if identifiers.problems:
        code = RowCode.INCORRECT_UCI_OR_UPN if channel is Channel.FILE else RowCode.INCORRECT_FORMAT
        return _rejected(code, identifiers.problems)
    if details is not None:
        try:
            check_age(details.date_of_birth, today)
        except InvalidField as problem:
            code = RowCode.OUTSIDE_AGE_RANGE if channel is Channel.FILE else RowCode.INCORRECT_FORMAT
            return _rejected(code, [problem])
    # parse_details checked the names even when fields needed to register are missing
    return RegistrationRow(uln, str(raw["given_name"]), str(raw["family_name"]), details, missing)


def _rejected(code: RowCode, problems: Iterable[InvalidField]) -> Rejected:
    return Rejected(code.value, "; ".join(str(problem) for problem in problems))


def not_enough_data(row: RegistrationRow) -> Rejected:
    return Rejected(RowCode.NOT_ENOUGH_DATA.value,
                    f"{ROW_WORDING[RowCode.NOT_ENOUGH_DATA]}: {', '.join(row.missing)} missing")  # fmt: skip


# Verification rows ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterValues:
    """What the register holds for a verified ULN (the master's when the ULN is linked)."""

    uln: str
    family_name: str
    given_name: str
    date_of_birth: date
    gender: int


@dataclass(frozen=True, slots=True)
class VerificationOutcome:
    """A verification row's answer: the code, the flags, and the register's values when the ULN is on it."""

    code: VerificationCode
    flags: tuple[FailureFlag, ...]
    register: RegisterValues | None = None


def parse_verification_row(row: Mapping[str, str | None]) -> VerificationQuery | Rejected:
    """Check a MIAPBatchLearnerToVerify row; a broken rule rejects it (WSEC0001, with every field and rule)."""
    shape = _column_count(row)
    if shape is not None:
        return Rejected(INVALID_ROW, str(shape))
    mis = row.get("MISIdentifier") or ""
    problems: list[InvalidField] = []
    if len(mis) > 128:
        problems.append(InvalidField("MISIdentifier", f"has {len(mis)} characters", "MIAPMISIdentifier: at most 128"))
    try:
        query = verification_query(row.get("ULN"), row.get("GivenName"), row.get("FamilyName"),
                                   row.get("DateOfBirth") or None, row.get("Gender") or None)  # fmt: skip
    except InvalidFields as broken:
        problems.extend(broken.problems)
    if problems:
        return Rejected(INVALID_ROW, "; ".join(str(problem) for problem in problems))
    return query


_FINISHED = frozenset({JobStatus.SUCCESSFUL.value, JobStatus.FAILED.value})


def is_finished(status: str) -> bool:
    """A job that no worker will touch again: its output is final."""
    return status in _FINISHED


def poll_code(status: str) -> ResponseCode:
    """What polling a job answers: WSRC0008 while it waits or runs, WSRC0009 once done, else WSRC0010 (failed)."""
    if status in (JobStatus.WAITING.value, JobStatus.IN_PROGRESS.value):
        return ResponseCode.BATCH_INCOMPLETE
    return ResponseCode.BATCH_SUCCESSFUL if status == JobStatus.SUCCESSFUL.value else ResponseCode.BATCH_FAILED
