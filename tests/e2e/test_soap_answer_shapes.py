"""Answers in the live service's shape, element by element on the wire, each still valid against the contract
(every call goes through `ContractCheck`). The shapes are those of the live service's recorded answers in MoJ's
hmpps-learner-records-api, wiremock/__files/: FindLearnerByDemographics/exact_match_ful.xml and
linked_learner_found_ful.xml, GetLearnerLearningEvents/exact_match_full.xml and not_verified.xml."""

from __future__ import annotations

from lxml import etree

from .conftest import LiveServer
from .soap_clients import Soap
from .test_soap_learner_service import find_by_demographics, find_by_uln, register
from .test_soap_r9_and_external import achievement, events, finished, learner, submit

__all__ = ["learner"]  # the fixture

MODEL = "{http://api.lrs.qcf.gov.uk/model}"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
LEARNER_NS = "{http://api.lrs.miap.gov.uk/learner}"
UNGRADED_CSV = (
    "reference,title,qualification_type,level,credits,awarding_organisation_name,awarding_organisation_ukprn,"
    "regulated,grades\n"
    "600/1166/X,Additional Science,GCSE,Level 1/2,,Northgate Awards,10000002,yes,Pass\n"
)


def answered_learner(soap: Soap) -> etree._Element:
    learner = soap.last_answer().find("Learner")
    assert learner is not None
    return learner


def test_a_learner_carries_its_dates_as_days_and_no_master_substituted_unless_it_was(soap: Soap) -> None:
    uln = register(soap)
    assert find_by_uln(soap, uln).ResponseCode == "WSRC0004"
    learner = answered_learner(soap)
    created, updated = learner.findtext("CreatedDate") or "", learner.findtext("LastUpdatedDate") or ""
    assert len(created) == len("2026-12-04") and created[4] == "-" and created[7] == "-"
    assert len(updated) == len("2026-12-04")
    assert learner.find("MasterSubstituted") is None


def test_a_learner_with_no_links_or_notes_carries_them_empty(soap: Soap) -> None:
    register(soap)
    assert find_by_demographics(soap).ResponseCode == "WSRC0004"
    learner = answered_learner(soap)
    linked, notes = learner.find(f"{LEARNER_NS}LinkedULNs"), learner.find("Notes")
    assert linked is not None and len(linked) == 0
    assert notes is not None and not notes.text
    assert learner.find("PreviousFamilyName") is None  # other empty elements stay out, as the live service has them


def test_a_substituted_master_says_y_and_lists_its_linked_ulns(soap: Soap, server: LiveServer) -> None:
    master = register(soap)
    linked = register(soap, GivenName="Siobhan", DateOfBirth="2009-04-18")
    assert server.client("admin").post("/api/v1/merges", json={"master_uln": master, "linked_uln": linked}).is_success
    assert find_by_uln(soap, linked, GivenName="Siobhán").ResponseCode == "WSRC0022"
    learner = answered_learner(soap)
    assert learner.findtext("MasterSubstituted") == "Y"
    assert [uln.text for uln in learner.findall(f"{LEARNER_NS}LinkedULNs/ULN")] == [linked]


def test_a_plr_read_that_does_not_verify_carries_an_empty_found_uln(soap: Soap, learner: str) -> None:
    assert events(soap, learner, given="Someone", family="Else").ResponseCode == "WSEC0208"
    result = soap.last_answer()[0]
    found = result.find(f"{MODEL}FoundULN")
    assert found is not None and not found.text and found.get(XSI_NIL) is None
    assert result.findtext(f"{MODEL}IncomingULN") == learner


def test_an_event_with_no_credits_carries_0_under_both_views(soap: Soap, server: LiveServer, learner: str) -> None:
    assert server.client("admin").post("/api/v1/qualifications", files={"file": ("q.csv", UNGRADED_CSV)}).is_success
    rows = [achievement(learner, UnitOrQualificationReferenceNumber="600/1166/X", Grade="Pass")]
    assert finished(soap, submit(soap, rows).JobId).AchievementsCreated == 1
    for view in ("FULL", "BRIEF"):
        assert events(soap, learner, view).ResponseCode == "WSRC0004"
        [event] = soap.last_answer()[0].findall(f"{MODEL}LearnerRecord/{MODEL}LearningEvent")
        assert (event.findtext(f"{MODEL}Credits"), event.findtext(f"{MODEL}Level")) == ("0", "Level 1/2")
