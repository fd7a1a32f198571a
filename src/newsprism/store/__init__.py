"""The store: one SQLite file behind one small interface. The only code that speaks SQL.

WAL journal, versioned schema with recorded migrations, FTS5 over title and
text. Every write happens inside `Store.write()`, one transaction at a time, so
a process killed mid-write leaves the last committed state intact.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..model import Analysis, Article, Story, StoryMember
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
                if callable(sql):  # a migration that computes (new article ids, say), in the same transaction
                    sql(self._db)
                else:
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

    # --- stories: the clusterer's state ------------------------------------------

    def cluster_state(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM cluster_state").fetchall())

    def save_cluster_state(self, values: dict[str, str]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO cluster_state VALUES (?, ?)", list(values.items()))

    def active_story_rows(self, horizon: str | None, limit: int) -> list[sqlite3.Row]:
        """Stories still in the active window (undated ones too), most recently updated first."""
        return self._db.execute(
            "SELECT * FROM stories WHERE last_time IS NULL OR last_time >= ? ORDER BY touched DESC, id LIMIT ?",
            (horizon or "", limit),
        ).fetchall()

    def story_rows_near(self, terms: Sequence[str], start: str | None, end: str | None) -> list[sqlite3.Row]:
        """Dated stories sharing an index term whose time span meets [start, end] (None: open)."""
        if not terms:
            return []
        marks = ", ".join("?" * len(terms))
        return self._db.execute(
            f"""SELECT * FROM stories WHERE last_time >= ? AND first_time <= ?
                AND id IN (SELECT story_id FROM story_terms WHERE term IN ({marks})) ORDER BY id""",
            [start or "", end or "\uffff", *terms],
        ).fetchall()

    def save_story(self, story_id: str, *, title: str | None, title_score: float, first_time: str | None,
                   last_time: str | None, size: int, touched: int, state: str, index_terms: Sequence[str]) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (story_id, title, title_score, first_time, last_time, size, touched, state),
        )
        self._db.execute("DELETE FROM story_terms WHERE story_id = ?", (story_id,))
        self._db.executemany("INSERT INTO story_terms VALUES (?, ?)", [(t, story_id) for t in index_terms])

    def story_row(self, story_id: str) -> sqlite3.Row | None:
        return self._db.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()

    def set_story(self, article_id: str, story_id: str, cluster_seq: int) -> None:
        self._db.execute("UPDATE articles SET story_id = ?, cluster_seq = ? WHERE id = ?",
                         (story_id, cluster_seq, article_id))

    def story_of(self, article_id: str) -> str | None:
        row = self._db.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def last_cluster_seq(self) -> int:
        return self._db.execute("SELECT coalesce(max(cluster_seq), 0) FROM articles").fetchone()[0]

    def unassigned_articles(self) -> list[Article]:
        """Articles without a story (stored before clustering existed), in arrival order."""
        rows = self._db.execute(
            f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE story_id IS NULL ORDER BY seq")
        return [_article(row) for row in rows]

    def cluster_order(self) -> list[int]:
        """Arrival numbers of all articles in the order they were assigned to stories (then arrival order)."""
        return [row[0] for row in self._db.execute(
            "SELECT seq FROM articles ORDER BY cluster_seq IS NULL, cluster_seq, seq")]

    def articles_by_seq(self, seqs: Sequence[int]) -> list[Article]:
        rows = self._db.execute(
            f"SELECT seq, {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE seq IN ({', '.join('?' * len(seqs))})",
            list(seqs)).fetchall()
        by_seq = {row["seq"]: _article(row) for row in rows}
        return [by_seq[seq] for seq in seqs if seq in by_seq]

    def clear_stories(self) -> None:
        """Forget every story and assignment (before `recluster` rebuilds them); call inside `write()`."""
        self._db.execute("UPDATE articles SET story_id = NULL, cluster_seq = NULL")
        for table in ("story_terms", "stories", "cluster_state"):
            self._db.execute(f"DELETE FROM {table}")

    # --- stories: reads ------------------------------------------------------------

    def stories(self, *, min_outlets: int = 0, since: str | None = None, search: str | None = None,
                limit: int | None = None) -> list[Story]:
        """Stories, latest news first; `since` keeps stories with a dated article at or after it,
        `search` those with an article matching the full-text query."""
        where, having, params = [], ["outlet_count >= ?"], []
        if search:
            where.append("a.story_id IN (SELECT story_id FROM articles WHERE seq IN "
                         "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))")
            params.append(fts_query(search))
        params.append(min_outlets)
        if since:
            having.append("last_published >= ?")
            params.append(utc_key(since) or since)
        return self._stories(where, having, params, limit)

    def get_story(self, story_id: str) -> Story | None:
        found = self._stories(["a.story_id = ?"], [], [story_id], None)
        if not found:
            return None
        story = found[0]
        rows = self._db.execute(
            """SELECT id, title, outlet, url, published, language, duplicate_of FROM articles
               WHERE story_id = ? ORDER BY time_utc IS NULL, time_utc, cluster_seq, seq""", (story_id,))
        story.articles = [StoryMember(**dict(row)) for row in rows]
        return story

    def _stories(self, where: list[str], having: list[str], params: list, limit: int | None) -> list[Story]:
        sql = f"""SELECT a.story_id AS id, s.title AS title, min(a.time_utc) AS first_published,
                         max(a.time_utc) AS last_published, count(*) AS article_count,
                         count(DISTINCT lower(a.outlet)) AS outlet_count, max(a.cluster_seq) AS latest
                  FROM articles a LEFT JOIN stories s ON s.id = a.story_id
                  WHERE {' AND '.join(['a.story_id IS NOT NULL', *where])} GROUP BY a.story_id
                  {'HAVING ' + ' AND '.join(having) if having else ''}
                  ORDER BY last_published IS NULL, last_published DESC, latest DESC, a.story_id"""
        if limit:
            sql += f" LIMIT {int(limit)}"
        stories = [Story(**{k: row[k] for k in row.keys() if k != "latest"}) for row in self._db.execute(sql, params)]
        for story in stories:  # outlets and languages: a few rows per story, no separator games
            rows = self._db.execute(
                "SELECT DISTINCT outlet, language FROM articles WHERE story_id = ?", (story.id,)).fetchall()
            story.outlets = sorted({r[0] for r in rows if r[0]}, key=str.casefold)
            story.languages = sorted({r[1] for r in rows if r[1]})
        return stories


    # --- analyses (the understand stage's findings per article) -----------------

    def analyses(self, article_ids: Sequence[str], version: int) -> dict[str, Analysis]:
        """Stored analyses of these articles written by this analysis version (others are stale)."""
        found: dict[str, Analysis] = {}
        for start in range(0, len(article_ids), 500):
            chunk = list(article_ids[start:start + 500])
            marks = ", ".join("?" * len(chunk))
            for row in self._db.execute(
                    f"SELECT article_id, data, vectors FROM analyses WHERE version = ? AND article_id IN ({marks})",
                    [version, *chunk]):
                found[row["article_id"]] = Analysis.from_dict(json.loads(row["data"]), row["vectors"])
        return found

    def save_analysis(self, analysis: Analysis) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO analyses (article_id, version, data, vectors) VALUES (?, ?, ?, ?)",
            (analysis.article_id, analysis.version,
             json.dumps(analysis.to_dict(), ensure_ascii=False, separators=(",", ":")), analysis.vectors),
        )


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
