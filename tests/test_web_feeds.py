"""The feeds page: every feed with its health, trouble first, item counts, the JSON twin, hostile text escaped."""

from __future__ import annotations

from fastapi.testclient import TestClient

from newsprism.store import Store
from newsprism.web import create_app


def _client(db) -> TestClient:
    return TestClient(create_app(db, analyse=False))


def test_feeds_page_lists_health_trouble_first_and_counts_items(tmp_path):
    db = tmp_path / "feeds.db"
    with Store(db) as store:
        store.add_feeds(["https://a.example/rss.xml", "https://b.example/feed"], outlet="Alpha <b>Desk</b>")
        store.add_feeds(["javascript:alert(1)"])  # the store takes what it is given; the page must not link it
        store.update_feed("https://b.example/feed", last_polled="2026-11-29T10:00:00Z", failures=5,
                          last_error="HTTP 503 <script>alert(1)</script>")
        store.update_feed("https://a.example/rss.xml", last_polled="2026-11-29T10:00:00Z",
                          last_success="2026-11-29T10:00:00Z", items_seen=7)
    with _client(db) as client:
        data = client.get("/feeds.json").json()
        page = client.get("/feeds")
    assert [(f["url"], f["health"]) for f in data["feeds"]] == [
        ("https://b.example/feed", "unhealthy"), ("javascript:alert(1)", "new"), ("https://a.example/rss.xml", "ok")]
    assert data["health"] == {"unhealthy": 1, "new": 1, "ok": 1}
    assert data["items"] == {"pending": 0, "stored": 0, "duplicate": 0, "failed": 0}
    assert data["feeds"][1]["link"] is None and data["feeds"][2]["items_seen"] == 7
    html = page.text
    assert page.status_code == 200 and "3 feeds followed" in html
    assert "<script>alert(1)</script>" not in html and "HTTP 503 &lt;script&gt;" in html
    assert "Alpha &lt;b&gt;Desk&lt;/b&gt;" in html
    assert 'href="javascript:' not in html and '<a href="https://a.example/rss.xml"' in html


def test_feeds_page_without_feeds_says_how_to_add_them(tmp_path):
    db = tmp_path / "empty.db"
    Store(db).close()
    with _client(db) as client:
        page = client.get("/feeds")
    assert page.status_code == 200 and "newsprism feeds add URL..." in page.text
