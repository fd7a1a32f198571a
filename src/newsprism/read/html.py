"""HTML pages: main text and metadata.

The extraction cascade, in order:
1. trafilatura on the whole page (main text, title, author, site name, canonical
   URL, language); the publication date from the page's publication-time tags, else
   the one trafilatura found with htmldate's metadata search while extracting;
2. for fragments too small for trafilatura (feed items, JSON `html` fields), the
   text of the block elements once scripts, styles and forms are removed (lxml).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml.etree import ParserError
from lxml_html_clean import Cleaner

from ..dates import parse_date
from ..model import RawDocument, Rejection
from .decode import UndecodableError, decode_bytes

# htmldate's own output format (through trafilatura): with the time and zone when the page gives them.
_HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


@dataclass
class Extracted:
    text: str
    title: str | None = None
    author: str | None = None
    sitename: str | None = None
    url: str | None = None
    date: str | None = None
    language: str | None = None


def read_html(data: bytes, source_path: str, declared_charset: str | None = None) -> list[RawDocument | Rejection]:
    try:
        markup = decode_bytes(data, declared_charset)
    except UndecodableError as exc:
        return [Rejection(source_path, str(exc))]
    if not _TAG.search(markup[:200000]):
        return [Rejection(source_path, "not HTML: no markup in the file")]
    page = extract_page(markup)
    if page is None or not page.text.strip():
        return [Rejection(source_path, "no article text found in the HTML page")]
    return [
        RawDocument(
            source_path=source_path,
            body=page.text,
            url=page.url,
            outlet=page.sitename,
            title=page.title,
            byline=page.author,
            published=page.date,
            language=page.language,
        )
    ]


def extract_page(markup: str, url: str | None = None) -> Extracted | None:
    """Main text and metadata of a whole page, falling back to the fragment reader."""
    try:
        doc = trafilatura.bare_extraction(
            markup,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            date_extraction_params={"extensive_search": False, "original_date": True,
                                    "outputformat": _HTMLDATE_FORMAT},
        )
    except Exception:  # noqa: BLE001 - trafilatura raises many kinds on broken pages
        doc = None
    text = (doc.text or "") if doc is not None else ""
    if not text.strip():
        fragment = extract_fragment(markup)
        if not fragment:
            return None
        text = fragment
    if doc is None:
        return Extracted(text=text, title=_title_of(markup), url=url)
    return Extracted(
        text=text,
        title=doc.title or None,
        author=doc.author or None,
        sitename=_real_sitename(doc.sitename, doc.hostname),
        url=doc.url or url,
        date=publication_date(markup, doc.date),
        language=_html_lang(markup),
    )


def extract_fragment(markup: str) -> str:
    """Readable text of an HTML fragment: one line per block, scripts removed."""
    if "<" not in markup:
        return markup.strip()
    try:
        root = lxml.html.fromstring(markup)
        root = _CLEANER.clean_html(root)
    except (ParserError, ValueError, TypeError):
        return ""
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.iter(*_BLOCKS):
        block.tail = "\n" + (block.tail or "")
        if block.text is not None or len(block):
            block.text = "\n" + (block.text or "")
    text = root.text_content()
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def publication_date(markup: str, found: str | None) -> str | None:
    """The page's own publication date from its metadata, ISO 8601.

    First the explicit publication-time tags, which carry the time and zone;
    then `found`, what htmldate made of the page for trafilatura (it may prefer a
    date in the URL). htmldate fills a missing time with midnight, so a bare
    midnight without a zone becomes a date only.
    """
    declared = _declared_date(markup)
    if declared:
        return declared
    if not found:
        return None
    if found.endswith("T00:00:00"):
        return found[:10]
    if re.search(r"[+-]\d{4}$", found):
        return found[:-2] + ":" + found[-2:]
    return found


_DATE_TAGS = re.compile(
    r"""<meta[^>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|og:published_time|datePublished|"""
    r"""pubdate|publishdate|dc\.date\.issued|parsely-pub-date|sailthru\.date)["'][^>]*>"""
    r"""|<time[^>]+itemprop\s*=\s*["']datePublished["'][^>]*>|"datePublished"\s*:\s*"[^"]+\"""",
    re.I,
)
_DATE_VALUE = re.compile(r"""(?:content|datetime)\s*=\s*["']([^"']+)["']|"datePublished"\s*:\s*"([^"]+)\"""", re.I)


def _declared_date(markup: str) -> str | None:
    for tag in _DATE_TAGS.finditer(markup[:200000]):
        value = _DATE_VALUE.search(tag.group(0))
        found = parse_date(value.group(1) or value.group(2)) if value else None
        if found:
            return found
    return None


_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article", "pre")
_CLEANER = Cleaner(
    scripts=True, javascript=True, comments=True, style=True, inline_style=True, links=False,
    meta=True, page_structure=False, processing_instructions=True, embedded=True, frames=True,
    forms=True, annoying_tags=True, remove_unknown_tags=False, safe_attrs_only=True,
    kill_tags=("nav", "footer", "aside", "noscript", "template", "svg", "button"),
)
_LANG = re.compile(r"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)
_TAG = re.compile(r"<[A-Za-z!?/][^<>]*>")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def _html_lang(markup: str) -> str | None:
    match = _LANG.search(markup[:20000])
    return match.group(1).lower() if match else None


def _title_of(markup: str) -> str | None:
    match = _TITLE.search(markup[:20000])
    if not match:
        return None
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", " ", match.group(1)))).strip() or None


def _real_sitename(sitename: str | None, hostname: str | None) -> str | None:
    """trafilatura falls back to the URL's host; a host is still a fact about the page."""
    return sitename or hostname or None
