"""`newsprism import DIR`: a finished Spark result loaded into a store, which `story`, `stories` and the web app serve
and `ingest` goes on clustering into. Needs pyarrow, not Spark or Java.

What is read (the tables of the package docstring; Parquet files in each folder, read batch by batch):
- `articles/`: every article (its near-copy signature computed again, as `ingest` stores one, so later
  articles find it), with its story from the columns `story_id` and `cluster_seq` when `articles/` has them,
  else from `members/` (article_id, story_id, cluster_seq); a result with neither (`spark run` before stories
  existed) gives articles without stories, which the next `ingest` or `recluster` assigns.
- `stories/`, `threads/` (when there): the clusterer's rows with their state, and the clusterer's clock and
  arrival count from them and the articles, so the next `ingest` continues against these stories.
- `analyses/`: kept as they are (the JSON and vectors `Store.save_analysis` stores), so no article is analysed
  again. `dossiers/` is not stored (the store keeps no dossiers; `story` builds one from the analyses).

Everything goes in one transaction: a failure (a corrupt Parquet file found halfway) or a kill leaves the store as
it was. An article the store already has (same id) is skipped, with its membership and analysis: the store's
own stays, and the report counts the skipped ones; so is a story or thread whose id the store has.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from ..config import Settings
from ..dates import as_utc, utc_time
from ..identify import NearCopyIndex
from ..model import Article
from ..oneline import describe
from ..store import Store
from .articles import ARTICLE_COLUMNS, MARKER

log = logging.getLogger(__name__)

BATCH = 2000  # rows read from a Parquet file at a time
_MEMBER_COLUMNS = ("story_id", "cluster_seq")
_STORY_COLUMNS = ("id", "title", "title_score", "first_time", "last_time", "size", "touched", "thread_id", "state")
_THREAD_COLUMNS = ("id", "first_time", "last_time", "stories", "touched", "state")
_ANALYSIS_COLUMNS = ("article_id", "version", "analysis")


class ResultError(Exception):
    """The folder is not a finished, readable newsprism Spark result (one line for the user)."""


@dataclass
class ImportReport:
    """What one import stored, and what it skipped because the store had it already."""

    articles: int = 0
    known_articles: int = 0
    stories: int = 0
    known_stories: int = 0
    threads: int = 0
    analyses: int = 0
    members_from: str | None = None  # "articles", "members", or None: the result has no stories

    def to_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        known = f" ({self.known_articles} already in the store, skipped)" if self.known_articles else ""
        stories = (f"{self.stories} stories" + (f" ({self.known_stories} already in the store, skipped)"
                                                if self.known_stories else "")
                   if self.members_from else "no stories in the result (the next ingest or recluster makes them)")
        return f"{self.articles} articles{known}, {stories}, {self.threads} threads, {self.analyses} analyses"


def import_result(store: Store, folder: str | os.PathLike, settings: Settings = Settings()) -> ImportReport:
    """Load the Spark result in `folder` into `store` in one transaction (see the module docstring)."""
    root = checked_result(folder)
    report = ImportReport()
    with store.importing():
        first_seq, last_cluster_seq = store.latest_arrival()
        state = store.cluster_state()
        skipped = _import_articles(store, root, settings, report, last_cluster_seq)
        if report.members_from:
            _import_stories(store, root, report)
            _import_threads(store, root, report)
            store.record_arrivals(first_seq, utc_time())
            _continue_clock(store, root, state, skipped)
        _import_analyses(store, root, report, skipped)
    return report


def checked_result(folder: str | os.PathLike) -> Path:
    """`folder` when it holds a finished result with an articles table; else ResultError (before a store is
    opened, so that a mistyped folder never leaves an empty store behind)."""
    root = Path(folder)
    if not (root / MARKER).is_file():
        raise ResultError(f"{root}: not a finished newsprism spark result (no {MARKER})")
    if not _parquet_files(root / "articles"):
        raise ResultError(f"{root}: no articles/ table")
    return root


# -- articles and their stories -----------------------------------------------------------------------


def _import_articles(store: Store, root: Path, settings: Settings, report: ImportReport,
                     seq_offset: int) -> set[str]:
    """Every new article (with its signature) and its story; returns the ids the store had (skipped)."""
    files = _parquet_files(root / "articles")
    own = all(set(_MEMBER_COLUMNS) <= set(_columns(path)) for path in files)
    report.members_from = "articles" if own else ("members" if _parquet_files(root / "members") else None)
    index = NearCopyIndex(settings.near_duplicate_threshold, settings.minhash_permutations, settings.shingle_words)
    skipped: set[str] = set()
    wanted = list(ARTICLE_COLUMNS[:-2]) + (list(_MEMBER_COLUMNS) if own else [])
    for row in _rows(root / "articles", wanted, required=("id", "text", "content_hash")):
        if store.get_article(row["id"]) is not None:
            skipped.add(row["id"])
            continue
        article = Article(**{name: row.get(name) for name in ARTICLE_COLUMNS[:-2]})
        signature = index.signature(f"{article.title or ''}\n{article.text}")  # what `identify.place` signs
        store.add_article(article, signature, index.band_keys(signature))
        report.articles += 1
        if own and row["story_id"] is not None:
            _join(store, root / "articles", article.id, row, seq_offset)
    if report.members_from == "members":
        for row in _rows(root / "members", ["article_id", *_MEMBER_COLUMNS], required=("article_id", "story_id")):
            if row["article_id"] not in skipped and row["story_id"] is not None:
                _join(store, root / "members", row["article_id"], row, seq_offset)
    report.known_articles = len(skipped)
    return skipped


def _join(store: Store, table: Path, article_id: str, row: dict, seq_offset: int) -> None:
    """The article joins its story at its place in the assignment order (after the store's own articles)."""
    if row.get("cluster_seq") is None:
        raise ResultError(f"{table}: article {article_id} has a story but no cluster_seq")
    store.set_story(article_id, row["story_id"], row["cluster_seq"] + seq_offset)


def _import_stories(store: Store, root: Path, report: ImportReport) -> None:
    from ..cluster import story_from_row  # the clusterer's own reading of a row: its index terms

    for row in _rows(root / "stories", list(_STORY_COLUMNS), required=_STORY_COLUMNS[:1] + _STORY_COLUMNS[5:]):
        if store.is_story(row["id"]):
            report.known_stories += 1
            continue
        try:
            story = story_from_row(row)
        except (ValueError, KeyError, TypeError) as exc:
            raise ResultError(f"{root / 'stories'}: story {row['id']}: its state is not the clusterer's JSON "
                              f"({describe(exc, 120)})") from None
        store.save_story(row["id"], title=row["title"], title_score=row["title_score"] or 0.0,
                         first_time=row["first_time"], last_time=row["last_time"], size=row["size"],
                         touched=row["touched"], state=row["state"], index_terms=story.index_terms(),
                         thread_id=row["thread_id"])
        report.stories += 1


def _import_threads(store: Store, root: Path, report: ImportReport) -> None:
    if not _parquet_files(root / "threads"):
        return
    for row in _rows(root / "threads", list(_THREAD_COLUMNS), required=_THREAD_COLUMNS):
        if store.thread_row(row["id"]) is None:
            store.save_thread(row["id"], first_time=row["first_time"], last_time=row["last_time"],
                              stories=row["stories"], touched=row["touched"], state=row["state"])
            report.threads += 1


def _continue_clock(store: Store, root: Path, state: dict[str, str], skipped: set[str]) -> None:
    """The clusterer's clock (the latest time of an assigned article) and arrival count (articles assigned, near-
    copies aside, which no story's `touched` exceeds), as streaming these articles would have left them."""
    clock = as_utc(state["clock"]) if state.get("clock") else None
    arrivals = int(state.get("arrivals", 0))
    counted, touched = 0, 0
    for row in _rows(root / "articles", ["id", "published", "captured", "duplicate_of"], required=("id",)):
        if row["id"] in skipped or row.get("duplicate_of") is not None:
            continue
        counted += 1
        when = as_utc(row.get("published") or row.get("captured"))
        if when is not None and (clock is None or when > clock):
            clock = when
    for table in ("stories", "threads"):
        if _parquet_files(root / table):
            touched = max([touched, *(row["touched"] for row in _rows(root / table, ["touched"]))])
    store.save_cluster_state({"clock": clock.isoformat() if clock else "",
                              "arrivals": str(max(arrivals + counted, touched)),
                              "generation": str(int(state.get("generation", 0)) + 1)})


def _import_analyses(store: Store, root: Path, report: ImportReport, skipped: set[str]) -> None:
    if not _parquet_files(root / "analyses"):
        return
    for row in _rows(root / "analyses", [*_ANALYSIS_COLUMNS, "vectors"], required=_ANALYSIS_COLUMNS):
        if row["article_id"] not in skipped:
            store.save_analysis_row(row["article_id"], row["version"], row["analysis"], row.get("vectors"))
            report.analyses += 1


# -- Parquet ------------------------------------------------------------------------------------------


def _parquet_files(folder: Path) -> list[Path]:
    """The data files of a table, in name order (Spark's part files; its markers and checksums left out)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(("_", ".")))


def _columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    try:
        return pq.read_schema(path).names
    except Exception as exc:  # noqa: BLE001 - pyarrow's errors vary by what is wrong with the file
        raise ResultError(f"{path}: not a readable Parquet file ({describe(exc, 160)})") from None


def _rows(folder: Path, columns: list[str], required: tuple[str, ...] = ()) -> Iterator[dict]:
    """The rows of every file in `folder`, as dicts of the `columns` it has (the `required` ones must be there)."""
    import pyarrow.parquet as pq

    for path in _parquet_files(folder):
        present = set(_columns(path))
        if missing := [name for name in required if name not in present]:
            raise ResultError(f"{path}: no column {', '.join(missing)}")
        try:
            reader = pq.ParquetFile(path)
            for batch in reader.iter_batches(batch_size=BATCH, columns=[c for c in columns if c in present]):
                yield from batch.to_pylist()
        except Exception as exc:  # noqa: BLE001 - a damaged file, whatever pyarrow calls it
            raise ResultError(f"{path}: not a readable Parquet file ({describe(exc, 160)})") from None
