"""Analyses and dossiers on Spark: `understand` and `compare` inside the tasks, for the stories many outlets cover.

`dossier_tables(spark, articles, members, settings, min_outlets, stories=...)` takes the `articles/` table, the
`members` table (article_id, story_id, cluster_seq) and, when there is one, the `stories` table (whose titles
and threads the dossier shows; without it the listing's title is null, the dossier's title its first compared
article's, and each story its own thread), and gives three DataFrames (nothing is written):

- `analyses`: article_id, version (long: understand.ANALYSIS_VERSION), analysis (the JSON `Store.save_analysis`
  stores: `store.analysis_json`), vectors (binary: the sentence vectors the store keeps beside that JSON, null
  when none; without them an imported analysis would align facts by shared words only).
- `dossiers`: story_id, outlets (long), articles (long), dossier (the text `newsprism story ID --json` prints
  for a store holding these members: the store's listing fields first, then the dossier).
- `rejections`: source_path, reason (as in `articles/`): an article whose analysis failed, a story whose dossier
  failed. The job goes on without them.

Which articles: only the stories with at least `min_outlets` distinct outlets (counted as the store counts them,
`outlet_key`) get a dossier, and only the articles their dossier compares (`compare.compared_articles`: the
near-copies are listed, not compared) are analysed; no other article is.

The steps: outlets per story (a shuffle of story ids and outlet keys only), the chosen stories' articles grouped
by story, their compared articles analysed spread evenly over the tasks (`understand.analyses_for`, one article at
a time so that one failing costs only itself), the analyses joined back to their stories, and `compare.dossier`
per story with the same inputs `story_dossier` gives it: the analyses as the store returns them (decoded from
the stored form), the story's title from its row, its listing figures from its articles.

Models (spaCy, the sentence model) load once per Python worker process: `understand` caches them per process
(`pipeline_for`, `meaning._model`), and Spark reuses its Python workers between tasks
(`spark.python.worker.reuse`, on by default).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from operator import add

from ..config import Settings
from ..model import Analysis, Article, Story
from ..oneline import describe
from ..store import analysis_json, outlet_key, utc_key
from .articles import REJECTION_COLUMNS

log = logging.getLogger(__name__)

ANALYSIS_COLUMNS = ("article_id", "version", "analysis", "vectors")
DOSSIER_COLUMNS = ("story_id", "outlets", "articles", "dossier")
# What a task needs of an article: its fields as `Article` names them (`articles/` has them all).
_ARTICLE_FIELDS = ("id", "text", "url", "outlet", "title", "byline", "dateline", "credit", "published", "captured",
                   "language", "source_path", "content_hash", "duplicate_of")


@dataclass
class DossierTables:
    analyses: object  # DataFrame, ANALYSIS_COLUMNS
    dossiers: object  # DataFrame, DOSSIER_COLUMNS
    rejections: object  # DataFrame, REJECTION_COLUMNS
    _kept: tuple = ()  # the persisted analyses both tables are made from (computed once)

    def unpersist(self) -> None:
        """Free the analyses Spark keeps for both tables (after they are written)."""
        for kept in self._kept:
            kept.unpersist()


class DossiersStage:
    """`run`'s analyses-and-dossiers stage, after the stories stage (it reads `articles/`' story_id): `analyses/`,
    `dossiers/` for the stories at least `min_outlets` outlets cover, and its failures added to `rejections/`."""

    def __init__(self, min_outlets: int = 2):
        self.min_outlets = min_outlets
        self.found: DossierTables | None = None

    def __call__(self, spark, tables: dict, settings: Settings) -> dict:
        articles = tables["articles"]
        if "story_id" not in articles.columns:
            raise ValueError("the dossiers stage needs the stories stage before it (articles have no story_id)")
        members = articles.select(articles.id.alias("article_id"), "story_id", "cluster_seq")
        self.found = found = dossier_tables(spark, articles, members, settings, self.min_outlets,
                                            stories=tables.get("stories"))
        return {"analyses": found.analyses, "dossiers": found.dossiers,
                "rejections": tables["rejections"].unionByName(found.rejections)}

    def release(self) -> None:
        if self.found is not None:
            self.found.unpersist()


def dossier_tables(spark, articles, members, settings: Settings = Settings(), min_outlets: int = 2, *,
                   stories=None) -> DossierTables:
    """The analyses and dossiers of the stories at least `min_outlets` outlets cover (see the module docstring);
    `stories` (the `stories/` table, optional) gives each dossier its story's title and thread."""
    from pyspark import StorageLevel

    partitions = max(1, spark.sparkContext.defaultParallelism)
    placed = (articles.drop("story_id", "cluster_seq")
              .join(members.where(members.story_id.isNotNull()).select(members.article_id.alias("id"), "story_id"),
                    "id"))
    chosen = _stories_with_outlets(placed, min_outlets, partitions)
    grouped = (placed.join(chosen, "story_id", "left_semi").rdd
               .map(lambda row: (row["story_id"], _article(row))).groupByKey(partitions).mapValues(list))
    grouped.persist(StorageLevel.MEMORY_AND_DISK)
    compared = grouped.flatMap(lambda group: [(article, group[0]) for article in _compared(group[1])])
    analysed = compared.repartition(partitions).mapPartitions(_analysed)
    analysed.persist(StorageLevel.MEMORY_AND_DISK)
    found = analysed.filter(lambda item: item[0] == "analysis").map(lambda item: item[1])
    titles = (stories.rdd.map(lambda row: (row["id"], (row["title"], row["thread_id"])))
              if stories is not None else spark.sparkContext.emptyRDD())
    by_story = found.map(lambda row: (row[4], row[:4]))
    built = grouped.groupWith(by_story, titles).flatMap(
        partial(_built, settings=settings))
    built.persist(StorageLevel.MEMORY_AND_DISK)
    analysis_schema, dossier_schema, rejection_schema = _schemas()
    rejected = (analysed.filter(lambda item: item[0] == "rejection").map(lambda item: item[1])
                .union(built.filter(lambda item: item[0] == "rejection").map(lambda item: item[1])))
    return DossierTables(
        analyses=spark.createDataFrame(found.map(lambda row: row[:4]), analysis_schema),
        dossiers=spark.createDataFrame(built.filter(lambda item: item[0] == "dossier").map(lambda item: item[1]),
                                       dossier_schema),
        rejections=spark.createDataFrame(rejected, rejection_schema),
        _kept=(grouped, analysed, built),
    )


def _stories_with_outlets(placed, min_outlets: int, partitions: int):
    """story_id of every story with at least `min_outlets` distinct outlets (the store's outlet_count)."""
    keys = placed.select("story_id", "outlet").rdd.map(
        lambda row: (row["story_id"], outlet_key(row["outlet"]) if row["outlet"] is not None else None))
    counted = (keys.distinct(partitions).map(lambda pair: (pair[0], int(pair[1] is not None)))
               .reduceByKey(add, partitions).filter(lambda pair: pair[1] >= min_outlets))
    from pyspark.sql.types import StringType, StructField, StructType

    return placed.sparkSession.createDataFrame(counted.map(lambda pair: (pair[0],)),
                                               StructType([StructField("story_id", StringType(), False)]))


# -- inside the tasks ---------------------------------------------------------------------------------


def _article(row) -> Article:
    return Article(**{name: row[name] for name in _ARTICLE_FIELDS}, story_id=row["story_id"])


def _compared(members: list[Article]) -> list[Article]:
    from ..compare import compared_articles  # loads spaCy: in the tasks only

    return compared_articles(members)


def _analysed(items: Iterable[tuple[Article, str]]) -> Iterator[tuple[str, tuple]]:
    """("analysis", (article_id, version, JSON, vectors, story_id)) for each article, or ("rejection",
    (source_path, reason)) when its analysis fails (an installation error, `ModelError`, still stops the job)."""
    from ..understand import MemoryAnalyses, analyses_for
    from ..understand.pipeline import ModelError

    for article, story_id in items:
        try:
            analysis = analyses_for(MemoryAnalyses(), [article])[article.id]
        except ModelError:
            raise
        except Exception as exc:  # noqa: BLE001 - one article's failure is reported, the job goes on
            log.warning("%s: no analysis (%s)", article.id, exc)
            yield "rejection", (article.source_path or article.id, f"analysis of article {article.id} failed: "
                                f"{describe(exc, 200)}")
            continue
        yield "analysis", (analysis.article_id, analysis.version, analysis_json(analysis), analysis.vectors,
                           story_id)


def _built(group, settings: Settings) -> Iterator[tuple[str, tuple]]:
    """("dossier", row) of one story from its members, analyses and row, or ("rejection", row) when it fails."""
    story_id, (member_lists, analysis_rows, story_rows) = group
    members = next(iter(member_lists), None)
    if members is None:  # a stories/ row whose story has too few outlets
        return
    title, thread_id = next(iter(story_rows), (None, None))
    try:
        yield "dossier", _dossier_row(story_id, members, analysis_rows, title, thread_id, settings)
    except Exception as exc:  # noqa: BLE001 - one story's failure is reported, the job goes on
        log.warning("story %s: no dossier (%s)", story_id, exc)
        yield "rejection", (f"story {story_id}", f"dossier of story {story_id} failed: {describe(exc, 200)}")


def _dossier_row(story_id: str, members: list[Article], analysis_rows, title: str | None, thread_id: str | None,
                 settings: Settings) -> tuple:
    from ..compare import dossier
    from ..render.dossier import to_json

    # decoded from the stored form, as `story_dossier` reads analyses back from the store
    analyses = {row[0]: Analysis.from_dict(json.loads(row[2]), row[3]) for row in analysis_rows}
    story = listed_story(story_id, members, title, thread_id)
    found = dossier(members, analyses, story_id=story_id, title=title, settings=settings.dossier)
    found.story = story
    return story_id, story.outlet_count, story.article_count, to_json(found)


def listed_story(story_id: str, members: list[Article], title: str | None, thread_id: str | None) -> Story:
    """The story as the store lists it (`Store.get_story` without its members): figures from its articles by the
    store's rules (times as `utc_key`, outlets counted by `outlet_key`, the named ones listed)."""
    times = [t for a in members if (t := utc_key(a.published) or utc_key(a.captured))]
    return Story(id=story_id, title=title, first_published=min(times, default=None),
                 last_published=max(times, default=None), article_count=len(members),
                 outlet_count=len({outlet_key(a.outlet) for a in members if a.outlet is not None}),
                 outlets=sorted({a.outlet for a in members if a.outlet}, key=str.casefold),
                 languages=sorted({a.language for a in members if a.language}), thread_id=thread_id or story_id)


def _schemas():
    from pyspark.sql.types import BinaryType, LongType, StringType, StructField, StructType

    analyses = StructType([StructField("article_id", StringType(), False), StructField("version", LongType(), False),
                           StructField("analysis", StringType(), False), StructField("vectors", BinaryType(), True)])
    dossiers = StructType([StructField("story_id", StringType(), False), StructField("outlets", LongType(), False),
                           StructField("articles", LongType(), False), StructField("dossier", StringType(), False)])
    rejections = StructType([StructField(name, StringType(), nullable=False) for name in REJECTION_COLUMNS])
    return analyses, dossiers, rejections
