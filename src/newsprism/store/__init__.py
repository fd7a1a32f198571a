"""The store: one SQLite file behind one small interface. The only code that speaks SQL.

WAL journal, versioned schema with recorded migrations, FTS5 over title and
text. Every write happens inside `Store.write()`, one transaction at a time, so
a process killed mid-write leaves the last committed state intact.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..model import Article
from .schema import MIGRATIONS

_ARTICLE_COLUMNS = (
    "id", "url", "outlet", "title", "byline", "dateline", "credit", "published", "captured",
    "language", "text", "source_path", "content_hash", "story_id", "duplicate_of", "ingested_at",
)
# Metadata that a later reading of an already known article may fill in when missing.
FILLABLE = ("url", "outlet", "title", "byline", "published", "language")


class StoreError(RuntimeError):
    """The database cannot be opened or is not a newsprism store."""


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            if self.path.parent and not self.path.parent.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable newsprism database ({exc})") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open ({exc.strerror or exc})") from None

    # --- lifecycle ------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _migrate(self) -> None:
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in self._db.execute("SELECT version FROM migrations")}
        for version, name, sql in MIGRATIONS:
            if version in done:
                continue
            with self.write():
                for statement in _statements(sql):
                    self._db.execute(statement)
                self._db.execute("INSERT INTO migrations VALUES (?, ?, ?)", (version, name, _now()))

    def migrations(self) -> list[tuple[int, str, str]]:
        return [tuple(r) for r in self._db.execute("SELECT version, name, applied_at FROM migrations ORDER BY version")]

    @contextmanager
    def write(self) -> Iterator[None]:
        """One transaction: everything inside commits together or not at all."""
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")

    # --- articles: reads ---------------------------------------------------------

    def get_article(self, article_id: str) -> Article | None:
        row = self._db.execute(f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    def articles(
        self,
        *,
        search: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        limit: int | None = None,
    ) -> list[Article]:
        """Articles in arrival order, filtered; `search` is an FTS5 query over title and text."""
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
        sql = f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY seq"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [_article(row) for row in self._db.execute(sql, params)]

    def count_articles(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def same_content(self, content_hash: str) -> list[Article]:
        rows = self._db.execute(
            f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE content_hash = ? ORDER BY seq", (content_hash,)
        )
        return [_article(row) for row in rows]

    def near_copy_candidates(self, keys: Sequence[tuple[int, int]]) -> list[tuple[str, np.ndarray]]:
        """Stored articles sharing at least one LSH band with `keys`, with their signatures."""
        if not keys:
            return []
        clauses = " OR ".join("(band = ? AND key = ?)" for _ in keys)
        params = [value for pair in keys for value in pair]
        rows = self._db.execute(
            f"""SELECT s.article_id, s.minhash FROM near_copy_signatures s
                WHERE s.article_id IN (SELECT article_id FROM near_copy_bands WHERE {clauses})""",
            params,
        )
        return [(row[0], np.frombuffer(row[1], dtype=np.uint64)) for row in rows]

    def root_of(self, article_id: str) -> str:
        """The original an article is a copy of (itself when it is no copy)."""
        row = self._db.execute("SELECT duplicate_of FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row and row[0] else article_id

    # --- articles: writes ------------------------------------------------------

    def add_article(self, article: Article, signature: np.ndarray | None = None,
                    band_keys: Sequence[tuple[int, int]] = ()) -> None:
        """Insert one article with its near-copy signature; call inside `write()`."""
        article.ingested_at = article.ingested_at or _now()
        values = [getattr(article, name) for name in _ARTICLE_COLUMNS]
        self._db.execute(
            f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}, time_utc) VALUES ({', '.join('?' * len(values))}, ?)",
            values + [utc_key(article.published) or utc_key(article.captured)],
        )
        if signature is not None:
            self._db.execute("INSERT INTO near_copy_signatures VALUES (?, ?)", (article.id, signature.tobytes()))
            self._db.executemany(
                "INSERT INTO near_copy_bands VALUES (?, ?, ?)", [(band, key, article.id) for band, key in band_keys]
            )

    def fill_missing(self, article_id: str, article: Article) -> list[str]:
        """Fill metadata the stored article lacks from a new reading of it; never overwrite."""
        stored = self.get_article(article_id)
        if stored is None:
            return []
        filled = [name for name in FILLABLE if getattr(stored, name) is None and getattr(article, name) is not None]
        for name in filled:
            self._db.execute(f"UPDATE articles SET {name} = ? WHERE id = ?", (getattr(article, name), article_id))
        if "published" in filled:
            self._db.execute("UPDATE articles SET time_utc = ? WHERE id = ?", (utc_key(article.published), article_id))
        return filled


def open_store(path: str | Path) -> Store:
    return Store(path)


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: each word quoted, so punctuation is never syntax."""
    words = [w.replace('"', '""') for w in text.split()]
    return " ".join(f'"{w}"' for w in words) or '""'


def utc_key(value: str | None) -> str | None:
    """A sortable UTC timestamp for an ISO 8601 value; a naive value counts as UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


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
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
