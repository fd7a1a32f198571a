"""Watch: poll the due feeds, queue their items, fetch the pages and store them through ingest.

One poll (`poll_once`), in order:
1. Every due feed is fetched with its stored validators (ETag, Last-Modified): a 304 costs nothing.
2. What came back is recognized (`sources.discover`): a feed's or a sitemap's items are queued in the
   store, each canonical item URL once for good (so an item seen again is never fetched again); a home
   page's feeds and a sitemap index's children become feeds themselves, polled in the same run.
   Queueing the items and the feed's new validators and schedule is one transaction.
3. Every queued item due for a try is stored: from the feed's own text when it carries the whole
   article, else from its page (fetched and extracted); the feed's title, date, author and outlet fill
   what the page lacks. An item whose URL is stored already is finished without a request.
4. The documents go through `ingest_documents` (normalize, identify, near-copies, stories) in batches;
   each item is marked done after its article committed.

A process killed anywhere loses nothing: items are in the store before their page is fetched, and an
item still pending after a kill is found stored (by its URL's id) or fetched and stored again, which
ingest recognizes as a duplicate. Store work runs on one thread (one writer); fetching on the event
loop; extraction in a small thread pool.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import Message

from ..config import Settings
from ..identify import id_from_stored
from ..ingest import IngestSession, ingest_documents
from ..model import Feed, FeedItem, IngestReport, RawDocument, Rejection
from ..oneline import describe
from ..read.html import extract_fragment, read_html
from ..store import Store
from .fetch import Fetched, Fetcher
from .schedule import after, failure_delay, next_interval, now_utc, page_retry_delay, stamp
from .sources import discover

log = logging.getLogger(__name__)

# A feed item whose own text has at least this many words carries the article (content:encoded, a full
# Atom <content>): its page is not fetched. Summaries and teasers are a sentence or two.
FULL_TEXT_WORDS = 150
# Documents stored per transaction while pages arrive; items fetched per round of the queue.
WRITE_BATCH = 50
ITEMS_PER_ROUND = 2000
# A page whose next try comes within this many seconds (a short Retry-After) is tried again in the same run.
RETRY_WITHIN_RUN = 10.0
# Pages are extracted in worker processes when a round has this many (a big backlog): in threads, extraction
# holds the interpreter lock the event loop and the store thread need (2,000 pages: 58 articles/s in threads).
# Smaller rounds use threads: starting the workers (importing trafilatura in each) costs about a second.
EXTRACT_IN_PROCESSES = 200
# HTTP statuses worth trying again later; any other failed status is given up at once.
_TRANSIENT = {408, 425, 429, 500, 502, 503, 504}
# Failures without a status (the fetcher's reasons) that trying again cannot mend; any other (DNS, refused,
# timed out, a Retry-After hold) may pass.
_LASTING = ("disallowed by robots.txt", "size cap", "too many redirects", "not an http(s) URL",
            "unsupported content encoding")


@dataclass
class WatchReport:
    """What one poll did (the CLI prints it as the run's summary)."""

    feeds_polled: int = 0
    not_modified: int = 0
    failed: int = 0  # feeds whose poll failed
    feeds_found: int = 0  # feeds discovered on home pages and in sitemap indexes
    items_queued: int = 0  # item URLs seen for the first time
    pages_fetched: int = 0
    pages_failed: int = 0  # items whose page failed in this run and was not stored after all
    new_articles: int = 0
    duplicates: int = 0
    new_stories: int = 0
    failures: list[str] = field(default_factory=list)  # one line each: "URL: reason"

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def summary(self) -> str:
        return (f"{self.feeds_polled} feeds polled ({self.not_modified} not modified, {self.failed} failed), "
                f"{self.new_articles} new articles, {self.duplicates} duplicates, {self.pages_failed} pages failed, "
                f"{self.new_stories} new stories")


@dataclass
class WatchProgress:
    """Callbacks a front end can use; all optional."""

    on_failure: Callable[[str], None] = lambda line: None
    on_feed: Callable[[Feed, str], None] = lambda feed, outcome: None
    on_stored: Callable[[WatchReport], None] = lambda report: None


def poll_once(store: Store, settings: Settings = Settings(), *, progress: WatchProgress | None = None,
              stop: threading.Event | None = None, session: IngestSession | None = None) -> WatchReport:
    """Poll every due feed once and store what it brought; `stop` set ends the run after the current
    writes. A caller polling again and again (`watch`) passes the same ingest `session`."""
    run = _Run(store, settings, progress or WatchProgress(), stop or threading.Event(),
               session or IngestSession(store, settings))
    return asyncio.run(run.poll())


def poll_until_stopped(store: Store, settings: Settings = Settings(), *, progress: WatchProgress | None = None,
                       stop: threading.Event | None = None,
                       on_run: Callable[[WatchReport], None] = lambda report: None, max_sleep: float = 60.0) -> None:
    """Poll until `stop` is set: each run as `poll_once`, then sleep until the next feed is due."""
    stop = stop or threading.Event()
    session = IngestSession(store, settings)
    while not stop.is_set():
        on_run(poll_once(store, settings, progress=progress, stop=stop, session=session))
        stop.wait(_seconds_until_due(store, max_sleep))


def _seconds_until_due(store: Store, max_sleep: float) -> float:
    upcoming = [feed.next_poll for feed in store.feeds() if feed.next_poll]
    if not upcoming:
        return max_sleep
    due = datetime.fromisoformat(min(upcoming))
    return min(max_sleep, max(1.0, (due - now_utc()).total_seconds()))


class _Run:
    """One poll: the fetcher, the store thread and the report."""

    def __init__(self, store: Store, settings: Settings, progress: WatchProgress, stop: threading.Event,
                 session: IngestSession):
        self.store, self.settings, self.progress, self.stop = store, settings, progress, stop
        self.session = session
        self.report = WatchReport()
        self._db = ThreadPoolExecutor(1, thread_name_prefix="newsprism-store")  # the one writer
        self._work = ThreadPoolExecutor(2, thread_name_prefix="newsprism-extract")
        self._extractors: ProcessPoolExecutor | None = None  # for big rounds (EXTRACT_IN_PROCESSES)
        self._extractors_broken = False
        self._fetch_log: list[tuple] = []
        self._failed_pages: set[str] = set()  # items whose last try in this run failed

    async def poll(self) -> WatchReport:
        try:
            robots = await self._in_store(self.store.robots_records)
            async with Fetcher(self.settings.intake, robots_cache=dict(robots)) as fetcher:
                self.fetcher = fetcher
                try:
                    await self._poll_feeds()
                    await self._store_items()
                finally:
                    fresh = {origin: record for origin, record in fetcher.robots_cache.items()
                             if robots.get(origin) != record}
                    await self._in_store(self._save, fresh)
            self.report.pages_failed = len(self._failed_pages)
        finally:
            self._db.shutdown(wait=True)  # a cancelled run still finishes (commits) the write under way
            self._work.shutdown(wait=True)
            if self._extractors is not None:
                self._extractors.shutdown(wait=True, cancel_futures=True)
        return self.report

    async def _in_store(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self._db, function, *args)

    # --- feeds -------------------------------------------------------------------------------

    async def _poll_feeds(self) -> None:
        polled: set[str] = set()
        while not self.stop.is_set():
            due = [feed for feed in await self._in_store(self.store.due_feeds, stamp(now_utc()))
                   if feed.url not in polled]
            if not due:
                return
            polled.update(feed.url for feed in due)
            await asyncio.gather(*(self._poll_feed(feed) for feed in due))

    async def _poll_feed(self, feed: Feed) -> None:
        if self.stop.is_set():
            return
        fetched = await self.fetcher.get(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        self._log(fetched, feed.url)
        self.report.feeds_polled += 1
        if fetched.not_modified:
            self.report.not_modified += 1
            await self._in_store(self._feed_unchanged, feed)
            self.progress.on_feed(feed, "not modified")
            return
        if not fetched.ok:
            await self._feed_failed(feed, fetched.error or f"HTTP {fetched.status}", fetched.retry_after)
            return
        found = await asyncio.get_running_loop().run_in_executor(
            self._work, _discover, fetched, feed)
        if found.error and not found.items and not found.feeds:
            await self._feed_failed(feed, found.error, None)
            return
        if found.error:  # broken, but some items could be read: they are kept, the feed is told failing
            self.report.failed += 1
            self._fail(f"{feed.url}: {found.error}")
        new_items = await self._in_store(self._feed_polled, feed, fetched, found)
        self.progress.on_feed(feed, f"{found.kind}: {len(found.items)} items, {new_items} new"
                              + (f", {len(found.feeds)} feeds found" if found.feeds else ""))

    def _feed_unchanged(self, feed: Feed) -> None:
        moment = now_utc()
        interval = next_interval(feed.interval_seconds, 0, self.settings.intake)
        self.store.update_feed(feed.url, last_polled=stamp(moment), last_success=stamp(moment), failures=0,
                               interval_seconds=interval, next_poll=after(moment, interval))

    def _feed_polled(self, feed: Feed, fetched: Fetched, found) -> int:
        """The items queued, the feeds found added, the validators and schedule kept: one transaction."""
        moment = now_utc()
        with self.store.write():
            new_items = self.store.queue_items(found.items) if found.items else 0
            if found.feeds:
                added = self.store.add_feeds(found.feeds, feed.outlet, discovered_from=feed.url,
                                             interval=self.settings.intake.default_interval)
                self.report.feeds_found += sum(was_added for _, was_added in added)
            # A first poll finds the whole backlog new: it says nothing yet about how often the feed publishes.
            interval = feed.interval_seconds if feed.last_polled is None else \
                next_interval(feed.interval_seconds, new_items, self.settings.intake)
            changes = dict(kind=found.kind, etag=fetched.etag, last_modified=fetched.last_modified,
                           last_polled=stamp(moment), last_success=stamp(moment), failures=0,
                           interval_seconds=interval, next_poll=after(moment, interval),
                           items_seen=feed.items_seen + new_items)
            if new_items:
                changes["last_new_item"] = stamp(moment)
            if found.error:
                changes.update(last_error=found.error, failures=feed.failures + 1)
            self.store.update_feed(feed.url, **changes)
        self.report.items_queued += new_items
        return new_items

    async def _feed_failed(self, feed: Feed, reason: str, retry_after: float | None) -> None:
        self.report.failed += 1
        self._fail(f"{feed.url}: {reason}")
        await self._in_store(self._feed_failure_kept, feed, reason, retry_after)
        self.progress.on_feed(feed, f"failed: {reason}")

    def _feed_failure_kept(self, feed: Feed, reason: str, retry_after: float | None) -> None:
        moment = now_utc()
        failures = feed.failures + 1
        delay = failure_delay(feed.url, failures, feed.interval_seconds, self.settings.intake, retry_after)
        self.store.update_feed(feed.url, last_polled=stamp(moment), last_error=reason, failures=failures,
                               next_poll=after(moment, delay))

    # --- items -------------------------------------------------------------------------------

    async def _store_items(self) -> None:
        """Rounds over the queue until nothing is due. An item that failed is tried again in the same run
        when its next try comes within RETRY_WITHIN_RUN (a short Retry-After), else by a later run."""
        tried: dict[str, int] = {}  # item URL -> its tries when this run last took it
        while not self.stop.is_set():
            soon = now_utc() + timedelta(seconds=RETRY_WITHIN_RUN)
            waiting = [item for item in await self._in_store(self.store.pending_items, stamp(soon), ITEMS_PER_ROUND)
                       if tried.get(item.url, -1) < item.tries]
            if not waiting:
                return
            due = [item for item in waiting if not item.next_try or item.next_try <= stamp(now_utc())]
            if not due:
                await asyncio.sleep(min(RETRY_WITHIN_RUN, max(0.1, _seconds_until(min(i.next_try for i in waiting)))))
                continue
            tried.update((item.url, item.tries) for item in due)
            await self._store_round(due)

    async def _store_round(self, items: list[FeedItem]) -> None:
        if len(items) >= EXTRACT_IN_PROCESSES and self._extractors is None and not self._extractors_broken:
            self._extractors = ProcessPoolExecutor(max(1, min(4, os.cpu_count() or 1)),
                                                   mp_context=multiprocessing.get_context("forkserver"))
        feeds = {feed.url: feed for feed in await self._in_store(self.store.feeds)}
        ready: asyncio.Queue = asyncio.Queue(maxsize=4 * WRITE_BATCH)  # bounded: fetching waits for writing
        writer = asyncio.create_task(self._write_documents(ready))
        try:
            await asyncio.gather(*(self._prepare_item(item, feeds.get(item.feed_url), ready) for item in items))
        finally:
            await ready.put(None)
            await writer

    async def _prepare_item(self, item: FeedItem, feed: Feed | None, ready: asyncio.Queue) -> None:
        if self.stop.is_set():
            return
        known = await self._in_store(self._known_article, item.url)
        if known is not None:
            await ready.put((item, known))
            return
        own_text = _feed_text(item)
        if len(own_text.split()) >= FULL_TEXT_WORDS:
            await ready.put((item, _document(item, feed, None, own_text)))
            return
        fetched = await self.fetcher.get(item.url)
        self._log(fetched, item.feed_url)
        self.report.pages_fetched += 1
        if not fetched.ok:
            await ready.put((item, _FailedPage(fetched.error or f"HTTP {fetched.status}", fetched.status,
                                               fetched.retry_after)))
            return
        await ready.put((item, await self._extract(item, feed, fetched)))

    async def _extract(self, item: FeedItem, feed: Feed | None, fetched: Fetched) -> RawDocument | Rejection:
        loop = asyncio.get_running_loop()
        if self._extractors is not None:
            try:
                return await loop.run_in_executor(self._extractors, _page_document, item, feed, fetched)
            except BrokenProcessPool:  # a worker died (or cannot start here): the run goes on in threads
                log.info("page extraction in worker processes failed; extracting in threads")
                self._extractors_broken = True
        return await loop.run_in_executor(self._work, _page_document, item, feed, fetched)

    def _known_article(self, url: str) -> str | None:
        article_id = id_from_stored(url, "")
        return article_id if self.store.get_article(article_id) is not None else None

    async def _write_documents(self, ready: asyncio.Queue) -> None:
        batch: list[tuple[FeedItem, object]] = []
        while True:
            entry = await ready.get()
            if entry is not None:
                batch.append(entry)
            if batch and (entry is None or len(batch) >= WRITE_BATCH or ready.empty()):
                await self._in_store(self._write_batch, batch)
                self.progress.on_stored(self.report)
                batch = []
            if entry is None:
                return

    def _write_batch(self, batch: list[tuple[FeedItem, object]]) -> None:
        """Store the documents of a batch, then finish every item of it (stored, duplicate or failed)."""
        documents = [outcome for _, outcome in batch if isinstance(outcome, (RawDocument, Rejection))]
        stored = ingest_documents(self.store, documents, settings=self.settings, session=self.session) \
            if documents else IngestReport()
        self.report.new_stories += stored.new_stories
        outcomes = {source: (article_id, known) for source, article_id, known
                    in zip(stored.sources, stored.article_ids, stored.known, strict=True)}
        rejected = {rejection.source_path: rejection.reason for rejection in stored.rejected}
        with self.store.write():
            for item, outcome in batch:
                self._finish(item, outcome, outcomes, rejected)
            self._flush_log()

    def _finish(self, item: FeedItem, outcome, outcomes: dict, rejected: dict) -> None:
        if isinstance(outcome, str):  # stored before: nothing was fetched
            self.store.finish_item(item.url, "duplicate", article_id=outcome)
            self.report.duplicates += 1
        elif isinstance(outcome, _FailedPage):
            self._item_failed(item, outcome.reason, outcome.transient, outcome.retry_after)
        elif item.url in outcomes:
            article_id, known = outcomes[item.url]
            self.store.finish_item(item.url, "duplicate" if known else "stored", article_id=article_id)
            self._failed_pages.discard(item.url)
            self.report.duplicates += known
            self.report.new_articles += not known
        else:
            self._item_failed(item, rejected.get(item.url, "not stored"), transient=False)

    def _item_failed(self, item: FeedItem, reason: str, transient: bool, retry_after: float | None = None) -> None:
        tries = item.tries + 1
        if transient and tries < self.settings.intake.item_tries:
            self.store.finish_item(item.url, "pending", error=reason, tries=tries,
                                   next_try=after(now_utc(), page_retry_delay(item.url, tries, retry_after)))
        else:
            self.store.finish_item(item.url, "failed", error=reason, tries=tries)
        self._failed_pages.add(item.url)
        self._fail(f"{item.url} (from {item.feed_url}): {reason}"
                   + (f"; tried {tries} of {self.settings.intake.item_tries} times" if transient else ""))

    # --- bookkeeping -------------------------------------------------------------------------

    def _fail(self, line: str) -> None:
        self.report.failures.append(line)
        log.info("%s", line)
        self.progress.on_failure(line)

    def _log(self, fetched: Fetched, feed_url: str) -> None:
        outcome = "not modified" if fetched.not_modified else ("ok" if fetched.ok else fetched.error or "failed")
        self._fetch_log.append((stamp(now_utc()), fetched.url, fetched.status, outcome, feed_url, len(fetched.body),
                                round(fetched.seconds, 3)))

    def _save(self, robots: dict) -> None:
        """What the run leaves for the next: the robots.txt it read and the fetch log not yet written."""
        with self.store.write():
            if robots:
                self.store.save_robots(robots)
            self._flush_log()

    def _flush_log(self) -> None:
        entries, self._fetch_log = self._fetch_log, []
        if not entries:
            return
        with self.store.write():
            for at, url, status, outcome, feed_url, size, seconds in entries:
                self.store.log_fetch(at, url, status, outcome, feed_url=feed_url, bytes=size, seconds=seconds)


@dataclass(frozen=True)
class _FailedPage:
    reason: str
    status: int | None
    retry_after: float | None

    @property
    def transient(self) -> bool:
        """Timeouts, lost connections and 5xx/429 may pass; a 404, robots.txt or the size cap will not."""
        if self.status is not None:
            return self.status in _TRANSIENT
        return not any(reason in self.reason for reason in _LASTING)


def _seconds_until(moment: str) -> float:
    return (datetime.fromisoformat(moment) - now_utc()).total_seconds()


def _discover(fetched: Fetched, feed: Feed):
    return discover(fetched.body, fetched.final_url or fetched.url, fetched.content_type, outlet=feed.outlet)


def _feed_text(item: FeedItem) -> str:
    if not item.summary:
        return ""
    return item.summary.strip() if item.summary_type == "text/plain" else extract_fragment(item.summary)


def _page_document(item: FeedItem, feed: Feed | None, fetched: Fetched) -> RawDocument | Rejection:
    """The page's article, with what the feed said filling what the page lacks."""
    try:
        found = read_html(fetched.body, item.url, _charset(fetched.content_type))
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
        return Rejection(item.url, f"cannot read the page: {describe(exc)}")
    page = found[0] if found else Rejection(item.url, "no article text found in the page")
    if isinstance(page, Rejection):
        return Rejection(item.url, page.reason)
    return _document(item, feed, page, page.body)


def _document(item: FeedItem, feed: Feed | None, page: RawDocument | None, text: str) -> RawDocument:
    """One document named by the item's URL (how the run finds its item again); the user's outlet name
    for the feed first, then the page's own, then the feed's channel title."""
    page = page or RawDocument(source_path=item.url, body=text)
    return RawDocument(
        source_path=item.url,
        body=text,
        url=item.url,
        outlet=(feed.outlet if feed and feed.outlet else None) or page.outlet or item.outlet,
        title=page.title or item.title,
        byline=page.byline or item.author,
        published=page.published or item.published,
        language=page.language or item.language,
        captured=stamp(now_utc()),
    )


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    return message.get_param("charset")

