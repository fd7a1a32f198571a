"""A small local news website for trying and testing `newsprism watch` offline.

    python examples/site.py [--port N] [--misbehave] [--url-file PATH] [--feeds-file PATH]

`NewsSite` serves news outlets on 127.0.0.1 only (never another address), from a list of `Page` records: per
outlet an RSS 2.0 feed that carries only a one-sentence summary (so a reader must fetch the page), an Atom feed,
a Google News sitemap, a sitemap index and a home page that links its feeds (<link rel="alternate">); article
pages as real HTML (<article>, <h1>, <time datetime>, og: and article: meta, a canonical link); robots.txt.
Feeds and pages carry an ETag and a Last-Modified date and answer 304 to a matching If-None-Match or
If-Modified-Since, gzip when asked. `NewsSite.from_examples()` builds it from examples/corpus (fictional).

Layout (SLUG is the outlet's name in lower case with dashes, for example `varnholm-courier`):

    /robots.txt                  allows everything (but see Misbehaviour.robots_disallow); lists the sitemaps
    /                            every outlet, with <link rel="alternate"> to every outlet's RSS feed
    /sitemap.xml                 a sitemap index over every outlet's news sitemap
    /SLUG/                       the outlet's home page: its feeds (<link rel="alternate">) and its articles
    /SLUG/rss.xml  /SLUG/atom.xml  /SLUG/news-sitemap.xml  /SLUG/sitemap.xml (a sitemap index)
    /SLUG/PATH                   an article page (Page.path)

It misbehaves on request (`Misbehaviour`), through pages of one more outlet, "The Unreliable Herald"
(`/unreliable-herald/...`), whose feeds link them; `NewsSite.trap_urls` names each one. It is bounded: it stops by
itself after `max_requests` requests or `lifetime` seconds. `NewsSite.log` records every request (monotonic time,
method, path with query, headers) for tests and benchmarks to read; `NewsSite.timings` (start, end) of each
answer (its start is its log entry's time).
Several instances on different ports stand for different hosts (origins).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import math
import re
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

EXAMPLES = Path(__file__).resolve().parent / "corpus"
HOST = "127.0.0.1"  # loopback only, by design: this server must never be reachable from elsewhere
TRAP_OUTLET = "The Unreliable Herald"
TRAP_SLUG = "unreliable-herald"  # slug(TRAP_OUTLET)
GZIP_MIN_BYTES = 1024
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’]?\s")


@dataclass(frozen=True)
class Page:
    """One article of the site. `path` is relative to its outlet (`news/2025/10/14/story`); `text` has its
    paragraphs separated by blank lines; `published` is ISO 8601 or None (unknown: no date anywhere)."""

    outlet: str
    path: str
    title: str
    text: str
    published: str | None = None
    author: str | None = None
    language: str | None = "en"


@dataclass(frozen=True)
class Misbehaviour:
    """What the site does wrong on purpose. Each trap page is linked from The Unreliable Herald's feeds and
    sitemap (and named in `NewsSite.trap_urls` by the field's name)."""

    server_error: bool = False          # a page that always answers 500
    slow: float | None = None           # a page that answers only after this many seconds
    redirect_loop: bool = False         # a page redirecting to a second page redirecting back, forever
    oversized: int | None = None        # a page of this many bytes (text/html, real paragraphs)
    empty_page: bool = False            # a page of navigation and footer only: it extracts to nothing
    malformed_feed: bool = False        # /unreliable-herald/broken.xml: an RSS feed cut off before its first item ends
    robots_disallow: bool = False       # robots.txt disallows /unreliable-herald/private/; the feeds link a page there
    tracking_duplicates: bool = False   # the first article linked again under two ?utm_source=... URLs
    amp_variant: bool = False           # the second article linked again as its AMP variant (?amp=1)
    rate_limit: int = 0                 # the third article answers 429 this many times before it is served
    retry_after: float = 1.0            # the Retry-After of those 429s, in seconds (rounded up)
    status_overrides: dict[str, int] = field(default_factory=dict)  # any path (feed, page, robots.txt) -> status

    @classmethod
    def everything(cls, *, slow: float = 30.0, oversized: int = 12 * 1024 * 1024) -> Misbehaviour:
        """Every switch on (the slow page is slower than `slow` seconds, the big one `oversized` bytes)."""
        return cls(server_error=True, slow=slow, redirect_loop=True, oversized=oversized, empty_page=True,
                   malformed_feed=True, robots_disallow=True, tracking_duplicates=True, amp_variant=True,
                   rate_limit=1)

    @property
    def has_trap_outlet(self) -> bool:
        return any((self.server_error, self.slow is not None, self.redirect_loop, self.oversized is not None,
                    self.empty_page, self.robots_disallow, self.tracking_duplicates, self.amp_variant))


@dataclass
class _Resource:
    body: bytes
    content_type: str
    modified: datetime  # what Last-Modified says and If-Modified-Since is compared with
    etag: str = ""
    gzipped: bytes | None = None

    def __post_init__(self):
        self.etag = '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


@dataclass(frozen=True)
class _Item:
    """One entry of an outlet's feeds and sitemap: a page of the site, or a trap's URL."""

    url: str
    title: str
    summary: str
    published: datetime | None
    author: str | None
    language: str | None


def slug(name: str) -> str:
    """An outlet name as a path segment: "The Northern Ledger" -> "northern-ledger"."""
    words = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    return re.sub(r"^the-", "", words) or "outlet"


def first_sentence(text: str) -> str:
    """The summary an RSS feed carries: the first sentence of the first paragraph."""
    paragraph = text.strip().split("\n", 1)[0].strip()
    found = _SENTENCE_END.search(paragraph)
    return paragraph[: found.end()].strip() if found else paragraph


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


class NewsSite:
    """Local news outlets over HTTP on 127.0.0.1 (see the module's docstring). Start and stop it, or use it as
    a context manager:

        with NewsSite.from_examples(misbehaviour=Misbehaviour(server_error=True)) as site:
            site.feed_urls()   # every outlet's RSS feed
    """

    def __init__(self, pages: list[Page], *, port: int = 0, misbehaviour: Misbehaviour = Misbehaviour(),
                 max_requests: int | None = 10_000, lifetime: float | None = 600.0):
        self.misbehaviour = misbehaviour
        self.max_requests = max_requests
        self.lifetime = lifetime
        self.log: list[tuple[float, str, str, dict[str, str]]] = []
        self.timings: list[tuple[float, float]] = []
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        self._pages: list[Page] = list(pages)
        self._changed: dict[str, datetime] = {}  # outlet -> when a page was added to it later
        self._served_429: dict[str, int] = {}
        self._connections: set[socket.socket] = set()
        self._routes: dict[str, _Resource] = {}
        self._server = _Server((HOST, port), _Handler)
        self._server.site = self
        self.port = self._server.server_address[1]
        self.base_url = f"http://{HOST}:{self.port}"
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self._rebuild()

    @classmethod
    def from_examples(cls, corpus: str | Path = EXAMPLES, **options) -> NewsSite:
        """The site of the example corpus: each of its articles a page of its outlet, at its URL's path."""
        return cls(example_pages(corpus), **options)

    # -- running -----------------------------------------------------------------------------------------

    def start(self) -> NewsSite:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"news-site-{self.port}", daemon=True)
        self._thread.start()
        if self.lifetime is not None:
            self._timer = threading.Timer(self.lifetime, self.stop)
            self._timer.daemon = True
            self._timer.start()
        return self

    def stop(self) -> None:
        """Stop serving (idempotent, from any thread): open connections are closed, slow answers given up."""
        with self._lock:
            if self.stopped.is_set():
                return
            self.stopped.set()
            connections = list(self._connections)
        if self._timer is not None:
            self._timer.cancel()
        if self._thread is not None:
            self._server.shutdown()
        self._server.server_close()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the site has stopped (Ctrl-C, its bounds, `stop()`); whether it did within `timeout`."""
        return self.stopped.wait(timeout)

    def __enter__(self) -> NewsSite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- content -----------------------------------------------------------------------------------------

    @property
    def pages(self) -> list[Page]:
        return list(self._pages)

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(page.outlet for page in self._pages))

    def page_url(self, page: Page) -> str:
        return f"{self.base_url}/{slug(page.outlet)}/{page.path.lstrip('/')}"

    def article_urls(self) -> list[str]:
        """Every (good) article page's URL, in page order."""
        return [self.page_url(page) for page in self._pages]

    def feed_urls(self, kind: str = "rss") -> list[str]:
        """Every outlet's feed of this kind: "rss", "atom", "news-sitemap" or "sitemap" (the sitemap index)."""
        extension = {"rss": "rss.xml", "atom": "atom.xml", "news-sitemap": "news-sitemap.xml",
                     "sitemap": "sitemap.xml"}[kind]
        outlets = [slug(name) for name in self.outlets]
        if self.misbehaviour.has_trap_outlet:
            outlets.append(TRAP_SLUG)
        return [f"{self.base_url}/{name}/{extension}" for name in outlets]

    def home_urls(self) -> list[str]:
        return [url.rsplit("/", 1)[0] + "/" for url in self.feed_urls()]

    @property
    def trap_urls(self) -> dict[str, list[str]]:
        """Each switch that is on -> the URLs of its trap (several for the tracking duplicates)."""
        return self._traps

    def add_page(self, page: Page) -> str:
        """Publish one more article (dated now when it has no date): its outlet's feeds and sitemaps change (a
        new ETag, a later Last-Modified), so the next poll sees it. Its URL."""
        now = datetime.now(UTC).replace(microsecond=0)
        if page.published is None:
            page = replace(page, published=now.isoformat())
        with self._lock:
            self._pages.append(page)
            # Last-Modified has whole seconds: the change is dated the next one, so it is after any earlier date.
            self._changed[page.outlet] = datetime.fromtimestamp(math.ceil(time.time()), UTC)
        self._rebuild()
        return self.page_url(page)

    def requested(self, path_prefix: str = "/") -> list[str]:
        """The paths (with query) requested so far that start with `path_prefix`, in order."""
        return [path for _, _, path, _ in list(self.log) if path.startswith(path_prefix)]

    def _rebuild(self) -> None:
        """Every feed, sitemap and home page from the pages (the whole site is small: no incremental update)."""
        routes: dict[str, _Resource] = {}
        outlets: dict[str, list[_Item]] = {}
        for page in self._pages:
            outlets.setdefault(page.outlet, []).append(self._item(page))
            routes[f"/{slug(page.outlet)}/{page.path.lstrip('/')}"] = self._article(page)
        self._traps, trap_items, trap_routes = self._trap_content()
        if trap_items:
            outlets[TRAP_OUTLET] = trap_items
        routes.update(trap_routes)
        for outlet, items in outlets.items():
            items.sort(key=lambda item: item.published or datetime.min.replace(tzinfo=UTC), reverse=True)
            routes.update(self._outlet_routes(outlet, items))
        routes["/"] = self._front_page(list(outlets))
        routes["/sitemap.xml"] = self._resource(
            sitemap_index([f"{self.base_url}/{slug(name)}/news-sitemap.xml" for name in outlets]),
            "application/xml; charset=utf-8", self._newest(routes.values()))
        self._routes = routes

    def _item(self, page: Page) -> _Item:
        return _Item(self.page_url(page), page.title, first_sentence(page.text), parse_time(page.published),
                     page.author, page.language)

    def _outlet_routes(self, outlet: str, items: list[_Item]) -> dict[str, _Resource]:
        base = f"{self.base_url}/{slug(outlet)}"
        modified = max([item.published for item in items if item.published] + [self._changed.get(outlet, _EPOCH)])
        xml = "application/xml; charset=utf-8"
        return {
            f"/{slug(outlet)}/": self._resource(home_page(outlet, base, items), "text/html; charset=utf-8", modified),
            f"/{slug(outlet)}/rss.xml": self._resource(rss(outlet, base, items, modified),
                                                       "application/rss+xml; charset=utf-8", modified),
            f"/{slug(outlet)}/atom.xml": self._resource(atom(outlet, base, items, modified),
                                                        "application/atom+xml; charset=utf-8", modified),
            f"/{slug(outlet)}/news-sitemap.xml": self._resource(news_sitemap(outlet, items), xml, modified),
            f"/{slug(outlet)}/sitemap.xml": self._resource(sitemap_index([f"{base}/news-sitemap.xml"]), xml,
                                                           modified),
        }

    def _front_page(self, outlets: list[str]) -> _Resource:
        links = "".join(f'<link rel="alternate" type="application/rss+xml" title="{escape(name)}" '
                        f'href="{self.base_url}/{slug(name)}/rss.xml">\n' for name in outlets)
        entries = "".join(f'<li><a href="/{slug(name)}/">{escape(name)}</a></li>\n' for name in outlets)
        body = (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Local news</title>\n"
                f"{links}</head><body><h1>Local news</h1><ul>\n{entries}</ul></body></html>\n")
        return self._resource(body, "text/html; charset=utf-8", _EPOCH)

    def _article(self, page: Page) -> _Resource:
        return self._resource(article_page(page, self.page_url(page), f"{self.base_url}/{slug(page.outlet)}"),
                              "text/html; charset=utf-8", parse_time(page.published) or _EPOCH)

    def _trap_content(self) -> tuple[dict[str, list[str]], list[_Item], dict[str, _Resource]]:
        """The misbehaving pages that are real content (the others are answered in `_Handler`)."""
        wrong = self.misbehaviour
        base = f"{self.base_url}/{TRAP_SLUG}"
        traps: dict[str, list[str]] = {}
        routes: dict[str, _Resource] = {}
        items: list[_Item] = []

        def trap(name: str, path: str, title: str) -> None:
            traps[name] = [f"{base}/{path}"]
            items.append(_Item(f"{base}/{path}", title, f"{title}.", _TRAP_DATE, None, "en"))

        if wrong.server_error:
            trap("server_error", "news/server-error", "A page that answers 500")
        if wrong.slow is not None:
            trap("slow", "news/slow-page", "A page slower than any timeout")
        if wrong.redirect_loop:
            trap("redirect_loop", "news/redirect-loop", "A page that redirects in a loop")
        if wrong.oversized is not None:
            trap("oversized", "news/oversized-page", "A page bigger than any size cap")
        if wrong.empty_page:
            trap("empty_page", "news/empty-page", "A page without an article")
            routes[f"/{TRAP_SLUG}/news/empty-page"] = self._resource(EMPTY_PAGE, "text/html; charset=utf-8",
                                                                     _TRAP_DATE)
        if wrong.robots_disallow:
            trap("robots_disallow", "private/disallowed-page", "A page robots.txt disallows")
            private = Page(TRAP_OUTLET, "private/disallowed-page", "A page robots.txt disallows", _PRIVATE_TEXT,
                           _TRAP_DATE.isoformat())
            routes[f"/{TRAP_SLUG}/private/disallowed-page"] = self._article(private)
        if wrong.tracking_duplicates and self._pages:
            url = self.page_url(self._pages[0])
            traps["tracking_duplicates"] = [f"{url}?utm_source=newsletter&utm_medium=email",
                                            f"{url}?utm_source=twitter&utm_medium=social&utm_campaign=share"]
            items += [replace(self._item(self._pages[0]), url=link) for link in traps["tracking_duplicates"]]
        if wrong.amp_variant and len(self._pages) > 1:
            traps["amp_variant"] = [self.page_url(self._pages[1]) + "?amp=1"]
            items.append(replace(self._item(self._pages[1]), url=traps["amp_variant"][0]))
        if wrong.rate_limit and len(self._pages) > 2:
            traps["rate_limit"] = [self.page_url(self._pages[2])]
        if wrong.malformed_feed:
            traps["malformed_feed"] = [f"{base}/broken.xml"]
            routes[f"/{TRAP_SLUG}/broken.xml"] = self._resource(MALFORMED_FEED, "application/rss+xml", _TRAP_DATE)
        return traps, items, routes

    def _resource(self, text: str, content_type: str, modified: datetime) -> _Resource:
        return _Resource(text.encode("utf-8"), content_type, modified)

    @staticmethod
    def _newest(resources) -> datetime:
        return max((resource.modified for resource in resources), default=_EPOCH)

    # -- answering (called by _Handler, in the server's threads) -----------------------------------------

    def _record(self, at: float, method: str, path: str, headers: dict[str, str]) -> int:
        with self._lock:
            self.log.append((at, method, path, headers))
            return len(self.log)

    def _path_answer(self, path: str) -> _Resource | None:
        return self._routes.get(path)

    def _rate_limited(self, url_path: str) -> bool:
        urls = self._traps.get("rate_limit", [])
        if not urls or urlsplit(urls[0]).path != url_path:
            return False
        with self._lock:
            served = self._served_429.get(url_path, 0)
            self._served_429[url_path] = served + 1
        return served < self.misbehaviour.rate_limit


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_TRAP_DATE = datetime(2025, 10, 16, 12, 0, tzinfo=UTC)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # socketserver's 5 drops concurrent connects: the client retries a second later
    site: NewsSite

    def handle_error(self, request, client_address):
        """A client that hangs up (a size cap, a timeout, the end of a run) is no error; anything else is shown."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def process_request(self, request, client_address):
        with self.site._lock:
            self.site._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.site._lock:
            self.site._connections.discard(request)
        super().shutdown_request(request)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms wait for a delayed ACK
    server: _Server
    server_version = "newsprism-example-site/1.0"

    def log_message(self, format, *args):  # noqa: A002 - quiet: the site keeps its own log
        pass

    def do_HEAD(self):
        self._answer(send_body=False)

    def do_GET(self):
        self._answer(send_body=True)

    def _answer(self, send_body: bool) -> None:
        site = self.server.site
        started = time.monotonic()
        if site.stopped.is_set():
            self.close_connection = True
            return
        count = site._record(started, self.command, self.path, dict(self.headers.items()))
        try:
            if site.max_requests is not None and count > site.max_requests:
                self._plain(503, "over this site's request limit; it is stopping", send_body)
                threading.Thread(target=site.stop, daemon=True).start()
            else:
                self._route(site, urlsplit(self.path).path, send_body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a size cap, a timeout)
            self.close_connection = True
        finally:
            with site._lock:
                site.timings.append((started, time.monotonic()))

    def _route(self, site: NewsSite, path: str, send_body: bool) -> None:
        wrong = site.misbehaviour
        if path in wrong.status_overrides:
            return self._plain(wrong.status_overrides[path], "as this site was told to answer", send_body)
        trap = path.removeprefix(f"/{TRAP_SLUG}/") if path.startswith(f"/{TRAP_SLUG}/") else None
        if path == "/robots.txt":
            return self._plain(200, robots_txt(site), send_body)
        if trap == "news/server-error" and wrong.server_error:
            return self._plain(500, "internal server error", send_body)
        if trap == "news/slow-page" and wrong.slow is not None:
            if site.stopped.wait(wrong.slow):
                return None
            return self._plain(200, "finally", send_body)
        if trap in ("news/redirect-loop", "news/redirect-loop-b") and wrong.redirect_loop:
            target = "news/redirect-loop-b" if trap == "news/redirect-loop" else "news/redirect-loop"
            return self._redirect(f"/{TRAP_SLUG}/{target}", send_body)
        if trap == "news/oversized-page" and wrong.oversized is not None:
            return self._oversized(wrong.oversized, send_body)
        if site._rate_limited(path):
            self.send_response(429)
            self.send_header("Retry-After", str(math.ceil(wrong.retry_after)))
            return self._finish_plain("too many requests", send_body)
        resource = site._path_answer(path)
        if resource is None:
            return self._plain(404, "not found", send_body)
        return self._resource(resource, send_body)

    def _resource(self, resource: _Resource, send_body: bool) -> None:
        if self._not_modified(resource):
            self.send_response(304)
            self.send_header("ETag", resource.etag)
            self.send_header("Last-Modified", http_date(resource.modified))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = resource.body
        zipped = len(body) >= GZIP_MIN_BYTES and "gzip" in self.headers.get("Accept-Encoding", "")
        if zipped:
            if resource.gzipped is None:
                resource.gzipped = gzip.compress(body, mtime=0)
            body = resource.gzipped
        self.send_response(200)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("ETag", resource.etag)
        self.send_header("Last-Modified", http_date(resource.modified))
        self.send_header("Vary", "Accept-Encoding")
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _not_modified(self, resource: _Resource) -> bool:
        """RFC 9110: If-None-Match decides when present; else If-Modified-Since (whole seconds)."""
        tags = self.headers.get("If-None-Match")
        if tags is not None:
            return tags.strip() == "*" or resource.etag in [tag.strip().removeprefix("W/") for tag in tags.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return moment is not None and resource.modified.replace(microsecond=0) <= moment

    def _plain(self, status: int, text: str, send_body: bool) -> None:
        self.send_response(status)
        self._finish_plain(text, send_body)

    def _finish_plain(self, text: str, send_body: bool) -> None:
        body = (text + "\n").encode("utf-8")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _redirect(self, location: str, send_body: bool) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self._finish_plain(f"moved to {location}", send_body)

    def _oversized(self, size: int, send_body: bool) -> None:
        """`size` bytes of HTML, written in chunks (never held whole), not compressed."""
        head = b"<!DOCTYPE html>\n<html><head><title>A page bigger than any size cap</title></head><body><article>"
        tail = b"</article></body></html>\n"
        paragraph = b"<p>" + _PRIVATE_TEXT.encode("utf-8") + b"</p>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if not send_body:
            return
        remaining = size - len(head) - len(tail)
        self.wfile.write(head)
        chunk = paragraph * max(1, 65536 // len(paragraph))
        while remaining > 0:
            piece = chunk[:remaining]
            self.wfile.write(piece)
            remaining -= len(piece)
        self.wfile.write(tail)


def robots_txt(site: NewsSite) -> str:
    lines = ["User-agent: *"]
    lines.append(f"Disallow: /{TRAP_SLUG}/private/" if site.misbehaviour.robots_disallow else "Disallow:")
    lines.append("")
    lines.append(f"Sitemap: {site.base_url}/sitemap.xml")
    return "\n".join(lines)


# -- the documents ---------------------------------------------------------------------------------------------

def example_pages(corpus: str | Path = EXAMPLES) -> list[Page]:
    """Every article of the example corpus as a page (read by newsprism, as `newsprism ingest` reads it)."""
    from newsprism import Article, read_articles

    return [page_of(article) for article in read_articles([corpus]) if isinstance(article, Article)]


def page_of(article) -> Page:
    """An example article (newsprism.Article) as a page of its outlet, at its URL's path."""
    path = urlsplit(article.url).path.lstrip("/") if article.url else f"articles/{article.id}"
    return Page(outlet=article.outlet or "Unknown outlet", path=path, title=article.title or path,
                text=article.text, published=article.published, author=article.byline, language=article.language)


def rss(outlet: str, base: str, items: list[_Item], modified: datetime) -> str:
    entries = []
    for item in items:
        parts = [f"<title>{escape(item.title)}</title>", f"<link>{escape(item.url)}</link>",
                 f'<guid isPermaLink="true">{escape(item.url)}</guid>',
                 f"<description>{escape(item.summary)}</description>"]
        if item.published:
            parts.append(f"<pubDate>{http_date(item.published)}</pubDate>")
        if item.author:
            parts.append(f"<dc:creator>{escape(item.author)}</dc:creator>")
        entries.append("<item>" + "".join(parts) + "</item>")
    language = next((item.language for item in items if item.language), "en")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
            f"<channel><title>{escape(outlet)}</title><link>{base}/</link>"
            f"<description>News from {escape(outlet)}</description><language>{language}</language>"
            f'<atom:link href="{base}/rss.xml" rel="self" type="application/rss+xml"/>'
            f"<lastBuildDate>{http_date(modified)}</lastBuildDate>\n" + "\n".join(entries) + "\n</channel></rss>\n")


def atom(outlet: str, base: str, items: list[_Item], modified: datetime) -> str:
    entries = []
    for item in items:
        parts = [f"<title>{escape(item.title)}</title>", f'<link rel="alternate" href="{escape(item.url)}"/>',
                 f"<id>{escape(item.url)}</id>", f'<summary type="text">{escape(item.summary)}</summary>']
        if item.published:
            parts += [f"<published>{item.published.isoformat()}</published>",
                      f"<updated>{item.published.isoformat()}</updated>"]
        if item.author:
            parts.append(f"<author><name>{escape(item.author)}</name></author>")
        entries.append("<entry>" + "".join(parts) + "</entry>")
    language = next((item.language for item in items if item.language), "en")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{language}">'
            f"<title>{escape(outlet)}</title><id>{base}/</id><updated>{modified.isoformat()}</updated>"
            f'<link rel="self" href="{base}/atom.xml"/><link rel="alternate" href="{base}/"/>\n'
            + "\n".join(entries) + "\n</feed>\n")


def news_sitemap(outlet: str, items: list[_Item]) -> str:
    entries = []
    for item in items:
        dated = (f"<lastmod>{item.published.isoformat()}</lastmod>",
                 f"<news:publication_date>{item.published.isoformat()}</news:publication_date>") \
            if item.published else ("", "")
        entries.append(f"<url><loc>{escape(item.url)}</loc>{dated[0]}<news:news><news:publication>"
                       f"<news:name>{escape(outlet)}</news:name><news:language>{item.language or 'en'}"
                       f"</news:language></news:publication>{dated[1]}<news:title>{escape(item.title)}"
                       "</news:title></news:news></url>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + "\n".join(entries) + "\n</urlset>\n")


def sitemap_index(urls: list[str]) -> str:
    entries = "\n".join(f"<sitemap><loc>{escape(url)}</loc></sitemap>" for url in urls)
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}\n</sitemapindex>\n')


def home_page(outlet: str, base: str, items: list[_Item]) -> str:
    entries = "".join(f'<li><a href="{escape(item.url)}">{escape(item.title)}</a></li>\n' for item in items)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(outlet)}</title>\n'
            f'<link rel="alternate" type="application/rss+xml" title="{escape(outlet)} (RSS)" href="{base}/rss.xml">\n'
            f'<link rel="alternate" type="application/atom+xml" title="{escape(outlet)} (Atom)" '
            f'href="{base}/atom.xml">\n</head><body><header><h1>{escape(outlet)}</h1></header>\n'
            f"<main><h2>Latest news</h2><ul>\n{entries}</ul></main></body></html>\n")


def article_page(page: Page, url: str, base: str) -> str:
    outlet, title = escape(page.outlet), escape(page.title)
    meta = [f'<link rel="canonical" href="{escape(url)}">', f'<meta property="og:title" content="{title}">',
            f'<meta property="og:site_name" content="{outlet}">', '<meta property="og:type" content="article">',
            f'<meta property="og:url" content="{escape(url)}">']
    byline = dateline = ""
    if page.published:
        meta.append(f'<meta property="article:published_time" content="{escape(page.published)}">')
        day = parse_time(page.published).strftime("%d %B %Y, %H:%M")
        dateline = f'<p class="date"><time datetime="{escape(page.published)}">{day}</time></p>\n'
    if page.author:
        meta.append(f'<meta name="author" content="{escape(page.author)}">')
        byline = f'<p class="byline">By <span class="author">{escape(page.author)}</span></p>\n'
    paragraphs = "".join(f"<p>{escape(p.strip())}</p>\n" for p in page.text.split("\n\n") if p.strip())
    return (f'<!DOCTYPE html>\n<html lang="{escape(page.language or "en")}"><head><meta charset="utf-8">\n'
            f"<title>{title} | {outlet}</title>\n" + "\n".join(meta) + "\n"
            f'<link rel="alternate" type="application/rss+xml" title="{outlet}" href="{base}/rss.xml">\n'
            f'</head><body>\n<header><nav><a href="{base}/">{outlet}</a> · <a href="{base}/rss.xml">RSS</a></nav>'
            f"</header>\n<main><article>\n<h1>{title}</h1>\n{byline}{dateline}{paragraphs}</article></main>\n"
            f"<footer><p>{outlet}, served by newsprism's local example site.</p></footer>\n</body></html>\n")


# Rendered in the browser by a script, as some sites are: the HTML itself holds no article.
EMPTY_PAGE = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>The Unreliable Herald</title>'
              '</head><body><div id="app"></div><script src="/unreliable-herald/app.js"></script></body></html>\n')
# Cut off mid-transfer: not well-formed, and not one whole item for a lenient parser to recover.
MALFORMED_FEED = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>The Unreliable '
                  "Herald</title>\n<item><title>Cut off in the middle</title><link>/unreliable-herald/news/cut-off-in")
_PRIVATE_TEXT = ("This fictional paragraph belongs to a page that should never be fetched or stored: the site "
                 "serves it only to show what a crawler would take if it ignored the rules it was given.")


# -- the command line ------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the example corpus as local news outlets on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="the port (default: a free one)")
    parser.add_argument("--per-outlet", action="store_true",
                        help="one site (a free port: an origin) per outlet, as outlets are different hosts")
    parser.add_argument("--misbehave", action="store_true", help="turn on every misbehaviour (see Misbehaviour)")
    parser.add_argument("--lifetime", type=float, default=None, help="stop after this many seconds (default: never)")
    parser.add_argument("--max-requests", type=int, default=None, help="stop after this many requests (per site)")
    parser.add_argument("--url-file", type=Path, help="write the sites' addresses here once they serve")
    parser.add_argument("--feeds-file", type=Path, help="write every outlet's RSS feed URL here, one a line")
    args = parser.parse_args(argv)
    if args.per_outlet and args.port:
        parser.error("--per-outlet takes free ports: leave --port out")
    try:
        sites = example_sites(args)
    except OSError as exc:
        print(f"cannot serve on {HOST}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    stop_all = lambda *_: [site.stop() for site in sites]  # noqa: E731
    signal.signal(signal.SIGTERM, stop_all)
    for site in sites:
        site.start()
    try:
        feeds = [url for site in sites for url in site.feed_urls()]
        # whole files or none: a script waiting for them never reads half a list
        write_whole(args.feeds_file, feeds)
        write_whole(args.url_file, [site.base_url for site in sites])
        pages = sum(len(site.pages) for site in sites)
        where = sites[0].base_url + "/" if len(sites) == 1 else f"{len(sites)} sites on {HOST}"
        print(f"serving {pages} articles of {len(feeds)} outlets on {where} (Ctrl-C stops it); feeds:", flush=True)
        for url in feeds:
            print(f"  {url}", flush=True)
        for site in sites:
            site.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop_all()
    return 0


def example_sites(args) -> list[NewsSite]:
    """The example corpus as one site, or as one site per outlet (the misbehaviour, if asked, on the first)."""
    misbehaviour = Misbehaviour.everything() if args.misbehave else Misbehaviour()
    options = {"max_requests": args.max_requests, "lifetime": args.lifetime}
    if not args.per_outlet:
        return [NewsSite.from_examples(port=args.port, misbehaviour=misbehaviour, **options)]
    outlets: dict[str, list[Page]] = {}
    for page in example_pages():
        outlets.setdefault(page.outlet, []).append(page)
    return [NewsSite(pages, misbehaviour=misbehaviour if number == 0 else Misbehaviour(), **options)
            for number, pages in enumerate(outlets.values())]


def write_whole(path: Path | None, lines: list[str]) -> None:
    if path is not None:
        partial = path.with_name(path.name + ".partial")
        partial.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        partial.replace(path)


if __name__ == "__main__":
    try:
        import newsprism  # noqa: F401 - installed, or on PYTHONPATH
    except ImportError:  # run from a checkout without installing: the source tree beside this folder
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.exit(main())
