"""The store: one SQLite file behind one small interface. The only code that speaks SQL.

WAL journal, versioned schema with recorded migrations, FTS5 over title and
text. Every write happens inside `Store.write()`, one transaction at a time, so
a process killed mid-write leaves the last committed state intact.

Connections, as Datasette's database.py arranges them: one writer connection,
shared by the threads of a process behind a lock, and one read-only connection
per thread. Between processes SQLite's own lock serializes writers
(`BEGIN IMMEDIATE`); a writer that finds it taken waits up to `lock_wait`
seconds. A store opened with `readonly=True` never writes a byte: no tables, no
migration, no journal-mode switch.

Before anything is written the file is checked: a newsprism store carries
`PRAGMA application_id` = APPLICATION_ID and its schema version in `PRAGMA
user_version` (stores from before that mark are recognised by their
`migrations` table and marked on their next write open). Any other file, a store
from a newer newsprism, or a damaged store is refused with a StoreError.
"""

from __future__ import annotations

import json
import logging
import math
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Self

import numpy as np

from ..config import Settings
from ..dates import as_utc
from ..identify import FILLABLE
from ..model import Analysis, Article, OutletFigures, SearchHit, Story, StoryMember
from .feeds import FeedStore
from .history import HistoryStore
from .schema import LISTING_SELECT, MIGRATIONS
from .threads import ThreadStore

log = logging.getLogger(__name__)

# PRAGMA application_id of every newsprism store: "NPRS" in ASCII.
APPLICATION_ID = 0x4E505253
SCHEMA_VERSION = max(version for version, _, _ in MIGRATIONS)  # numbers may skip one another branch owns
SQLITE_HEADER = b"SQLite format 3\x00"
PAGE = 500  # rows per page when a listing is walked page by page
SNIPPET_TOKENS = 24  # words in a search result's snippet
SEARCH_WINDOW = 2000  # the newest matches of a search that are ranked by relevance
WRITE_POLL = 0.002  # seconds between tries for the write lock while another process holds it

_ARTICLE_COLUMNS = tuple(field.name for field in fields(Article))
_ARTICLE_SELECT = f"SELECT seq, {', '.join(_ARTICLE_COLUMNS)} FROM articles"
# Metadata that a later reading of an already known article may fill in when missing.


class StoreError(RuntimeError):
    """The database cannot be opened, is not a newsprism store, is damaged or is busy."""


@dataclass(frozen=True)
class _Found:
    """What is at a store's path before anything touches it."""

    kind: str  # "missing", "empty" (no tables yet: safe to create) or "newsprism"
    version: int = 0
    marked: bool = False  # carries APPLICATION_ID and user_version


class Store(FeedStore, HistoryStore, ThreadStore):
    def __init__(self, path: str | Path, *, readonly: bool = False, create: bool = True,
                 lock_wait: float = Settings.lock_wait):
        """Open the store at `path`.

        `readonly`: only read (the file must be an existing newsprism store); `create=False`:
        the store must exist, but may be written; `lock_wait`: seconds a write waits for
        another process's transaction before giving up with "the store is busy".
        """
        self.path = Path(path)
        self.readonly = readonly
        self.lock_wait = lock_wait
        self._db: sqlite3.Connection | None = None  # the writer (None when read-only)
        self._write_lock = threading.Lock()
        self._writing: int | None = None  # the thread inside write(), whose reads go through the writer
        self._local = threading.local()
        self._readers: dict[threading.Thread, sqlite3.Connection] = {}
        self._readers_lock = threading.Lock()
        self._outdated = False  # read-only on a store an older newsprism wrote: a read may miss a column
        try:
            found = self._inspect(must_exist=readonly or not create)
            self._outdated = readonly and found.version < SCHEMA_VERSION
            if not readonly:
                self._open_writer()
                if found.kind != "newsprism" or not found.marked or found.version < SCHEMA_VERSION:
                    self._migrate()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise self._error(exc) from None
        except OSError as exc:
            self.close()
            raise StoreError(f"{self.path}: cannot open ({exc.strerror or exc})") from None
        except BaseException:
            self.close()
            raise

    # --- lifecycle ------------------------------------------------------------

    def close(self) -> None:
        with self._readers_lock:
            readers, self._readers = self._readers, {}
        for connection in readers.values():
            connection.close()
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _inspect(self, must_exist: bool) -> _Found:
        """Refuse what is not ours, before any connection could change the file."""
        if not self.path.exists():
            if must_exist:
                raise StoreError(f"{self.path}: no such store (`newsprism ingest` creates one)")
            if self.path.parent and not self.path.parent.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            return _Found("missing")
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a newsprism store")
        with self.path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
        if not header:
            if self.readonly:
                raise StoreError(f"{self.path}: empty file, not a newsprism store yet")
            return _Found("empty")
        if header != SQLITE_HEADER:
            raise StoreError(f"{self.path}: not a newsprism store (not an SQLite database); left untouched")
        # Without a -wal file the file alone is the whole database: read it as immutable, so that even
        # a foreign WAL-mode database gets no -shm or -wal file from this look.
        immutable = not Path(f"{self.path}-wal").exists()
        probe = sqlite3.connect(self._read_uri() + ("&immutable=1" if immutable else ""), uri=True)
        try:
            found = _classify(self.path, probe)
        finally:
            probe.close()
        if found.kind == "newsprism" and not self.readonly:
            # Ours, about to be written: checked through an ordinary read-only connection, which sees a
            # consistent snapshot even while another process checkpoints (an immutable one would not).
            checker = sqlite3.connect(self._read_uri(), uri=True)
            try:
                _quick_check(self.path, checker)
            finally:
                checker.close()
        if found.kind == "empty" and self.readonly:
            raise StoreError(f"{self.path}: an empty database, not a newsprism store yet")
        return found

    def _open_writer(self) -> None:
        self._db = sqlite3.connect(str(self.path), timeout=self.lock_wait, isolation_level=None,
                                   check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._switch_to_wal()
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA busy_timeout = 0")  # _begin() waits for other writers itself

    def _switch_to_wal(self) -> None:
        """PRAGMA journal_mode=WAL, tried again while another process does the same.

        Two processes creating one store at once both need the exclusive lock to switch the
        journal; SQLite answers one of them "database is locked" at once (its busy handler does
        not wait on a deadlock), so the wait is ours.
        """
        started = time.monotonic()
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() - started >= self.lock_wait:
                    raise
            time.sleep(WRITE_POLL)

    def _read_uri(self) -> str:
        return self.path.resolve().as_uri() + "?mode=ro"

    def _reader(self) -> sqlite3.Connection:
        """This thread's read-only connection (the writer inside this thread's own transaction)."""
        if self._writing == threading.get_ident():
            return self._db
        connection = getattr(self._local, "reader", None)
        if connection is None:
            connection = sqlite3.connect(self._read_uri(), uri=True, timeout=self.lock_wait,
                                         check_same_thread=False)
            connection.row_factory = sqlite3.Row
            self._local.reader = connection
            with self._readers_lock:
                self._close_readers_of_finished_threads()
                self._readers[threading.current_thread()] = connection
        return connection

    def _close_readers_of_finished_threads(self) -> None:
        """A server that starts a thread per request must not keep one connection per thread it ever had."""
        for thread in [t for t in self._readers if not t.is_alive()]:
            self._readers.pop(thread).close()

    def _migrate(self) -> None:
        with self.write():  # one transaction: a second process opening a new store waits, then finds it done
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS migrations"
                " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = {row[0] for row in self._db.execute("SELECT version FROM migrations")}
            for version, name, sql in MIGRATIONS:
                if version in done:
                    continue
                if callable(sql):  # a migration that computes (new article ids, say), in the same transaction
                    sql(self._db)
                else:
                    for statement in _statements(sql):
                        self._db.execute(statement)
                self._db.execute("INSERT INTO migrations VALUES (?, ?, ?)", (version, name, _now()))
            self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def migrations(self) -> list[tuple[int, str, str]]:
        return [tuple(r) for r in self._all("SELECT version, name, applied_at FROM migrations ORDER BY version")]

    @contextmanager
    def write(self) -> Iterator[None]:
        """One transaction: everything inside commits together or not at all.

        Threads of this process take turns; another process's transaction is waited for
        up to `lock_wait` seconds. Inside, this thread's reads see what it has written.
        """
        if self._db is None:
            raise StoreError(f"{self.path}: opened for reading only")
        if self._writing == threading.get_ident():
            yield
            return
        if not self._write_lock.acquire(timeout=self.lock_wait):
            raise StoreError(f"{self.path}: the store is busy: another thread has been writing for "
                             f"{self.lock_wait:.0f} s")
        try:
            self._begin()
            self._writing = threading.get_ident()
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            finally:
                self._writing = None
        except sqlite3.DatabaseError as exc:
            if not _trouble(exc):
                raise
            raise self._error(exc) from None
        finally:
            self._write_lock.release()

    def _begin(self) -> None:
        """BEGIN IMMEDIATE; when another process holds the write lock, say so and wait for it.

        SQLite's own busy handler sleeps up to 100 ms between tries, so a writer that commits
        batch after batch with a few milliseconds between them would keep the lock for good;
        trying every few milliseconds lets two writers take turns.
        """
        started, told = time.monotonic(), False
        while True:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
            waited = time.monotonic() - started
            if waited >= self.lock_wait:
                raise StoreError(f"{self.path}: the store is busy: another process has been writing for "
                                 f"{waited:.0f} s")
            if not told:
                log.info("%s: another process is writing to the store; waiting up to %.0f s", self.path,
                         self.lock_wait)
                told = True
            time.sleep(WRITE_POLL)
        if told:
            log.info("%s: the store is free again after %.1f s", self.path, time.monotonic() - started)

    # --- running SQL: every statement goes through these, so errors read the same ---------

    def _error(self, exc: sqlite3.DatabaseError) -> StoreError:
        message = str(exc)
        if _trouble(exc) and not _is_busy(exc):
            return StoreError(f"{self.path}: the store is damaged ({message}); restore a backup "
                              "or re-ingest the sources into a new store")
        if _is_busy(exc):
            return StoreError(f"{self.path}: the store is busy: another process has been writing for "
                              f"{self.lock_wait:.0f} s")
        return StoreError(f"{self.path}: {message}")

    def _execute(self, sql: str, params: Sequence = ()) -> sqlite3.Cursor:
        """Run one read: through the writer inside this thread's write(), else this thread's reader."""
        with self._translated():
            return self._reader().execute(sql, params)

    def _all(self, sql: str, params: Sequence = ()) -> list[sqlite3.Row]:
        with self._translated():
            return self._execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence = ()) -> sqlite3.Row | None:
        with self._translated():
            return self._execute(sql, params).fetchone()

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Damage found while reading rows becomes a StoreError, never a silent or cryptic failure."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            if self._outdated and "no such" in str(exc):
                raise StoreError(f"{self.path}: written by an older newsprism and opened read-only ({exc}); "
                                 "a command that writes to it (ingest, story, recluster) upgrades it") from None
            if not _trouble(exc):
                raise
            raise self._error(exc) from None

    # --- articles: reads ---------------------------------------------------------

    def get_article(self, article_id: str) -> Article | None:
        row = self._one(f"{_ARTICLE_SELECT} WHERE id = ?", (article_id,))
        return _article(row) if row else None

    def articles(
        self,
        *,
        search: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        limit: int | None = None,
        after: str | None = None,
        offset: int = 0,
    ) -> list[Article]:
        """Articles in arrival order, filtered; `search` is an FTS5 query over title and text.

        One page: `after` an article id (keyset: the articles that arrived after it) or
        `offset` articles skipped, then at most `limit`.
        """
        where, params = self._article_filters(search, outlet, since)
        if after is not None:
            where.append("seq > coalesce((SELECT seq FROM articles WHERE id = ?), -1)")
            params.append(after)
        return [_article(row) for row in self._article_rows(where, params, limit, offset)]

    def article_pages(self, *, search: str | None = None, outlet: str | None = None, since: str | None = None,
                      limit: int | None = None, page: int | None = None) -> Iterator[list[Article]]:
        """The same articles as `articles()`, a page at a time (keyset on arrival order): memory stays flat."""
        where, params = self._article_filters(search, outlet, since)
        page, last, left = page or PAGE, -1, limit
        while left is None or left > 0:
            size = page if left is None else min(page, left)
            rows = self._article_rows([*where, "seq > ?"], [*params, last], size, 0)
            if not rows:
                return
            yield [_article(row) for row in rows]
            last = rows[-1]["seq"]
            left = None if left is None else left - len(rows)
            if len(rows) < size:
                return

    def iter_articles(self, **filters) -> Iterator[Article]:
        """`article_pages()` one article at a time."""
        for chunk in self.article_pages(**filters):
            yield from chunk

    def _article_filters(self, search: str | None, outlet: str | None, since: str | None) -> tuple[list, list]:
        where, params = [], []
        if search:
            where.append("seq IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            params.append(fts_query(search))
        if outlet:
            where.append("outlet = ? COLLATE NOCASE")
            params.append(outlet)
        if since:
            where.append("time_utc >= ?")
            params.append(utc_key(since) or since)
        return where, params

    def _article_rows(self, where: list[str], params: list, limit: int | None, offset: int) -> list[sqlite3.Row]:
        sql = _ARTICLE_SELECT
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY seq" + _page_clause(limit, offset)
        return self._all(sql, params)

    def count_articles(self) -> int:
        return self._one("SELECT count(*) FROM articles")[0]

    def same_content(self, content_hash: str) -> list[Article]:
        return [_article(row) for row in self._all(f"{_ARTICLE_SELECT} WHERE content_hash = ? ORDER BY seq",
                                                   (content_hash,))]

    def near_copy_candidates(self, keys: Sequence[tuple[int, int]]) -> list[tuple[str, np.ndarray]]:
        """Stored articles sharing at least one LSH band with `keys`, with their signatures."""
        if not keys:
            return []
        clauses = " OR ".join("(band = ? AND key = ?)" for _ in keys)
        params = [value for pair in keys for value in pair]
        rows = self._all(
            f"""SELECT s.article_id, s.minhash FROM near_copy_signatures s
                WHERE s.article_id IN (SELECT article_id FROM near_copy_bands WHERE {clauses})""",
            params,
        )
        return [(row[0], np.frombuffer(row[1], dtype=np.uint64)) for row in rows]

    def root_of(self, article_id: str) -> str:
        """The original an article is a copy of (itself when it is no copy)."""
        row = self._one("SELECT duplicate_of FROM articles WHERE id = ?", (article_id,))
        return row[0] if row and row[0] else article_id

    # --- articles: writes (in the caller's `write()` transaction, else one of their own) ----

    def add_article(self, article: Article, signature: np.ndarray | None = None,
                    band_keys: Sequence[tuple[int, int]] = ()) -> None:
        """Insert one article with its near-copy signature."""
        article.ingested_at = article.ingested_at or _now()
        values = [getattr(article, name) for name in _ARTICLE_COLUMNS]
        with self._writer() as db:
            db.execute(
                f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}, time_utc) "
                f"VALUES ({', '.join('?' * len(values))}, ?)",
                values + [utc_key(article.published) or utc_key(article.captured)],
            )
            if signature is not None:
                db.execute("INSERT INTO near_copy_signatures VALUES (?, ?)", (article.id, signature.tobytes()))
                db.executemany("INSERT INTO near_copy_bands VALUES (?, ?, ?)",
                               [(band, key, article.id) for band, key in band_keys])

    def fill_missing(self, article_id: str, article: Article) -> list[str]:
        """Fill metadata the stored article lacks from a new reading of it; never overwrite."""
        with self._writer() as db:
            stored = self.get_article(article_id)
            if stored is None:
                return []
            filled = [name for name in FILLABLE
                      if getattr(stored, name) is None and getattr(article, name) is not None]
            for name in filled:
                db.execute(f"UPDATE articles SET {name} = ? WHERE id = ?", (getattr(article, name), article_id))
            if "published" in filled:
                db.execute("UPDATE articles SET time_utc = ? WHERE id = ?", (utc_key(article.published), article_id))
            return filled

    @contextmanager
    def _writer(self) -> Iterator[sqlite3.Connection]:
        """The writer, inside this thread's transaction: the caller's `write()`, else one of its own."""
        with self.write():
            yield self._db

    # --- stories: the clusterer's state ------------------------------------------

    def cluster_state(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self._all("SELECT key, value FROM cluster_state")}

    def save_cluster_state(self, values: dict[str, str]) -> None:
        with self._writer() as db:
            db.executemany("INSERT OR REPLACE INTO cluster_state VALUES (?, ?)", list(values.items()))

    def active_story_rows(self, horizon: str | None, limit: int) -> list[sqlite3.Row]:
        """Stories still in the active window (undated ones too), most recently updated first."""
        return self._all(
            "SELECT * FROM stories WHERE last_time IS NULL OR last_time >= ? ORDER BY touched DESC, id LIMIT ?",
            (horizon or "", limit),
        )

    def story_versions_near(self, terms: Sequence[str], start: str | None, end: str | None) -> list[tuple[str, int]]:
        """(id, touched) of the dated stories sharing an index term whose time span meets [start, end] (None:
        open), in id order; without their state, which a caller that decoded a story before need not read
        again (a story's `touched` changes whenever it does): `story_rows` reads the others."""
        if not terms:
            return []
        marks = ", ".join("?" * len(terms))
        return [tuple(row) for row in self._all(
            f"""SELECT id, touched FROM stories WHERE last_time >= ? AND first_time <= ?
                AND id IN (SELECT story_id FROM story_terms WHERE term IN ({marks})) ORDER BY id""",
            [start or "", end or "\uffff", *terms],
        )]

    def story_rows(self, story_ids: Sequence[str]) -> list[sqlite3.Row]:
        """The stories' rows, in id order (the ids that are not stories left out)."""
        if not story_ids:
            return []
        return self._all(f"SELECT * FROM stories WHERE id IN ({', '.join('?' * len(story_ids))}) ORDER BY id",
                         list(story_ids))

    def save_story(self, story_id: str, *, title: str | None, title_score: float, first_time: str | None,
                   last_time: str | None, size: int, touched: int, state: str, index_terms: Sequence[str],
                   thread_id: str | None = None) -> None:
        # The row updated in place, and only the index terms that changed written: a story is saved after
        # every batch it grew in, and its heaviest terms mostly stay.
        terms = list(index_terms)
        with self._writer() as db:
            db.execute(
                "INSERT INTO stories (id, title, title_score, first_time, last_time, size, touched, state, thread_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title, "
                "title_score = excluded.title_score, first_time = excluded.first_time, last_time = excluded.last_time, "
                "size = excluded.size, touched = excluded.touched, state = excluded.state, "
                "thread_id = excluded.thread_id",
                (story_id, title, title_score, first_time, last_time, size, touched, state, thread_id or story_id),
            )
            db.execute(f"DELETE FROM story_terms WHERE story_id = ? AND term NOT IN ({', '.join('?' * len(terms))})",
                       (story_id, *terms))
            db.executemany("INSERT OR IGNORE INTO story_terms VALUES (?, ?)", [(t, story_id) for t in terms])

    def set_story(self, article_id: str, story_id: str, cluster_seq: int) -> None:
        with self._writer() as db:
            db.execute("UPDATE articles SET story_id = ?, cluster_seq = ? WHERE id = ?",
                       (story_id, cluster_seq, article_id))

    def story_of(self, article_id: str) -> str | None:
        row = self._one("SELECT story_id FROM articles WHERE id = ?", (article_id,))
        return row[0] if row else None

    def last_cluster_seq(self) -> int:
        return self._one("SELECT coalesce(max(cluster_seq), 0) FROM articles")[0]

    def unassigned_articles(self) -> list[Article]:
        """Articles without a story (stored before clustering existed), in arrival order."""
        return [_article(row) for row in self._all(f"{_ARTICLE_SELECT} WHERE story_id IS NULL ORDER BY seq")]

    def cluster_order(self) -> list[int]:
        """Arrival numbers of all articles in the order they were assigned to stories (then arrival order)."""
        return [row[0] for row in self._all("SELECT seq FROM articles ORDER BY cluster_seq IS NULL, cluster_seq, seq")]

    def articles_by_seq(self, seqs: Sequence[int]) -> list[Article]:
        rows = self._all(f"{_ARTICLE_SELECT} WHERE seq IN ({', '.join('?' * len(seqs))})", list(seqs))
        by_seq = {row["seq"]: _article(row) for row in rows}
        return [by_seq[seq] for seq in seqs if seq in by_seq]

    def clear_stories(self) -> None:
        """Forget every story and assignment, their history and redirects (before `recluster` rebuilds them;
        editors' corrections stay, to be replayed).

        The generation counter survives and moves on, so other processes' assigners notice.
        """
        with self._writer() as db:
            generation = self.cluster_state().get("generation", "0")
            db.execute("UPDATE articles SET story_id = NULL, cluster_seq = NULL")
            for table in ("story_terms", "stories", "threads", "cluster_state", "story_history", "story_redirects"):
                db.execute(f"DELETE FROM {table}")
            self.save_cluster_state({"generation": str(int(generation) + 1)})

    # --- stories: reads ------------------------------------------------------------

    def stories(self, *, min_outlets: int = 0, since: str | None = None, search: str | None = None,
                limit: int | None = None, offset: int = 0, **filters) -> list[Story]:
        """Stories, latest news first; `since` keeps stories with a dated article at or after it,
        `search` those with an article matching the full-text query; `offset` and `limit` give one page.
        `story_pages` tells the other filters and the orders."""
        return [story for chunk in self.story_pages(min_outlets=min_outlets, since=since, search=search,
                                                    limit=limit, offset=offset, **filters) for story in chunk]

    def story_pages(self, *, min_outlets: int = 0, since: str | None = None, search: str | None = None,
                    limit: int | None = None, offset: int = 0, page: int | None = None,
                    language: str | None = None, outlet: str | None = None,
                    order: str = "latest") -> Iterator[list[Story]]:
        """The stories of `stories()` a page at a time: one ordered query read in pages, plus one query
        per page for the pages' outlets and languages. `language` and `outlet` keep the stories with an
        article in that language or from that outlet. `order` is "latest" (newest article first) or
        "active" (`ACTIVE_RANK`: outlets and articles, fading with the age of the newest article)."""
        where, params = self._story_filters(min_outlets, since, search, language, outlet)
        if order not in ORDERS:
            raise ValueError(f"unknown story order {order!r} (one of {', '.join(ORDERS)})")
        if order == "active" and limit is not None and not (search or language or outlet or self._outdated):
            top = self._most_active(min_outlets, since and (utc_key(since) or since), offset + limit)
            if top is not None:
                yield from self._story_pages([f"l.story_id IN ({', '.join('?' * len(top))})"], top, limit, offset,
                                             page or PAGE, ORDERS[order])
                return
        yield from self._story_pages(where, params, limit, offset, page or PAGE, ORDERS[order])

    def _most_active(self, min_outlets: int, since: str | None, count: int) -> list[str] | None:
        """Ids of the `count` most active stories with `min_outlets` and a dated article at or after `since`
        (a UTC key), found among the recent stories only, or None when that cannot be known so (then every
        story is ranked).

        A story whose newest article is `hours` older than the store's newest ranks at most
        weight / (1 + hours / ACTIVE_HALF_LIFE_HOURS), its weight (2 x outlets + articles) at most the largest
        any story has (from an index); so when the `count`th best story of a recent window ranks above that
        bound for the window's edge, no older story can enter the top `count` (and none ties it, as a tie
        goes to the newer story). The window widens until it holds (twice at most), else None."""
        if count <= 0 or count > MOST_ACTIVE_LIMIT:
            return None
        seconds = MOST_ACTIVE_HOURS * 3600  # whole seconds, as the times are kept: the window's edge is exact
        for _ in range(3):
            rows = self._all(
                f"""WITH edge AS (SELECT strftime('%Y-%m-%dT%H:%M:%S', max(time_utc), ?) AS time FROM articles)
                    SELECT l.story_id, {ACTIVE_RANK} AS rank, (SELECT time FROM edge) AS edge,
                           (SELECT max(2 * outlet_count + article_count) FROM story_listing) AS heaviest
                    FROM story_listing l
                    WHERE l.outlet_count >= ? AND l.last_published >= max(?, (SELECT time FROM edge))
                    ORDER BY {ORDERS["active"]} LIMIT ?""", [f"-{seconds} seconds", min_outlets, since or "", count])
            if rows and since and since >= rows[0]["edge"]:
                return [row["story_id"] for row in rows]  # the window held every story since `since`
            if len(rows) < count:  # too few stories that recent: a wider window
                seconds *= 16
                continue
            heaviest, last = rows[0]["heaviest"], rows[-1]["rank"]
            if last > heaviest / (1.0 + seconds / 3600 / ACTIVE_HALF_LIFE_HOURS) * (1 + 1e-9):
                return [row["story_id"] for row in rows]
            # the window beyond which not even the heaviest story could rank above the one found countth
            seconds = math.ceil((ACTIVE_HALF_LIFE_HOURS * (heaviest / last - 1) * 1.01 + 1) * 3600)
        return None

    def count_story_matches(self, *, min_outlets: int = 0, since: str | None = None, search: str | None = None,
                            language: str | None = None, outlet: str | None = None) -> int:
        """How many stories `stories()` gives with these filters (for page counts)."""
        where, params = self._story_filters(min_outlets, since, search, language, outlet)
        return self._one(f"SELECT count(*) FROM {self._listing()} l WHERE {' AND '.join(where)}", params)[0]

    def _has_threads(self) -> bool:
        """Whether the stories carry their thread (not so read-only on a store from before migration 11)."""
        if not self._outdated:
            return True
        return any(row[1] == "thread_id" for row in self._all("PRAGMA table_info(stories)"))

    def _listing(self) -> str:
        """The stories' listing rows: the table triggers keep, or (read-only on a store from before it, which
        no write may upgrade) the same figures grouped from the articles, slowly."""
        return f"({LISTING_SELECT} WHERE story_id IS NOT NULL GROUP BY story_id)" if self._outdated else "story_listing"

    def _story_filters(self, min_outlets, since, search, language, outlet) -> tuple[list, list]:
        """Conditions on the stories' listing rows (`story_listing l`, kept up by triggers on articles: see
        store/schema.py); search, language and outlet look for one article of the story that has them."""
        where, params = ["l.outlet_count >= ?"], [min_outlets]
        if since:
            where.append("l.last_published >= ?")
            params.append(utc_key(since) or since)
        if search:
            where.append("l.story_id IN (SELECT story_id FROM articles WHERE seq IN "
                         "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))")
            params.append(fts_query(search))
        for column, value in (("language", language), ("outlet", outlet)):
            if value:
                where.append(f"l.story_id IN (SELECT story_id FROM articles WHERE {column} = ? COLLATE NOCASE)")
                params.append(value)
        return where, params

    def story_leads(self, story_ids: Sequence[str], characters: int = 400) -> dict[str, str]:
        """The opening of each story's earliest article (by publication time, then arrival), in one query.
        (`+duplicate_of`: from the story index; SQLite otherwise walks every original through the duplicate_of
        index, 26 ms of a front page at 100,000 articles instead of 4.)"""
        if not story_ids:
            return {}
        marks = ", ".join("?" * len(story_ids))
        rows = self._all(
            f"""SELECT story_id, substr(text, 1, ?) AS lead FROM (
                    SELECT story_id, text, row_number() OVER (PARTITION BY story_id
                        ORDER BY time_utc IS NULL, time_utc, seq) AS n
                    FROM articles WHERE story_id IN ({marks}) AND +duplicate_of IS NULL) WHERE n = 1""",
            [characters, *story_ids])
        return {row["story_id"]: row["lead"] for row in rows}

    # --- search, growth and arrivals (the web app's search page, breaking stories, live updates) -------

    def search_articles(self, query: str, *, limit: int = 20, offset: int = 0,
                        window: int = SEARCH_WINDOW) -> list[SearchHit]:
        """Articles matching the full-text `query` (the user's words, `fts_query`), best first (BM25, the
        title weighing more than the text), with their story, the title marked and a snippet of the text.

        Only the `window` newest matches are ranked (ranking every match of a common word costs 0.3 s in
        100,000 articles, the newest 2,000 of them 0.01 s), and the marks are made for the page's articles
        only (made in the ranking query, they were made for every match: 48 ms of 50 in 2,000 articles)."""
        match = fts_query(query)
        oldest = self._one("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC "
                           "LIMIT 1 OFFSET ?", (match, max(0, window - 1)))
        ranked = [row[0] for row in self._all(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ? "
            "ORDER BY bm25(articles_fts, 4.0, 1.0), rowid DESC" + _page_clause(limit, offset),
            (match, oldest[0] if oldest else 0))]
        if not ranked:
            return []
        nonce = secrets.token_hex(8)  # markers no article text can contain by chance or on purpose
        start, end = f"\ue000{nonce}\ue001", f"\ue002{nonce}\ue003"
        rows = self._all(
            f"""SELECT a.seq, a.id, a.outlet, a.published, a.language, a.story_id, s.title AS story_title,
                       highlight(articles_fts, 0, ?, ?) AS marked_title,
                       snippet(articles_fts, 1, ?, ?, '…', {SNIPPET_TOKENS}) AS marked_text
                FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid
                LEFT JOIN stories s ON s.id = a.story_id
                WHERE articles_fts MATCH ? AND articles_fts.rowid IN ({', '.join('?' * len(ranked))})""",
            [start, end, start, end, match, *ranked])
        by_seq = {row["seq"]: row for row in rows}
        return [SearchHit(article_id=row["id"], outlet=row["outlet"], published=row["published"],
                          language=row["language"], story_id=row["story_id"], story_title=row["story_title"],
                          title=marked_pieces(row["marked_title"] or "", start, end),
                          snippet=marked_pieces(row["marked_text"] or "", start, end))
                for row in (by_seq[seq] for seq in ranked if seq in by_seq)]

    def count_article_matches(self, query: str) -> int:
        """How many articles `search_articles` finds for `query` (for page counts)."""
        return self._one("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (fts_query(query),))[0]

    def story_growth(self, hours: float, *, story_ids: Sequence[str] | None = None,
                     limit: int | None = None) -> list[StoryGrowth]:
        """Stories by how many articles they gained in the `hours` before the newest article in the store
        (the store's clock, not the wall clock, so an archive reads as it did when it was live; articles
        dated in the future are no clock), most first; only those of `story_ids` when given."""
        now = utc_key(_now())
        newest = self._one("SELECT max(time_utc) FROM articles WHERE time_utc <= ?", (now,))[0]
        if newest is None:
            return []
        cutoff = utc_key((datetime.fromisoformat(newest) - timedelta(hours=hours)).isoformat())
        where, params = ["a.time_utc > ?", "a.time_utc <= ?", "a.story_id IS NOT NULL"], [cutoff, newest]
        if story_ids is not None:
            if not story_ids:
                return []
            where.append(f"a.story_id IN ({', '.join('?' * len(story_ids))})")
            params.extend(story_ids)
        rows = self._all(
            f"""SELECT a.story_id, count(*) AS recent, count(DISTINCT lower(a.outlet)) AS recent_outlets,
                       (SELECT count(*) FROM articles b WHERE b.story_id = a.story_id) AS total
                FROM articles a WHERE {' AND '.join(where)} GROUP BY a.story_id
                ORDER BY recent DESC, recent_outlets DESC, a.story_id""" + _page_clause(limit, 0), params)
        return [StoryGrowth(row["story_id"], row["recent"], row["recent_outlets"], row["total"], hours, newest)
                for row in rows]

    def latest_arrival(self) -> tuple[int, int]:
        """The arrival number of the newest article and of the latest story assignment: both move when
        articles arrive or stories are rebuilt (what a page watching for news compares)."""
        # one max() per SELECT: SQLite answers each from its index; two in one SELECT scan the table (15 ms at 100k)
        row = self._one("SELECT coalesce((SELECT max(seq) FROM articles), 0), "
                        "coalesce((SELECT max(cluster_seq) FROM articles), 0)")
        return row[0], row[1]

    def arrivals_after(self, seq: int, story_id: str | None = None) -> int:
        """How many articles arrived after arrival number `seq` (in story `story_id` when given)."""
        if story_id is None:
            return self._one("SELECT count(*) FROM articles WHERE seq > ?", (seq,))[0]
        return self._one("SELECT count(*) FROM articles WHERE seq > ? AND story_id = ?", (seq, story_id))[0]

    def iter_stories(self, **filters) -> Iterator[Story]:
        """`story_pages()` one story at a time."""
        for chunk in self.story_pages(**filters):
            yield from chunk

    def count_stories(self) -> int:
        return self._one(f"SELECT count(*) FROM {self._listing()}")[0]

    def get_story(self, story_id: str) -> Story | None:
        found = [s for chunk in self._story_pages(["l.story_id = ?"], [story_id], None, 0, 1) for s in chunk]
        if not found:
            return None
        story = found[0]
        rows = self._all(
            """SELECT id, title, outlet, url, published, language, duplicate_of FROM articles
               WHERE story_id = ? ORDER BY time_utc IS NULL, time_utc, cluster_seq, seq""", (story_id,))
        story.articles = [StoryMember(**dict(row)) for row in rows]
        return story

    def _story_pages(self, where: list[str], params: list, limit: int | None, offset: int,
                     page: int, order: str = "") -> Iterator[list[Story]]:
        thread = "coalesce(s.thread_id, l.story_id)" if self._has_threads() else "l.story_id"
        sql = f"""SELECT l.story_id AS id, s.title AS title, l.first_published, l.last_published,
                         l.article_count, l.outlet_count, {thread} AS thread_id
                  FROM {self._listing()} l LEFT JOIN stories s ON s.id = l.story_id
                  WHERE {' AND '.join(where) or '1'}
                  ORDER BY {order or ORDERS["latest"]}"""
        with self._translated():
            rows = self._execute(sql + _page_clause(limit, offset), params)
            while chunk := rows.fetchmany(page):
                stories = [Story(**dict(row)) for row in chunk]
                self._add_outlets_and_languages(stories)
                yield stories

    def _add_outlets_and_languages(self, stories: list[Story]) -> None:
        """Outlets and languages of a page of stories, in one query."""
        marks = ", ".join("?" * len(stories))
        found = {row[0]: (json.loads(row[1]), json.loads(row[2])) for row in self._all(
            f"""SELECT story_id, json_group_array(DISTINCT outlet), json_group_array(DISTINCT language)
                FROM articles WHERE story_id IN ({marks}) GROUP BY story_id""", [s.id for s in stories])}
        for story in stories:
            outlets, languages = found.get(story.id, ([], []))
            story.outlets = sorted({o for o in outlets if o}, key=str.casefold)
            story.languages = sorted({lang for lang in languages if lang})

    # --- outlets: figures over the articles, and the attributes users attach -----------

    def outlet_figures(self, outlet: str | None = None) -> list[OutletFigures]:
        """Every outlet's figures (`OutletFigures`), or only this outlet's (case aside), by name, in one query.

        From the covering index (story_id, outlet, time_utc): an outlet's first time in each story, each
        story's first time and outlet count, then per outlet the counts and the median delay (the middle one
        or two delays by rank; SQLite has no median)."""
        # Only the stories the outlet is in matter for one outlet's figures (their first reports included).
        named = "AND outlet = :outlet COLLATE NOCASE" if outlet else ""
        scope = f"AND story_id IN (SELECT story_id FROM articles WHERE 1 {named})" if outlet else ""
        sql = f"""
            WITH per AS MATERIALIZED (
                SELECT story_id, outlet COLLATE NOCASE AS okey, min(time_utc) AS first_time FROM articles
                WHERE {_NAMED_OUTLET} AND story_id IS NOT NULL {scope} GROUP BY story_id, okey),
            story AS MATERIALIZED (
                SELECT story_id, min(first_time) AS story_first, count(*) AS outlets FROM per GROUP BY story_id),
            placed AS MATERIALIZED (
                SELECT per.okey, story.outlets, per.first_time = story.story_first AS first,
                       CASE WHEN story.outlets >= 2 THEN round((julianday(per.first_time)
                            - julianday(story.story_first)) * 86400) END AS delay
                FROM per JOIN story USING (story_id)),
            ranked AS MATERIALIZED (
                SELECT okey, delay, row_number() OVER (ORDER BY okey, delay) AS n FROM placed WHERE delay IS NOT NULL),
            bounds AS (SELECT okey, min(n) AS low, count(*) AS total FROM ranked GROUP BY okey),
            median AS (SELECT okey, avg(delay) AS delay FROM (
                SELECT b.okey, r.delay FROM bounds b JOIN ranked r ON r.n = b.low + (b.total - 1) / 2 UNION ALL
                SELECT b.okey, r.delay FROM bounds b JOIN ranked r ON r.n = b.low + b.total / 2) GROUP BY okey),
            counted AS (SELECT okey, count(*) AS stories, sum(outlets >= 2) AS shared_stories,
                               coalesce(sum(outlets >= 2 AND first), 0) AS first_reports FROM placed GROUP BY okey),
            names AS (SELECT outlet COLLATE NOCASE AS okey, min(outlet) AS outlet, count(*) AS articles FROM articles
                      WHERE {_NAMED_OUTLET} {named} GROUP BY okey)
            SELECT f.outlet, f.articles, coalesce(c.stories, 0) AS stories,
                   coalesce(c.shared_stories, 0) AS shared_stories, coalesce(c.first_reports, 0) AS first_reports,
                   m.delay AS median_delay_seconds
            FROM names f LEFT JOIN counted c USING (okey) LEFT JOIN median m USING (okey)
            ORDER BY f.okey"""
        return [OutletFigures(**dict(row)) for row in self._all(sql, {"outlet": outlet})]

    def change_mark(self) -> tuple:
        """Changes whenever an article is added or a story assignment moves: for caches of figures."""
        # one max() per sub-SELECT, each answered from its index (no count(*): it walks the whole table)
        row = self._one("SELECT (SELECT max(seq) FROM articles), (SELECT max(cluster_seq) FROM articles), "
                        "(SELECT value FROM cluster_state WHERE key = 'generation')")
        return tuple(row)

    def count_outlets(self) -> int:
        return self._one(f"SELECT count(DISTINCT lower(outlet)) FROM articles WHERE {_NAMED_OUTLET}")[0]

    def set_outlet_attributes(self, values: Sequence[tuple[str, str, str | None]]) -> None:
        """Set each (outlet, attribute, value), all in one transaction; an empty value removes the attribute."""
        with self._writer() as db:
            db.executemany("DELETE FROM outlet_attributes WHERE outlet = ? AND attribute = ?",
                           [(outlet, attribute) for outlet, attribute, value in values])
            db.executemany("INSERT INTO outlet_attributes VALUES (?, ?, ?)",
                           [(outlet, attribute, value) for outlet, attribute, value in values if value])

    def outlet_attributes(self, outlets: Sequence[str] | None = None) -> dict[str, dict[str, str]]:
        """{outlet_key(outlet): {attribute: value}} for these outlets (case aside), or for every outlet."""
        found: dict[str, dict[str, str]] = {}
        chunks = [list(outlets[i:i + 500]) for i in range(0, len(outlets), 500)] if outlets is not None else [None]
        for chunk in chunks:
            where = f"WHERE outlet IN ({', '.join('?' * len(chunk))})" if chunk is not None else ""
            for row in self._all(f"SELECT outlet, attribute, value FROM outlet_attributes {where} "
                                 "ORDER BY attribute", chunk or ()):
                found.setdefault(outlet_key(row[0]), {})[row[1]] = row[2]
        return found

    def attribute_groups(self) -> dict[str, dict[str, list[str]]]:
        """{attribute: {value: [outlet, ...]}} over the outlets that have an article in the store."""
        found: dict[str, dict[str, list[str]]] = {}
        for row in self._all(
                """SELECT attribute, value, outlet FROM outlet_attributes o
                   WHERE EXISTS (SELECT 1 FROM articles WHERE outlet = o.outlet COLLATE NOCASE)
                   ORDER BY attribute, value, outlet"""):
            found.setdefault(row[0], {}).setdefault(row[1], []).append(row[2])
        return found

    def attribute_names(self) -> list[str]:
        return [row[0] for row in self._all("SELECT DISTINCT attribute FROM outlet_attributes ORDER BY attribute")]

    # --- each story's per-outlet contributions (from its dossier), summed over the store ---------

    def contribution_keys(self, story_ids: Sequence[str]) -> dict[str, str]:
        """{story id: what its stored contributions were built from} for these stories (those with rows)."""
        found: dict[str, str] = {}
        for start in range(0, len(story_ids), 500):
            chunk = list(story_ids[start:start + 500])
            found.update((row[0], row[1]) for row in self._all(
                f"SELECT DISTINCT story_id, built_from FROM story_contributions "
                f"WHERE story_id IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    def save_contributions(self, story_id: str, built_from: str, analysis_version: int, dossier_version: int,
                           counts: dict[str, tuple[int, int]], article_ids: Sequence[str]) -> bool:
        """Replace a story's rows: {outlet key: (exclusive facts, changed quotes)}, in one transaction, when
        its articles are still `article_ids` (an article may have joined since its dossier was built: then
        nothing is written, False)."""
        with self._writer() as db:
            now = {row[0] for row in db.execute("SELECT id FROM articles WHERE story_id = ?", (story_id,))}
            if now != set(article_ids):
                return False
            db.execute("DELETE FROM story_contributions WHERE story_id = ?", (story_id,))
            db.executemany("INSERT INTO story_contributions VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(story_id, outlet, built_from, analysis_version, dossier_version, facts, quotes)
                            for outlet, (facts, quotes) in counts.items()])
        return True

    def contribution_totals(self, analysis_version: int, dossier_version: int,
                            outlet: str | None = None) -> tuple[dict[str, tuple[int, int, int]], int]:
        """({outlet key: (stories, exclusive facts, changed quotes)} summed over the stored rows of these
        versions, the number of stories counted), for every outlet or only this one (case aside)."""
        named = "AND outlet = lower(:outlet)" if outlet else ""
        rows = self._all(
            f"""SELECT outlet, count(*), sum(exclusive_facts), sum(changed_quotes),
                       (SELECT count(DISTINCT story_id) FROM story_contributions
                        WHERE analysis_version = :a AND dossier_version = :d {named})
                FROM story_contributions WHERE analysis_version = :a AND dossier_version = :d {named}
                GROUP BY outlet""", {"a": analysis_version, "d": dossier_version, "outlet": outlet})
        return {row[0]: (row[1], row[2], row[3]) for row in rows}, (rows[0][4] if rows else 0)

    def count_multi_outlet_stories(self, outlet: str | None = None) -> int:
        """Stories that 2+ outlets cover (of this outlet's stories, case aside)."""
        scope = "AND story_id IN (SELECT story_id FROM articles WHERE outlet = ? COLLATE NOCASE)" if outlet else ""
        return self._one(f"SELECT count(*) FROM story_listing WHERE outlet_count >= 2 {scope}",
                         [outlet] if outlet else [])[0]

    def uncounted_stories(self, analysis_version: int, dossier_version: int, limit: int,
                          story_ids: Sequence[str] | None = None, skip: Sequence[str] = ()) -> list[str]:
        """Up to `limit` stories (latest first; of `story_ids` when given) that 2+ outlets cover, whose
        compared articles (not near-copies) are all analysed by this version, and that have no contributions
        of these versions stored: the stories whose contributions can be stored without running a model;
        `skip` ids are left out (stories whose dossier failed)."""
        scope = f"AND l.story_id IN ({', '.join('?' * len(story_ids))})" if story_ids is not None else ""
        scope += f" AND l.story_id NOT IN ({', '.join('?' * len(skip))})" if skip else ""
        rows = self._all(
            f"""SELECT l.story_id FROM story_listing l WHERE l.outlet_count >= 2 {scope}
                AND NOT EXISTS (SELECT 1 FROM story_contributions c WHERE c.story_id = l.story_id
                                AND +c.analysis_version = ? AND +c.dossier_version = ?)  -- by story: its key
                AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.story_id = l.story_id AND a.duplicate_of IS NULL
                                AND NOT EXISTS (SELECT 1 FROM analyses n WHERE n.article_id = a.id AND n.version = ?))
                ORDER BY l.last_published IS NULL, l.last_published DESC, l.story_id LIMIT ?""",
            [*(story_ids or []), *skip, analysis_version, dossier_version, analysis_version, limit])
        return [row[0] for row in rows]

    # --- analyses (the understand stage's findings per article) -----------------

    def analyses(self, article_ids: Sequence[str], version: int) -> dict[str, Analysis]:
        """Stored analyses of these articles written by this analysis version (others are stale)."""
        found: dict[str, Analysis] = {}
        for start in range(0, len(article_ids), 500):
            chunk = list(article_ids[start:start + 500])
            marks = ", ".join("?" * len(chunk))
            for row in self._all(
                    f"SELECT article_id, data, vectors FROM analyses WHERE version = ? AND article_id IN ({marks})",
                    [version, *chunk]):
                found[row["article_id"]] = Analysis.from_dict(json.loads(row["data"]), row["vectors"])
        return found

    def unanalysed(self, version: int, limit: int, skip: Sequence[str] = ()) -> list[Article]:
        """Up to `limit` articles a dossier compares (not near-copies) without an analysis of this version,
        newest first (what readers open first); `skip` ids are left out (analyses that failed)."""
        marks = ", ".join("?" * len(skip))
        rows = self._all(
            f"""{_ARTICLE_SELECT} WHERE duplicate_of IS NULL
                AND id NOT IN (SELECT article_id FROM analyses WHERE version = ?)
                {f'AND id NOT IN ({marks})' if skip else ''} ORDER BY seq DESC LIMIT ?""",
            [version, *skip, limit])
        return [_article(row) for row in rows]

    # --- a bulk load (`newsprism import`) ----------------------------------------------

    @contextmanager
    def importing(self) -> Iterator[None]:
        """One transaction for a bulk load, whose rows may name others that come later in it (a near-copy before
        its original, an analysis before its article): such references are checked at the commit; one that
        names nothing rolls the whole load back (StoreError)."""
        try:
            with self.write():
                self._db.execute("PRAGMA defer_foreign_keys = ON")
                yield
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"{self.path}: nothing imported: a row breaks the store's rules ({exc}; a near-copy "
                             "or an analysis must name an article of the import or the store)") from None

    def record_arrivals(self, after_seq: int, at: str) -> None:
        """The history of the stories the articles stored after arrival `after_seq` joined, as streamed: each
        created its story or joined it, in assignment order (migration 10's rule for stories without history)."""
        with self._writer() as db:
            db.execute("""INSERT INTO story_history (story_id, at, kind, articles, reason)
                          SELECT story_id, ?, CASE WHEN id = story_id THEN 'created' ELSE 'joined' END,
                                 json_array(id), 'stream'
                          FROM articles WHERE seq > ? AND story_id IS NOT NULL ORDER BY cluster_seq, seq""",
                       (at, after_seq))

    def save_analysis(self, analysis: Analysis) -> None:
        self.save_analysis_row(analysis.article_id, analysis.version, analysis_json(analysis), analysis.vectors)

    def save_analysis_row(self, article_id: str, version: int, data: str, vectors: bytes | None) -> None:
        """An analysis in its stored form (`analysis_json`, the vectors' bytes): as `newsprism import` keeps
        the analyses a Spark job made."""
        with self._writer() as db:
            db.execute("INSERT OR REPLACE INTO analyses (article_id, version, data, vectors) VALUES (?, ?, ?, ?)",
                       (article_id, version, data, vectors))




@dataclass(frozen=True)
class StoryGrowth:
    """Articles a story gained in the `hours` up to `newest` (the store's newest article time, UTC)."""

    story_id: str
    recent: int
    recent_outlets: int
    total: int
    hours: float
    newest: str


def analysis_json(analysis: Analysis) -> str:
    """The JSON an analysis is stored as (its vectors apart, as a blob)."""
    return json.dumps(analysis.to_dict(), ensure_ascii=False, separators=(",", ":"))


def marked_pieces(marked: str, start: str, end: str) -> list[dict[str, object]]:
    """Text with matches between `start` and `end` markers as pieces [{"text", "match"}]: plain text
    that a template escapes, never markup."""
    pieces, at = [], 0
    while (opened := marked.find(start, at)) >= 0:
        closed = marked.find(end, opened)
        if closed < 0:
            break
        pieces += [{"text": marked[at:opened], "match": False},
                   {"text": marked[opened + len(start):closed], "match": True}]
        at = closed + len(end)
    pieces.append({"text": marked[at:], "match": False})
    return [p for p in pieces if p["text"]]


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: each word quoted, so punctuation is never syntax (a NUL, which would
    end FTS5's string early, separates words)."""
    words = [w.replace('"', '""') for w in text.replace("\x00", " ").split()]
    return " ".join(f'"{w}"' for w in words) or '""'


# Front-page ranking: outlets weigh most (independent reporting), articles add, and the score fades with the
# hours between the story's newest article and the newest article in the store (halved after
# ACTIVE_HALF_LIFE_HOURS, a third after twice that); the store's newest article, not the clock, so an
# archive ranks as it did when it was live.
ACTIVE_HALF_LIFE_HOURS = 12
ACTIVE_RANK = (f"(2.0 * outlet_count + article_count) / (1.0 + max(0.0, (julianday((SELECT max(time_utc) FROM "
               f"articles)) - julianday(last_published)) * 24.0 / {ACTIVE_HALF_LIFE_HOURS}))")
# Over the listing rows (`story_listing l`); "latest" is the order of the index story_listing_latest.
# `Store._most_active`: front pages (up to this many stories deep) rank the stories of the last hours first, then
# wider windows while an older story might still rank among them.
MOST_ACTIVE_LIMIT = 1000
MOST_ACTIVE_HOURS = 48
ORDERS = {
    "latest": "l.last_published IS NULL, l.last_published DESC, l.latest DESC, l.story_id",
    "active": f"l.last_published IS NULL, {ACTIVE_RANK} DESC, l.last_published DESC, l.story_id",
}


_NAMED_OUTLET = "outlet IS NOT NULL AND outlet != ''"
def outlet_key(name: str) -> str:
    """An outlet's identity: its name with ASCII letters lower-cased, as SQLite's lower() and NOCASE see it
    (the store matches outlet names that way)."""
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def utc_key(value: str | None) -> str | None:
    """A sortable UTC timestamp (naive, to the second) for an ISO 8601 value; a naive value counts as UTC."""
    moment = as_utc(value)
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") if moment else None


def _classify(path: Path, probe: sqlite3.Connection) -> _Found:
    """Ours (marked, or from before the mark), empty, or refused with the reason."""
    application_id = probe.execute("PRAGMA application_id").fetchone()[0]
    user_version = probe.execute("PRAGMA user_version").fetchone()[0]
    tables = [row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    if application_id == APPLICATION_ID:
        found = _Found("newsprism", user_version, marked=True)
    elif application_id == 0 and {"migrations", "articles"} <= set(tables):  # a store from before the mark
        found = _Found("newsprism", probe.execute("SELECT coalesce(max(version), 0) FROM migrations").fetchone()[0])
    elif application_id == 0 and not tables:
        return _Found("empty")
    else:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        what = f"tables: {shown}" if tables else f"application id {application_id:#x}"
        raise StoreError(f"{path}: not a newsprism store (an SQLite database with {what}); left untouched")
    if found.version > SCHEMA_VERSION:
        raise StoreError(f"{path}: written by a newer newsprism (schema {found.version}, this one knows "
                         f"{SCHEMA_VERSION}); upgrade newsprism")
    return found


def _quick_check(path: Path, probe: sqlite3.Connection) -> None:
    """PRAGMA quick_check before a store is written: writing into a damaged file would spread the damage."""
    problems = [row[0] for row in probe.execute("PRAGMA quick_check(3)")]
    if problems != ["ok"]:
        raise StoreError(f"{path}: the store is damaged ({'; '.join(problems)[:200]}); restore a backup "
                         "or re-ingest the sources into a new store")


def _is_busy(exc: sqlite3.DatabaseError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _trouble(exc: sqlite3.DatabaseError) -> bool:
    """A failure of the file or of another process, not of the statement: a damaged or busy store."""
    message = str(exc)
    return _is_busy(exc) or "malformed" in message or "not a database" in message or "disk image" in message


def _page_clause(limit: int | None, offset: int) -> str:
    if not limit and not offset:
        return ""
    return f" LIMIT {int(limit) if limit else -1} OFFSET {int(offset)}"


def _article(row: sqlite3.Row) -> Article:
    return Article(**{name: row[name] for name in _ARTICLE_COLUMNS})


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    statements, current = [], []
    for line in sql.strip().splitlines():
        current.append(line)
        joined = "\n".join(current)
        if sqlite3.complete_statement(joined):
            statements.append(joined.strip())
            current = []
    return [s for s in statements if s.strip(" ;\n")]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
