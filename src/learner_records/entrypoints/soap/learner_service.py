"""LearnerService (the MIAP learner API): find, register, update, verify and retrieve learners.

Each handler reads the request message, checks its values, then who is calling (as the live service does: a
malformed message is WSEC0001 whatever its credentials), calls one service, and writes the response message; the
contract's element names are the keys. Batch operations are in `learner_batches.py`.
"""

from __future__ import annotations

from typing import Any

from ...domain.checks import FieldChecks
from ...domain.codes import ResponseCode
from ...domain.errors import InvalidField
from ...domain.learner import PROTOCOL_NAMES, Learner, parse_details, validate_uln
from ...domain.names import normalise_postcode
from ...domain.queries import demographics, verification_query
from ...lrs_contract import protocol_text as plain
from .credentials import miap_actor
from .endpoint import Handler, SoapCall
from .learner_batches import BATCH_HANDLERS
from .messages import find_type, miap_date, uln_lookup, verified_learner
from .xml import Message

ATTRIBUTES = {element: attribute for attribute, element in PROTOCOL_NAMES.items()}


def learner_message(learner: Learner, master_substituted: bool = False) -> Message:
    """A MIAPLearner in the live service's shape, as MoJ's recorded answers have it
    (hmpps-learner-records-api, wiremock/__files/FindLearnerByDemographics/exact_match_ful.xml and
    linked_learner_found_ful.xml): CreatedDate and LastUpdatedDate as yyyy-MM-dd, MasterSubstituted only when it
    is Y, LinkedULNs and Notes always there (empty when there are none), other empty elements left out."""
    details = learner.details.as_dict()
    message: Message = {element: plain(details[attribute]) for attribute, element in PROTOCOL_NAMES.items()}
    message.update(
        CreatedDate=miap_date(learner.created_at),
        LastUpdatedDate=miap_date(learner.updated_at),
        ULN=learner.uln,
        MasterSubstituted="Y" if master_substituted else None,
        TierLevel=str(int(learner.tier_level)),
        LearnerStatus=str(int(learner.status)),
        LinkedULNs={"ULN": list(learner.linked_ulns)},
        Notes=message.get("Notes") or "",
        VersionNumber=learner.version,
    )
    return message


def details_from(sent: Message | None) -> dict[str, Any]:
    """A LearnerToRegister's elements as learner attributes (unknown elements cannot pass the schema)."""
    return {ATTRIBUTES[element]: value for element, value in (sent or {}).items() if element in ATTRIBUTES}


def _learner_by_uln(call: SoapCall) -> Message:
    message = call.message
    uln, given, family, kind = uln_lookup(message, "ULN", "GivenName", "FamilyName", "FindType")
    actor = miap_actor(call.services, message)
    found = call.services.register.find_by_uln(actor, uln, given, family)
    answer: Message = {"ResponseCode": found.code.value, "ULN": uln,
                       "FamilyName": message.get("FamilyName"), "GivenName": message.get("GivenName")}  # fmt: skip
    if found.learner is not None and kind == "FUL":
        answer["Learner"] = [learner_message(found.learner, found.master_substituted)]
    return answer


def _learner_by_demographics(call: SoapCall) -> Message:
    message = call.message
    checks = FieldChecks()
    kind = checks.take(find_type, message.get("FindType"))
    query = checks.take(
        demographics, message.get("GivenName"), message.get("FamilyName"), message.get("DateOfBirth"),
        message.get("Gender"), message.get("LastKnownPostCode"), message.get("PreviousFamilyName"),
    )  # fmt: skip
    checks.done()
    assert query is not None
    actor = miap_actor(call.services, message)
    search = call.services.register.find_by_demographics(actor, query)
    echo = {name: message.get(name) or None for name in ("FamilyName", "GivenName", "DateOfBirth", "Gender",
                                                         "PreviousFamilyName", "SchoolAtAge16", "PlaceOfBirth",
                                                         "EmailAddress")}  # fmt: skip
    answer: Message = {"ResponseCode": search.code.value, **echo,
                       "LastKnownPostCode": normalise_postcode(query.postcode)}  # fmt: skip
    if kind == "FUL":
        answer["Learner"] = [
            learner_message(match.learner, match.matched_uln != match.learner.uln) for match in search.matches
        ]
    return answer


def _register(call: SoapCall) -> Message:
    details = parse_details(details_from(call.message.get("Learner")))
    actor = miap_actor(call.services, call.message)
    learner = call.services.register.register(actor, details)
    return {"ResponseCode": ResponseCode.LEARNER_REGISTERED.value, "ULN": learner.uln}


def _update(call: SoapCall) -> Message:
    sent = dict(call.message.get("Learner") or {})
    checks = FieldChecks()
    uln = checks.take(validate_uln, sent.pop("ULN", None))
    version = checks.take(_version, sent.pop("VersionNumber", None))
    details = checks.take(parse_details, details_from(sent))
    checks.done()
    assert uln is not None and version is not None and details is not None
    actor = miap_actor(call.services, call.message)
    call.services.register.update(actor, uln, version, details)
    return {"ResponseCode": ResponseCode.LEARNER_UPDATED.value}


def _version(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise InvalidField("VersionNumber", f"{value!r} is not a whole number", "xs:int") from None


def _verify(call: SoapCall) -> Message:
    sent = call.message.get("LearnerToVerify") or {}
    query = verification_query(
        sent.get("ULN"), sent.get("GivenName"), sent.get("FamilyName"), sent.get("DateOfBirth"), sent.get("Gender")
    )
    actor = miap_actor(call.services, call.message)
    [verification] = call.services.register.verify(actor, [query])
    searched = {"ULN": query.uln, "FamilyName": query.family_name, "GivenName": query.given_name,
                "DateOfBirth": query.date_of_birth, "Gender": query.gender}  # fmt: skip
    result = verification.result
    return {"VerifiedLearner": verified_learner(searched, result.code.value, result.flags, verification.record)}


def _retrieve(call: SoapCall) -> Message:
    sent = (call.message.get("ULNsToRetrieve") or {}).get("ULN") or []
    checks = FieldChecks()
    ulns = [checks.take(validate_uln, uln, f"ULNsToRetrieve/ULN[{index}]") for index, uln in enumerate(sent, 1)]
    checks.done()
    actor = miap_actor(call.services, call.message)
    retrieved = call.services.register.retrieve(actor, [uln for uln in ulns if uln is not None])
    return {
        "RetrievedULNs": {
            "VerifiedULN": [
                {
                    "ULN": item.uln,
                    "MasterULN": item.master_uln,
                    "ResponseCode": item.code.value,
                    "FamilyName": item.learner.details.family_name if item.learner else None,
                    "GivenName": item.learner.details.given_name if item.learner else None,
                    "DateOfBirth": plain(item.learner.details.date_of_birth) if item.learner else None,
                    "Gender": plain(int(item.learner.details.gender)) if item.learner else None,
                }
                for item in retrieved
            ]
        }
    }


def _code(code: str) -> Message:
    return {"ResponseCode": code}


LEARNER_SERVICE: dict[str, Handler] = {
    "learnerByULN": Handler(_learner_by_uln, _code),
    "learnerByDemographics": Handler(_learner_by_demographics, _code),
    "registerSingleLearner": Handler(_register, _code),
    "updateSingleLearner": Handler(_update, _code),
    "verifyLearner": Handler(_verify, lambda code: {"VerifiedLearner": {"ResponseCode": code}}),
    "retrieveULNs": Handler(_retrieve, lambda code: {"RetrievedULNs": None}),
    **BATCH_HANDLERS,
}
