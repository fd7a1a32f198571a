"""Text for one line of output: a reason, an error, a title cut to length. One place for the rule."""

from __future__ import annotations

import re

_UNPRINTABLE = re.compile(r"[^\x20-\x7e\u00a0-\uffff]")


def one_line(text: str, limit: int | None = 200) -> str:
    """White space collapsed to single spaces, unprintable characters as "?", cut at `limit` with "…"."""
    line = _UNPRINTABLE.sub("?", " ".join(str(text).split()))
    return shorten(line, limit) if limit else line


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters; a cut text ends in "…"."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def describe(exc: BaseException, limit: int = 200) -> str:
    """An exception as "TypeName: message" on one line."""
    message = one_line(str(exc), limit)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
