"""The one table that turns domain errors into HTTP problem JSON (RFC 9457) carrying the LRS code."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from ...domain import errors
from ...domain.codes import ErrorCode

log = logging.getLogger("learner_records.api")
# most specific first
STATUS: list[tuple[type[errors.LearnerRecordsError], int, str]] = [
    (errors.TooManyAttempts, 429, "Too many attempts"),
    (errors.InvalidField, 422, "Invalid field"),
    (errors.UnknownOrganisation, 401, "Unknown organisation"),
    (errors.IncorrectPassword, 401, "Incorrect credentials"),
    (errors.InsufficientAccess, 403, "Insufficient access"),
    (errors.NotFound, 404, "Not found"),
    (errors.DuplicateLearner, 409, "Learner already registered"),
    (errors.StaleVersion, 409, "Stale version"),
    (errors.NoChanges, 409, "No changes"),
    (errors.InvalidAbilityToShareChange, 409, "Invalid change of ability to share"),
    (errors.Conflict, 409, "Conflict"),
    (errors.RegisterUnavailable, 503, "Register unavailable"),
    (errors.StorageUnavailable, 503, "Service unavailable"),
]


def problem(status: int, title: str, detail: str, code: str | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if code:
        body["code"] = code
    body.update(extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def _field_errors(error: errors.InvalidField) -> list[dict[str, str]]:
    problems = error.problems if isinstance(error, errors.InvalidFields) else (error,)
    return [{"field": p.field, "problem": p.problem, "rule": p.rule} for p in problems]


def translate(error: errors.LearnerRecordsError) -> JSONResponse:
    status, title = next(((s, t) for kind, s, t in STATUS if isinstance(error, kind)), (400, "Bad request"))
    code = error.code.value if error.code else None
    extra: dict[str, Any] = {}
    if isinstance(error, errors.InvalidField):
        extra["errors"] = _field_errors(error)
    if isinstance(error, errors.DuplicateLearner) and error.existing_uln:
        extra["existing_uln"] = error.existing_uln
    answer = problem(status, title, error.message, code, **extra)
    if isinstance(error, errors.TooManyAttempts):
        answer.headers["Retry-After"] = str(error.retry_after)
    return answer


def _request_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    found = []
    for item in exc.errors():
        location = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path")]
        found.append(
            {"field": ".".join(location) or "body", "problem": str(item.get("msg")), "rule": str(item.get("type"))}
        )
    detail = "; ".join(f"{e['field']}: {e['problem']}" for e in found)
    return problem(422, "Invalid request", detail, ErrorCode.INVALID_REQUEST.value, errors=found)


HtmlPage = Callable[[Request, errors.LearnerRecordsError], Response]


def register_errors(app: FastAPI, html: HtmlPage | None = None) -> None:
    """Domain errors as problem JSON on the API; elsewhere (the portals' pages) through `html`."""

    async def _domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, errors.LearnerRecordsError)
        if isinstance(exc, errors.StorageUnavailable):
            log.error("%s", exc.for_operator)  # a path or a server and the driver's words: nothing of a learner's
        if html is not None and not request.url.path.startswith("/api/"):
            return html(request, exc)
        return translate(exc)

    async def _invalid_request(request: Request, exc: Exception) -> Response:
        # a page's address that holds no valid id or page number names no page: "not found", as any unknown page
        if html is not None and not request.url.path.startswith("/api/") and _in_address(exc):
            return html(request, errors.NotFound("There is no such page: check the address"))
        return _request_validation(request, exc)

    app.add_exception_handler(errors.LearnerRecordsError, _domain)
    app.add_exception_handler(RequestValidationError, _invalid_request)


def _in_address(exc: Exception) -> bool:
    assert isinstance(exc, RequestValidationError)
    return all(item.get("loc", ("body",))[0] in ("path", "query") for item in exc.errors())
