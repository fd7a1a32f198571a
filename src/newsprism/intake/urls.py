"""Canonical item URLs: one article reached by two URLs (tracking parameters, its AMP or mobile variant) is one
item, fetched and stored once.

`canonical_item_url` applies, in order:

1. courlan's `clean_url`: white space and markup rests scrubbed, scheme and host lower-cased, default port
   dropped, tracking parameters (utm_*, fbclid, gclid, ...) removed, the remaining ones sorted.
2. AMP and mobile variants to the plain page. Each rule is narrow on purpose: a rule that merged two
   different articles would lose one of them, a rule that misses a variant only costs a duplicate fetch
   (which ingest still recognises by content). The rules:
   - an AMP cache URL (`https://www-example-com.cdn.ampproject.org/c/s/www.example.com/story`, Google's
     `https://www.google.com/amp/s/www.example.com/story`) -> the page it caches (`s/` means https);
   - a path segment exactly `amp` at the start or the end of the path (`/amp/news/story`, `/news/story/amp/`)
     is dropped, unless nothing would remain (`/amp` alone is a page of its own);
   - `.amp` right before the last segment's extension or at its end (`/story.amp.html`, `/story.amp`) is
     dropped;
   - the query parameters `amp` (empty, `1`, `true` or `yes`) and `outputType=amp` are dropped (before
     step 1 in fact: courlan reads "&amp=1" as an escaped "&");
   - a host that is `amp.`, `m.` or `mobile.` followed by a registrable domain (by the public suffix list:
     `m.bbc.co.uk`, `amp.theguardian.com`) becomes `www.` and that domain, where news sites serve their
     desktop pages; deeper hosts (`m.news.example.com`) and hosts without a known suffix are left alone.
3. `identify.canonical_url`: courlan's normal form without the fragment (the form article ids come from).

Not an http(s) URL with a host, or longer than MAX_URL_LENGTH: None.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import clean_url
from courlan.urlutils import get_tldinfo

from ..identify import canonical_url

MAX_URL_LENGTH = 2048  # longer "URLs" in feeds are garbage or data: URIs, never an article's address

_AMP_CACHE_HOST = re.compile(r"\.cdn\.ampproject\.org$")
_AMP_CACHE_PATH = re.compile(r"^/[a-z]/(s/)?(.+)$")           # /c/s/host/path: content, s = https
_GOOGLE_AMP_PATH = re.compile(r"^/amp/(s/)?([^/]+\..+)$")     # www.google.com/amp/s/host/path
_GOOGLE_HOSTS = frozenset({"google.com", "www.google.com"})
_AMP_EXTENSION = re.compile(r"\.amp(?=\.[a-z0-9]{1,5}$|$)", re.IGNORECASE)
_AMP_FLAG_VALUES = frozenset({"", "1", "true", "yes"})
_MOBILE_PREFIXES = ("amp.", "m.", "mobile.")


def canonical_item_url(url: str | None) -> str | None:
    """The one URL an article listed by a feed or sitemap is known by; None when it names no web page."""
    if not url or len(url) > MAX_URL_LENGTH:
        return None
    try:
        if urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
            return None
        cleaned = clean_url(_without_amp_flags(url.strip()))
        if not cleaned:
            return None
        canonical = canonical_url(_plain_page(_uncached(cleaned)))
        parts = urlsplit(canonical or "")
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number below 65536
    except ValueError:  # that port, a broken IPv6 host ...
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return canonical


def _uncached(url: str) -> str:
    """The page an AMP cache URL serves, else the URL."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if _AMP_CACHE_HOST.search(host):
        found = _AMP_CACHE_PATH.match(parts.path)
    elif host in _GOOGLE_HOSTS:
        found = _GOOGLE_AMP_PATH.match(parts.path)
    else:
        return url
    if not found:
        return url
    scheme = "https" if found.group(1) else "http"
    inner = urlsplit(f"{scheme}://{found.group(2)}")
    return urlunsplit((inner.scheme, inner.netloc, inner.path, parts.query, ""))


def _without_amp_flags(url: str) -> str:
    """The URL without its AMP query flags; before courlan, which reads "&amp=1" as an escaped "&"."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=_plain_query(parts.query)))


def _plain_page(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, _desktop_host(url, parts.netloc), _plain_path(parts.path), parts.query,
                       parts.fragment))


def _plain_path(path: str) -> str:
    segments = path.split("/")  # "/a/b/" -> ["", "a", "b", ""]
    inner = [i for i, s in enumerate(segments) if s]
    if len(inner) >= 2:
        if segments[inner[-1]].lower() == "amp":
            del segments[inner[-1]]
        elif segments[inner[0]].lower() == "amp":
            del segments[inner[0]]
    named = [i for i, s in enumerate(segments) if s]
    if named:
        plain = _AMP_EXTENSION.sub("", segments[named[-1]])
        segments[named[-1]] = plain or segments[named[-1]]
    return "/".join(segments)


def _plain_query(query: str) -> str:
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs
            if not (k.lower() == "amp" and v.lower() in _AMP_FLAG_VALUES)
            and not (k.lower() == "outputtype" and v.lower() == "amp")]
    return query if len(kept) == len(pairs) else urlencode(kept)


def _desktop_host(url: str, netloc: str) -> str:
    host, port = netloc.rpartition(":")[::2] if netloc.count(":") == 1 else (netloc, "")
    prefix = next((p for p in _MOBILE_PREFIXES if host.startswith(p)), None)
    if prefix is None:
        return netloc
    _, domain = get_tldinfo(url)
    if not domain or host != prefix + domain:
        return netloc
    return f"www.{domain}" + (f":{port}" if port else "")


def canonical_feed_url(url: str | None) -> str | None:
    """The URL a feed, sitemap or home page is followed under: http(s) with a host, scheme and host
    lower-cased, the default port and the fragment dropped, the query kept as given (a feed's parameters
    choose the feed: `?source=...` is no tracker there). None when it is no such URL or too long."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    default = {"http": 80, "https": 443}[scheme]
    netloc = host + (f":{port}" if port is not None and port != default else "")
    if parts.username is not None:  # credentials in a feed URL are kept as given
        netloc = parts.netloc.rpartition("@")[0] + "@" + netloc
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
