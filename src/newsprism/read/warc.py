"""WARC and WARC.gz archives in Common Crawl's CC-NEWS form (warcio).

HTTP 200 HTML responses become articles with their target URI and capture date;
other records (requests, metadata, revisits, errors, images) are skipped and
counted in one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..model import RawDocument, Rejection, Skipped
from .html import read_html

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(stream: BinaryIO, source_path: str, max_bytes: int) -> Iterator[RawDocument | Rejection | Skipped]:
    skipped = 0
    found = 0
    index = 0
    try:
        for index, record in enumerate(ArchiveIterator(stream), start=1):
            if not _is_html_page(record):
                skipped += 1
                continue
            found += 1
            where = f"{source_path}#record{index}"
            payload = record.content_stream().read(max_bytes + 1)
            if len(payload) > max_bytes:
                yield Rejection(where, f"page is over the {max_bytes:,}-byte limit")
                continue
            charset = _charset(record.http_headers.get_header("Content-Type") or "")
            for item in read_html(payload, where, declared_charset=charset):
                if isinstance(item, RawDocument):
                    item.url = record.rec_headers.get_header("WARC-Target-URI") or item.url
                    item.captured = record.rec_headers.get_header("WARC-Date")
                yield item
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        yield Rejection(source_path, f"malformed WARC after record {index}: {' '.join(str(exc).split())[:200]}")
    except Exception as exc:  # noqa: BLE001 - a broken archive must not stop the batch
        yield Rejection(source_path, f"malformed WARC after record {index}: {type(exc).__name__}")
    if skipped:
        yield Skipped(source_path, skipped, "not HTTP 200 HTML responses")
    if found == 0 and index == 0:
        yield Rejection(source_path, "empty: no WARC records")


def _is_html_page(record) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    if record.http_headers.get_statuscode() != "200":
        return False
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return any(t in content_type for t in _HTML_TYPES)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ")
    return None
