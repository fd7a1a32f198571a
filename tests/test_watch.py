"""Live intake end to end: `newsprism watch` against the local news site (examples/site.py) misbehaving on
purpose. Exact counts, robots.txt obeyed, per-host spacing from the site's own log, a second run that fetches
only what changed, and a run killed with SIGKILL that the next run completes with every article stored once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from urllib.parse import urlsplit

import httpx
import pytest

from newsprism.config import IntakeSettings, Settings
from newsprism.intake import schedule
from newsprism.intake import watch as watch_module
from newsprism.intake.watch import poll_once
from newsprism.store import Store

from .conftest import example_site, invoke_cli, process_env

NewsSite, Misbehaviour, Page = example_site.NewsSite, example_site.Misbehaviour, example_site.Page

DELAY = 0.1  # seconds between two requests to the site (one origin): short, so the tests stay fast
FAST = Settings(intake=IntakeSettings(host_delay=DELAY, timeout=2.0))
QUICK = Settings(intake=IntakeSettings(host_delay=0.02, timeout=2.0))  # where spacing is not what is tested


def _traps(**changes) -> Misbehaviour:
    return replace(Misbehaviour.everything(slow=4.0, oversized=11 * 1024 * 1024), **changes)


@pytest.fixture(scope="module")
def trap_run(tmp_path_factory):
    """One pass over the misbehaving site (every trap on): the site, the store and the report."""
    db = tmp_path_factory.mktemp("trap") / "news.db"
    with NewsSite.from_examples(misbehaviour=_traps(), lifetime=180, max_requests=2000) as site, Store(db) as store:
        store.add_feeds(site.feed_urls("rss") + site.trap_urls["malformed_feed"])
        report = poll_once(store, FAST)
        yield site, store, report


def _make_due(store: Store) -> None:
    for feed in store.feeds():
        store.update_feed(feed.url, next_poll=schedule.stamp(schedule.now_utc()))


def _stored_urls(store: Store) -> list[str]:
    return [article.url for article in store.iter_articles()]


def test_one_pass_over_a_misbehaving_site_stores_every_good_article_once(trap_run):
    site, store, report = trap_run
    good = len(site.pages)  # 16 articles of 13 outlets
    assert good == 16
    assert (report.feeds_polled, report.not_modified, report.failed) == (len(site.feed_urls()) + 1, 0, 1)
    assert (report.new_articles, report.duplicates) == (good, 0)
    # Lasting failures are given up at once (redirect loop, size cap, empty page, robots.txt); the 500 and the
    # slow page wait for a later try.
    assert store.item_counts() == {"pending": 2, "stored": good, "duplicate": 0, "failed": 4}
    assert report.pages_failed == 6
    assert sorted(_stored_urls(store)) == sorted(site.article_urls())  # tracking and AMP links: stored once
    # Every failure is one line naming the feed or page and the reason.
    broken = site.trap_urls["malformed_feed"][0]
    assert any(line.startswith(f"{broken}: malformed feed") for line in report.failures)
    for name, reason in [("server_error", "HTTP 500"), ("slow", "timed out"), ("redirect_loop", "too many redirects"),
                         ("oversized", "over the size cap"), ("robots_disallow", "disallowed by robots.txt"),
                         ("empty_page", "no article text")]:
        url = site.trap_urls[name][0]
        assert any(line.startswith(url) and reason in line for line in report.failures), (name, report.failures)
    assert all("\n" not in line for line in report.failures)


def test_robots_txt_is_obeyed_and_one_origin_gets_one_request_at_a_time_spaced(trap_run):
    site, _, _ = trap_run
    assert not site.requested("/unreliable-herald/private/")
    assert site.requested("/robots.txt") == ["/robots.txt"]  # read once, cached
    starts = sorted(at for at, _, _, _ in site.log)
    assert len(starts) > 30
    # One origin: each request starts at least DELAY after the one before (the fetcher counts from its end).
    gaps = [later - earlier for earlier, later in pairwise(starts)]
    assert min(gaps) >= DELAY - 0.01, min(gaps)


def test_the_rate_limited_page_waits_for_its_retry_after_and_is_stored_in_the_same_run(trap_run):
    site, store, _ = trap_run
    path = urlsplit(site.trap_urls["rate_limit"][0]).path
    times = [at for at, _, requested, _ in site.log if requested == path]
    assert len(times) == 2 and times[1] - times[0] >= 0.95  # Retry-After: 1
    assert site.trap_urls["rate_limit"][0] in _stored_urls(store)


def test_a_second_pass_fetches_only_what_changed(store, monkeypatch):
    monkeypatch.setattr(watch_module, "EXTRACT_IN_PROCESSES", 2)  # pages extracted in worker processes here
    with NewsSite.from_examples(lifetime=120) as site:
        _second_and_third_pass(store, site)


def _second_and_third_pass(store, site):
    feeds = site.feed_urls("rss")
    store.add_feeds(feeds)
    poll_once(store, QUICK)
    before = len(site.log)

    _make_due(store)
    again = poll_once(store, QUICK)
    second = [path for _, _, path, _ in site.log[before:]]
    assert (again.feeds_polled, again.not_modified, again.new_articles) == (len(feeds), len(feeds), 0)
    assert sorted(second) == sorted(urlsplit(url).path for url in feeds)  # the feeds only, each a 304
    assert all(headers.get("If-None-Match") for _, _, _, headers in site.log[before:])

    page = Page("Varnholm Courier", "news/2025/10/17/bridge-inquiry-opens", "Kessel Bridge inquiry opens",
                "The public inquiry into the collapse of the Kessel Bridge opened in Varnholm on Friday with a "
                "minute of silence for the fourteen people who died.\n\nThe chair said the hearings would run "
                "until spring and that the 2019 inspection report would be examined first.",
                "2025-10-17T10:00:00+02:00")
    new_url = site.add_page(page)
    before = len(site.log)
    _make_due(store)
    third = poll_once(store, QUICK)
    pages = [path for _, _, path, _ in site.log[before:] if not path.endswith(".xml")]
    assert (third.new_articles, third.not_modified) == (1, len(feeds) - 1)
    assert pages == [urlsplit(new_url).path]
    stored = {article.url: article for article in store.iter_articles()}
    assert stored[new_url].title == "Kessel Bridge inquiry opens" and stored[new_url].outlet == "Varnholm Courier"


def test_a_home_page_leads_to_its_feeds_and_a_failing_feed_backs_off_but_is_kept(store):
    broken = "/varnholm-courier/rss.xml"
    with NewsSite.from_examples(misbehaviour=Misbehaviour(status_overrides={broken: 503}), lifetime=120) as site:
        store.add_feeds([site.base_url + "/"])
        report = poll_once(store, QUICK)
        feeds = {feed.url: feed for feed in store.feeds()}
        assert report.feeds_found == len(site.outlets) and len(feeds) == len(site.outlets) + 1
        assert report.new_articles == len(site.pages) - 1  # the courier's article only through its broken feed
        failing = feeds[site.base_url + broken]
        assert (failing.health, failing.failures, failing.last_error) == ("failing", 1, "HTTP 503")
        delays = []
        for _ in range(5):
            _make_due(store)
            poll_once(store, QUICK)
            feed = store.feed(site.base_url + broken)
            delays.append((schedule.datetime.fromisoformat(feed.next_poll) -
                           schedule.datetime.fromisoformat(feed.last_polled)).total_seconds())
        assert feed.health == "unhealthy" and feed.failures == 6
        assert delays == sorted(delays) and delays[-1] > 4 * delays[0]  # exponential, within the cap
        assert delays[-1] <= QUICK.intake.max_backoff


def test_a_feed_that_carries_whole_articles_is_stored_without_fetching_pages(store):
    text = " ".join(["The regional council approved the new flood barrier for the harbour district on Monday."] * 20)
    log: list[str] = []

    class Feed(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            log.append(self.path)
            if self.path != "/full.xml":
                self.send_error(404)
                return
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Weekly</title>'
                    f'<item><title>Flood barrier approved</title><link>{base}/news/flood-barrier</link>'
                    f'<pubDate>Mon, 13 Oct 2025 09:00:00 GMT</pubDate><description>{text}</description></item>'
                    f'</channel></rss>').encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        store.add_feeds([f"http://127.0.0.1:{server.server_address[1]}/full.xml"])
        report = poll_once(store, FAST)
    finally:
        server.shutdown()
    assert report.new_articles == 1 and report.pages_failed == 0
    assert log == ["/robots.txt", "/full.xml"]  # no page request
    (article,) = store.iter_articles()
    assert (article.title, article.outlet, article.published[:10]) == ("Flood barrier approved", "Harbour Weekly",
                                                                      "2025-10-13")


def test_watch_once_on_the_command_line(tmp_path):
    db = str(tmp_path / "news.db")
    with NewsSite.from_examples(misbehaviour=Misbehaviour(redirect_loop=True), lifetime=120) as site:
        assert invoke_cli("feeds", "add", *site.feed_urls("rss"), "--db", db).returncode == 0
        result = invoke_cli("watch", "--once", "--json", "--host-delay", "0.05", "--timeout", "2", "--db", db)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["new_articles"], report["failed"], report["pages_failed"]) == (16, 0, 1)
    assert "Traceback" not in result.stderr
    assert "16 new articles, 0 duplicates, 1 pages failed" in result.stderr
    assert f"{site.trap_urls['redirect_loop'][0]} (from {site.base_url}/unreliable-herald/rss.xml): too many " \
           f"redirects (5)" in result.stderr


def test_watch_once_fails_when_every_feed_failed(tmp_path):
    import socket

    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = str(tmp_path / "news.db")
    assert invoke_cli("feeds", "add", f"http://127.0.0.1:{port}/rss.xml", "--db", db).returncode == 0
    result = invoke_cli("watch", "--once", "--json", "--timeout", "2", "--db", db)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert (report["feeds_polled"], report["failed"], report["new_articles"]) == (1, 1, 0)


def test_watch_without_feeds_says_how_to_add_them(tmp_path):
    result = invoke_cli("watch", "--once", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 1
    assert "no feeds" in result.stderr and "newsprism feeds add" in result.stderr


def _count_articles(db) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_a_watch_killed_mid_run_is_completed_by_the_next_with_every_article_once(tmp_path):
    db = tmp_path / "news.db"
    with NewsSite.from_examples(lifetime=180) as site:
        with Store(db) as store:
            store.add_feeds(site.feed_urls("rss"))
        command = [sys.executable, "-m", "newsprism.cli", "watch", "--once", "--host-delay", "0.3", "--db", str(db)]
        process = subprocess.Popen(command, env=process_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while _count_articles(db) < 3 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, "the run ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        killed_at = _count_articles(db)
        assert 3 <= killed_at < len(site.pages)

        with Store(db) as store:
            report = poll_once(store, replace(FAST, intake=replace(FAST.intake, host_delay=0.05)))
            urls = _stored_urls(store)
            counts = store.item_counts()
    assert sorted(urls) == sorted(site.article_urls())  # every article, each once
    assert report.new_articles == len(site.pages) - killed_at
    assert counts["pending"] == 0 and counts["failed"] == 0


def test_serve_with_watch_follows_feeds_while_serving_and_stops_on_ctrl_c(tmp_path):
    db = tmp_path / "live.db"
    with NewsSite.from_examples(lifetime=180) as site:
        with Store(db) as store:
            store.add_feeds(site.feed_urls("rss"))
        process = subprocess.Popen(
            [sys.executable, "-m", "newsprism.cli", "serve", "--watch", "--port", "0", "--host-delay", "0.05",
             "--db", str(db)], env=process_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = process.stderr.readline()
            assert "following its feeds" in line, line
            address = line.split(" at ", 1)[1].split("/ ", 1)[0]
            deadline = time.monotonic() + 120
            stories = []
            while time.monotonic() < deadline and len(stories) < 2:
                time.sleep(0.5)
                stories = httpx.get(f"{address}/.json", timeout=10).json()["stories"]
            assert len(stories) >= 2
        finally:
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
    assert process.returncode in (0, 130), err
    assert "Traceback" not in err
    with Store(db, readonly=True) as store:
        assert len(_stored_urls(store)) == len(site.pages)


def test_schedule_adapts_within_its_bounds_and_backs_off_with_repeatable_jitter():
    settings = IntakeSettings()
    assert schedule.next_interval(900, 3, settings) == 450
    assert schedule.next_interval(900, 0, settings) == 1350
    assert schedule.next_interval(settings.min_interval, 5, settings) == settings.min_interval
    assert schedule.next_interval(settings.max_interval, 0, settings) == settings.max_interval
    delays = [schedule.failure_delay("http://a.example/feed", n, 900, settings) for n in range(1, 12)]
    assert delays[0] < delays[3] and max(delays) == settings.max_backoff
    assert delays == [schedule.failure_delay("http://a.example/feed", n, 900, settings) for n in range(1, 12)]
    assert schedule.failure_delay("http://a.example/feed", 1, 900, settings, retry_after=7200) == 7200
    assert schedule.page_retry_delay("http://a.example/p", 1, retry_after=2.0) == 2.0
    assert 45 <= schedule.page_retry_delay("http://a.example/p", 1) < 75


if os.name != "posix":  # SIGKILL and SIGINT as the tests above send them
    pytestmark = pytest.mark.skip("POSIX signals")


def test_ctrl_c_stops_watch_after_the_writes_under_way(tmp_path):
    db = tmp_path / "news.db"
    with NewsSite.from_examples(lifetime=180) as site:
        with Store(db) as store:
            store.add_feeds(site.feed_urls("rss"))
        command = [sys.executable, "-m", "newsprism.cli", "watch", "--host-delay", "0.3", "--db", str(db)]
        process = subprocess.Popen(command, env=process_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        deadline = time.monotonic() + 120
        while _count_articles(db) < 3 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        with Store(db) as store:
            interrupted_at = len(_stored_urls(store))
            poll_once(store, QUICK)
            urls = _stored_urls(store)
    assert process.returncode == 130 and "Traceback" not in err
    assert err.strip().splitlines()[-1] == ("newsprism: interrupted; everything committed so far is kept, run the "
                                            "command again to finish")
    assert interrupted_at < len(site.pages)
    assert sorted(urls) == sorted(site.article_urls())


def test_rss_atom_news_sitemaps_and_sitemap_indexes_lead_to_the_same_articles_once(store):
    with NewsSite.from_examples(lifetime=120) as site:
        kinds = ("rss", "atom", "news-sitemap", "sitemap")
        store.add_feeds([url for kind in kinds for url in site.feed_urls(kind)])
        report = poll_once(store, QUICK)
        requested = site.requested("/")
    outlets = len(site.outlets)
    assert report.failed == 0 and report.new_articles == len(site.pages) and report.duplicates == 0
    # Each outlet's sitemap index names its news sitemap, which is followed already: nothing new to add.
    assert report.feeds_found == 0 and len(store.feeds()) == 4 * outlets
    assert {feed.kind for feed in store.feeds()} == {"feed", "sitemap", "sitemap-index"}
    assert sorted(_stored_urls(store)) == sorted(site.article_urls())
    pages = [path for path in requested if not path.endswith(".xml") and path != "/robots.txt"]
    assert len(pages) == len(site.pages)  # every page fetched once, whichever feeds listed it
