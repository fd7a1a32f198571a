"""What each page shows, as plain JSON-ready data built from the store (no HTTP here)."""

from __future__ import annotations

import difflib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from ..compare import compared_articles, stored_members
from ..compare import dossier as build_dossier
from ..config import DossierSettings
from ..dates import as_utc
from ..model import Article, Story, outlet_names
from ..oneline import one_line, shorten
from ..outlets import coverage_by_attribute, readable_delay, record_contributions
from ..store import StoreError
from ..understand import ANALYSIS_VERSION

log = logging.getLogger(__name__)

LEAD_CHARACTERS = 240


class Memo:
    """Results computed from the store, kept under a key that names everything they depend on (so a changed
    store makes a new key, never a stale answer); the least recently used go first. Shared by the server's
    threads; the values are never changed by their users."""

    def __init__(self, size: int = 256):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()  # outside the lock: two threads may compute the same value once each, never wait
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def front_page_listing(store, filters: dict[str, Any], limit: int, offset: int,
                       memo: Memo | None = None) -> tuple[int, list[dict[str, Any]]]:
    """How many stories match `filters`, and the rows of one page of them, most active first. The store reads
    its per-story listing rows (about 10 ms for a page at 100,000 articles; filters on language, outlet or words
    look up articles and cost more), and the answer is kept in `memo` until an article arrives or the stories
    are rebuilt (`Store.latest_arrival`)."""
    def compute() -> tuple[int, list[dict[str, Any]]]:
        total = store.count_story_matches(**filters)
        return total, story_rows(store, store.stories(**filters, limit=limit, offset=offset, order="active"))

    if memo is None:
        return compute()
    return memo.get(("front", tuple(sorted(filters.items())), limit, offset, store.latest_arrival()), compute)


def _record_contributions(store, built, members) -> None:
    try:
        record_contributions(store, built, members)
    except StoreError as exc:  # the store busy, say: the worker stores them later; the page is not held up
        log.warning("story %s: its outlet contributions were not stored: %s", built.id, exc)


def story_rows(store, stories: Sequence[Story]) -> list[dict[str, Any]]:
    """Front-page rows: each story's listing fields, its link and a one-line lead (its first article's opening)."""
    leads = store.story_leads([s.id for s in stories]) if stories else {}
    return [{**s.to_dict(), "url": f"/stories/{s.id}", "lead": one_line(leads.get(s.id, ""), LEAD_CHARACTERS)}
            for s in stories]


def story_view(store, story_id: str, settings: DossierSettings,
               memo: Memo | None = None) -> tuple[dict[str, Any], dict[str, str]] | None:
    """A story, the dossier of its analysed articles, and which articles' analyses are still pending; and the
    compared articles' texts (for the cited passages a page shows; the JSON cites offsets). Building the
    dossier is the page's cost (about 1 s for 40 reports), so it is kept in `memo` under the articles it was
    built from (their ids, near-copy links and which are analysed)."""
    story = store.get_story(story_id)
    if story is None:
        return None
    members = stored_members(store, story)
    compared = compared_articles(members)
    analyses = store.analyses([a.id for a in compared], ANALYSIS_VERSION)
    ready = [a for a in compared if a.id in analyses]
    compared_ids = {a.id for a in compared}
    near_copies = [a for a in members if a.id not in compared_ids]  # listed in the dossier, not compared
    found: tuple[dict[str, Any], dict[str, str]] | None = None  # the dossier as JSON, and its articles' texts
    if ready:
        def compute() -> tuple[dict[str, Any], dict[str, str]]:
            built = build_dossier(ready + near_copies, analyses, story_id=story.id, title=story.title,
                                  settings=settings)
            if len(ready) == len(compared):  # built from complete analyses: its outlet contributions are stored
                _record_contributions(store, built, members)
            return built.to_dict(), built.texts

        built_from = tuple((a.id, a.duplicate_of, a.content_hash, a.outlet, a.published) for a in members)
        key = ("dossier", story.id, story.title, built_from, tuple(a.id for a in ready), id(settings))
        found = memo.get(key, compute) if memo is not None else compute()
    return {
        "story": story.to_dict(with_articles=True),
        "reporting": reporting_order(story.articles),
        "dossier": found[0] if found else None,
        "pending": [a.id for a in compared if a.id not in analyses],
        "coverage_by_attribute": coverage_by_attribute(store, story.outlets),
    }, (found[1] if found else {})


def reporting_order(members) -> list[dict[str, Any]]:
    """Who reported first, and how far behind the first report each article came (undated ones last)."""
    dated = [(as_utc(m.published), m) for m in members]
    first = min((t for t, _ in dated if t is not None), default=None)
    rows = []
    for when, member in sorted(dated, key=lambda p: (p[0] is None, p[0] or datetime.min, p[1].id)):
        behind = None if when is None or first is None else (when - first).total_seconds()
        rows.append({"id": member.id, "outlet": member.outlet, "title": member.title, "published": member.published,
                     "seconds_behind_first": behind, "behind": _duration(behind), "first": behind == 0,
                     "duplicate_of": member.duplicate_of, "url": f"/articles/{member.id}",
                     "source_url": safe_url(member.url)})
    return rows


def _duration(seconds: float | None) -> str | None:
    """How far behind the first report, as the outlet pages write delays: "first", "+42 min", "+3 h 05 min"."""
    if seconds is None:
        return None
    return "first" if seconds <= 0 else f"+{readable_delay(seconds)}"


def article_view(store, article: Article, span: tuple[int, int] | None) -> dict[str, Any]:
    """An article's metadata and text, split into paragraphs, with the cited span marked."""
    data = article.to_dict()
    data["source_url"] = safe_url(article.url)
    data["story_url"] = f"/stories/{article.story_id}" if article.story_id else None
    data["highlight"] = {"start": span[0], "end": span[1]} if span else None
    data["paragraphs"] = paragraphs(article.text, span)
    data["paragraph_starts"] = paragraph_starts(article.text)
    return data


def paragraph_starts(text: str) -> list[int]:
    """The offset in the text where each paragraph ("\n\n"-separated) starts: a page marks a span cited
    only in its address (#c-START-END) from these."""
    starts, at = [], 0
    for block in text.split("\n\n"):
        starts.append(at)
        at += len(block) + 2
    return starts


def paragraphs(text: str, span: tuple[int, int] | None) -> list[list[dict[str, Any]]]:
    """The text as paragraphs of pieces [{"text", "mark"}]: the pieces inside `span` are marked."""
    out, at = [], 0
    for block in text.split("\n\n"):
        start, end = at, at + len(block)
        at = end + 2
        if span is None or span[1] <= start or span[0] >= end:
            out.append([{"text": block, "mark": False}])
            continue
        a, b = max(span[0], start) - start, min(span[1], end) - start
        pieces = [{"text": block[:a], "mark": False}, {"text": block[a:b], "mark": True},
                  {"text": block[b:], "mark": False}]
        out.append([p for p in pieces if p["text"]])
    for piece in (p for block in out for p in block):  # the anchor goes on the span's first piece only
        if piece["mark"]:
            piece["anchor"] = True
            break
    return out


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s) and so safe as a link; None otherwise (javascript:, data:, file:...)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def citation_helper(found: dict[str, Any] | None, texts: dict[str, str]):
    """For templates: a citation dict -> {outlet, words, href} (the cited words shortened, the article link)."""
    if not found:
        return lambda cite: {}
    outlet = outlet_names_of(found["articles"])

    def cite(c: dict[str, Any]) -> dict[str, Any]:
        words = texts.get(c["article_id"], "")[c["start"]:c["end"]]
        return {"outlet": outlet.get(c["article_id"], c["article_id"]), "words": words,
                "short": shorten(" ".join(words.split()), 90),
                "href": f"/articles/{c['article_id']}?hl={c['start']}-{c['end']}#c-{c['start']}-{c['end']}"}

    return cite


def word_changes(reference: str, variant: str) -> list[dict[str, Any]]:
    """A quotation's wording against the group's reference wording, word by word: pieces
    [{"text", "change"}] with change "same", "added" (words only the variant has) or "removed" (reference
    words the variant leaves out). Plain text: the template marks the pieces (<ins>, <del>)."""
    ours, theirs = reference.split(), variant.split()
    pieces: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(a=[_folded(w) for w in ours], b=[_folded(w) for w in theirs], autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append({"text": " ".join(theirs[b1:b2]), "change": "same"})
            continue
        if a2 > a1:
            pieces.append({"text": " ".join(ours[a1:a2]), "change": "removed"})
        if b2 > b1:
            pieces.append({"text": " ".join(theirs[b1:b2]), "change": "added"})
    return pieces


def _folded(word: str) -> str:
    """A word as the comparison sees it: case and surrounding punctuation aside."""
    return word.strip(".,;:!?\"'“”‘’()[]…").casefold()


def citation_groups(cite):
    """For templates: citations -> [(outlet, [cite(c), ...])], outlets in first-cited order."""
    def groups(citations: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        for c in citations:
            view = cite(c)
            found.setdefault(view.get("outlet", ""), []).append(view)
        return list(found.items())

    return groups


def outlet_names_of(articles: list[dict[str, Any]]) -> dict[str, str]:
    """`model.outlet_names` of a dossier's JSON article entries."""
    return outlet_names(SimpleNamespace(id=a["id"], outlet=a.get("outlet")) for a in articles)
