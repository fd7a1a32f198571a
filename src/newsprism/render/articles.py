"""Article lists as JSON, JSON Lines, CSV, Markdown or a terminal table."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from ..model import Article

FIELDS = Article.FIELDS
FORMATS = ("table", "json", "jsonl", "csv", "markdown")


def to_json(articles: Sequence[Article]) -> str:
    return json.dumps([a.to_dict() for a in articles], ensure_ascii=False, indent=2) + "\n"


def to_jsonl(articles: Sequence[Article]) -> str:
    return "".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in articles)


def to_csv(articles: Sequence[Article]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for article in articles:
        writer.writerow({k: _csv_safe(v) for k, v in article.to_dict().items()})
    return out.getvalue()


def to_markdown(articles: Sequence[Article], heading: str = "Articles") -> str:
    lines = [f"# {heading}", "", f"{len(articles)} article(s).", ""]
    lines += ["| id | outlet | published | language | title | copy of |", "| --- | --- | --- | --- | --- | --- |"]
    for a in articles:
        cells = [a.id, a.outlet, a.published, a.language, a.title or _opening(a.text), a.duplicate_of]
        lines.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def md_escape(value: object) -> str:
    """Text safe inside a Markdown table cell: no markup, no HTML, no line breaks."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_{}[]()#+!|~":
        text = text.replace(ch, "\\" + ch)
    return text


def _opening(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _csv_safe(value: object) -> object:
    """Keep spreadsheet programs from running article text as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
