"""Editors' corrections: merge two stories, split one, move an article to another story.

Each correction is one transaction: the articles' stories, the stories' clustering state (centroid, terms,
title, rebuilt from their articles), the history, the redirect of a merged id and the correction itself
commit together. The generation counter moves on, so every process's `StoryAssigner` restores the stories
before its next batch: later articles are assigned against the corrected stories.

A correction is kept by article ids, which `recluster` does not change (story ids may): `recluster` replays
each one at the point of the assignment order where it was made, so it gives what streaming with the
corrections gave. Rules:
- merge: the older story (the one assigned to first) keeps its id; the other id redirects to it.
- split: the larger part keeps the id (the named articles on a tie go); the other part's id is the id of its
  first assigned article (when no live story has it; a merged id given back stops redirecting).
- move: the article and its near-copies go; a story left empty redirects to the one they went to.
Near-copies follow their original in a split or a move. Automatic revisions (which may merge and split by
themselves) ask `may_merge` and `may_separate` first: what an editor set apart stays apart, and what an editor
merged stays together.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from ..dates import as_utc, utc_time
from ..model import Article, Correction, StoryEvent
from ..store import Store
from . import save_story_state
from .features import article_features
from .online import StoryState, capped_cosine, join_story, start_story, term_cap

log = logging.getLogger(__name__)


class CorrectionError(ValueError):
    """A correction that cannot be made (an unknown id, an article outside its story): one line says why."""


def resolve_story(store: Store, story_id: str) -> tuple[str | None, str | None]:
    """(the live story an id names, the story it was merged into when it was): (id, None) for a live story,
    (survivor, survivor) for a merged id, (None, None) for an unknown one."""
    if store.is_story(story_id):
        return story_id, None
    survivor = store.redirect_of(story_id)
    return (survivor, survivor) if survivor and store.is_story(survivor) else (None, None)


# --- what editors call: checked, recorded, applied ------------------------------------------------


def merge_stories(store: Store, a: str, b: str, *, who: str | None = None, note: str | None = None) -> str:
    """Make stories `a` and `b` one; returns the surviving id (the older story's)."""
    with store.write():
        first, second = _live(store, a), _live(store, b)
        if first == second:
            raise CorrectionError(f"{a} and {b} are one story already ({first})")
        names = [store.first_assigned(first)[0], store.first_assigned(second)[0]]
        return _record_and_apply(store, Correction("merge", names, who=who, note=note))["story"]


def split_story(store: Store, story_id: str, article_ids: Sequence[str], *, who: str | None = None,
                note: str | None = None) -> tuple[str, str]:
    """Set these articles (and their near-copies) apart from the rest of the story; returns (the id the larger
    part keeps, the new story's id)."""
    with store.write():
        story = _live(store, story_id)
        members = store.story_articles(story)
        inside = {a.id for a in members}
        for article_id in article_ids:
            if article_id not in inside:
                raise CorrectionError(f"article {article_id} is not in story {story}")
        leaving = _with_copies(members, set(article_ids))
        if len(leaving) == len(members):
            raise CorrectionError(f"splitting off every article of story {story} leaves nothing behind: "
                                  "name only the articles to set apart")
        rest = [a.id for a in members if a.id not in leaving]
        done = _record_and_apply(store, Correction("split", [a.id for a in members if a.id in leaving],
                                                   apart=rest, who=who, note=note))
        return done["story"], done["other"]


def move_article(store: Store, article_id: str, story_id: str, *, who: str | None = None,
                 note: str | None = None) -> str:
    """Move an article (and its near-copies) to another story; returns the id of the story it left."""
    with store.write():
        article = store.get_article(article_id)
        if article is None:
            raise CorrectionError(f"no article with id {article_id}")
        if article.story_id is None:
            raise CorrectionError(f"article {article_id} has no story yet")
        target = _live(store, story_id)
        if article.story_id == target:
            raise CorrectionError(f"article {article_id} is in story {target} already")
        members = store.story_articles(article.story_id)
        moving = _with_copies(members, {article_id})
        apart = [a.id for a in members if a.id not in moving]
        correction = Correction("move", [article_id], target=store.first_assigned(target)[0], apart=apart, who=who,
                                note=note)
        return _record_and_apply(store, correction)["other"]


def _live(store: Store, story_id: str) -> str:
    found, _ = resolve_story(store, story_id)
    if found is None:
        raise CorrectionError(f"no story with id {story_id}")
    return found


def _with_copies(members: list[Article], named: set[str]) -> set[str]:
    """The named articles and the near-copies of them in the same story."""
    return named | {a.id for a in members if a.duplicate_of in named}


def _record_and_apply(store: Store, correction: Correction) -> dict:
    correction.at = utc_time()
    correction.after_article = store.latest_assigned()
    correction.seq = store.add_correction(correction)
    done = apply_correction(store, correction)
    log.info("correction %s %s: %s", correction.seq, correction.kind, done)
    return done


# --- applying one (editors now, recluster when it replays them) ---------------------------------------


def apply_correction(store: Store, correction: Correction) -> dict | None:
    """Apply a recorded correction to the stories as they are now (call inside `store.write()`); returns
    {"story": the story that kept or took the articles, "other": the story merged in, split off or left}, or
    None when it no longer applies (its articles are gone, or already where it puts them)."""
    apply = {"merge": _merge, "split": _split, "move": _move}[correction.kind]
    done = apply(store, correction)
    if done is not None:
        store.bump_generation()
    return done


def _merge(store: Store, correction: Correction) -> dict | None:
    stories = {store.story_of(a) for a in correction.articles} - {None}
    if len(stories) != 2:
        return None
    survivor, gone = sorted(stories, key=lambda s: (store.first_assigned(s)[1], s))
    moving = [a.id for a in store.story_articles(gone)]
    touched = max(store.story_row(survivor)["touched"], store.story_row(gone)["touched"])
    store.move_to_story(moving, survivor)
    store.delete_story(gone)
    store.add_redirect(gone, survivor)
    rebuild_story(store, survivor, touched)
    _record(store, correction, StoryEvent(survivor, "", "merged", moving, gone))
    return {"story": survivor, "other": gone}


def _split(store: Store, correction: Correction) -> dict | None:
    named = set(correction.articles)
    story = next((store.story_of(a) for a in correction.articles if store.story_of(a)), None)
    if story is None:
        return None
    members = store.story_articles(story)
    leaving = [a for a in members if a.id in named]
    staying = [a for a in members if a.id not in named]
    if not leaving or not staying:
        return None
    if len(leaving) > len(staying):  # the larger part keeps the id
        leaving, staying = staying, leaving
    new_id = _new_story_id(store, leaving)
    touched = store.story_row(story)["touched"]
    store.move_to_story([a.id for a in leaving], new_id)
    store.drop_redirect(new_id)
    rebuild_story(store, story, touched)
    rebuild_story(store, new_id, touched)
    _record(store, correction, StoryEvent(story, "", "split", [a.id for a in leaving], new_id))
    return {"story": story, "other": new_id}


def _move(store: Store, correction: Correction) -> dict | None:
    source, target = store.story_of(correction.articles[0]), store.story_of(correction.target)
    if source is None or target is None or source == target:
        return None
    members = store.story_articles(source)
    moving = _with_copies(members, set(correction.articles))
    touched = max(store.story_row(source)["touched"], store.story_row(target)["touched"])
    store.move_to_story([a.id for a in members if a.id in moving], target)
    if len(moving) == len(members):  # nothing left: the id leads to where its articles went
        store.delete_story(source)
        store.add_redirect(source, target)
    else:
        rebuild_story(store, source, store.story_row(source)["touched"])
    rebuild_story(store, target, touched)
    _record(store, correction, StoryEvent(target, "", "moved", [a.id for a in members if a.id in moving], source))
    return {"story": target, "other": source}


def _record(store: Store, correction: Correction, event: StoryEvent) -> None:
    event.at, event.reason, event.who = correction.at or utc_time(), "editor", correction.who
    store.record_history([event])


def _new_story_id(store: Store, articles: list[Article]) -> str:
    """The id of the first of these articles that names no live story (a story's id is its first article's)."""
    for article in articles:
        if not store.is_story(article.id):
            return article.id
    number = 2
    while store.is_story(f"{articles[0].id}-{number}"):
        number += 1
    return f"{articles[0].id}-{number}"


def rebuild_story(store: Store, story_id: str, touched: int) -> StoryState:
    """A story's clustering state from its articles, as if they had joined it in their assignment order
    (near-copies do not shape it), titled by its most typical titled article; saved."""
    members = store.story_articles(story_id)
    shaping = [a for a in members if a.duplicate_of is None] or members
    story, featured = None, []
    for article in shaping:
        features = article_features(article)
        when = as_utc(article.published or article.captured)
        if story is None:
            story = start_story(story_id, features, when, touched, article.id)
        else:
            join_story(story, features, when, touched, article.id)
        featured.append((article, features))
    _retitle(story, featured)
    story.thread_id = store.thread_of(shaping[0].id)  # a correction keeps the story in its thread
    before = store.story_row(story_id)
    if before is not None:  # its age stays what it was (of two stories an automatic merge keeps the older)
        story.first_arrival = json.loads(before["state"]).get("first_arrival", touched)
    save_story_state(store, story)
    return story


def _retitle(story: StoryState, featured: list) -> None:
    """The title of the member closest to the story's centroid (the earliest on a tie); the first member's
    opening when none has a title."""
    best, best_score = None, -1.0
    for article, features in featured:
        if article.title:
            score = capped_cosine(features.terms, story.centroid, story.norm, term_cap(features.terms))
            if score > best_score:
                best, best_score = article, score
    if best is not None:
        story.title, story.title_score, story.title_from_text = best.title, best_score, False
    else:
        from . import _first_sentence  # the assigner's rule for an untitled story

        story.title, story.title_score, story.title_from_text = _first_sentence(featured[0][0].text), 0.0, True


# --- replay and constraints --------------------------------------------------------------------------


def replay_points(store: Store, order: Sequence[int]) -> list[tuple[int, Correction]]:
    """Each correction with how many articles of the assignment `order` (arrival numbers) were assigned when
    it was made: where `recluster` applies it. A correction made before any assignment comes first; one whose
    article is gone comes where the one before it came (never earlier)."""
    corrections = store.corrections()
    seqs = store.seqs_of([c.after_article for c in corrections if c.after_article])
    position_of = {seq: place + 1 for place, seq in enumerate(order)}
    points, last = [], 0
    for correction in corrections:
        if correction.after_article is not None:
            last = max(last, position_of.get(seqs.get(correction.after_article), last))
        points.append((last, correction))
    return points


def may_merge(store: Store, story_a: str, story_b: str, upto: int | None = None) -> bool:
    """Whether an automatic revision may merge these stories: not when an editor's split or move set apart
    articles now in one of them from articles now in the other (corrections up to number `upto` only, when
    given: `recluster` has not replayed the later ones yet)."""
    ids_a = {a.id for a in store.story_articles(story_a)}
    ids_b = {a.id for a in store.story_articles(story_b)}
    for correction in store.corrections():
        if upto is not None and correction.seq > upto:
            break
        if correction.kind in ("split", "move"):
            named, apart = set(correction.articles), set(correction.apart)
            if (named & ids_a and apart & ids_b) or (named & ids_b and apart & ids_a):
                return False
    return True


def may_separate(store: Store, article_ids_a: Sequence[str], article_ids_b: Sequence[str],
                 upto: int | None = None) -> bool:
    """Whether an automatic revision may put these two groups of articles in different stories: not when an
    editor merged the story of one of them with the story of the other (named by these articles; corrections
    up to number `upto` only, when given)."""
    group_a, group_b = set(article_ids_a), set(article_ids_b)
    for correction in store.corrections():
        if upto is not None and correction.seq > upto:
            break
        if correction.kind == "merge":
            first, second = correction.articles
            if (first in group_a and second in group_b) or (first in group_b and second in group_a):
                return False
    return True
