"""The learner portal in a real browser, clicking and typing: an organisation makes an invitation code, the learner
sets up their account with it, their family name and date of birth (a weak password refused first), reads and
downloads their record, shares it by a link that a second, signed-out browser opens read-only, sees that view under
"Who looked", withdraws the link, and challenges an entry."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.users import Role
from tests.factories import details
from tests.integration.test_plr_services import CATALOGUE, row, submit

from .conftest import LiveServer, check_accessibility, sign_in

# SQLite only: on both databases these journeys took about two minutes, over the minute a browser suite may
# take; a page's HTML and its clicks do not depend on the database, and the same flows run over HTTP on both
# databases in tests/e2e/test_portal_awarding.py and test_portal_learner.py.
pytestmark = [pytest.mark.slow, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
PASSWORD = "Correct-horse-9"
OFFICE = "office@riverside.ac.uk"
LEARNER_EMAIL = "siobhan@example.org"
LEARNER_PASSWORD = "My-own-record-7"


@pytest.fixture
def world(server: LiveServer, operator: Actor) -> dict[str, Any]:
    services = server.services
    services.records.import_catalogue(operator, CATALOGUE)
    college = services.organisations.create(operator, "10012345", "Riverside College",
                                            OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    awards = services.organisations.create(operator, "10090001", "Northgate Awards",
                                           OrganisationKind.AWARDING_ORGANISATION).organisation  # fmt: skip
    office = services.users.create(None, OFFICE, "Ben Cole", Role.ONLINE_USER, college.id, PASSWORD)
    learner = services.register.register(office.actor(college.ukprn), details())
    submit(services, Actor(OrganisationKind.AWARDING_ORGANISATION, "results", awards.id, awards.ukprn), [row(learner)])
    return {"learner": learner}


def test_invited_learner_reads_downloads_shares_sees_who_looked_withdraws_and_challenges(
    page: Page, browser: Browser, server: LiveServer, world: dict[str, Any], screenshot: Callable[..., Path]
) -> None:
    uln = world["learner"].uln
    # The organisation makes the code on the learner's page.
    sign_in(page, OFFICE, PASSWORD)
    page.goto(f"/organisation/learners/{uln}")
    page.get_by_role("link", name="Give the learner an invitation code to see their own record").click()
    expect(page).to_have_url(re.compile(rf"/organisation/learners/{uln}/invite$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite the learner to see their record")
    check_accessibility(page)
    page.get_by_role("button", name="Make an invitation code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation code for Siobhán Ó Briain")
    expect(page.get_by_text("This code is shown only once")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "invitation-code")
    code = page.locator(".lr-invitation-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    page.get_by_role("button", name="Sign out").click()

    # The learner redeems it: a weak password is refused beside its field first.
    page.goto("/learner/invitation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your learning record account")
    check_accessibility(page)
    page.get_by_label("Invitation code").fill(code)
    page.get_by_label("Family name").fill("Ó Briain")
    page.get_by_label("Day").fill("17")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2009")
    page.get_by_label("Email address").fill(LEARNER_EMAIL)
    page.get_by_label("Create a password").fill("password")
    page.get_by_role("button", name="Set up my account").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#password-error")).to_be_visible()
    expect(page.locator("#code-error")).to_have_count(0)
    expect(page.locator("#email-error")).to_have_count(0)
    expect(page.get_by_label("Email address")).to_have_value(LEARNER_EMAIL)  # what was typed is kept
    expect(page.get_by_label("Family name")).to_have_value("Ó Briain")
    expect(page.get_by_label("Year")).to_have_value("2009")
    check_accessibility(page)
    screenshot(page, "weak-password")
    page.locator(".govuk-error-summary").get_by_role("link").first.click()
    expect(page.get_by_label("Create a password")).to_be_focused()
    page.get_by_label("Invitation code").fill(code)
    page.get_by_label("Create a password").fill(LEARNER_PASSWORD)
    page.get_by_role("button", name="Set up my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is set up")
    check_accessibility(page)

    # Signed in, the learner sees their record and downloads it.
    page.get_by_role("link", name="Sign in to see your learning record").click()
    page.get_by_label("Email address").fill(LEARNER_EMAIL)
    page.get_by_label("Password", exact=True).fill(LEARNER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/learner$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your learning record")
    expect(page.locator(".govuk-summary-list")).to_contain_text(uln)
    events = page.get_by_role("table", name="Learning events")
    expect(events).to_contain_text("Certificate in Digital Skills")
    expect(events).to_contain_text("Merit")
    check_accessibility(page)
    screenshot(page, "record")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your record (PDF)").click()
    assert download.value.suggested_filename == "learning-record.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF")

    # A share link, opened in a second browser that has never signed in.
    page.get_by_role("link", name="Share your record with a link that expires").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share links")
    expect(page.get_by_text("You have not made a share link yet")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Who is it for?").fill("for my new employer")
    page.get_by_label("How many days should it work for?").fill("30")
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_text("Your link “for my new employer” is ready")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "link-made")
    address = page.locator("#new-link").get_attribute("href")
    assert address is not None and "/share/" in address
    share_path = urlsplit(address).path  # the link names the service's public address, not this test's server

    anyone = browser.new_context(base_url=server.url, viewport={"width": 1200, "height": 900})
    try:
        other = anyone.new_page()
        other.goto(share_path)
        expect(other.get_by_role("heading", level=1)).to_have_text("Learning record of Siobhán Ó Briain")
        shared = other.get_by_role("table", name="Learning events")
        expect(shared).to_contain_text("Certificate in Digital Skills")
        expect(shared).to_contain_text("Merit")
        main = other.get_by_role("main")
        expect(main.get_by_role("link", name=re.compile("Challenge"))).to_have_count(0)  # read-only
        expect(main.locator("form")).to_have_count(0)
        assert uln not in main.inner_text()
        expect(other.get_by_role("button", name="Sign out")).to_have_count(0)
        check_accessibility(other)
        screenshot(other, "shared")

        # Back in their account: who looked lists the view; they withdraw the link, which then says so.
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Who looked").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Who looked at your record")
        looked = page.get_by_role("table")
        expect(looked).to_contain_text("Someone with your link “for my new employer”")
        expect(looked).to_contain_text("Viewed your record through a share link")
        check_accessibility(page)
        screenshot(page, "who-looked")
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Share links").click()
        links = page.get_by_role("table")
        expect(links).to_contain_text("Active")
        links.get_by_role("button", name="Withdraw the link for my new employer").click()
        expect(page.get_by_text("is withdrawn").first).to_be_visible()
        expect(page.get_by_role("table")).to_contain_text("Withdrawn")
        check_accessibility(page)
        answer = other.reload()
        assert answer is not None and answer.status == 410
        expect(other.get_by_text("The learner has withdrawn this link")).to_be_visible()
        expect(other.get_by_text("Merit")).to_have_count(0)
        check_accessibility(other)
        screenshot(other, "withdrawn")
    finally:
        anyone.close()

    # The learner challenges an entry; it shows as under data challenge.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your learning record").click()
    page.get_by_role("link", name="Challenge Certificate in Digital Skills").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Challenge an entry")
    check_accessibility(page)
    page.get_by_label("What is wrong with this entry?").fill("I was awarded a Distinction")
    page.get_by_role("button", name="Send the challenge").click()
    expect(page.get_by_text("Your challenge was sent")).to_be_visible()
    row_shown = page.get_by_role("table", name="Learning events").get_by_role("row", name=re.compile("Digital Skills"))
    expect(row_shown).to_contain_text("Under data challenge")
    expect(page.get_by_role("link", name="Challenge Certificate in Digital Skills")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "challenged")
