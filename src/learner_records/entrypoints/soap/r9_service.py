"""LearnerServiceR9: the learner by ULN in the R9 model, the PLR's learning events, the subset update, ViewAudit
and GetOrganisation. WSEC0206 / WSEC0208 on a PLR read are ResponseCodes here, as the register answers them.
Each handler checks the message's values before its credentials, as the live service does."""

from __future__ import annotations

from typing import Any

from ...domain.checks import FieldChecks
from ...domain.codes import ResponseCode
from ...domain.errors import InvalidField
from ...domain.learner import AbilityToShare, Learner, validate_uln
from ...domain.plr import BRIEF_FIELDS, LearningEvent, View
from ...domain.queries import verification_query
from .credentials import r9_actor
from .endpoint import Handler, SoapCall
from .messages import uln_lookup
from .xml import NIL, Message

# AbilityToShare as the R9 model spells it (FPNSeenShareData is 1; NotProvided, -1, is not a register value)
_SHARE_NAMES = {"FPNNotSeen": AbilityToShare.NOTICE_NOT_SEEN, "FPNSeenShareData": AbilityToShare.SHARE}
_EVENT_ELEMENTS = {  # LearningEvent element -> attribute, in the contract's order
    "AchievementAwardDate": "award_date", "AchievementProviderName": "provider_name",
    "AchievementProviderUkprn": "provider_ukprn", "AwardingOrganisationName": "awarding_organisation_name",
    "AwardingOrganisationUkprn": "awarding_organisation_ukprn", "Credits": "credits", "DateLoaded": "date_loaded",
    "Grade": "grade", "ID": "id", "LanguageForAssessment": "language_for_assessment", "Level": "level",
    "ParticipationEndDate": "participation_end", "ParticipationStartDate": "participation_start",
    "QualificationType": "qualification_type", "Source": "source", "Status": "status", "Subject": "subject",
    "SubjectCode": "subject_code", "UnderDataChallenge": "under_data_challenge",
}  # fmt: skip


# An event's Credits and Level are always sent, as the live (WCF) service writes them: Credits is a long, so a
# missing value is 0, and Level is nil (hmpps-learner-records-api,
# wiremock/__files/GetLearnerLearningEvents/exact_match_full.xml: ILR rows carry <a:Credits>0</a:Credits> and
# <a:Level i:nil="true"/>).
_WHEN_NULL: dict[str, Any] = {"credits": 0, "level": NIL}


def _dotnet_datetime(value: Any) -> str | None:
    """A date as the xs:dateTime the R9 model carries (midnight)."""
    return None if value is None else f"{value.isoformat()}T00:00:00"


def r9_learner(learner: Learner) -> Message:
    d = learner.details
    return {
        "AbilityToShare": int(d.ability_to_share),
        "CreatedDate": learner.created_at.isoformat(),
        "DateOfAddressCapture": _dotnet_datetime(d.date_of_address_capture),
        "DateOfBirth": _dotnet_datetime(d.date_of_birth),
        "EmailAddress": d.email_address,
        "FamilyName": d.family_name,
        "FamilyNameAt16": d.family_name_at_16,
        "Gender": int(d.gender),
        "GivenName": d.given_name,
        "LastKnownAddressCountyOrCity": d.county_or_city,
        "LastKnownAddressLine1": d.address_line_1,
        "LastKnownAddressLine2": d.address_line_2,
        "LastKnownAddressTown": d.town,
        "LastKnownPostCode": d.postcode,
        "LastUpdatedDate": learner.updated_at.isoformat(),
        "LinkedUlns": {"string": list(learner.linked_ulns)} if learner.linked_ulns else None,
        "MasterUln": learner.master_uln,
        "MiddleOtherName": d.middle_other_name,
        "Nationality": d.nationality,
        "Notes": d.notes,
        "OtherVerificationDescription": d.other_verification_description,
        "PlaceOfBirth": d.place_of_birth,
        "PreferredGivenName": d.preferred_given_name,
        "PreviousFamilyName": d.previous_family_name,
        "RecordStatus": int(learner.status),
        "SchoolAtAge16": d.school_at_16,
        "ScottishCandidateNumber": d.scottish_candidate_number,
        "TierLevel": int(learner.tier_level),
        "Title": d.title,
        "Uln": learner.uln,
        "VerificationType": int(d.verification_type),
        "VersionNumber": learner.version,
    }


def _learner_by_uln(call: SoapCall) -> Message:
    message = call.message
    uln, given, family, kind = uln_lookup(message, "uln", "givenName", "familyName", "findType")
    actor = r9_actor(call.services, message)
    found = call.services.register.find_by_uln(actor, uln, given, family)
    result: Message = {"ResponseCode": found.code.value, "FamilyName": family, "GivenName": given, "Uln": uln}
    if found.learner is not None and kind == "FUL":
        result["Learner"] = r9_learner(found.learner)
    return {"LearnerByUlnResult": result}


def _view(value: Any) -> View:
    try:
        return View((value or "").strip().upper())
    except ValueError:
        raise InvalidField("getType", f"{value!r} is not FULL or BRIEF", "FULL|BRIEF") from None


def _event_value(event: LearningEvent, attribute: str) -> Any:
    value = getattr(event, attribute)
    if value is None and attribute in _WHEN_NULL:
        return _WHEN_NULL[attribute]
    if attribute == "under_data_challenge":
        return "Y" if value else "N"
    if attribute == "date_loaded":
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if attribute == "status":
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def event_message(event: LearningEvent, view: View) -> Message:
    shown = BRIEF_FIELDS if view is View.BRIEF else tuple(_EVENT_ELEMENTS.values())
    return {element: _event_value(event, attr) for element, attr in _EVENT_ELEMENTS.items() if attr in shown}


def _learning_events(call: SoapCall) -> Message:
    message = call.message
    checks = FieldChecks()
    view = checks.take(_view, message.get("getType"))
    query = checks.take(
        verification_query, message.get("uln"), message.get("givenName"), message.get("familyName"),
        message.get("dateOfBirth"), message.get("gender"),
    )  # fmt: skip
    checks.done()
    assert query is not None and view is not None
    actor = r9_actor(call.services, message)
    result = call.services.records.read_plr(actor, query)
    events = [event_message(event, view) for event in result.events]
    return {
        "GetLearnerLearningEventsResult": {
            "ResponseCode": result.code.value,
            # empty, not left out, when no learner was verified (WSEC0208), as the live service answers:
            # hmpps-learner-records-api, wiremock/__files/GetLearnerLearningEvents/not_verified.xml
            "FoundULN": result.found_uln or "",
            "IncomingULN": result.incoming_uln,
            "LearnerRecord": {"LearningEvent": events},
        }
    }


def _ability_to_share(value: Any) -> AbilityToShare:
    if value in _SHARE_NAMES:
        return _SHARE_NAMES[value]
    allowed = ", ".join(_SHARE_NAMES)
    raise InvalidField("abilityToShare", f"{value!r} is not a value the register keeps", f"one of {allowed}")


def _update_subset(call: SoapCall) -> Message:
    message = call.message
    checks = FieldChecks()
    uln = checks.take(validate_uln, message.get("uln"), "uln")
    share = checks.take(_ability_to_share, message.get("abilityToShare"))
    if message.get("telephoneNumber"):
        checks.add(InvalidField("telephoneNumber", "is not kept by this register", "leave telephoneNumber empty"))
    checks.done()
    assert uln is not None and share is not None
    actor = r9_actor(call.services, message)
    changes = {"email_address": message.get("emailAddress"), "school_at_16": message.get("schoolAtAge16"),
               "preferred_given_name": message.get("preferredGivenName"), "ability_to_share": share}  # fmt: skip
    call.services.register.update_subset(actor, uln, int(message.get("versionNumber") or 0), changes)
    return {"UpdateLearnerSubsetFieldsResult": ResponseCode.LEARNER_UPDATED.value}


def _view_audit(call: SoapCall) -> Message:
    message = call.message
    query = verification_query(message.get("learnerUln"), message.get("learnerGivenName"),
                               message.get("learnerFamilyName"))  # fmt: skip
    actor = r9_actor(call.services, message)
    page = call.services.records.view_audit(actor, query, int(message.get("page") or 1))
    page.require_readable()
    entries = [
        {"Action": r.action, "DateTime": r.at.isoformat(), "Organisation": r.organisation_name, "User": r.user_name}
        for r in page.records
    ]
    return {
        "ViewAuditResult": {
            "List": {"PlrAccessEntryResponse": entries},
            "PageCount": page.page_count,
            "PageIndex": page.page,
            "PageSize": page.page_size,
            "SortIndex": 0,
            "SortOrder": 1,  # newest first
            "TotalItems": page.total,
        }
    }


def _get_organisation(call: SoapCall) -> Message:
    message = call.message
    actor = r9_actor(call.services, message)
    found = call.services.organisations.describe(actor, message.get("ukPrn") or None, message.get("orgRef") or None)
    if found is None:
        return {"GetOrganisationResult": {"ResponseCode": ResponseCode.NO_MATCH.value}}
    return {
        "GetOrganisationResult": {
            "ResponseCode": ResponseCode.EXACT_MATCH.value,
            "DisplayName": found.name,
            "OrgRef": found.organisation_ref,
            "Status": "Active",
            "Ukprn": found.ukprn,
        }
    }


def _wrapped(result: str) -> Any:
    return lambda code: {result: {"ResponseCode": code}}


R9_SERVICE: dict[str, Handler] = {
    "LearnerByUln": Handler(_learner_by_uln, _wrapped("LearnerByUlnResult")),
    "GetLearnerLearningEvents": Handler(_learning_events, _wrapped("GetLearnerLearningEventsResult")),
    "UpdateLearnerSubsetFields": Handler(_update_subset, lambda code: {"UpdateLearnerSubsetFieldsResult": code}),
    "ViewAudit": Handler(_view_audit, lambda code: {"ViewAuditResult": None}),
    "GetOrganisation": Handler(_get_organisation, _wrapped("GetOrganisationResult")),
}
