"""The application: REST under /api/v1 (OpenAPI at /api/docs), the SOAP services, the web portals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from ...bootstrap import Services
from .. import soap, web
from ..headers import SecurityHeaders, docs_policy, page_policy
from ..worker import JobWorker
from .errors import register_errors
from .routes import administration, awarding, batches, learners, plr


def create_app(services: Services, run_worker: bool = False) -> FastAPI:
    """The app over `services`; with `run_worker`, background jobs run in a thread of this process."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        worker = JobWorker(services) if run_worker else None
        if worker is not None:
            worker.start()
        yield
        if worker is not None:
            worker.stop()

    app = FastAPI(
        title="learner-records",
        summary="The Unique Learner Number register and Personal Learning Records",
        version="0.1.0",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.services = services
    register_errors(app, html=web.error_page)
    app.include_router(learners.router)
    app.include_router(administration.router)
    app.include_router(plr.router)
    app.include_router(awarding.router)
    app.include_router(batches.router)
    app.include_router(soap.router(services))  # the WSDLs; the calls themselves are answered by SoapCalls
    web.install(app, services)
    app.add_middleware(soap.SoapCalls, services=services, handlers=soap.HANDLERS)  # outermost: no session work
    app.add_middleware(SecurityHeaders, pages=page_policy(), docs=docs_policy(app), docs_path=app.docs_url or "",
                       https=bool(services.settings.tls_certfile))  # fmt: skip  # around everything, SOAP too

    @app.get("/health", include_in_schema=False)
    def health() -> JSONResponse:
        report = services.health.check()
        body = {"status": "ok" if report.ok else "unavailable", "checks": report.checks}
        return JSONResponse(body, status_code=200 if report.ok else 503)

    return app
