"""Threads: the level above stories. A thread links the stories of one ongoing subject over weeks or
months (a crisis: the referendum, the talks, the sanctions; a product's launch and its reviews).

Online and cheap, like the story assigner: every story starts in a thread of its own (the thread's id is
the story's). When a story is created, and again each time its size reaches a power of two, its thread is
compared with the other active threads (found through an index on their heaviest terms); when the capped
cosine of the two centroids reaches the threshold and they share at least MIN_SHARED_TERMS terms, the two
threads become one: the thread of more stories keeps its id (of two alike, the smaller id) and the other's id
redirects to it. A thread's centroid is the sum of its stories' (the articles' weighted terms, in which rare
words and names weigh most), so it grows with every article its stories gain. A story leaves its thread only
when the whole thread joins another. Threads whose newest story is older than the thread window (counted back
from the newest publication time seen) leave the active set, so memory follows the window, not the store.

No year penalty, unlike stories: a subject's episodes are often years apart (an ECB+ topic's two events).
Deterministic: candidates are taken in id order, ties go to the smaller id, sums run in a fixed order.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .active import ActiveSet
from .online import StoryState, by_weight, summed_terms, term_cap

THREAD_TERMS = 300  # a thread keeps its heaviest terms only, so memory per thread is bounded
THREAD_INDEX_TERMS = 20  # a thread is found through its heaviest terms
STORY_QUERY_TERMS = 20  # a story looks for threads through its heaviest terms
# Two threads sharing fewer terms are never one: a town's and a country's names alone say where, not what.
MIN_SHARED_TERMS = 3


@dataclass(frozen=True)
class ThreadSettings:
    threshold: float = 0.15
    window: timedelta = timedelta(days=60)
    max_active: int = 20_000


@dataclass
class ThreadState:
    id: str  # the id of the story that started it
    centroid: dict[str, float]
    stories: int = 1
    first_time: datetime | None = None
    last_time: datetime | None = None
    touched: int = 0  # arrival number of the latest article of one of its stories
    merged_into: str | None = None  # set on a thread that joined another (then it is only a redirect)

    _norm: float = field(default=0.0, repr=False, compare=False)
    _index_terms: list | None = field(default=None, repr=False, compare=False)

    @property
    def norm(self) -> float:
        if not self._norm:
            self._norm = math.sqrt(sum(w * w for w in self.centroid.values())) or 1.0
        return self._norm

    def index_terms(self) -> list[str]:
        if self._index_terms is None:
            self._index_terms = sorted(t for t, _ in heapq.nlargest(THREAD_INDEX_TERMS, self.centroid.items(),
                                                                       key=by_weight))
        return self._index_terms

    def changed(self) -> None:
        self._norm, self._index_terms = 0.0, None


def added(centroid: dict[str, float], terms: dict[str, float]) -> dict[str, float]:
    """`centroid` + `terms`, cut to the THREAD_TERMS heaviest."""
    return summed_terms(centroid, terms, THREAD_TERMS)


def subject_similarity(terms: dict[str, float], other: dict[str, float], other_norm: float, cap: float) -> float:
    """The capped cosine of two centroids (`terms` normalized, `other` scaled by 1/other_norm), or 0 when they
    share fewer than MIN_SHARED_TERMS terms."""
    small, large = (terms, other) if len(terms) <= len(other) else (other, terms)
    parts = [min(terms[term] * other[term] / other_norm, cap) for term in small if term in large]
    return sum(parts) if len(parts) >= MIN_SHARED_TERMS else 0.0


def _spans_meet(one: ThreadState, other: ThreadState, window: timedelta) -> bool:
    """Whether two threads are close enough in time (undated either side: always)."""
    if one.first_time is None or other.first_time is None:
        return True
    gap = max(other.first_time - one.last_time, one.first_time - other.last_time, timedelta(0))
    return gap <= window


class MemoryThreads:
    """Where threads that left the active set go when there is no store; the store has its own."""

    def __init__(self):
        self.threads: dict[str, ThreadState] = {}

    def keep(self, thread: ThreadState) -> None:
        self.threads[thread.id] = thread

    def get(self, thread_id: str) -> ThreadState | None:
        return self.threads.get(thread_id)


class ThreadLinker:
    """The active threads, their term index, and the rule that joins two threads."""

    def __init__(self, settings: ThreadSettings = ThreadSettings(), archive=None):
        self.settings = settings
        self.archive = archive if archive is not None else MemoryThreads()
        self.active: ActiveSet[ThreadState] = ActiveSet(settings.window, settings.max_active, self.archive)
        self.threads = self.active.items
        self.redirects: dict[str, str] = {}  # merged thread -> the thread it joined
        # Since the caller last took them: threads of two or more stories that changed, and merges in order.
        self.changed: dict[str, ThreadState] = {}
        self.merges: list[tuple[str, str]] = []

    def restore(self, thread: ThreadState) -> None:
        self.active.restore(thread)

    def resolve(self, thread_id: str) -> str:
        """The thread a (possibly merged) thread id now stands for."""
        while thread_id in self.redirects:
            thread_id = self.redirects[thread_id]
        return thread_id

    def observe(self, story: StoryState, terms: dict[str, float], arrivals: int, clock: datetime | None) -> str:
        """Keep a story's thread up to date after `terms` (an article's) joined the story, or it began with
        them; when the story's size is a power of two, look for a thread to join. Returns its thread id."""
        self.active.advance(clock)
        thread = self._thread_of(story)
        old_terms = thread.index_terms() if thread.id in self.threads else ()
        if thread.stories == 1:
            thread.centroid = story.centroid  # a story's centroid is replaced, never changed in place
        else:
            thread.centroid = added(thread.centroid, terms)
        self._stretch(thread, story.first_time, story.last_time, arrivals)
        self._settle(thread, old_terms)
        if story.size & (story.size - 1) == 0:
            self._look(thread, arrivals)
        story.thread_id = self.resolve(thread.id)
        return story.thread_id

    def _thread_of(self, story: StoryState) -> ThreadState:
        found = self._shared_thread(story.id, story.thread_id)
        if found is None:  # a new story, or a story alone in a thread that left the active set
            return ThreadState(story.id, story.centroid, 1, story.first_time, story.last_time, story.touched)
        return found

    def _shared_thread(self, story_id: str, thread_id: str | None) -> ThreadState | None:
        """The thread story `story_id` (of thread `thread_id`) is in, active or archived; None for a story
        alone whose thread is not active (it has no row of its own)."""
        thread_id = self.resolve(thread_id or story_id)
        thread = self.threads.get(thread_id)
        if thread is None and thread_id != story_id:  # a thread of several stories that left the active set
            thread = self.archive.get(thread_id)
            while thread is not None and thread.merged_into:
                thread = self.archive.get(thread.merged_into)
        return thread

    def _look(self, thread: ThreadState, arrivals: int) -> None:
        """Join the most similar other active thread when it is similar enough: the thread of more stories
        keeps its id (of two alike, the smaller id), and the other's id leads to it from then on."""
        best, score = self.best_thread(thread)
        if best is None or score < self.settings.threshold:
            return
        self._join(thread, best, arrivals)

    def stories_merged(self, survivor: StoryState, gone_id: str, gone_thread: str | None, arrivals: int) -> None:
        """Two stories became one (a revision merged story `gone_id`, of thread `gone_thread`, into `survivor`):
        so do their threads, counting one story fewer; a thread of the merged-away story alone goes with it."""
        kept = self._thread_of(survivor)
        other = self._shared_thread(gone_id, gone_thread) or ThreadState(gone_id, {}, 1, None, None, 0)
        if other.id == kept.id:
            old_terms = kept.index_terms() if kept.id in self.threads else ()
            kept.stories = max(1, kept.stories - 1)
            self._stretch(kept, None, None, arrivals)
            self._settle(kept, old_terms)
        elif other.stories == 1:
            if other.id in self.threads:
                self.active.drop(other.id, other.index_terms())
            self.changed.pop(other.id, None)
        else:
            kept = self._join(kept, other, arrivals)
            kept.stories -= 1
        if kept.stories == 1:
            old_terms = kept.index_terms() if kept.id in self.threads else ()
            kept.centroid = survivor.centroid
            kept.changed()
            if kept.id in self.threads:  # indexed by its new terms, or its old ones would lead to it once it left
                self.active.reindex(kept, old_terms)
        survivor.thread_id = self.resolve(kept.id)

    def story_split(self, story: StoryState, new_story: StoryState, arrivals: int) -> None:
        """A revision split `new_story` off `story`: it stays in the same thread, which counts one story more."""
        thread = self._thread_of(story)
        old_terms = thread.index_terms() if thread.id in self.threads else ()
        thread.stories += 1
        self._stretch(thread, None, None, arrivals)
        self._settle(thread, old_terms)
        story.thread_id = new_story.thread_id = self.resolve(thread.id)

    def _join(self, thread: ThreadState, best: ThreadState, arrivals: int) -> ThreadState:
        """Two threads become one: the thread of more stories keeps its id (of two alike, the smaller id), and
        the other's id leads to it from then on; returns the one kept."""
        keeps, joins = sorted((thread, best), key=lambda t: (-t.stories, t.id))
        if joins.id in self.threads:
            self.active.drop(joins.id, joins.index_terms())
        old_terms = keeps.index_terms() if keeps.id in self.threads else ()
        keeps.centroid = added(keeps.centroid, joins.centroid)
        keeps.stories += joins.stories
        self._stretch(keeps, joins.first_time, joins.last_time, arrivals)
        self.redirects[joins.id] = keeps.id
        self.merges.append((joins.id, keeps.id))
        self.changed.pop(joins.id, None)
        self._settle(keeps, old_terms)
        return keeps

    def best_thread(self, thread: ThreadState) -> tuple[ThreadState | None, float]:
        """The active thread most similar to `thread` (capped cosine of centroids), itself aside."""
        query = heapq.nlargest(STORY_QUERY_TERMS, thread.centroid.items(), key=by_weight)
        found = self.active.holding(term for term, _ in query)
        found.discard(thread.id)
        norm = thread.norm
        terms = {t: w / norm for t, w in thread.centroid.items()}
        cap = term_cap(terms)
        best, best_score = None, 0.0
        for thread_id in sorted(found):
            other = self.threads[thread_id]
            if not _spans_meet(thread, other, self.settings.window):
                continue
            score = subject_similarity(terms, other.centroid, other.norm, cap)
            if score > best_score:
                best, best_score = other, score
        return best, best_score

    @staticmethod
    def _stretch(thread: ThreadState, first: datetime | None, last: datetime | None, arrivals: int) -> None:
        thread.changed()
        if first is not None:
            thread.first_time = first if thread.first_time is None else min(thread.first_time, first)
            thread.last_time = last if thread.last_time is None else max(thread.last_time, last)
        thread.touched = max(thread.touched, arrivals)

    def _settle(self, thread: ThreadState, old_terms) -> None:
        if thread.stories > 1:
            self.changed[thread.id] = thread
        self.active.settle(thread, old_terms)
