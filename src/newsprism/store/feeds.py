"""The store's part for intake: feeds followed, the items they list, and the fetch log (migration 9).

A mixin of `Store`: every method runs its SQL through the store's own connections, and each write is one
transaction (`Store.write()`; inside a caller's `write()` it joins that one), so a process killed mid-write
leaves the last committed state. Times are kept as ISO 8601 UTC to the second ("2026-11-29T11:30:00+00:00"),
so comparing the strings compares the moments; every time given is brought to that form first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime

from ..config import IntakeSettings
from ..dates import utc_time
from ..model import FEED_ITEM_STATES, Feed, FeedItem, RobotsRecord

FETCH_LOG_ROWS = 100_000  # the fetch log keeps this many newest rows
DEFAULT_INTERVAL = IntakeSettings.default_interval  # seconds between polls of a new feed

_FEED_COLUMNS = tuple(f.name for f in fields(Feed))
_ITEM_COLUMNS = tuple(f.name for f in fields(FeedItem))
# What update_feed may change (url and added_at name the feed).
_UPDATABLE = frozenset(_FEED_COLUMNS) - {"url", "added_at"}
_TIME_COLUMNS = frozenset({"next_poll", "last_polled", "last_success", "last_new_item"})


class FeedStore:
    """Feeds, feed items and the fetch log; mixed into `Store` (uses its `_writer`, `_all` and `_one`)."""

    fetch_log_rows = FETCH_LOG_ROWS

    # --- feeds -------------------------------------------------------------------

    def add_feeds(self, urls: Sequence[str], outlet: str | None = None, discovered_from: str | None = None,
                  interval: float = DEFAULT_INTERVAL) -> list[tuple[str, bool]]:
        """Follow these URLs (as given: the caller validates them), first polled at once; one transaction.
        (url, newly added) for each: a URL followed already (or given twice) is left as it was."""
        now = utc_time()
        added = []
        with self._writer() as db:
            for url in urls:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO feeds (url, outlet, added_at, discovered_from, interval_seconds, "
                    "next_poll) VALUES (?, ?, ?, ?, ?, ?)", (url, outlet, now, discovered_from, float(interval), now))
                added.append((url, cursor.rowcount == 1))
        return added

    def remove_feeds(self, urls: Sequence[str]) -> int:
        """Stop following these URLs: their rows and their pending items go; stored articles (and the items
        that record them) stay. The number of feeds removed."""
        removed = 0
        with self._writer() as db:
            for url in urls:
                db.execute("DELETE FROM feed_items WHERE feed_url = ? AND state = 'pending'", (url,))
                removed += db.execute("DELETE FROM feeds WHERE url = ?", (url,)).rowcount
        return removed

    def feeds(self) -> list[Feed]:
        return [_feed(row) for row in self._all(f"SELECT {', '.join(_FEED_COLUMNS)} FROM feeds ORDER BY url")]

    def feed(self, url: str) -> Feed | None:
        row = self._one(f"SELECT {', '.join(_FEED_COLUMNS)} FROM feeds WHERE url = ?", (url,))
        return _feed(row) if row else None

    def due_feeds(self, now: str | datetime, limit: int | None = None) -> list[Feed]:
        """Feeds whose next poll is at or before `now`, the longest overdue first."""
        rows = self._all(f"SELECT {', '.join(_FEED_COLUMNS)} FROM feeds WHERE next_poll <= ? "
                         f"ORDER BY next_poll, url LIMIT ?", (utc_time(now), -1 if limit is None else int(limit)))
        return [_feed(row) for row in rows]

    def update_feed(self, url: str, /, **columns) -> None:
        """Set these columns of the feed's row (any but url and added_at; times are brought to UTC)."""
        unknown = set(columns) - _UPDATABLE
        if unknown:
            raise ValueError(f"not a feed column that can change: {', '.join(sorted(unknown))}")
        if not columns:
            return
        values = [utc_time(v) if name in _TIME_COLUMNS and v is not None else v for name, v in columns.items()]
        with self._writer() as db:
            db.execute(f"UPDATE feeds SET {', '.join(f'{name} = ?' for name in columns)} WHERE url = ?",
                       [*values, url])

    # --- feed items --------------------------------------------------------------

    def queue_items(self, items: Sequence[FeedItem]) -> int:
        """Record items a feed listed, in one transaction; an item URL recorded before (by any feed, in any
        state) is not queued again. The number queued."""
        now = utc_time()
        rows = []
        for item in items:
            if item.state not in FEED_ITEM_STATES:
                raise ValueError(f"not a feed item state: {item.state!r}")
            row = {name: getattr(item, name) for name in _ITEM_COLUMNS}
            row["seen_at"] = utc_time(item.seen_at) if item.seen_at else now
            row["next_try"] = utc_time(item.next_try) if item.next_try else None
            rows.append(tuple(row.values()))
        with self._writer() as db:
            before = db.total_changes
            db.executemany(f"INSERT OR IGNORE INTO feed_items ({', '.join(_ITEM_COLUMNS)}) "
                           f"VALUES ({', '.join('?' * len(_ITEM_COLUMNS))})", rows)
            return db.total_changes - before

    def pending_items(self, now: str | datetime, limit: int = 1000) -> list[FeedItem]:
        """Items still to fetch whose retry time (if any) has come: first seen first, a feed's in its order."""
        rows = self._all(f"SELECT {', '.join(_ITEM_COLUMNS)} FROM feed_items WHERE state = 'pending' "
                         f"AND (next_try IS NULL OR next_try <= ?) ORDER BY seen_at, rowid LIMIT ?",
                         (utc_time(now), int(limit)))
        return [_item(row) for row in rows]

    def feed_item(self, url: str) -> FeedItem | None:
        row = self._one(f"SELECT {', '.join(_ITEM_COLUMNS)} FROM feed_items WHERE url = ?", (url,))
        return _item(row) if row else None

    def finish_item(self, url: str, state: str, *, article_id: str | None = None, error: str | None = None,
                    tries: int | None = None, next_try: str | datetime | None = None) -> None:
        """Record what became of an item: stored (as `article_id`), duplicate (of `article_id`), failed
        (`error`), or still pending with a retry at `next_try`. `error` replaces the last one (None clears
        it); `article_id` and `tries` are kept when not given."""
        if state not in FEED_ITEM_STATES:
            raise ValueError(f"not a feed item state: {state!r}")
        with self._writer() as db:
            db.execute("UPDATE feed_items SET state = ?, article_id = coalesce(?, article_id), last_error = ?, "
                       "tries = coalesce(?, tries), next_try = ? WHERE url = ?",
                       (state, article_id, error, tries, utc_time(next_try) if next_try else None, url))

    def item_counts(self) -> dict[str, int]:
        """Items per state (every state named, 0 when none)."""
        counts = dict.fromkeys(FEED_ITEM_STATES, 0)
        counts.update((row[0], row[1]) for row in self._all("SELECT state, count(*) FROM feed_items GROUP BY state"))
        return counts

    # --- the fetch log ----------------------------------------------------------------

    def log_fetch(self, at: str | datetime, url: str, status: int | None, outcome: str, *,
                  feed_url: str | None = None, bytes: int | None = None,  # noqa: A002 - the column's name
                  seconds: float | None = None) -> None:
        """Log one request; the log keeps its newest `fetch_log_rows` rows."""
        with self._writer() as db:
            cursor = db.execute("INSERT INTO fetch_log (at, feed_url, url, status, outcome, bytes, seconds) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)", (utc_time(at), feed_url, url, status, outcome,
                                                                 bytes, seconds))
            # ids only grow, so the oldest rows are those below the window (a range of the primary key)
            db.execute("DELETE FROM fetch_log WHERE id <= ?", (cursor.lastrowid - self.fetch_log_rows,))

    def fetch_log(self, limit: int = 100) -> list[dict]:
        """The newest requests logged, newest first."""
        return [dict(row) for row in self._all(
            "SELECT id, at, feed_url, url, status, outcome, bytes, seconds FROM fetch_log ORDER BY id DESC LIMIT ?",
            (int(limit),))]

    # --- robots.txt --------------------------------------------------------------------

    def robots_records(self) -> dict[str, RobotsRecord]:
        """Every origin's robots.txt as last fetched (the fetcher reuses those younger than its TTL)."""
        return {row["origin"]: RobotsRecord(row["fetched_at"], row["status"], bytes(row["body"]), row["error"])
                for row in self._all("SELECT origin, fetched_at, status, body, error FROM robots")}

    def save_robots(self, records: dict[str, RobotsRecord]) -> None:
        rows = [(origin, r.fetched_at, r.status, r.body, r.error) for origin, r in records.items()]
        with self._writer() as db:
            db.executemany("INSERT OR REPLACE INTO robots (origin, fetched_at, status, body, error) "
                           "VALUES (?, ?, ?, ?, ?)", rows)


def _feed(row) -> Feed:
    return Feed(**{name: row[name] for name in _FEED_COLUMNS})


def _item(row) -> FeedItem:
    return FeedItem(**{name: row[name] for name in _ITEM_COLUMNS})
