"""Cluster: every stored article joins the story of its real-world event, or starts one.

`StoryAssigner` runs the online clusterer against a store: it restores the active
stories when it starts, assigns a batch of articles in publication-time order,
and writes the changed stories in the caller's transaction, so that a killed
process leaves stories and assignments consistent and two ingests in a row give
the same stories as one ingest of the same articles in the same order.

Several processes may assign into one store (two ingests, a web app and an
intake job): writes are serialized by the store, and every batch bumps a
generation counter in `cluster_state`. An assigner that finds the counter moved
since its own last batch restores the active stories from the store before it
assigns, so it never clusters against an out-of-date view.
"""

from __future__ import annotations

import json
from collections import Counter, OrderedDict
from collections.abc import Iterable
from datetime import datetime

from ..config import Settings
from ..dates import as_utc, utc_time
from ..model import Article, StoryEvent
from ..oneline import shorten
from ..store import Store, utc_key
from .features import Features, article_features
from .online import ClusterSettings, OnlineClusterer, Revision, StoryState, meets
from .threads import ThreadLinker, ThreadSettings, ThreadState

__all__ = ["StoryAssigner", "recluster", "ThreadLinker", "ThreadSettings", "article_features", "Features",
           "OnlineClusterer", "ClusterSettings"]


class StoreArchive:
    """Stories that left the active window, found again in the store by term and time.

    Stories archived during the current batch are not saved yet; they are held here
    until the batch is written, so a lookup never sees an out-of-date copy.
    """

    DECODED = 4096  # archived stories kept decoded: an undated report looks through many of them

    def __init__(self, store: Store):
        self.store = store
        self.pending: dict[str, StoryState] = {}
        self._decoded: OrderedDict[tuple[str, int], StoryState] = OrderedDict()

    def keep(self, story: StoryState) -> None:
        self.pending[story.id] = story

    def holds(self, story_id: str) -> bool:
        return story_id in self.pending or self.store.is_story(story_id)

    def forget(self, story_id: str) -> None:
        """A story merged into another is archived no more (the assigner deletes its row)."""
        self.pending.pop(story_id, None)
        for key in [key for key in self._decoded if key[0] == story_id]:
            del self._decoded[key]

    def find(self, terms, start: datetime | None, end: datetime | None) -> list[StoryState]:
        """Archived stories carrying one of `terms` whose time span meets [start, end] (None: any time)."""
        versions = self.store.story_versions_near(sorted(terms), utc_key(start.isoformat()) if start else None,
                                                  utc_key(end.isoformat()) if end else None)
        pending, decoded = self.pending, self._decoded
        unread = [key[0] for key in versions if key[0] not in pending and key not in decoded]
        for row in self.store.story_rows(unread):  # only the stories not decoded yet are read whole
            self._decode(row)
        found = {key[0]: pending.get(key[0]) or self._recent(key) for key in versions}
        while len(decoded) > self.DECODED:  # the least recently used leave
            decoded.popitem(last=False)
        wanted = set(terms)
        for story in self.pending.values():
            if story.id not in found and meets(story, start, end) and wanted.intersection(story.index_terms()):
                found[story.id] = story
        return [found[i] for i in sorted(found) if meets(found[i], start, end)]

    def _decode(self, row) -> None:
        """Keep the story a row holds; a story's `touched` changes whenever it does, so it keys the cache."""
        self._decoded[(row["id"], row["touched"])] = story_from_row(row)

    def _recent(self, key: tuple[str, int]) -> StoryState:
        """A decoded story, now the most recently used."""
        self._decoded.move_to_end(key)
        return self._decoded[key]


class StoreThreads:
    """Threads of two or more stories that left the active set, found again in the store by id (a story of
    theirs grew again). Those changed in the current batch are held here until it is written."""

    def __init__(self, store: Store):
        self.store = store
        self.pending: dict[str, ThreadState] = {}

    def keep(self, thread: ThreadState) -> None:
        if thread.stories > 1:  # a story alone in its thread is rebuilt from the story itself
            self.pending[thread.id] = thread

    def get(self, thread_id: str) -> ThreadState | None:
        if thread_id in self.pending:
            return self.pending[thread_id]
        row = self.store.thread_row(thread_id)
        return thread_from_row(row) if row else None


class StoryAssigner:
    def __init__(self, store: Store, settings: Settings = Settings(), reason: str = "stream"):
        self.store = store
        self.settings = cluster_settings(settings)
        self.reason = reason  # why its assignments happen, as the stories' history records it
        self.full_settings = settings
        self.corrections_upto: int | None = None  # the editors' corrections revisions respect: None, all
        self._restore()

    def assign(self, articles: Iterable[Article], *, replay: bool = False) -> int:
        """Give each article its story (call inside `store.write()`); returns how many stories began.

        Articles are taken in publication-time order; an undated article keeps its
        place after the dated article before it in the batch, and near-copies come
        after the originals (`replay` keeps the given order instead: the order they
        were assigned in, where an original always comes before its copies).
        Near-copies join their original's story and do not change the story's centroid.
        """
        self._catch_up()
        clusterer, started = self.clusterer, 0
        pending = [a for a in articles if a.story_id is None]
        if not replay:
            pending = [*time_order([a for a in pending if a.duplicate_of is None]),
                       *(a for a in pending if a.duplicate_of is not None)]
        seq = self.store.last_cluster_seq()
        changed: dict[str, StoryState] = {}
        at = utc_time()
        history: list[StoryEvent] = []  # recorded in one statement
        self._constraints()
        for done, article in enumerate(pending):
            if article.duplicate_of is not None:
                article.story_id = self.store.story_of(article.duplicate_of) or article.duplicate_of
                kind = "joined"
            else:
                features = article_features(article)
                when = as_utc(article.published or article.captured)
                article.story_id = clusterer.assign(article.id, features, when)
                story = changed[article.story_id] = clusterer.last_story
                started += story.size == 1
                kind = "created" if story.size == 1 else "joined"
                self._retitle(story, article, clusterer.last_word_score)
                self.threads.observe(story, features.terms, clusterer.arrivals, clusterer.active.clock)
            seq += 1
            self.store.set_story(article.id, article.story_id, seq)
            history.append(StoryEvent(article.story_id, at, kind, [article.id], reason=self.reason))
            history += self._revised(changed, at, pending[:done])  # what the article's arrival made revise
        changed.update(self.archive.pending)
        for story in changed.values():
            self._save(story)
        self.archive.pending.clear()
        self._save_threads()
        self.store.record_history(history)
        self.generation += 1
        clock = clusterer.active.clock
        self.store.save_cluster_state({"clock": clock.isoformat() if clock else "",
                                       "arrivals": str(clusterer.arrivals), "generation": str(self.generation)})
        return started

    def _revised(self, changed: dict[str, StoryState], at: str, assigned: list[Article]) -> list[StoryEvent]:
        """Carry the clusterer's latest revisions into the store (in the batch's transaction) and into the
        batch's `assigned` articles; returns their history.

        A merge moves every article of the merged-away story (earlier batches' and this one's) to the survivor,
        whose id the merged one redirects to from then on; a move or a split moves the named articles and their
        near-copies."""
        clusterer, events = self.clusterer, []
        for revision in clusterer.revisions:
            if revision.kind == "merged":
                moved, source, target = self._merged(revision, changed), revision.other, revision.story
            else:
                source = revision.story if revision.kind == "split" else revision.other
                target = revision.other if revision.kind == "split" else revision.story
                moved = revision.articles + self.store.copies_in(revision.articles, source)
                self.store.move_to_story(moved, target)
                self.store.drop_redirect(target)  # a split may give back an id a merge had taken
                for story_id in (source, target):
                    story = clusterer.stories.get(story_id) or self.archive.pending.get(story_id)
                    if story is not None:  # None: a later revision of this arrival merged it away (saved there)
                        changed[story_id] = story
                if revision.kind == "split" and source in changed and target in changed:
                    self._title_split_off(changed[target], moved[0])
                    self.threads.story_split(changed[source], changed[target], clusterer.arrivals)
            for article in assigned:
                if article.story_id == source and (revision.kind == "merged" or article.id in moved):
                    article.story_id = target
            events.append(StoryEvent(revision.story, at, revision.kind, moved, revision.other, reason=self.reason,
                                     note=self._evidence(revision)))
        clusterer.revisions.clear()
        return events

    def _merged(self, revision: Revision, changed: dict[str, StoryState]) -> list[str]:
        moved = self.store.merge_story_articles(revision.other, revision.story)
        self.store.delete_story(revision.other)
        self.store.add_redirect(revision.other, revision.story)
        changed.pop(revision.other, None)
        self.threads.stories_merged(self.clusterer.stories.get(revision.story) or self.clusterer.last_story,
                                    revision.other, revision.other_thread, self.clusterer.arrivals)
        return moved

    def _title_split_off(self, story: StoryState, article_id: str) -> None:
        article = self.store.get_article(article_id)
        story.title, story.title_score, story.title_from_text = \
            article.title or _first_sentence(article.text), 0.0, article.title is None

    def _evidence(self, revision: Revision) -> str:
        """Why the assigner made a revision, in words (the history's note)."""
        settings = self.clusterer.settings
        if revision.kind == "merged":
            return (f"revision: their members {revision.score:.2f} alike on average "
                    f"(merged from {settings.merge_threshold})")
        if revision.kind == "moved":
            return (f"revision: {revision.score:.2f} alike on average to this story's members, more than to its "
                    f"own story's")
        return (f"revision: two close-knit groups, {revision.score:.2f} alike on average "
                f"(split below {settings.split_threshold})")

    def _constraints(self) -> None:
        """What the clusterer asks before a revision merges two stories, moves an article or splits a story:
        None (anything) when no editor made a correction that could forbid it, else whether the editors'
        corrections allow it (those made so far: `recluster` sets `corrections_upto` to the last it replayed)."""
        upto, clusterer = self.corrections_upto, self.clusterer
        kinds = {c.kind for c in self.store.corrections() if upto is None or c.seq <= upto}
        from .corrections import may_merge, may_separate  # corrections use this module's helpers

        store = self.store
        clusterer.may_merge = (lambda story, other: may_merge(store, story, other, upto)) \
            if kinds & {"split", "move"} else None
        clusterer.may_separate = (lambda articles, story: may_separate(
            store, articles, [a.id for a in store.story_articles(story) if a.id not in articles], upto)) \
            if "merge" in kinds else None

    def assign_pending(self) -> int:
        """Assign articles stored without a story (from before clustering existed)."""
        pending = self.store.unassigned_articles()
        return self.assign(pending) if pending else 0

    def _retitle(self, story: StoryState, article: Article, score: float) -> None:
        title = article.title or _first_sentence(article.text)
        if story.title is None or (article.title and (score > story.title_score or story.title_from_text)):
            story.title, story.title_score, story.title_from_text = title, score, article.title is None

    def _save_threads(self) -> None:
        """The batch's changed threads, then its merges in order (after the stories, whose rows they move)."""
        threads = self.threads
        for thread in threads.changed.values():
            self.store.save_thread(thread.id, first_time=_key(thread.first_time), last_time=_key(thread.last_time),
                                   stories=thread.stories, touched=thread.touched, state=thread_state_json(thread))
        for merged, into in threads.merges:
            self.store.merge_thread(merged, into)
        threads.changed.clear()
        threads.merges.clear()
        threads.archive.pending.clear()

    def _save(self, story: StoryState) -> None:
        save_story_state(self.store, story, thread_id=self.threads.resolve(story.thread_id or story.id))

    def _catch_up(self) -> None:
        """Start again from the store's stories when another process assigned since this one last did.

        Called inside the write transaction, which holds the store's write lock: nothing
        changes between this look and the batch's commit.
        """
        if int(self.store.cluster_state().get("generation", 0)) != self.generation:
            self._restore()

    def _restore(self) -> None:
        state = self.store.cluster_state()
        self.generation = int(state.get("generation", 0))
        self.archive = StoreArchive(self.store)
        self.clusterer = clusterer = OnlineClusterer(self.settings, self.archive)
        clock = datetime.fromisoformat(state["clock"]) if state.get("clock") else None
        clusterer.active.clock = clock
        clusterer.arrivals = int(state.get("arrivals", 0))
        horizon = clock - clusterer.settings.window if clock else None
        rows = self.store.active_story_rows(utc_key(horizon.isoformat()) if horizon else None,
                                            clusterer.settings.max_active)
        for row in rows:
            clusterer.restore(story_from_row(row))
        self.threads = threads = ThreadLinker(thread_settings(self.full_settings), StoreThreads(self.store))
        threads.active.clock = clock
        horizon = clock - threads.settings.window if clock else None
        shared, alone = self.store.active_thread_rows(_key(horizon), threads.settings.max_active)
        for row in shared:
            threads.restore(thread_from_row(row))
        for row in alone:
            story = story_from_row(row)
            threads.restore(ThreadState(story.id, story.centroid, 1, story.first_time, story.last_time, story.touched))


def recluster(store: Store, settings: Settings = Settings(), on_batch=lambda done: None) -> int:
    """Rebuild every story from scratch, replaying the articles in the order they were assigned, and
    editors' corrections each where it was made in that order.

    Gives the same stories as streaming those articles with those corrections did (with the same settings).
    Returns the number of stories. One transaction: a kill leaves the old stories.
    """
    from .corrections import apply_correction, replay_points  # corrections use this module's helpers

    with store.write():
        order = store.cluster_order()  # read before the assignments are cleared
        points = replay_points(store, order)
        store.clear_stories()
        assigner = StoryAssigner(store, settings, reason="recluster")
        assigner.corrections_upto = 0
        done = 0
        for position, correction in [*points, (len(order), None)]:
            while done < position:
                end = min(done + settings.batch_size, position)
                assigner.assign(store.articles_by_seq(order[done:end]), replay=True)
                done = end
                on_batch(done)
            if correction is not None:
                apply_correction(store, correction)
                assigner.corrections_upto = correction.seq
    return store.count_stories()


def cluster_settings(settings: Settings) -> ClusterSettings:
    return ClusterSettings(threshold=settings.story_threshold, member_weight=settings.story_member_weight,
                           merge_threshold=settings.story_merge_threshold,
                           split_threshold=settings.story_split_threshold,
                           window=settings.story_window,
                           max_active=settings.max_active_stories)


def thread_settings(settings: Settings) -> ThreadSettings:
    return ThreadSettings(threshold=settings.thread_threshold, window=settings.thread_window,
                          max_active=settings.max_active_threads)


def _key(moment: datetime | None) -> str | None:
    return utc_key(moment.isoformat()) if moment else None


def thread_state_json(thread: ThreadState) -> str:
    return json.dumps({"centroid": thread.centroid}, ensure_ascii=False, separators=(",", ":"))


def thread_from_row(row) -> ThreadState:
    return ThreadState(id=row["id"], centroid=json.loads(row["state"]).get("centroid", {}), stories=row["stories"],
                       first_time=as_utc(row["first_time"]), last_time=as_utc(row["last_time"]),
                       touched=row["touched"], merged_into=row["merged_into"])


def time_order(articles: list[Article]) -> list[Article]:
    """Publication-time order; an undated article stays right after the dated one before it."""
    keyed, last = [], None
    for position, article in enumerate(articles):
        when = as_utc(article.published or article.captured)
        last = when or last
        keyed.append(((last.timestamp() if last else float("-inf")), 0 if when else 1, position, article))
    return [item[-1] for item in sorted(keyed, key=lambda item: item[:3])]


def save_story_state(store: Store, story: StoryState, thread_id: str | None = None) -> None:
    """The story's row; its thread `thread_id`, else the one it has (a story alone is its own thread)."""
    store.save_story(
        story.id, title=story.title, title_score=story.title_score,
        first_time=utc_key(story.first_time.isoformat()) if story.first_time else None,
        last_time=utc_key(story.last_time.isoformat()) if story.last_time else None,
        size=story.size, touched=story.touched, state=story_state_json(story),
        index_terms=story.index_terms(), thread_id=thread_id or story.thread_id)


def story_state_json(story: StoryState) -> str:
    """The story's state as JSON: exactly json.dumps of the fields below (compact, not ASCII-escaped), its kept
    members' vectors encoded once each (`_MemberJson`) instead of at every save of the story."""
    encode = _STATE_ENCODER.encode
    return _json_object({
        "centroid": encode(story.centroid), "names": encode(sorted(story.names)), "years": encode(dict(story.years)),
        "title_from_text": encode(story.title_from_text), "members": f"[{','.join(map(_member_json, story.members))}]",
        "keys": encode(story.keys), "languages": encode(sorted(story.languages)),
        "first_arrival": encode(story.first_arrival), "member_ids": encode(story.member_ids),
    })


def _json_object(encoded: dict[str, str]) -> str:
    """A JSON object from its fields' JSON, as json.dumps with separators (",", ":") writes one."""
    return "{" + ",".join(f"{_STATE_ENCODER.encode(name)}:{value}" for name, value in encoded.items()) + "}"


_STATE_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class _MemberJson:
    """The JSON of a kept member's term vector, remembered: a story is saved after every batch it changed in,
    and its members' vectors (most of its state) are the same each time. A member's vector is its article's
    `Features.terms`, never changed once made, so the vector object itself keys the memo (held, so its id is
    not reused while remembered); the least recently used leave beyond LIMIT."""

    LIMIT = 8192

    def __init__(self):
        self._known: OrderedDict[int, tuple[dict, str]] = OrderedDict()

    def __call__(self, vector: dict) -> str:
        known = self._known.get(id(vector))
        if known is not None and known[0] is vector:
            self._known.move_to_end(id(vector))
            return known[1]
        text = _STATE_ENCODER.encode(vector)
        self._known[id(vector)] = (vector, text)
        if len(self._known) > self.LIMIT:
            self._known.popitem(last=False)
        return text


_member_json = _MemberJson()


def story_from_row(row) -> StoryState:
    state = json.loads(row["state"])
    return StoryState(
        id=row["id"], centroid=state["centroid"], size=row["size"],
        first_time=as_utc(row["first_time"]), last_time=as_utc(row["last_time"]),
        years=Counter(state["years"]), touched=row["touched"], names=set(state["names"]),
        title=row["title"], title_score=row["title_score"], title_from_text=state.get("title_from_text", False),
        members=state.get("members", []), keys=state.get("keys", {}), languages=set(state.get("languages", ())),
        thread_id=row["thread_id"] if "thread_id" in row.keys() else None,
        first_arrival=state.get("first_arrival", 0), member_ids=_member_ids(state),
    )


def _member_ids(state: dict) -> list:
    """The ids of the kept members (None for those a state saved before ids were kept: never moved)."""
    ids, members = state.get("member_ids", []), state.get("members", [])
    return [None] * (len(members) - len(ids)) + ids[-len(members):] if members else []


def _first_sentence(text: str, limit: int = 120) -> str:
    first = text.split("\n\n", 1)[0]
    sentence = first.split(". ", 1)[0]
    return shorten(sentence, limit)
