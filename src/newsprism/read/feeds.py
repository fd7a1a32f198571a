"""RSS and Atom feeds (feedparser): one article per item.

The item's full content when the feed carries it, else its summary.
"""

from __future__ import annotations

import codecs
import re
from xml.sax import SAXException

import feedparser

from ..model import RawDocument, Rejection
from ..oneline import one_line
from .decode import utf16_order
from .html import extract_fragment

# An internal DTD subset that declares entities: no news feed needs one, and expanding
# them ("billion laughs") can take gigabytes, so such a feed is not parsed at all.
# One rule for every XML newsprism parses (feeds read from files, and intake's feeds, sitemaps and OPML).
_DECLARES_ENTITIES = re.compile(rb"<!DOCTYPE[^\[>]*\[[^\]]*<!ENTITY", re.IGNORECASE | re.DOTALL)
ENTITIES_REFUSED = "declares XML entities (<!ENTITY>): refused, their expansion can exhaust memory"


def declares_entities(data: bytes) -> bool:
    """Whether an XML document declares entities in an internal DTD subset (in its first megabyte, where
    the prolog is): such a document is not parsed at all. UTF-16 and UTF-32 are looked at as text, so the
    declaration cannot hide between zero bytes."""
    head = data[:1_000_000]
    wide = next((name for bom, name in _WIDE_BOMS if head.startswith(bom)), None) or utf16_order(head)
    if wide:
        head = head[: len(head) // 4 * 4].decode(wide, errors="replace").encode("utf-8")
    return _DECLARES_ENTITIES.search(head) is not None


_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
              (codecs.BOM_UTF16_BE, "utf-16"))


def read_feed(data: bytes, source_path: str) -> list[RawDocument | Rejection]:
    if declares_entities(data):
        return [Rejection(source_path, f"feed {ENTITIES_REFUSED}")]
    try:
        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    except Exception as exc:  # noqa: BLE001 - feedparser can raise on pathological XML
        return [Rejection(source_path, f"malformed feed: {_one_line(exc)}")]
    if not parsed.entries:
        if parsed.get("bozo"):
            return [Rejection(source_path, f"malformed feed: {_one_line(parsed.get('bozo_exception'))}")]
        return [Rejection(source_path, "empty: the feed has no items")]
    channel = parsed.get("feed", {})
    outlet = (channel.get("title") or "").strip() or None
    language = (channel.get("language") or "").strip() or None
    items = [_entry(entry, f"{source_path}#item{i + 1}", outlet, language) for i, entry in enumerate(parsed.entries)]
    documents = [item for item in items if isinstance(item, RawDocument)]
    if isinstance(parsed.get("bozo_exception"), SAXException) and len(documents) < len(items):
        # Broken XML (a cut-off download, say) that cost items their text: the items
        # feedparser could still read are kept, the damage is told in one line.
        read = f" ({len(documents)} of {len(items)} items read)" if documents else ""
        return documents + [Rejection(source_path, f"malformed feed: {_one_line(parsed.bozo_exception)}{read}")]
    return items


def _entry(entry, where: str, outlet: str | None, language: str | None) -> RawDocument | Rejection:
    text = _entry_text(entry)
    if not text:
        return Rejection(where, "feed item has neither content nor summary")
    return RawDocument(
        source_path=where,
        body=text,
        url=(entry.get("link") or "").strip() or None,
        outlet=outlet,
        title=(entry.get("title") or "").strip() or None,
        byline=(entry.get("author") or "").strip() or None,
        published=(entry.get("published") or entry.get("updated") or "").strip() or None,
        language=language,
        record_id=(entry.get("id") or "").strip() or None,
    )


def _entry_text(entry) -> str:
    """Full content first, then the summary; each may be HTML or plain text."""
    candidates = [c for c in entry.get("content", []) if c.get("value")]
    if entry.get("summary"):
        candidates.append(entry.get("summary_detail") or {"value": entry["summary"], "type": "text/html"})
    for candidate in candidates:
        value = candidate.get("value", "")
        text = value.strip() if candidate.get("type") == "text/plain" else extract_fragment(value)
        if text:
            return text
    return ""


def _one_line(exc) -> str:
    return one_line(str(exc)) or type(exc).__name__
