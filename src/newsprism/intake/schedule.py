"""When to poll a feed again, and when to retry a page: pure functions of what the last poll found.

- A feed that brought new items is polled sooner (its interval halves), one that brought none later
  (the interval grows by half), always within `min_interval` and `max_interval`: a wire feed that
  publishes every few minutes settles near the minimum, a weekly column near the maximum.
- A failure backs off exponentially from the feed's interval (doubling per consecutive failure, up to
  `max_backoff`), with jitter so feeds that failed together (one host down) do not return together;
  a `Retry-After` from the server is a floor. A feed is never dropped: after `max_backoff` it is still
  polled, that rarely, and shown unhealthy.
- The jitter is drawn from a generator seeded by the URL and the failure count, so a run is repeatable.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from ..config import IntakeSettings

# Consecutive failures of one page before its item is given up as failed; first retry after this many seconds.
PAGE_RETRY_SECONDS = 60.0
MAX_PAGE_RETRY_SECONDS = 3600.0


def now_utc() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """The store's time format (ISO 8601 UTC, seconds): strings that compare in time order."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def after(moment: datetime, seconds: float) -> str:
    return stamp(moment + timedelta(seconds=seconds))


def next_interval(interval: float, new_items: int, settings: IntakeSettings) -> float:
    """The poll interval after a successful poll that found `new_items` items not seen before."""
    changed = interval * (0.5 if new_items else 1.5)
    return min(settings.max_interval, max(settings.min_interval, changed))


def failure_delay(url: str, failures: int, interval: float, settings: IntakeSettings,
                  retry_after: float | None = None) -> float:
    """Seconds before polling a feed again after its `failures`-th consecutive failure."""
    base = min(settings.max_backoff, max(interval, settings.min_interval) * 2 ** max(failures - 1, 0))
    delay = base * _jitter(url, failures)
    return min(settings.max_backoff, max(delay, retry_after or 0.0))


def page_retry_delay(url: str, tries: int, retry_after: float | None = None) -> float:
    """Seconds before fetching a page again after its `tries`-th failed try: what the server asked for
    (Retry-After) when it said, else a backoff from a minute doubling per try, with jitter."""
    if retry_after is not None:
        return retry_after
    base = min(MAX_PAGE_RETRY_SECONDS, PAGE_RETRY_SECONDS * 2 ** max(tries - 1, 0))
    return base * _jitter(url, tries)


def _jitter(url: str, count: int) -> float:
    """A factor in [0.75, 1.25), the same for the same URL and count."""
    return 0.75 + random.Random(f"{url}\n{count}").random() / 2
