"""WARC and WARC.gz archives in Common Crawl's CC-NEWS form (warcio).

HTTP 200 HTML responses become articles with their target URI and capture date;
other records (requests, metadata, revisits, errors, images) are skipped and
counted in one line. A damaged or cut-off archive gives one line saying where it
broke; the whole records before that point are still read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader, DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed

from ..model import RawDocument, Rejection, Skipped
from ..oneline import one_line
from .html import read_html

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TRUNCATED = "the archive ends in the middle of a record (truncated)"


def read_warc(stream: BinaryIO, source_path: str, max_bytes: int) -> Iterator[RawDocument | Rejection | Skipped]:
    skipped = 0
    complete = 0  # records read whole
    problem = None
    archive = _Archive(stream)
    try:
        for index, record in enumerate(archive, start=1):
            if index == 1 and record.format == "arc" and record.rec_type != "arc_header":
                # warcio reads any line of five words as an ARC header; a real ARC file starts with filedesc://
                raise ArchiveLoadFailed("not a WARC or ARC archive")
            page = _is_html_page(record)
            payload = _content_stream(record).read(max_bytes + 1) if page else b""
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
        problem = one_line(str(exc))
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

    def __init__(self, stream: BinaryIO):
        super().__init__(stream)
        self.reader = _QuietDecompressingReader(self.fh)  # nothing was read through warcio's own yet

    def _consume_blanklines(self):
        """warcio's, telling of a record not followed by a blank line through the log, not on stderr."""
        empty_size, first_line = 0, True
        while True:
            line = self.reader.readline()
            if not line:
                return None, empty_size
            if line.strip() and not first_line:
                return line, empty_size
            empty_size += len(line)
            if line.strip():
                log.info("WARC record not followed by a blank line (its Content-Length may be wrong)")
                self.err_count += 1
            first_line = False

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


class _QuietDecompression:
    """warcio writes a decompression error in the middle of a stream to sys.stderr itself; these
    readers log it instead (the reader's one line reports the damage), changing nothing process-wide."""

    def _decompress(self, data):
        if self.decompressor and data and self.num_block_read:
            try:
                return self.decompressor.decompress(data)
            except Exception as exc:  # noqa: BLE001 - what warcio does: give up on the rest of the stream
                log.info("WARC: cannot decompress: %s", exc)
                return b""
        return super()._decompress(data)  # the first block: warcio's guess of deflate vs plain


class _QuietDecompressingReader(_QuietDecompression, DecompressingBufferedReader):
    pass


class _QuietReader(_QuietDecompression, BufferedReader):
    pass


class _QuietChunkedReader(_QuietDecompression, ChunkedDataReader):
    pass


def _content_stream(record):
    """warcio's `record.content_stream()`, on the quiet readers."""
    if not record.http_headers:
        return record.raw_stream
    encoding = (record.http_headers.get_header("content-encoding") or "").lower() or None
    if encoding not in BufferedReader.get_supported_decompressors():
        encoding = None
    if record.http_headers.get_header("transfer-encoding") == "chunked":
        return _QuietChunkedReader(record.raw_stream, decomp_type=encoding)
    return _QuietReader(record.raw_stream, decomp_type=encoding) if encoding else record.raw_stream





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
