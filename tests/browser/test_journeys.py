"""The public journeys in a real browser, clicking and typing: the start page, signing in and out, a locked
account, and the certificate check anyone can make from a certificate's QR code."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from learner_records.domain.access import Actor, OrganisationKind
from learner_records.domain.users import Role
from learner_records.entrypoints.cli.demo import seed

from .conftest import LiveServer, check_accessibility, sign_in

pytestmark = pytest.mark.slow
PASSWORD = "Correct-horse-9"


@pytest.fixture
def college_user(server: LiveServer, operator: Actor) -> str:
    college = server.services.organisations.create(operator, "10012345", "Riverside College",
                                                   OrganisationKind.LEARNER_REGISTRATION_BODY).organisation  # fmt: skip
    server.services.users.create(None, "ben.cole@riverside.example.org", "Ben Cole", Role.ONLINE_USER, college.id,
                                 PASSWORD)  # fmt: skip
    return "ben.cole@riverside.example.org"


def test_from_the_start_page_to_home_and_out_again(
    page: Page, college_user: str, screenshot: Callable[..., Path]
) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning records for every learner")
    check_accessibility(page)
    screenshot(page, "start")
    page.get_by_role("button", name="Sign in").click()  # the start button is a link styled as a button
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.get_by_label("Email address").fill(college_user)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/home$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ben Cole")
    expect(page.get_by_text("Signed in as Ben Cole (Online user)")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "home")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/home")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/home$"))


def test_the_pages_work_without_javascript(browser: Browser, server: LiveServer, college_user: str) -> None:
    context = browser.new_context(base_url=server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_role("button", name="Sign in").click()
        sign_in(page, college_user, PASSWORD)
        expect(page).to_have_url(re.compile(r"/home$"))
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(re.compile(r"/$"))
    finally:
        context.close()


def test_ten_wrong_passwords_lock_the_account_without_telling_a_guesser(
    page: Page, college_user: str, screenshot: Callable[..., Path]
) -> None:
    for attempt in range(10):
        sign_in(page, college_user, "Wrong-password-1")
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        if attempt == 0:
            expect(summary).to_contain_text("Enter a correct email address and password")
            expect(page).to_have_title(re.compile(r"^Error: Sign in"))
            check_accessibility(page)
            screenshot(page, "wrong-password")
    # the same message as for any wrong password: it says what happens after many, not whether it has
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page.locator("#email-error")).to_contain_text("a link to unlock it")  # beside the field as well
    summary.get_by_role("link").first.click()  # the summary's link takes you to the field
    expect(page.get_by_label("Email address")).to_be_focused()
    check_accessibility(page)
    screenshot(page, "locked")
    sign_in(page, college_user, PASSWORD)  # the right password does not open a locked account
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct email address and password")


def test_anyone_can_check_a_certificate_without_signing_in(
    page: Page, server: LiveServer, operator: Actor, screenshot: Callable[..., Path]
) -> None:
    seeded = seed(server.services, operator, learners=250)
    assert seeded.awarding is not None
    replaced, revoked, *_, current = seeded.awarding.certificates
    page.goto(f"/verify/{current}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate check")
    expect(page.locator(".govuk-tag")).to_have_text("This certificate is genuine")
    expect(page.locator(".govuk-summary-list")).to_contain_text("ULN validated against the register")
    assert not re.search(r"\b\d{10}\b", page.locator("main").inner_text()), "a ULN is on the public page"
    check_accessibility(page)
    screenshot(page, "genuine")
    page.goto(f"/verify/{revoked}")
    expect(page.locator(".govuk-tag")).to_have_text("This certificate has been revoked")
    expect(page.get_by_text("Reason: The award was withdrawn after moderation")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "revoked")
    page.goto(f"/verify/{replaced}")
    expect(page.locator(".govuk-tag")).to_have_text("This certificate was replaced by a corrected one")
    answer = page.goto("/verify/no-such-certificate")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate not found")
    check_accessibility(page)
    page.get_by_role("link", name="Find out about this service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning records for every learner")
