"""Compare: a story's dossier, what the outlets agree on, where they differ and who said what.

`dossier(store, story_id)` builds it for a stored story; `compare_files(paths)`
reads files into a scratch store and builds it for them as one story. Both give
the JSON contract (a dict) that every view renders: entities, quotes, numbers,
coverage, timeline and summary, each item citing `{"article_id", "start", "end"}`
character offsets into the article's stored text.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from ..config import Settings
from ..model import Article, Hints
from ..store import Store, open_store
from ..understand import analyses_for, anchor_date
from .coverage import coverage
from .entities import merge_entities
from .facts import align
from .numbers import compare_numbers
from .quotes import match_quotes
from .summary import summarize
from .timeline import timeline

__all__ = ["dossier", "build_dossier", "compare_files"]

DOSSIER_VERSION = 1


class NoSuchStory(LookupError):
    pass


def dossier(store: Store, story_id: str, sentences: int = 5, with_texts: bool = False) -> dict:
    """The dossier of a stored story (analyses computed once, then read from the store)."""
    story = store.get_story(story_id)
    if story is None:
        raise NoSuchStory(f"no story with id {story_id}")
    members = [store.get_article(m.id) for m in story.articles]
    return build_dossier(store, [a for a in members if a is not None], story_id=story.id, title=story.title,
                         sentences=sentences, with_texts=with_texts)


def build_dossier(store: Store, members: list[Article], *, story_id: str, title: str | None,
                  sentences: int = 5, with_texts: bool = False) -> dict:
    """The dossier of these articles as one story. Near-copies are listed, not analysed again:
    they would only repeat their original's facts, quotes and numbers as if a second outlet had."""
    members = sorted(members, key=lambda a: (a.published or "9999", a.id))
    articles = [a for a in members if a.duplicate_of is None] or members
    analyses = analyses_for(store, articles)
    story_date = min((d for d in (anchor_date(a.published) for a in articles) if d), default=None)
    facts = align(articles, analyses)
    entities = merge_entities([analyses[a.id] for a in articles])
    return {
        "id": story_id,
        "version": DOSSIER_VERSION,
        "title": title or next((a.title for a in articles if a.title), None),
        "date": story_date.isoformat() if isinstance(story_date, date) else None,
        "articles": [_article(a) for a in members],
        "summary": summarize(articles, facts, sentences),
        "entities": [e.to_dict() for e in entities],
        "quotes": match_quotes(articles, analyses, entities),
        "numbers": compare_numbers(articles, analyses),
        "coverage": coverage(articles, facts),
        "timeline": timeline(articles, analyses, facts, story_date),
        "not_analysed": {a.id: analyses[a.id].not_analysed for a in articles if analyses[a.id].not_analysed},
        **({"texts": {a.id: a.text for a in articles}} if with_texts else {}),
    }


def _article(article: Article) -> dict:
    return {"id": article.id, "outlet": article.outlet, "title": article.title, "published": article.published,
            "url": article.url, "language": article.language, "duplicate_of": article.duplicate_of}


def compare_files(paths: Iterable[str | os.PathLike], *, manifest=None, hints: Hints = Hints(),
                  settings: Settings = Settings(), sentences: int = 5, on_problem=None,
                  with_texts: bool = False) -> dict:
    """Read the files into a scratch store and build the dossier of all their articles as one story."""
    from ..ingest import Progress, ingest  # the read stages, only when files are compared

    with tempfile.TemporaryDirectory(prefix="newsprism-compare-") as scratch:
        store = open_store(Path(scratch) / "compare.db")
        try:
            progress = Progress(on_problem=on_problem) if on_problem else None
            report = ingest(store, paths, hints=hints, manifest=manifest, settings=settings, progress=progress)
            articles = store.articles(limit=None)
            if not articles:
                raise NoSuchStory("no article could be read from the files given")
            result = build_dossier(store, articles, story_id="compare", title=None, sentences=sentences,
                                   with_texts=with_texts)
            result["rejected"] = [{"source": r.source_path, "reason": r.reason} for r in report.rejected]
            return result
        finally:
            store.close()
