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
import itertools
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .active import ActiveSet
from .features import Features, dates_agree, is_event_number

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
# A revision moves a member to another story only when it is this much more like that story's members (on
# average) than like the rest of its own: near-ties stay where the stream put them.
MOVE_MARGIN = 0.05
SPLIT_CHECK_SIZE = 4  # a story is first checked for two groups at this size
NAMES_ONLY_SHARE = 0.5  # of a cross-language score that rests on names alone (_across_languages)


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
    member_ids: list = field(default_factory=list)  # and their articles' ids (a revision may move one)
    keys: dict = field(default_factory=dict)  # sum of the members' name keys and numbers (Features.keys)
    languages: set = field(default_factory=set)  # its members' languages
    thread_id: str | None = None  # the thread it belongs to (cluster/threads.py); None until it has one
    first_arrival: int = 0  # arrival number of its first member: of two merged stories, the older keeps its id

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
    # similarity is then also taken over what survives translation (names' keys, numbers, dates), times this.
    cross_language_weight: float = 2.5
    # Two stories the latest article's neighbourhood shows to be one event are merged when their members are,
    # on average, as alike as an article must be to a story it joins: the average (capped) similarity of their
    # members' term vectors reaches this. 0 turns revisions off. 0.25 gained more recall on ECB+ and the
    # headlines but merged two events of one town in the example corpus and two ECB+ subtopics (BENCHMARKS.md).
    merge_threshold: float = 0.3
    # A story is split in two when its kept members form two close-knit groups whose average linkage is below
    # this (0: never). Kept low: on ECB+ two events of one kind are often as alike as reports of one (BENCHMARKS.md).
    split_threshold: float = 0.15


@dataclass
class Revision:
    """A change the clusterer made to stories it had built. merged: `other` merged into `story` (every article
    of `other` goes to `story`; `articles` is empty); moved: `articles` left `other` for `story`; split:
    `articles` left `story` for the new story `other`. `score`: the evidence (how alike, 0 to 1)."""

    kind: str
    story: str
    other: str
    score: float
    articles: list = field(default_factory=list)
    other_thread: str | None = None  # the thread `other` was in


class MemoryArchive:
    """Where stories go when they leave the active window; the store has its own."""

    def __init__(self):
        self.stories: dict[str, StoryState] = {}
        self.index: dict[str, set[str]] = defaultdict(set)

    def keep(self, story: StoryState) -> None:
        self.stories[story.id] = story
        for term in story.index_terms():
            self.index[term].add(story.id)

    def holds(self, story_id: str) -> bool:
        return story_id in self.stories

    def forget(self, story_id: str) -> None:
        """A story merged into another is archived no more."""
        self.stories.pop(story_id, None)  # its index entries lead nowhere now: `find` passes them by

    def find(self, terms, start: datetime | None, end: datetime | None) -> list[StoryState]:
        """Archived stories carrying one of `terms` whose time span meets [start, end] (None: any time)."""
        found = set().union(*(self.index.get(t, ()) for t in terms))
        stories = (self.stories[i] for i in sorted(found) if i in self.stories)
        return [s for s in stories if meets(s, start, end)]


def meets(story: StoryState, start: datetime | None, end: datetime | None) -> bool:
    """Whether a dated story's time span meets [start, end]; None leaves that side open."""
    return story.last_time is not None and (end is None or story.first_time <= end) \
        and (start is None or story.last_time >= start)


class OnlineClusterer:
    def __init__(self, settings: ClusterSettings = ClusterSettings(), archive=None):
        self.settings = settings
        self.archive = archive if archive is not None else MemoryArchive()
        self.active: ActiveSet[StoryState] = ActiveSet(settings.window, settings.max_active, self.archive)
        self.stories = self.active.items
        self.arrivals = 0
        self.last_story: StoryState | None = None  # the story the latest article went to
        self.last_score = 0.0  # and how similar it was to it before joining (0 for a new story)
        # ... and how similar on its words alone: a report that joined through names in another language
        # is not the one whose headline should name the story
        self.last_word_score = 0.0
        self.revisions: list[Revision] = []  # what revisions changed since the caller last took them
        # Whether two stories may be merged, and an article moved from one story to another, by a revision
        # (editors' corrections may say no): None lets all be
        self.may_merge = None
        self.may_separate = None  # (article ids, the story they would leave)
        self._rivals: list[StoryState] = []  # the latest article's closest other candidates

    def restore(self, story: StoryState) -> None:
        """Put a saved story back into the active set."""
        self.active.restore(story)

    # -- assignment -----------------------------------------------------------

    def assign(self, article_id: str, features: Features, when: datetime | None) -> str:
        """The id of the story this article joins (a new story has the article's id; a story merged by the
        revision that follows has the older story's id). What the revision changed is in `revisions`."""
        self.arrivals += 1
        self.active.advance(when)
        best, score = self.best_story(features, when)
        if best is None or score < self.settings.threshold:
            best = start_story(article_id, features, when, self.arrivals, article_id)
            self.last_story, self.last_score, self.last_word_score = best, 0.0, 0.0
            self.active.settle(best, ())
        else:
            old_terms = best.index_terms() if best.id in self.stories else ()
            self.last_story, self.last_score = best, score
            # taken before the article joins; the same as `score` unless the names across languages counted
            self.last_word_score = self._word_score(features, best, when) \
                if self._across_languages(features, best) else score
            join_story(best, features, when, self.arrivals, article_id)
            self.active.settle(best, old_terms)
        self.last_story = self._revise(best)
        return self.last_story.id

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
        self._rivals = [item[2] for item in ranked[:SHORTLIST]]
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
        """The similarity of what survives translation (names' keys, numbers, dates), times
        `cross_language_weight`, for an article in a language new to the story or in one of the languages of a
        story that spans several (else 0): such a story's words are split between its languages.

        Names alone also match the other event of a pair (Macron and Le Pen in 2017 and in 2022), so:
        - the dates must not disagree: when both name years, their most named ones meet; when both name days
          of the year, or months of a year, two of them are close (features.dates_agree);
        - names alone count NAMES_ONLY_SHARE of their score for an article in a new language, and nothing for
          one in a language the story has (whose words already had their say), unless a second kind of
          evidence agrees: the years, the dates, or a shared event number (a toll, a flight: not a year).
        """
        new_language = features.language not in story.languages
        if not features.keys or not story.keys or (not new_language and len(story.languages) < 2):
            return 0.0
        story_years = {year for year, _ in story.years.most_common(3)}
        years_agree = bool(story_years & {year for year, _ in features.years.most_common(2)})
        dates_match = dates_agree(features.keys, story.keys)
        if (story_years and features.years and not years_agree) or dates_match is False:
            return 0.0
        cosine = capped_cosine(features.keys, story.keys, story.key_norm, term_cap(features.keys))
        if not (years_agree or dates_match or any(key in story.keys for key in features.keys if is_event_number(key))):
            cosine *= NAMES_ONLY_SHARE if new_language else 0.0
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

    # -- revisions ------------------------------------------------------------

    def _revise(self, story: StoryState) -> StoryState:
        """Revise the story the latest article went to against the article's closest other candidates (the
        neighbourhood: stories sharing its heaviest terms): merge those that turned out to be the same event,
        take over their recent members that fit it better, and split it when its members form two groups.
        Returns the surviving story.

        Two stories are one event when their members are, on average, as alike as an article must be to a
        story it joins: the average linkage of their term vectors (their centroids' capped dot product over
        both sizes: no more than the kept centroid terms, so the cost is flat), taken in time and years as an
        article's similarity is.
        """
        if not self.settings.merge_threshold or story.size == 1 or self.stories.get(story.id) is not story:
            return story  # a story the article just began: the assignment has compared it with the others
        for rival in self._rivals:
            if rival is story or self.stories.get(rival.id) is not rival:
                continue
            link = self.story_link(story, rival)
            if link >= self.settings.merge_threshold and (self.may_merge is None
                                                          or self.may_merge(story.id, rival.id)):
                story = self._merge(story, rival, link)
            elif rival.size > 1:
                self._take_members(rival, story)
        if story.size >= SPLIT_CHECK_SIZE and story.size & (story.size - 1) == 0:
            self._split(story)
        return story

    def _split(self, story: StoryState) -> None:
        """Split a story whose kept members form two groups, each as close-knit as a story and hardly alike
        one another (average linkage below `split_threshold`): two events told apart only once both had
        reports. Checked when the story's size reaches a power of two (4, 8, 16, ...): a flat cost."""
        positions = [p for p, member_id in enumerate(story.member_ids) if member_id is not None]
        if len(positions) < 4 or not self.settings.split_threshold:
            return
        vectors = [story.members[p] for p in positions]
        alike = [[capped_cosine(a, b, 1.0, min(term_cap(a), term_cap(b))) for b in vectors] for a in vectors]
        first, second = two_groups(alike)
        if min(len(first), len(second)) < 2 or group_link(alike, first, second) >= self.settings.split_threshold \
                or min(group_link(alike, first, first), group_link(alike, second, second)) < self.settings.threshold:
            return
        # the group of fewer kept members leaves (of two alike, the one without the latest member)
        leaving = min((first, second), key=lambda group: (len(group), max(group)))
        ids = [story.member_ids[positions[i]] for i in leaving]
        if self.may_separate is not None and not self.may_separate(ids, story.id):
            return
        old_terms = story.index_terms()
        new_id = self._free_id(ids)
        parts = [take_member(story, positions[i]) for i in sorted(leaving, reverse=True)][::-1]
        other = StoryState(new_id, {}, 0, story.first_time, story.last_time, Counter(), story.touched,
                           languages=set(story.languages), first_arrival=story.touched, thread_id=story.thread_id)
        for vector, member_id in parts:
            put_member(other, vector, member_id)
        score = group_link(alike, first, second)
        self.active.settle(story, old_terms)
        self.active.settle(other, ())
        self.revisions.append(Revision("split", story.id, new_id, score, articles=ids))

    def _free_id(self, ids: list[str]) -> str:
        """The id of a story split off: the first of its articles' ids that no story has, active or archived
        (as an editor's split names it), else the first with a number added."""
        def taken(story_id: str) -> bool:
            return story_id in self.stories or self.archive.holds(story_id)

        return next((i for i in ids if not taken(i)), None) \
            or next(i for i in (f"{ids[0]}-{n}" for n in itertools.count(2)) if not taken(i))

    def _take_members(self, rival: StoryState, story: StoryState) -> None:
        """Move to `story` the kept members of `rival` that are more like `story`'s members than like the rest
        of their own (by MOVE_MARGIN at least, and as alike as an article that joins): the first report of an
        event that joined another event's story before the two could be told apart."""
        for position in range(len(rival.members) - 1, -1, -1):
            member_id = rival.member_ids[position]
            if member_id is None or rival.size == 1:
                continue
            vector = rival.members[position]
            cap = term_cap(vector)
            there = capped_cosine(vector, story.centroid, 1.0, story.size * cap) / story.size
            here = capped_dot_without(vector, rival.centroid, (rival.size - 1) * cap) / (rival.size - 1)
            there *= self._stories_factor(rival, story)
            if there >= self.settings.merge_threshold and there >= here + MOVE_MARGIN and (
                    self.may_separate is None or self.may_separate([member_id], rival.id)):
                old_rival, old_story = rival.index_terms(), story.index_terms()
                put_member(story, *take_member(rival, position))
                self.active.settle(rival, old_rival)
                self.active.settle(story, old_story)
                self.revisions.append(Revision("moved", story.id, rival.id, there, articles=[member_id]))

    def story_link(self, story: StoryState, other: StoryState) -> float:
        """Average linkage of two stories' members, times what their distance in time and years makes of it.

        A story of one article is compared as that article would be now (centroid and closest member): whether
        it would join the other story, grown since it arrived (on ECB+ and the headlines this merged more of
        the same event than average linkage did, at the same precision: BENCHMARKS.md)."""
        factor = self._stories_factor(story, other)
        if not factor:
            return 0.0
        if story.size == 1 or other.size == 1:
            one, many = (story, other) if story.size == 1 else (other, story)
            terms = one.members[0] if one.members else one.centroid
            cap, weight = term_cap(terms), self.settings.member_weight
            return factor * ((1 - weight) * capped_cosine(terms, many.centroid, many.norm, cap)
                             + weight * many.member_score(terms, cap))
        pairs = story.size * other.size
        return factor * capped_cosine(story.centroid, other.centroid, 1.0, pairs * member_cap(story, other)) / pairs

    def _stories_factor(self, story: StoryState, other: StoryState) -> float:
        """What the distance in time of two stories and the years they name make of their similarity (0 to 1)."""
        factor = 1.0
        if story.first_time is not None and other.first_time is not None:
            gap = max(story.first_time - other.last_time, other.first_time - story.last_time, timedelta(0))
            if gap > self.settings.window:
                return 0.0
            factor = 1.0 - self.settings.time_penalty * gap / self.settings.window
        if _years_conflict(story.years, other.years):
            factor *= self.settings.year_penalty
        return factor

    def _merge(self, story: StoryState, other: StoryState, link: float) -> StoryState:
        survivor, gone = sorted((story, other), key=lambda s: (s.first_arrival, s.id))
        old_terms = survivor.index_terms()
        self._drop(gone)
        merge_story(survivor, gone)
        self.active.settle(survivor, old_terms)
        self.revisions.append(Revision("merged", survivor.id, gone.id, link, other_thread=gone.thread_id))
        return survivor

    def _drop(self, story: StoryState) -> None:
        """Take a story out of the active set and the archive for good (merged away)."""
        self.active.drop(story.id, story.index_terms())
        self.archive.forget(story.id)

    def _candidates(self, features: Features, when: datetime | None) -> list[StoryState]:
        found = self.active.holding([*features.terms, *features.keys])
        active = self.stories
        stories = [active[i] for i in sorted(found)]
        if when is None:
            # An undated report carries no time evidence: any story of any time may be its own.
            span = (None, None)
        elif self.active.is_late(when):
            # A report older than the active window: look among the stories of its own time.
            span = (when - self.settings.window, when + self.settings.window)
        else:
            return stories
        terms = [t for t, _ in heapq.nlargest(ARCHIVE_QUERY_TERMS, features.terms.items(), key=by_weight)]
        # ... and its heaviest name keys: a report in another language finds its archived story by them
        terms += [t for t, _ in heapq.nlargest(INDEX_KEYS, features.keys.items(), key=by_weight) if t[0] == "~"]
        return stories + [s for s in self.archive.find(terms, *span) if s.id not in self.stories]

def start_story(story_id: str, features: Features, when: datetime | None, arrival: int,
                article_id: str | None = None) -> StoryState:
    """A story of one article (`article_id`, by default the story's id)."""
    return StoryState(story_id, dict(features.terms), 1, when, when, Counter(features.years), arrival,
                      set(features.names & features.terms.keys()), members=[features.terms],
                      member_ids=[article_id or story_id], keys=dict(features.keys), languages={features.language},
                      first_arrival=arrival)


def join_story(story: StoryState, features: Features, when: datetime | None, arrival: int,
               article_id: str | None = None) -> None:
    """An article joins a story: its centroid, keys, languages, kept members, years, names and time span take
    it in."""
    put_member(story, features.terms, article_id)
    story.keys = summed_terms(story.keys, features.keys, KEY_CENTROID_TERMS)
    story.languages.add(features.language)
    forget_cached(story)
    story.years.update(features.years)
    story.names = (story.names | features.names) & story.centroid.keys()
    if when is not None:
        story.first_time = when if story.first_time is None else min(story.first_time, when)
        story.last_time = when if story.last_time is None else max(story.last_time, when)
    story.touched = arrival


def merge_story(story: StoryState, other: StoryState) -> None:
    """`other`'s members join `story`: as if each had joined it (kept members: the most recently touched
    story's last), and the better-scored title stays."""
    later, earlier = (other, story) if (other.touched, other.id) > (story.touched, story.id) else (story, other)
    story.members = [*earlier.members, *later.members][-KEPT_MEMBERS:]
    story.member_ids = [*earlier.member_ids, *later.member_ids][-KEPT_MEMBERS:]
    story.centroid = summed_terms(story.centroid, other.centroid, CENTROID_TERMS)
    story.keys = summed_terms(story.keys, other.keys, KEY_CENTROID_TERMS)
    story.languages |= other.languages
    forget_cached(story)
    story.size += other.size
    story.years.update(other.years)
    story.names = (story.names | other.names) & story.centroid.keys()
    times = [t for t in (story.first_time, story.last_time, other.first_time, other.last_time) if t is not None]
    story.first_time, story.last_time = (min(times), max(times)) if times else (None, None)
    story.touched = max(story.touched, other.touched)
    story.first_arrival = min(story.first_arrival, other.first_arrival)
    if other.title and (story.title is None or other.title_score > story.title_score):
        story.title, story.title_score, story.title_from_text = other.title, other.title_score, other.title_from_text


def capped_dot_without(vector: dict[str, float], total: dict[str, float], cap: float) -> float:
    """The capped dot product (`capped_cosine` with a norm of 1) of a member's vector with the sum of its
    story's other members (`total` less `vector`)."""
    result = 0.0
    for term, weight in vector.items():
        rest = total.get(term, 0.0) - weight
        if rest > 1e-9:
            result += min(weight * rest, cap)
    return result


def two_groups(alike: list[list[float]]) -> tuple[list[int], list[int]]:
    """The members (positions in the similarity matrix `alike`) in two groups, by average-linkage agglomeration
    (ties go to the earlier pair: deterministic)."""
    groups = [[i] for i in range(len(alike))]
    while len(groups) > 2:
        best = max(((group_link(alike, groups[i], groups[j]), -i, -j) for i in range(len(groups))
                    for j in range(i + 1, len(groups))))
        i, j = -best[1], -best[2]
        groups[i] = sorted(groups[i] + groups[j])
        del groups[j]
    return groups[0], groups[1]


def group_link(alike: list[list[float]], first: list[int], second: list[int]) -> float:
    """Average similarity of the members of two groups (of one group with itself: of its distinct pairs)."""
    if first is second or first == second:
        pairs = [(a, b) for a in first for b in first if a < b]
    else:
        pairs = [(a, b) for a in first for b in second]
    return sum(alike[a][b] for a, b in pairs) / len(pairs) if pairs else 1.0


def member_cap(story: StoryState, other: StoryState) -> float:
    """The most one shared term adds to the similarity of two members of these stories (`term_cap` of a
    member of their kept members' mean length)."""
    lengths = [len(vector) for vector in (*story.members, *other.members)]
    return min(1.0, TERM_CAP_SCALE / math.sqrt(sum(lengths) / len(lengths) if lengths else 1.0))


def forget_cached(story: StoryState) -> None:
    """A story's members changed: what is computed from them is computed again when next asked."""
    story._norm, story._key_norm, story._index_terms = 0.0, 0.0, None


def take_member(story: StoryState, position: int) -> tuple[dict[str, float], str]:
    """Take a kept member out of a story (a revision moves it): its terms leave the centroid; the story's
    years, names, keys and time span stay as they were (what the member brought to them is not kept)."""
    vector, member_id = story.members[position], story.member_ids[position]
    story.members = story.members[:position] + story.members[position + 1:]
    story.member_ids = story.member_ids[:position] + story.member_ids[position + 1:]
    centroid = dict(story.centroid)
    for term, weight in vector.items():
        if term in centroid:
            left = centroid[term] - weight
            if left > 1e-9:
                centroid[term] = left
            else:
                del centroid[term]
    story.centroid = centroid
    story.size -= 1
    forget_cached(story)
    return vector, member_id


def put_member(story: StoryState, vector: dict[str, float], member_id: str | None) -> None:
    """A member joins a story with its terms (an arriving article, `join_story`; one moved from another story,
    `take_member`)."""
    story.members = [*story.members, vector][-KEPT_MEMBERS:]
    story.member_ids = [*story.member_ids, member_id][-KEPT_MEMBERS:]
    story.centroid = summed_terms(story.centroid, vector, CENTROID_TERMS)
    story.size += 1
    forget_cached(story)


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
