"""A learner's share links (make one, see them with their state, withdraw one) and the public page behind a link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ....domain.errors import InvalidField
from ....domain.sharing import SHARE_DAYS_MAXIMUM, SHARE_DAYS_MINIMUM, ShareState
from ....domain.users import Permission
from ...ids import Id
from ..access import current_user, route
from ..session import check_csrf
from ..templating import field_errors, page
from .pages import portal, services, set_notice, take_notice

router = APIRouter()
_NEW_LINK = "lr_new_share_link"  # the one time the learner sees a new link: only its hash is stored


def _links_page(request: Request, errors: dict[str, str] | None = None, label: str = "", days: str = "30",
                status_code: int = 200) -> HTMLResponse:  # fmt: skip
    links = portal(request).share_links(current_user(request).actor())
    new_link = request.session.pop(_NEW_LINK, None) if not errors else None
    return page(request, "learner/share_links.html", status_code=status_code, title="Share links", links=links,
                errors=errors or {}, label=label, days=days, new_link=new_link, notice=take_notice(request),
                minimum=SHARE_DAYS_MINIMUM, maximum=SHARE_DAYS_MAXIMUM, active=ShareState.ACTIVE)  # fmt: skip


@route(router, "GET", "/learner/share-links", Permission.OWN_RECORD)
def share_links(request: Request) -> HTMLResponse:
    return _links_page(request)


@route(router, "POST", "/learner/share-links", Permission.OWN_RECORD)
def create_share_link(
    request: Request,
    label: Annotated[str, Form()] = "",
    days: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    try:
        created, token = portal(request).create_share_link(current_user(request).actor(), label, days)
    except InvalidField as problems:
        return _links_page(request, field_errors(problems), label, days, 400)
    address = f"{services(request).settings.public_url.rstrip('/')}/share/{token}"
    request.session[_NEW_LINK] = {"label": created.link.label, "url": address,
                                  "expires": f"{created.link.expires_at:%-d %B %Y at %H:%M}"}  # fmt: skip
    return RedirectResponse("/learner/share-links", status_code=303)


@route(router, "POST", "/learner/share-links/{link_id}/withdraw", Permission.OWN_RECORD)
def withdraw_share_link(request: Request, link_id: Id, csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf_token)
    withdrawn = portal(request).withdraw_share_link(current_user(request).actor(), link_id)
    set_notice(request, f"The link “{withdrawn.link.label}” is withdrawn: it no longer shows your record.")
    return RedirectResponse("/learner/share-links", status_code=303)


def _private(response: HTMLResponse) -> HTMLResponse:
    # The token is the key to the record: never sent on as a referrer, never cached or indexed.
    response.headers.update({"Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
                             "X-Robots-Tag": "noindex, nofollow"})  # fmt: skip
    return response


@route(router, "GET", "/share/{token}", public=True)
def shared_record(request: Request, token: str) -> HTMLResponse:
    shared = portal(request).view_shared(token)
    if shared is None:
        return _private(page(request, "learner/shared.html", status_code=404, title="This link does not work",
                             shared=None))  # fmt: skip
    if shared.learner is None:
        title = "This link has been withdrawn" if shared.state is ShareState.WITHDRAWN else "This link has expired"
        return _private(page(request, "learner/shared.html", status_code=410, title=title, shared=shared))
    return _private(page(request, "learner/shared.html", title="A shared learning record", shared=shared))
