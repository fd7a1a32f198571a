"""Intake: following feeds and sitemaps, the stage before read (fetch, sources, schedule, watch).

    from newsprism.intake import add_feeds, poll_once
    add_feeds(store, ["https://example.org/"])
    report = poll_once(store)          # what `newsprism watch --once` does; a WatchReport
"""

from .fetch import Fetched, Fetcher
from .registry import add_feeds, import_opml, list_feeds, remove_feeds
from .watch import WatchProgress, WatchReport, poll_once, poll_until_stopped

__all__ = ["Fetched", "Fetcher", "WatchProgress", "WatchReport", "add_feeds", "import_opml", "list_feeds",
           "poll_once", "poll_until_stopped", "remove_feeds"]
