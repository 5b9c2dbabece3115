"""Administration: duplicate learners. The scan's pairs side by side (each field compared, with the reasons), a
merge into the master chosen, and the merges of recent weeks, each of which can be undone."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.errors import Conflict, InvalidField, NotFound
from ....domain.learner import Gender
from ....domain.matching import DuplicatePair
from ....domain.users import Permission
from ..access import route
from ..session import check_csrf
from ..templating import page
from .common import FormData, administrator, notify, services, take_notice

router = APIRouter(prefix="/admin")
SCAN_LIMIT = 50
FIELDS = (("ULN", "uln"), ("Given name", "given_name"), ("Middle name", "middle_name"),
          ("Family name", "family_name"), ("Previous family name", "previous_family_name"),
          ("Date of birth", "date_of_birth"), ("Gender", "gender"), ("Postcode", "postcode"),
          ("Address line 1", "address_line"), ("Town", "town"))  # fmt: skip


def _value(record: object, attribute: str) -> str:
    value = getattr(record, attribute)
    if attribute == "gender":
        return Gender(value).name.replace("_", " ").capitalize()
    if attribute == "date_of_birth":
        return f"{value:%d %B %Y}"
    return "" if value is None else str(value)


def _agreement(pair: DuplicatePair, attribute: str) -> str:
    """How the field compared and the weight it added, e.g. "Nickname, +5.6"; empty for fields not weighed."""
    found = next((item for item in pair.evidence if item.field == attribute), None)
    if found is None or found.level == "missing":
        return ""
    return f"{found.level[:1].upper()}{found.level[1:]}, {found.weight:+.1f}"


def _duplicates_page(request: Request, status: int = 200, errors: dict[str, str] | None = None) -> HTMLResponse:
    pairs = services(request).merging.scan_duplicates(administrator(request).actor(), SCAN_LIMIT)
    rows = [[(label, _value(p.first, attr), _value(p.second, attr), _agreement(p, attr)) for label, attr in FIELDS]
            for p in pairs]  # fmt: skip
    groups: dict[int, list[str]] = {}
    for pair in pairs:
        members = groups.setdefault(pair.cluster, [])
        members += [uln for uln in (pair.first.uln, pair.second.uln) if uln not in members]
    return page(request, "admin/duplicates.html", status_code=status, title="Duplicate learners",
                pairs=list(zip(pairs, rows, strict=True)), groups=groups, errors=errors or {},
                notice=take_notice(request))  # fmt: skip


@route(router, "GET", "/duplicates", Permission.ADMINISTER)
def duplicates(request: Request) -> HTMLResponse:
    return _duplicates_page(request)


@route(router, "POST", "/duplicates/merge", Permission.ADMINISTER)
def merge(request: Request, form: FormData) -> Response:
    check_csrf(request, form.get("csrf_token"))
    first, second, master = form.get("first_uln", ""), form.get("second_uln", ""), form.get("master_uln", "")
    field = f"master-{first}-{second}"
    if master not in (first, second) or not master:
        return _duplicates_page(request, 400, {field: "Select the record to keep as the master"})
    linked = second if master == first else first
    try:
        services(request).merging.merge(administrator(request).actor(), master, linked)
    except (Conflict, NotFound, InvalidField) as refused:
        return _duplicates_page(request, 400, {field: refused.message})
    notify(request, f"ULN {linked} is now linked to master ULN {master}")
    return RedirectResponse("/admin/merges", status_code=303)


@route(router, "GET", "/merges", Permission.ADMINISTER)
def merges(request: Request) -> HTMLResponse:
    now = services(request).clock.now()
    report = services(request).merging.report(administrator(request).actor(), now - timedelta(days=90),
                                              now + timedelta(seconds=1))  # fmt: skip
    latest = {line.event.linked_uln: line for line in report}  # the last event of each linked ULN can be undone
    lines = [(line, latest[line.event.linked_uln] is line and line.event.merged and line.linked is not None
              and line.linked.master_uln == line.event.master_uln) for line in reversed(report)]  # fmt: skip
    return page(request, "admin/merges.html", title="Merged learners", lines=lines, notice=take_notice(request))


@route(router, "POST", "/merges/unmerge", Permission.ADMINISTER)
def unmerge(request: Request, form: FormData) -> Response:
    check_csrf(request, form.get("csrf_token"))
    linked = form.get("linked_uln", "")
    if not linked:
        raise InvalidField("linked_uln", "is missing", "the linked ULN to give its own record back")
    learner = services(request).merging.unmerge(administrator(request).actor(), linked)
    notify(request, f"ULN {learner.uln} has its own record again")
    return RedirectResponse("/admin/merges", status_code=303)
