"""`newsprism feeds add/import/list/remove`: exact values, and bad input as one line with no traceback."""

from __future__ import annotations

import json

from newsprism.store import Store

RADIO = "https://news.radioestmark.example/feeds/estmark.rss"
MERIDIAN = "https://www.meridianreview.example/topics/infrastructure/feed.atom"
TIMES = "https://www.estmarktimes.example/sitemap-news.xml"

OPML = f"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Exported from a feed reader</title></head>
  <body>
    <outline title="Estmark" text="Estmark">
      <outline type="rss" text="Radio Estmark News" xmlUrl="{RADIO}"/>
      <outline type="rss" text="Meridian" title="The Meridian Review" xmlUrl="{MERIDIAN}"/>
    </outline>
    <outline type="rss" text="Nowhere" xmlUrl="gopher://nowhere.example/feed"/>
  </body>
</opml>"""


def listed(run_cli, db):
    result = run_cli("feeds", "list", "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_add_list_remove(run_cli, tmp_path):
    db = tmp_path / "feeds.db"
    result = run_cli("feeds", "add", RADIO, "HTTPS://WWW.EstmarkTimes.example:443/sitemap-news.xml#top",
                     "--outlet", "Estmark media", "--db", db)
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr == f"newsprism: 2 feed(s) added, 0 followed already -> {db}\n"
    data = listed(run_cli, db)
    assert [f["url"] for f in data["feeds"]] == [RADIO, TIMES]
    first = data["feeds"][0]
    assert {k: first[k] for k in ("outlet", "health", "interval_seconds", "failures", "items_seen", "last_success",
                                  "last_error", "kind", "etag")} == {
        "outlet": "Estmark media", "health": "new", "interval_seconds": 900.0, "failures": 0, "items_seen": 0,
        "last_success": None, "last_error": None, "kind": None, "etag": None}
    assert first["next_poll"] == first["added_at"]
    assert data["items"] == {"pending": 0, "stored": 0, "duplicate": 0, "failed": 0}

    again = run_cli("feeds", "add", RADIO, "--db", db)  # followed already: kept as it was
    assert again.returncode == 0 and "0 feed(s) added, 1 followed already" in again.stderr
    assert listed(run_cli, db)["feeds"][0]["outlet"] == "Estmark media"

    table = run_cli("feeds", "list", "--db", db)
    assert table.returncode == 0 and "2 feed(s)" in table.stdout and "new" in table.stdout
    assert "0 pending, 0 stored, 0 duplicate, 0 failed" in table.stderr

    removed = run_cli("feeds", "remove", "https://WWW.ESTMARKTIMES.EXAMPLE/sitemap-news.xml",
                      "https://unknown.example/rss", "--db", db)
    assert removed.returncode == 0
    assert removed.stderr == (f"not followed: https://unknown.example/rss\n"
                              f"newsprism: 1 feed(s) removed -> {db}\n")
    assert [f["url"] for f in listed(run_cli, db)["feeds"]] == [RADIO]
    nothing = run_cli("feeds", "remove", "https://unknown.example/rss", "--db", db)
    assert nothing.returncode == 1 and "0 feed(s) removed" in nothing.stderr


def test_bad_urls_are_one_line_each(run_cli, tmp_path):
    db = tmp_path / "feeds.db"
    result = run_cli("feeds", "add", "ftp://files.example/feed", "not a url", RADIO, "--db", db)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "rejected: ftp://files.example/feed: not an http(s) URL with a host",
        "rejected: not a url: not an http(s) URL with a host",
        f"newsprism: 1 feed(s) added, 0 followed already -> {db}",
    ]
    only_bad = run_cli("feeds", "add", "javascript:alert(1)", "--db", db)
    assert only_bad.returncode == 1 and only_bad.stderr.splitlines()[0] == (
        "rejected: javascript:alert(1): not an http(s) URL with a host")
    hostile = run_cli("feeds", "add", "https://x.example/[red]\x1b[31mred", "--db", db)
    assert hostile.returncode == 1 and "\x1b" not in hostile.stderr and "[red]" in hostile.stderr


def test_import_opml(run_cli, tmp_path):
    db = tmp_path / "feeds.db"
    (tmp_path / "feeds.opml").write_text(OPML, encoding="utf-8")
    result = run_cli("feeds", "import", "feeds.opml", "--db", db)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "feeds.opml: outline 4 (Nowhere): not an http(s) URL: 'gopher://nowhere.example/feed'",
        f"newsprism: 2 feed(s) added, 0 followed already -> {db}",
    ]
    feeds = listed(run_cli, db)["feeds"]
    assert [(f["url"], f["outlet"]) for f in feeds] == [(RADIO, "Radio Estmark News"),
                                                       (MERIDIAN, "The Meridian Review")]
    again = run_cli("feeds", "import", "feeds.opml", "--db", db)
    assert again.returncode == 0 and "0 feed(s) added, 2 followed already" in again.stderr


def test_bad_opml_is_one_line_and_creates_nothing(run_cli, tmp_path):
    db = tmp_path / "feeds.db"
    (tmp_path / "bad.opml").write_bytes(b"<opml><body><outline xmlUrl='https://x.example/rss'")
    (tmp_path / "binary.opml").write_bytes(bytes(range(256)) * 8)
    for name, line in (("bad.opml", "bad.opml: malformed OPML: "),
                       ("binary.opml", "binary.opml: binary data, not OPML"),
                       ("missing.opml", "missing.opml: cannot read: No such file or directory")):
        result = run_cli("feeds", "import", name, "--db", db)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        first, summary = result.stderr.splitlines()
        assert first.startswith(line) and summary == f"newsprism: 0 feed(s) added, 0 followed already -> {db}"
    assert not db.exists()


def test_list_needs_a_store(run_cli, tmp_path):
    result = run_cli("feeds", "list", "--db", tmp_path / "nowhere.db")
    assert result.returncode == 2 and "no such store" in result.stderr and "Traceback" not in result.stderr


def test_list_shows_what_polling_recorded(run_cli, tmp_path):
    db = tmp_path / "feeds.db"
    with Store(db) as store:
        store.add_feeds([RADIO, MERIDIAN])
        store.update_feed(RADIO, kind="feed", last_polled="2026-01-01T10:00:00Z", last_success="2026-01-01T10:00:00Z",
                          items_seen=2, next_poll="2026-01-01T10:15:00Z")
        store.update_feed(MERIDIAN, last_polled="2026-01-01T10:00:00Z", failures=5,
                          last_error="timed out after 20 s", next_poll="2026-01-01T18:00:00Z")
    data = listed(run_cli, db)
    assert [(f["url"], f["health"], f["last_error"], f["items_seen"], f["next_poll"]) for f in data["feeds"]] == [
        (RADIO, "ok", None, 2, "2026-01-01T10:15:00+00:00"),
        (MERIDIAN, "unhealthy", "timed out after 20 s", 0, "2026-01-01T18:00:00+00:00")]
    table = run_cli("feeds", "list", "--db", db, env={"COLUMNS": "200"}).stdout.splitlines()
    radio = next(line for line in table if RADIO in line)
    assert [cell.strip() for cell in radio.split("│")] == [RADIO, "", "ok", "2026-01-01 10:00", "", "2",
                                                          "2026-01-01 10:15"]
    meridian = next(line for line in table if MERIDIAN in line)
    assert [cell.strip() for cell in meridian.split("│")] == [MERIDIAN, "", "unhealthy", "", "timed out after 20 s",
                                                             "0", "2026-01-01 18:00"]
