"""Ingest: read → normalize → identify → store → cluster, for a batch of paths.

Articles are written in transactions of `Settings.batch_size`; a process killed
part-way leaves every committed batch in place and the next run of the same
command stores the rest (what is already there counts as duplicate).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from .cluster import StoryAssigner
from .config import Settings
from .identify import NearCopyIndex, identify
from .model import Article, Hints, IngestReport, RawDocument, Rejection, Skipped
from .normalize import normalize
from .read import Manifest, discover, read_input
from .store import Store


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
) -> IngestReport:
    """Read every input under `paths` into `store`; return what happened."""
    progress = progress or Progress()
    manifest = manifest or Manifest()
    index = NearCopyIndex(settings.near_duplicate_threshold, settings.minhash_permutations, settings.shingle_words)
    report = IngestReport()
    stories = StoryAssigner(store, settings)
    with store.write():
        report.new_stories += stories.assign_pending()
    inputs = list(discover(paths, manifest))
    progress.on_start(len(inputs))
    for problem in manifest.drain_problems():
        _problem(report, progress, problem)
    batch: list[Article] = []
    for path, entry_hints in inputs:
        for item in _articles(path, hints.over(entry_hints), settings, stdin):
            if isinstance(item, (Rejection, Skipped)):
                _problem(report, progress, item)
                continue
            batch.append(item)
            if len(batch) >= settings.batch_size:
                _store_batch(store, index, stories, batch, report)
                progress.on_stored(report)
        _store_batch(store, index, stories, batch, report)
        progress.on_stored(report)
        progress.on_file(path)
    return report


def _articles(path: str, hints: Hints, settings: Settings, stdin: BinaryIO | None) -> Iterator[Article | Rejection | Skipped]:
    """The identified articles and the problems of one input.

    A failure no reader foresaw ends this input with one rejection instead of
    stopping the batch (NEWSPRISM_DEBUG=1 lets it through, with its traceback).
    """
    try:
        for item in read_input(path, hints, settings.max_bytes, stdin):
            if isinstance(item, RawDocument):
                item = normalize(item)
            yield identify(item) if isinstance(item, Article) else item
    except Exception as exc:  # noqa: BLE001 - one bad input must not stop the batch
        if os.environ.get("NEWSPRISM_DEBUG"):
            raise
        message = " ".join(str(exc).split())[:200]
        yield Rejection("<stdin>" if path == "-" else path, f"cannot read: {type(exc).__name__}: {message}")


def _store_batch(store: Store, index: NearCopyIndex, stories: StoryAssigner, batch: list[Article],
                 report: IngestReport) -> None:
    """One transaction per batch: articles, near-copy links and story assignments commit together.

    Earlier articles of the batch are visible to later ones.
    """
    if not batch:
        return
    with store.write():
        added = [article for article in batch if _store_one(store, index, article, report)]
        started = time.perf_counter()
        report.new_stories += stories.assign(added)
        report.cluster_seconds += time.perf_counter() - started
    batch.clear()


def _store_one(store: Store, index: NearCopyIndex, article: Article, report: IngestReport) -> bool:
    """Store one article unless it is already known; True when it was added."""
    known = store.get_article(article.id) or _same_article(store, article)
    if known is not None:
        store.fill_missing(known.id, article)
        report.duplicate += 1
        report.article_ids.append(known.id)
        report.sources.append(article.source_path)
        return False
    signature = index.signature(f"{article.title or ''}\n{article.text}")
    keys = index.band_keys(signature)
    original = _near_copy_of(store, index, signature, keys)
    if original is not None:
        article.duplicate_of = store.root_of(original)
        report.linked += 1
    store.add_article(article, signature, keys)
    report.new += 1
    report.article_ids.append(article.id)
    report.sources.append(article.source_path)
    return True


def _same_article(store: Store, article: Article) -> Article | None:
    """The same text already stored from the same outlet, or where one side has no URL.

    Identical text at two outlets' URLs is two publications of one wire story:
    both are kept, and the near-copy check links them.
    """
    for stored in store.same_content(article.content_hash):
        same_outlet = (stored.outlet or "").casefold() == (article.outlet or "").casefold()
        if same_outlet or stored.url is None or article.url is None:
            return stored
    return None


def _near_copy_of(store: Store, index: NearCopyIndex, signature, keys) -> str | None:
    best_id, best = None, index.threshold
    for candidate_id, candidate in store.near_copy_candidates(keys):
        similarity = index.similarity(signature, candidate)
        if similarity >= best:
            best_id, best = candidate_id, similarity
    return best_id


def _problem(report: IngestReport, progress: Progress, problem: Rejection | Skipped) -> None:
    if isinstance(problem, Skipped):
        report.skipped += problem.count
    else:
        report.rejected.append(problem)
    progress.on_problem(problem)
