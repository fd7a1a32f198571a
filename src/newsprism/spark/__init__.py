"""newsprism on Apache Spark: the library's own pipeline over an archive (read, normalize, identify, stories,
analyses, dossiers).

`run(spark, inputs, out_dir, settings, stages=...)` (and `newsprism spark run PATH... --out DIR`, also
under spark-submit: `newsprism/spark/submit.py`) lists the inputs on the driver, gives each input file to
a task, and inside the task runs `ingest.input_articles` (read -> normalize -> identify, the very
functions ingest calls). Nothing is rewritten: the identity rules are `identify.place` on
`MemoryArticles`, group by group. `run_articles` is `run` without later stages.

Inputs. A local path is found as `ingest` finds it (`read.discover`: folders, manifests, links), and
its task opens the file (on a cluster: a path every executor mounts). A filesystem URL the Spark
installation reads (file:/..., hdfs://..., s3a://..., a glob pattern too) is listed through Hadoop's
FileSystem on the driver (folders recursively, in the order `discover` walks a folder, hidden entries
left out; a manifest.json there is not read but reported), and its bytes reach the task through
Spark's `binaryFiles` (one byte array per file: at most 2 GB, a larger file is a rejection);
`source_path` names the URL as Hadoop writes it (`file:/data/a.jsonl:3`).

Arrival order. Spark has none, so every article carries its place in the input as `ingest` would read
it: (`input_file`, `input_record`) = (the file's number in listing order, the item's number inside
the file). "Earlier" below means smaller in that order; on the same inputs in the same order this
gives `ingest`'s articles.

The steps (two shuffles for identity, one for near-copies):
1. Same id (the URL id): the members of each group in arrival order through `place`: the first is
   kept, a later one with the same text (or a near-copy of it) is the same article again (its missing
   metadata fills in the kept one's, as `Store.fill_missing`), one with another text gets its URL-and-
   content id.
2. Same content hash (what is left): again `place` per group in arrival order (same text from the same
   outlet, or without a URL on one side, is the same article). A reading `place` fails on is rejected
   alone (a row of `rejections`), as `ingest` rejects an article it cannot store.
3. Near-copies across the archive: the library's MinHash signature and LSH band keys per article
   (`NearCopyIndex`, with `Settings`' threshold, permutations and shingle size), a shuffle by band key,
   every earlier/later pair in a bucket verified with the same similarity and threshold. Each article's
   original is, as `place` picks it, the most similar earlier candidate (ties: the greatest id, the order
   in which the store returns candidates), then followed to its root (`root_of`: an original is never a
   copy), by pointer jumping over joins.

Failures. An input or record that gives no article is a row of `rejections`, never a failed job. A
failed task (a lost executor, a Python worker that died) is run again by Spark: `spark_session` gives a
local master `local[N,4]` (Spark's plain `local[N]` never retries), a cluster retries 4 times by default
(spark.task.maxFailures). Every step is a function of its input alone (groups sorted by arrival order
before `place`), so a task run again gives the same rows, and Spark's commit protocol keeps one
attempt's output per partition: no duplicates. CRASH_PROPERTY is the documented hook that lets a test
end the first attempt of one read task abruptly.

Output (Parquet, under `out_dir`, a local path or a URL; `write_result`):
- `articles/`: id, url, outlet, title, byline, dateline, credit, published, captured, language, text,
  duplicate_of, source_path, content_hash (strings; every one but id, text and content_hash may be
  null), input_file, input_record (ints); sorted by (input_file, input_record).
- `rejections/`: source_path, reason (strings): an input or record that gave no article, one row each
  (an empty file, a binary file, a truncated archive: the job goes on).
- the tables later stages add (`run(..., stages=[...])`: a stage is `stage(spark, tables, settings)`
  -> {name: DataFrame}).
- `_SUCCESS`: written last, JSON with the counts, the rows of each table (`tables`) and its columns
  (`columns`). The result is written to a hidden folder beside `out_dir` and renamed into place through
  Hadoop's FileSystem (`ResultFolder`), so a rerun replaces a previous result whole; a folder that is
  not a previous result (no `_SUCCESS`, not empty) is never replaced. On S3 a rename is a copy, as for
  every Spark job there.

The stages after the articles (`pipeline(until, min_outlets)` gives them to `run`): `StoriesStage`
(spark/stories.py: `stories/`, `threads/`, and `story_id`, `cluster_seq` added to `articles/`), then
`DossiersStage` (spark/dossiers.py: `analyses/`, `dossiers/`, its failures added to `rejections/`).
`newsprism import DIR` (spark/imports.py, pyarrow only) loads a result into a store.

Not built here: manifests in URL folders.
"""

from .articles import (
    ARTICLE_COLUMNS,
    CRASH_PROPERTY,
    REJECTION_COLUMNS,
    ArticleTables,
    OutputError,
    ResultFolder,
    SparkReport,
    article_tables,
    is_url,
    run,
    run_articles,
    spark_session,
    with_retries,
    write_result,
)
from .dossiers import DossiersStage, DossierTables, dossier_tables
from .imports import ImportReport, ResultError, import_result
from .stories import StoriesStage, StoryTables, story_tables

STAGES = ("articles", "stories", "dossiers")


def pipeline(until: str = "dossiers", min_outlets: int = 2) -> list:
    """The stages `run` runs after the articles, up to `until` (one of STAGES): the stories stage
    (spark/stories.py), then the analyses-and-dossiers stage for stories of at least `min_outlets` outlets
    (spark/dossiers.py, which loads spaCy and the sentence model in each worker)."""
    if until not in STAGES:
        raise ValueError(f"unknown stage {until!r} (expected one of {', '.join(STAGES)})")
    stages = [StoriesStage(), DossiersStage(min_outlets)]
    return stages[:STAGES.index(until)]


__all__ = ["run", "run_articles", "pipeline", "STAGES", "article_tables", "story_tables", "dossier_tables",
           "import_result", "write_result", "ResultFolder", "ArticleTables", "StoryTables", "DossierTables",
           "StoriesStage", "DossiersStage", "ImportReport", "ResultError", "spark_session", "with_retries", "is_url",
           "SparkReport", "OutputError", "ARTICLE_COLUMNS", "REJECTION_COLUMNS", "CRASH_PROPERTY"]
