"""JSON and JSON Lines records: one article per object.

Fields: `text` or `html`, plus any of `title`, `url`, `outlet`, `published`,
`language`, `byline`, `id`. Common names from other tools (news-please's
`maintext` and `date_publish`, `headline`, `author`, ...) are accepted too.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any, BinaryIO

from ..model import RawDocument, Rejection
from ..oneline import one_line
from .decode import UndecodableError, decode_bytes
from .html import extract_page

# Our field name, then the names other tools use for it, in order of preference.
_ALIASES = {
    "title": ("title", "headline"),
    "url": ("url", "link", "canonical_url"),
    "outlet": ("outlet", "source", "source_domain", "site_name", "sitename", "publisher"),
    "published": ("published", "date_publish", "published_at", "pubDate", "date"),
    "language": ("language", "lang"),
    "byline": ("byline", "author", "authors"),
    "id": ("id",),
}
_TEXT_FIELDS = ("text", "maintext", "content", "body")
_TOO_DEEP = "malformed JSON: nested too deeply to be a news record"


def read_json(data: bytes, source_path: str) -> list[RawDocument | Rejection]:
    """A JSON file holding one record or a list of records."""
    try:
        # strict=False: a raw control character (a NUL) in a string is damage, not a reason to lose the record.
        value = json.loads(decode_bytes(data), strict=False)
    except UndecodableError as exc:
        return [Rejection(source_path, str(exc))]
    except json.JSONDecodeError as exc:
        return [Rejection(source_path, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]
    except RecursionError:
        return [Rejection(source_path, _TOO_DEEP)]
    if isinstance(value, dict):
        return [record_to_document(value, source_path)]
    if isinstance(value, list):
        if not value:
            return [Rejection(source_path, "empty: the JSON list holds no records")]
        return [record_to_document(item, f"{source_path}[{i}]") for i, item in enumerate(value)]
    kind = {"int": "number", "float": "number", "str": "string", "bool": "true/false", "NoneType": "null"}
    shown = kind.get(type(value).__name__, type(value).__name__)
    return [Rejection(source_path, f"JSON holds a {shown}, not a record or a list of records")]


def read_jsonl(stream: BinaryIO, source_path: str, max_bytes: int) -> Iterator[RawDocument | Rejection]:
    """JSON Lines, streamed: a bad line is reported and the rest still read."""
    try:
        yield from _records(stream, source_path, max_bytes)
    except (OSError, EOFError) as exc:  # a truncated or corrupt .jsonl.gz
        yield Rejection(source_path, f"unreadable after the last good line: {one_line(str(exc))}")


def _records(stream: BinaryIO, source_path: str, max_bytes: int) -> Iterator[RawDocument | Rejection]:
    seen = 0
    for number, line in enumerate(_lines(stream, max_bytes), start=1):
        where = f"{source_path}:{number}"
        if line is None:
            yield Rejection(where, f"record is over the {max_bytes:,}-byte limit")
            continue
        line = line.strip(b" \t\r\n\x00")  # NUL padding (a writer that died, a preallocated file) is no record
        if not line:
            continue
        seen += 1
        try:
            value = json.loads(decode_bytes(line), strict=False)
        except UndecodableError as exc:
            yield Rejection(where, str(exc))
            continue
        except json.JSONDecodeError as exc:
            yield Rejection(where, f"malformed JSON: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield Rejection(where, _TOO_DEEP)
            continue
        yield record_to_document(value, where)
    if seen == 0:
        yield Rejection(source_path, "empty: no JSON records")


def _lines(stream: BinaryIO, max_bytes: int) -> Iterator[bytes | None]:
    """Lines of at most `max_bytes`; a longer line is drained and given as None."""
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
            yield None
            continue
        yield line


def record_to_document(record: Any, where: str) -> RawDocument | Rejection:
    if not isinstance(record, dict):
        return Rejection(where, f"record is a {type(record).__name__}, not a JSON object")
    fields = {name: _first(record, keys) for name, keys in _ALIASES.items()}
    for key in (*_TEXT_FIELDS, "html", "raw_html"):
        problem = _not_text(record.get(key))
        if problem:
            return Rejection(where, f"the {key!r} field holds {problem}, not text")
    text = _first(record, _TEXT_FIELDS)
    html = _first(record, ("html", "raw_html"))
    if text:
        body = text
    elif html:
        page = extract_page(html, url=fields["url"])
        if page is None or not page.text.strip():
            return Rejection(where, "no article text found in the record's html")
        body = page.text
        fields["title"] = fields["title"] or page.title
        fields["byline"] = fields["byline"] or page.author
        fields["published"] = fields["published"] or page.date
    else:
        return Rejection(where, "record has no text or html field")
    return RawDocument(
        source_path=where,
        body=body,
        url=fields["url"],
        outlet=fields["outlet"],
        title=fields["title"],
        byline=fields["byline"],
        published=fields["published"],
        language=fields["language"],
        record_id=fields["id"],
    )


def _not_text(value: Any) -> str | None:
    """What a text field holds when it is not text (a string, or a list of strings: its paragraphs)."""
    if value is None or isinstance(value, str):
        return None
    if isinstance(value, list):
        odd = next((item for item in value if not isinstance(item, str)), None)
        return None if odd is None else f"a list holding {_kind(odd)}"
    return _kind(value)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    names = {int: "a number", float: "a number", dict: "an object", list: "a list", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _first(record: dict, keys: tuple[str, ...]) -> str | None:
    """The first of `keys` holding a usable value, as text; lists of names are joined."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, list) and key in _TEXT_FIELDS:
            value = "\n\n".join(v for v in value if isinstance(v, str) and v.strip())  # paragraphs
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value if isinstance(v, (str, int, float)) and str(v).strip())
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
