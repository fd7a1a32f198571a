"""Threads (the stories of one ongoing subject) as JSON or a terminal listing."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..model import Thread


def to_json(threads: Sequence[Thread]) -> str:
    return json.dumps([t.to_dict() for t in threads], ensure_ascii=False, indent=2) + "\n"


def print_terminal(threads: Sequence[Thread], out: Console) -> None:
    """Each thread as a heading line and a table of its stories; article text is escaped, never markup."""
    if not threads:
        out.print("no threads")
    for thread in threads:
        span = " to ".join(dict.fromkeys(t[:10] for t in (thread.first_published, thread.last_published) if t))
        out.print(f"[bold]thread {escape(thread.id)}[/bold]: {escape(thread.title or '')}")
        out.print(f"  {thread.story_count} stories, {thread.article_count} articles, {thread.outlet_count} outlets"
                  + (f", {span}" if span else ""))
        table = Table(show_lines=False, box=None, padding=(0, 1, 0, 2))
        table.add_column("story", no_wrap=True)
        table.add_column("last", no_wrap=True)
        table.add_column("art.", justify="right")
        table.add_column("outl.", justify="right")
        table.add_column("title", overflow="fold", ratio=1)
        for s in thread.stories:
            cells = (s.id, (s.last_published or "")[:16], s.article_count, s.outlet_count, s.title)
            table.add_row(*(escape(str(v)) if v not in (None, "") else "" for v in cells))
        out.print(table)
