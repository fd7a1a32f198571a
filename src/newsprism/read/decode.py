"""Bytes to text: the encoding cascade every reader uses.

1. a byte-order mark says the encoding;
2. UTF-8 decodes cleanly (it almost never does by accident, so it wins even over
   a declaration that names a single-byte encoding);
3. an HTML/XML declaration (or the HTTP header) names one and it decodes;
4. charset-normalizer finds an encoding that yields readable text;
otherwise the input is refused rather than decoded into garbage.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer


class UndecodableError(ValueError):
    """The bytes are binary or in no encoding we can recognise."""


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{2,40})""", re.I)
# Control characters that never occur in text (tab, newline, carriage return and
# form feed excluded); more than a few of them means a binary file.
_BINARY_BYTES = bytes(range(0, 9)) + b"\x0e\x0f" + bytes(range(0x10, 0x20))
_BINARY_TABLE = bytes.maketrans(b"", b"")


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(_BINARY_TABLE, _BINARY_BYTES))
    return controls > max(2, len(head) // 100)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode `data` to text or raise UndecodableError with a one-line reason."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"invalid {encoding} after its byte-order mark ({exc.reason})") from None
    if looks_binary(data):
        raise UndecodableError("binary file, not text")
    for encoding in _candidates(data, declared):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    guess = charset_normalizer.from_bytes(data[:1_000_000]).best()
    if guess is not None and guess.encoding:
        try:
            return data.decode(guess.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    raise UndecodableError("undecodable bytes: not UTF-8 and no other text encoding fits")


def _candidates(data: bytes, declared: str | None) -> list[str]:
    names = []
    if declared:
        names.append(declared)
    match = _DECLARED.search(data[:4096])
    if match:
        names.append(match.group(1).decode("ascii", "ignore"))
    return ["utf-8"] + [n for n in names if codecs_lookup(n) not in (None, "utf-8")]


def codecs_lookup(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
