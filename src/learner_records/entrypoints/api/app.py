"""The FastAPI application: REST under /api/v1, OpenAPI at /api/docs."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from ...bootstrap import Services
from .errors import register_errors
from .routes import administration, learners


def create_app(services: Services) -> FastAPI:
    app = FastAPI(
        title="learner-records",
        summary="The Unique Learner Number register and Personal Learning Records",
        version="0.1.0",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.services = services
    register_errors(app)
    app.include_router(learners.router)
    app.include_router(administration.router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/api/docs")

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
