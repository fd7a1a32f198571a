"""intake.fetch against a real HTTP server on loopback that misbehaves on purpose: what the Fetcher returns, and
what the server saw (its own request log: arrival times, headers, how each response ended)."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsprism.config import IntakeSettings, Settings
from newsprism.intake.fetch import Fetched, Fetcher, _retry_after, user_agent

# The server's bounds: it answers at most this many requests and stops after this many seconds.
MAX_REQUESTS = 200
LIFETIME = 60.0
FAST = IntakeSettings(host_delay=0.0, timeout=5.0)


class LoopbackSite:
    """A threaded HTTP server on 127.0.0.1 (port 0) serving the routes a test sets; every request is logged with
    its monotonic arrival time, path and headers, and, once answered, how it ended ("sent" or "client left")."""

    def __init__(self):
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {"/robots.txt": not_found}
        self.log: list[dict] = []
        self.stop = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):   # noqa: N802 - http.server's name
                entry = {"time": time.monotonic(), "path": self.path, "headers": dict(self.headers), "end": None}
                site.log.append(entry)
                if len(site.log) > MAX_REQUESTS:
                    self.close_connection = True
                    return
                try:
                    site.routes.get(self.path, not_found)(self)
                    entry["end"] = "sent"
                except (BrokenPipeError, ConnectionResetError):
                    entry["end"] = "client left"
                entry["end_time"] = time.monotonic()

            def log_message(self, *args):   # quiet: the log above is what tests read
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.timer = threading.Timer(LIFETIME, self.close)

    def url(self, path: str) -> str:
        return self.origin + path

    def requested(self, path: str) -> list[dict]:
        return [entry for entry in self.log if entry["path"] == path]

    def close(self):
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def serving():
    server = LoopbackSite()
    server.thread.start()
    server.timer.start()
    try:
        yield server
    finally:
        server.timer.cancel()
        server.close()


@pytest.fixture
def site():
    with serving() as server:
        yield server


@pytest.fixture
def second_site():   # another port: another origin
    with serving() as server:
        yield server


def reply(handler, status: int, body: bytes = b"", headers: dict[str, str] | None = None, *, length: bool = True):
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if body:
        handler.wfile.write(body)


def not_found(handler):
    reply(handler, 404, b"not here")


def text(body: bytes, status: int = 200, **headers):
    return lambda handler: reply(handler, status, body, headers)


def fetch(settings: IntakeSettings, *urls: str, **validators) -> tuple[list[Fetched], Fetcher]:
    """GET the URLs concurrently through one Fetcher."""
    async def run():
        async with Fetcher(settings) as fetcher:
            results = await asyncio.gather(*(fetcher.get(url, **validators) for url in urls))
        return list(results), fetcher
    return asyncio.run(run())


def arrivals(site: LoopbackSite, *paths: str) -> list[float]:
    return sorted(entry["time"] for entry in site.log if entry["path"] in paths)


def test_settings_carry_intake_defaults():
    assert Settings().intake == IntakeSettings()
    assert Settings().intake.host_delay == 1.0 and Settings().intake.max_redirects == 5


def test_validators_sent_and_304_costs_nothing(site):
    def feed(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            reply(handler, 304, headers={"ETag": '"v1"'})
        else:
            reply(handler, 200, b"<rss/>", {"ETag": '"v1"', "Last-Modified": "Sun, 29 Nov 2026 10:00:00 GMT",
                                             "Content-Type": "application/rss+xml"})
    site.routes["/feed"] = feed
    settings = IntakeSettings(host_delay=0.0, contact="ops@example.org")
    [first], _ = fetch(settings, site.url("/feed"))
    assert first.ok and first.status == 200 and first.body == b"<rss/>"
    assert (first.etag, first.last_modified) == ('"v1"', "Sun, 29 Nov 2026 10:00:00 GMT")
    assert first.content_type == "application/rss+xml"
    [second], _ = fetch(settings, site.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.error is None and second.body == b"" and not second.ok
    sent = site.requested("/feed")[1]["headers"]
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == "Sun, 29 Nov 2026 10:00:00 GMT"
    assert sent["User-Agent"] == "newsprism/0.1 (+https://github.com/newsprism/newsprism; contact: ops@example.org)"
    assert "gzip" in sent["Accept-Encoding"]


def test_server_error_is_one_line(site):
    site.routes["/broken"] = text(b"oops", 500)
    [fetched], _ = fetch(FAST, site.url("/broken"))
    assert (fetched.status, fetched.error, fetched.ok, fetched.body) == (500, "HTTP 500", False, b"")


def test_retry_after_holds_the_origin(site):
    answers = iter([text(b"slow down", 429, **{"Retry-After": "1"}), text(b"ok")])
    site.routes["/busy"] = lambda handler: next(answers)(handler)

    async def run():
        async with Fetcher(IntakeSettings(host_delay=0.05, timeout=5.0)) as fetcher:
            return await fetcher.get(site.url("/busy")), await fetcher.get(site.url("/busy"))
    refused, served = asyncio.run(run())
    assert (refused.status, refused.error, refused.retry_after) == (429, "HTTP 429", 1.0)
    assert served.ok and served.body == b"ok"
    first, second = arrivals(site, "/busy")
    assert second - first >= 0.95


def test_a_long_retry_after_is_not_waited_for(site):
    site.routes["/busy"] = text(b"", 503, **{"Retry-After": "120"})

    async def run():   # robots.txt expires at once, yet a held origin is not asked for it either
        async with Fetcher(IntakeSettings(host_delay=0.0, timeout=5.0, robots_ttl=0.0)) as fetcher:
            first = await fetcher.get(site.url("/busy"))
            started = time.monotonic()
            return first, await fetcher.get(site.url("/other")), time.monotonic() - started
    first, held, seconds = asyncio.run(run())
    assert (first.status, first.retry_after) == (503, 120.0)
    assert held.status is None and held.error.startswith("the site asked to wait 1") and held.error.endswith(
        "s more (Retry-After)")
    assert 119 < held.retry_after <= 120 and seconds < 0.5
    assert [entry["path"] for entry in site.log] == ["/robots.txt", "/busy"]


def test_retry_after_as_a_date():
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 3600) == 0.0   # in the past: no wait
    assert _retry_after("soon", 3600) is None
    assert _retry_after("7200", 3600) == 3600   # bounded by max_backoff


def test_slow_response_times_out(site):
    def slow(handler):
        site.stop.wait(3)
        reply(handler, 200, b"late")
    site.routes["/slow"] = slow
    started = time.monotonic()
    [fetched], _ = fetch(IntakeSettings(host_delay=0.0, timeout=0.5), site.url("/slow"))
    assert (fetched.status, fetched.error) == (None, "timed out after 0.5 s")
    assert time.monotonic() - started < 2


def test_slow_drip_is_bounded_by_the_whole_timeout(site):
    def drip(handler):   # a byte every 0.2 s never trips a per-read timeout; the whole request must end
        reply(handler, 200, headers={"Content-Length": "100"}, length=False)
        for _ in range(100):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            if site.stop.wait(0.2):
                return
    site.routes["/drip"] = drip
    [fetched], _ = fetch(IntakeSettings(host_delay=0.0, timeout=0.6), site.url("/drip"))
    assert fetched.error == "timed out after 0.6 s" and fetched.seconds < 1.5


def test_redirects_followed_and_loops_end(site):
    site.routes["/old"] = text(b"", 301, Location="/new")
    site.routes["/new"] = text(b"here")
    site.routes["/a"] = text(b"", 302, Location=site.url("/b"))
    site.routes["/b"] = text(b"", 302, Location="/a")
    settings = IntakeSettings(host_delay=0.0, timeout=5.0, max_redirects=3)
    (moved, loop), _ = fetch(settings, site.url("/old"), site.url("/a"))
    assert moved.ok and moved.body == b"here" and moved.url == site.url("/old") and moved.final_url == site.url("/new")
    assert loop.error == "too many redirects (3)" and loop.url == site.url("/a")
    assert len(site.requested("/a")) + len(site.requested("/b")) == 4   # the first request and 3 redirects followed


def test_oversized_body_is_abandoned_while_it_downloads(site):
    chunk = b"x" * 65536

    def huge(handler):   # 40 MB, no Content-Length: only reading tells the size
        reply(handler, 200, headers={"Content-Type": "text/html"}, length=False)
        for _ in range(640):
            handler.wfile.write(chunk)
    site.routes["/huge"] = huge
    site.routes["/declared"] = text(b"y" * 200_000)
    (fetched, declared), _ = fetch(IntakeSettings(host_delay=0.0, timeout=5.0, max_response_bytes=100 * 1024),
                                   site.url("/huge"), site.url("/declared"))
    assert (fetched.status, fetched.error, fetched.body) == (None, "over the size cap (100 KB)", b"")
    assert (declared.status, declared.error) == (None, "over the size cap (100 KB)")
    deadline = time.monotonic() + 5
    while site.requested("/huge")[0]["end"] is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert site.requested("/huge")[0]["end"] == "client left"   # the server could not send the 40 MB


def test_gzip_and_deflate_bodies_decoded(site):
    page = "<html><body><p>Ünïcode text, repeated.</p></body></html>".encode() * 200
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    site.routes["/gz"] = text(gzip.compress(page), **{"Content-Encoding": "gzip"})
    site.routes["/zlib"] = text(zlib.compress(page), **{"Content-Encoding": "deflate"})
    site.routes["/raw"] = text(raw_deflate.compress(page) + raw_deflate.flush(), **{"Content-Encoding": "deflate"})
    site.routes["/br"] = text(b"\x00\x01", **{"Content-Encoding": "br"})
    results, _ = fetch(FAST, *(site.url(path) for path in ("/gz", "/zlib", "/raw", "/br")))
    assert [r.body for r in results[:3]] == [page, page, page]
    assert results[3].error == "unsupported content encoding: br"


def test_gzip_bomb_stops_at_the_cap(site):
    site.routes["/bomb"] = text(gzip.compress(bytes(30 * 1024 * 1024)), **{"Content-Encoding": "gzip"})
    [fetched], _ = fetch(IntakeSettings(host_delay=0.0, timeout=5.0, max_response_bytes=1024 * 1024),
                         site.url("/bomb"))
    assert fetched.error == "over the size cap (1 MB)" and fetched.body == b""


def test_robots_disallow_is_never_requested(site):
    site.routes["/robots.txt"] = text(b"User-agent: *\nDisallow: /private/\n\nUser-agent: newsprism\n"
                                      b"Disallow: /private/\nDisallow: /drafts\n")
    site.routes["/public"] = text(b"hello")
    site.routes["/moved"] = text(b"", 302, Location="/private/elsewhere")
    results, fetcher = fetch(FAST, *(site.url(p) for p in ("/private/a", "/drafts/1", "/public", "/moved")))
    assert [r.error for r in results] == ["disallowed by robots.txt", "disallowed by robots.txt", None,
                                          "disallowed by robots.txt"]
    assert sorted(entry["path"] for entry in site.log) == ["/moved", "/public", "/robots.txt"]   # robots read once
    assert [url for _, _, url in fetcher.requests][0] == site.url("/robots.txt")


def test_robots_most_specific_rule_decides(site):
    site.routes["/robots.txt"] = text(b"User-agent: *\nAllow: /\nDisallow: /private\nDisallow: /*.pdf$\n"
                                      b"Allow: /private/press/\nDisallow: /tmp/*/draft\n")
    paths = ["/news/1", "/private/x", "/private/press/1", "/files/a.pdf", "/files/a.pdf?page=2", "/tmp/1/draft/2",
             "/tmp/draft"]
    for path in paths:
        site.routes[path] = text(b"ok")
    results, _ = fetch(FAST, *(site.url(path) for path in paths))
    refused = {path for path, result in zip(paths, results, strict=True) if result.error}
    assert refused == {"/private/x", "/files/a.pdf", "/tmp/1/draft/2"}
    assert {entry["path"] for entry in site.log} == {"/robots.txt", *(set(paths) - refused)}


def test_robots_unreachable_disallows_all_and_missing_allows_all(site, second_site):
    site.routes["/robots.txt"] = text(b"", 500)
    second_site.routes["/robots.txt"] = text(b"", 403)
    second_site.routes["/page"] = text(b"open")
    (refused, allowed), _ = fetch(FAST, site.url("/page"), second_site.url("/page"))
    assert refused.error == "robots.txt unreachable: HTTP 500" and not site.requested("/page")
    assert allowed.ok and allowed.body == b"open"


def test_crawl_delay_raises_the_spacing(site):
    # A byte order mark first, a fractional delay (rounded up to 1 s: the stdlib parser reads whole seconds only).
    site.routes["/robots.txt"] = text("\ufeffUser-agent: *\nCrawl-delay: 0.5\n".encode())
    site.routes["/a"] = text(b"a")
    site.routes["/b"] = text(b"b")
    fetch(IntakeSettings(host_delay=0.05, timeout=5.0), site.url("/a"), site.url("/b"))
    first, second = arrivals(site, "/a", "/b")
    assert second - first >= 0.95


def test_one_origin_is_asked_one_request_at_a_time_with_spacing(site):
    for path in ("/a", "/b", "/c"):
        site.routes[path] = text(path.encode())
    results, fetcher = fetch(IntakeSettings(host_delay=0.3, timeout=5.0), *(site.url(p) for p in ("/a", "/b", "/c")))
    assert [r.body for r in results] == [b"/a", b"/b", b"/c"]
    times = arrivals(site, "/robots.txt", "/a", "/b", "/c")
    assert len(times) == 4 and min(later - earlier for earlier, later in zip(times, times[1:], strict=False)) >= 0.29
    assert [origin for _, origin, _ in fetcher.requests] == [site.origin] * 4


def test_two_origins_are_fetched_in_parallel(site, second_site):
    def slow(handler):
        site.stop.wait(0.5)
        reply(handler, 200, b"done")
    site.routes["/slow"] = slow
    second_site.routes["/slow"] = slow
    started = time.monotonic()
    results, _ = fetch(IntakeSettings(host_delay=0.3, timeout=5.0), site.url("/slow"), second_site.url("/slow"))
    assert [r.body for r in results] == [b"done", b"done"]
    [first], [second] = arrivals(site, "/slow"), arrivals(second_site, "/slow")
    assert abs(first - second) < 0.25 and time.monotonic() - started < 1.2   # serialized would take 1.3 s and more


def test_global_concurrency_limit(site, second_site):
    def slow(handler):
        site.stop.wait(0.3)
        reply(handler, 200, b"done")
    with serving() as third_site:
        sites = [site, second_site, third_site]
        for each in sites:
            each.routes["/slow"] = slow
        results, _ = fetch(IntakeSettings(host_delay=0.0, timeout=5.0, concurrency=1),
                           *(each.url("/slow") for each in sites))
        starts = sorted(entry["time"] for each in sites for entry in each.requested("/slow"))
        logged = sum(len(each.log) for each in sites)
    assert [r.body for r in results] == [b"done"] * 3 and logged == 6   # 3 robots.txt (404) and 3 pages
    # Serial requests: each page is answered 0.3 s after it arrives, so with one request in flight the next page
    # cannot arrive sooner (three origins, no spacing: without the limit all three would arrive at once). Read
    # from arrival times only: when the server thread notes an answer's end is up to the scheduler.
    assert all(later - earlier >= 0.29 for earlier, later in zip(starts, starts[1:], strict=False)), starts


def test_connection_refused_is_one_line():
    with socket.socket() as probe:   # a port just freed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    [fetched], fetcher = fetch(FAST, f"http://127.0.0.1:{port}/feed")
    assert (fetched.status, fetched.error) == (None, "robots.txt unreachable: connection refused")
    assert [url for _, _, url in fetcher.requests] == [f"http://127.0.0.1:{port}/robots.txt"]


def test_tls_failure_is_one_line(site):
    [fetched], _ = fetch(FAST, site.url("/page").replace("http://", "https://"))
    assert fetched.status is None and fetched.error == "robots.txt unreachable: TLS: wrong version number"


def test_unknown_host_is_a_dns_error():
    [fetched], _ = fetch(FAST, "http://newsprism-test.invalid/feed")   # .invalid never resolves (RFC 6761)
    assert fetched.status is None and fetched.error.startswith("robots.txt unreachable: DNS: ")


def test_only_http_urls_are_requested():
    urls = ["ftp://example.org/feed", "file:///etc/passwd", "javascript:alert(1)", "not a url", "http://", ""]
    results, fetcher = fetch(FAST, *urls)
    assert [r.error for r in results] == ["not an http(s) URL"] * len(urls)
    assert fetcher.requests == []


def test_user_agent_contact_inside_its_comment():
    assert user_agent(IntakeSettings()) == "newsprism/0.1 (+https://github.com/newsprism/newsprism)"
    assert user_agent(IntakeSettings(user_agent="bot/2", contact="me@x.org\r\nX-Evil: 1")) == (
        "bot/2; contact: me@x.org X-Evil: 1")
