"""Organisation portal, learners: find one by ULN or by details (possible matches side by side, with the
register's reasons), register a new learner after a search that found no exact match, a learner's page, and
updating their details against the version read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.codes import ResponseCode
from ....domain.errors import (
    DuplicateLearner,
    InvalidAbilityToShareChange,
    InvalidField,
    NoChanges,
    NotFound,
    StaleVersion,
)
from ....domain.learner import Learner, validate_uln
from ....domain.queries import demographics
from ....domain.users import Permission, User
from ...ids import form_id
from ..access import RULES, route
from ..navigation import add_section
from ..session import check_csrf
from ..templating import page
from .forms import (
    FIELDS,
    GENDERS,
    SEARCHED,
    SHARING,
    VERIFICATIONS,
    FormData,
    acting,
    details_from,
    errors_of,
    notify,
    services,
    summary_rows,
    take_notice,
    typed_date,
    typed_values,
    values_of,
)

router = APIRouter(prefix="/organisation")
add_section("/organisation", "Learners", Permission.FIND_LEARNER)

SEARCH_KEY = "organisation_search"  # the last search by details that found no exact match: what a registration uses
INVITE_PATH = "/organisation/learners/{uln}/invite"
CHOICES = {"gender": GENDERS, "verification": VERIFICATIONS, "sharing": SHARING}
LABELS = {f.element: f.label for f in FIELDS}
_REQUIRED_TO_SEARCH = ("GivenName", "FamilyName", "DateOfBirth", "Gender", "LastKnownPostCode")
_REGISTRABLE = (ResponseCode.NO_MATCH, ResponseCode.POSSIBLE_MATCH)
_DETAILS_ERROR = "learner-details"  # the id of the details' heading: errors that belong to no single field


def _searched_fields() -> list[Any]:
    return [f for f in FIELDS if f.element in SEARCHED]


def _find_page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("values", request.session.get(SEARCH_KEY) or {})
    return page(request, "organisation/find.html", status_code=status, title="Find a learner",
                search_fields=_searched_fields(), choices=CHOICES, notice=take_notice(request), **context)  # fmt: skip


@route(router, "GET", "", Permission.FIND_LEARNER)
def find(request: Request) -> Response:
    """The start of the portal: find a learner by ULN (this form, sent by GET) or by their details."""
    if "ULN" not in request.query_params:
        return _find_page(request)
    typed = request.query_params["ULN"].strip()
    if not typed:
        return _find_page(request, 400, errors={"ULN": "Enter a ULN"}, uln=typed)
    try:
        uln = validate_uln(typed.replace(" ", ""))
    except InvalidField as problem:
        return _find_page(request, 400, errors=errors_of(problem), uln=typed)
    return RedirectResponse(f"/organisation/learners/{uln}", status_code=303)


def _missing(values: dict[str, str]) -> dict[str, str]:
    empty = {}
    for element in _REQUIRED_TO_SEARCH:
        if element == "DateOfBirth":
            if not typed_date(values, element):
                empty["DateOfBirth-day"] = "Enter the date of birth"
        elif not values.get(element):
            word = "Select" if element == "Gender" else "Enter"
            empty[element] = f"{word} the {LABELS[element].lower()}"
    return empty


@route(router, "POST", "/learners/search", Permission.FIND_LEARNER)
def search(request: Request, form: FormData) -> HTMLResponse:
    """Find by details: an exact match links to the learner; possible matches are shown with the reasons."""
    check_csrf(request, form.get("csrf_token"))
    values = {key: value for key, value in typed_values(form).items()
              if key in SEARCHED or key.startswith("DateOfBirth-")}  # fmt: skip
    errors = _missing(values)
    if errors:
        return _find_page(request, 400, errors=errors, values=values, open_details=True)
    try:
        query = demographics(values["GivenName"], values["FamilyName"], typed_date(values, "DateOfBirth"),
                             values["Gender"], values["LastKnownPostCode"],
                             values.get("PreviousFamilyName") or None)  # fmt: skip
    except InvalidField as problem:
        return _find_page(request, 400, errors=errors_of(problem), values=values, open_details=True)
    user, actor = acting(request)
    result = services(request).register.find_by_demographics(actor, query)
    exact = [match for match in result.matches if match.exact]
    registrable = result.code in _REGISTRABLE and not exact
    if registrable:
        request.session[SEARCH_KEY] = values
    else:
        request.session.pop(SEARCH_KEY, None)
    may_register = registrable and user.may(Permission.REGISTER_LEARNER)
    return page(request, "organisation/matches.html", title="Search results", result=result, query=query,
                exact=exact, gender_words=dict(GENDERS), may_register=may_register,
                too_many=result.code is ResponseCode.TOO_MANY_MATCHES)  # fmt: skip


# Registering ------------------------------------------------------------------------------------------------------


def _register_page(request: Request, searched: dict[str, str], status: int = 200, **context: Any) -> HTMLResponse:
    fields = [f for f in FIELDS if f.element not in SEARCHED]
    shown = details_from_search(searched)
    return page(request, "organisation/register.html", status_code=status, title="Register a new learner",
                fields=fields, searched=shown, choices=CHOICES, **context)  # fmt: skip


def details_from_search(searched: dict[str, str]) -> list[dict[str, Any]]:
    gender = {str(int(code)): text for code, text in GENDERS}.get(searched.get("Gender", ""), "")
    born = typed_date(searched, "DateOfBirth")
    rows = [("Given name", searched.get("GivenName", "")), ("Family name", searched.get("FamilyName", "")),
            ("Date of birth", born), ("Gender", gender), ("Postcode", searched.get("LastKnownPostCode", "").upper()),
            ("Previous family name", searched.get("PreviousFamilyName", ""))]  # fmt: skip
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows if value]


def _search_first(request: Request, status: int = 200) -> HTMLResponse:
    return page(request, "organisation/search_first.html", status_code=status, title="Search for the learner first")


@route(router, "GET", "/learners/new", Permission.REGISTER_LEARNER)
def register_form(request: Request) -> HTMLResponse:
    searched = request.session.get(SEARCH_KEY)
    if not searched:
        return _search_first(request)
    return _register_page(request, searched, values={})


@route(router, "POST", "/learners/new", Permission.REGISTER_LEARNER)
def register(request: Request, form: FormData) -> Response:
    """Register with the searched details (fixed: a change means a new search) and the rest as typed."""
    check_csrf(request, form.get("csrf_token"))
    searched = request.session.get(SEARCH_KEY)
    if not searched:
        return _search_first(request, 400)
    typed = {key: value for key, value in typed_values(form).items()
             if key not in SEARCHED and not key.startswith("DateOfBirth-")}  # fmt: skip
    try:
        details = details_from({**typed, **searched})
    except InvalidField as problem:
        return _register_page(request, searched, 400, values=typed, errors=errors_of(problem))
    _, actor = acting(request)
    try:
        learner = services(request).register.register(actor, details)
    except DuplicateLearner as duplicate:
        message = "A learner with the same given name, family name, date of birth, gender and postcode is on the " \
                  "register already: use their record instead"  # fmt: skip
        return _register_page(request, searched, 409, values=typed, errors={_DETAILS_ERROR: message},
                              existing=duplicate.existing_uln)  # fmt: skip
    request.session.pop(SEARCH_KEY, None)
    notify(request, f"Learner registered. Their ULN is {learner.uln}")
    return RedirectResponse(f"/organisation/learners/{learner.uln}", status_code=303)


def _may_invite(user: User) -> bool:
    """The invitation page is another part of the portal: link to it when it exists and this person may open it."""
    rule = next((r for r in RULES if r.method == "GET" and r.path == INVITE_PATH), None)
    return rule is not None and (rule.permission is None or user.may(rule.permission))


def _learner(request: Request, uln: str) -> tuple[User, Learner, str, bool]:
    """The learner a ULN answers with (its master when merged), read through the register (and logged)."""
    number = validate_uln(uln)
    user, actor = acting(request)
    found = services(request).register.find_by_uln(actor, number)
    if found.learner is None:
        raise NotFound(f"No learner has ULN {number}")
    return user, found.learner, number, found.master_substituted


@route(router, "GET", "/learners/{uln}", Permission.FIND_LEARNER)
def learner_page(request: Request, uln: str) -> HTMLResponse:
    user, learner, asked, substituted = _learner(request, uln)
    details = learner.details
    return page(request, "organisation/learner.html", title=f"{details.given_name} {details.family_name}",
                learner=learner, asked=asked, substituted=substituted, rows=summary_rows(details),
                may=user.may, Permission=Permission, may_invite=_may_invite(user),
                notice=take_notice(request))  # fmt: skip


# Updating ---------------------------------------------------------------------------------------------------------


def _edit_page(request: Request, learner: Learner, values: dict[str, str], status: int = 200,
               **context: Any) -> HTMLResponse:  # fmt: skip
    return page(request, "organisation/edit.html", status_code=status, title="Update a learner's details",
                learner=learner, fields=FIELDS, values=values, choices=CHOICES, **context)  # fmt: skip


@route(router, "GET", "/learners/{uln}/edit", Permission.UPDATE_LEARNER)
def edit_form(request: Request, uln: str) -> Response:
    _, learner, asked, substituted = _learner(request, uln)
    if substituted:  # a merged ULN is changed through its master
        return RedirectResponse(f"/organisation/learners/{learner.uln}/edit", status_code=303)
    return _edit_page(request, learner, values_of(learner.details), version=learner.version)


@route(router, "POST", "/learners/{uln}/edit", Permission.UPDATE_LEARNER)
def edit(request: Request, uln: str, form: FormData) -> Response:
    check_csrf(request, form.get("csrf_token"))
    _, current, _, _ = _learner(request, uln)
    values = typed_values(form)
    version = form_id(form.get("version")) or 0
    try:
        details = details_from(values)
    except InvalidField as problem:
        return _edit_page(request, current, values, 400, version=version, errors=errors_of(problem))
    _, actor = acting(request)
    try:
        services(request).register.update(actor, current.uln, version, details)
    except StaleVersion:
        message = "Someone changed this learner's details after you opened this page. The form now shows the " \
                  "current details: make your change again"  # fmt: skip
        return _edit_page(request, current, values_of(current.details), 409, version=current.version,
                          errors={_DETAILS_ERROR: message})  # fmt: skip
    except NoChanges:
        return _edit_page(request, current, values, 400, version=version,
                          errors={_DETAILS_ERROR: "You have not changed any details"})  # fmt: skip
    except InvalidAbilityToShareChange:
        message = "The learner has seen the privacy notice: they cannot be recorded as not having seen it"
        return _edit_page(request, current, values, 400, version=version, errors={"AbilityToShare": message})
    except DuplicateLearner as duplicate:
        message = f"Another learner (ULN {duplicate.existing_uln}) has the same given name, family name, date of " \
                  "birth, gender and postcode"  # fmt: skip
        return _edit_page(request, current, values, 409, version=version, errors={_DETAILS_ERROR: message})
    notify(request, "The learner's details were updated")
    return RedirectResponse(f"/organisation/learners/{current.uln}", status_code=303)
