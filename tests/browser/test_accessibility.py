"""Every page of the portals in a real browser, signed in as each role (and the public ones signed out), over the
demo's data so that tables and lists have rows: axe-core finds no serious or critical WCAG 2.2 A/AA violation on
any of them, and each is kept as a screenshot. Pages added to `access.RULES` are swept as they land."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from learner_records.domain.access import Actor
from learner_records.domain.users import PERMISSIONS, Role
from learner_records.entrypoints.cli.demo import PEOPLE, seed
from learner_records.entrypoints.web.access import RULES, Rule

from .conftest import LiveServer, accessibility_problems, policy_refusals, sign_in

# The HTML of a page does not depend on the database, so the sweep runs on SQLite only: on PostgreSQL as well it
# would double the longest browser test of `make test` and find nothing more (the journeys run on both).
pytestmark = [pytest.mark.slow, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def _pages(role: Role | None) -> list[str]:
    """The GET routes without a path parameter that the role may open (None: signed out, the public ones)."""
    def opens(rule: Rule) -> bool:
        if rule.method != "GET" or "{" in rule.path:
            return False
        if role is None:
            return rule.public
        return not rule.public and (rule.permission is None or rule.permission in PERMISSIONS[role])

    return sorted({rule.path for rule in RULES if opens(rule)})


def _sweep(page: Page, paths: list[str], who: str, screenshot: Callable[..., Path]) -> list[str]:
    problems = []
    for path in paths:
        probe = page.request.get(path)  # a CSV or PDF download is no page to check
        if "text/html" not in probe.headers.get("content-type", ""):
            continue
        answer = page.goto(path)
        status = answer.status if answer else 0
        if status >= 500:
            problems.append(f"{who} {path}: answered {status}")
            continue
        problems += [f"{who} {problem}" for problem in accessibility_problems(page)]
        headings = page.locator("h1").count()
        if headings != 1:
            problems.append(f"{who} {path}: {headings} h1 headings, not one")
        screenshot(page, f"{who}-{re.sub(r'[^a-z0-9]+', '-', path.lower()).strip('-') or 'start'}")
    return problems


def test_no_page_has_a_serious_accessibility_problem(
    browser: Browser, server: LiveServer, operator: Actor, screenshot: Callable[..., Path]
) -> None:
    seeded = seed(server.services, operator, learners=250)
    assert seeded.awarding is not None
    problems = []
    context = browser.new_context(base_url=server.url, viewport={"width": 1200, "height": 900})
    try:
        page = context.new_page()
        refused = policy_refusals(page)
        public = _pages(None) + [f"/verify/{seeded.awarding.certificates[-1]}", "/verify/unknown"]
        problems += _sweep(page, public, "signed-out", screenshot) + refused
    finally:
        context.close()
    for email, _, role, _ in PEOPLE:
        context = browser.new_context(base_url=server.url, viewport={"width": 1200, "height": 900})
        try:
            page = context.new_page()
            refused = policy_refusals(page)
            sign_in(page, email, seeded.passwords[email])
            assert page.url.endswith("/home"), f"{role.value} did not get signed in"
            problems += _sweep(page, _pages(role), role.value, screenshot) + refused
        finally:
            context.close()
    assert not problems, "\n".join(problems)
