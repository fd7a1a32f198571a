"""The store's part for threads (migration 11): each story's thread, the linker's saved threads, and the
thread listing.

A mixin of `Store`: its SQL runs through the store's own connections, each write in the caller's `write()`
transaction (else one of its own). A story alone in its thread has `thread_id` = its own id and no row in
`threads`: its story row holds all the linker needs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from ..model import Story, Thread

# Threads rank like stories on the front page (2 x outlets + articles, summed over their stories), fading with
# the hours between their newest article and the store's newest, over a longer half-life: a subject is followed
# for weeks, an event for hours.
THREAD_HALF_LIFE_HOURS = 72
_THREAD_RANK = (f"weight / (1.0 + max(0.0, (julianday((SELECT max(time_utc) FROM articles)) - "
                f"julianday(last_published)) * 24.0 / {THREAD_HALF_LIFE_HOURS}))")
_THREAD_ORDER = f"last_published IS NULL, {_THREAD_RANK} DESC, weight DESC, last_published DESC, id"


class ThreadStore:
    """Threads; mixed into `Store` (uses its `_writer`, `_all`, `_one`, `_story_pages` and `_has_threads`)."""

    # --- the linker's state -----------------------------------------------------------

    def save_thread(self, thread_id: str, *, first_time: str | None, last_time: str | None, stories: int,
                    touched: int, state: str) -> None:
        with self._writer() as db:
            db.execute("INSERT OR REPLACE INTO threads (id, first_time, last_time, stories, touched, state) "
                       "VALUES (?, ?, ?, ?, ?, ?)", (thread_id, first_time, last_time, stories, touched, state))

    def merge_thread(self, merged: str, into: str) -> None:
        """Thread `merged` joined thread `into`: its stories move, and its id leads to `into` from now on."""
        with self._writer() as db:
            db.execute("UPDATE stories SET thread_id = ? WHERE thread_id = ?", (into, merged))
            db.execute("INSERT OR REPLACE INTO threads (id, stories, touched, state, merged_into) "
                       "VALUES (?, 0, 0, '{}', ?)", (merged, into))

    def thread_redirect(self, thread_id: str) -> str | None:
        """The thread a merged thread's id leads to (through every later merge), or None."""
        self._need_threads()
        seen, found = {thread_id}, None
        while (row := self._one("SELECT merged_into FROM threads WHERE id = ?", (found or thread_id,))) \
                and row[0] and row[0] not in seen:
            found = row[0]
            seen.add(found)
        return found

    def thread_row(self, thread_id: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM threads WHERE id = ?", (thread_id,))

    def active_thread_rows(self, horizon: str | None, limit: int) -> tuple[list[sqlite3.Row], list[sqlite3.Row]]:
        """(threads of two or more stories, stories alone in their thread) still in the thread window (undated
        ones too), the `limit` most recently updated of both together."""
        threads = self._all("SELECT * FROM threads WHERE merged_into IS NULL AND (last_time IS NULL OR last_time >= ?) "
                            "ORDER BY touched DESC, id LIMIT ?", (horizon or "", limit))
        alone = self._all("SELECT * FROM stories WHERE (last_time IS NULL OR last_time >= ?) "
                          "AND (thread_id IS NULL OR thread_id = id) AND id NOT IN (SELECT id FROM threads) "
                          "ORDER BY touched DESC, id LIMIT ?",
                          (horizon or "", limit))
        newest = sorted([(-row["touched"], row["id"], 0, row) for row in threads]
                        + [(-row["touched"], row["id"], 1, row) for row in alone], key=lambda item: item[:3])[:limit]
        return [item[3] for item in newest if item[2] == 0], [item[3] for item in newest if item[2] == 1]

    def thread_of(self, article_id: str) -> str | None:
        """The thread of an article's story (None when it has no story)."""
        row = self._one("SELECT coalesce(s.thread_id, s.id) FROM articles a JOIN stories s ON s.id = a.story_id "
                        "WHERE a.id = ?", (article_id,))
        return row[0] if row else None

    # --- reads -------------------------------------------------------------------------

    def threads(self, *, min_stories: int = 2, limit: int | None = None, offset: int = 0) -> list[Thread]:
        """Threads of at least `min_stories` stories, most active first (`_THREAD_RANK`), each with its
        stories (latest news first)."""
        self._need_threads()
        page = "" if limit is None and not offset else f" LIMIT {int(limit) if limit else -1} OFFSET {int(offset)}"
        rows = self._all(
            f"""SELECT * FROM (
                    SELECT coalesce(s.thread_id, s.id) AS id, count(*) AS story_count,
                           sum(l.article_count) AS article_count, min(l.first_published) AS first_published,
                           max(l.last_published) AS last_published, sum(2 * l.outlet_count + l.article_count) AS weight
                    FROM stories s JOIN story_listing l ON l.story_id = s.id
                    GROUP BY coalesce(s.thread_id, s.id) HAVING count(*) >= ?)
                ORDER BY {_THREAD_ORDER}{page}""", (min_stories,))
        return self._with_stories(rows)

    def count_threads(self, min_stories: int = 2) -> int:
        self._need_threads()
        return self._one("SELECT count(*) FROM (SELECT 1 FROM stories s JOIN story_listing l ON l.story_id = s.id "
                         "GROUP BY coalesce(s.thread_id, s.id) HAVING count(*) >= ?)", (min_stories,))[0]

    def get_thread(self, thread_id: str) -> Thread | None:
        """One thread with its stories (a story alone in its thread has a thread of one story)."""
        self._need_threads()
        rows = self._all(
            """SELECT coalesce(s.thread_id, s.id) AS id, count(*) AS story_count,
                      sum(l.article_count) AS article_count, min(l.first_published) AS first_published,
                      max(l.last_published) AS last_published
               FROM stories s JOIN story_listing l ON l.story_id = s.id
               WHERE coalesce(s.thread_id, s.id) = ? GROUP BY coalesce(s.thread_id, s.id)""", (thread_id,))
        found = self._with_stories(rows)
        return found[0] if found else None

    def _with_stories(self, rows: Sequence[sqlite3.Row]) -> list[Thread]:
        ids = [row["id"] for row in rows]
        members: dict[str, list[Story]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            where = [f"l.story_id IN (SELECT id FROM stories WHERE coalesce(thread_id, id) IN "
                     f"({', '.join('?' * len(chunk))}))"]
            for stories in self._story_pages(where, chunk, None, 0, 500):
                for story in stories:
                    members[story.thread_id or story.id].append(story)
        return [thread_of_stories(row, members[row["id"]]) for row in rows]

    def _need_threads(self) -> None:
        if not self._has_threads():
            from . import StoreError  # the mixin's module is imported by the store's

            raise StoreError(f"{self.path}: written by an older newsprism, which kept no threads; a command "
                             "that writes to it (ingest, recluster) upgrades it")


def thread_of_stories(row: sqlite3.Row, stories: list[Story]) -> Thread:
    """A listing row and its stories as a Thread: titled after its most reported story (earliest id on a tie)."""
    lead = min(stories, key=lambda s: (-s.article_count, -s.outlet_count, s.id)) if stories else None
    from . import outlet_key  # one rule for an outlet's identity (the store's module imports this one)

    outlets = sorted({o for s in stories for o in s.outlets}, key=str.casefold)
    return Thread(id=row["id"], title=lead.title if lead else None, first_published=row["first_published"],
                  last_published=row["last_published"], story_count=row["story_count"],
                  article_count=row["article_count"], outlet_count=len({outlet_key(o) for o in outlets}),
                  outlets=outlets, languages=sorted({lang for s in stories for lang in s.languages}),
                  stories=stories)
