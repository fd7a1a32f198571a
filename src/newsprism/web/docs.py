"""`/docs`: the API documented from the app's own OpenAPI schema, rendered on the server (no CDN, no script):
every endpoint with its parameters, request body and answers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from .respond import TEMPLATES

router = APIRouter()

METHODS = ("get", "post", "put", "patch", "delete")


@router.get("/docs", include_in_schema=False)
def api_docs(request: Request):
    return TEMPLATES.TemplateResponse(request, "docs.html", {"endpoints": endpoints(request.app.openapi()),
                                                             "title": request.app.title})


def endpoints(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema's operations as plain rows for the page, in path order."""
    rows = []
    for path, operations in sorted(schema.get("paths", {}).items()):
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            rows.append({
                "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [_parameter(p) for p in operation.get("parameters", [])],
                "body": sorted(body), "secured": bool(operation.get("security")),
                "responses": [(code, answer.get("description", "")) for code, answer in
                              sorted(operation.get("responses", {}).items())],
            })
    return rows


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    schema = parameter.get("schema", {})
    kinds = [s.get("type") for s in schema.get("anyOf", [])] or [schema.get("type")]
    for option in schema.get("anyOf", []):  # an optional parameter: its rules sit in the non-null option
        schema = {**option, **schema} if option.get("type") != "null" else schema
    limits = [f"{word} {schema[key]}" for key, word in
              (("minimum", "≥"), ("maximum", "≤"), ("minLength", "length ≥"), ("maxLength", "length ≤"),
               ("pattern", "matching"), ("default", "default")) if schema.get(key) is not None]
    return {"name": parameter["name"], "in": parameter.get("in", ""), "required": parameter.get("required", False),
            "type": " or ".join(k for k in kinds if k and k != "null") or "any", "limits": limits,
            "description": parameter.get("description") or schema.get("description", "")}
