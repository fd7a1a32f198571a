"""Compare: a story's dossier, what the outlets agree on, where they differ and who said what.

`dossier(articles, analyses)` is the computation itself: pure, no store, so a web request or a
Spark executor can call it. `story_dossier(store, story_id)` builds it for a stored story;
`compare_files(paths)` reads files in memory and builds it for their articles as one story.
The result is a `model.Dossier`; its `to_dict()` is the JSON contract every view renders:
entities, quotes, numbers, claims, coverage, timeline and summary, each item citing
`{"article_id", "start", "end"}` character offsets into the article's text.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence

from ..config import DossierSettings, Settings
from ..dates import calendar_date
from ..identify import MemoryArticles, NearCopyIndex, place
from ..ingest import read_articles
from ..model import Analysis, Article, Dossier, Hints, Rejection, Skipped, StoryMember
from ..read import Manifest
from ..understand import AnalysisSource, MemoryAnalyses, analyses_for
from .claims import compare_claims
from .coverage import coverage
from .entities import merge_entities
from .facts import align
from .numbers import compare_numbers
from .quotes import match_quotes
from .sources import article_credit, copy_groups_of
from .summary import summarize
from .timeline import timeline

__all__ = ["DOSSIER_VERSION", "NoSuchStory", "compare_files", "compared_articles", "dossier", "stored_members",
           "story_dossier"]

# Bump when the dossier's JSON shape or meaning changes (2: article entries in the story listing's
# key order, rejections as {"source_path", "reason"}; 3: "claims", a claim one outlet states and another denies).
DOSSIER_VERSION = 3

class NoSuchStory(LookupError):
    pass


def dossier(articles: Sequence[Article], analyses: Mapping[str, Analysis], *, story_id: str,
            title: str | None = None, settings: DossierSettings = DossierSettings()) -> Dossier:
    """The dossier of these articles as one story, from their analyses (keyed by article id).

    Near-copies (`duplicate_of` set) are listed, not compared: they would only repeat their
    original's facts, quotes and numbers as if a second outlet had. Every other article needs
    its analysis (`understand.analyses_for` computes the missing ones)."""
    members = sorted(articles, key=lambda a: (a.published or "9999", a.id))
    compared = compared_articles(members)
    missing = [a.id for a in compared if a.id not in analyses]
    if missing:
        raise ValueError(f"no analysis of article(s) {', '.join(missing)}")
    story_date = min((d for d in (calendar_date(a.published) for a in compared) if d), default=None)
    facts = align(compared, analyses, settings)
    copies = copy_groups_of(compared, {a.id: analyses[a.id].sentences for a in compared})
    credits = {a.id: credit for a in compared if (credit := article_credit(a))}
    entities = merge_entities([analyses[a.id] for a in compared], settings, texts={a.id: a.text for a in compared})
    return Dossier(
        id=story_id,
        version=DOSSIER_VERSION,
        title=title or next((a.title for a in compared if a.title), None),
        date=story_date.isoformat() if story_date else None,
        articles=[_member(a) for a in members],
        summary=summarize(compared, facts, settings),
        entities=entities,
        quotes=match_quotes(compared, analyses, entities, settings),
        numbers=compare_numbers(compared, analyses, settings),
        claims=compare_claims(compared, analyses, settings),
        coverage=coverage(compared, facts, settings, copies),
        timeline=timeline(compared, analyses, facts, story_date),
        not_analysed={a.id: list(analyses[a.id].not_analysed) for a in compared if analyses[a.id].not_analysed},
        texts={a.id: a.text for a in compared},
        shared_copy=[sorted(group) for group in copies],
        credits=credits,
    )


def _member(article: Article) -> StoryMember:
    return StoryMember(id=article.id, title=article.title, outlet=article.outlet, url=article.url,
                       published=article.published, language=article.language, duplicate_of=article.duplicate_of)


def story_dossier(store, story_id: str, settings: DossierSettings = DossierSettings()) -> Dossier:
    """The dossier of a stored story; analyses are computed once and kept in the store.

    `store` needs `get_story`, `get_article` and the `AnalysisSource` methods (the SQLite `Store` has them); the id of
    a story merged into another gives that one's dossier, with `merged_into` set (when the store has `redirect_of`)."""
    story, merged_into = store.get_story(story_id), None
    if story is None and (redirect_of := getattr(store, "redirect_of", None)) is not None:
        merged_into = redirect_of(story_id)  # a story merged into another: that one
        story = store.get_story(merged_into) if merged_into else None
    if story is None:
        raise NoSuchStory(f"no story with id {story_id}")
    members = stored_members(store, story)
    found = dossier(members, analyses_for(store, compared_articles(members)), story_id=story.id, title=story.title,
                    settings=settings)
    found.story, found.merged_into = story, merged_into
    from ..outlets import record_contributions  # outlets reads dossiers: imported here, not at the top

    record_contributions(store, found, members)  # built from complete analyses: the outlet figures count it
    return found


def stored_members(store, story) -> list[Article]:
    """A stored story's articles, as stored (an article gone since the story was read is left out)."""
    return [a for a in (store.get_article(m.id) for m in story.articles) if a is not None]


def compared_articles(articles: Sequence[Article]) -> list[Article]:
    """The articles a dossier compares (near-copies only when a story has nothing else)."""
    return [a for a in articles if a.duplicate_of is None] or list(articles)


# -- compare: files in, a dossier out, nothing stored ------------------------------------------------


def compare_files(paths: Iterable[str | os.PathLike], *, manifest: Manifest | None = None,
                  hints: Hints = Hints(), settings: Settings = Settings(),
                  analyses: AnalysisSource | None = None,
                  on_problem: Callable[[Rejection | Skipped], None] | None = None) -> Dossier:
    """Read the files (read -> normalize -> identify, in memory) and build the dossier of all their
    articles as one story. Duplicates count once and near-copies are linked to their original by the
    rules `ingest` applies (`identify.place`), and listed, not compared. Inputs that give no article
    are in `Dossier.rejected` (and passed to `on_problem` as they happen). `analyses` may hold
    analyses to reuse (and receives the new ones)."""
    kept, rejected = MemoryArticles(), []
    index = NearCopyIndex(settings.near_duplicate_threshold, settings.minhash_permutations, settings.shingle_words)
    for item in read_articles(paths, manifest=manifest, hints=hints, settings=settings):
        if isinstance(item, Article):
            placed = place(item, kept, index)
            if placed.known is None:
                kept.add_article(item, placed.signature, placed.keys)
            else:  # a second reading of a known article fills what the first lacked
                kept.fill_missing(placed.known.id, item)
            continue
        if isinstance(item, Rejection):
            rejected.append(item)
        if on_problem is not None:
            on_problem(item)
    if not kept.articles:
        raise NoSuchStory("no article could be read from the files given")
    source = analyses if analyses is not None else MemoryAnalyses()
    result = dossier(kept.articles, analyses_for(source, compared_articles(kept.articles)), story_id="compare",
                     settings=settings.dossier)
    result.rejected = rejected
    return result
