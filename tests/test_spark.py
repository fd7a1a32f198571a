"""`newsprism spark run` and `newsprism.spark.run_articles`: on Spark (local[2]) the same articles as `ingest`.

One SparkSession serves the module (starting one takes seconds). Without Java or pyspark the module skips.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import newsprism
from newsprism.evaluate.datasets import ecbplus_documents

from .conftest import EXAMPLES, SHARED, needs_shared

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'newsprism[spark]')")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java 17 or newer, and no `java` is on this machine", allow_module_level=True)

from newsprism.model import Article, Rejection  # noqa: E402
from newsprism.read import Manifest  # noqa: E402
from newsprism.spark import ARTICLE_COLUMNS, CRASH_PROPERTY, OutputError, run, run_articles, spark_session  # noqa: E402
from newsprism.spark import articles as spark_articles  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    session = spark_session("local[2]", app_name="newsprism-tests")
    yield session
    session.stop()


def _ingested(tmp_path, inputs) -> dict[str, tuple]:
    """What `newsprism ingest` stores for `inputs`: id -> (text, duplicate_of, url, outlet, title)."""
    db = tmp_path / "ingest.db"
    with newsprism.Store(db) as store:
        newsprism.ingest(store, inputs)
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT id, text, duplicate_of, url, outlet, title FROM articles").fetchall()
    return {row[0]: row[1:] for row in rows}


def _written(spark, out) -> dict[str, tuple]:
    rows = spark.read.parquet(str(out / "articles")).collect()
    return {row.id: (row.text, row.duplicate_of, row.url, row.outlet, row.title) for row in rows}


def _rejections(spark, out) -> list[tuple[str, str]]:
    return sorted((row.source_path, row.reason) for row in spark.read.parquet(str(out / "rejections")).collect())


def test_the_example_corpus_gives_ingests_articles_and_a_rerun_replaces_the_result(spark, tmp_path):
    out = tmp_path / "out"
    report = run_articles(spark, [EXAMPLES], out)
    expected = _ingested(tmp_path, [EXAMPLES])
    written = _written(spark, out)
    assert written == expected
    assert any(duplicate_of for _, duplicate_of, *_ in expected.values())  # a near-copy link is compared
    assert (report.articles, report.linked, report.rejected) == (len(expected), 1, 0)
    assert spark.read.parquet(str(out / "articles")).columns == list(ARTICLE_COLUMNS)
    marker = json.loads((out / "_SUCCESS").read_text(encoding="utf-8"))
    assert marker["articles"] == len(expected) and marker["columns"]["articles"] == list(ARTICLE_COLUMNS)

    again = run_articles(spark, [EXAMPLES], out)
    assert _written(spark, out) == expected and again.articles == report.articles
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ingest.db", "out"]  # no temporary folder left


def test_a_folder_that_is_not_a_result_is_never_replaced(spark, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputError, match="not a newsprism spark result"):
        run_articles(spark, [EXAMPLES / "text"], out)
    with pytest.raises(OutputError, match="not a newsprism spark result"):
        run_articles(spark, [EXAMPLES / "text"], out.as_uri())  # the same folder as a file:// URL
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # nothing written beside it
    with pytest.raises(OutputError, match=r"^nosuch://host/out: cannot use: .*nosuch"):
        run_articles(spark, [EXAMPLES / "text"], "nosuch://host/out")


def test_urls_that_cannot_be_listed_are_rejections(spark, tmp_path):
    listed = spark_articles.list_inputs(spark, ["nosuch://host/in", (tmp_path / "none").as_uri(),
                                                f"{EXAMPLES.as_uri()}/dumps/*.jsonl"], Manifest())
    assert [type(entry).__name__ for entry in listed] == ["Rejection", "Rejection", "InputFile"]
    assert listed[0].reason.startswith("cannot list: ") and "nosuch" in listed[0].reason
    assert listed[1] == Rejection((tmp_path / "none").as_uri(), "no such file or directory")
    assert listed[2].path == f"file:{EXAMPLES}/dumps/estmark-news-sample.jsonl" and listed[2].remote


def _ecbplus_slice(folder, tmp_path):
    """ECB+ topics 1 and 3 as JSON Lines (one file gzipped), with what archives hold besides: the same article
    read again, a syndicated near-copy at another outlet, the same text at the same outlet under another URL,
    another text at a URL already read, and the same wire text at two outlets."""
    records = [d for d in ecbplus_documents(folder) if d["topic"] in ("1", "3")]
    rows = [{"url": f"https://outlet{i % 5}.example/news/{d['id']}", "outlet": f"Outlet {i % 5}",
             "title": f"Report {d['id']}", "text": d["text"]} for i, d in enumerate(records)]
    first, second, third = rows[0], rows[1], rows[2]
    extra = [
        dict(first),  # read again
        {**second, "url": "https://copies.example/wire/1", "outlet": "Copies",
         "text": second["text"].replace(".", ";", 1) + " (Wire.)"},  # a near-copy
        {**third, "url": f"{third['url']}?page=print"},  # same outlet, same text, another URL
        {**first, "text": first["text"] + "\n\nUpdate: the police named a second suspect on Tuesday evening."},
        {**rows[3], "url": "https://other.example/story", "outlet": "Other"},  # the same text at another outlet
    ]
    source = tmp_path / "ecb"
    source.mkdir()
    half = len(rows) // 2
    (source / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[:half]), encoding="utf-8")
    with gzip.open(source / "b.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r) + "\n" for r in rows[half:] + extra)
    return source


def test_an_ecbplus_slice_gives_ingests_ids_texts_and_near_copy_links(spark, tmp_path):
    source = _ecbplus_slice(needs_shared(SHARED / "data" / "ecbplus"), tmp_path)
    out = tmp_path / "out"
    report = run_articles(spark, [source], out)
    expected = _ingested(tmp_path, [source])
    assert _written(spark, out) == expected
    links = sum(duplicate_of is not None for _, duplicate_of, *_ in expected.values())
    assert links >= 2 and report.linked == links
    assert report.duplicate >= 2  # read again, and the same outlet's text under another URL


def test_hostile_inputs_are_rejections_and_the_job_goes_on(spark, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "empty.txt").write_bytes(b"")
    (source / "noise.bin").write_bytes(bytes(range(256)) * 64)
    whole = gzip.compress(b"".join(json.dumps({"text": f"Story number {n} about the harbour strike and "
                                                          f"its {n} ships."}).encode() + b"\n" for n in range(200)))
    (source / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    (source / "good.txt").write_text("The bridge over the Varnholm reopened on Monday after two years.\n",
                                     encoding="utf-8")
    out = tmp_path / "out"
    report = run_articles(spark, [source], out)
    rejected = _rejections(spark, out)
    assert {path.rsplit("/", 1)[-1].split(":")[0] for path, _ in rejected} == {"empty.txt", "noise.bin",
                                                                             "cut.jsonl.gz"}
    assert report.rejected == len(rejected) == 3
    assert all(reason and "\n" not in reason for _, reason in rejected)
    expected = _ingested(tmp_path, [source])  # what ingest keeps of the cut archive, Spark keeps too
    assert _written(spark, out) == expected and report.articles == len(expected) > 1


def test_the_command_writes_the_tables_and_says_so_in_one_line(spark, run_cli, tmp_path):
    inputs = [EXAMPLES / "text", EXAMPLES / "dumps"]
    result = run_cli("spark", "run", *inputs, "--out", tmp_path / "r", "--master", "local[2]", "--until", "stories")
    assert result.returncode == 0, result.stderr
    files = sum(1 for folder in inputs for path in folder.iterdir() if path.name != "manifest.json")
    table = spark.read.parquet(str(tmp_path / "r" / "articles"))
    written, linked = table.count(), table.filter("duplicate_of IS NOT NULL").count()
    assert written >= files and linked == 1  # the Lakeside Observer copying an Estmark News report
    stories = spark.read.parquet(str(tmp_path / "r" / "stories")).count()
    assert table.filter("story_id IS NULL").count() == 0 and 1 < stories < written
    assert result.stderr.strip().splitlines() == [
        f"newsprism: {written} articles ({linked} near-copies), {stories} stories, 0 duplicate, 0 rejected, "
        f"from {files} inputs -> {tmp_path / 'r'}"]
    assert not (tmp_path / "r" / "dossiers").exists()  # --until stories
    assert (tmp_path / "r" / "_SUCCESS").is_file()
    assert not spark.sparkContext._jsc.sc().isStopped()  # the caller's session is left running


def test_file_urls_read_and_write_through_hadoop_the_same_articles_as_plain_paths(spark, tmp_path):
    source = tmp_path / "in"
    for folder in ("text", "dumps", "archive"):
        shutil.copytree(EXAMPLES / folder, source / folder)
    odd = source / "dumps" / "wire, copy [1].jsonl"  # a comma and glob characters in a file name
    odd.write_text(json.dumps({"url": "https://wire.example/1", "text": "The ferry to Varnholm resumed its "
                               "crossings on Friday after the storm damage was repaired."}) + "\n", encoding="utf-8")
    (source / "text" / ".draft.txt").write_text("A hidden draft, never read.", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()  # a previous result, replaced through Hadoop's FileSystem
    (out / "_SUCCESS").write_text("{}", encoding="utf-8")
    (out / "old.parquet").write_bytes(b"")
    report = run_articles(spark, [source.as_uri()], out.as_uri())
    expected = _ingested(tmp_path, [source])
    assert _written(spark, out) == expected and report.articles == len(expected) and report.rejected == 0
    assert report.inputs == sum(1 for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
    sources = {row.source_path for row in spark.read.parquet(str(out / "articles")).collect()}
    assert all(path.startswith(f"file:{source}/") for path in sources)  # the URL, as Hadoop names it
    assert any(path.startswith(f"file:{odd}") for path in sources)
    assert json.loads((out / "_SUCCESS").read_text(encoding="utf-8"))["tables"] == {
        "articles": len(expected), "rejections": 0}
    assert not (out / "old.parquet").exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_a_python_worker_lost_mid_read_is_retried_and_its_articles_written_once(spark, tmp_path):
    """The first attempt of the task reading input file 1 ends its Python worker (os._exit), as a lost
    executor would; Spark runs the task again and the result holds each article once."""
    sc = spark.sparkContext
    assert sc.master == "local[2,4]"  # spark_session's local master retries a failed task (local[2] never does)
    inputs = [EXAMPLES / "dumps"]  # two files: 0 and 1
    sc.setJobGroup("newsprism-lost-worker", "a worker lost mid-read")
    sc.setLocalProperty(CRASH_PROPERTY, "1")
    try:
        report = run_articles(spark, inputs, tmp_path / "out")
    finally:
        sc.setLocalProperty(CRASH_PROPERTY, None)
        sc.setLocalProperty("spark.jobGroup.id", None)
    tracker = sc.statusTracker()
    stages = [tracker.getStageInfo(stage) for job in tracker.getJobIdsForGroup("newsprism-lost-worker")
              for stage in tracker.getJobInfo(job).stageIds]
    assert sum(stage.numFailedTasks for stage in stages if stage) >= 1  # the worker was lost, the task retried
    ids = [row.id for row in spark.read.parquet(str(tmp_path / "out" / "articles")).collect()]
    expected = _ingested(tmp_path, inputs)
    assert len(ids) == len(set(ids)) == report.articles == len(expected)
    assert _written(spark, tmp_path / "out") == expected


def test_an_article_place_fails_on_is_rejected_alone(monkeypatch):
    """`place` raising (no input known to make it) rejects that reading, as ingest rejects an article it
    cannot store; the other articles of its group are settled as usual."""
    def failing_place(article, known, index):
        if "Estmark" in article.text:
            raise ValueError("no signature for this text")
        return place(article, known, index)

    place = spark_articles.place
    monkeypatch.setattr(spark_articles, "place", failing_place)
    first = Article(id="a", text="The bridge at Estmark reopened on Monday.", content_hash="h1", source_path="x:1")
    second = Article(id="a", text="The ferry to Varnholm runs again.", content_hash="h2", source_path="x:2")
    third = Article(id="a", text="The ferry to Varnholm runs again.", content_hash="h2", source_path="x:3")
    group = ("a", [((0, 2), third), ((0, 0), first), ((0, 1), second)])
    settled = list(spark_articles._settle_group(group, (0.7, 128, 3)))
    assert settled == [((0, 0), Rejection("x:1", "cannot settle duplicates: ValueError: no signature for this text")),
                       ((0, 1), second)]


def test_spark_submit_runs_the_job_script(spark, tmp_path):
    """pyspark's own spark-submit runs newsprism/spark/submit.py with `newsprism spark run`'s arguments."""
    import pyspark

    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    script = Path(spark_articles.__file__).with_name("submit.py")
    source = str(Path(newsprism.__file__).parents[1])
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable,
           "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([str(submit), "--master", "local[1]", str(script), str(EXAMPLES / "dumps"),
                           "--out", str(tmp_path / "r")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    expected = _ingested(tmp_path, [EXAMPLES / "dumps"])
    assert _written(spark, tmp_path / "r") == expected
    # spark-submit passes the script's standard error on to its own standard output
    summary = [line for line in done.stdout.splitlines() if line.startswith("newsprism:")]
    assert summary and summary[0].startswith(f"newsprism: {len(expected)} articles (0 near-copies)"), summary


def test_stages_add_tables_that_are_written_counted_and_described_in_the_marker(spark, tmp_path):
    """How stories and dossiers plug in: a stage gets the tables so far and returns tables to add or replace."""
    def outlets(spark, tables, settings):
        articles = tables["articles"]
        return {"outlets": articles.groupBy("outlet").count(), "threads": None,  # None: not written
                "articles": articles.withColumn("chars", articles.text.substr(1, 10))}

    out = tmp_path / "out"
    report = run(spark, [EXAMPLES / "dumps"], out, stages=[outlets])
    marker = json.loads((out / "_SUCCESS").read_text(encoding="utf-8"))
    expected = _ingested(tmp_path, [EXAMPLES / "dumps"])
    assert marker["tables"] == report.tables == {"articles": len(expected), "rejections": 0,
                                                 "outlets": len({v[3] for v in expected.values()})}
    assert marker["columns"]["outlets"] == ["outlet", "count"]
    assert marker["columns"]["articles"] == [*ARTICLE_COLUMNS, "chars"] and not (out / "threads").exists()
