"""What is breaking: the stories whose article count grows fastest in the last hours (EMM's top-stories signal).

The clock is the store's newest article (not the wall clock), so an archive shows what was breaking when it
was live. A story is breaking when, in the BREAKING_HOURS before that moment, it gained at least
MIN_RECENT articles from at least MIN_OUTLETS outlets and grew by at least MIN_GROWTH of what it had before;
of those, the MAX_BREAKING that gained most are marked.
"""

from __future__ import annotations

from typing import Any

BREAKING_HOURS = 6
MIN_RECENT = 3
MIN_OUTLETS = 2
MIN_GROWTH = 0.5  # recent articles / articles before the window (a new story counts as growing without bound)
MAX_BREAKING = 10
CANDIDATES = 200  # stories with most recent articles looked at; the rule keeps at most MAX_BREAKING of them


def growth_figure(growth) -> dict[str, Any]:
    """One story's growth as the JSON shows it."""
    before = growth.total - growth.recent
    return {"hours": growth.hours, "recent_articles": growth.recent, "recent_outlets": growth.recent_outlets,
            "articles_before": before, "per_hour": round(growth.recent / growth.hours, 2),
            "growth": round(growth.recent / before, 2) if before else None, "until": growth.newest}


def is_growing_fast(growth) -> bool:
    before = growth.total - growth.recent
    return (growth.recent >= MIN_RECENT and growth.recent_outlets >= MIN_OUTLETS
            and (before == 0 or growth.recent / before >= MIN_GROWTH))


def breaking_stories(store) -> list[dict[str, Any]]:
    """The breaking stories, the fastest-growing first: [{"id", "growth"}]."""
    candidates = store.story_growth(BREAKING_HOURS, limit=CANDIDATES)
    return [{"id": g.story_id, "growth": growth_figure(g)} for g in candidates if is_growing_fast(g)][:MAX_BREAKING]


def mark_breaking(store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each front-page row `breaking` (true or false) and `growth` (its figures; None when it gained
    nothing in the window); returns the breaking stories of the whole store."""
    breaking = breaking_stories(store)
    breaking_ids = {b["id"] for b in breaking}
    grown = {g.story_id: g for g in store.story_growth(BREAKING_HOURS, story_ids=[r["id"] for r in rows])}
    for row in rows:
        found = grown.get(row["id"])
        row["breaking"] = row["id"] in breaking_ids
        row["growth"] = growth_figure(found) if found else None
    return breaking
