"""Bytes to text: the encoding cascade every reader uses.

1. a byte-order mark says the encoding; UTF-16 without one is told by its zero
   bytes (every other byte of Latin-script text);
2. UTF-8 decodes cleanly (it almost never does by accident, so it wins even over
   a declaration that names a single-byte encoding); a file cut off in the middle
   of its last character still counts as UTF-8;
3. an HTML/XML declaration (or the HTTP header) names one and it decodes;
4. charset-normalizer finds an encoding that yields readable text; where
   Windows-1252 reads the bytes as cleanly as its guess and the text is in a
   Western European language, Windows-1252 wins (charset-normalizer tends to pick
   DOS and Central European code pages for mostly-ASCII Western text: "“quoted”"
   became "ôquotedö", "près" became "prčs");
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
# Control characters that never occur in text (tab, newline, carriage return, form
# feed and the escape of terminal colour codes excluded); more than a few of them
# means a binary file. A stray NUL or two is damage in a text file, not a sign of binary.
_BINARY_BYTES = bytes(range(0, 9)) + b"\x0e\x0f" + bytes(range(0x10, 0x1B)) + bytes(range(0x1C, 0x20))
_BINARY_TABLE = bytes.maketrans(b"", b"")


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if not head or utf16_order(head):
        return False
    controls = len(head) - len(head.translate(_BINARY_TABLE, _BINARY_BYTES))
    return controls > max(2, len(head) // 100)


def utf16_order(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for UTF-16 text without a byte-order mark, else None.

    Text in a Latin, Greek or Cyrillic script has a zero byte in most of its odd (little-endian)
    or even (big-endian) positions and almost none in the others; decoding must then give
    printable text.
    """
    head = data[:8192]
    if len(head) < 8:
        return None
    pairs = len(head) // 2
    even, odd = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    for zeros, others, order in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= 0.3 * pairs and others <= 0.05 * pairs:
            try:
                text = head[: 2 * pairs].decode(order)
            except UnicodeDecodeError:
                continue
            if sum(ch.isprintable() or ch.isspace() for ch in text) >= 0.95 * len(text):
                return order
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode `data` to text or raise UndecodableError with a one-line reason."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"invalid {encoding} after its byte-order mark ({exc.reason})") from None
    order = utf16_order(data)
    if order:
        try:
            return data[: len(data) // 2 * 2].decode(order)
        except UnicodeDecodeError as exc:
            raise UndecodableError(f"invalid UTF-16 ({exc.reason})") from None
    if looks_binary(data):
        raise UndecodableError("binary file, not text")
    for encoding in _candidates(data, declared):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and _cut_utf8(data, exc):
                return data[: exc.start].decode("utf-8")
            if encoding == "utf-8" and _mostly_utf8(data):
                return data.decode("utf-8", errors="replace")
        except LookupError:
            continue
    guess = charset_normalizer.from_bytes(data[:1_000_000]).best()
    if guess is not None and guess.encoding:
        encoding = guess.encoding if codecs_lookup(guess.encoding) == "cp1252" else _western_or(guess, data)
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    raise UndecodableError("undecodable bytes: not UTF-8 and no other text encoding fits")


def _cut_utf8(data: bytes, error: UnicodeDecodeError) -> bool:
    """UTF-8 up to a last character cut short (a truncated file), with real UTF-8 before it."""
    return error.reason == "unexpected end of data" and not data[: error.start].isascii()


def _mostly_utf8(data: bytes) -> bool:
    """Real UTF-8 (it has valid multi-byte characters) with a few stray bytes: keep the
    article, with U+FFFD for the stray bytes, rather than lose it or misread all of it."""
    text = data.decode("utf-8", errors="replace")
    stray = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return 0 < stray <= max(3, len(data) // 10000) and multibyte >= 2 * stray


# Languages written in Windows-1252 (codes as py3langid gives them).
_WESTERN = frozenset(
    "af br ca co da de en es eu fi fo fr fy ga gd gl id is it la lb ms nl nn no oc pt sq sv sw tl wa".split()
)


def _western_or(guess, data: bytes) -> str:
    """Windows-1252 when it reads `data` as cleanly as charset-normalizer's guess and
    the text is in a Western European language (or too short to tell)."""
    from ..normalize import detect_language

    western = charset_normalizer.from_bytes(data[:1_000_000], cp_isolation=["cp1252"]).best()
    if western is None or western.chaos > guess.chaos:
        return guess.encoding
    language = detect_language(None, str(western))
    return "cp1252" if language is None or language in _WESTERN else guess.encoding


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
