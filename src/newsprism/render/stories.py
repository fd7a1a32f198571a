"""Story lists and single stories as JSON, JSON Lines, Markdown or a terminal table."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..model import Story
from .articles import md_escape

FORMATS = ("table", "json", "jsonl", "markdown")


def to_json(stories: Sequence[Story]) -> str:
    return json.dumps([s.to_dict() for s in stories], ensure_ascii=False, indent=2) + "\n"


def to_jsonl(stories: Sequence[Story]) -> str:
    return "".join(json.dumps(s.to_dict(), ensure_ascii=False) + "\n" for s in stories)


def to_markdown(stories: Sequence[Story], heading: str = "Stories") -> str:
    lines = [f"# {heading}", "", f"{len(stories)} story(ies).", ""]
    lines += ["| story | title | first | last | articles | outlets | languages |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for s in stories:
        cells = [s.id, s.title, s.first_published, s.last_published, s.article_count, s.outlet_count,
                 ", ".join(s.languages)]
        lines.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
