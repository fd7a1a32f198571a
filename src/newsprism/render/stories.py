"""Story lists and single stories as JSON, JSON Lines, Markdown or a terminal table."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..model import Story, StoryEvent
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


def history_to_dict(story: Story, events: Sequence[StoryEvent], merged_into: str | None = None,
                    merged_ids: Sequence[str] = ()) -> dict:
    """`story ID --history --json`: the story, the ids merged into it, and its changes in order."""
    data = {"id": story.id, "title": story.title, "merged_ids": list(merged_ids),
            "history": [e.to_dict() for e in events]}
    if merged_into:
        data["merged_into"] = merged_into
    return data


def event_text(event: StoryEvent) -> str:
    """One change of a story as a sentence naming both stories (a story's history holds the other side of a
    split or a move too)."""
    articles = ", ".join(event.articles)
    count = f"{len(event.articles)} article(s)"
    if event.kind == "created":
        return f"story {event.story_id} began with article {articles}"
    if event.kind == "joined":
        return f"article {articles} joined story {event.story_id}"
    if event.kind == "merged":
        return f"story {event.other_story_id} merged into story {event.story_id} ({count}: {articles})"
    if event.kind == "split":
        return f"{count} split off story {event.story_id} into story {event.other_story_id}: {articles}"
    if event.kind == "moved":
        return f"article {articles} moved from story {event.other_story_id} to story {event.story_id}"
    return f"{event.kind}: {articles}"


def why(event: StoryEvent) -> str:
    """Who or what made a change, and on what evidence when the assigner made it by itself."""
    return f"{event.reason}: {event.note}" if event.note else event.reason


def history_to_text(story: Story, events: Sequence[StoryEvent]) -> str:
    """A story's history as tab-separated lines: when, kind, why, who, what happened."""
    lines = [f"# history of story {story.id}: {story.title or ''}"]
    lines += [f"{e.at}\t{e.kind}\t{why(e)}\t{e.who or ''}\t{event_text(e)}" for e in events]
    return "\n".join(lines) + "\n"
