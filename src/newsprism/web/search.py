"""The search page `/search?q=`: articles matching the store's full-text index, best first, with the matching
words marked in their title and a snippet, and the stories they belong to."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from ..store import SEARCH_WINDOW
from .respond import respond, url_with

router = APIRouter()

PER_PAGE = 20


@router.get("/search", include_in_schema=False)
@router.get("/search.json", summary="Articles matching a full-text search, with snippets and their stories")
def search_page(request: Request,
                q: str = Query("", max_length=500, description="words to find (every word must occur; "
                                                               "quotes and operators are taken as words)"),
                page: int = Query(1, ge=1, le=100_000, description=f"page number, {PER_PAGE} articles a page")):
    store = request.app.state.store
    words = q.strip()
    total = store.count_article_matches(words) if words else 0
    ranked = min(total, SEARCH_WINDOW)  # the newest matches, ranked by relevance
    pages = max(1, -(-ranked // PER_PAGE))
    hits = store.search_articles(words, limit=PER_PAGE, offset=(page - 1) * PER_PAGE) if words else []
    data = {
        "q": words, "total": total, "ranked": ranked, "page": page, "pages": pages,
        "articles": [_hit_row(hit.to_dict()) for hit in hits],
        "stories": _stories_of(hits),
        "next": url_with(request, page=page + 1) if page < pages else None,
        "previous": url_with(request, page=page - 1 if page > 2 else None) if page > 1 else None,
    }
    return respond(request, "search.html", data)


def _hit_row(hit: dict[str, Any]) -> dict[str, Any]:
    hit["url"] = f"/articles/{hit['article_id']}"
    hit["story_url"] = f"/stories/{hit['story_id']}" if hit["story_id"] else None
    return hit


def _stories_of(hits) -> list[dict[str, Any]]:
    """The stories of this page's articles, in the order of their best match, with how many matched."""
    found: dict[str, dict[str, Any]] = {}
    for hit in hits:
        if hit.story_id is None:
            continue
        story = found.setdefault(hit.story_id, {"id": hit.story_id, "title": hit.story_title,
                                                "url": f"/stories/{hit.story_id}", "matching_articles": 0})
        story["matching_articles"] += 1
    return list(found.values())
