"""Organisation portal, records: verify a ULN against names, a learner's Personal Learning Record (read with the
ULN and names that verify, as the register requires; none of it for a learner who asked not to share), its PDF,
and challenging a learning event as wrong."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.codes import ErrorCode, ResponseCode, VerificationCode
from ....domain.errors import Conflict, InvalidField
from ....domain.learner import validate_uln
from ....domain.matching import VerificationQuery
from ....domain.matching.model import weight_of
from ....domain.plr import EventStatus, check_reason
from ....domain.queries import verification_query
from ....domain.users import Permission
from ....services.records import PlrResult
from ...ids import Id
from ..access import route
from ..session import check_csrf
from ..templating import page
from .forms import GENDERS, FormData, acting, errors_of, notify, services, typed_date

router = APIRouter(prefix="/organisation")

_NOT_VERIFIED = "The ULN and these names do not match the register's. Check the names as the learner gave them"
OUTCOMES = {  # how each verification outcome is shown: its tag colour and what it means for the user
    VerificationCode.MATCH: ("green", "The ULN belongs to a learner with these details."),
    VerificationCode.LINKED_MATCH: ("green", "The details match, but the ULN was merged into another learner's "
                                             "record: use the master ULN below."),
    VerificationCode.SIMILAR_MATCH: ("yellow", "The ULN was found and the names are similar but not the same: "
                                               "check the details with the learner."),
    VerificationCode.SIMILAR_LINKED_MATCH: ("yellow", "The names are similar, and the ULN was merged into another "
                                                      "learner's record: check the details and use the master ULN."),
    VerificationCode.NO_MATCH: ("red", "The ULN belongs to someone whose details are different."),
    VerificationCode.ULN_NOT_FOUND: ("red", "No learner on the register has this ULN."),
}  # fmt: skip
_VERIFY_FIELDS = ("ULN", "GivenName", "FamilyName", "Gender")


def _verify_page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    similar_weight = weight_of(services(request).settings.verify_similar_probability)
    return page(request, "organisation/verify.html", status_code=status, title="Verify a ULN", genders=GENDERS,
                similar_weight=similar_weight, **context)  # fmt: skip


@route(router, "GET", "/verify", Permission.VERIFY_ULN)
def verify_form(request: Request, ULN: str = "") -> HTMLResponse:
    return _verify_page(request, values={"ULN": ULN})


@route(router, "POST", "/verify", Permission.VERIFY_ULN)
def verify(request: Request, form: FormData) -> HTMLResponse:
    check_csrf(request, form.get("csrf_token"))
    values = {key: form.get(key, "") for key in _VERIFY_FIELDS}
    values.update({f"DateOfBirth-{part}": form.get(f"DateOfBirth-{part}", "") for part in ("day", "month", "year")})
    try:
        query = verification_query(values["ULN"].replace(" ", ""), values["GivenName"], values["FamilyName"],
                                   typed_date(values, "DateOfBirth") or None, values["Gender"] or None)  # fmt: skip
    except InvalidField as problem:
        return _verify_page(request, 400, values=values, errors=errors_of(problem))
    _, actor = acting(request)
    (verification,) = services(request).register.verify(actor, [query])
    outcome = verification.result
    colour, meaning = OUTCOMES[outcome.code]
    return _verify_page(request, values=values, outcome=outcome, colour=colour, meaning=meaning,
                        record=verification.record, query=query)  # fmt: skip


# The learning record ----------------------------------------------------------------------------------------------


def _names_page(request: Request, uln: str, status: int = 200, **context: Any) -> HTMLResponse:
    return page(request, "organisation/plr_names.html", status_code=status, title="View a learning record", uln=uln,
                **context)  # fmt: skip


def _query(request: Request, uln: str, form: dict[str, str]) -> VerificationQuery | HTMLResponse:
    """The ULN and names to read the record with, or the names form again with what is missing or broken."""
    number = validate_uln(uln)
    values = {key: form.get(key, "") for key in ("GivenName", "FamilyName")}
    errors = {key: f"Enter the learner's {label}" for key, label in (("GivenName", "given name"),
                                                                      ("FamilyName", "family name"))
              if not values[key]}  # fmt: skip
    if errors:
        return _names_page(request, number, 400, values=values, errors=errors)
    try:
        return verification_query(number, values["GivenName"], values["FamilyName"])
    except InvalidField as problem:
        return _names_page(request, number, 400, values=values, errors=errors_of(problem))


def _not_verified(request: Request, query: VerificationQuery) -> HTMLResponse:
    values = {"GivenName": query.given_name, "FamilyName": query.family_name}
    return _names_page(request, query.uln, 400, values=values, errors={"GivenName": _NOT_VERIFIED})


def _record_page(request: Request, result: PlrResult, query: VerificationQuery) -> HTMLResponse:
    user, _ = acting(request)
    learner = result.learner
    assert learner is not None  # a read that verified names its learner
    return page(request, "organisation/plr.html", title="Learning record", result=result, learner=learner,
                shared=result.code is not ErrorCode.NOT_SHARED,
                substituted=result.code is ResponseCode.MASTER_SUBSTITUTED,
                may_challenge=user.may(Permission.CHALLENGE_EVENT), may_update=user.may(Permission.UPDATE_LEARNER),
                provisional=EventStatus.PROVISIONAL,
                names={"GivenName": query.given_name, "FamilyName": query.family_name})  # fmt: skip


@route(router, "GET", "/learners/{uln}/plr", Permission.VIEW_PLR)
def plr_form(request: Request, uln: str) -> HTMLResponse:
    return _names_page(request, validate_uln(uln), values={})


@route(router, "POST", "/learners/{uln}/plr", Permission.VIEW_PLR)
def plr(request: Request, uln: str, form: FormData) -> HTMLResponse:
    check_csrf(request, form.get("csrf_token"))
    query = _query(request, uln, form)
    if isinstance(query, HTMLResponse):
        return query
    _, actor = acting(request)
    result = services(request).records.read_plr(actor, query)
    if result.code is ErrorCode.NOT_VERIFIED:
        return _not_verified(request, query)
    return _record_page(request, result, query)


@route(router, "POST", "/learners/{uln}/plr/pdf", Permission.VIEW_PLR)
def plr_pdf(request: Request, uln: str, form: FormData) -> Response:
    """The record as a PDF, read again with the same ULN and names (and logged as a read)."""
    check_csrf(request, form.get("csrf_token"))
    query = _query(request, uln, form)
    if isinstance(query, HTMLResponse):
        return query
    _, actor = acting(request)
    result, document = services(request).records.plr_document(actor, query)
    if result.code is ErrorCode.NOT_VERIFIED:
        return _not_verified(request, query)
    if document is None:
        return _record_page(request, result, query)
    name = f"learning-record-{result.found_uln}.pdf"
    return Response(document, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


# Challenging an event ---------------------------------------------------------------------------------------------


def _challenge_page(request: Request, uln: str, event_id: int, status: int = 200, **context: Any) -> HTMLResponse:
    return page(request, "organisation/challenge.html", status_code=status, title="Challenge a learning event",
                uln=uln, event_id=event_id, **context)  # fmt: skip


@route(router, "GET", "/learners/{uln}/events/{event_id}/challenge", Permission.CHALLENGE_EVENT)
def challenge_form(request: Request, uln: str, event_id: Id) -> HTMLResponse:
    return _challenge_page(request, validate_uln(uln), event_id, reason="")


@route(router, "POST", "/learners/{uln}/events/{event_id}/challenge", Permission.CHALLENGE_EVENT)
def challenge(request: Request, uln: str, event_id: Id, form: FormData) -> Response:
    check_csrf(request, form.get("csrf_token"))
    number = validate_uln(uln)
    reason = form.get("reason", "")
    try:
        check_reason(reason)
    except InvalidField as problem:
        message = "Enter why the entry is wrong" if not reason else errors_of(problem)["reason"]
        return _challenge_page(request, number, event_id, 400, reason=reason, errors={"reason": message})
    _, actor = acting(request)
    try:
        services(request).records.raise_challenge(actor, event_id, reason)
    except Conflict:
        message = "This entry is under data challenge already: its awarding organisation has not answered yet"
        return _challenge_page(request, number, event_id, 409, reason=reason, errors={"reason": message})
    notify(request, "Your challenge was sent to the awarding organisation. The entry shows as under data "
                    "challenge until they answer")  # fmt: skip
    return RedirectResponse(f"/organisation/learners/{number}", status_code=303)
