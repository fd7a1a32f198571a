"""The active set the online clusterer keeps of stories, and the thread linker of threads.

An item (a StoryState or a ThreadState) whose latest time is within `window` of the clock stays in memory, found
by id and by its index terms; one that ages out, or is evicted when the set holds more than `max_active` (the
least recently touched first), goes to the archive, where lookups by term and time still find it.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar


class Item(Protocol):
    id: str
    last_time: datetime | None
    touched: int

    def index_terms(self) -> list[str]: ...


T = TypeVar("T", bound=Item)


class ActiveSet(Generic[T]):
    def __init__(self, window: timedelta, max_active: int, archive):
        self.window, self.max_active, self.archive = window, max_active, archive
        self.items: dict[str, T] = {}
        self.index: dict[str, set[str]] = defaultdict(set)
        self.clock: datetime | None = None
        self._ages: list[tuple[datetime, str]] = []  # (last time, id); stale entries are skipped when popped

    def holding(self, terms: Iterable[str]) -> set[str]:
        """The ids of the items indexed by any of `terms`."""
        holders = self.index.get
        return set().union(*[holders(term, ()) for term in terms])

    def is_late(self, when: datetime) -> bool:
        return self.clock is not None and when < self.clock - self.window

    def restore(self, item: T) -> None:
        """Put a saved item back."""
        self.items[item.id] = item
        self.reindex(item, ())

    def settle(self, item: T, old_terms) -> None:
        """Index a new or changed item (indexed by `old_terms` until now) while it is recent; archive it otherwise."""
        if item.last_time is not None and self.is_late(item.last_time):
            if self.items.get(item.id) is item:  # an undated item that something of long ago dated leaves the set
                self.drop(item.id, old_terms)
            self.archive.keep(item)
            return
        self.items[item.id] = item
        self.reindex(item, old_terms)
        self.evict()

    def reindex(self, item: T, old_terms) -> None:
        """Index the item by its heaviest terms now; mostly the same terms, so only the difference is touched."""
        new_terms = item.index_terms()
        if old_terms != new_terms:
            kept = set(new_terms).intersection(old_terms)
            for term in old_terms:
                if term not in kept:
                    self._unindex(term, item.id)
            for term in new_terms:
                if term not in kept:
                    self.index[term].add(item.id)
        if item.last_time is not None and (not self._ages or self._ages[-1] != (item.last_time, item.id)):
            heapq.heappush(self._ages, (item.last_time, item.id))

    def drop(self, item_id: str, terms) -> None:
        """Take an item out of the set (indexed by `terms`), not archived."""
        del self.items[item_id]
        for term in terms:
            self._unindex(term, item_id)

    def advance(self, clock: datetime | None) -> None:
        """Move the clock forward to `clock`; what is older than the window then goes to the archive."""
        if clock is None or (self.clock is not None and clock <= self.clock):
            return
        self.clock = clock
        horizon = clock - self.window
        while self._ages and self._ages[0][0] < horizon:
            last_time, item_id = heapq.heappop(self._ages)
            item = self.items.get(item_id)
            if item is not None and item.last_time == last_time:
                self._archive(item)

    def evict(self) -> None:
        excess = len(self.items) - self.max_active
        if excess > 0:
            for item in sorted(self.items.values(), key=lambda i: (i.touched, i.id))[:excess]:
                self._archive(item)

    def _archive(self, item: T) -> None:
        self.drop(item.id, item.index_terms())
        self.archive.keep(item)

    def _unindex(self, term: str, item_id: str) -> None:
        holders = self.index.get(term)
        if holders is not None:
            holders.discard(item_id)
            if not holders:
                del self.index[term]
