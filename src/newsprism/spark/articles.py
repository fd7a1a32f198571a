"""The articles job: inputs -> identified articles, duplicates settled, near-copies linked -> Parquet.

The rules and the output schema are in the package docstring (newsprism/spark/__init__.py).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

from ..config import Settings
from ..identify import MemoryArticles, NearCopyIndex, place
from ..ingest import input_articles
from ..model import Article, Hints, Rejection, Skipped
from ..read import Manifest, discover

log = logging.getLogger(__name__)

# The columns of `articles/` and `rejections/`, in order (all strings but the two input_* ints).
ARTICLE_COLUMNS = ("id", "url", "outlet", "title", "byline", "dateline", "credit", "published", "captured",
                   "language", "text", "duplicate_of", "source_path", "content_hash", "input_file", "input_record")
REJECTION_COLUMNS = ("source_path", "reason")
MARKER = "_SUCCESS"

Order = tuple[int, int]  # (input_file, input_record): where ingest would read the item


class OutputError(Exception):
    """The output folder cannot be written or replaced (one line for the user)."""


@dataclass
class SparkReport:
    """What one run wrote: articles (of which `linked` are near-copies), the readings of an article already
    kept (`duplicate`, not written), rejected and skipped records."""

    articles: int = 0
    linked: int = 0
    duplicate: int = 0
    rejected: int = 0
    skipped: int = 0
    inputs: int = 0
    out_dir: str = ""
    rejections: list[Rejection] = field(default_factory=list)  # the first few, for the user to see

    def to_dict(self) -> dict:
        data = asdict(self)
        data["rejections"] = [r.to_dict() for r in self.rejections]
        return data

    def summary(self) -> str:
        return (f"{self.articles} articles ({self.linked} near-copies), {self.duplicate} duplicate, "
                f"{self.rejected} rejected, from {self.inputs} inputs")


def spark_session(master: str = "local[*]", app_name: str = "newsprism"):
    """A SparkSession for newsprism: Spark's own log says only errors (log4j2.properties beside this module),
    no web UI or console progress bar; its Python workers run this interpreter (the packages newsprism
    needs) unless PYSPARK_PYTHON names another, as Spark users set it for a cluster. An already running
    session is returned as it is."""
    from pyspark.sql import SparkSession

    log_config = Path(__file__).with_name("log4j2.properties")
    spark = (SparkSession.builder.master(master).appName(app_name)
             .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log_config.as_uri()}")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    if not os.environ.get("PYSPARK_PYTHON"):
        # pyspark reads the workers' Python from that variable alone ("python3" without it); the context's
        # own attribute is set instead of the process's environment.
        spark.sparkContext.pythonExec = sys.executable
    return spark


def run_articles(spark, inputs: Iterable[str | os.PathLike], out_dir: str | os.PathLike,
                 settings: Settings = Settings(), *, hints: Hints = Hints(), manifest: Manifest | None = None,
                 follow_links: bool = False, shown_rejections: int = 20) -> SparkReport:
    """Read every input under `inputs` on `spark` and write `articles`, `rejections` and `_SUCCESS` into
    `out_dir` (replacing a previous result there); return the counts."""
    out = Path(out_dir)
    _check_replaceable(out)
    manifest = manifest or Manifest()
    entries = list(discover(inputs, manifest, follow_links=follow_links))
    files = [(number, path, hints.over(entry_hints))
             for number, entry in enumerate(entries) if not isinstance(entry, Rejection)
             for path, entry_hints in [entry]]
    problems = [*manifest.drain_problems(), *(entry for entry in entries if isinstance(entry, Rejection))]
    sc = spark.sparkContext
    parallelism = max(1, sc.defaultParallelism)
    items = sc.parallelize(files, max(1, len(files))).mapPartitions(partial(_read_files, settings=settings))
    items.persist()
    settled = None
    try:
        read = items.filter(lambda item: isinstance(item[1], Article))
        parameters = (settings.near_duplicate_threshold, settings.minhash_permutations, settings.shingle_words)
        by_id = _settle(read, lambda a: a.id, parallelism, parameters)
        settled = _settle(by_id, lambda a: a.content_hash, parallelism, parameters)
        settled.persist()
        roots = _near_copy_roots(settled, parameters, parallelism)
        articles = settled.leftOuterJoin(roots, parallelism).map(_with_original).sortByKey(True, parallelism)
        rejected = items.filter(lambda item: isinstance(item[1], Rejection)).map(lambda item: item[1])
        skipped = items.filter(lambda item: isinstance(item[1], Skipped)).map(lambda item: item[1].count).sum()
        all_rejected = sc.parallelize(problems, 1).union(rejected)
        report = SparkReport(inputs=len(files), skipped=int(skipped), out_dir=str(out))
        _write(spark, out, articles, all_rejected, report, shown_rejections, read_count=read.count())
    finally:
        items.unpersist()
        if settled is not None:
            settled.unpersist()
    return report


# -- inside the tasks ---------------------------------------------------------------------------------


def _read_files(files: Iterable[tuple[int, str, Hints]], settings: Settings) -> Iterator[tuple[Order, object]]:
    """The identified articles and problems of each input file, as ingest reads them, with their order."""
    for number, path, hints in files:
        for record, item in enumerate(input_articles(path, hints, settings)):
            yield (number, record), item


def _settle(read, key, partitions: int, parameters: tuple[float, int, int]):
    """The articles left once every group sharing `key` went through `place` in arrival order: the first
    reading of each article, its gaps filled from later readings of it; near-copy links are decided later."""
    grouped = read.map(lambda item: (key(item[1]), item)).groupByKey(partitions)
    return grouped.flatMap(partial(_settle_group, parameters=parameters))


def _settle_group(group: tuple[str, Iterable[tuple[Order, Article]]],
                  parameters: tuple[float, int, int]) -> Iterator[tuple[Order, Article]]:
    kept, orders = MemoryArticles(), {}
    index = _index_from(parameters)
    for order, article in sorted(group[1], key=lambda item: item[0]):
        placed = place(article, kept, index)
        if placed.known is not None:
            kept.fill_missing(placed.known.id, article)
            continue
        orders[article.id] = order
        kept.add_article(article, placed.signature, placed.keys)
    for article in kept.articles:
        article.duplicate_of = None  # linked across the whole archive in `_near_copy_roots`
        yield orders[article.id], article


@lru_cache(maxsize=4)
def _index_from(parameters: tuple[float, int, int]) -> NearCopyIndex:
    """One NearCopyIndex per worker process (building its permutations is the slow part)."""
    return NearCopyIndex(*parameters)


def _near_copy_roots(settled, parameters: tuple[float, int, int], partitions: int):
    """(order, original id) of every near-copy: candidates by a shuffle on LSH band keys, verified,
    the best earlier one taken, then followed to its root."""
    signed = settled.map(partial(_signed, parameters=parameters))
    buckets = signed.flatMap(lambda row: [(key, row) for key in row[3]]).groupByKey(partitions)
    best = buckets.flatMap(partial(_verified_pairs, parameters=parameters)).reduceByKey(max, partitions)
    parent = best.map(lambda pair: (pair[0], pair[1][1]))  # (copy id, original id)
    root = _follow_to_roots(parent, partitions)
    orders = settled.map(lambda item: (item[1].id, item[0]))
    return root.join(orders, partitions).map(lambda pair: (pair[1][1], pair[1][0]))


def _signed(item: tuple[Order, Article], parameters) -> tuple[Order, str, bytes, list[tuple[int, int]]]:
    order, article = item
    index = _index_from(parameters)
    signature = index.signature(f"{article.title or ''}\n{article.text}")  # what `place` signs
    return order, article.id, signature.tobytes(), index.band_keys(signature)


def _verified_pairs(bucket, parameters) -> Iterator[tuple[str, tuple[float, str]]]:
    """(later id, (similarity, earlier id)) for every pair in one band bucket at or over the threshold."""
    index = _index_from(parameters)
    members = sorted(bucket[1], key=lambda row: row[0])
    signatures = [np.frombuffer(row[2], dtype=np.uint64) for row in members]
    for later in range(1, len(members)):
        for earlier in range(later):
            similarity = index.similarity(signatures[later], signatures[earlier])
            if similarity >= index.threshold:
                yield members[later][1], (similarity, members[earlier][1])


def _follow_to_roots(parent, partitions: int):
    """(id, root) for every (id, parent): each step replaces a parent that has a parent by that one
    (pointer jumping: the path halves each round), until none has."""
    parent.persist()
    while True:
        stepped = (parent.map(lambda pair: (pair[1], pair[0])).leftOuterJoin(parent, partitions)
                   .map(lambda pair: (pair[1][0], pair[1][1] or pair[0], pair[1][1] is not None)))
        stepped.persist()
        moved = stepped.filter(lambda row: row[2]).count()
        parent.unpersist()
        parent = stepped.map(lambda row: (row[0], row[1]))
        parent.persist()
        stepped.unpersist()
        if not moved:
            return parent


def _with_original(pair) -> tuple[Order, tuple]:
    order, (article, original) = pair
    article.duplicate_of = original
    return order, _article_row(order, article)


def _article_row(order: Order, article: Article) -> tuple:
    return (*(getattr(article, name) for name in ARTICLE_COLUMNS[:-2]), order[0], order[1])


# -- the output --------------------------------------------------------------------------------------


def _schemas():
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    articles = StructType([StructField(name, LongType() if name.startswith("input_") else StringType(),
                                       nullable=name not in ("id", "text", "content_hash"))
                           for name in ARTICLE_COLUMNS])
    rejections = StructType([StructField(name, StringType(), nullable=False) for name in REJECTION_COLUMNS])
    return articles, rejections


def _write(spark, out: Path, articles, rejected, report: SparkReport, shown: int, read_count: int) -> None:
    """Both tables into a hidden folder beside `out`, the marker last, then the folder renamed into place."""
    article_schema, rejection_schema = _schemas()
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.parent / f".{out.name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        rows = articles.map(lambda pair: pair[1])
        rows.persist()
        spark.createDataFrame(rows, article_schema).write.parquet(str(temporary / "articles"))
        report.articles = rows.count()
        report.linked = rows.filter(lambda row: row[ARTICLE_COLUMNS.index("duplicate_of")] is not None).count()
        rows.unpersist()
        rejection_rows = rejected.map(lambda r: (r.source_path, r.reason))
        rejection_rows.persist()
        spark.createDataFrame(rejection_rows, rejection_schema).coalesce(1).write.parquet(
            str(temporary / "rejections"))
        report.rejected = rejection_rows.count()
        report.rejections = [Rejection(*row) for row in rejection_rows.take(shown)]
        rejection_rows.unpersist()
        report.duplicate = read_count - report.articles
        marker = {**report.to_dict(), "columns": {"articles": list(ARTICLE_COLUMNS),
                                                  "rejections": list(REJECTION_COLUMNS)}}
        (temporary / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _replace(temporary, out)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _check_replaceable(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise OutputError(f"{out}: exists and is not a newsprism spark result (no {MARKER}); not replaced")


def _replace(temporary: Path, out: Path) -> None:
    """`temporary` renamed to `out`; a previous result there is moved aside first and removed after."""
    _check_replaceable(out)
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.{uuid.uuid4().hex[:12]}.old"
        out.rename(old)
    temporary.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
