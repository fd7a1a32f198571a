"""The stories' listing rows (table story_listing, kept up by triggers on articles) stay exactly what grouping
the articles by story gives, through every write path, and the listings read from them are the listings that
grouping all articles gave (the store's queries before the table existed)."""

from __future__ import annotations

import random
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import newsprism
from newsprism.cluster import recluster
from newsprism.model import Article
from newsprism.store import ACTIVE_RANK, Store
from newsprism.store.schema import MIGRATIONS

from .conftest import EXAMPLES, SEEDS, needs_shared

# What the listing rows must hold, written out here rather than taken from the store (an independent rule).
GROUPED = """SELECT story_id, count(*), count(DISTINCT lower(outlet)), min(time_utc), max(time_utc), max(cluster_seq)
             FROM articles WHERE story_id IS NOT NULL GROUP BY story_id ORDER BY story_id"""

# The story listing as the store read it before story_listing: every article grouped by story on each call.
GROUPED_LISTING = """
    SELECT a.story_id AS id, count(*) AS article_count, count(DISTINCT lower(a.outlet)) AS outlet_count,
           min(a.time_utc) AS first_published, max(a.time_utc) AS last_published, max(a.cluster_seq) AS latest
    FROM articles a WHERE a.story_id IS NOT NULL {where} GROUP BY a.story_id
    HAVING outlet_count >= ? {having}
    ORDER BY {order}"""
GROUPED_ORDERS = {
    "latest": "last_published IS NULL, last_published DESC, latest DESC, a.story_id",
    "active": f"last_published IS NULL, {ACTIVE_RANK} DESC, last_published DESC, a.story_id",
}


def kept_rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT * FROM story_listing ORDER BY story_id").fetchall()


def assert_exact(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        grouped = connection.execute(GROUPED).fetchall()
    assert kept_rows(db) == grouped
    return grouped


def grouped_listing(db: Path, order: str, min_outlets: int = 0, since: str | None = None,
                    outlet: str | None = None) -> list[tuple]:
    where = "AND a.story_id IN (SELECT story_id FROM articles WHERE outlet = ? COLLATE NOCASE)" if outlet else ""
    having = "AND last_published >= ?" if since else ""
    params = [*([outlet] if outlet else []), min_outlets, *([since] if since else [])]
    with sqlite3.connect(db) as connection:
        rows = connection.execute(GROUPED_LISTING.format(where=where, having=having, order=GROUPED_ORDERS[order]),
                                  params).fetchall()
    return [row[:5] for row in rows]


def listed(stories) -> list[tuple]:
    return [(s.id, s.article_count, s.outlet_count, s.first_published, s.last_published) for s in stories]


@pytest.fixture(scope="module")
def examples_and_seeds(tmp_path_factory) -> Path:
    """The example corpus and the seeds ingested into one store (not to be changed: copy it)."""
    db = tmp_path_factory.mktemp("listing") / "listing.db"
    with Store(db) as store:
        newsprism.ingest(store, [EXAMPLES, needs_shared(SEEDS)])
    return db


def test_ingest_keeps_the_listing_rows_exact_near_copies_included(examples_and_seeds, tmp_path):
    grouped = assert_exact(examples_and_seeds)
    assert len(grouped) >= 4 and max(row[2] for row in grouped) >= 3  # several stories, one with 3+ outlets
    with sqlite3.connect(examples_and_seeds) as connection:
        copies = connection.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]
    assert copies >= 1  # near-copies joined their original's story, counted as the grouping counts them
    db = tmp_path / "again.db"
    shutil.copy(examples_and_seeds, db)
    with Store(db) as store:  # the same sources again: duplicates, metadata filled in, nothing new
        newsprism.ingest(store, [EXAMPLES, SEEDS])
    assert assert_exact(db) == grouped


def test_listings_read_from_the_rows_are_the_listings_grouped_from_articles(examples_and_seeds):
    with Store(examples_and_seeds, readonly=True) as store:
        outlet = store.stories()[0].outlets[0].upper()  # outlet filters ignore case
        since = store.stories()[1].last_published
        for order in ("latest", "active"):
            for filters in ({}, {"min_outlets": 2}, {"since": since}, {"outlet": outlet},
                            {"min_outlets": 2, "since": since}):
                expected = grouped_listing(examples_and_seeds, order, **filters)
                assert expected, filters
                assert listed(store.stories(order=order, **filters)) == expected
                assert store.count_story_matches(**filters) == len(expected)
                for offset in range(len(expected)):  # each page of one, as a front page asks
                    page = store.stories(order=order, limit=1, offset=offset, **filters)
                    assert listed(page) == expected[offset:offset + 1], (order, filters, offset)


def test_every_write_path_keeps_the_row_exact(tmp_path):
    db = tmp_path / "paths.db"
    with Store(db) as store:
        with store.write():
            store.add_article(Article(id="a1", text="First report.", content_hash="h1"))  # no outlet, no time
            store.add_article(Article(id="a2", text="Second report.", content_hash="h2", outlet="Daily Post",
                                      published="2024-01-02T00:00:00Z"))
            store.add_article(Article(id="a3", text="Third report.", content_hash="h3", outlet="",
                                      published="2024-01-03T12:00:00+02:00", story_id="s2"))  # stored with a story
            store.set_story("a1", "s1", 1)
            store.set_story("a2", "s1", 2)
        assert assert_exact(db) == [("s1", 2, 1, "2024-01-02T00:00:00", "2024-01-02T00:00:00", 2),
                                    ("s2", 1, 1, "2024-01-03T10:00:00", "2024-01-03T10:00:00", None)]
        # a later reading fills in the outlet (another case of one already there) and the time
        store.fill_missing("a1", Article(id="a1", text="First report.", outlet="DAILY POST",
                                         published="2024-01-01T10:00:00+02:00"))
        assert assert_exact(db)[0] == ("s1", 2, 1, "2024-01-01T08:00:00", "2024-01-02T00:00:00", 2)
        store.set_story("a2", "s2", 3)  # an article moving to another story changes both
        assert assert_exact(db) == [("s1", 1, 1, "2024-01-01T08:00:00", "2024-01-01T08:00:00", 1),
                                    ("s2", 2, 2, "2024-01-02T00:00:00", "2024-01-03T10:00:00", 3)]
        with store.write():
            store.add_article(Article(id="a4", text="Fourth report.", content_hash="h4", outlet="Evening Ledger"))
            store.set_story("a4", "s1", 4)
        assert assert_exact(db)[0] == ("s1", 2, 2, "2024-01-01T08:00:00", "2024-01-01T08:00:00", 4)
    with sqlite3.connect(db) as connection:  # no store method deletes articles; the table still follows
        connection.execute("DELETE FROM articles WHERE id IN ('a1', 'a4')")
    assert [row[0] for row in assert_exact(db)] == ["s2"]
    with Store(db) as store:
        store.clear_stories()
        assert kept_rows(db) == [] and store.stories() == [] and store.count_stories() == 0


def test_recluster_rebuilds_the_rows_exactly(examples_and_seeds, tmp_path):
    db = tmp_path / "recluster.db"
    shutil.copy(examples_and_seeds, db)
    before = assert_exact(db)
    with Store(db) as store:
        recluster(store)
    # the same stories (assignment numbers may differ: recluster numbers them afresh)
    assert [row[:5] for row in assert_exact(db)] == [row[:5] for row in before]


def test_two_writers_keep_the_rows_exact(tmp_path):
    """Two stores (as two processes have) on one file, ingesting the example corpus's folders by turns."""
    db = tmp_path / "two.db"
    folders = sorted(p for p in EXAMPLES.iterdir() if p.is_dir())
    first, second = Store(db), Store(db)
    try:
        for number, folder in enumerate(folders):
            newsprism.ingest((first, second)[number % 2], [folder])
            assert_exact(db)
        newsprism.ingest(second, [needs_shared(SEEDS)])
    finally:
        first.close()
        second.close()
    assert len(assert_exact(db)) >= 4


def test_a_store_from_before_the_rows_is_listed_read_only_and_filled_by_its_migration(examples_and_seeds, tmp_path):
    db = tmp_path / "v6.db"
    shutil.copy(examples_and_seeds, db)
    expected = grouped_listing(db, "active")
    with sqlite3.connect(db) as connection:  # what schema 6 had: no listing rows, no triggers
        for name in ("story_listing_insert", "story_listing_join", "story_listing_change", "story_listing_move",
                     "story_listing_delete"):
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute("DROP TABLE story_listing")
        for name in ("story_contributions_insert", "story_contributions_change", "story_contributions_delete"):
            connection.execute(f"DROP TRIGGER {name}")  # and what migration 8 added after it
        connection.execute("DROP TABLE story_contributions")
        for name in ("feeds", "feed_items", "fetch_log", "robots"):  # and what migration 9 added
            connection.execute(f"DROP TABLE {name}")
        for name in ("story_history", "story_redirects", "corrections"):  # and migration 10
            connection.execute(f"DROP TABLE {name}")
        connection.execute("DROP TABLE threads")  # and what migration 11 added
        connection.execute("DROP INDEX stories_thread")
        connection.execute("ALTER TABLE stories DROP COLUMN thread_id")
        connection.execute("DROP INDEX stories_span")  # and what migration 13 added
        connection.execute("DELETE FROM migrations WHERE version >= 7")
        connection.execute("PRAGMA user_version = 6")
    with Store(db, readonly=True) as store:  # grouped from the articles, as before
        assert listed(store.stories(order="active")) == expected
        assert listed(store.stories(order="active", limit=2, offset=1)) == expected[1:3]
        assert store.count_stories() == store.count_story_matches() == len(expected)
    with Store(db) as store:
        assert [m[0] for m in store.migrations() if m[0] >= 7] == [v for v, _, _ in MIGRATIONS if v >= 7]
        assert listed(store.stories(order="active")) == expected
    assert len(assert_exact(db)) == len(expected)


def test_active_pages_from_recent_stories_equal_ranking_every_story(tmp_path):
    """Many stories over a year, a heavy one weeks old among the top ones: each page of the active order is
    found from a recent window that widens (Store._most_active), and equals the order over every story."""
    db = tmp_path / "many.db"
    chance, newest = random.Random(7), datetime(2024, 12, 31, 12)
    sizes = [(f"s{n:04d}", chance.choice([1, 1, 1, 2, 3, 5, 8]), chance.uniform(0, 365 * 24)) for n in range(600)]
    sizes += [("heavy-old", 120, 21 * 24), ("heavy-new", 60, 30)]
    articles, number = [], 0
    for story_id, size, age in sizes:
        for _ in range(size):
            number += 1
            moment = newest - timedelta(hours=age + chance.uniform(0, 24))
            articles.append(Article(id=f"a{number}", text=f"Report {number}.", content_hash=f"h{number}",
                                    outlet=f"Outlet {chance.randrange(40)}", story_id=story_id,
                                    published=moment.isoformat(timespec="seconds") + "Z"))
    with Store(db) as store:
        with store.write():
            for item in articles:
                store.add_article(item)
        assert len(assert_exact(db)) == len(sizes)
        for filters in ({}, {"min_outlets": 3}, {"since": "2024-12-01"}, {"since": "2024-12-31T00:00:00"}):
            every = listed(store.stories(order="active", **filters))  # no limit: every story ranked
            assert every == grouped_listing(db, "active", **filters)
            for offset in (0, 5, 25, 100, len(every) - 3):
                page = store.stories(order="active", limit=25, offset=max(0, offset), **filters)
                assert listed(page) == every[max(0, offset):max(0, offset) + 25], (filters, offset)
        # the first page came from a window wider than the first one (the heavy story is three weeks old)
        assert "heavy-old" in [s.id for s in store.stories(order="active", limit=10)]
        assert store._most_active(0, None, 10) is not None
