"""The rules of invitations and share links: codes, expiry, revocation, limited attempts, the learner's proof of
identity, labels and lengths."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from learner_records.domain.errors import InvalidField
from learner_records.domain.matching import RegisterRecord
from learner_records.domain.sharing import (
    CODE_ALPHABET,
    INVITATION_DAYS,
    MAX_FAILED_ATTEMPTS,
    Invitation,
    InvitationState,
    ShareLink,
    ShareState,
    check_code,
    check_days,
    check_label,
    check_proof,
    format_code,
    hash_secret,
    identity_not_proved,
    identity_proved,
    invitation_expiry,
    normalise_code,
    share_expiry,
    share_viewer,
)

NOW = datetime(2026, 11, 2, 9, 0)


def invitation(**changes: object) -> Invitation:
    values: dict[str, object] = {"id": 1, "uln": "1026893096", "organisation_id": 3, "created_by": "a@b.example",
                                 "created_at": NOW, "expires_at": invitation_expiry(NOW)}  # fmt: skip
    values.update(changes)
    return Invitation(**values)  # type: ignore[arg-type]


def test_an_invitation_works_for_fourteen_days_and_then_expires() -> None:
    assert invitation_expiry(NOW) == NOW + timedelta(days=INVITATION_DAYS) == datetime(2026, 11, 16, 9, 0)
    assert invitation().state(NOW + timedelta(days=13, hours=23)) is InvitationState.OPEN
    assert invitation().state(NOW + timedelta(days=14)) is InvitationState.EXPIRED
    with pytest.raises(InvalidField, match="expired on 16 November 2026") as refused:
        invitation().require_open(NOW + timedelta(days=15))
    assert refused.value.field == "code"


def test_a_used_invitation_is_refused_even_before_it_expires() -> None:
    used = invitation(used_at=NOW)
    assert used.state(NOW) is InvitationState.USED
    with pytest.raises(InvalidField, match="has been used already"):
        used.require_open(NOW)
    invitation().require_open(NOW)  # an open one passes


def test_a_code_is_read_as_typed_without_spaces_hyphens_or_lower_case() -> None:
    assert normalise_code(" acde-fghj kmnp ") == "ACDEFGHJKMNP"
    assert check_code("acde-fghj-kmnp") == "ACDEFGHJKMNP"
    assert format_code("ACDEFGHJKMNP") == "ACDE-FGHJ-KMNP"


@pytest.mark.parametrize(("typed", "problem"), [("", "Enter your invitation code"),
                                                ("ACDE-FGHJ", "not an invitation code"),
                                                ("ACDE-FGHJ-KMN0", "not an invitation code")])  # fmt: skip
def test_a_code_of_the_wrong_shape_is_refused_on_the_code_field(typed: str, problem: str) -> None:
    with pytest.raises(InvalidField, match=problem) as refused:
        check_code(typed)
    assert refused.value.field == "code"


def test_the_code_alphabet_leaves_out_characters_people_confuse() -> None:
    assert not set("01OIL5S2Z8B") & set(CODE_ALPHABET)


def test_only_a_hash_of_a_secret_is_kept_and_it_fits_the_column() -> None:
    hashed = hash_secret("ACDEFGHJKMNP")
    assert len(hashed) == 64 and "ACDEFGHJKMNP" not in hashed
    assert hashed == hash_secret("ACDEFGHJKMNP") != hash_secret("ACDEFGHJKMNQ")


def test_a_share_link_is_active_until_it_expires_or_is_withdrawn() -> None:
    link = ShareLink(1, "1026893096", "for my new employer", NOW, share_expiry(NOW, 7))
    assert link.state(NOW + timedelta(days=6)) is ShareState.ACTIVE
    assert link.state(NOW + timedelta(days=7)) is ShareState.EXPIRED
    withdrawn = ShareLink(1, "1026893096", "x", NOW, share_expiry(NOW, 7), withdrawn_at=NOW)
    assert withdrawn.state(NOW) is ShareState.WITHDRAWN
    assert withdrawn.state(NOW + timedelta(days=30)) is ShareState.WITHDRAWN
    assert ShareState.EXPIRED.label == "Expired"


@pytest.mark.parametrize("days", ["1", "90", 30, " 14 "])
def test_a_share_link_lasts_one_to_ninety_days(days: str | int) -> None:
    assert 1 <= check_days(days) <= 90


@pytest.mark.parametrize(("days", "problem"), [("0", "outside the range"), ("91", "outside the range"),
                                               ("", "Enter how many days"), ("a week", "Enter how many days"),
                                               ("1.5", "Enter how many days")])  # fmt: skip
def test_other_lengths_are_refused_naming_the_rule(days: str, problem: str) -> None:
    with pytest.raises(InvalidField, match=problem) as refused:
        check_days(days)
    assert (refused.value.field, refused.value.rule) == ("days", "a whole number of days from 1 to 90")


def test_a_label_is_1_to_120_characters_with_its_spaces_tidied() -> None:
    assert check_label("  for my   new employer ") == "for my new employer"
    with pytest.raises(InvalidField, match="Enter who the link is for"):
        check_label("   ")
    with pytest.raises(InvalidField, match="121 characters"):
        check_label("x" * 121)
    assert check_label("x" * 120) == "x" * 120


def test_a_link_viewer_is_named_by_the_label_within_the_log_column() -> None:
    assert share_viewer("for my new employer") == "Someone with your link “for my new employer”"
    assert len(share_viewer("x" * 120)) == 128


def test_a_revoked_invitation_or_one_with_five_wrong_answers_no_longer_works() -> None:
    assert invitation(revoked_at=NOW).state(NOW) is InvitationState.REVOKED
    assert invitation(failed_attempts=MAX_FAILED_ATTEMPTS - 1).state(NOW) is InvitationState.OPEN
    assert invitation(failed_attempts=MAX_FAILED_ATTEMPTS).state(NOW) is InvitationState.VOID
    assert invitation(used_at=NOW, revoked_at=NOW).state(NOW) is InvitationState.USED
    for spent in (invitation(revoked_at=NOW), invitation(failed_attempts=5)):
        with pytest.raises(InvalidField, match="can no longer be used") as refused:
            spent.require_open(NOW)
        assert refused.value.field == "code"


RECORD = RegisterRecord("1026893096", "Nia", "Jones-Price", date(2007, 6, 5), 2, "CV4 9EE",
                        previous_family_name="Évans")  # fmt: skip


@pytest.mark.parametrize("family_name", ["Jones-Price", "jones-price", " JONES-PRICE ", "Evans", "évans"])
def test_the_family_name_or_previous_family_name_with_the_date_of_birth_proves_the_learner(family_name: str) -> None:
    assert identity_proved(RECORD, family_name, date(2007, 6, 5))


@pytest.mark.parametrize(("family_name", "born"), [
    ("Jones-Price", date(2007, 5, 6)),  # day and month swapped: a verification's "similar", not proof
    ("Jones-Price", date(2007, 6, 6)),  # one digit wrong
    ("Jones", date(2007, 6, 5)),  # one part of a hyphenated name
    ("Jones-Prise", date(2007, 6, 5)),  # a typo
    ("Nia", date(2007, 6, 5)),  # the given name
])  # fmt: skip
def test_anything_short_of_an_exact_answer_does_not_prove_the_learner(family_name: str, born: date) -> None:
    assert not identity_proved(RECORD, family_name, born)


def test_a_wrong_answer_is_refused_the_same_way_whichever_part_was_wrong_counting_down_the_tries() -> None:
    first, last, spent = identity_not_proved(4), identity_not_proved(1), identity_not_proved(0)
    assert first.field == last.field == "invitation" and first.problem == last.problem
    assert "4 more tries" in first.rule and "1 more try" in last.rule
    assert "can no longer be used" in spent.problem


def test_an_administrators_proof_says_how_they_checked_the_person() -> None:
    assert check_proof("  saw her   passport ") == "saw her passport"
    with pytest.raises(InvalidField, match="Say how you checked") as refused:
        check_proof(" ")
    assert refused.value.field == "proof"
    with pytest.raises(InvalidField, match="501 characters"):
        check_proof("x" * 501)
