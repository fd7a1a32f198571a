"""Plain text and Markdown files: the text as it is; headline and dateline are found later."""

from __future__ import annotations

from ..model import RawDocument, Rejection
from .decode import UndecodableError, decode_bytes


def read_text(data: bytes, source_path: str) -> list[RawDocument | Rejection]:
    try:
        body = decode_bytes(data)
    except UndecodableError as exc:
        return [Rejection(source_path, str(exc))]
    if not body.strip():
        return [Rejection(source_path, "empty: no text")]
    return [RawDocument(source_path=source_path, body=body)]
