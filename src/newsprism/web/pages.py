"""The pages: front page, story, article. Each returns plain data that a template renders or the JSON twin
returns as it is; the data is built by `views`, which knows nothing of HTTP."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BeforeValidator

from ..dates import parse_date
from . import views
from .breaking import mark_breaking
from .respond import respond, strip_json, url_with

router = APIRouter()

PER_PAGE = 25

# The filter form sends an emptied number box as "": that means no minimum, not a bad request.
BLANK_IS_ZERO = BeforeValidator(lambda value: 0 if value == "" else value)


def _since(value: str | None) -> str | None:
    if not value:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise HTTPException(400, f"since: not a date or time: {value[:40]!r} (use e.g. 2024-07-05)")
    return parsed


@router.get("/", include_in_schema=False)
@router.get("/.json", summary="Stories, most active first")
def front_page(request: Request,
               q: str | None = Query(None, max_length=500, description="full-text search over articles"),
               since: str | None = Query(None, max_length=64, description="newest article at or after this time"),
               min_outlets: Annotated[int, Query(ge=0, le=10_000, description="at least this many outlets"),
                                      BLANK_IS_ZERO] = 0,
               language: str | None = Query(None, max_length=20, description="an article in this language"),
               outlet: str | None = Query(None, max_length=300, description="an article from this outlet"),
               page: int = Query(1, ge=1, le=1_000_000, description="page number, 25 stories a page")):
    store = request.app.state.store
    filters = {"search": q or None, "since": _since(since), "min_outlets": min_outlets,
               "language": language or None, "outlet": outlet or None}
    total, kept = views.front_page_listing(store, filters, PER_PAGE, (page - 1) * PER_PAGE, request.app.state.memo)
    pages = max(1, -(-total // PER_PAGE))
    rows = [dict(row) for row in kept]  # mark_breaking adds to each row: the kept ones stay as they were
    data = {
        "stories": rows,
        "breaking": mark_breaking(store, rows),
        "total": total, "page": page, "pages": pages,
        "latest": store.latest_arrival()[0],  # the newest article's arrival number: /api/changes?since=
        "filters": {"q": q, "since": since, "min_outlets": min_outlets, "language": language, "outlet": outlet},
        "next": url_with(request, page=page + 1) if page < pages else None,
        "previous": url_with(request, page=page - 1 if page > 2 else None) if page > 1 else None,
    }
    return respond(request, "index.html", data)


@router.get("/stories/{story_id}", summary="A story and its dossier")
def story_page(request: Request, story_id: str):
    store = request.app.state.store
    found = views.story_view(store, strip_json(story_id), request.app.state.settings.dossier, request.app.state.memo)
    if found is None:
        survivor = store.redirect_of(strip_json(story_id))
        if survivor:  # merged into another story: its page, for good (308 keeps the method)
            suffix = ".json" if story_id.endswith(".json") else ""
            return RedirectResponse(f"/stories/{quote(survivor, safe='')}{suffix}", status_code=308)
        raise HTTPException(404, f"no story with id {strip_json(story_id)[:80]!r}")
    data, texts = found
    data["latest"] = store.latest_arrival()[0]
    cite = views.citation_helper(data["dossier"], texts)
    return respond(request, "story.html", data, helpers={"cite": cite, "cite_groups": views.citation_groups(cite),
                                                         "word_changes": views.word_changes})


@router.get("/stories/{story_id}/history", summary="How a story came to be, change by change")
@router.get("/stories/{story_id}/history.json", include_in_schema=False)
def story_history_page(request: Request, story_id: str):
    """The twin of `newsprism story ID --history`: the same JSON, and a page of the same changes in words."""
    from ..cluster.corrections import resolve_story
    from ..render import stories as story_views

    store = request.app.state.store
    live, merged_into = resolve_story(store, story_id)
    found = store.get_story(live) if live else None
    if found is None:
        raise HTTPException(404, f"no story with id {story_id[:80]!r}")
    events = store.story_history(live)
    data = story_views.history_to_dict(found, events, merged_into, store.merged_into(live))
    data["url"] = f"/stories/{quote(live, safe='')}"
    for shown, event in zip(data["history"], events, strict=True):
        shown["change"], shown["why"] = story_views.event_text(event), story_views.why(event)
    return respond(request, "history.html", data)


@router.get("/articles/{article_id}", summary="An article, with a cited span highlighted")
def article_page(request: Request, article_id: str,
                 hl: str | None = Query(None, max_length=40, pattern=r"^\d{1,9}-\d{1,9}$",
                                        description="a cited span START-END to highlight")):
    store = request.app.state.store
    article = store.get_article(strip_json(article_id))
    if article is None:
        raise HTTPException(404, f"no article with id {strip_json(article_id)[:80]!r}")
    span = tuple(int(x) for x in hl.split("-")) if hl else None
    if span and not (0 <= span[0] < span[1] <= len(article.text)):
        raise HTTPException(400, f"hl: {hl} is not a span of this article's text (0-{len(article.text)})")
    return respond(request, "article.html", views.article_view(store, article, span))
