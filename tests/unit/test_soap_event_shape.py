"""A learning event in the live service's shape: Level nil and Credits 0 when the register has neither, as the
live service's recorded answer has its ILR rows (hmpps-learner-records-api,
wiremock/__files/GetLearnerLearningEvents/exact_match_full.xml); the answer still validates."""

from __future__ import annotations

from datetime import datetime

from learner_records.domain.plr import EventStatus, LearningEvent, View
from learner_records.entrypoints.soap.contract import contract
from learner_records.entrypoints.soap.r9_service import event_message
from learner_records.entrypoints.soap.xml import XSI_NIL, render

MODEL = "{http://api.lrs.qcf.gov.uk/model}"
TEMPURI = "http://tempuri.org/"


def participation() -> LearningEvent:
    loaded = datetime(2026, 5, 31, 16, 47, 4)
    return LearningEvent(
        id=2931, uln="1174112637", source="ILR", subject_code="50079116", subject="GCSE in English Literature",
        qualification_type="GCSE", level=None, grade=None, credits=None, awarding_organisation_name=None,
        awarding_organisation_ukprn=None, provider_name=None, provider_ukprn=None, award_date=None,
        participation_start=None, participation_end=None, status=EventStatus.FINAL, date_loaded=loaded,
        updated_at=loaded, submitted_by=1,
    )  # fmt: skip


def test_an_event_with_no_level_or_credits_carries_level_nil_and_credits_0_in_either_view() -> None:
    r9 = contract("LearnerServiceR9")
    for view in View:
        result = {"ResponseCode": "WSRC0004", "FoundULN": "1174112637", "IncomingULN": "1174112637",
                  "LearnerRecord": {"LearningEvent": [event_message(participation(), view)]}}  # fmt: skip
        answer = render(r9, (TEMPURI, "GetLearnerLearningEventsResponse"), {"GetLearnerLearningEventsResult": result})
        assert r9.schema.validate(answer), r9.schema.error_log
        event = answer.find(f".//{MODEL}LearningEvent")
        assert event is not None
        level = event.find(f"{MODEL}Level")
        assert level is not None and level.get(XSI_NIL) == "true"
        assert event.findtext(f"{MODEL}Credits") == "0"
        assert event.find(f"{MODEL}Grade") is None  # what the live service has no reason to send stays out
