from __future__ import annotations

import secrets
from datetime import date, datetime

import pytest

from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.batches import (
    COLUMN_COUNT,
    BatchKind,
    Channel,
    FileHeader,
    JobType,
    RegistrationRow,
    Rejected,
    check_file_owner,
    check_headings,
    check_job_type,
    check_record_count,
    check_uci,
    check_upn,
    counter_for,
    empty_counters,
    not_enough_data,
    parse_file_header,
    parse_registration_row,
    parse_verification_row,
    registration_headings,
    verification_headings,
)
from learner_records.domain.errors import InvalidField
from learner_records.domain.matching import Matcher, VerificationQuery
from learner_records.services.batches import BatchService
from learner_records.services.register import RegisterCore
from tests.unit.fakes import FakeUnitOfWork

TODAY = date(2026, 11, 2)


def row(**changes: str | None) -> dict[str, str | None]:
    values: dict[str, str | None] = {"MISIdentifier": "A1", "GivenName": "Amara", "FamilyName": "Okafor",
                                     "DateOfBirth": "2010-05-06", "Gender": "2",
                                     "LastKnownPostCode": "m1 1ae"}  # fmt: skip
    values.update(changes)
    return values


def test_a_complete_row_becomes_learner_details_and_a_search() -> None:
    parsed = parse_registration_row(row(AbilityToShare="1"), TODAY, Channel.WEB_SERVICE)
    assert isinstance(parsed, RegistrationRow)
    assert parsed.details is not None and parsed.details.postcode == "M1 1AE" and parsed.missing == ()
    assert parsed.demographics is not None and parsed.demographics.date_of_birth == date(2010, 5, 6)


def test_a_row_without_what_registration_needs_keeps_its_names_and_lists_what_is_missing() -> None:
    parsed = parse_registration_row(row(DateOfBirth="", LastKnownPostCode=None), TODAY, Channel.FILE)
    assert isinstance(parsed, RegistrationRow)
    assert (parsed.given_name, parsed.details, parsed.missing) == ("Amara", None, ("LastKnownPostCode", "DateOfBirth"))
    assert parsed.demographics is None
    assert not_enough_data(parsed) == Rejected(
        "RC006", "Not enough data to create a ULN: LastKnownPostCode, DateOfBirth missing"
    )


def test_a_broken_field_rule_is_rc011_naming_every_field_and_rule() -> None:
    parsed = parse_registration_row(row(Gender="3", GivenName="", ULN="1234567890"), TODAY, Channel.FILE)
    assert isinstance(parsed, Rejected) and parsed.code == "RC011"
    assert "ULN:" in parsed.message and "GivenName: is missing (mandatory)" in parsed.message
    assert "Gender: '3' is not one of 0|1|2|9 (MIAPGender: 0|1|2|9)" in parsed.message


def test_an_age_outside_13_to_110_is_rc013_in_a_file_and_rc011_by_web_service() -> None:
    too_young = row(DateOfBirth="2015-01-01")
    in_file = parse_registration_row(too_young, TODAY, Channel.FILE)
    by_web_service = parse_registration_row(too_young, TODAY, Channel.WEB_SERVICE)
    assert isinstance(in_file, Rejected) and isinstance(by_web_service, Rejected)
    assert (in_file.code, by_web_service.code) == ("RC013", "RC011")
    assert in_file.message == "DateOfBirth: gives an age of 11 (the learner must be aged 13-110)"
    assert isinstance(parse_registration_row(row(DateOfBirth="2013-11-02"), TODAY, Channel.FILE), RegistrationRow)


def test_a_malformed_uci_or_upn_is_rc012_and_a_format_error_comes_first() -> None:
    bad_upn = parse_registration_row(row(UPN="A801200005001"), TODAY, Channel.FILE)
    assert isinstance(bad_upn, Rejected) and bad_upn.code == "RC012"
    both = parse_registration_row(row(UPN="A801200005001", Gender="x"), TODAY, Channel.FILE)
    assert isinstance(both, Rejected) and both.code == "RC011"
    assert isinstance(parse_registration_row(row(UPN="B801200005001"), TODAY, Channel.FILE), RegistrationRow)


def test_upn_check_letters_and_uci_shapes() -> None:
    assert check_upn("b801200005001") == "B801200005001"
    for wrong in ("A801200005001", "X80120000A001", "B80120000500"):
        with pytest.raises(InvalidField, match="UPN"):
            check_upn(wrong)
    assert check_uci("52205110001X7"[:12] + "K") == "52205110001XK"
    with pytest.raises(InvalidField, match="a UCI is 13 characters"):
        check_uci("5220511X")


def test_privacy_notice_seen_stands_for_ability_to_share_in_3a_files() -> None:
    seen = parse_registration_row(row(PrivacyNoticeSeen="1"), TODAY, Channel.FILE)
    assert isinstance(seen, RegistrationRow) and seen.details is not None and int(seen.details.ability_to_share) == 1
    retired = parse_registration_row(row(PrivacyNoticeSeen="2"), TODAY, Channel.FILE)
    assert isinstance(retired, Rejected) and "PrivacyNoticeSeen: '2' is not 0 or 1" in retired.message


def test_a_line_with_the_wrong_number_of_values_is_rejected_on_its_row() -> None:
    short = parse_registration_row({**row(), COLUMN_COUNT: "4"}, TODAY, Channel.FILE)
    assert short == Rejected("RC011", "line: has 4 values (one value for each heading on line 2)")
    assert parse_verification_row({COLUMN_COUNT: "2"}) == Rejected(
        "WSEC0001", "line: has 2 values (one value for each heading on line 2)"
    )


def test_a_field_the_protocol_does_not_know_is_reported() -> None:
    parsed = parse_registration_row(row(ShoeSize="9"), TODAY, Channel.WEB_SERVICE)
    assert isinstance(parsed, Rejected) and parsed.message.startswith("ShoeSize: is not a BatchLearner field")


def test_verification_rows_become_queries_or_wsec0001_with_every_problem() -> None:
    query = parse_verification_row({"ULN": "1000000043", "GivenName": "Amara", "FamilyName": "Okafor",
                                    "DateOfBirth": "2010-05-06", "Gender": ""})  # fmt: skip
    assert query == VerificationQuery("1000000043", "Amara", "Okafor", date(2010, 5, 6), None)
    broken = parse_verification_row({"ULN": "123", "GivenName": "", "FamilyName": "Okafor", "Gender": "5"})
    assert isinstance(broken, Rejected) and broken.code == "WSEC0001"
    assert [part.split(":")[0] for part in broken.message.split("; ")] == ["ULN", "GivenName", "Gender"]


@pytest.mark.parametrize(
    ("code", "counter"),
    [("WSRC0005", "new"), ("WSRC0004", "exists"), ("WSRC0022", "exists"), ("WSRC0003", "possible_match"),
     ("WSRC0002", "possible_match"), ("WSRC0001", "not_found"), ("RC006", "rejected"), ("RC011", "rejected"),
     ("RC012", "rejected"), ("RC013", "rejected")],
)  # fmt: skip
def test_each_registration_return_code_adds_to_its_counter(code: str, counter: str) -> None:
    assert counter_for(BatchKind.REGISTRATION, code) == counter


def test_verification_counters_are_one_per_wsvrc_code_and_rejected() -> None:
    assert list(empty_counters(BatchKind.VERIFICATION)) == [f"WSVRC00{n}" for n in range(1, 7)] + ["rejected"]
    assert counter_for(BatchKind.VERIFICATION, "WSVRC004") == "WSVRC004"
    assert counter_for(BatchKind.VERIFICATION, "WSEC0001") == "rejected"
    assert empty_counters(BatchKind.REGISTRATION) == dict.fromkeys(
        ["new", "exists", "possible_match", "not_found", "rejected"], 0
    )


def test_job_types_and_record_counts() -> None:
    assert check_job_type(" chk ") is JobType.CHECK
    with pytest.raises(InvalidField, match="MIAPBatchJobType"):
        check_job_type("ALL")
    check_record_count(200, Channel.WEB_SERVICE)
    check_record_count(100_000, Channel.FILE)
    with pytest.raises(InvalidField, match="1-200"):
        check_record_count(201, Channel.WEB_SERVICE)
    with pytest.raises(InvalidField, match="at least one learner"):
        check_record_count(0, Channel.FILE)


def test_line_1_carries_the_version_a_name_and_the_ukprn() -> None:
    assert parse_file_header(["3A", " Spring intake ", "10000001"]) == FileHeader("3A", "Spring intake", "10000001")
    for cells, field in [(["2A", "x"], "header"), (["2B", "x", "10000001"], "FileVersion"),
                         (["2A", "", "10000001"], "FileName"), (["2A", "x", "1234"], "UKPRN")]:  # fmt: skip
        with pytest.raises(InvalidField) as refused:
            parse_file_header(cells)
        assert refused.value.field == field
    with pytest.raises(InvalidField, match="is not the submitting organisation's UKPRN"):
        check_file_owner(FileHeader("2A", "x", "10000009"), "10000001")


def test_line_2_must_hold_the_headings_case_sensitive_in_order() -> None:
    check_headings(BatchKind.REGISTRATION, "2A", list(registration_headings("2A")))
    check_headings(BatchKind.VERIFICATION, "2A", ["MISIdentifier", "ULN", "FamilyName", "GivenName", "DateOfBirth",
                                                  "Gender"])  # fmt: skip
    with pytest.raises(InvalidField, match="column 3 is 'givenname' where 'FamilyName' belongs"):
        check_headings(BatchKind.VERIFICATION, "2A", ["MISIdentifier", "ULN", "givenname"])
    with pytest.raises(InvalidField, match="line 2 has 5 columns, not 6"):
        check_headings(BatchKind.VERIFICATION, "2A", list(verification_headings("2A"))[:5])


def test_3a_adds_uci_and_upn_and_replaces_ability_to_share() -> None:
    two, three = registration_headings("2A"), registration_headings("3A")
    assert two[:2] == ("MISIdentifier", "ULN") and "AbilityToShare" in two and "PrivacyNoticeSeen" not in two
    assert set(three) - set(two) == {"UCI", "UPN", "PrivacyNoticeSeen"} and "AbilityToShare" not in three


class _Clock:
    def now(self) -> datetime:
        return datetime(2026, 11, 2, 9, 0)


def test_the_service_works_a_job_on_the_fake_store_and_logs_each_disclosure() -> None:
    uow = FakeUnitOfWork()
    org = uow.organisations.add("10000001", "School", OrganisationKind.LEARNER_REGISTRATION_BODY, None, _Clock().now())
    school = Actor(OrganisationKind.LEARNER_REGISTRATION_BODY, "office", org.id, org.ukprn)
    service = BatchService(uow, _Clock(), RegisterCore(secrets.randbelow, Matcher()))
    job = service.submit_registration(school, [row(), row(MISIdentifier="A2"), row(Gender="x")], "FUL")
    done = service.process()
    assert done is not None and done.status == "Successful"
    assert done.counters == {"new": 1, "exists": 1, "possible_match": 0, "not_found": 0, "rejected": 1}
    results = service.results(school, job.id)
    assert [r.return_code for r in results] == ["WSRC0005", "WSRC0004", "RC011"]
    assert [(e.action, e.uln) for e in uow.access_log.entries] == [("batch_register", results[0].uln),
                                                                   ("batch_find", results[0].uln)]  # fmt: skip
    assert service.run_pending() == []


def test_polling_answers_incomplete_until_the_job_is_done_then_successful_or_failed() -> None:
    from learner_records.domain.batches import is_finished, poll_code

    assert [poll_code(s).value for s in ("Waiting", "InProgress", "Successful", "Failed")] == [
        "WSRC0008", "WSRC0008", "WSRC0009", "WSRC0010"]  # fmt: skip
    assert [is_finished(s) for s in ("Waiting", "InProgress", "Successful", "Failed")] == [False, False, True, True]
