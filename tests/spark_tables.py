"""A spark result's tables written from a store with pyarrow (tests only): what `newsprism spark run` writes for the
store's articles and stories (SPARK_CONTRACT: articles with story_id and cluster_seq, members, stories, threads),
so the Spark dossier stage and `newsprism import` can be tested on stories `ingest` made."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsprism.spark import ARTICLE_COLUMNS

_LONGS = {"input_file", "input_record", "cluster_seq", "size", "touched", "stories", "outlets"}


def _table(rows: list[dict], columns: list[str], types: dict | None = None) -> pa.Table:
    types = types or {}
    fields = [pa.field(name, types.get(name, pa.int64() if name in _LONGS else pa.string())) for name in columns]
    return pa.Table.from_pylist(rows, schema=pa.schema(fields))


def write_tables(db: Path, out: Path, *, members_apart: bool = False, files: int = 1) -> dict[str, int]:
    """Write `out`/articles (in `files` Parquet files), members, stories, threads (when any) and `_SUCCESS` from
    the store at `db`; `members_apart`: story_id and cluster_seq only in `members/`, not in `articles/`."""
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        articles = [dict(row) for row in connection.execute("SELECT * FROM articles ORDER BY seq")]
        stories = [dict(row) for row in connection.execute("SELECT * FROM stories ORDER BY id")]
        threads = [dict(row) for row in connection.execute("SELECT * FROM threads WHERE merged_into IS NULL")]
    for row in articles:
        row["input_file"], row["input_record"] = 0, row["seq"]
    article_columns = list(ARTICLE_COLUMNS) + ([] if members_apart else ["story_id", "cluster_seq"])
    (out / "articles").mkdir(parents=True)
    size = -(-len(articles) // files)
    for number in range(files):
        pq.write_table(_table(articles[number * size:(number + 1) * size], article_columns),
                       out / "articles" / f"part-{number:05d}.parquet")
    members = [{"article_id": a["id"], "story_id": a["story_id"], "cluster_seq": a["cluster_seq"]} for a in articles]
    _write(out / "members", _table(members, ["article_id", "story_id", "cluster_seq"]))
    by_story: dict[str, list[dict]] = {}
    for article in articles:
        by_story.setdefault(article["story_id"], []).append(article)
    for story in stories:
        story["outlets"] = len({a["outlet"].lower() for a in by_story.get(story["id"], []) if a["outlet"]})
        story["languages"] = sorted({a["language"] for a in by_story.get(story["id"], []) if a["language"]})
    story_columns = ["id", "title", "title_score", "first_time", "last_time", "size", "touched", "thread_id",
                     "state", "outlets", "languages"]
    _write(out / "stories", _table(stories, story_columns,
                                   {"title_score": pa.float64(), "languages": pa.list_(pa.string())}))
    if threads:
        _write(out / "threads", _table(threads, ["id", "first_time", "last_time", "stories", "touched", "state"]))
    counts = {"articles": len(articles), "stories": len(stories), "threads": len(threads)}
    (out / "_SUCCESS").write_text(json.dumps(counts) + "\n", encoding="utf-8")
    return counts


def _write(folder: Path, table: pa.Table) -> None:
    folder.mkdir(parents=True)
    pq.write_table(table, folder / "part-00000.parquet")
