"""WARC and WARC.gz archives in Common Crawl's CC-NEWS form (warcio).

HTTP 200 HTML responses become articles with their target URI and capture date;
other records (requests, metadata, revisits, errors, images) are skipped and
counted in one line. A damaged or cut-off archive gives one line saying where it
broke; the whole records before that point are still read.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..model import RawDocument, Rejection, Skipped
from .html import read_html

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TRUNCATED = "the archive ends in the middle of a record (truncated)"


def read_warc(stream: BinaryIO, source_path: str, max_bytes: int) -> Iterator[RawDocument | Rejection | Skipped]:
    skipped = 0
    complete = 0  # records read whole
    problem = None
    archive = _Archive(stream)
    try:
        for index, record in enumerate(_records(archive), start=1):
            if index == 1 and record.format == "arc" and record.rec_type != "arc_header":
                # warcio reads any line of five words as an ARC header; a real ARC file starts with filedesc://
                raise ArchiveLoadFailed("not a WARC or ARC archive")
            page = _is_html_page(record)
            with _warcio_quiet():
                payload = record.content_stream().read(max_bytes + 1) if page else b""
                if _cut_short(record):
                    problem = _TRUNCATED
                    break
            complete = index
            if not page:
                skipped += 1
                continue
            where = f"{source_path}#record{index}"
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
        problem = _one_line(str(exc))
    except Exception as exc:  # noqa: BLE001 - a broken archive must not stop the batch
        problem = type(exc).__name__
    if archive.cut_off or _cut_off(archive):
        problem = _TRUNCATED
    if problem:
        yield Rejection(source_path, f"malformed WARC after record {complete}: {problem}")
    if skipped:
        yield Skipped(source_path, skipped, "not HTTP 200 HTML responses")
    if problem is None and complete == 0:
        yield Rejection(source_path, "empty: no WARC records")


class _Archive(ArchiveIterator):
    """warcio's iterator, noting whether the archive's last gzip member was cut off
    (warcio itself stops there without a word)."""

    cut_off = False

    def close(self):
        self.cut_off = _cut_off(self)
        super().close()


def _cut_off(archive: ArchiveIterator) -> bool:
    decompressor = archive.reader.decompressor if archive.reader else None
    return decompressor is not None and not decompressor.eof


def _cut_short(record) -> bool:
    """The archive ended before the record's declared length."""
    while record.raw_stream.read(1 << 16):
        pass
    return getattr(record.raw_stream, "limit", 0) > 0


def _records(archive: ArchiveIterator) -> Iterator:
    records = iter(archive)
    while True:
        with _warcio_quiet():
            record = next(records, None)
        if record is None:
            return
        yield record


def _warcio_quiet():
    """warcio prints its own warnings (bad lengths, zlib errors) on stderr; the reader
    reports the problem in its one line instead."""
    return contextlib.redirect_stderr(io.StringIO())


def _one_line(message: str) -> str:
    """A warcio message, which may quote binary garbage, as one short printable line."""
    return re.sub(r"[^\x20-\x7e\u00a0-\uffff]", "?", " ".join(message.split()))[:200]


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
