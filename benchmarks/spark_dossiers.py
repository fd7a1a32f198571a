"""Analyses and dossiers on Apache Spark: articles analysed per second and dossiers per second of
`newsprism.spark.dossier_tables`, beside the single-process `story_dossier` over the same stories.

    .venv/bin/python benchmarks/spark_dossiers.py [--shared ../shared] [--min-outlets 2] [--json]

Input: the six dossier-gold stories (32 articles from 5 or 6 outlets each, real pages) and the example corpus,
ingested into a scratch store; its stories with at least --min-outlets outlets are the ones measured, their
articles and memberships written as a Spark result's tables (articles/, members/, stories/ with pyarrow, as
tests/spark_tables.py does). In the same run:

- single: in this process, the spaCy pipeline and sentence model loaded first (timed apart), then
  `understand.analyses_for` over every chosen story's compared articles (the analysis stage), then
  `compare.story_dossier` per story, the analyses now stored (the dossier stage);
- single (1 thr): the same on a copy of the store with torch on one thread, as in a Spark task (on a machine
  whose cores other work also uses, torch's own threads wait for each other);
- local[1], local[2]: a fresh SparkSession each (start-up timed apart), `dossier_tables` run twice: cold (the
  Python workers load the models inside the stage, as the first tasks of a job do) and warm (workers reused);
  the analysis stage timed as `analyses.count()` (grouping by story, analysing, persisted), then the dossier
  stage as `dossiers.count()` (analyses joined back to their stories, `compare.dossier`, the JSON).

Also checked: the Spark dossiers equal `story ID --json` of the single-process store, text for text. Last,
`newsprism import` of the result into a fresh store (articles, stories, near-copy signatures): articles/s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import log, machine, today  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))  # spark_tables: the result's tables from a store

MASTERS = ("local[1]", "local[2]")
GOLD_STORIES = ("ga01", "ga02", "gb01", "gb02", "gc01", "gc02")


def prepare(shared: Path, work: Path) -> Path:
    """A store with the dossier-gold stories and the example corpus ingested."""
    import newsprism

    db = work / "single.db"
    inputs = [shared / "data" / "dossier-gold" / story / "articles.jsonl" for story in GOLD_STORIES]
    with newsprism.Store(db) as store:
        newsprism.ingest(store, [*inputs, ROOT / "examples" / "corpus"])
    return db


def single(db: Path, min_outlets: int) -> tuple[dict, dict[str, str]]:
    """The single-process figures, and the dossier JSON (`story ID --json`) of every chosen story."""
    import newsprism
    from newsprism.compare import compared_articles, stored_members, story_dossier
    from newsprism.render.dossier import to_json
    from newsprism.understand import analyses_for, meaning
    from newsprism.understand.pipeline import pipeline_for

    started = time.perf_counter()
    pipeline_for("en")
    meaning.encode(["The bridge reopened."], "en")
    loaded = time.perf_counter() - started
    with newsprism.Store(db) as store:
        chosen = [s.id for s in store.stories(min_outlets=min_outlets)]
        started, analysed = time.perf_counter(), 0
        for story_id in chosen:
            compared = compared_articles(stored_members(store, store.get_story(story_id)))
            analysed += len(analyses_for(store, compared))
        analysis = time.perf_counter() - started
        started = time.perf_counter()
        texts = {story_id: to_json(story_dossier(store, story_id)) for story_id in chosen}
        dossiers = time.perf_counter() - started
    return ({"runner": "single", "model_load": loaded, "articles": analysed, "analysis": analysis,
             "dossiers": len(chosen), "dossier": dossiers}, texts)


def on_spark(master: str, result: Path, min_outlets: int, expected: dict[str, str]) -> list[dict]:
    from newsprism.config import Settings
    from newsprism.spark import spark_session
    from newsprism.spark.dossiers import dossier_tables

    started = time.perf_counter()
    spark = spark_session(master, app_name="newsprism-bench")
    start_up = time.perf_counter() - started
    read = spark.read.parquet
    rows = []
    try:
        for run in ("cold", "warm"):
            tables = dossier_tables(spark, read(str(result / "articles")), read(str(result / "members")), Settings(),
                                    min_outlets, stories=read(str(result / "stories")))
            started = time.perf_counter()
            analysed = tables.analyses.count()
            analysis = time.perf_counter() - started
            started = time.perf_counter()
            count = tables.dossiers.count()
            dossier = time.perf_counter() - started
            texts = {row.story_id: row.dossier for row in tables.dossiers.collect()}
            tables.unpersist()
            equal = sum(texts.get(story_id) == text for story_id, text in expected.items())
            rows.append({"runner": f"{spark.sparkContext.master} {run}", "start_up": start_up, "articles": analysed,
                         "analysis": analysis, "dossiers": count, "dossier": dossier,
                         "equal": f"{equal}/{len(expected)}"})
    finally:
        spark.stop()
    return rows


def imported(result: Path, work: Path) -> dict:
    """`newsprism import` of the result (articles, members, stories) into a fresh store: articles per second."""
    import newsprism
    from newsprism.spark.imports import import_result

    started = time.perf_counter()
    with newsprism.Store(work / "imported.db") as store:
        report = import_result(store, result)
    return {"articles": report.articles, "stories": report.stories, "seconds": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--min-outlets", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from spark_tables import write_tables

    work = Path(tempfile.mkdtemp(prefix="newsprism-bench-"))
    try:
        db = prepare(args.shared, work)
        write_tables(db, work / "result")
        shutil.copy(db, work / "single-one-thread.db")
        log("single process ...")
        baseline, expected = single(db, args.min_outlets)
        log("single process, torch on one thread ...")
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # as in a Spark task (pyspark sets OMP_NUM_THREADS to the task's cores)
        one_thread, _ = single(work / "single-one-thread.db", args.min_outlets)
        torch.set_num_threads(threads)
        baseline["runner"], one_thread["runner"] = f"single ({threads} thr)", "single (1 thr)"
        rows = [baseline, one_thread]
        for master in MASTERS:
            log(f"{master} ...")
            rows += on_spark(master, work / "result", args.min_outlets, expected)
        loaded = imported(work / "result", work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps({"stages": rows, "import": loaded}, indent=2))
        return 0
    print(f"# {today()} {machine()}; "
          f"stories with >= {args.min_outlets} outlets")
    print(f"{'runner':<16} {'start s':>8} {'articles':>8} {'analysis s':>10} {'articles/s':>10} "
          f"{'dossiers':>8} {'dossier s':>9} {'dossiers/s':>10} {'equal':>6}")
    for row in rows:
        start = row.get("start_up", row.get("model_load"))
        print(f"{row['runner']:<16} {start:>8.1f} {row['articles']:>8} {row['analysis']:>10.1f} "
              f"{row['articles'] / row['analysis']:>10.2f} {row['dossiers']:>8} {row['dossier']:>9.1f} "
              f"{row['dossiers'] / row['dossier']:>10.2f} {row.get('equal', '-'):>6}")
    print(f"import: {loaded['articles']} articles, {loaded['stories']} stories in {loaded['seconds']:.1f} s "
          f"({loaded['articles'] / loaded['seconds']:.0f} articles/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
