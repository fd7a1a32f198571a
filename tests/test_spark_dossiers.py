"""Analyses and dossiers on Spark (`newsprism.spark.dossier_tables`, local[2]) equal what the store and
`newsprism story ID --json` give for the same members; `newsprism import DIR` loads a result that `stories`,
`story`, the web app and a later `ingest` then use.

The inputs are stories `ingest` made (the example corpus, two dossier-gold stories), written as a Spark result's
tables with pyarrow (tests/spark_tables.py). One SparkSession serves the module; the import tests need no Spark.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3

import numpy as np
import pytest

import newsprism
from newsprism.config import Settings
from newsprism.spark.imports import ResultError, import_result

from .conftest import EXAMPLES, SHARED, invoke_cli, needs_shared
from .spark_tables import write_tables

GOLD = SHARED / "data" / "dossier-gold"


def _ingested(tmp_path, inputs, name="ingest.db"):
    db = tmp_path / name
    with newsprism.Store(db) as store:
        newsprism.ingest(store, inputs)
    return db


def _rows(db, sql, params=()):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def _story_json(db, story_id) -> str:
    result = invoke_cli("story", story_id, "--json", "--db", str(db))
    assert result.returncode == 0, result.stderr
    return result.stdout


def _memberships(db) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in _rows(db, "SELECT id, story_id, cluster_seq FROM articles")}


# -- on Spark ---------------------------------------------------------------------------------------------
# One job serves every Spark test (the models load in each worker once): the example corpus and two dossier-gold
# stories ingested into a store and written as a result's tables, plus hostile articles added to the job's input
# only (ingest would reject them), with MIN_OUTLETS 3: the example's story of 10 outlets, ga01 (5 outlets) and
# gc01 (6) get a dossier, the example's stories of 2 outlets do not.

MIN_OUTLETS = 3
PLAIN = "The mayor said the bridge would reopen on Monday. \"It is safe,\" she said."
# (id, text, outlet, story): s1 has 3 outlets and hostile texts, s2 an article that cannot be analysed (no text),
# s3 only 2 outlets
HOSTILE = [("empty", "", "A", "s1"), ("huge", "x" * 250_000, "B", "s1"),
           ("control", "\x00\x1b[31m\u202e The mayor said: \"fine\".\x7f", "C", "s1"),
           ("null", None, "D", "s2"), ("plain1", PLAIN, "E", "s2"), ("plain2", PLAIN + " Yes.", "F", "s2"),
           ("plain3", PLAIN + " No.", "G", "s3"), ("plain4", PLAIN + " Maybe.", "H", "s3")]


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'newsprism[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java 17 or newer, and no `java` is on this machine")
    from newsprism.spark import spark_session

    session = spark_session("local[2]", app_name="newsprism-tests")
    yield session
    session.stop()


def _with_hostile(spark, articles, members):
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    from newsprism.spark import ARTICLE_COLUMNS

    rows = []
    for number, (article_id, text, outlet, _) in enumerate(HOSTILE):
        values = dict.fromkeys(ARTICLE_COLUMNS)
        values.update(id=article_id, text=text, outlet=outlet, content_hash=article_id, language="en",
                      input_file=1, input_record=number)
        rows.append(tuple(values[name] for name in ARTICLE_COLUMNS))
    schema = StructType([StructField(name, LongType() if name.startswith("input_") else StringType())
                         for name in ARTICLE_COLUMNS])
    hostile_members = spark.createDataFrame([(article_id, story, 10_000 + number) for number, (article_id, _, _, story)
                                             in enumerate(HOSTILE)], members.schema)
    return (articles.select(*ARTICLE_COLUMNS).unionByName(spark.createDataFrame(rows, schema)),
            members.unionByName(hostile_members))


@pytest.fixture(scope="module")
def job(spark, tmp_path_factory):
    """(store, result folder, analyses, dossiers, rejections): the store's stories as a result, `dossier_tables`
    of them (and of the hostile articles) on Spark, the analyses and dossiers written into the result."""
    from newsprism.spark.dossiers import dossier_tables

    base = tmp_path_factory.mktemp("job")
    gold = [GOLD / story / "articles.jsonl" for story in ("ga01", "gc01")] if GOLD.exists() else []
    db = _ingested(base, [EXAMPLES, *gold])
    out = base / "result"
    write_tables(db, out)
    read = spark.read.parquet
    articles, members = _with_hostile(spark, read(str(out / "articles")), read(str(out / "members")))
    tables = dossier_tables(spark, articles, members, Settings(), MIN_OUTLETS, stories=read(str(out / "stories")))
    hostile = {article_id for article_id, *_ in HOSTILE}
    tables.analyses.where(~tables.analyses.article_id.isin(*hostile)).write.parquet(str(out / "analyses"))
    tables.dossiers.where(~tables.dossiers.story_id.isin("s1", "s2", "s3")).write.parquet(str(out / "dossiers"))
    analyses = {row.article_id: row for row in tables.analyses.collect()}
    dossiers = {row.story_id: row for row in tables.dossiers.collect()}
    rejections = {row.source_path: row.reason for row in tables.rejections.collect()}
    tables.unpersist()
    return db, out, analyses, dossiers, rejections


def _assert_analyses_equal_the_stores(analyses, db):
    """The stored JSON byte for byte; the sentence vectors to float16's last place (torch sums in another order
    with the one thread a Spark task gives it than with a machine's cores)."""
    stored = {row[0]: row[1:] for row in _rows(db, "SELECT article_id, version, data, vectors FROM analyses")}
    assert set(analyses) == set(stored)
    for article_id, row in analyses.items():
        version, data, vectors = stored[article_id]
        assert (row.version, row.analysis) == (version, data)
        assert (row.vectors is None) == (vectors is None)
        if vectors is not None:
            mine, theirs = (np.frombuffer(v, dtype=np.float16).astype(np.float32) for v in (row.vectors, vectors))
            assert mine.shape == theirs.shape and np.abs(mine - theirs).max() <= 2 ** -10


def test_models_load_once_per_worker_process(spark, job):
    """The analyses ran in Spark's reused Python workers, and `understand` caches its models per process: eight
    more tasks find them loaded once per worker, not once per task. (Spark stops a worker idle for a minute; the
    next one loads them again.)"""
    def loads(_):
        from newsprism.understand import meaning, pipeline

        pipeline.pipeline_for("en")
        meaning.encode(["The bridge reopened."], "en")
        return [(os.getpid(), pipeline._pipeline.cache_info().misses, meaning._model.cache_info().misses)]

    seen = spark.sparkContext.parallelize(range(8), 8).mapPartitions(loads).collect()
    assert len(seen) == 8 and len({pid for pid, _, _ in seen}) < 8  # workers served several tasks each
    # once per worker: the sentence model; spaCy once per language a worker met (English under any code, German)
    assert all(spacy_loads <= 2 and model_loads == 1 for _, spacy_loads, model_loads in seen)


def test_dossiers_are_what_story_json_prints_and_analyses_what_the_store_keeps(job):
    db, _, analyses, dossiers, _ = job
    listed = {row[0]: row[1:] for row in _rows(db, "SELECT story_id, outlet_count, article_count FROM story_listing")}
    wide = {story for story, (outlets, _) in listed.items() if outlets >= MIN_OUTLETS}
    assert len(wide) < len(listed)  # the example's stories of two outlets are left out
    assert set(dossiers) - {"s1"} == wide
    for story_id in wide:
        assert dossiers[story_id].dossier == _story_json(db, story_id)
        assert (dossiers[story_id].outlets, dossiers[story_id].articles) == listed[story_id]
    hostile = {article_id for article_id, *_ in HOSTILE}
    _assert_analyses_equal_the_stores({i: row for i, row in analyses.items() if i not in hostile}, db)  # by `story`
    compared = {row[0] for row in _rows(db, f"""SELECT id FROM articles WHERE duplicate_of IS NULL AND story_id IN
                                                ({', '.join('?' * len(wide))})""", sorted(wide))}
    assert set(analyses) - {article_id for article_id, *_ in HOSTILE} == compared  # no other article analysed
    assert _rows(db, "SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL AND story_id IN "
                     f"({', '.join('?' * len(wide))})", sorted(wide))[0][0] > 0  # near-copies: listed, not analysed


def test_dossier_gold_stories_get_dossiers_equal_to_story_json(job):
    needs_shared(GOLD)
    db, _, _, dossiers, _ = job
    for story, outlets in (("ga01", 5), ("gc01", 6)):
        rows = _rows(db, "SELECT story_id, count(*) FROM articles WHERE source_path LIKE ? GROUP BY story_id",
                     (f"%{story}{os.sep}articles.jsonl%",))
        assert len(rows) == 1 and rows[0][1] == outlets  # the event is one story ...
        found = json.loads(dossiers[rows[0][0]].dossier)  # ... with its dossier
        assert len(found["articles"]) == found["outlet_count"] == outlets


def test_hostile_articles_give_an_analysis_or_a_rejection_and_the_job_goes_on(job):
    _, _, analyses, dossiers, rejections = job
    assert {"empty", "huge", "control", "plain1", "plain2"} <= set(analyses)  # s3 (2 outlets): not analysed
    assert not {"null", "plain3", "plain4"} & set(analyses)
    assert set(rejections) == {"null", "story s2"} and "analysis of article null failed" in rejections["null"]
    found = json.loads(dossiers["s1"].dossier)
    assert "s2" not in dossiers and "s3" not in dossiers
    assert [a["id"] for a in found["articles"]] == ["control", "empty", "huge"]
    assert found["not_analysed"]["huge"] == ["text after the first 200,000 characters"]


# -- newsprism import --------------------------------------------------------------------------------------


def test_import_serves_the_same_stories_dossiers_and_analyses(job, tmp_path):
    db, result, analyses, dossiers, _ = job
    hostile = {article_id for article_id, *_ in HOSTILE}
    analyses = {i: row for i, row in analyses.items() if i not in hostile}
    dossiers = {i: row for i, row in dossiers.items() if i not in ("s1", "s2", "s3")}
    fresh = tmp_path / "imported.db"
    done = invoke_cli("import", str(result), "--db", str(fresh), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["articles"], report["analyses"], report["members_from"]) == (
        len(_memberships(db)), len(analyses), "articles")
    assert _memberships(fresh) == _memberships(db)
    listing = ["stories", "--json", "--db"]
    assert invoke_cli(*listing, str(fresh)).stdout == invoke_cli(*listing, str(db)).stdout
    stored = _rows(fresh, "SELECT article_id, data, vectors FROM analyses ORDER BY article_id")
    for story_id, row in dossiers.items():
        assert _story_json(fresh, story_id) == row.dossier
    assert _rows(fresh, "SELECT article_id, data, vectors FROM analyses ORDER BY article_id") == stored  # reused
    assert {(r.article_id, r.analysis, r.vectors) for r in analyses.values()} == set(stored)
    assert _rows(fresh, "SELECT id, title, state, thread_id FROM stories ORDER BY id") == \
        _rows(db, "SELECT id, title, state, thread_id FROM stories ORDER BY id")
    assert dict(_rows(fresh, "SELECT key, value FROM cluster_state WHERE key != 'generation'")) == \
        dict(_rows(db, "SELECT key, value FROM cluster_state WHERE key != 'generation'"))

    from fastapi.testclient import TestClient

    from newsprism.web import create_app

    story_id = max(dossiers, key=lambda s: dossiers[s].articles)
    title = _rows(db, "SELECT title FROM stories WHERE id = ?", (story_id,))[0][0]
    with TestClient(create_app(fresh, analyse=False)) as client:
        page = client.get(f"/stories/{story_id}")
        front = client.get("/.json")
    assert page.status_code == 200 and story_id in page.text
    assert title in {story["title"] for story in front.json()["stories"]}


def test_spark_run_writes_every_table_and_an_import_serves_its_dossiers(spark, job, tmp_path):
    """The whole job (`newsprism spark run`, articles -> stories -> dossiers) on the example corpus, which fits
    one partition: ingest's stories, and after `newsprism import` the store prints Spark's dossier byte for byte."""
    from click.testing import CliRunner

    from newsprism.cli import main

    out = tmp_path / "result"
    done = CliRunner().invoke(main, ["spark", "run", str(EXAMPLES), "--out", str(out), "--master", "local[2]",
                                     "--min-outlets", str(MIN_OUTLETS), "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    ingested = _ingested(tmp_path, [EXAMPLES])
    stories = _rows(ingested, "SELECT id, size FROM stories ORDER BY id")
    assert report["tables"]["articles"] == report["articles"] == len(_memberships(ingested))
    assert report["tables"]["stories"] == len(stories) and report["tables"]["dossiers"] == 1
    articles = spark.read.parquet(str(out / "articles"))
    assert articles.columns[-2:] == ["story_id", "cluster_seq"]
    assert {row.id: row.story_id for row in articles.collect()} == \
        {article_id: story for article_id, (story, _) in _memberships(ingested).items()}
    (dossier,) = spark.read.parquet(str(out / "dossiers")).collect()

    fresh = tmp_path / "imported.db"
    imported = CliRunner().invoke(main, ["import", str(out), "--db", str(fresh)])
    assert imported.exit_code == 0, imported.output
    assert _rows(fresh, "SELECT id, size FROM stories ORDER BY id") == stories
    printed = CliRunner().invoke(main, ["story", dossier.story_id, "--json", "--db", str(fresh)])
    assert printed.exit_code == 0 and printed.stdout == dossier.dossier


def _part(paths):
    return [path for path in paths if path.exists()]


def test_ingest_after_an_import_clusters_as_it_would_have_without_it(tmp_path):
    """Half the corpus ingested, written as a result and imported; the other half ingested into the original and
    into the imported store: the same stories (the clusterer's state, clock and arrivals carried over)."""
    first = [EXAMPLES / "text", EXAMPLES / "web"]
    second = _part([EXAMPLES / "feeds", EXAMPLES / "dumps", EXAMPLES / "archive"])
    db = _ingested(tmp_path, first)
    write_tables(db, tmp_path / "result", members_apart=True)
    fresh = tmp_path / "imported.db"
    with newsprism.Store(fresh) as store:
        report = import_result(store, tmp_path / "result")
    assert report.members_from == "members" and report.analyses == 0
    for store_path in (db, fresh):
        with newsprism.Store(store_path) as store:
            newsprism.ingest(store, second)
    assert _memberships(fresh) == _memberships(db) and len(set(_memberships(db).values())) > 3
    assert _rows(fresh, "SELECT id, title, size, touched, state FROM stories ORDER BY id") == \
        _rows(db, "SELECT id, title, size, touched, state FROM stories ORDER BY id")


@pytest.fixture(scope="module")
def small_result(tmp_path_factory):
    base = tmp_path_factory.mktemp("small")
    db = _ingested(base, [EXAMPLES / "text", EXAMPLES / "web"])
    write_tables(db, base / "result", files=3)
    return db, base / "result"


def test_an_import_twice_skips_the_articles_the_store_has(small_result, tmp_path):
    db, result = small_result
    fresh = tmp_path / "imported.db"
    assert invoke_cli("import", str(result), "--db", str(fresh)).returncode == 0
    before = _memberships(fresh)
    again = invoke_cli("import", str(result), "--db", str(fresh), "--json")
    assert again.returncode == 0
    report = json.loads(again.stdout)
    assert (report["articles"], report["known_articles"], report["stories"]) == (0, len(before), 0)
    assert f"({len(before)} already in the store, skipped)" in again.stderr
    assert _memberships(fresh) == before == _memberships(db)


def test_a_folder_that_is_not_a_finished_result_is_one_line(small_result, tmp_path):
    _, result = small_result
    unfinished = tmp_path / "unfinished"
    shutil.copytree(result, unfinished)
    (unfinished / "_SUCCESS").unlink()
    for folder in (unfinished, tmp_path / "missing"):
        failed = invoke_cli("import", str(folder), "--db", str(tmp_path / "x.db"))
        assert failed.returncode == 1 and "Traceback" not in failed.stderr
        assert failed.stderr.strip().count("\n") == 0 and "not a finished newsprism spark result" in failed.stderr
    assert not (tmp_path / "x.db").exists()  # a mistyped folder leaves no empty store behind


def test_a_corrupt_parquet_file_is_one_line_and_the_store_stays_as_it_was(small_result, tmp_path):
    db, result = small_result
    damaged = tmp_path / "damaged"
    shutil.copytree(result, damaged)
    last = sorted((damaged / "articles").glob("*.parquet"))[-1]  # read after the first files were stored
    last.write_bytes(last.read_bytes()[: last.stat().st_size // 2])
    target = tmp_path / "target.db"
    _ingested(tmp_path, [EXAMPLES / "feeds"], name="target.db")
    before = _rows(target, "SELECT id, story_id, cluster_seq FROM articles ORDER BY id")
    failed = invoke_cli("import", str(damaged), "--db", str(target))
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "not a readable Parquet file" in failed.stderr and failed.stderr.strip().count("\n") == 0
    assert _rows(target, "SELECT id, story_id, cluster_seq FROM articles ORDER BY id") == before
    with newsprism.Store(target) as store, pytest.raises(ResultError, match="part-00002"):
        import_result(store, damaged)


def test_an_import_killed_mid_transaction_leaves_the_store_as_it_was(tmp_path):
    """A real process (the kill is the point), SIGKILLed while it holds the store's write lock: the store keeps
    what it had; the same import run again completes."""
    import hashlib
    import random
    import signal
    import subprocess
    import sys

    import pyarrow as pa
    import pyarrow.parquet as pq

    from newsprism.spark import ARTICLE_COLUMNS

    from .conftest import process_env
    from .test_kill_ingest import _sentence, wait_for, writing

    rng, rows = random.Random(15), []
    for number in range(3000):
        text = "\n\n".join(" ".join(_sentence(rng) for _ in range(4)) for _ in range(3))
        rows.append({"id": f"killed{number:05d}", "text": text, "outlet": f"Outlet {number % 7}",
                     "content_hash": hashlib.sha256(text.encode()).hexdigest(), "input_file": 0,
                     "input_record": number})
    result = tmp_path / "result"
    (result / "articles").mkdir(parents=True)
    schema = pa.schema([pa.field(name, pa.int64() if name.startswith("input_") else pa.string())
                        for name in ARTICLE_COLUMNS])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), result / "articles" / "part-00000.parquet")
    (result / "_SUCCESS").write_text("{}\n", encoding="utf-8")
    target = _ingested(tmp_path, [EXAMPLES / "feeds"], name="target.db")
    before = _rows(target, "SELECT id, story_id, cluster_seq FROM articles ORDER BY id")
    command = [sys.executable, "-m", "newsprism.cli", "import", str(result), "--db", str(target)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=process_env())
    probe = sqlite3.connect(target, timeout=0, isolation_level=None)
    try:
        wait_for(lambda: writing(probe), process, "it was seen writing")
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=60) == -signal.SIGKILL
    finally:
        probe.close()
        if process.poll() is None:
            process.kill()
            process.wait()
    assert _rows(target, "SELECT id, story_id, cluster_seq FROM articles ORDER BY id") == before
    assert _rows(target, "PRAGMA integrity_check") == [("ok",)]
    again = invoke_cli("import", str(result), "--db", str(target))
    assert again.returncode == 0, again.stderr
    assert _rows(target, "SELECT count(*) FROM articles")[0][0] == len(before) + len(rows)
    assert _rows(target, "SELECT count(*) FROM near_copy_signatures")[0][0] == len(before) + len(rows)
