"""What a fetched body is: a feed's items, a sitemap's pages, the child sitemaps of a sitemap index, the feeds a
home page links to; and the feeds an OPML file lists. Pure functions: bytes in, plain data out, no network.

Hostile bodies (entity bombs, binary, empty, truncated or huge XML) give `Discovered.error`, one line, never an
exception. XML is parsed without entity expansion, network access or lxml's huge-tree mode, and a document that
declares entities is refused before any parser sees it (`read.feeds.declares_entities`, the one rule).
"""

from __future__ import annotations

import json
import logging
import re
import zlib
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXException

import feedparser
from courlan.urlutils import get_hostinfo
from lxml import etree

from ..dates import parse_date, utc_time
from ..model import FeedItem
from ..oneline import describe, one_line
from ..read.decode import UndecodableError, decode_bytes, looks_binary
from ..read.feeds import ENTITIES_REFUSED, declares_entities
from .urls import canonical_feed_url, canonical_item_url

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 32 * 1024 * 1024  # a bigger body is refused: no real feed or sitemap is this large
MAX_ITEMS = 50_000                     # items read from one document (a sitemap's own limit)
MAX_FEEDS = 100                        # feeds or child sitemaps taken from one page or sitemap index

_FEED_ROOTS = frozenset({"rss", "rdf", "feed", "channel"})
_PROLOG = re.compile(r"(?:\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>))*\s*", re.DOTALL | re.IGNORECASE)
_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_EMAIL = r"[^\s@()]+@[^\s()]+"
_EMAIL_AND_NAME = re.compile(rf"^(?:{_EMAIL}\s*\((?P<after>[^()]+)\)|(?P<before>[^()]+?)\s*\({_EMAIL}\))$")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MAGIC = b"\x1f\x8b"
_JSON_FEED_TYPES = ("application/feed+json", "application/json")
# A JSON Feed item's text, fullest first, with the media type it is in.
_JSON_CONTENT = (("content_html", "text/html"), ("content_text", "text/plain"), ("summary", "text/plain"))
_XML_PARSER = dict(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True,
                   remove_pis=True, load_dtd=False)


@dataclass
class Discovered:
    """What a body holds. `error` is one line: with no items and no feeds, why nothing was found; with some,
    what was lost (a truncated feed: the items before the cut are kept)."""

    kind: str                                            # "feed", "sitemap", "sitemap-index", "page", "unknown"
    items: list[FeedItem] = field(default_factory=list)  # pending items, feed_url and seen_at filled
    feeds: list[str] = field(default_factory=list)       # feeds a page links to; child sitemaps of an index
    error: str | None = None


def discover(body: bytes, url: str, content_type: str | None, *, outlet: str | None = None) -> Discovered:
    """Read a body fetched from `url` (the final URL: relative links resolve against it). `outlet` names
    the items' outlet (the user's `--outlet`); without it, the feed's title or the news sitemap's
    publication name does."""
    try:
        return _discover(body, url, content_type, outlet)
    except Exception as exc:  # noqa: BLE001 - a parser's surprise on hostile input is one line, not a crash
        log.debug("%s: reading failed", url, exc_info=True)
        return Discovered("unknown", error=f"unreadable: {describe(exc)}")


def _discover(body: bytes, url: str, content_type: str | None, outlet: str | None) -> Discovered:
    if not body or not body.strip():
        return Discovered("unknown", error="empty response")
    if body[:2] == _GZIP_MAGIC:  # a gzipped file (sitemap.xml.gz), not a gzip transfer coding
        body, problem = _gunzipped(body)
        if problem:
            return Discovered("unknown", error=problem)
    if len(body) > MAX_DOCUMENT_BYTES:
        return Discovered("unknown", error=f"too large to read ({len(body) / 2**20:.0f} MB; the limit is "
                                           f"{MAX_DOCUMENT_BYTES // 2**20} MB)")
    if looks_binary(body):
        return Discovered("unknown", error="binary data, not a feed, sitemap or page")
    if declares_entities(body):
        return Discovered("unknown", error=f"the document {ENTITIES_REFUSED}")
    media = (content_type or "").split(";")[0].strip().lower()
    if body.lstrip()[:1] == b"{" or media in _JSON_FEED_TYPES:
        return _read_json_feed(body, url, outlet)
    root, html_doctype = _root_of(body)
    if root in _FEED_ROOTS:
        return _read_feed(body, url, outlet)
    if root == "urlset":
        return _read_sitemap(body, url, outlet)
    if root == "sitemapindex":
        return _read_sitemap_index(body, url)
    if root == "html" or html_doctype or media in _HTML_TYPES:
        return _read_page(body, url, content_type)
    return Discovered("unknown", error=f"not a feed, sitemap or page (root element {_shown_root(root)}, "
                                       f"content type {one_line(media or 'none', 60)})")


def _gunzipped(body: bytes) -> tuple[bytes, str | None]:
    """The file inside a gzip body, read no further than MAX_DOCUMENT_BYTES (a small file can inflate a
    thousandfold)."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        inner = inflater.decompress(body, MAX_DOCUMENT_BYTES + 1)
    except zlib.error as exc:
        return b"", f"broken gzip file: {_reason(exc)}"
    if len(inner) > MAX_DOCUMENT_BYTES:
        return b"", f"too large to read once unzipped (over {MAX_DOCUMENT_BYTES // 2**20} MB)"
    if not inflater.eof:
        return b"", "broken gzip file: cut off before its end"
    return inner, None


def _root_of(body: bytes) -> tuple[str | None, bool]:
    """The root element's local name (lower case) and whether an HTML doctype precedes it."""
    try:
        head = decode_bytes(body[:4096])
    except UndecodableError:
        return None, False
    head = head.lstrip("\ufeff")
    prolog = _PROLOG.match(head)
    rest = head[prolog.end():] if prolog else head
    found = _ROOT.match(rest)
    name = found.group(1).rpartition(":")[2].lower() if found else None
    return name, bool(re.search(r"<!DOCTYPE\s+html", head[:prolog.end() if prolog else 0], re.IGNORECASE))


def _shown_root(root: str | None) -> str:
    return f"<{one_line(root, 40)}>" if root else "none"


# --- feeds -----------------------------------------------------------------------


def _read_feed(body: bytes, url: str, outlet: str | None) -> Discovered:
    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
    entries = parsed.entries[:MAX_ITEMS]
    problem = parsed.get("bozo_exception")
    if not entries:
        if parsed.get("bozo"):
            return Discovered("feed", error=f"malformed feed: {_reason(problem)}")
        return Discovered("feed")  # a feed with nothing in it yet
    channel = parsed.get("feed", {})
    outlet = outlet or _text(channel.get("title"))
    language = _text(channel.get("language"))
    seen = utc_time()
    items = _unique(_feed_item(entry, url, outlet, language, seen) for entry in entries)
    if not items and isinstance(problem, SAXException):
        return Discovered("feed", error=f"malformed feed: {_reason(problem)}")
    if not items:
        return Discovered("feed", error=f"no item has a usable link ({len(entries)} item(s))")
    if isinstance(problem, SAXException):  # broken XML (a cut-off download): the items before the damage count
        return Discovered("feed", items, error=f"malformed feed: {_reason(problem)} ({len(items)} item(s) read)")
    return Discovered("feed", items)


def _feed_item(entry, feed_url: str, outlet: str | None, language: str | None, seen: str) -> FeedItem | None:
    link = _text(entry.get("link"))
    if not link:  # a guid that is a URL (RSS guid isPermaLink), else nothing to fetch
        guid = _text(entry.get("id"))
        link = guid if guid and urlsplit(guid).scheme.lower() in ("http", "https") else None
    item_url = canonical_item_url(urljoin(feed_url, link)) if link else None
    if item_url is None:
        return None
    summary, summary_type = _content(entry)
    published = _text(entry.get("published") or entry.get("updated"))
    return FeedItem(url=item_url, feed_url=feed_url, title=_text(entry.get("title")),
                    published=parse_date(published) or published, author=_author(entry),
                    language=language, outlet=outlet, summary=summary, summary_type=summary_type, seen_at=seen)


def _author(entry) -> str | None:
    """The author's name: RSS writes "desk@radio.example (Radio Newsdesk)", feedparser gives Atom's name and
    email as "Name (email)"; the name alone is kept."""
    author = _text(entry.get("author"))
    found = _EMAIL_AND_NAME.match(author or "")
    return _text(found.group("after") or found.group("before")) if found else author


def _content(entry) -> tuple[str | None, str | None]:
    """The entry's full content when it has one, else its summary; with its media type."""
    for detail in [*entry.get("content", []), entry.get("summary_detail") or {}]:
        value = (detail.get("value") or "").strip()
        if value:
            return value, detail.get("type") or "text/html"
    return None, None


# --- JSON Feed ---------------------------------------------------------------------


def _read_json_feed(body: bytes, url: str, outlet: str | None) -> Discovered:
    """JSON Feed 1.0 and 1.1 (jsonfeed.org): `items` with `url` (else an http(s) `id`), `title`,
    `content_html` / `content_text` / `summary`, `date_published`, `authors` (1.1) or `author` (1.0)."""
    try:
        feed = json.loads(decode_bytes(body))
    except (UndecodableError, ValueError, RecursionError) as exc:
        return Discovered("unknown", error=f"malformed JSON feed: {_reason(exc)}")
    if not isinstance(feed, dict) or "jsonfeed.org" not in str(feed.get("version", "")):
        return Discovered("unknown", error="JSON, but not a JSON Feed (no jsonfeed.org version)")
    entries = feed.get("items")
    if not isinstance(entries, list):
        return Discovered("feed", error="malformed JSON feed: `items` is not a list")
    outlet = outlet or _text(feed.get("title") if isinstance(feed.get("title"), str) else None)
    language = _text(feed.get("language")) if isinstance(feed.get("language"), str) else None
    seen = utc_time()
    items = _unique(_json_item(entry, url, outlet, language, seen) for entry in entries[:MAX_ITEMS]
                    if isinstance(entry, dict))
    if entries and not items:
        return Discovered("feed", error=f"no item has a usable link ({len(entries)} item(s))")
    return Discovered("feed", items)


def _json_item(entry: dict, feed_url: str, outlet: str | None, language: str | None, seen: str) -> FeedItem | None:
    def text(key: str) -> str | None:
        value = entry.get(key)
        return _text(value) if isinstance(value, str) else None

    link = text("url") or text("external_url")
    if not link and (text("id") or "").lower().startswith(("http://", "https://")):
        link = text("id")
    item_url = canonical_item_url(urljoin(feed_url, link)) if link else None
    if item_url is None:
        return None
    summary, summary_type = next(((text(key), kind) for key, kind in _JSON_CONTENT if text(key)), (None, None))
    authors = entry.get("authors") if isinstance(entry.get("authors"), list) else [entry.get("author")]
    names = [_text(author.get("name")) for author in authors if isinstance(author, dict)
             and isinstance(author.get("name"), str)]
    published = text("date_published") or text("date_modified")
    return FeedItem(url=item_url, feed_url=feed_url, title=text("title"),
                    published=parse_date(published) or published if published else None,
                    author=", ".join(name for name in names if name) or None,
                    language=text("language") or language, outlet=outlet, summary=summary, summary_type=summary_type,
                    seen_at=seen)


# --- sitemaps --------------------------------------------------------------------


def _parse_xml(body: bytes, what: str) -> tuple[etree._Element | None, str | None]:
    """The root element (what could be read of a damaged document), and the damage in one line."""
    try:
        return etree.fromstring(body, etree.XMLParser(**_XML_PARSER)), None
    except etree.XMLSyntaxError as exc:
        damage = f"malformed {what}: {one_line(str(exc), 160)}"
    try:
        root = etree.fromstring(body, etree.XMLParser(recover=True, **_XML_PARSER))
    except etree.XMLSyntaxError:
        root = None
    return root, damage


def _read_sitemap(body: bytes, url: str, outlet: str | None) -> Discovered:
    """`<urlset>`: each `<url>`'s `<loc>`, with Google News `<news:news>` metadata when present (title,
    publication date, publication name and language); `<lastmod>` stands in for the date without it."""
    root, damage = _parse_xml(body, "sitemap")
    if root is None:
        return Discovered("sitemap", error=damage)
    seen = utc_time()
    items = _unique(_sitemap_item(entry, url, outlet, seen) for entry in islice(root.iterfind("{*}url"), MAX_ITEMS))
    if damage:
        return Discovered("sitemap", items, error=f"{damage} ({len(items)} item(s) read)")
    entries = sum(1 for _ in islice(root.iterfind("{*}url"), MAX_ITEMS))
    if entries and not items:
        return Discovered("sitemap", error=f"no entry has a usable <loc> ({entries} entries)")
    return Discovered("sitemap", items)


def _sitemap_item(entry, sitemap_url: str, outlet: str | None, seen: str) -> FeedItem | None:
    loc = _text(entry.findtext("{*}loc"))
    item_url = canonical_item_url(urljoin(sitemap_url, loc)) if loc else None
    if item_url is None:
        return None
    news = entry.find("{*}news")
    title = published = name = language = None
    if news is not None:
        title = _text(news.findtext("{*}title"))
        published = _text(news.findtext("{*}publication_date"))
        name = _text(news.findtext("{*}publication/{*}name"))
        language = _text(news.findtext("{*}publication/{*}language"))
    published = published or _text(entry.findtext("{*}lastmod"))
    return FeedItem(url=item_url, feed_url=sitemap_url, title=title, published=parse_date(published) or published,
                    language=language, outlet=outlet or name, seen_at=seen)


def _read_sitemap_index(body: bytes, url: str) -> Discovered:
    """`<sitemapindex>`: each child `<sitemap>`'s `<loc>`, to be followed as feeds of their own."""
    root, damage = _parse_xml(body, "sitemap index")
    if root is None:
        return Discovered("sitemap-index", error=damage)
    locs = [_text(entry.findtext("{*}loc")) for entry in root.iterfind("{*}sitemap")]
    feeds = list(dict.fromkeys(f for f in (canonical_feed_url(urljoin(url, loc)) for loc in locs if loc) if f))
    if len(feeds) > MAX_FEEDS:
        damage = damage or f"{len(feeds)} child sitemaps; the first {MAX_FEEDS} are taken"
        feeds = feeds[:MAX_FEEDS]
    if not feeds and not damage:
        damage = "the sitemap index lists no sitemap"
    return Discovered("sitemap-index", feeds=feeds, error=damage)


# --- home pages ------------------------------------------------------------------


def _read_page(body: bytes, url: str, content_type: str | None) -> Discovered:
    """The feeds a page announces (`<link rel="alternate" type="application/rss+xml">`, else links that look
    like feeds), by trafilatura's `determine_feed`."""
    from trafilatura.feeds import FeedParameters, determine_feed  # trafilatura loads slowly: when a page comes

    charset = re.search(r"charset=([\w.:-]+)", content_type or "", re.IGNORECASE)
    try:
        markup = decode_bytes(body, charset.group(1) if charset else None)
    except UndecodableError as exc:
        return Discovered("page", error=f"undecodable page: {exc}")
    domain, _ = get_hostinfo(url)
    found = determine_feed(markup, FeedParameters(url, domain or "", url))  # relative links against the page
    feeds = list(dict.fromkeys(f for f in (canonical_feed_url(link) for link in found) if f and f != url))
    if not feeds:
        return Discovered("page", error="no feed linked from the page")
    return Discovered("page", feeds=feeds[:MAX_FEEDS])


# --- OPML ------------------------------------------------------------------------


def read_opml(data: bytes) -> tuple[list[tuple[str, str | None]], list[str]]:
    """The feeds an OPML file lists: (xmlUrl, its outline's title or text) in file order, each URL once,
    and one line per problem (a bad URL, a file that is no OPML). Categories may nest outlines."""
    if not data or not data.strip():
        return [], ["empty file, not OPML"]
    if looks_binary(data):
        return [], ["binary data, not OPML"]
    if declares_entities(data):
        return [], [f"the file {ENTITIES_REFUSED}"]
    try:
        root, damage = _parse_xml(data, "OPML")
    except Exception as exc:  # noqa: BLE001 - hostile input is one line
        return [], [f"unreadable OPML: {describe(exc)}"]
    if damage or root is None:  # the user's own file: mended and imported again, never half-imported
        return [], [damage]
    if etree.QName(root).localname.lower() != "opml":
        return [], [f"not OPML (root element {_shown_root(etree.QName(root).localname)})"]
    found: dict[str, str | None] = {}
    problems = []
    for number, outline in enumerate(root.iter("{*}outline"), start=1):
        given = next((v for k, v in outline.attrib.items() if k.lower() == "xmlurl"), None)
        if given is None:
            continue  # a category
        title = _text(outline.get("title")) or _text(outline.get("text"))
        feed_url = canonical_feed_url(given)
        if feed_url is None:
            problems.append(f"outline {number}{f' ({one_line(title, 60)})' if title else ''}: not an http(s) URL: "
                            f"{one_line(repr(given), 100)}")
        elif feed_url not in found:
            found[feed_url] = title
    if not found and not problems:
        problems.append("no feeds in the file (no outline has an xmlUrl)")
    return list(found.items()), problems


# --- shared ----------------------------------------------------------------------


def _unique(items) -> list[FeedItem]:
    """Items with a usable URL, each URL once (the first listing wins)."""
    found: dict[str, FeedItem] = {}
    for item in items:
        if item is not None and item.url not in found:
            found[item.url] = item
    return list(found.values())


def _text(value) -> str | None:
    """A feed's text value stripped; None when empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _reason(exc) -> str:
    return one_line(str(exc), 160) or type(exc).__name__ if exc is not None else "unreadable"
