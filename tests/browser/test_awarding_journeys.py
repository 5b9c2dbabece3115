"""The awarding portal in a real browser, clicking and typing: an awarding body user reads the dashboard's charts,
registers a learner whose family name is misspelt, resolves the anomaly the background validation raises with one
click, enters a result, sends and confirms it and downloads the certificate; a centre user kept to their own
centre; data challenges rejected with a reason and accepted with an amended grade."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from learner_records.domain.access import Actor
from learner_records.domain.matching import VerificationQuery
from tests.e2e.test_portal_awarding import REFERENCE, Awarding, awarding_world

from .conftest import LiveServer, check_accessibility, sign_in

# SQLite only: on both databases these journeys took about two minutes, over the minute a browser suite may
# take; a page's HTML and its clicks do not depend on the database, and the same flows run over HTTP on both
# databases in tests/e2e/test_portal_awarding.py and test_portal_learner.py.
pytestmark = [pytest.mark.slow, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
PASSWORD = "Correct-horse-9"
AWARDING_USER = "results@northgate.test"
CENTRE_USER = "exams@riverside.test"


@pytest.fixture
def world(server: LiveServer, operator: Actor) -> Awarding:
    return awarding_world(server, operator)


def _menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Menu")


def _until(page: Page, target: Locator, text: str | re.Pattern[str], again: Callable[[], object]) -> None:
    """What a person does while the background worker has not got there yet: look again (reload, or press the
    button again) until the page says so. Each look is Playwright's auto-waiting expect, never a fixed sleep."""
    for _ in range(40):
        try:
            expect(target).to_contain_text(text, timeout=500)
            return
        except AssertionError:
            again()
    expect(target).to_contain_text(text)


def _date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_register_resolve_the_anomaly_certify_and_download(
    page: Page, world: Awarding, screenshot: Callable[..., Path]
) -> None:
    # Two registrations at the other centre, validated before the journey, so the dashboard has numbers to show.
    world.register(world.other)
    world.register(world.other, uln="1026893097", given_name="Kim")  # a wrong check digit: an anomaly at once
    world.server.services.awarding.validate(world.ao)

    sign_in(page, AWARDING_USER, PASSWORD)
    _menu(page).get_by_role("link", name="Awarding dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Awarding dashboard")
    expect(page.locator("#count-registrations")).to_have_text("2")
    expect(page.locator("#count-anomalies")).to_have_text("1")
    chart = page.get_by_role("img", name=re.compile(r"^Registrations by ULN validation outcome"))
    expect(chart).to_have_accessible_name(re.compile(r"Validated: 1; Anomaly: 1"))
    expect(page.get_by_role("img", name=re.compile(r"^Anomalies open at the end of each week"))).to_be_visible()
    outcomes = page.get_by_role("table", name="Validation outcomes")
    expect(outcomes.get_by_role("row", name="Validated")).to_contain_text("1")
    expect(outcomes.get_by_role("row", name="Anomaly")).to_contain_text("1")
    check_accessibility(page)
    screenshot(page, "dashboard")

    _menu(page).get_by_role("link", name="Registrations").click()
    page.get_by_role("link", name="Register a learner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a learner")
    check_accessibility(page)
    page.get_by_label("Centre").select_option(label="C001 Riverside College")
    page.get_by_label("Qualification").select_option(label=f"{REFERENCE} Certificate in Digital Skills")
    page.get_by_label("Given name").fill("Katherine")
    page.get_by_label("Family name").fill("Smith-Jonse")  # misspelt
    _date(page, "Date of birth", "17", "4", "2009")
    page.get_by_label("Female").check()
    page.get_by_label("Unique Learner Number (optional)").fill(world.uln)
    page.get_by_label("Candidate reference (optional)").fill("R-1")
    screenshot(page, "register")
    page.get_by_role("button", name="Register the learner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Katherine Smith-Jonse")
    expect(page.get_by_text("The learner is registered")).to_be_visible()
    check_accessibility(page)
    registration_url = page.url.split("?")[0]

    _until(page, page.locator("#uln-state"), "Anomaly", page.reload)  # the server's worker validates
    expect(page.locator("#anomaly")).to_contain_text("The register has family name Smith-Jones; you sent Smith-Jonse")
    page.get_by_role("link", name="Resolve it on the Administration page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration: ULN anomalies")
    card = page.get_by_role("region", name=re.compile(r"Katherine Smith-Jonse"))
    expect(card).to_contain_text("What failed")
    expect(card).to_contain_text("The register has family name Smith-Jones; you sent Smith-Jonse")
    expect(card).to_contain_text("Use the names as the register spells them: Katherine Smith-Jones")
    expect(card).to_contain_text("28 days left")
    check_accessibility(page)
    screenshot(page, "anomaly")
    card.get_by_role("button", name="Accept the suggested fix").click()
    expect(page.get_by_text("The anomaly is resolved: the ULN was checked again and is validated")).to_be_visible()
    expect(page.get_by_role("region", name=re.compile(r"Katherine Smith-J"))).to_have_count(0)
    expect(page.get_by_role("region", name=re.compile(r"Kim Smith-Jones"))).to_be_visible()  # the other one stays
    check_accessibility(page)

    page.goto(registration_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Katherine Smith-Jones")
    expect(page.locator("#uln-state")).to_contain_text("Validated")
    page.get_by_label("Grade").select_option("Merit")
    _date(page, "Award date", "1", "7", "2026")
    page.get_by_role("button", name="Save the result").click()
    expect(page.get_by_text("The result is saved")).to_be_visible()
    expect(page.locator("#certification-status")).to_have_text("Not sent")
    check_accessibility(page)
    page.get_by_role("button", name="Send the result to the learner's record").click()
    expect(page.locator("#certification-status")).to_have_text("Sent")
    screenshot(page, "sent")
    # The achievement job is the worker's: until it has run, checking leaves the result "Sent".
    check = page.get_by_role("button", name="Check the result arrived")
    _until(page, page.locator("#certification-status"), "Confirmed", check.click)
    expect(page.get_by_text("The learner's record was read back")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Issue the certificate").click()
    expect(page.get_by_text("The certificate is issued")).to_be_visible()
    expect(page.locator("#certificate-status")).to_have_text("Valid")
    check_accessibility(page)
    screenshot(page, "certificate")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    saved = download.value.path()
    assert saved.read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")


def test_a_centre_user_sees_only_their_own_centre(page: Page, world: Awarding, screenshot: Callable[..., Path]) -> None:
    mine = world.register(world.own, uln="1026893097")  # a wrong check digit: an anomaly at once
    theirs = world.register(world.other, uln="1026893097", given_name="Kim")
    sign_in(page, CENTRE_USER, PASSWORD)
    menu = _menu(page)
    expect(menu.get_by_role("link", name="Registrations")).to_be_visible()
    expect(menu.get_by_role("link", name="Results and certificates")).to_have_count(0)
    expect(menu.get_by_role("link", name="Data challenges")).to_have_count(0)

    menu.get_by_role("link", name="Registrations").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="Katherine Smith-Jones")).to_be_visible()
    expect(table.get_by_role("link", name="Kim Smith-Jones")).to_have_count(0)
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(1)
    check_accessibility(page)
    screenshot(page, "registrations")

    menu.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration: ULN anomalies")
    expect(page.get_by_role("region", name=re.compile(r"Katherine Smith-Jones"))).to_contain_text("check digit")
    expect(page.get_by_role("region", name=re.compile(r"Kim"))).to_have_count(0)
    check_accessibility(page)

    card = page.get_by_role("region", name=re.compile(r"Katherine Smith-Jones"))
    card.get_by_role("link", name="Katherine Smith-Jones", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/awarding/registrations/{mine.id}$"))
    expect(page.get_by_role("heading", name="Result")).to_be_visible()
    expect(page.get_by_role("button", name="Save the result")).to_have_count(0)
    expect(page.get_by_role("heading", name="Certificate")).to_have_count(0)
    check_accessibility(page)

    answer = page.goto(f"/awarding/registrations/{theirs.id}")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("not found")
    expect(page.get_by_text("Kim")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "not-found")
    answer = page.goto("/awarding/results")
    assert answer is not None and answer.status == 403


def test_data_challenges_rejected_with_a_reason_then_accepted_with_a_new_grade(
    page: Page, world: Awarding, screenshot: Callable[..., Path]
) -> None:
    services = world.server.services
    registered = world.register(world.own)
    services.awarding.validate(world.ao)
    services.certification.record_result(world.ao, registered.id, "Pass", date(2026, 7, 1))
    services.certification.certify(world.ao, [registered.id])
    world.achievements_loaded(registered.id)
    query = VerificationQuery(world.uln, "Katherine", "Smith-Jones")
    (event,) = services.records.read_plr(world.school, query).events
    services.records.raise_challenge(world.school, event.id or 0, "She was absent on the day")

    sign_in(page, AWARDING_USER, PASSWORD)
    _menu(page).get_by_role("link", name="Data challenges").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data challenges")
    expect(page.get_by_role("table")).to_contain_text("She was absent on the day")
    check_accessibility(page)
    page.get_by_role("link", name=f"Answer the challenge to {REFERENCE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer a data challenge")
    check_accessibility(page)
    page.get_by_role("button", name="Reject the challenge").click()  # no reason yet: refused beside the field
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#reject_reason-error")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Why is it rejected?").fill("The centre's register shows she sat the exam")
    page.get_by_role("button", name="Reject the challenge").click()
    expect(page.get_by_text("The challenge is rejected; the reason is kept with it")).to_be_visible()
    expect(page.locator("#no-challenges")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "rejected")
    (after,) = services.records.read_plr(world.school, query).events
    assert (after.grade, after.under_data_challenge) == ("Pass", False)

    services.records.raise_challenge(world.school, event.id or 0, "She was awarded a Merit")
    page.reload()
    page.get_by_role("link", name=f"Answer the challenge to {REFERENCE}").click()
    expect(page.get_by_role("definition").filter(has_text="She was awarded a Merit")).to_be_visible()
    page.get_by_label("Amend the grade or award date").check()
    page.get_by_label("New grade (leave empty to keep it)").fill("Merit")
    page.get_by_label("Why is it accepted?").fill("Remarked on appeal")
    screenshot(page, "accepting")
    page.get_by_role("button", name="Accept the challenge").click()
    expect(page.get_by_text("The challenge is accepted")).to_be_visible()
    expect(page.locator("#no-challenges")).to_be_visible()
    check_accessibility(page)
    (after,) = services.records.read_plr(world.school, query).events
    assert (after.grade, after.under_data_challenge) == ("Merit", False)
