"""The LRS response codes with their official wording (lrs-interface.md section 8).

`ResponseCode` (WSRC) are business outcomes returned with HTTP 200; `ErrorCode` (WSEC) are errors, usually
faults; `VerificationCode` (WSVRC) and `FailureFlag` (VRF) are the outcomes of verifying a learner.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class _Coded(StrEnum):
    wording: str

    def __new__(cls, value: str, wording: str) -> _Coded:
        member = str.__new__(cls, value)
        member._value_ = value
        member.wording = wording
        return member

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def of(cls, value: str) -> Self:
        """The member with this wire code (e.g. "WSVRC003")."""
        return cls._value2member_map_[value]  # type: ignore[return-value]


class ResponseCode(_Coded):
    NO_MATCH = ("WSRC0001", "No match")
    TOO_MANY_MATCHES = ("WSRC0002", "Too many matches")
    POSSIBLE_MATCH = ("WSRC0003", "Possible match")
    EXACT_MATCH = ("WSRC0004", "Exact match")
    LEARNER_REGISTERED = ("WSRC0005", "Learner successfully registered")
    LEARNER_UPDATED = ("WSRC0006", "Learner successfully updated")
    BATCH_SUBMITTED = ("WSRC0007", "Batch registration successfully submitted")
    BATCH_INCOMPLETE = ("WSRC0008", "Batch registration incomplete")
    BATCH_SUCCESSFUL = ("WSRC0009", "Batch registration successful")
    BATCH_FAILED = ("WSRC0010", "Batch registration failed")
    STALE_VERSION = ("WSRC0013", "ULN updated since you last obtained it")
    INVALID_ABILITY_TO_SHARE_CHANGE = ("WSRC0014", "Invalid change of Ability to Share status")
    INSUFFICIENT_DATA = ("WSRC0015", "Insufficient data")
    RECORD_COUNT_INCORRECT = ("WSRC0017", "Record count incorrect")
    UNKNOWN_JOB = ("WSRC0018", "Unknown job")
    ULN_NOT_FOUND_FOR_UPDATE = ("WSRC0019", "ULN not found for update")
    NO_CHANGES = ("WSRC0020", "No changes found, learner not updated")
    CANNOT_REGISTER = ("WSRC0021", "Cannot register: a learner with the same mandatory fields exists")
    MASTER_SUBSTITUTED = ("WSRC0022", "Master record substituted")
    REPORT_ULNS_NOT_FOUND = ("WSRC0023", "ULNs for report not found")
    NO_REPORT_ULNS = ("WSRC0024", "No ULNs for report")


class ErrorCode(_Coded):
    INVALID_REQUEST = ("WSEC0001", "Invalid request")
    UNKNOWN_REQUEST = ("WSEC0002", "Unknown request")
    UNKNOWN_ORGANISATION = ("WSEC0003", "Unknown organisation")
    OUT_OF_HOURS = ("WSEC0004", "Out of hours")
    INCORRECT_PASSWORD = ("WSEC0005", "Incorrect organisation password")
    INSUFFICIENT_ACCESS = ("WSEC0006", "Insufficient access")
    INVALID_ULN = ("WSEC0136", "Supplied ULN is invalid")
    NOT_SHARED = ("WSEC0206", "Learner has not agreed to share data")
    NOT_VERIFIED = ("WSEC0208", "Learner could not be verified")


class VerificationCode(_Coded):
    MATCH = ("WSVRC001", "Successful match")
    LINKED_MATCH = ("WSVRC002", "Successful linked match")
    SIMILAR_MATCH = ("WSVRC003", "Similar match")
    SIMILAR_LINKED_MATCH = ("WSVRC004", "Similar linked match")
    NO_MATCH = ("WSVRC005", "Learner does not match")
    ULN_NOT_FOUND = ("WSVRC006", "ULN not found")

    @property
    def is_linked(self) -> bool:
        return self in (VerificationCode.LINKED_MATCH, VerificationCode.SIMILAR_LINKED_MATCH)

    @property
    def is_exact(self) -> bool:
        return self in (VerificationCode.MATCH, VerificationCode.LINKED_MATCH)


class FailureFlag(_Coded):
    GIVEN_VS_GIVEN = ("VRF1", "Given name does not match the register's given name")
    GIVEN_VS_FAMILY = ("VRF2", "Given name does not match the register's family name")
    GIVEN_VS_PREVIOUS_FAMILY = ("VRF3", "Given name does not match the register's previous family name")
    FAMILY_VS_GIVEN = ("VRF4", "Family name does not match the register's given name")
    FAMILY_VS_FAMILY = ("VRF5", "Family name does not match the register's family name")
    FAMILY_VS_PREVIOUS_FAMILY = ("VRF6", "Family name does not match the register's previous family name")
    DATE_OF_BIRTH = ("VRF7", "Date of birth does not match the register's")
    GENDER = ("VRF8", "Gender does not match the register's")
