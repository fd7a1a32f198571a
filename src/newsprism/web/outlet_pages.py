"""The outlet pages: `/outlets` (every outlet's figures and attributes, sortable, in pages) and
`/outlets/{name}` (one outlet: figures, attributes, latest stories), each with its JSON twin. The data comes
from `newsprism.outlets`; this module adds only HTTP and links."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request

from .. import outlets
from .respond import outlet_url, respond, strip_json, url_with

router = APIRouter()

PER_PAGE = 50


@router.get("/outlets", include_in_schema=False)
@router.get("/outlets.json", summary="Outlets with their figures and attributes")
def outlets_page(request: Request,
                 sort: str = Query("articles", max_length=120,
                                   description=f"one of {', '.join(outlets.SORTS)}, or an attribute's name"),
                 page: int = Query(1, ge=1, le=1_000_000, description=f"page number, {PER_PAGE} outlets a page")):
    app = request.app
    try:
        data = outlets.outlet_table(app.state.store, sort=sort, page=page, per_page=PER_PAGE,
                                    settings=app.state.settings.dossier, cache=app.state.outlet_cache)
    except ValueError as exc:
        raise HTTPException(400, f"sort: {exc}") from None
    for row in data["outlets"]:
        row["url"] = outlet_url(row["outlet"])
    data["sort_links"] = {key: url_with(request, sort=key, page=None) for key in (*outlets.SORTS, *data["attributes"])}
    data["next"] = url_with(request, page=page + 1) if page < data["pages"] else None
    data["previous"] = url_with(request, page=page - 1 if page > 2 else None) if page > 1 else None
    return respond(request, "outlets.html", data)


@router.get("/outlets/{name:path}", summary="An outlet: figures, attributes, latest stories")
def outlet_page(request: Request, name: str):
    app = request.app
    found = None
    for candidate in dict.fromkeys([strip_json(name), name]):  # an outlet named "x.json" is found too
        found = outlets.outlet_detail(app.state.store, candidate, settings=app.state.settings.dossier,
                                      cache=app.state.outlet_cache)
        if found is not None:
            break
    if found is None:
        raise HTTPException(404, f"no outlet named {strip_json(name)[:80]!r} in the store")
    found["outlet"]["url"] = outlet_url(found["outlet"]["outlet"])
    for story in found["stories"]:
        story["url"] = f"/stories/{story['id']}"
    return respond(request, "outlet.html", found)
