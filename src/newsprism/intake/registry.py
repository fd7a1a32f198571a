"""The feeds a store follows: added by URL or from an OPML file, listed, removed. Functions over a Store, so the
command line (`newsprism feeds ...`) and programs do the same.

A feed URL may be an RSS or Atom feed, a news sitemap (or sitemap index) or a site's home page; what it is shows
at its first poll. URLs are checked and brought to one form (`urls.canonical_feed_url`) before they are stored;
a bad one is one line in `FeedChanges.problems`, and the others are still added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Feed
from ..oneline import one_line
from ..store import Store
from ..store.feeds import DEFAULT_INTERVAL
from .sources import MAX_DOCUMENT_BYTES, read_opml
from .urls import canonical_feed_url


@dataclass
class FeedChanges:
    """What adding, importing or removing feeds did."""

    added: list[str] = field(default_factory=list)     # followed from now on
    known: list[str] = field(default_factory=list)     # asked to add, followed already
    removed: list[str] = field(default_factory=list)   # no longer followed
    unknown: list[str] = field(default_factory=list)   # asked to remove, not followed
    problems: list[str] = field(default_factory=list)  # one line each

    @property
    def done(self) -> bool:
        """Whether anything asked for holds now (a feed added or already followed, one removed)."""
        return bool(self.added or self.known or self.removed)

    def to_dict(self) -> dict:
        return {name: list(getattr(self, name)) for name in ("added", "known", "removed", "unknown", "problems")}


def add_feeds(store: Store, urls: Sequence[str], *, outlet: str | None = None, discovered_from: str | None = None,
              interval: float = DEFAULT_INTERVAL) -> FeedChanges:
    """Follow these URLs (first polled at once), in one transaction; `outlet` names their articles' outlet."""
    return follow(store, [(url, outlet) for url in urls], discovered_from=discovered_from, interval=interval)


def import_opml(store: Store, path: str | Path, *, interval: float = DEFAULT_INTERVAL) -> FeedChanges:
    """Follow every feed an OPML file lists, each with its outline's title as outlet, in one transaction.
    A file that cannot be read, or is no OPML, is one problem and changes nothing."""
    listed, problems = read_opml_file(path)
    changes = follow(store, listed, interval=interval)
    changes.problems[:0] = problems
    return changes


def read_opml_file(path: str | Path) -> tuple[list[tuple[str, str | None]], list[str]]:
    """`sources.read_opml` of a file: (feed URL, outlet) pairs and one line per problem."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        return [], [f"cannot read: {one_line(exc.strerror or str(exc))}"]
    if len(data) > MAX_DOCUMENT_BYTES:
        return [], [f"too large for an OPML file (over {MAX_DOCUMENT_BYTES // 2**20} MB)"]
    return read_opml(data)


def follow(store: Store, wanted: Sequence[tuple[str, str | None]], *, discovered_from: str | None = None,
           interval: float = DEFAULT_INTERVAL) -> FeedChanges:
    """Follow each (URL, outlet) pair, in one transaction; a bad URL is a problem, the others are added."""
    changes = FeedChanges()
    valid: list[tuple[str, str | None]] = []
    for given, outlet in wanted:
        url = canonical_feed_url(given)
        if url is None:
            changes.problems.append(f"{one_line(given, 120)}: not an http(s) URL with a host")
        else:
            valid.append((url, (outlet or "").strip() or None))
    with store.write():
        for url, outlet in valid:
            [(_, added)] = store.add_feeds([url], outlet=outlet, discovered_from=discovered_from, interval=interval)
            (changes.added if added else changes.known).append(url)
    return changes


def remove_feeds(store: Store, urls: Sequence[str]) -> FeedChanges:
    """Stop following these URLs, in one transaction (their pending items go; articles already stored stay)."""
    changes = FeedChanges()
    with store.write():
        for given in urls:
            url = canonical_feed_url(given)
            if url is None:
                changes.problems.append(f"{one_line(given, 120)}: not an http(s) URL with a host")
            elif store.remove_feeds([url]):
                changes.removed.append(url)
            else:
                changes.unknown.append(url)
    return changes


def list_feeds(store: Store) -> list[Feed]:
    """Every feed followed, by URL."""
    return store.feeds()
