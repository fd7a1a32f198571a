"""Online assignment: each arriving article joins its best story or starts a new one.

A story keeps a centroid of its members' term vectors (its heaviest terms only,
so memory per story is bounded), the term vectors of its latest few members and
the span of its publication times. An article's similarity to a story blends
its cosine with the centroid (what the story is about as a whole) and with the
closest recent member (a report of the same event often matches one earlier
report closely while a broad centroid dilutes it): on ECB+ and the headline set
the blend beat either alone (BENCHMARKS.md). Candidate
stories come from an inverted index from terms to the active stories that carry
them, so an article is compared with a handful of stories, not all of them.
Stories whose last article is older than the active window (counted back from the
newest publication time seen) leave the index, and the least recently updated
stories leave it when there are more than `max_active` of them: memory is bounded
by the window, not by the store.

An article in a language none of a story's members is written in shares few words with it; it is then
also compared on what survives translation (names' keys and numbers, `Features.keys`, summed per story
like the centroid). Articles in a language the story already has are compared on their words alone.

Everything here is deterministic: ties are broken by story id, floating-point
sums are taken in a fixed order, and the state can be saved and restored exactly.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .features import Features

CENTROID_TERMS = 200
INDEX_TERMS = 20  # a story is found through its heaviest terms ...
MEMBER_INDEX_TERMS = 8  # ... and through the heaviest terms of each member it keeps
KEPT_MEMBERS = 8  # members whose own vectors are kept for the member-level match
SHORTLIST = 6  # stories, by centroid score, that get the member-level comparison too
# The most one shared term adds to a similarity: TERM_CAP_SCALE / sqrt(terms in the article), so about
# 0.15 for a full article and more for a headline, whose few terms must each count.
TERM_CAP_SCALE = 1.0
ARCHIVE_QUERY_TERMS = 12  # an article looks for archived stories through its heaviest terms
KEY_CENTROID_TERMS = 60
INDEX_KEYS = 8  # a story is found by an article in another language through its heaviest name keys


@dataclass
class StoryState:
    id: str
    centroid: dict[str, float]
    size: int = 1
    first_time: datetime | None = None
    last_time: datetime | None = None
    years: Counter = field(default_factory=Counter)
    touched: int = 0  # arrival number of its latest member
    names: set = field(default_factory=set)
    title: str | None = None
    title_score: float = 0.0
    title_from_text: bool = False
    members: list = field(default_factory=list)  # term vectors of the latest KEPT_MEMBERS members
    keys: dict = field(default_factory=dict)  # sum of the members' name keys and numbers (Features.keys)
    languages: set = field(default_factory=set)  # its members' languages
    thread_id: str | None = None  # the thread it belongs to (cluster/threads.py); None until it has one

    _norm: float = field(default=0.0, repr=False, compare=False)

    @property
    def norm(self) -> float:
        if not self._norm:  # cached; _join resets it
            self._norm = math.sqrt(sum(w * w for w in self.centroid.values())) or 1.0
        return self._norm

    _index_terms: list | None = field(default=None, repr=False, compare=False)

    def index_terms(self) -> list[str]:
        if self._index_terms is None:  # cached; _join resets it
            terms = {t for t, _ in heapq.nlargest(INDEX_TERMS, self.centroid.items(), key=by_weight)}
            for vector in self.members:
                terms.update(t for t, _ in heapq.nlargest(MEMBER_INDEX_TERMS, vector.items(), key=by_weight))
            terms.update(t for t, _ in heapq.nlargest(INDEX_KEYS, self.keys.items(), key=by_weight) if t[0] == "~")
            self._index_terms = sorted(terms)
        return self._index_terms

    _key_norm: float = field(default=0.0, repr=False, compare=False)

    @property
    def key_norm(self) -> float:
        if not self._key_norm:  # cached; _join resets it
            self._key_norm = math.sqrt(sum(w * w for w in self.keys.values())) or 1.0
        return self._key_norm

    _member_terms: dict | None = field(default=None, repr=False, compare=False)

    def member_score(self, terms: dict[str, float], cap: float) -> float:
        """Capped cosine with the closest kept member.

        Each member on its own, its shared terms' parts summed in the article's term order: this costs about
        a fifth of building a term index of the members, which every join would make stale.
        """
        best = 0.0
        for vector in self.members:
            total = 0.0
            for part in [weight * vector[term] for term, weight in terms.items() if term in vector]:
                total += part if part < cap else cap  # min(part, cap), without a call
            if total > best:
                best = total
        return best


def by_weight(item: tuple[str, float]) -> tuple[float, str]:
    return item[1], item[0]


def term_cap(terms: dict[str, float]) -> float:
    return min(1.0, TERM_CAP_SCALE / math.sqrt(len(terms) or 1))


def capped_cosine(terms: dict[str, float], other: dict[str, float], other_norm: float, cap: float) -> float:
    """Cosine of two term vectors (`other` scaled by 1/other_norm) in which no shared term counts more than `cap`.

    Two reports of one event share many terms; a football final and a bridge collapse
    in the same town share the town's name, which can outweigh everything else.
    """
    if len(terms) > len(other):
        terms, other = other, terms
    total = 0.0
    found_in_other = other.get
    for term, weight in terms.items():
        found = found_in_other(term)
        if found:
            part = weight * found / other_norm
            total += part if part < cap else cap  # min(part, cap), without a call
    return total


@dataclass(frozen=True)
class ClusterSettings:
    threshold: float = 0.3
    member_weight: float = 0.5  # share of the closest member in the similarity; the centroid has the rest
    window: timedelta = timedelta(days=7)
    max_active: int = 20_000
    year_penalty: float = 0.85  # stronger penalties cost more recall than they saved precision on ECB+
    time_penalty: float = 0.5  # the score lost by a story a whole window away
    # An article in a language none of a story's members is written in shares few words with it: its
    # similarity is then also taken over what survives translation (names' keys and numbers), times this.
    cross_language_weight: float = 1.6


class MemoryArchive:
    """Where stories go when they leave the active window; the store has its own."""

    def __init__(self):
        self.stories: dict[str, StoryState] = {}
        self.index: dict[str, set[str]] = defaultdict(set)

    def keep(self, story: StoryState) -> None:
        self.stories[story.id] = story
        for term in story.index_terms():
            self.index[term].add(story.id)

    def find(self, terms, start: datetime | None, end: datetime | None) -> list[StoryState]:
        """Archived stories carrying one of `terms` whose time span meets [start, end] (None: any time)."""
        found = set().union(*(self.index.get(t, ()) for t in terms))
        stories = (self.stories[i] for i in sorted(found))
        return [s for s in stories if meets(s, start, end)]


def meets(story: StoryState, start: datetime | None, end: datetime | None) -> bool:
    """Whether a dated story's time span meets [start, end]; None leaves that side open."""
    return story.last_time is not None and (end is None or story.first_time <= end) \
        and (start is None or story.last_time >= start)


class OnlineClusterer:
    def __init__(self, settings: ClusterSettings = ClusterSettings(), archive=None):
        self.settings = settings
        self.archive = archive if archive is not None else MemoryArchive()
        self.stories: dict[str, StoryState] = {}
        self.index: dict[str, set[str]] = defaultdict(set)
        self.clock: datetime | None = None
        self.arrivals = 0
        self._ages: list[tuple[datetime, str]] = []  # (last time, story id), stale entries skipped
        self.last_story: StoryState | None = None  # the story the latest article went to
        self.last_score = 0.0  # and how similar it was to it before joining (0 for a new story)
        # ... and how similar on its words alone: a report that joined through names in another language
        # is not the one whose headline should name the story
        self.last_word_score = 0.0

    def restore(self, story: StoryState) -> None:
        """Put a saved story back into the active set."""
        self.stories[story.id] = story
        self._index(story, ())

    # -- assignment -----------------------------------------------------------

    def assign(self, article_id: str, features: Features, when: datetime | None) -> str:
        """The id of the story this article joins (a new story has the article's id)."""
        self.arrivals += 1
        if when is not None and (self.clock is None or when > self.clock):
            self.clock = when
            self._age_out()
        best, score = self.best_story(features, when)
        if best is None or score < self.settings.threshold:
            best = start_story(article_id, features, when, self.arrivals)
            self.last_story, self.last_score, self.last_word_score = best, 0.0, 0.0
            self._settle(best, ())
            return best.id
        old_terms = best.index_terms() if best.id in self.stories else ()
        self.last_story, self.last_score = best, score
        # taken before the article joins; the same as `score` unless the names across languages counted
        self.last_word_score = self._word_score(features, best, when) if self._across_languages(features, best) \
            else score
        self._join(best, features, when)
        self._settle(best, old_terms)
        return best.id

    def best_story(self, features: Features, when: datetime | None) -> tuple[StoryState | None, float]:
        """The most similar candidate story: all candidates are ranked by their centroid
        alone, and the best few get the full (centroid and member) similarity."""
        terms, cap, ranked = features.terms, term_cap(features.terms), []
        context_factor, across_languages = self._context_factor, self._across_languages
        for story in self._candidates(features, when):
            factor = context_factor(story, features, when)
            if factor > 0:
                centroid_score = capped_cosine(terms, story.centroid, story.norm, cap)
                across = across_languages(features, story) if features.keys else 0.0  # 0 without keys
                ranked.append((max(centroid_score, across), story.id, story, factor, centroid_score, across))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        best, best_score = None, 0.0
        weight = self.settings.member_weight
        for _, _, story, factor, centroid_score, across in ranked[:SHORTLIST]:
            within = (1 - weight) * centroid_score + weight * story.member_score(terms, cap)
            score = factor * max(within, across)
            if score > best_score:
                best, best_score = story, score
        return best, best_score

    def _word_score(self, features: Features, story: StoryState, when: datetime | None) -> float:
        """The similarity of an article to a story on their words alone (no name keys)."""
        cap, weight = term_cap(features.terms), self.settings.member_weight
        centroid_score = capped_cosine(features.terms, story.centroid, story.norm, cap)
        within = (1 - weight) * centroid_score + weight * story.member_score(features.terms, cap)
        return self._context_factor(story, features, when) * within

    def _across_languages(self, features: Features, story: StoryState) -> float:
        """The similarity of what survives translation, for an article in a language new to the story (else 0)."""
        if not features.keys or not story.keys or features.language in story.languages:
            return 0.0
        cosine = capped_cosine(features.keys, story.keys, story.key_norm, term_cap(features.keys))
        return self.settings.cross_language_weight * cosine

    def _context_factor(self, story: StoryState, features: Features, when: datetime | None) -> float:
        """What closeness in time and the years the texts name make of a similarity (0 to 1)."""
        score = 1.0
        if when is not None and story.first_time is not None:
            gap = max(story.first_time - when, when - story.last_time, timedelta(0))
            if gap > self.settings.window:
                return 0.0
            score *= 1.0 - self.settings.time_penalty * gap / self.settings.window
        if _years_conflict(story.years, features.years):
            score *= self.settings.year_penalty
        return score

    def _candidates(self, features: Features, when: datetime | None) -> list[StoryState]:
        holders = self.index.get
        found: set[str] = set().union(*[holders(term, ()) for term in features.terms],
                                      *[holders(term, ()) for term in features.keys])
        active = self.stories
        stories = [active[i] for i in sorted(found)]
        if when is None:
            # An undated report carries no time evidence: any story of any time may be its own.
            span = (None, None)
        elif self._is_late(when):
            # A report older than the active window: look among the stories of its own time.
            span = (when - self.settings.window, when + self.settings.window)
        else:
            return stories
        terms = [t for t, _ in heapq.nlargest(ARCHIVE_QUERY_TERMS, features.terms.items(), key=by_weight)]
        return stories + [s for s in self.archive.find(terms, *span) if s.id not in self.stories]

    def _is_late(self, when: datetime) -> bool:
        return self.clock is not None and when < self.clock - self.settings.window

    def _settle(self, story: StoryState, old_terms) -> None:
        """Index a new or changed story while it is active; archive it otherwise."""
        if story.last_time is not None and self._is_late(story.last_time):
            self.archive.keep(story)
            return
        self.stories[story.id] = story
        self._index(story, old_terms)
        self._evict()

    def _join(self, story: StoryState, features: Features, when: datetime | None) -> None:
        join_story(story, features, when, self.arrivals)

    # -- the active set -------------------------------------------------------

    def _index(self, story: StoryState, old_terms) -> None:
        for term in old_terms:
            self._unindex_term(term, story.id)
        for term in story.index_terms():
            self.index[term].add(story.id)
        if story.last_time is not None:
            heapq.heappush(self._ages, (story.last_time, story.id))

    def _unindex_term(self, term: str, story_id: str) -> None:
        holders = self.index.get(term)
        if holders is not None:
            holders.discard(story_id)
            if not holders:
                del self.index[term]

    def _remove(self, story_id: str) -> None:
        story = self.stories.pop(story_id)
        for term in story.index_terms():
            self._unindex_term(term, story_id)
        self.archive.keep(story)

    def _age_out(self) -> None:
        horizon = self.clock - self.settings.window
        while self._ages and self._ages[0][0] < horizon:
            last_time, story_id = heapq.heappop(self._ages)
            story = self.stories.get(story_id)
            if story is not None and story.last_time == last_time:
                self._remove(story_id)

    def _evict(self) -> None:
        excess = len(self.stories) - self.settings.max_active
        if excess > 0:
            for story in sorted(self.stories.values(), key=lambda s: (s.touched, s.id))[:excess]:
                self._remove(story.id)


def start_story(story_id: str, features: Features, when: datetime | None, arrival: int) -> StoryState:
    """A story of one article."""
    return StoryState(story_id, dict(features.terms), 1, when, when, Counter(features.years), arrival,
                      set(features.names & features.terms.keys()), members=[features.terms],
                      keys=dict(features.keys), languages={features.language})


def join_story(story: StoryState, features: Features, when: datetime | None, arrival: int) -> None:
    """An article joins a story: its centroid, keys, languages, kept members, years, names and time span take
    it in."""
    story.members = [*story.members, features.terms][-KEPT_MEMBERS:]
    story.centroid = centroid = summed_terms(story.centroid, features.terms, CENTROID_TERMS)
    story.keys = summed_terms(story.keys, features.keys, KEY_CENTROID_TERMS)
    story.languages.add(features.language)
    story._norm, story._key_norm, story._index_terms, story._member_terms = 0.0, 0.0, None, None
    story.size += 1
    story.years.update(features.years)
    story.names = (story.names | features.names) & centroid.keys()
    if when is not None:
        story.first_time = when if story.first_time is None else min(story.first_time, when)
        story.last_time = when if story.last_time is None else max(story.last_time, when)
    story.touched = arrival


def summed_terms(vector: dict[str, float], other: dict[str, float], limit: int) -> dict[str, float]:
    """The sum of two term vectors, its `limit` heaviest terms (ties broken by the term: order-free); stories'
    centroids and keys, and threads' centroids."""
    total = dict(vector)
    for term, weight in other.items():
        total[term] = total.get(term, 0.0) + weight
    if len(total) > limit:
        total = dict(sorted(total.items(), key=lambda item: (-item[1], item[0]))[:limit])
    return total


def _years_conflict(story_years: Counter, article_years: Counter) -> bool:
    """Both name years and share none of their most mentioned ones."""
    if not story_years or not article_years:
        return False
    top_story = {y for y, _ in story_years.most_common(3)}
    top_article = {y for y, _ in article_years.most_common(2)}
    return not (top_story & article_years.keys()) and not (top_article & story_years.keys())
