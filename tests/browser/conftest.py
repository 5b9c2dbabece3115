"""Browser tests: Playwright driving Debian's Chromium (never a browser of Playwright's own) against a live
server, with axe-core's accessibility check on the pages and a full-page screenshot of each kept as an artefact."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from ..e2e.conftest import LiveServer, server

__all__ = ["LiveServer", "server"]  # the e2e tests' live server, for the browser tests too

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = ("serious", "critical")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the whole session (starting it takes longer than most tests)."""
    missing = [str(path) for path in (CHROMIUM, AXE) if not path.exists()]
    if missing:
        message = f"browser tests need {', '.join(missing)} (scripts/system-packages.sh --tests; make assets)"
        if os.environ.get("LEARNER_RECORDS_REQUIRE_POSTGRES") == "1":  # make test: everything must run
            raise RuntimeError(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser, server: LiveServer) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) pointed at the test's live server."""
    fresh = browser.new_context(base_url=server.url, viewport={"width": 1200, "height": 900})
    fresh.set_default_timeout(15_000)
    yield fresh
    fresh.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A tab whose console is watched: anything the Content-Security-Policy refused fails the test."""
    opened = context.new_page()
    refused = policy_refusals(opened)
    yield opened
    assert not refused, "\n".join(refused)


def policy_refusals(page: Page) -> list[str]:
    """What the page's Content-Security-Policy refuses from now on, as the console reports it (filled as it goes)."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)  # fmt: skip
    return refused


def check_accessibility(page: Page) -> None:
    """axe-core's WCAG 2.0-2.2 A and AA rules on the page as it is; any serious or critical violation fails."""
    problems = accessibility_problems(page)
    assert not problems, "\n".join(problems)


def accessibility_problems(page: Page) -> list[str]:
    """The page's serious and critical violations, one line each: page, rule, what it asks, the elements."""
    page.evaluate(AXE.read_text())  # through the debugger, as the page's policy refuses inline scripts
    result: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    problems = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        nodes = "; ".join(" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                          for node in violation["nodes"][:5])  # fmt: skip
        problems.append(f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} -- {nodes}")
    return problems


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """Save a full-page screenshot as test-artifacts/screenshots/<test name>[-<what>].png."""

    def take(page: Page, what: str = "") -> Path:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name + (f"-{what}" if what else "")).strip("-")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the form, as a person would: type, then press the button."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
