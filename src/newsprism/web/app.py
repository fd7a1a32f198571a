"""The FastAPI application: lifespan (the store), security headers, errors, static files, routes."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..config import Settings
from ..outlets import OutletCache
from ..store import Store
from . import api, docs, feed_pages, outlet_pages, pages, search, static_files, thread_pages, views
from .respond import error_response
from .worker import AnalysisWorker

log = logging.getLogger(__name__)


# No inline script or style, nothing from another origin; article text can never run as code.
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def create_app(db_path: str | Path, *, settings: Settings = Settings(), analyse: bool = True,
               token: str | None = None, poll_seconds: float = 15.0) -> FastAPI:
    """The web app over the store at `db_path` (which must exist: `newsprism ingest` makes one).
    `analyse`: run the background analysis worker (`worker.AnalysisWorker`) while the app serves;
    `token`: the secret that `POST /api/articles` needs (None: the write API is off); `poll_seconds`: how
    often an open page asks /api/changes whether articles arrived."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.store = Store(db_path, create=False)
        app.state.worker = AnalysisWorker(app.state.store, settings=settings.dossier) if analyse else None
        if app.state.worker is not None:
            app.state.worker.start()
        try:
            yield
        finally:
            if app.state.worker is not None:
                app.state.worker.stop()
            app.state.store.close()

    app = FastAPI(title="newsprism", summary="Stories, dossiers and articles of a newsprism store.",
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.token = token or None
    app.state.poll_seconds = poll_seconds
    app.state.ingest_lock = threading.Lock()  # POST /api/articles: one ingest at a time
    app.state.ingest_session = None  # made by the first POST, kept for the next ones
    app.state.outlet_cache = OutletCache()  # outlet figures, kept until the store changes
    app.state.memo = views.Memo()  # front-page listings and dossiers, under keys that change with the store
    app.include_router(static_files.router)
    app.include_router(pages.router)
    app.include_router(search.router)
    app.include_router(api.router)
    app.include_router(docs.router)
    app.include_router(outlet_pages.router)
    app.include_router(feed_pages.router)
    app.include_router(thread_pages.router)

    app.openapi = lambda: _schema(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        response = error_response(request, exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})  # WWW-Authenticate on a 401
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
                             for e in exc.errors())
        return error_response(request, 400, problems or "bad request")

    return app


def _schema(app: FastAPI) -> dict:
    """FastAPI's OpenAPI schema, saying what the app answers to bad parameters: 400 with `{"error", "status"}`
    (`bad_parameters` above), not FastAPI's default 422 with its own body."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path, operations in schema.get("paths", {}).items():
            for operation in operations.values():
                responses = operation.get("responses", {})
                if responses.get("422", {}).get("description") == "Validation Error":
                    del responses["422"]
                    responses["400"] = {"description": "bad parameters, with a one-line reason", "content": error}
                if "{" in path:
                    responses.setdefault("404", {"description": "no such item", "content": error})
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        components["Error"] = {"type": "object", "required": ["error", "status"],
                               "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}}
        app.openapi_schema = schema
    return app.openapi_schema
