"""The service navigation: each portal adds its sections, and a person sees those their role may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...domain.users import Permission, User


@dataclass(frozen=True, slots=True)
class Section:
    href: str
    text: str
    permission: Permission


SECTIONS: list[Section] = []


def add_section(href: str, text: str, permission: Permission) -> None:
    if all(section.href != href for section in SECTIONS):
        SECTIONS.append(Section(href, text, permission))


def navigation(user: User | None, path: str) -> list[dict[str, Any]]:
    if user is None:
        return [{"href": "/sign-in", "text": "Sign in", "active": path == "/sign-in"}]
    shown = [s for s in SECTIONS if user.may(s.permission)]
    # Only the most specific section that holds the page is current (/learner/share-links, not also /learner).
    holding = [s.href for s in shown if path == s.href or path.startswith(s.href + "/")]
    current = max(holding, key=len, default=None)
    return [{"href": s.href, "text": s.text, "active": s.href == current} for s in shown]


def error_list(errors: dict[str, str]) -> list[dict[str, str]]:
    """The error summary's links: each to its field (`#<field>`)."""
    return [{"text": message, "href": f"#{field}"} for field, message in errors.items()]
