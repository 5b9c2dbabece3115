"""The public certificate check at /verify/<id>: no sign-in, and never the ULN."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...bootstrap import Services
from ...services.throttling import Door
from ..throttled import client_address
from .access import route
from .templating import page

router = APIRouter()

# status -> (what the page says, the tag colour of the design system)
_STATES = {
    "valid": ("This certificate is genuine", "green"),
    "revoked": ("This certificate has been revoked", "red"),
    "replaced": ("This certificate was replaced by a corrected one", "orange"),
}


@route(router, "GET", "/verify/{public_id}", public=True)
def verify_certificate(public_id: str, request: Request) -> HTMLResponse:
    services: Services = request.app.state.services
    client = client_address(request)
    services.throttle.check(Door.VERIFY, client)  # certificate ids cannot be guessed one after another
    check = services.certification.check(public_id)
    if check is None:
        services.throttle.failed(Door.VERIFY, client)
        return page(request, "verify.html", status_code=404, title="Certificate not found", check=None)
    words, colour = _STATES[check.status]
    rows = [
        ("Name", check.learner_name),
        ("Qualification", f"{check.qualification_title} ({check.qualification_reference})"),
        ("Grade", check.grade),
        ("Awarded", f"{check.award_date:%d %B %Y}"),
        ("Awarding organisation", check.awarding_organisation_name),
        ("Certificate number", check.certificate_number),
        # Only whether the ULN was validated: the number itself is never shown to whoever holds the certificate.
        ("Unique Learner Number", "ULN validated against the register" if check.uln_validated else "No validated ULN"),
    ]
    reason = check.reason if check.reason and check.status != "valid" else None
    return page(request, "verify.html", title="Certificate check", check=check, state=words, colour=colour,
                rows=[{"key": {"text": k}, "value": {"text": v}} for k, v in rows], reason=reason)  # fmt: skip
