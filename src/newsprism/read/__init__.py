"""Read: turn paths (files, folders, `-` for standard input) into raw documents.

One module per input format; this one finds the inputs, picks the format of each
(by name, then by content), enforces the size limit and attaches the outside
metadata (manifest entries, command-line hints) to every document.
"""

from __future__ import annotations

import errno
import gzip
import io
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from ..model import Hints, RawDocument, Rejection, Skipped
from .feeds import read_feed
from .html import read_html
from .manifest import MANIFEST_NAME, Manifest, ManifestError
from .records import read_json, read_jsonl
from .text import read_text
from .warc import read_warc

__all__ = ["read_paths", "read_input", "stream_name", "discover", "detect_format", "shown_path", "Manifest",
           "ManifestError", "MANIFEST_NAME"]

Item = RawDocument | Rejection | Skipped

_BY_SUFFIX = {
    ".txt": "text", ".text": "text", ".md": "text", ".markdown": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".rss": "feed", ".atom": "feed", ".xml": "feed", ".rdf": "feed",
    ".warc": "warc", ".arc": "warc",
}


def read_paths(
    paths: Iterable[str | os.PathLike],
    *,
    hints: Hints = Hints(),
    manifest: Manifest | None = None,
    max_bytes: int = 10 * 1024 * 1024,
    stdin: BinaryIO | None = None,
    follow_links: bool = False,
) -> Iterator[Item]:
    """Every document under `paths`, in a stable order, with its outside metadata attached."""
    manifest = manifest or Manifest()
    for entry in discover(paths, manifest, follow_links=follow_links):
        yield from manifest.drain_problems()
        if isinstance(entry, Rejection):
            yield entry
            continue
        path, entry_hints = entry
        yield from read_input(path, hints.over(entry_hints), max_bytes, stdin)
    yield from manifest.drain_problems()


def read_input(path: str, hints: Hints, max_bytes: int, stdin: BinaryIO | None = None) -> Iterator[Item]:
    """The documents of one input (a file, or `-` for standard input), carrying `hints`."""
    if path == "-":
        stream = stdin or sys.stdin.buffer
        items = _read_stream(stream, stream_name(stream), max_bytes)
    else:
        items = read_file(Path(path), max_bytes)
    for item in items:
        yield replace(item, hints=hints) if isinstance(item, RawDocument) else item


def stream_name(stream: BinaryIO | None) -> str:
    """How input `-` is named: the stream's own `name` when it has one (an upload's file name, which also
    tells its format), else <stdin>."""
    name = getattr(stream, "name", None)
    return name if isinstance(name, str) and name else "<stdin>"


def discover(paths: Iterable[str | os.PathLike], manifest: Manifest, *,
             follow_links: bool = False) -> Iterator[tuple[str, Hints] | Rejection]:
    """Expand folders (recursively, sorted, hidden entries left out) into files.

    A `manifest.json` in a folder is loaded on the way and describes its files. Inside a
    folder, a symbolic link is followed only when it stays inside that folder, unless
    `follow_links`; a link that leads out of it, a broken link and a link loop each give a
    Rejection instead of a file. A path named on the command line is always read.
    """
    for raw in paths:
        path = str(raw)
        if path == "-":
            yield "-", Hints()
            continue
        p = Path(path)
        if p.is_dir():
            yield from _walk(p, manifest, follow_links)
        else:
            yield path, manifest.hints_for(p)


def _walk(folder: Path, manifest: Manifest, follow_links: bool) -> Iterator[tuple[str, Hints] | Rejection]:
    top = folder.resolve()
    seen: set[tuple[int, int]] = set()  # folders entered, by device and inode: a link loop enters one twice
    for root, dirs, files in os.walk(folder, followlinks=follow_links):
        root_path = Path(root)
        if not _first_visit(root_path, seen):
            dirs[:] = []
            yield Rejection(shown_path(root_path), "symbolic link loop: folder already read, not read again")
            continue
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            problem = _link_problem(root_path / name, top, follow_links)
            if problem:
                yield problem
            elif not (root_path / name).is_symlink() or follow_links:
                kept.append(name)  # a link to a folder inside this one: its files are read there
        dirs[:] = kept
        if MANIFEST_NAME in files:
            manifest.load_quietly(root_path / MANIFEST_NAME)
        for name in sorted(files):
            if name.startswith(".") or name == MANIFEST_NAME:
                continue
            path = root_path / name
            problem = _link_problem(path, top, follow_links)
            if problem:
                yield problem
                continue
            yield str(path), manifest.hints_for(path)


def _first_visit(folder: Path, seen: set[tuple[int, int]]) -> bool:
    try:
        info = folder.stat()
    except OSError:
        return True  # os.walk reports nothing for a folder it cannot list; reading its files will say why
    key = (info.st_dev, info.st_ino)
    if key in seen:
        return False
    seen.add(key)
    return True


def _link_problem(path: Path, top: Path, follow_links: bool) -> Rejection | None:
    """Why a symbolic link inside an ingested folder is not read (None: read it, or not a link)."""
    if not path.is_symlink():
        return None
    where = shown_path(path)
    try:
        target = path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 raises this for a loop
        return Rejection(where, "symbolic link loop, not followed")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Rejection(where, "symbolic link loop, not followed")
        return Rejection(where, "broken symbolic link: its target does not exist")
    if follow_links or target == top or top in target.parents:
        return None
    return Rejection(where, "symbolic link to outside the folder, not followed (--follow-links reads it)")


def shown_path(path: str | os.PathLike) -> str:
    """A path as text that can be shown and stored: bytes of a file name that are not UTF-8
    (a Latin-1 name, say) appear as escapes (`caf\\xe9.txt`) instead of breaking the output."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read_file(path: Path, max_bytes: int) -> Iterator[Item]:
    where = shown_path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            yield Rejection(where, "not a regular file")
            return
        with path.open("rb") as handle:
            yield from _read_stream(handle, where, max_bytes, size=size)
    except FileNotFoundError:
        yield Rejection(where, "no such file or directory")
    except PermissionError:
        yield Rejection(where, "permission denied")
    except IsADirectoryError:
        yield Rejection(where, "is a directory")
    except OSError as exc:
        yield Rejection(where, f"cannot read: {exc.strerror or exc}")


def _read_stream(handle: BinaryIO, where: str, max_bytes: int, size: int | None = None) -> Iterator[Item]:
    head = handle.read(65536)
    fmt = detect_format(where, head)
    if fmt == "warc":
        yield from read_warc(_Rejoined(head, handle), where, max_bytes)
        return
    if fmt == "jsonl":
        stream: BinaryIO = io.BufferedReader(_Rejoined(head, handle), 1 << 16)
        if head.startswith(b"\x1f\x8b"):
            stream = gzip.GzipFile(fileobj=stream)
        yield from read_jsonl(stream, where, max_bytes)
        return
    rest = handle.read(max_bytes + 1 - len(head)) if len(head) <= max_bytes else b""
    data = head + rest
    if len(data) > max_bytes:
        shown = f"{size:,} bytes" if size is not None else "more than that"
        yield Rejection(where, f"too large: {shown}, over the {max_bytes:,}-byte limit (--max-bytes)")
        return
    if not data.strip():
        yield Rejection(where, "empty file")
        return
    yield from _READERS[fmt](data, where)


def _reject_binary(data: bytes, where: str) -> list[Rejection]:
    return [Rejection(where, "binary file, not a news format (text, HTML, JSON, feed or WARC)")]


_READERS = {
    "text": read_text,
    "html": read_html,
    "json": read_json,
    "feed": read_feed,
    "binary": _reject_binary,
}


def detect_format(name: str, head: bytes) -> str:
    """One of text, html, json, jsonl, feed, warc, binary: by content first where it is
    unambiguous (archives, markup), then by the file name's suffix."""
    lower = name.lower()
    if head.startswith(b"\x1f\x8b"):
        inner = _gunzip_head(head)
        if inner.startswith((b"WARC/", b"filedesc:")) or lower.endswith((".warc.gz", ".arc.gz")):
            return "warc"
        return "jsonl" if lower.endswith((".jsonl.gz", ".ndjson.gz")) else "binary"
    if head.startswith(b"WARC/"):
        return "warc"
    sniffed = _sniff_text(head)
    by_name = _BY_SUFFIX.get(Path(lower).suffix)
    if by_name == "warc" or lower.endswith((".warc.gz", ".arc.gz")):
        return "warc"  # named a WARC but not one by its content: the WARC reader says what is wrong
    if sniffed == "binary":
        return "binary"
    if by_name is None:
        return sniffed
    if by_name == "text":
        return "html" if sniffed == "html" else "text"
    if by_name == "feed":
        return "html" if sniffed == "html" else "feed"
    if by_name in ("json", "jsonl"):
        return "jsonl" if sniffed == "jsonl" else by_name
    return by_name


def _sniff_text(head: bytes) -> str:
    from .decode import looks_binary, utf16_order

    if looks_binary(head) and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    order = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else utf16_order(head)
    if order:  # sniff the markup in the decoded text
        head = head[: len(head) // 2 * 2].decode(order, errors="replace").encode("utf-8")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048].lower()
    if start.startswith((b"<!doctype html", b"<html")) or (start.startswith(b"<") and b"<body" in head.lower()):
        return "html"
    if start.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")):
        lowered = head[:4096].lower()
        return "feed" if any(tag in lowered for tag in (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")) else "html"
    if start.startswith(b"["):
        return "json"
    if start.startswith(b"{"):
        first_line = start.split(b"\n", 1)[0].strip()
        return "jsonl" if first_line.endswith(b"}") and b"\n{" in head.replace(b"\r", b"") else "json"
    return "text"


def _gunzip_head(head: bytes) -> bytes:
    try:
        return gzip.GzipFile(fileobj=io.BytesIO(head)).read(16)
    except (OSError, EOFError):
        return b""


class _Rejoined(io.RawIOBase):
    """A stream that first replays the bytes already read for sniffing."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = io.BytesIO(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._head.readinto(buffer)
        if n:
            return n
        chunk = self._rest.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)
