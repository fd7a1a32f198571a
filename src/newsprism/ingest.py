"""Ingest: read → normalize → identify → store → cluster, for a batch of paths.

Articles are written in transactions of `Settings.batch_size`; a process killed
part-way leaves every committed batch in place and the next run of the same
command stores the rest (what is already there counts as duplicate). One article
that fails anywhere (normalize, identify, store, story assignment) is rejected with
its reason and its place (file, record); the others are stored.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import BinaryIO

from .cluster import StoryAssigner
from .config import Settings
from .identify import NearCopyIndex, identify, place
from .model import Article, Hints, IngestReport, RawDocument, Rejection, Skipped
from .normalize import normalize
from .oneline import describe
from .read import Manifest, discover, read_input, shown_path, stream_name
from .store import Store, StoreError

log = logging.getLogger(__name__)


@dataclass
class Progress:
    """Callbacks a front end can use to show progress; all optional."""

    on_start: Callable[[int], None] = lambda total: None
    on_file: Callable[[str], None] = lambda path: None
    on_problem: Callable[[Rejection | Skipped], None] = lambda problem: None
    on_stored: Callable[[IngestReport], None] = lambda report: None  # after every committed batch


def ingest(
    store: Store,
    paths: Iterable[str | os.PathLike],
    *,
    hints: Hints = Hints(),
    manifest: Manifest | None = None,
    settings: Settings = Settings(),
    progress: Progress | None = None,
    stdin: BinaryIO | None = None,
    follow_links: bool = False,
    session: IngestSession | None = None,
) -> IngestReport:
    """Read every input under `paths` into `store`; return what happened.

    Folders are walked without following links that lead out of them unless `follow_links`. A caller
    that ingests again and again into one store (a server) passes the same `session` each time.
    """
    progress = progress or Progress()
    manifest = manifest or Manifest()
    with _writing(store, settings, session) as writer:
        inputs = list(discover(paths, manifest, follow_links=follow_links))
        progress.on_start(sum(not isinstance(entry, Rejection) for entry in inputs))
        batch: list[Article] = []
        for path, items in read_inputs(inputs, manifest=manifest, hints=hints, settings=settings, stdin=stdin):
            for item in items:
                _take(writer, batch, item, progress, settings.batch_size)
            if path is not None:
                _store_batch(writer, batch, progress)
                progress.on_file(path)
    return writer.report


def ingest_documents(store: Store, documents: Iterable[RawDocument | Rejection], *, settings: Settings = Settings(),
                     progress: Progress | None = None, session: IngestSession | None = None) -> IngestReport:
    """Store documents a caller has read already (live intake fetches pages itself) through the same
    normalize, identify and writer as `ingest`: batches of `settings.batch_size`, one article that fails
    rejected alone, the report's `sources` naming each document's `source_path`."""
    progress = progress or Progress()
    with _writing(store, settings, session) as writer:
        batch: list[Article] = []
        for document in documents:
            item = _prepared(document) if isinstance(document, RawDocument) else document
            _take(writer, batch, item, progress, settings.batch_size)
        _store_batch(writer, batch, progress)
    return writer.report


@contextmanager
def _writing(store: Store, settings: Settings, session: IngestSession | None) -> Iterator[_Writer]:
    """The writer of one ingest call, articles left without a story first given one; when the call fails,
    the session's stories are rebuilt from the store next time (they may hold what a rolled-back
    transaction did)."""
    writer = _Writer(session or IngestSession(store, settings), IngestReport())
    try:
        with store.write():
            writer.report.new_stories += writer.stories.assign_pending()
        yield writer
    except BaseException:
        writer.session.forget_stories()
        raise


def _take(writer: _Writer, batch: list[Article], item: Article | Rejection | Skipped, progress: Progress,
          batch_size: int) -> None:
    """A problem counted, or an article added to the batch, which is stored once it holds `batch_size`."""
    if isinstance(item, (Rejection, Skipped)):
        _problem(writer.report, progress, item)
        return
    batch.append(item)
    if len(batch) >= batch_size:
        _store_batch(writer, batch, progress)


def read_articles(paths: Iterable[str | os.PathLike], *, manifest: Manifest | None = None, hints: Hints = Hints(),
                  settings: Settings = Settings(), stdin: BinaryIO | None = None,
                  follow_links: bool = False) -> Iterator[Article | Rejection | Skipped]:
    """Identified articles and the problems of every input under `paths`, in input order, as `ingest`
    reads them, storing nothing (`newsprism compare`, a Spark partition)."""
    manifest = manifest or Manifest()
    inputs = list(discover(paths, manifest, follow_links=follow_links))
    for _, items in read_inputs(inputs, manifest=manifest, hints=hints, settings=settings, stdin=stdin):
        yield from items


def read_inputs(inputs: list, *, manifest: Manifest, hints: Hints, settings: Settings,
                stdin: BinaryIO | None) -> Iterator[tuple[str | None, Iterable[Article | Rejection | Skipped]]]:
    """Each input `discover` found, with its articles and problems; the manifest's problems and the
    links not followed come first, as inputs without a path."""
    yield None, [*manifest.drain_problems(), *(entry for entry in inputs if isinstance(entry, Rejection))]
    for entry in inputs:
        if not isinstance(entry, Rejection):
            path, entry_hints = entry
            yield path, input_articles(path, hints.over(entry_hints), settings, stdin)


def input_articles(path: str, hints: Hints, settings: Settings = Settings(),
                   stdin: BinaryIO | None = None) -> Iterator[Article | Rejection | Skipped]:
    """The identified articles and the problems of one input.

    A document that fails in normalize or identify is rejected alone; a failure of the reader
    itself ends this input with one rejection (what it read before is kept). NEWSPRISM_DEBUG=1
    lets such failures through, with their traceback.
    """
    try:
        for item in read_input(path, hints, settings.max_bytes, stdin):
            yield _prepared(item) if isinstance(item, RawDocument) else item
    except Exception as exc:  # noqa: BLE001 - one bad input must not stop the batch
        if os.environ.get("NEWSPRISM_DEBUG"):
            raise
        yield Rejection(stream_name(stdin) if path == "-" else shown_path(path), f"cannot read: {describe(exc)}")


def _prepared(raw: RawDocument) -> Article | Rejection:
    try:
        item = normalize(raw)
        return identify(item) if isinstance(item, Article) else item
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the others
        if os.environ.get("NEWSPRISM_DEBUG"):
            raise
        log.debug("%s: rejected", raw.source_path, exc_info=True)
        return Rejection(raw.source_path, f"cannot process: {describe(exc)}")


class IngestSession:
    """What ingest keeps between calls into one store: the near-copy banding and the story assigner with
    the active stories in memory. Building them reads every active story (0.56 s of a 0.65 s one-article
    ingest into a store of 532 stories), so a server keeps one session for all its requests. The assigner
    picks up what other processes assigned meanwhile. One ingest at a time per session."""

    def __init__(self, store: Store, settings: Settings = Settings()):
        self.store, self.settings = store, settings
        self.index = NearCopyIndex(settings.near_duplicate_threshold, settings.minhash_permutations,
                                   settings.shingle_words)
        self._stories: StoryAssigner | None = None

    @property
    def stories(self) -> StoryAssigner:
        if self._stories is None:
            self._stories = StoryAssigner(self.store, self.settings)
        return self._stories

    def forget_stories(self) -> None:
        """Rebuild the assigner from the store when next needed (after a rolled-back transaction)."""
        self._stories = None


class _Writer:
    """Writes articles with their near-copy links and stories; the session's story assigner is
    rebuilt from the store whenever a transaction it took part in was rolled back."""

    def __init__(self, session: IngestSession, report: IngestReport):
        self.session, self.report = session, report
        self.store, self.settings, self.index = session.store, session.settings, session.index

    @property
    def stories(self) -> StoryAssigner:
        return self.session.stories

    def write(self, articles: list[Article]) -> None:
        """One transaction: the articles, their near-copy links and story assignments commit together,
        then count. Earlier articles of the batch are visible to later ones. The articles are copied
        first: storing sets their id, near-copy link and story, which a rolled-back try must not keep."""
        articles = [replace(article) for article in articles]
        with self.store.write():
            outcomes = [_store_one(self.store, self.index, article) for article in articles]
            started = time.perf_counter()
            stored_new = [a for a, (kind, _) in zip(articles, outcomes, strict=True) if kind == "new"]
            new_stories = self.stories.assign(stored_new)
            cluster_seconds = time.perf_counter() - started
        for article, (kind, article_id) in zip(articles, outcomes, strict=True):
            self._count(article, kind, article_id)
        self.report.new_stories += new_stories
        self.report.cluster_seconds += cluster_seconds

    def reset(self) -> None:
        self.session.forget_stories()

    def _count(self, article: Article, kind: str, article_id: str) -> None:
        report = self.report
        if kind == "new":
            report.new += 1
            report.linked += article.duplicate_of is not None
        else:
            report.duplicate += 1
        report.article_ids.append(article_id)
        report.known.append(kind != "new")
        report.sources.append(article.source_path)


def _store_batch(writer: _Writer, batch: list[Article], progress: Progress) -> None:
    """The batch in one transaction; when that fails, each article in its own, so one article that
    cannot be stored or clustered is rejected (with its reason) and the others are kept."""
    if not batch:
        return
    try:
        writer.write(batch)
    except Exception as exc:  # noqa: BLE001 - found out below which article it was
        if os.environ.get("NEWSPRISM_DEBUG") or _database_failure(exc):
            raise
        writer.reset()
        for article in batch:
            _store_alone(writer, article, progress)
    batch.clear()
    progress.on_stored(writer.report)


def _store_alone(writer: _Writer, article: Article, progress: Progress) -> None:
    try:
        writer.write([article])
    except Exception as exc:  # noqa: BLE001 - this article is rejected, the batch goes on
        if _database_failure(exc):
            raise
        writer.reset()
        log.debug("%s: rejected", article.source_path, exc_info=True)
        _problem(writer.report, progress, Rejection(article.source_path, f"cannot store: {describe(exc)}"))


def _database_failure(exc: Exception) -> bool:
    """A failure of the database itself (locked, full, read-only, I/O), which no article causes:
    it ends the run (committed batches stay) instead of rejecting every article in turn."""
    return isinstance(exc, (sqlite3.OperationalError, StoreError))


def _store_one(store: Store, index: NearCopyIndex, article: Article) -> tuple[str, str]:
    """Store one article unless it is already known: ("new", its id) or ("duplicate", the known id)."""
    placed = place(article, store, index)
    if placed.known is not None:
        # The language is not filled in later: the article's story and words were computed with
        # the one it had, and a later record's declaration may be wrong (English text marked "ja").
        filled = store.fill_missing(placed.known.id, article)  # FILLABLE leaves the language out
        _log_known(article, placed.known, filled)
        return "duplicate", placed.known.id
    store.add_article(article, placed.signature, placed.keys)
    return "new", article.id


def _log_known(article: Article, known: Article, filled: list[str]) -> None:
    log.info("%s: already stored as %s%s", article.source_path, known.id,
             f" (filled in: {', '.join(filled)})" if filled else "")
    if article.language and article.language != known.language:
        log.info("%s: language %r not taken: %s was stored as %r", article.source_path, article.language,
                 known.id, known.language)


def _problem(report: IngestReport, progress: Progress, problem: Rejection | Skipped) -> None:
    if isinstance(problem, Skipped):
        report.skipped += problem.count
    else:
        report.rejected.append(problem)
    progress.on_problem(problem)
