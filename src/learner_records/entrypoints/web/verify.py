"""The public certificate check at /verify/<id>: no sign-in, and never the ULN."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...bootstrap import Services

router = APIRouter(include_in_schema=False)

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:Arial,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#0b0c0c}}
.tag{{display:inline-block;padding:.2rem .5rem;font-weight:bold}} .valid{{background:#cce2d8;color:#005a30}}
.bad{{background:#f6d7d2;color:#942514}} dt{{font-weight:bold;margin-top:.8rem}} dd{{margin:0}}</style></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""


def _answer(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=escape(title), body=body), status_code=status)


@router.get("/verify/{public_id}", response_class=HTMLResponse)
def verify_certificate(public_id: str, request: Request) -> HTMLResponse:
    services: Services = request.app.state.services
    check = services.certification.check(public_id)
    if check is None:
        return _answer(
            "Certificate not found", "<p>No certificate has this address. Check the link or QR code.</p>", 404
        )
    state = {
        "valid": ("This certificate is genuine", "valid"),
        "revoked": ("This certificate has been revoked", "bad"),
        "replaced": ("This certificate was replaced by a corrected one", "bad"),
    }[check.status]
    qualification = f"{check.qualification_title} ({check.qualification_reference})"
    uln = "ULN validated against the register" if check.uln_validated else "No validated ULN"
    rows = [
        ("Name", check.learner_name),
        ("Qualification", qualification),
        ("Grade", check.grade),
        ("Awarded", f"{check.award_date:%d %B %Y}"),
        ("Awarding organisation", check.awarding_organisation_name),
        ("Certificate number", check.certificate_number),
        ("Unique Learner Number", uln),
    ]
    facts = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in rows)
    reason = f"<p>Reason: {escape(check.reason)}</p>" if check.reason and check.status != "valid" else ""
    body = f'<p class="tag {state[1]}">{escape(state[0])}</p>{reason}<dl>{facts}</dl>'
    return _answer("Certificate check", body)
