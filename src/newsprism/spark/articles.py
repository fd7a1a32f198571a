"""The articles job: inputs -> identified articles, duplicates settled, near-copies linked -> Parquet; and `run`,
the whole job, into which later stages (stories, dossiers) plug their tables.

The rules and the output schema are in the package docstring (newsprism/spark/__init__.py).
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

from ..config import Settings
from ..identify import MemoryArticles, NearCopyIndex, place
from ..ingest import input_articles
from ..model import Article, Hints, Rejection, Skipped
from ..oneline import describe
from ..read import MANIFEST_NAME, Manifest, discover

log = logging.getLogger(__name__)

# The columns of `articles/` and `rejections/`, in order (all strings but the two input_* ints).
ARTICLE_COLUMNS = ("id", "url", "outlet", "title", "byline", "dateline", "credit", "published", "captured",
                   "language", "text", "duplicate_of", "source_path", "content_hash", "input_file", "input_record")
REJECTION_COLUMNS = ("source_path", "reason")
MARKER = "_SUCCESS"
# Fault injection for tests and drills (see `_crash_first_attempt`): set on the driver with
# `sc.setLocalProperty(CRASH_PROPERTY, "N")`, the first attempt of the task reading input file N kills its
# Python worker, as a lost executor would; Spark retries the task. Unset, it costs one property lookup per file.
CRASH_PROPERTY = "newsprism.spark.crashFirstAttemptOfInput"
TASK_FAILURES = 4  # attempts per task in local mode, as spark.task.maxFailures gives on a cluster
# Spark hands a file read through a URL to Python as one byte array (binaryFiles), which the JVM caps at 2 GB.
URL_FILE_LIMIT = 2**31 - 1024

Order = tuple[int, int]  # (input_file, input_record): where ingest would read the item
Tables = dict  # table name -> pyspark DataFrame (None: not written)
Stage = Callable[..., Mapping]  # (spark, tables, settings) -> tables to add or replace


class OutputError(Exception):
    """The output folder cannot be written or replaced (one line for the user)."""


@dataclass
class SparkReport:
    """What one run wrote: articles (of which `linked` are near-copies), the readings of an article already
    kept (`duplicate`, not written), rejected and skipped records, and the rows of every table."""

    articles: int = 0
    linked: int = 0
    duplicate: int = 0
    rejected: int = 0
    skipped: int = 0
    inputs: int = 0
    out_dir: str = ""
    rejections: list[Rejection] = field(default_factory=list)  # the first few, for the user to see
    tables: dict[str, int] = field(default_factory=dict)  # rows written per table

    def to_dict(self) -> dict:
        data = asdict(self)
        data["rejections"] = [r.to_dict() for r in self.rejections]
        return data

    def summary(self) -> str:
        later = "".join(f", {self.tables[name]} {name}" for name in ("stories", "threads", "dossiers")
                        if name in self.tables)
        return (f"{self.articles} articles ({self.linked} near-copies){later}, {self.duplicate} duplicate, "
                f"{self.rejected} rejected, from {self.inputs} inputs")


def spark_session(master: str | None = None, app_name: str = "newsprism"):
    """A SparkSession for newsprism: Spark's own log says only errors (log4j2.properties beside this module),
    no web UI or console progress bar; its Python workers run this interpreter (the packages newsprism
    needs) unless PYSPARK_PYTHON names another, as Spark users set it for a cluster. Without `master`, the
    one spark-submit was given (spark.master), else `local[*]`. A local master (`local`, `local[N]`,
    `local[*]`) retries a failed task up to TASK_FAILURES times (`local[N,F]`), as a cluster does by default
    (spark.task.maxFailures = 4); Spark's plain local master never retries. An already running session is
    returned as it is."""
    from pyspark import SparkConf, SparkContext
    from pyspark.sql import SparkSession

    if master is None and os.environ.get("PYSPARK_GATEWAY_PORT"):  # under spark-submit: its JVM is running
        SparkContext._ensure_initialized()
        master = SparkConf().get("spark.master", "local[*]")  # spark-submit's --master
    log_config = Path(__file__).with_name("log4j2.properties")
    spark = (SparkSession.builder.master(with_retries(master or "local[*]")).appName(app_name)
             .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log_config.as_uri()}")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    if not os.environ.get("PYSPARK_PYTHON"):
        # pyspark reads the workers' Python from that variable alone ("python3" without it); the context's
        # own attribute is set instead of the process's environment.
        spark.sparkContext.pythonExec = sys.executable
    return spark


def with_retries(master: str, failures: int = TASK_FAILURES) -> str:
    """`local[N]` as `local[N,failures]`; any other master (one with failures given, a cluster) as it is."""
    found = re.fullmatch(r"local(?:\[(\d+|\*)\])?", master.strip())
    return f"local[{found.group(1) or 1},{failures}]" if found else master


# -- the whole job --------------------------------------------------------------------------------------


def run(spark, inputs: Iterable[str | os.PathLike], out_dir: str | os.PathLike, settings: Settings = Settings(), *,
        stages: Sequence[Stage] = (), hints: Hints = Hints(), manifest: Manifest | None = None,
        follow_links: bool = False, shown_rejections: int = 20) -> SparkReport:
    """Read every input under `inputs` (local paths or filesystem URLs) on `spark` and write the result into
    `out_dir` (a local path or URL), replacing a previous result there; return the counts.

    The tables: `articles` and `rejections` (`article_tables`), then what each of `stages` adds, in turn:
    a stage is called as `stage(spark, tables, settings)` with the tables so far (name -> DataFrame) and
    returns the tables it adds or replaces (a name mapped to None is not written). Every table is written
    by `write_result` into a hidden folder, `_SUCCESS` last, and that folder renamed into place."""
    folder = ResultFolder(spark, out_dir)
    folder.check_replaceable()
    found = article_tables(spark, inputs, settings, hints=hints, manifest=manifest, follow_links=follow_links)
    try:
        tables: Tables = {"articles": found.articles, "rejections": found.rejections}
        for stage in stages:
            tables.update(stage(spark, dict(tables), settings))
        report = SparkReport(inputs=found.inputs, skipped=found.skipped, out_dir=str(out_dir))
        write_result(spark, folder, {name: frame for name, frame in tables.items() if frame is not None}, report,
                     read=found.read, shown_rejections=shown_rejections)
    finally:
        for stage in stages:  # a stage may keep intermediate results cached until the tables are written
            getattr(stage, "release", lambda: None)()
        found.release()
    return report


def run_articles(spark, inputs: Iterable[str | os.PathLike], out_dir: str | os.PathLike,
                 settings: Settings = Settings(), **options) -> SparkReport:
    """`run` without later stages: `articles`, `rejections` and `_SUCCESS` into `out_dir`."""
    return run(spark, inputs, out_dir, settings, **options)


@dataclass
class ArticleTables:
    """The articles job's DataFrames (`articles` kept in memory or on disk for the stages that follow) and
    its counts: input files, articles read (before duplicates were settled), records skipped on purpose."""

    articles: object
    rejections: object
    inputs: int
    read: int
    skipped: int
    _cached: list = field(default_factory=list)

    def release(self) -> None:
        for kept in self._cached:
            kept.unpersist()


def article_tables(spark, inputs: Iterable[str | os.PathLike], settings: Settings = Settings(), *,
                   hints: Hints = Hints(), manifest: Manifest | None = None,
                   follow_links: bool = False) -> ArticleTables:
    """`articles` (sorted by input order) and `rejections` as DataFrames; call `release()` when written."""
    from pyspark import StorageLevel

    listed = list_inputs(spark, inputs, manifest or Manifest(), hints, follow_links=follow_links)
    files = [entry for entry in listed if not isinstance(entry, Rejection)]
    sc = spark.sparkContext
    parallelism = max(1, sc.defaultParallelism)
    parameters = (settings.near_duplicate_threshold, settings.minhash_permutations, settings.shingle_words)
    items = read_items(spark, files, settings).persist(StorageLevel.MEMORY_AND_DISK)
    cached = [items]
    read = items.filter(lambda item: isinstance(item[1], Article))
    settled = settle_duplicates(read, parallelism, parameters).persist(StorageLevel.MEMORY_AND_DISK)
    cached.append(settled)
    kept = settled.filter(lambda item: isinstance(item[1], Article))
    roots = near_copy_roots(kept, parameters, parallelism)
    rows = kept.leftOuterJoin(roots, parallelism).map(_with_original).sortByKey(True, parallelism)
    rejected = (sc.parallelize([entry for entry in listed if isinstance(entry, Rejection)], 1)
                .union(items.filter(lambda item: isinstance(item[1], Rejection)).map(lambda item: item[1]))
                .union(settled.filter(lambda item: isinstance(item[1], Rejection)).map(lambda item: item[1])))
    article_schema, rejection_schema = _schemas()
    articles = spark.createDataFrame(rows.map(lambda pair: pair[1]), article_schema)
    articles.persist(StorageLevel.MEMORY_AND_DISK)  # later stages and the write read it
    cached.append(articles)
    rejections = spark.createDataFrame(rejected.map(lambda r: (r.source_path, r.reason)), rejection_schema)
    skipped = items.filter(lambda item: isinstance(item[1], Skipped)).map(lambda item: item[1].count).sum()
    return ArticleTables(articles, rejections.coalesce(1), len(files), read.count(), int(skipped), cached)


# -- the inputs: local paths as `ingest` finds them, URLs through Hadoop's FileSystem on the driver --------


@dataclass(frozen=True)
class InputFile:
    """One file to read: its number in input order, a local path or the URL Hadoop lists it under, and
    the hints for its documents (the caller's over a manifest entry's)."""

    number: int
    path: str
    hints: Hints
    remote: bool = False


def is_url(path: str) -> bool:
    """A filesystem URL (file:/..., hdfs://..., s3a://...): a scheme of two letters or more (`C:\\` is a path)."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]+:/", path) is not None


def list_inputs(spark, inputs: Iterable[str | os.PathLike], manifest: Manifest, hints: Hints = Hints(), *,
                follow_links: bool = False) -> list[InputFile | Rejection]:
    """Every file under `inputs`, numbered in input order, and the inputs that cannot be read. A local path is
    walked by `read.discover` (manifests, links, hidden entries as `ingest` treats them); a URL is listed
    through Hadoop's FileSystem (a glob pattern works too), folders recursively in the order `discover` walks
    a folder (files first, sorted, then each subfolder), hidden entries left out."""
    entries: list[tuple[str, Hints, bool] | Rejection] = []
    for raw in inputs:
        text = os.fspath(raw)
        if is_url(text):
            entries.extend(_listed_url(spark, text, hints))
            continue
        for entry in discover([text], manifest, follow_links=follow_links):
            entries.extend(manifest.drain_problems())
            if entry == ("-", Hints()):
                entries.append(Rejection("-", "standard input cannot be read on Spark: name files or folders"))
            elif isinstance(entry, Rejection):
                entries.append(entry)
            else:
                entries.append((entry[0], hints.over(entry[1]), False))
    entries.extend(manifest.drain_problems())
    return [entry if isinstance(entry, Rejection) else InputFile(number, *entry)
            for number, entry in enumerate(entries)]


def _listed_url(spark, url: str, hints: Hints) -> Iterator[tuple[str, Hints, bool] | Rejection]:
    from py4j.protocol import Py4JJavaError

    path = spark._jvm.org.apache.hadoop.fs.Path(url)
    try:
        filesystem = path.getFileSystem(spark._jsc.hadoopConfiguration())
        matches = filesystem.globStatus(path)
        files = []
        for status in sorted(matches or [], key=lambda status: status.getPath().toString()):
            if status.isDirectory():
                files.extend(_folder_files(filesystem, status.getPath()))
            else:
                files.append((status.getPath().toString(), status.getLen()))
    except Py4JJavaError as exc:
        yield Rejection(url, f"cannot list: {java_reason(exc)}")
        return
    if not matches:
        yield Rejection(url, "no such file or directory")
    for name, size in files:
        if name.rsplit("/", 1)[-1] == MANIFEST_NAME:
            yield Rejection(name, "manifest not read: manifests are read in local folders only")
        elif size > URL_FILE_LIMIT:
            yield Rejection(name, f"too large to read through a URL: {size:,} bytes, over Spark's 2 GB for one file")
        else:
            yield name, hints, True


def _folder_files(filesystem, folder) -> list[tuple[str, int]]:
    """(URL, size) of every file under `folder`, hidden ones (a name starting with ".") left out, in the
    order `read.discover` walks a folder."""
    top = folder.toString().rstrip("/") + "/"
    found, listing = [], filesystem.listFiles(folder, True)
    while listing.hasNext():
        status = listing.next()
        name = status.getPath().toString()
        parts = name[len(top):].split("/") if name.startswith(top) else [name]
        if not any(part.startswith(".") for part in parts):
            walk_order = tuple((1, part) for part in parts[:-1]) + ((0, parts[-1]),)  # files before subfolders
            found.append((walk_order, name, status.getLen()))
    return [(name, size) for _, name, size in sorted(found)]


def java_reason(exc) -> str:
    """A Java exception from py4j as one line: its class and message."""
    text = str(getattr(exc, "java_exception", exc)).strip().splitlines()
    return text[0] if text else type(exc).__name__


def read_items(spark, files: Sequence[InputFile], settings: Settings = Settings()):
    """RDD of (order, Article | Rejection | Skipped): every file through `ingest.input_articles` in tasks.
    A local file is opened by its task (on a cluster: a path every executor mounts); a URL's bytes come
    through Spark's `binaryFiles` (Hadoop reads them) and are read from memory, `source_path` naming the URL."""
    sc = spark.sparkContext
    parts = []
    local = [(f.number, f.path, f.hints) for f in files if not f.remote]
    if local:
        parts.append(sc.parallelize(local, len(local)).mapPartitions(partial(_read_files, settings=settings)))
    remote = {f.path: (f.number, f.hints) for f in files if f.remote}
    if remote:
        pattern = ",".join(_glob_escaped(url) for url in remote)
        named = sc.broadcast(remote)
        parts.append(sc.binaryFiles(pattern, len(remote))
                     .mapPartitions(partial(_read_remote, files=named, settings=settings)))
    if not parts:
        return sc.parallelize([], 1)
    return parts[0] if len(parts) == 1 else sc.union(parts)


def _glob_escaped(url: str) -> str:
    """A listed URL as a pattern `binaryFiles` matches to that file alone: glob characters escaped, a comma
    (which would split the list) as the one-alternative group `{\\,}`."""
    return re.sub(r"([\\\[\]{}*?])", r"\\\1", url).replace(",", "{\\,}")


# -- inside the tasks ---------------------------------------------------------------------------------


def _read_files(files: Iterable[tuple[int, str, Hints]], settings: Settings) -> Iterator[tuple[Order, object]]:
    """The identified articles and problems of each input file, as ingest reads them, with their order."""
    for number, path, hints in files:
        _crash_first_attempt(number)
        for record, item in enumerate(input_articles(path, hints, settings)):
            yield (number, record), item


def _read_remote(contents: Iterable[tuple[str, bytes]], files, settings: Settings) -> Iterator[tuple[Order, object]]:
    """As `_read_files`, for files whose bytes Spark read from a URL."""
    for url, data in contents:
        number, hints = files.value.get(url, (None, None))
        if number is None:  # binaryFiles names files as the listing does; said here rather than lost
            yield (-1, 0), Rejection(url, "not read: Spark named it unlike the listing of the inputs")
            continue
        _crash_first_attempt(number)
        stream = io.BytesIO(data)
        stream.name = url  # `read_input` names the input (and picks its format) by the stream's name
        for record, item in enumerate(input_articles("-", hints, settings, stream)):
            yield (number, record), item


def _crash_first_attempt(number: int) -> None:
    """End this Python worker abruptly on the first attempt of the task reading input file `number` when the
    driver asked for it (CRASH_PROPERTY): how tests show that a lost worker's task is retried and its
    articles written once."""
    from pyspark import TaskContext

    context = TaskContext.get()
    if context is not None and context.attemptNumber() == 0 and context.getLocalProperty(CRASH_PROPERTY) == str(number):
        os._exit(1)


def settle_duplicates(read, partitions: int, parameters: tuple[float, int, int]):
    """RDD of (order, Article | Rejection): the articles left once every group sharing an id, then every
    group sharing a content hash, went through `place` in arrival order (two shuffles), and the readings
    `place` failed on (rejected alone, as `ingest` rejects an article it cannot store)."""
    return _settle(_settle(read, lambda a: a.id, partitions, parameters), lambda a: a.content_hash, partitions,
                   parameters)


def _settle(items, key, partitions: int, parameters: tuple[float, int, int]):
    """The first reading of each article, its gaps filled from later readings of it; near-copy links are
    decided later. A rejection passes through alone (keyed by its order, which no article key equals)."""
    keyed = items.map(lambda item: (key(item[1]) if isinstance(item[1], Article) else item[0], item))
    return keyed.groupByKey(partitions).flatMap(partial(_settle_group, parameters=parameters))


def _settle_group(group: tuple[object, Iterable[tuple[Order, Article | Rejection]]],
                  parameters: tuple[float, int, int]) -> Iterator[tuple[Order, Article | Rejection]]:
    kept, orders = MemoryArticles(), {}
    index = _index_from(parameters)
    for order, article in sorted(group[1], key=lambda item: item[0]):
        if isinstance(article, Rejection):
            yield order, article
            continue
        try:
            placed = place(article, kept, index)
        except Exception as exc:  # noqa: BLE001 - one article that cannot be placed must not fail the job
            if os.environ.get("NEWSPRISM_DEBUG"):
                raise
            log.debug("%s: rejected", article.source_path, exc_info=True)
            yield order, Rejection(article.source_path, f"cannot settle duplicates: {describe(exc)}")
            continue
        if placed.known is not None:
            kept.fill_missing(placed.known.id, article)
            continue
        orders[article.id] = order
        kept.add_article(article, placed.signature, placed.keys)
    for article in kept.articles:
        article.duplicate_of = None  # linked across the whole archive in `near_copy_roots`
        yield orders[article.id], article


@lru_cache(maxsize=4)
def _index_from(parameters: tuple[float, int, int]) -> NearCopyIndex:
    """One NearCopyIndex per worker process (building its permutations is the slow part)."""
    return NearCopyIndex(*parameters)


def near_copy_roots(settled, parameters: tuple[float, int, int], partitions: int):
    """RDD of (order, original id) of every near-copy among `settled` (order, Article): candidates by a
    shuffle on LSH band keys, verified, the best earlier one taken, then followed to its root. The
    signatures are the ones `place` computed for the same articles, so they cannot fail here."""
    buckets = band_buckets(settled, parameters, partitions)
    best = buckets.flatMap(partial(_verified_pairs, parameters=parameters)).reduceByKey(max, partitions)
    parent = best.map(lambda pair: (pair[0], pair[1][1]))  # (copy id, original id)
    root = _follow_to_roots(parent, partitions)
    orders = settled.map(lambda item: (item[1].id, item[0]))
    return root.join(orders, partitions).map(lambda pair: (pair[1][1], pair[1][0]))


def band_buckets(settled, parameters: tuple[float, int, int], partitions: int):
    """RDD of ((band, key), [(order, id, signature bytes, keys)...]): the near-copy shuffle."""
    signed = settled.map(partial(_signed, parameters=parameters))
    return signed.flatMap(lambda row: [(key, row) for key in row[3]]).groupByKey(partitions)


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


def write_result(spark, folder: ResultFolder, tables: Mapping, report: SparkReport, *, read: int,
                 shown_rejections: int = 20) -> None:
    """Every table (name -> DataFrame) as Parquet into `folder`'s hidden temporary folder, then `_SUCCESS`
    (JSON: `report`'s counts, the rows and columns of each table), then the temporary folder renamed into
    place. Counts are read back from the written Parquet (its footers: no second computation). `articles`
    and `rejections` fill the report's article counts; any other table is only counted."""
    try:
        for name, frame in tables.items():
            frame.write.parquet(folder.table(name))
        written = {name: spark.read.parquet(folder.table(name)) for name in tables}
        report.tables = {name: frame.count() for name, frame in written.items()}
        if "articles" in written:
            report.articles = report.tables["articles"]
            report.linked = written["articles"].filter("duplicate_of IS NOT NULL").count()
            report.duplicate = read - report.articles
        if "rejections" in written:
            report.rejected = report.tables["rejections"]
            report.rejections = [Rejection(row.source_path, row.reason)
                                 for row in written["rejections"].limit(shown_rejections).collect()]
        folder.write_marker({**report.to_dict(), "columns": {name: frame.columns for name, frame in written.items()}})
        folder.commit()
    finally:
        folder.discard()


class ResultFolder:
    """The output folder, spoken to through Hadoop's FileSystem API (the local disk, hdfs://, s3a://, any
    filesystem the Spark installation has): the tables go to a hidden temporary folder beside it, which is
    renamed into place once complete. A previous result (a folder with `_SUCCESS`) is moved aside first and
    deleted after; a folder that is not one (no `_SUCCESS`, not empty) is never replaced.

    A path without a scheme is on the Spark installation's default filesystem (`fs.defaultFS`: the local
    disk unless a cluster's configuration says otherwise, relative paths from the current folder), as for
    any Spark job. Renames are atomic on the local disk and HDFS; on S3 (s3a://) a rename is a copy and a
    delete, as for every Spark job writing there: a reader may see a result half-renamed while it runs."""

    def __init__(self, spark, out_dir: str | os.PathLike):
        self.shown = os.fspath(out_dir)
        jvm, conf = spark._jvm, spark._jsc.hadoopConfiguration()
        self._Path = jvm.org.apache.hadoop.fs.Path
        filesystems = jvm.org.apache.hadoop.fs.FileSystem
        with self._said("cannot use"):  # an unknown scheme, a missing bucket...
            if not is_url(self.shown) and filesystems.get(conf).getUri().getScheme() == "file":
                local = filesystems.getLocal(conf)
                self.path = local.makeQualified(self._Path(os.path.abspath(self.shown)))
            else:
                self.path = self._Path(self.shown)
            self.fs = self.path.getFileSystem(conf)
            self.path = self.fs.makeQualified(self.path)
        parent = self.path.getParent()
        if parent is None:
            raise OutputError(f"{self.shown}: the root of a filesystem cannot be the output folder")
        self._sibling = lambda suffix: self._Path(parent, f".{self.path.getName()}.{uuid.uuid4().hex[:12]}.{suffix}")
        self.temporary = self._sibling("tmp")

    def table(self, name: str) -> str:
        """Where table `name` is written (inside the temporary folder)."""
        return self._Path(self.temporary, name).toString()

    def check_replaceable(self) -> None:
        with self._said("cannot check"):
            if not self.fs.exists(self.path):
                return
            marker = self._Path(self.path, MARKER)
            if (not self.fs.getFileStatus(self.path).isDirectory()
                    or (len(self.fs.listStatus(self.path)) and not self.fs.exists(marker))):
                raise OutputError(f"{self.shown}: exists and is not a newsprism spark result (no {MARKER}); "
                                  "not replaced")

    def write_marker(self, data: dict) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        with self._said("cannot write"):
            stream = self.fs.create(self._Path(self.temporary, MARKER), True)
            try:
                stream.write(bytearray(text.encode("utf-8")))
            finally:
                stream.close()

    def commit(self) -> None:
        """The temporary folder renamed to the output; a previous result there moved aside first, removed after."""
        self.check_replaceable()
        with self._said("cannot replace"):
            old = None
            if self.fs.exists(self.path):
                old = self._sibling("old")
                if not self.fs.rename(self.path, old):
                    raise OutputError(f"{self.shown}: cannot move the previous result aside; left as it was")
            if not self.fs.rename(self.temporary, self.path):
                if old is not None:
                    self.fs.rename(old, self.path)
                raise OutputError(f"{self.shown}: cannot rename the new result into place; the previous one is kept")
            if old is not None:
                self.fs.delete(old, True)

    def discard(self) -> None:
        """The temporary folder removed (what a failed write left)."""
        try:
            if self.fs.exists(self.temporary):
                self.fs.delete(self.temporary, True)
        except Exception:  # noqa: BLE001 - cleaning up after a failure must not hide that failure
            log.warning("%s: could not remove %s", self.shown, self.temporary.toString())

    def _said(self, doing: str):
        return _JavaFailures(f"{self.shown}: {doing}")


class _JavaFailures:
    """A failure of Hadoop's FileSystem (permission denied, a missing bucket...) as one OutputError line."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, traceback):
        from py4j.protocol import Py4JJavaError

        if isinstance(exc, Py4JJavaError):
            raise OutputError(f"{self.prefix}: {java_reason(exc)}") from None
        return False
