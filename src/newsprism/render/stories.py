"""Story lists and single stories as JSON, JSON Lines, Markdown or a terminal table."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..model import Story
from .articles import md_escape

FORMATS = ("table", "json", "jsonl", "markdown")
# What a story listing carries per story; `story ID --json` adds "articles" (and later the dossier).
FIELDS = ("id", "title", "first_published", "last_published", "article_count", "outlet_count", "outlets", "languages")


def story_record(story: Story, with_articles: bool = False) -> dict:
    record = {name: getattr(story, name) for name in FIELDS}
    if with_articles:
        record["articles"] = [member.to_dict() for member in story.articles]
    return record


def to_json(stories: Sequence[Story]) -> str:
    return json.dumps([story_record(s) for s in stories], ensure_ascii=False, indent=2) + "\n"


def to_jsonl(stories: Sequence[Story]) -> str:
    return "".join(json.dumps(story_record(s), ensure_ascii=False) + "\n" for s in stories)


def to_markdown(stories: Sequence[Story], heading: str = "Stories") -> str:
    lines = [f"# {heading}", "", f"{len(stories)} story(ies).", ""]
    lines += ["| story | title | first | last | articles | outlets | languages |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for s in stories:
        cells = [s.id, s.title, s.first_published, s.last_published, s.article_count, s.outlet_count,
                 ", ".join(s.languages)]
        lines.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
