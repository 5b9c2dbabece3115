"""Applications and the register's administration in a real browser: an organisation applies (a shared mailbox is
refused beside its field), the administrator approves it and its super user sets a password through the link and
signs in; another application is rejected with a reason; duplicate learners are merged into the chosen master and
unmerged; the access log is filtered by ULN."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from learner_records.domain.access import Actor
from learner_records.domain.applications import ApplicationForm
from learner_records.domain.users import Role, User
from tests.factories import details

from .conftest import LiveServer, check_accessibility, sign_in

# The journeys run on SQLite only: on PostgreSQL as well they took 100 to 150 seconds in all, well over
# the minute these browser tests may take, and the same journeys are covered on both databases over HTTP
# (tests/e2e/test_portal_admin.py), where what differs between the databases is.
pytestmark = [pytest.mark.slow, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
PASSWORD = "Correct-horse-9"
ADMIN = "ada@register.example"


@pytest.fixture
def admin(server: LiveServer) -> User:
    return server.services.users.create(None, ADMIN, "Ada Admin", Role.ADMINISTRATOR, None, PASSWORD)


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/$"))


def _administration(page: Page, section: str) -> None:
    """From anywhere, through the service navigation to the administration page, then one of its sections."""
    page.get_by_role("link", name="Administration").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    page.get_by_role("link", name=section).click()


# 4. Applications --------------------------------------------------------------------------------------------------


def test_an_organisation_applies_is_approved_and_its_super_user_sets_a_password_and_signs_in(
    page: Page, admin: User, screenshot: Callable[..., Path]
) -> None:
    page.goto("/apply")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to use the Learning Records Service")
    check_accessibility(page)
    page.get_by_label("Learner registration body").check()
    page.get_by_label("UKPRN").fill("10012345")
    page.get_by_label("Organisation name").fill("Riverside College")
    page.get_by_label("Postal address").fill("1 River Road\nRiverside\nRV1 2AB")
    page.get_by_label("Web domain").fill("riverside.ac.uk")
    page.get_by_label("Signatory's full name").fill("Dana Head")
    page.get_by_label("Signatory's role").fill("Principal")
    page.get_by_label("The signatory accepts the learning provider agreement for the organisation").check()
    page.get_by_label("Super user's full name").fill("Asha Patel")
    page.get_by_label("Super user's email address").fill("exams@riverside.ac.uk")
    page.get_by_role("button", name="Send application").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("shared or role mailbox")
    expect(page.locator("#super_user_email-error")).to_contain_text(
        "The address exams@riverside.ac.uk is a shared or role mailbox"
    )
    expect(page.get_by_label("Organisation name")).to_have_value("Riverside College")  # what was typed is kept
    check_accessibility(page)
    screenshot(page, "shared-mailbox")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Super user's email address")).to_be_focused()
    page.get_by_label("Super user's email address").fill("asha.patel@riverside.ac.uk")
    page.get_by_role("button", name="Send application").click()

    expect(page.locator(".govuk-panel")).to_contain_text("Application sent")
    expect(page.get_by_text("asha.patel@riverside.ac.uk")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "sent")

    sign_in(page, ADMIN, PASSWORD)
    _administration(page, "Applications to review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Applications")
    check_accessibility(page)
    page.get_by_role("row", name=re.compile("Riverside College")).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside College")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Dana Head, Principal")
    expect(page.get_by_text("The organisation is created as a learner registration body")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "review")
    page.get_by_role("button", name="Approve application").click()

    expect(page.locator(".govuk-panel")).to_contain_text("Application approved")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Asha Patel (asha.patel@riverside.ac.uk)")
    check_accessibility(page)
    screenshot(page, "approved")
    shown = page.locator("#password-link").get_attribute("href")  # the administrator passes it on
    assert shown is not None and "/set-password/" in shown
    # The link is made from the configured public address (not from the request's Host, which a caller chooses);
    # the test's server listens on a port of its own, so the journey opens the link's path there.
    link = urlsplit(shown).path
    _sign_out(page)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your password")
    expect(page.get_by_text("For Asha Patel (asha.patel@riverside.ac.uk).")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Password", exact=True).fill("River-side-2026")
    page.get_by_label("Enter the password again").fill("River-side-2027")
    page.get_by_role("button", name="Create password").click()
    expect(page.locator("#password_confirm-error")).to_contain_text("Enter the same password twice")
    check_accessibility(page)
    page.get_by_label("Password", exact=True).fill("River-side-2026")
    page.get_by_label("Enter the password again").fill("River-side-2026")
    page.get_by_role("button", name="Create password").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Your password is set")
    check_accessibility(page)
    screenshot(page, "password-set")

    page.locator("main").get_by_role("link", name="Sign in", exact=True).click()
    page.get_by_label("Email address").fill("asha.patel@riverside.ac.uk")
    page.get_by_label("Password", exact=True).fill("River-side-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/home$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Asha Patel")
    expect(page.get_by_text("Signed in as Asha Patel (Super user)")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "super-user-home")
    answer = page.goto(link)  # the link worked once
    assert answer is not None and answer.status == 404


def test_an_administrator_rejects_an_application_with_a_reason(
    page: Page, server: LiveServer, admin: User, screenshot: Callable[..., Path]
) -> None:
    server.services.applications.submit(ApplicationForm(
        "learner_registration_body", "10055555", "Hillside Training", "2 Hill Street\nHillside\nHS1 1AA",
        "hillside.example", "Sam Lowe", "Office manager", True, "Sam Lowe", "sam.lowe@hillside.example"))  # fmt: skip
    sign_in(page, ADMIN, PASSWORD)
    _administration(page, "Applications to review")
    page.get_by_role("link", name=re.compile("review the application of Hillside Training")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hillside Training")

    page.get_by_role("button", name="Reject application").click()  # no reason yet
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#reason-error")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "no-reason")

    page.get_by_label("Why is it rejected?").fill("The signatory is not a director or head teacher")
    page.get_by_role("button", name="Reject application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Applications")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The application of Hillside Training was rejected; sam.lowe@hillside.example is told why"
    )
    expect(page.get_by_text("There are no applications here.")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "rejected")

    page.get_by_role("link", name="Rejected").click()
    page.get_by_role("link", name=re.compile("review the application of Hillside Training")).click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("The signatory is not a director or head teacher")
    expect(page.get_by_role("button", name="Approve application")).to_have_count(0)
    check_accessibility(page)


# 5. Administration ------------------------------------------------------------------------------------------------


def test_duplicates_are_merged_into_the_chosen_master_and_unmerged_and_the_access_log_filtered_by_uln(
    page: Page, server: LiveServer, admin: User, operator: Actor, screenshot: Callable[..., Path]
) -> None:
    register = server.services.register
    kate = register.register(operator, details(given_name="Katherine", family_name="Smith", postcode="CV4 9EE"))
    katy = register.register(operator, details(given_name="Kate", family_name="Smith", postcode="CV4 7AL"))
    other = register.register(operator, details(given_name="Oliver", family_name="Grant", postcode="M1 1AE",
                                                gender=1))  # fmt: skip
    sign_in(page, ADMIN, PASSWORD)
    _administration(page, "Duplicate learners")
    expect(page.get_by_role("heading", level=1)).to_have_text("Duplicate learners")
    pair = page.locator("section", has=page.get_by_role("heading", name=re.compile(kate.uln)))
    expect(pair).to_contain_text("Katherine")
    expect(pair).to_contain_text("Kate")
    expect(pair.get_by_role("heading", name="Why they look alike")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "duplicates")

    pair.get_by_role("button", name="Merge into the master").click()  # no master chosen yet
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the record to keep as the master")
    check_accessibility(page)
    pair = page.locator("section", has=page.get_by_role("heading", name=re.compile(kate.uln)))
    pair.get_by_label(f"ULN {kate.uln}").check()
    pair.get_by_role("button", name="Merge into the master").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Merged learners")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"ULN {katy.uln} is now linked to master ULN {kate.uln}"
    )
    merged = page.get_by_role("row", name=re.compile(katy.uln))
    expect(merged).to_contain_text(kate.uln)
    expect(merged.locator(".govuk-tag")).to_have_text("Merged")
    check_accessibility(page)
    screenshot(page, "merged")

    page.get_by_role("button", name=f"Unmerge ULN {katy.uln}").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"ULN {katy.uln} has its own record again")
    expect(page.get_by_role("row", name=re.compile("Unmerged"))).to_contain_text(katy.uln)
    expect(page.get_by_role("button", name=re.compile("^Unmerge"))).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "unmerged")
    assert register.find_by_uln(operator, katy.uln).learner.master_uln is None  # type: ignore[union-attr]

    page.get_by_role("link", name="Administration", exact=True).last.click()  # the back link
    page.get_by_role("link", name="Access log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access log")
    check_accessibility(page)
    page.get_by_label("ULN").fill(katy.uln)
    page.get_by_role("button", name="Search the log").click()
    expect(page).to_have_url(re.compile(rf"uln={katy.uln}"))
    lines = page.locator("table tbody tr")
    expect(lines.first).to_be_visible()
    actions = lines.locator("td:nth-child(5)").all_inner_texts()
    assert {"register", "duplicate_scan", "merge", "unmerge"} <= set(actions), actions
    assert set(lines.locator("td:nth-child(6)").all_inner_texts()) == {katy.uln}
    expect(page.locator("main")).not_to_contain_text(other.uln)
    check_accessibility(page)
    screenshot(page, "access-log")
