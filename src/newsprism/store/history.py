"""The store's part for stories' history, merged stories' redirects and editors' corrections (migration 10).

A mixin of `Store`: every method runs its SQL through the store's own connections, and each write joins the
caller's `write()` transaction (else takes one of its own), so a correction's rows commit with its changes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..model import Article, Correction, StoryEvent

_EVENT_COLUMNS = "story_id, at, kind, articles, other_story_id, reason, who, note"
CHUNK = 500  # ids per IN (...) list


class HistoryStore:
    """Story history, redirects and corrections; mixed into `Store` (uses its `_writer`, `_all` and `_one`)."""

    # --- history ------------------------------------------------------------------

    def record_history(self, events: Sequence[StoryEvent]) -> None:
        with self._writer() as db:
            db.executemany(
                f"INSERT INTO story_history ({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(e.story_id, e.at, e.kind, json.dumps(e.articles), e.other_story_id, e.reason, e.who, e.note)
                 for e in events])

    def story_history(self, story_id: str) -> list[StoryEvent]:
        """Every change of this story and of the stories merged into it, in the order they happened
        (a split's new story sees the split that made it; a move's source story sees the article leave)."""
        ids = [story_id, *self.merged_into(story_id)]
        marks = ", ".join("?" * len(ids))
        rows = self._all(f"SELECT {_EVENT_COLUMNS} FROM story_history "
                         f"WHERE story_id IN ({marks}) OR other_story_id IN ({marks}) ORDER BY seq", ids + ids)
        return [StoryEvent(row["story_id"], row["at"], row["kind"], json.loads(row["articles"]),
                           row["other_story_id"], row["reason"], row["who"], row["note"]) for row in rows]

    # --- redirects ------------------------------------------------------------------

    def redirect_of(self, story_id: str) -> str | None:
        """The story a merged story's id now leads to (None when the id was never merged away)."""
        if self._outdated:  # read-only on a store from before redirects: none to follow
            return None
        row = self._one("SELECT story_id FROM story_redirects WHERE old_id = ?", (story_id,))
        return row[0] if row else None

    def merged_into(self, story_id: str) -> list[str]:
        """The ids of the stories merged into this one (directly or through others)."""
        return [row[0] for row in self._all("SELECT old_id FROM story_redirects WHERE story_id = ? ORDER BY old_id",
                                            (story_id,))]

    def add_redirect(self, old_id: str, story_id: str) -> None:
        """`old_id` leads to `story_id` from now on, and so do the ids that led to `old_id` (no chains)."""
        with self._writer() as db:
            db.execute("UPDATE story_redirects SET story_id = ? WHERE story_id = ?", (story_id, old_id))
            db.execute("INSERT OR REPLACE INTO story_redirects VALUES (?, ?)", (old_id, story_id))

    def drop_redirect(self, story_id: str) -> None:
        """A story of this id exists again (a split gave it back): the id leads nowhere else."""
        with self._writer() as db:
            db.execute("DELETE FROM story_redirects WHERE old_id = ?", (story_id,))

    # --- corrections ------------------------------------------------------------------

    def add_correction(self, correction: Correction) -> int:
        with self._writer() as db:
            cursor = db.execute(
                "INSERT INTO corrections (at, kind, articles, target, apart, after_article, who, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (correction.at, correction.kind, json.dumps(correction.articles), correction.target,
                 json.dumps(correction.apart), correction.after_article, correction.who, correction.note))
            return cursor.lastrowid

    def corrections(self) -> list[Correction]:
        """Every correction, in the order they were made."""
        return [Correction(kind=row["kind"], articles=json.loads(row["articles"]), target=row["target"],
                           apart=json.loads(row["apart"] or "[]"), at=row["at"], who=row["who"], note=row["note"],
                           after_article=row["after_article"], seq=row["seq"])
                for row in self._all("SELECT * FROM corrections ORDER BY seq")]

    # --- what corrections read and change ---------------------------------------------

    def story_row(self, story_id: str):
        return self._one("SELECT * FROM stories WHERE id = ?", (story_id,))

    def story_articles(self, story_id: str) -> list[Article]:
        """A story's articles in the order they were assigned (near-copies included)."""
        from . import _ARTICLE_SELECT, _article  # the store's own row reader

        return [_article(row) for row in self._all(
            f"{_ARTICLE_SELECT} WHERE story_id = ? ORDER BY cluster_seq IS NULL, cluster_seq, seq", (story_id,))]

    def first_assigned(self, story_id: str) -> tuple[str, int] | None:
        """The story's article assigned first and its place in the assignment order: the article a correction
        names the story by, and the story's age (the older of two stories is the one assigned to first)."""
        row = self._one("SELECT id, coalesce(cluster_seq, 0) FROM articles WHERE story_id = ? "
                        "ORDER BY cluster_seq IS NULL, cluster_seq, seq LIMIT 1", (story_id,))
        return (row[0], row[1]) if row else None

    def latest_assigned(self) -> str | None:
        """The article assigned last (where a correction made now sits in the stream)."""
        row = self._one("SELECT id FROM articles WHERE cluster_seq IS NOT NULL ORDER BY cluster_seq DESC LIMIT 1")
        return row[0] if row else None

    def seqs_of(self, article_ids: Sequence[str]) -> dict[str, int]:
        """{article id: arrival number} of those stored."""
        found: dict[str, int] = {}
        ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            found.update((row[0], row[1]) for row in self._all(
                f"SELECT id, seq FROM articles WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    def move_to_story(self, article_ids: Sequence[str], story_id: str) -> None:
        """These articles belong to `story_id` now (their assignment order stays: recluster replays it)."""
        with self._writer() as db:
            db.executemany("UPDATE articles SET story_id = ? WHERE id = ?", [(story_id, i) for i in article_ids])

    def merge_story_articles(self, old_id: str, story_id: str) -> list[str]:
        """Every article of story `old_id` belongs to `story_id` now; returns their ids, in assignment order."""
        moved = [row[0] for row in self._all("SELECT id FROM articles WHERE story_id = ? "
                                             "ORDER BY cluster_seq IS NULL, cluster_seq, seq", (old_id,))]
        with self._writer() as db:
            db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (story_id, old_id))
        return moved

    def copies_in(self, article_ids: Sequence[str], story_id: str) -> list[str]:
        """The near-copies of these articles that are in story `story_id` (they follow their original)."""
        found: list[str] = []
        ids = list(article_ids)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            found += [row[0] for row in self._all(
                f"SELECT id FROM articles WHERE story_id = ? AND duplicate_of IN ({', '.join('?' * len(chunk))}) "
                "ORDER BY cluster_seq IS NULL, cluster_seq, seq", [story_id, *chunk])]
        return found

    def delete_story(self, story_id: str) -> None:
        """Forget a story's clustering state (its articles are elsewhere now)."""
        with self._writer() as db:
            db.execute("DELETE FROM story_terms WHERE story_id = ?", (story_id,))
            db.execute("DELETE FROM stories WHERE id = ?", (story_id,))

    def is_story(self, story_id: str) -> bool:
        return self._one("SELECT 1 FROM stories WHERE id = ?", (story_id,)) is not None

    def bump_generation(self) -> None:
        """Tell every process's assigner that stories changed under it (it restores them before its next batch)."""
        with self._writer() as db:
            db.execute("INSERT INTO cluster_state VALUES ('generation', '1') ON CONFLICT (key) "
                       "DO UPDATE SET value = CAST(value AS INTEGER) + 1")
