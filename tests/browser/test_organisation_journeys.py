"""The organisation portal's journeys in a real browser, as a college's people make them: finding a learner who is
not on the register and registering them, finding them again and verifying their ULN, a batch file watched until
it has finished and its output downloaded, and a super user adding a user and unlocking them."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from learner_records.bootstrap import Services
from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.users import Role

from .conftest import LiveServer, check_accessibility, sign_in

# The journeys run on SQLite only: on PostgreSQL as well they took 100 to 150 seconds in all, well over
# the minute these browser tests may take, and the same journeys are covered on both databases over HTTP
# (tests/e2e/test_portal_organisation.py), where what differs between the databases is.
pytestmark = [pytest.mark.slow, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
PASSWORD = "Correct-horse-9"
UKPRN = "10012345"


@dataclass(frozen=True)
class College:
    super_user: str
    online_user: str


@pytest.fixture
def college(server: LiveServer, operator: Actor) -> College:
    kind = OrganisationKind.LEARNER_REGISTRATION_BODY
    organisation = server.services.organisations.create(operator, UKPRN, "Riverside College", kind).organisation
    users = server.services.users
    users.create(None, "asha.patel@riverside.ac.uk", "Asha Patel", Role.SUPER_USER, organisation.id, PASSWORD)
    users.create(None, "ben.cole@riverside.ac.uk", "Ben Cole", Role.ONLINE_USER, organisation.id, PASSWORD)
    return College("asha.patel@riverside.ac.uk", "ben.cole@riverside.ac.uk")


def _learners(services: Services) -> int:
    assert services.engine is not None
    with services.engine.connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM learner")).scalar_one())


def _fill_date(page: Page, day: str, month: str, year: str) -> None:
    """The page's one GOV.UK date input, by its boxes' labels."""
    page.get_by_label("Day").fill(day)
    page.get_by_label("Month").fill(month)
    page.get_by_label("Year").fill(year)


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/$"))


# 1. Finding, registering and verifying a learner -----------------------------------------------------------------


def test_a_learner_not_on_the_register_is_registered_found_again_and_verified(
    page: Page, server: LiveServer, college: College, screenshot: Callable[..., Path]
) -> None:
    sign_in(page, college.online_user, PASSWORD)
    expect(page).to_have_url(re.compile(r"/home$"))
    expect(page.get_by_text("You are signed in as an online user.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Learners").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a learner")
    check_accessibility(page)

    # A date of birth that is no date: the summary names it, the message is beside it, and nothing is searched.
    page.get_by_label("Given name").fill("Maya")
    page.get_by_label("Family name", exact=True).fill("Thompson")
    _fill_date(page, "31", "2", "2008")
    page.get_by_label("Female").check()
    page.get_by_label("Postcode").fill("LS6 2AB")
    page.get_by_role("button", name="Search by details").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Find a learner"))
    expect(summary).to_contain_text("is not a real date")
    expect(page.locator("#DateOfBirth-error")).to_contain_text("is not a real date")
    expect(page.get_by_label("Given name")).to_have_value("Maya")  # what was typed is kept
    check_accessibility(page)
    screenshot(page, "bad-date-of-birth")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Day")).to_be_focused()

    _fill_date(page, "12", "3", "2008")
    page.get_by_role("button", name="Search by details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results")
    expect(page.get_by_text("No learner on the register is like these details.")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "no-match")
    page.get_by_role("button", name="Register a new learner").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Register a new learner")
    searched = page.locator(".govuk-summary-list")  # the form is prefilled with the details searched for
    for shown in ("Maya", "Thompson", "2008-03-12", "Female", "LS6 2AB"):
        expect(searched).to_contain_text(shown)
    check_accessibility(page)
    screenshot(page, "register")

    # A broken date on the registration form itself: named in the summary and beside it, and no one is registered.
    _fill_date(page, "45", "13", "2025")
    page.get_by_label("The learner has seen the privacy notice and their record may be shared").check()
    page.get_by_role("button", name="Register learner").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#DateOfAddressCapture-error")).to_be_visible()
    expect(page.locator(".govuk-error-summary a[href='#DateOfAddressCapture-day']")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "register-bad-date")
    assert _learners(server.services) == 0

    _fill_date(page, "", "", "")
    page.get_by_label("Middle names (optional)").fill("Rose")
    page.get_by_role("button", name="Register learner").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text(re.compile(r"Learner registered\. Their ULN is \d{10}"))
    found = re.search(r"\d{10}", banner.inner_text())
    assert found is not None
    uln = found.group()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya Thompson")
    expect(page.get_by_text(f"ULN {uln}").first).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Rose")
    check_accessibility(page)
    screenshot(page, "registered")
    assert _learners(server.services) == 1

    page.get_by_role("link", name="Find another learner").click()
    page.get_by_label("ULN", exact=True).fill(uln)
    page.get_by_role("button", name="Find by ULN").click()
    expect(page).to_have_url(re.compile(rf"/organisation/learners/{uln}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya Thompson")

    page.get_by_role("link", name="Verify a ULN against a learner's names").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify a ULN")
    expect(page.get_by_label("ULN", exact=True)).to_have_value(uln)
    check_accessibility(page)
    page.get_by_label("Given name").fill("Mayaa")  # a typo
    page.get_by_label("Family name").fill("Thompson")
    page.get_by_role("button", name="Verify").click()
    outcome = page.locator("#outcome")
    expect(outcome).to_contain_text(f"ULN {uln}")
    expect(outcome.locator(".govuk-tag")).to_have_text("Similar match")
    expect(page.get_by_text("The ULN was found and the names are similar but not the same: check the details with "
                            "the learner.")).to_be_visible()  # fmt: skip
    expect(page.get_by_text("Given name differs only by a typo (Mayaa / Maya)")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "similar-match")


# 2. A batch file --------------------------------------------------------------------------------------------------

HEADINGS = ("MISIdentifier,ULN,Title,GivenName,PreferredGivenName,MiddleOtherName,FamilyName,PreviousFamilyName,"
            "FamilyNameAtAge16,SchoolAtAge16,LastKnownAddressLine1,LastKnownAddressLine2,LastKnownAddressTown,"
            "LastKnownAddressCountyOrCity,LastKnownPostCode,DateOfAddressCapture,DateOfBirth,PlaceOfBirth,EmailAddress,"
            "Gender,Nationality,ScottishCandidateNumber,AbilityToShare,VerificationType,OtherVerificationDescription,"
            "Notes")  # fmt: skip


def _row(mis: str, given: str, family: str, born: str, gender: str, postcode: str) -> str:
    cells = dict.fromkeys(HEADINGS.split(","), "")
    cells.update(MISIdentifier=mis, GivenName=given, FamilyName=family, DateOfBirth=born, Gender=gender,
                 LastKnownPostCode=postcode, AbilityToShare="1")  # fmt: skip
    return ",".join(cells.values())


def test_a_batch_file_is_uploaded_watched_until_finished_and_its_output_downloaded(
    page: Page, college: College, tmp_path: Path, screenshot: Callable[..., Path]
) -> None:
    batch = tmp_path / "LRB_10012345_021120260900.CSV"
    batch.write_text("\n".join([f"2A,Autumn intake,{UKPRN}", HEADINGS,
                                _row("A1", "Amara", "Okafor", "2010-05-06", "2", "M1 1AE"),
                                _row("A2", "Tomasz", "Nowak", "2009-01-20", "1", "LS1 4AP"),
                                _row("A3", "Broken", "Row", "2010-05-06", "7", "M1 1AE")]) + "\n")  # fmt: skip
    sign_in(page, college.super_user, PASSWORD)
    page.get_by_role("link", name="Batch files").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Batch files")
    expect(page.get_by_text("Your organisation has sent no batch files yet.")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Find each learner, and register those not found").check()
    page.get_by_label("Batch file (CSV)").set_input_files(batch)
    screenshot(page, "upload")
    page.get_by_role("button", name="Upload file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Batch job \d+$"))
    expect(page.get_by_text("LRB_10012345_021120260900.CSV")).to_be_visible()
    check_accessibility(page)
    # The worker runs the job in the background; the page refreshes itself until it has finished.
    expect(page.locator("#status .govuk-tag")).to_have_text("Finished", timeout=30_000)
    expect(page.locator("meta[http-equiv='refresh']")).to_have_count(0)
    counters = page.locator(".govuk-summary-list")
    expect(counters.locator(".govuk-summary-list__row", has_text="Learners in the file")).to_contain_text("3")
    expect(counters.locator(".govuk-summary-list__row", has_text="Registered with a new ULN")).to_contain_text("2")
    expect(counters.locator(".govuk-summary-list__row", has_text="Rejected: a field to correct")).to_contain_text("1")
    exceptions = page.locator("table tbody tr")
    expect(exceptions).to_have_count(1)
    expect(exceptions).to_contain_text("Broken Row")
    expect(exceptions).to_contain_text("RC011")
    check_accessibility(page)
    screenshot(page, "finished")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the output file (CSV)").click()
    assert download.value.suggested_filename.endswith(".output.csv")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(csv.DictReader(saved.read_text(encoding="utf-8").splitlines()))
    assert [row["MISIdentifier"] for row in rows] == ["A1", "A2", "A3"]
    assert [row["ReturnCode"] for row in rows] == ["WSRC0005", "WSRC0005", "RC011"]
    assert all(re.fullmatch(r"\d{10}", row["ReturnedULN"]) for row in rows[:2]) and not rows[2]["ReturnedULN"]
    assert "Gender" in rows[2]["Message"]

    page.get_by_role("link", name="Back to batch files").click()
    expect(page.get_by_role("link", name=re.compile(r"^Job \d+$"))).to_have_count(1)


# 3. Users ---------------------------------------------------------------------------------------------------------


def test_a_super_user_adds_a_user_who_locks_themselves_out_and_is_unlocked(
    page: Page, college: College, screenshot: Callable[..., Path]
) -> None:
    sign_in(page, college.super_user, PASSWORD)
    page.get_by_role("link", name="Users").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisation's users")
    check_accessibility(page)
    page.get_by_role("button", name="Add a user").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a user")
    check_accessibility(page)
    page.get_by_label("Full name").fill("Erin Hart")
    page.get_by_label("Email address").fill("erin.hart@riverside.ac.uk")
    page.get_by_label("Online user").check()
    page.get_by_label("First password").fill("Lantern-brook-26")
    page.get_by_role("button", name="Add user").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Erin Hart was added as an online user")
    erin = page.get_by_role("row", name=re.compile("Erin Hart"))
    expect(erin).to_contain_text("Active")
    _sign_out(page)

    sign_in(page, "erin.hart@riverside.ac.uk", "Lantern-brook-26")
    expect(page.get_by_role("heading", level=1)).to_have_text("Erin Hart")
    _sign_out(page)
    for _ in range(10):
        sign_in(page, "erin.hart@riverside.ac.uk", "Wrong-password-1")
        expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("a link to unlock it")
    screenshot(page, "locked")
    sign_in(page, "erin.hart@riverside.ac.uk", "Lantern-brook-26")  # locked: refused as a wrong password is
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct email address and password")

    sign_in(page, college.super_user, PASSWORD)
    page.get_by_role("link", name="Users").first.click()
    erin = page.get_by_role("row", name=re.compile("Erin Hart"))
    expect(erin.locator(".govuk-tag")).to_have_text("Locked")
    check_accessibility(page)
    screenshot(page, "users-locked")
    page.get_by_role("button", name="Unlock Erin Hart").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Erin Hart's account was unlocked: they can sign in again"
    )
    expect(page.get_by_role("row", name=re.compile("Erin Hart")).locator(".govuk-tag")).to_have_text("Active")
    expect(page.get_by_role("button", name="Unlock Erin Hart")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "unlocked")
    _sign_out(page)

    sign_in(page, "erin.hart@riverside.ac.uk", "Lantern-brook-26")
    expect(page).to_have_url(re.compile(r"/home$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Erin Hart")
