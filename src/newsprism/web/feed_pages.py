"""The feeds page: `/feeds` (every feed followed, with its health, and the items per state), with its JSON twin.
What `newsprism feeds list` prints, for whoever watches intake from a browser; the data is the store's."""

from __future__ import annotations

from fastapi import APIRouter, Request

from .respond import respond
from .views import safe_url

router = APIRouter()

HEALTH_ORDER = {"unhealthy": 0, "failing": 1, "new": 2, "ok": 3}  # trouble first


@router.get("/feeds", include_in_schema=False)
@router.get("/feeds.json", summary="Feeds followed, their health, and the items per state")
def feeds_page(request: Request):
    store = request.app.state.store
    feeds = sorted(store.feeds(), key=lambda feed: (HEALTH_ORDER.get(feed.health, 9), feed.url))
    rows = []
    for feed in feeds:
        row = feed.to_dict()
        row["link"] = safe_url(feed.url)
        rows.append(row)
    health: dict[str, int] = {}
    for feed in feeds:
        health[feed.health] = health.get(feed.health, 0) + 1
    return respond(request, "feeds.html", {"feeds": rows, "items": store.item_counts(), "health": health})
