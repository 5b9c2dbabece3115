"""Screenshots of the main pages for the README, from a server on the demo database.

    make run            # or: learner-records db upgrade && learner-records demo && learner-records serve
    .venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:8000] [--credentials data/demo-credentials.txt]

Signs in as the demo's people (their passwords are in the credentials file the demo wrote), opens each page in
Debian's Chromium at 1200 pixels wide and writes docs/screenshots/<name>.png, reduced to a 256-colour palette
(the design system's flat colours lose nothing by it) so that the images stay small in the repository.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
# (file name, who signs in (an email of the demo; None: nobody), the page, the tallest the image may be)
PAGES = [
    ("start-page", None, "/", 1100),
    ("organisation-find-learner", "asha.patel@riverside.example.org", "/organisation", 1100),
    ("awarding-dashboard", "fatima.khan@northgate.example.org", "/awarding", 1500),
    ("awarding-anomalies", "fatima.khan@northgate.example.org", "/awarding/anomalies", 1300),
    ("learner-record", "siobhan.obriain@example.com", "/learner", 1300),
    ("certificate-check", None, "{certificate}", 1100),
]


def credentials(path: Path) -> tuple[dict[str, str], str, str]:
    """The people's passwords, the certificate to check and the demo learner's ULN, from the demo's file."""
    text = path.read_text(encoding="utf-8")
    passwords = dict(re.findall(r"email (\S+)\n  password (\S+)", text))
    certificate = re.search(r"(/verify/\S+)", text)
    uln = re.search(r"learner, ULN (\d{10})", text)
    return passwords, certificate.group(1) if certificate else "/verify/unknown", uln.group(1) if uln else ""


def shoot(browser: Browser, url: str, email: str | None, password: str, path: str, out: Path, tallest: int,
          uln: str) -> None:  # fmt: skip
    context = browser.new_context(base_url=url, viewport={"width": 1200, "height": 900})
    try:
        page = context.new_page()
        if email is not None:
            page.goto("/sign-in")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password", exact=True).fill(password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/home")
        page.goto(path)
        if path == "/organisation" and uln:  # the search form is the page; a learner found says more
            page.get_by_label("ULN", exact=True).fill(uln)
            page.get_by_role("button", name="Find by ULN").click()
            page.wait_for_load_state()
        page.screenshot(path=str(out), full_page=True)
    finally:
        context.close()
    with Image.open(out) as image:
        cropped = image.crop((0, 0, image.width, min(image.height, tallest))).convert("RGB")
    cropped.quantize(colors=256).save(out, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--credentials", type=Path, default=ROOT / "data" / "demo-credentials.txt")
    args = parser.parse_args()
    passwords, certificate, uln = credentials(args.credentials)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            for name, email, path, tallest in PAGES:
                out = OUT / f"{name}.png"
                shoot(browser, args.url, email, passwords.get(email or "", ""), path.format(certificate=certificate),
                      out, tallest, uln)  # fmt: skip
                print(f"{out.relative_to(ROOT)}  {out.stat().st_size // 1024} KiB")  # noqa: T201
        finally:
            browser.close()


if __name__ == "__main__":
    main()
