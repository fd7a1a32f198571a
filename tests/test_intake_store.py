"""The store's intake tables (migration 9): feeds, their items, the fetch log."""

from __future__ import annotations

import sqlite3

import pytest

import newsprism.store
from newsprism.model import Feed, FeedItem, RobotsRecord
from newsprism.store import SCHEMA_VERSION, Store
from newsprism.store.schema import MIGRATIONS

FEED = "https://news.radioestmark.example/feeds/estmark.rss"
OTHER = "https://www.meridianreview.example/topics/infrastructure/feed.atom"


def item(url: str, feed_url: str = FEED, **given) -> FeedItem:
    return FeedItem(url=url, feed_url=feed_url, **given)


def test_add_feeds_once_each(store):
    assert store.add_feeds([FEED, OTHER, FEED], outlet="Radio Estmark") == [(FEED, True), (OTHER, True),
                                                                             (FEED, False)]
    assert store.add_feeds([FEED], outlet="Another name") == [(FEED, False)]
    feeds = store.feeds()
    assert [f.url for f in feeds] == sorted([FEED, OTHER])
    found = store.feed(FEED)
    assert (found.outlet, found.interval_seconds, found.failures, found.items_seen) == ("Radio Estmark", 900.0, 0, 0)
    assert found.next_poll == found.added_at and found.health == "new"
    assert store.feed("https://nowhere.example/rss") is None


def test_due_feeds_oldest_first(store):
    store.add_feeds([FEED, OTHER], interval=600)
    store.update_feed(FEED, next_poll="2026-01-01T12:00:00+02:00")   # 10:00 UTC
    store.update_feed(OTHER, next_poll="2026-01-01T09:30:00Z")
    assert store.feed(FEED).next_poll == "2026-01-01T10:00:00+00:00"  # kept in UTC, so strings compare as times
    assert [f.url for f in store.due_feeds("2026-01-01T09:59:59+00:00")] == [OTHER]
    assert [f.url for f in store.due_feeds("2026-01-01T10:00:00Z")] == [OTHER, FEED]
    assert [f.url for f in store.due_feeds("2026-01-01T12:00:00+02:00", limit=1)] == [OTHER]
    assert store.due_feeds("2026-01-01T09:00:00") == []


def test_update_feed_columns(store):
    store.add_feeds([FEED])
    store.update_feed(FEED, kind="feed", etag='W/"abc"', last_modified="Thu, 16 Oct 2025 08:05:00 GMT",
                      last_polled="2026-01-01T10:00:00Z", last_success="2026-01-01T10:00:00Z", failures=0,
                      items_seen=12, last_new_item="2026-01-01T09:55:00Z", interval_seconds=1200.0)
    found = store.feed(FEED)
    assert (found.kind, found.etag, found.last_modified, found.items_seen, found.interval_seconds) == (
        "feed", 'W/"abc"', "Thu, 16 Oct 2025 08:05:00 GMT", 12, 1200.0)
    assert found.last_new_item == "2026-01-01T09:55:00+00:00" and found.health == "ok"
    store.update_feed(FEED, failures=2, last_error="HTTP 500")
    assert store.feed(FEED).health == "failing"
    store.update_feed(FEED, failures=5)
    assert store.feed(FEED).health == "unhealthy" and store.feed(FEED).health_after(6) == "failing"
    with pytest.raises(ValueError, match="url"):
        store.update_feed(FEED, url="https://elsewhere.example/")
    with pytest.raises(ValueError, match="not an ISO 8601 time"):
        store.update_feed(FEED, next_poll="soon")


def test_queue_items_once_per_url(store):
    store.add_feeds([FEED, OTHER])
    first = [item("https://a.example/1", title="One"), item("https://a.example/2"), item("https://a.example/1")]
    assert store.queue_items(first) == 2
    # seen again, by the same feed or another, in any state: not queued again, nothing overwritten
    again = [item("https://a.example/2", OTHER, title="Other title"), item("https://a.example/3")]
    assert store.queue_items(again) == 1
    assert store.feed_item("https://a.example/2").feed_url == FEED
    assert store.feed_item("https://a.example/1").title == "One"
    store.finish_item("https://a.example/1", "stored", article_id="a1")
    assert store.queue_items([item("https://a.example/1")]) == 0
    assert store.item_counts() == {"pending": 2, "stored": 1, "duplicate": 0, "failed": 0}
    assert store.queue_items([]) == 0


def test_pending_items_in_order_and_when_due(store):
    store.queue_items([item("https://a.example/late", seen_at="2026-01-01T10:05:00Z"),
                       item("https://a.example/first", seen_at="2026-01-01T10:00:00Z"),
                       item("https://a.example/second", seen_at="2026-01-01T10:00:00Z"),
                       item("https://a.example/retry", seen_at="2026-01-01T09:00:00Z")])
    store.finish_item("https://a.example/retry", "pending", error="timed out after 20 s", tries=1,
                      next_try="2026-01-01T10:30:00+00:00")
    now = "2026-01-01T10:10:00Z"
    # seen first, first; a feed's items in its own order; an item waiting for its retry is left out until then
    assert [i.url for i in store.pending_items(now)] == ["https://a.example/first", "https://a.example/second",
                                                         "https://a.example/late"]
    assert [i.url for i in store.pending_items(now, limit=1)] == ["https://a.example/first"]
    later = store.pending_items("2026-01-01T12:30:00+02:00")  # 10:30 UTC
    assert [i.url for i in later][0] == "https://a.example/retry"
    retry = later[0]
    assert (retry.tries, retry.last_error, retry.next_try) == (1, "timed out after 20 s", "2026-01-01T10:30:00+00:00")


def test_finish_item(store):
    store.queue_items([item("https://a.example/1", title="One", summary="<p>x</p>", summary_type="text/html")])
    store.finish_item("https://a.example/1", "pending", error="HTTP 503", tries=1, next_try="2026-01-01T10:00:00Z")
    store.finish_item("https://a.example/1", "stored", article_id="0123456789abcdef", tries=2)
    done = store.feed_item("https://a.example/1")
    assert (done.state, done.article_id, done.tries, done.last_error, done.next_try) == (
        "stored", "0123456789abcdef", 2, None, None)
    assert (done.title, done.summary, done.summary_type) == ("One", "<p>x</p>", "text/html")
    store.queue_items([item("https://a.example/2")])
    store.finish_item("https://a.example/2", "failed", error="the page extracts to nothing", tries=3)
    failed = store.feed_item("https://a.example/2")
    assert (failed.state, failed.article_id, failed.tries, failed.last_error) == (
        "failed", None, 3, "the page extracts to nothing")
    assert store.pending_items("2100-01-01") == []
    with pytest.raises(ValueError, match="state"):
        store.finish_item("https://a.example/2", "gone")


def test_remove_feeds_drops_pending_items_and_keeps_the_rest(store):
    store.add_feeds([FEED, OTHER])
    store.queue_items([item("https://a.example/1"), item("https://a.example/2"), item("https://b.example/1", OTHER)])
    store.finish_item("https://a.example/1", "stored", article_id="a1")
    assert store.remove_feeds([FEED, "https://never.example/rss"]) == 1
    assert [f.url for f in store.feeds()] == [OTHER]
    assert store.feed_item("https://a.example/2") is None            # pending: dropped
    assert store.feed_item("https://a.example/1").state == "stored"   # the record of a stored article stays
    assert store.feed_item("https://b.example/1") is not None
    assert store.queue_items([item("https://a.example/1")]) == 0       # so following again stores nothing twice


def test_a_failed_write_leaves_nothing(store):
    store.add_feeds([FEED])
    with pytest.raises(RuntimeError), store.write():
        store.queue_items([item("https://a.example/1")])
        store.update_feed(FEED, items_seen=1)
        raise RuntimeError("killed")
    assert store.item_counts()["pending"] == 0 and store.feed(FEED).items_seen == 0


def test_fetch_log_keeps_the_newest(store):
    store.fetch_log_rows = 3
    for n in range(5):
        store.log_fetch(f"2026-01-01T10:0{n}:00Z", f"https://a.example/{n}", 200 if n % 2 else None,
                        "ok" if n % 2 else "timed out after 20 s", feed_url=FEED, bytes=100 * n, seconds=0.5)
    log = store.fetch_log()
    assert [row["url"] for row in log] == ["https://a.example/4", "https://a.example/3", "https://a.example/2"]
    assert log[1] == {"id": 4, "at": "2026-01-01T10:03:00+00:00", "feed_url": FEED, "url": "https://a.example/3",
                      "status": 200, "outcome": "ok", "bytes": 300, "seconds": 0.5}
    assert store.fetch_log(limit=1)[0]["outcome"] == "timed out after 20 s"


def test_robots_records_are_kept_and_replaced(store):
    first = RobotsRecord(1_700_000_000.0, 200, b"User-agent: *\nDisallow: /private/\n")
    store.save_robots({"http://127.0.0.1:8000": first, "https://a.example": RobotsRecord(1.0, None, b"", "DNS")})
    assert store.robots_records()["http://127.0.0.1:8000"] == first
    newer = RobotsRecord(1_700_000_100.0, 404)
    store.save_robots({"http://127.0.0.1:8000": newer})
    assert store.robots_records() == {"http://127.0.0.1:8000": newer,
                                      "https://a.example": RobotsRecord(1.0, None, b"", "DNS")}


def test_an_older_store_gets_the_intake_tables(tmp_path):
    db = tmp_path / "old.db"
    with Store(db) as store:
        store.add_feeds([FEED])
    with sqlite3.connect(db) as raw:  # what schema 8 had
        for table in ("feeds", "feed_items", "fetch_log", "robots"):
            raw.execute(f"DROP TABLE {table}")
        raw.execute("DELETE FROM migrations WHERE version = 9")
        raw.execute("PRAGMA user_version = 8")
    with Store(db, readonly=True) as store:  # read-only: untouched, and says what to do
        with pytest.raises(newsprism.store.StoreError, match="older newsprism"):
            store.feeds()
    with Store(db) as store:
        assert [v for v, _, _ in store.migrations()][-1] == SCHEMA_VERSION == max(v for v, _, _ in MIGRATIONS)
        assert store.feeds() == [] and store.item_counts()["pending"] == 0
        assert store.add_feeds([FEED]) == [(FEED, True)]
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        indexes = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"feed_items_state", "feeds_next_poll"} <= indexes


def test_feed_to_dict_has_its_health():
    feed = Feed(url=FEED, added_at="2026-01-01T10:00:00+00:00", interval_seconds=900.0,
                next_poll="2026-01-01T10:00:00+00:00", last_polled="2026-01-01T10:00:00+00:00", failures=1)
    assert feed.to_dict()["health"] == "failing" and feed.to_dict()["url"] == FEED
