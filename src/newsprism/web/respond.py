"""One page, two forms: HTML from a template, or its JSON twin (`.json` suffix or `Accept: application/json`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")  # autoescape on for .html


def outlet_url(name: str) -> str:
    """An outlet's page: its name URL-encoded whole (spaces, slashes, any Unicode)."""
    return "/outlets/" + quote(name, safe="")


TEMPLATES.env.filters["outlet_url"] = outlet_url


def wants_json(request: Request) -> bool:
    if request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def respond(request: Request, template: str, data: dict[str, Any], status: int = 200,
            helpers: dict[str, Any] | None = None):
    """The page as HTML, or `data` as JSON when the JSON twin is asked for; `helpers` are for the template
    only (functions that format what `data` holds)."""
    if wants_json(request):
        return JSONResponse(data, status_code=status)
    return TEMPLATES.TemplateResponse(request, template, {"data": data, **data, **(helpers or {})},
                                      status_code=status)


def error_response(request: Request, status: int, message: str) -> HTMLResponse | JSONResponse:
    if wants_json(request) or request.url.path.startswith("/api/"):
        return JSONResponse({"error": message, "status": status}, status_code=status)
    return TEMPLATES.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                      status_code=status)


def url_with(request: Request, **changes: Any) -> str:
    """This page's URL (path and query) with some query parameters changed; None or "" removes one."""
    query = dict(request.query_params)
    for name, value in changes.items():
        if value is None or value == "":
            query.pop(name, None)
        else:
            query[name] = str(value)
    return request.url.path + (f"?{urlencode(query)}" if query else "")


def strip_json(value: str) -> str:
    """An id from a path that may end with the JSON twin's suffix."""
    return value[:-5] if value.endswith(".json") else value
