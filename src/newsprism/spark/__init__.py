"""newsprism on Apache Spark: the library's own read, normalize and identify steps over an archive.

`run_articles(spark, inputs, out_dir)` (and `newsprism spark run PATH... --out DIR`) lists the inputs on
the driver (`read.discover`: local files and folders, every format `newsprism ingest` reads), gives each
input file to a task, and inside the task runs `ingest.input_articles` (read -> normalize -> identify,
the very functions ingest calls). Nothing is rewritten: the identity rules are `identify.place` on
`MemoryArticles`, group by group.

Arrival order. Spark has none, so every article carries its place in the input as `ingest` would read
it: (`input_file`, `input_record`) = (the file's number in `discover` order, the item's number inside
the file). "Earlier" below means smaller in that order; on the same inputs in the same order this
gives `ingest`'s articles.

The steps (two shuffles for identity, one for near-copies):
1. Same id (the URL id): the members of each group in arrival order through `place`: the first is
   kept, a later one with the same text (or a near-copy of it) is the same article again (its missing
   metadata fills in the kept one's, as `Store.fill_missing`), one with another text gets its URL-and-
   content id.
2. Same content hash (what is left): again `place` per group in arrival order (same text from the same
   outlet, or without a URL on one side, is the same article).
3. Near-copies across the archive: the library's MinHash signature and LSH band keys per article
   (`NearCopyIndex`, with `Settings`' threshold, permutations and shingle size), a shuffle by band key,
   every earlier/later pair in a bucket verified with the same similarity and threshold. Each article's
   original is, as `place` picks it, the most similar earlier candidate (ties: the greatest id, the order
   in which the store returns candidates), then followed to its root (`root_of`: an original is never a
   copy), by pointer jumping over joins.

Output (Parquet, under `out_dir`):
- `articles/`: id, url, outlet, title, byline, dateline, credit, published, captured, language, text,
  duplicate_of, source_path, content_hash (strings; every one but id, text and content_hash may be
  null), input_file, input_record (ints); sorted by (input_file, input_record).
- `rejections/`: source_path, reason (strings): an input or record that gave no article, one row each
  (an empty file, a binary file, a truncated archive: the job goes on).
- `_SUCCESS`: written last, JSON with the counts. The result is written to a hidden folder beside
  `out_dir` and renamed into place, so a rerun replaces a previous result whole; a folder that is not a
  previous result (no `_SUCCESS`, not empty) is never replaced.

Not built yet: stories, threads, analyses, dossiers, `newsprism import`, filesystem URLs (s3a://,
hdfs://) for inputs and output, benchmarks/spark.py.
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

__all__ = ["run", "run_articles", "article_tables", "write_result", "ResultFolder", "ArticleTables", "spark_session",
           "with_retries", "is_url", "SparkReport", "OutputError", "ARTICLE_COLUMNS", "REJECTION_COLUMNS",
           "CRASH_PROPERTY"]
