"""`LrsGateway` over the LRS SOAP protocol, as one organisation (UKPRN, OrgPassword) and one user.

It answers what the in-process adapter answers for the same register state; `soap_client.py` turns faults and
network failures into the same domain errors. The operations:

==================  =================================================================================
verify              LearnerService verifyLearner, one call per learner, a few side by side; for a
                    similar match (WSVRC003/004) also learnerByULN (FUL), for the register's postcode,
                    previous family name and middle name, which VerifiedLearner does not carry
find                LearnerService learnerByDemographics (FUL)
register            LearnerService registerSingleLearner; WSRC0021 raises DuplicateLearner
submit_achievements ExternalService SubmitAchievementBatchJob, then GetAchievementBatchJob for the job
achievement_job     ExternalService GetAchievementBatchJob; its counters under AchievementService's keys
read_plr            LearnerServiceR9 GetLearnerLearningEvents (FULL); WSEC0206 / WSEC0208 are codes
==================  =================================================================================

verifyLearner is used rather than submitVerifyBatch: a batch is answered only when a worker has run it, and
polling for it would make every validation as slow as the worker's round. A ULN that fails its check digit
is answered here as the register answers it (WSVRC006, or WSEC0208 for a PLR read), since the protocol would
refuse the request instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from ...domain import errors, matching
from ...domain import uln as uln_rules
from ...domain.codes import ErrorCode, FailureFlag, ResponseCode, VerificationCode
from ...domain.learner import PROTOCOL_NAMES, LearnerDetails
from ...domain.matching import Demographics, RegisterRecord, VerificationQuery, VerificationResult
from ...domain.plr import SUCCESSFUL_FINAL, SUCCESSFUL_PROVISIONAL, Outcome
from ...lrs_contract import protocol_text
from ...services.gateway import GatewayEvent, GatewayJob, GatewayMatch, GatewayPlr, GatewayVerification
from ...services.ports import Clock
from . import soap_client
from .soap_client import call, refusal

VERIFY_WORKERS = soap_client.POOL_SIZE
SUBMISSION_TYPE = "Awarding"  # as the in-process adapter names its jobs
VENDOR_ID = 0  # LearnerServiceR9 wants a supplier number; the LRS issues them to MIS vendors, not to AOs
COUNTERS = {  # GetAchievementBatchJob element -> AchievementService counter
    "AchievementsCreated": Outcome.CREATED.value,
    "AchievementsUpdated": Outcome.UPDATED.value,
    "AchievementsWithdrawn": Outcome.WITHDRAWN.value,
    "AchievementsReinstated": Outcome.REINSTATED.value,
    "AchievementsPromotedToFinal": Outcome.PROMOTED.value,
    "FieldDataErrors": Outcome.FIELD_ERROR.value,
    "LearnerDataErrors": Outcome.LEARNER_ERROR.value,
    "BusinessRuleErrors": Outcome.BUSINESS_ERROR.value,
    "SuccessfulFinalAchievements": SUCCESSFUL_FINAL,
    "SuccessfulProvisionalAchievements": SUCCESSFUL_PROVISIONAL,
}
ACHIEVEMENT_ELEMENTS = (
    "AchievementAwardDate", "Action", "ActionDate", "ActionReason", "DateofBirth", "FamilyName", "Gender",
    "GivenName", "Grade", "LanguageForAssessment", "LearnerPostcode", "MisIdentifier", "ProviderUkprn", "Uln",
    "UnitOrQualificationReferenceNumber",
)  # fmt: skip
_DATE_TIMES = ("AchievementAwardDate", "ActionDate", "DateofBirth")
_REQUIRED = ("AchievementAwardDate", "Action")  # neither nillable: the element must hold a value
_NILLABLE = ("FamilyName", "GivenName", "ProviderUkprn", "Uln", "UnitOrQualificationReferenceNumber")


class SoapGateway:
    def __init__(self, base_url: str, ukprn: str, password: str, user_name: str, clock: Clock) -> None:
        self._url = base_url
        self._ukprn = ukprn
        self._password = password
        self._user = user_name
        self._clock = clock

    # --- LearnerService -------------------------------------------------------------------------------------

    def _miap(self) -> dict[str, Any]:
        return {"OrganisationRef": None, "UKPRN": self._ukprn, "OrgPassword": self._password, "UserName": self._user}

    def verify(self, queries: Sequence[VerificationQuery]) -> list[GatewayVerification]:
        if not queries:
            return []
        learners = soap_client.service("LearnerService", self._url)
        with ThreadPoolExecutor(max_workers=min(VERIFY_WORKERS, len(queries))) as pool:
            return list(pool.map(lambda query: self._verify_one(learners, query), queries))

    def _verify_one(self, learners: Any, query: VerificationQuery) -> GatewayVerification:
        if not uln_rules.is_valid(query.uln):
            return GatewayVerification(query, matching.verify(query, None, linked=False), None)
        sent = {"ULN": query.uln, "FamilyName": query.family_name, "GivenName": query.given_name,
                "DateOfBirth": protocol_text(query.date_of_birth), "Gender": protocol_text(query.gender)}  # fmt: skip
        # zeep hands back a response's only child (VerifiedLearner here, the *Result of R9 and ExternalService)
        answer = call(learners.verifyLearner, **self._miap(), LearnerToVerify=sent)
        _raise_refusal(answer.ResponseCode)
        if answer.ResponseCode not in {code.value for code in VerificationCode}:
            raise errors.LearnerRecordsError(f"The register answered {answer.ResponseCode} to a verification")
        code = VerificationCode.of(answer.ResponseCode)
        flags = tuple(FailureFlag.of(flag) for flag in answer.FailureFlag or ())
        record = None if answer.ULN is None else _verified_record(answer)
        if record is not None and code in (VerificationCode.SIMILAR_MATCH, VerificationCode.SIMILAR_LINKED_MATCH):
            record = self._whole_record(learners, record, query)
        return GatewayVerification(query, _result(query, code, flags, record), record)

    def _whole_record(self, learners: Any, partial: RegisterRecord, query: VerificationQuery) -> RegisterRecord:
        """The register's record with the fields VerifiedLearner leaves out, when the names are similar enough
        for learnerByULN to show it (they are, for WSVRC003/004); else what verifyLearner said."""
        answer = call(learners.learnerByULN, FindType="FUL", **self._miap(), ULN=partial.uln,
                      FamilyName=query.family_name, GivenName=query.given_name)  # fmt: skip
        found = [learner for learner in answer.Learner or () if learner.ULN == partial.uln]
        if not found:
            return partial
        learner = found[0]
        return RegisterRecord(
            uln=learner.ULN,
            given_name=learner.GivenName,
            family_name=learner.FamilyName,
            date_of_birth=date.fromisoformat(learner.DateOfBirth),
            gender=int(learner.Gender),
            postcode=learner.LastKnownPostCode or "",
            previous_family_name=learner.PreviousFamilyName,
            master_uln=None,  # a record learnerByULN answers with is a master, or stands alone
            middle_name=learner.MiddleOtherName,
        )

    def find(self, query: Demographics) -> GatewayMatch:
        learners = soap_client.service("LearnerService", self._url)
        answer = call(
            learners.learnerByDemographics, FindType="FUL", **self._miap(), FamilyName=query.family_name,
            GivenName=query.given_name, DateOfBirth=query.date_of_birth.isoformat(), Gender=str(query.gender),
            LastKnownPostCode=query.postcode, PreviousFamilyName=query.previous_family_name, SchoolAtAge16=None,
            PlaceOfBirth=None, EmailAddress=None,
        )  # fmt: skip
        _raise_refusal(answer.ResponseCode)
        return GatewayMatch(answer.ResponseCode, tuple(str(learner.ULN) for learner in answer.Learner or ()))

    def register(self, details: LearnerDetails) -> str:
        learners = soap_client.service("LearnerService", self._url)
        values = details.as_dict()
        sent = {element: protocol_text(values[attribute]) for attribute, element in PROTOCOL_NAMES.items()}
        answer = call(learners.registerSingleLearner, **self._miap(),
                      Learner={element: value for element, value in sent.items() if value is not None})  # fmt: skip
        _raise_refusal(answer.ResponseCode)
        if answer.ResponseCode != ResponseCode.LEARNER_REGISTERED.value or not answer.ULN:
            raise errors.LearnerRecordsError(f"The register answered {answer.ResponseCode} and no ULN")
        return str(answer.ULN)

    # --- ExternalService ------------------------------------------------------------------------------------

    def _invoking_user(self) -> dict[str, Any]:
        # ExternalService has no UKPRN element: an 8-character OrganisationRef is taken as the UKPRN
        return {"OrgPassword": self._password, "OrganisationRef": self._ukprn, "UserName": self._user}

    def submit_achievements(self, rows: Sequence[Mapping[str, object]]) -> GatewayJob:
        external = soap_client.service("ExternalService", self._url)
        today = self._clock.now().date()
        sent = [_achievement(row, today) for row in rows]
        answer = call(
            external.SubmitAchievementBatchJob, invokingUser=self._invoking_user(), emailAddress=None,
            submissionType=SUBMISSION_TYPE, achievements={"Achievement": sent},
        )  # fmt: skip
        _raise_refusal(answer.ResponseCode)
        if answer.JobId is None:
            raise errors.LearnerRecordsError(f"The register answered {answer.ResponseCode} and no job")
        # The same rows sent again are the earlier job, whatever its state: ask for it, as the register knows it.
        return self.achievement_job(int(answer.JobId))

    def achievement_job(self, job_id: int) -> GatewayJob:
        external = soap_client.service("ExternalService", self._url)
        answer = call(external.GetAchievementBatchJob, invokingUser=self._invoking_user(),
                      jobId=job_id)  # fmt: skip
        if answer.ResponseCode == ResponseCode.UNKNOWN_JOB.value:
            raise errors.UnknownJob(f"No achievement job {job_id}")
        _raise_refusal(answer.ResponseCode)
        counters = {key: int(answer[element]) for element, key in COUNTERS.items() if answer[element]}
        if answer.Status == "Successful":
            # Rows sent again with nothing to change are counted by the register but not carried by the protocol:
            # in a finished job they are the rows without another outcome.
            done = sum(count for key, count in counters.items() if key in {o.value for o in Outcome})
            if (answer.NumberOfRecords or 0) > done:
                counters[Outcome.UNCHANGED.value] = int(answer.NumberOfRecords) - done
        return GatewayJob(int(answer.JobID), str(answer.Status), counters)

    # --- LearnerServiceR9 -----------------------------------------------------------------------------------

    def read_plr(self, query: VerificationQuery) -> GatewayPlr:
        if not uln_rules.is_valid(query.uln):
            return GatewayPlr(ErrorCode.NOT_VERIFIED.value, None, ())
        r9 = soap_client.service("LearnerServiceR9", self._url)
        invoking = {"OrganisationRef": None, "Password": self._password, "Ukprn": self._ukprn,
                    "Username": self._user}  # fmt: skip
        answer = call(
            r9.GetLearnerLearningEvents, invokingOrganisation=invoking, userType="ORG", vendorID=VENDOR_ID,
            language="ENG", uln=query.uln, givenName=query.given_name, familyName=query.family_name,
            dateOfBirth=protocol_text(query.date_of_birth), gender=protocol_text(query.gender), getType="FULL",
        )  # fmt: skip
        _raise_refusal(answer.ResponseCode)
        record = answer.LearnerRecord
        events = tuple(
            GatewayEvent(event.SubjectCode, event.Grade, event.AchievementAwardDate, event.Status)
            for event in ((record.LearningEvent or ()) if record is not None else ())
            if event is not None
        )
        return GatewayPlr(answer.ResponseCode, answer.FoundULN, events)


def _raise_refusal(code: str | None) -> None:
    error = refusal(code)
    if error is not None:
        raise error


def _verified_record(answer: Any) -> RegisterRecord:
    """The register's values that VerifiedLearner carries (the master's when the ULN was linked)."""
    return RegisterRecord(
        uln=str(answer.ULN),
        given_name=answer.GivenName,
        family_name=answer.FamilyName,
        date_of_birth=date.fromisoformat(answer.DateOfBirth),
        gender=int(answer.Gender),
        postcode="",  # not carried
    )


def _result(
    query: VerificationQuery, code: VerificationCode, flags: tuple[FailureFlag, ...], record: RegisterRecord | None
) -> VerificationResult:
    """The register's outcome with reasons: the protocol carries none, so they are the matcher's own words for
    this outcome when it reaches the same one over the record answered, else the flags' wording."""
    local = matching.verify(query, record, linked=code.is_linked)
    if (local.code, local.flags) == (code, flags):
        return local
    return VerificationResult(code, flags, tuple(flag.wording for flag in flags))


def _achievement(row: Mapping[str, object], today: date) -> dict[str, object]:
    """An achievement row (protocol element names as keys) as the contract's Achievement."""
    unknown = sorted(set(row) - set(ACHIEVEMENT_ELEMENTS))
    if unknown:
        raise errors.InvalidField(unknown[0], "is not carried by the LRS protocol",
                                  "an element of ExternalService Achievement")  # fmt: skip
    sent: dict[str, object] = {}
    for element in ACHIEVEMENT_ELEMENTS:
        value = row.get(element)
        if value is None or value == "":
            if element == "ActionDate":
                value = today  # the register's own default, for a register that shares this clock
            elif element in _REQUIRED:
                raise errors.InvalidField(element, "is missing", "mandatory in ExternalService Achievement")
            elif element in _NILLABLE:
                sent[element] = None
                continue
            else:
                continue
        if element in _DATE_TIMES:
            text = protocol_text(value) or ""
            value = text if "T" in text else f"{text}T00:00:00"
        sent[element] = value
    return sent
