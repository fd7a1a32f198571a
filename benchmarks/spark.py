"""The pipeline's first steps on Apache Spark: articles per second of `newsprism.spark.run_articles`.

    .venv/bin/python benchmarks/spark.py [--shared ../shared] [--corpus NAME] [--files 8] [--quick] [--json]

Corpora: the ECB+ documents (772 full articles, text rebuilt from the tokens) and the 11,109 Google News
headlines, each written as JSON Lines split into --files files (so Spark has tasks to spread). On the same
files, in the same run, each in its own process (a fresh JVM and SparkSession per master):

- ingest: the single-process `newsprism.ingest` into a scratch store (the baseline);
- local[1] and local[2]: `run_articles` (read -> normalize -> identify in tasks, same-id and same-hash
  shuffles, the near-copy shuffle on LSH bands, Parquet out). Timed apart: the session start-up; a read job
  (every file through `ingest.input_articles` in a task, counted: read, normalize and identify, the first
  job, so it also pays the Python workers' start); then the whole `run_articles` (which reads again). The
  difference of the two is what follows reading (the shuffles and the Parquet write), an estimate.

articles/s = articles read / seconds of the whole `run_articles` (session start-up left out, as a long job
pays it once). Peak memory is not reported: most of it is the JVM and the Python workers, not this process.

--quick: the first QUICK_DOCUMENTS ECB+ documents in 2 files, local[2] only, ingest in this process, Spark
in one child process (its own JVM); about 20 s, most of it Spark's start-up: what tests/test_benchmarks.py runs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CORPORA = {"ecbplus": "ECB+ (full articles)", "headlines": "Google News headlines"}
MASTERS = ("local[1]", "local[2]")
QUICK_DOCUMENTS = 60


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def write_corpus(shared: Path, name: str, folder: Path, files: int, limit: int | None = None) -> list[Path]:
    """The corpus as `files` JSON Lines files of about equal size, records in corpus order."""
    from newsprism.evaluate.datasets import ecbplus_documents, googlenews_documents

    readers = {
        "ecbplus": lambda: ecbplus_documents(shared / "data" / "ecbplus"),
        "headlines": lambda: googlenews_documents(shared / "data" / "googlenews-mstream" / "News.jsonl"),
    }
    records = list(itertools.islice(readers[name](), limit))
    size = -(-len(records) // files)
    paths = []
    for number in range(files):
        path = folder / f"{name}-{number:02d}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for record in records[number * size:(number + 1) * size]:
                handle.write(json.dumps({"id": record["id"], "text": record["text"]}, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


# --- measurements, each run in a child process -------------------------------------------------


def run_ingest(paths: list[Path]) -> dict:
    from newsprism import Store, ingest

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        start = time.perf_counter()
        report = ingest(store, paths)
        seconds = time.perf_counter() - start
        store.close()
    return {"read": report.new + report.duplicate, "articles": report.new, "linked": report.linked,
            "seconds": seconds}


def run_spark(master: str, paths: list[Path]) -> dict:
    from newsprism.config import Settings
    from newsprism.ingest import input_articles
    from newsprism.model import Article, Hints
    from newsprism.spark import run_articles, spark_session

    settings = Settings()
    start = time.perf_counter()
    spark = spark_session(master, app_name="newsprism-benchmark")
    session_seconds = time.perf_counter() - start
    try:
        sc = spark.sparkContext
        parallelism = sc.defaultParallelism

        def read(files):  # what run_articles' tasks do first, per input file
            for path in files:
                for item in input_articles(path, Hints(), settings):
                    yield isinstance(item, Article)

        names = [str(path) for path in paths]
        start = time.perf_counter()
        read_count = sc.parallelize(names, len(names)).mapPartitions(read).filter(bool).count()
        read_seconds = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            report = run_articles(spark, paths, Path(tmp) / "out", settings)
            run_seconds = time.perf_counter() - start
            parquet_bytes = sum(f.stat().st_size for f in (Path(tmp) / "out").rglob("*.parquet"))
    finally:
        spark.stop()
    return {"master": master, "parallelism": parallelism, "read": read_count,
            "articles": report.articles, "linked": report.linked, "duplicate": report.duplicate,
            "session_seconds": session_seconds, "read_job_seconds": read_seconds, "seconds": run_seconds,
            "after_read_seconds": max(0.0, run_seconds - read_seconds), "parquet_mb": parquet_bytes / 2**20}


def measured(kind: str, paths: list[Path]) -> dict:
    return run_ingest(paths) if kind == "ingest" else run_spark(kind, paths)


def measure(kind: str, paths: list[Path], in_process: bool = False) -> dict:
    """One measurement in a child process (a fresh JVM for each Spark master), or in this one."""
    if in_process:
        return measured(kind, paths)
    command = [sys.executable, __file__, "--child", kind, *map(str, paths)]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed (exit status {done.returncode}); see the messages above")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the report --------------------------------------------------------------------------------


def benchmark(args: argparse.Namespace) -> dict:
    names = ["ecbplus"] if args.quick else (args.corpus or list(CORPORA))
    masters = ("local[2]",) if args.quick else MASTERS
    files = 2 if args.quick else args.files
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
               "date": date.today().isoformat(), "command": ("benchmarks/spark.py " + " ".join(sys.argv[1:])).strip(),
               "quick": args.quick, "files": files, "corpora": {}}
    tmp = Path(tempfile.mkdtemp(prefix="newsprism-spark-bench-"))
    try:
        for name in names:
            paths = write_corpus(Path(args.shared), name, tmp, files, QUICK_DOCUMENTS if args.quick else None)
            runs = {}
            for kind in ("ingest", *masters):
                log(f"{CORPORA[name]}: {kind} ...")
                runs[kind] = measure(kind, paths, in_process=args.quick and kind == "ingest")
                runs[kind]["articles_per_second"] = runs[kind]["read"] / runs[kind]["seconds"]
            for master in masters:
                runs[master]["vs_ingest"] = runs[master]["articles_per_second"] / runs["ingest"]["articles_per_second"]
            results["corpora"][name] = {"title": CORPORA[name], "runs": runs}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def print_report(results: dict) -> None:
    quick = f"; quick: first {QUICK_DOCUMENTS} ECB+ documents, local[2] only" if results["quick"] else ""
    print(f"machine: {results['machine']}; date: {results['date']}; input files: {results['files']}{quick}")
    print(f"{'corpus':<10} {'run':<9} {'read':>6} {'articles':>8} {'linked':>6} {'start s':>8} {'read job s':>10} "
          f"{'after s':>8} {'total s':>8} {'art/s':>7} {'x ingest':>8}")
    for name, corpus in results["corpora"].items():
        for kind, r in corpus["runs"].items():
            spark = kind != "ingest"
            start = f"{r['session_seconds']:>8.1f}" if spark else f"{'':>8}"
            read_job = f"{r['read_job_seconds']:>10.1f}" if spark else f"{'':>10}"
            after = f"{r['after_read_seconds']:>8.1f}" if spark else f"{'':>8}"
            ratio = f"{r['vs_ingest']:>8.2f}" if spark else f"{1:>8.2f}"
            print(f"{name:<10} {kind:<9} {r['read']:>6} {r['articles']:>8} {r['linked']:>6} {start} {read_job} "
                  f"{after} {r['seconds']:>8.1f} {r['articles_per_second']:>7.0f} {ratio}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--corpus", action="append", choices=list(CORPORA), help="only this corpus (repeatable)")
    parser.add_argument("--files", type=int, default=8, help="JSON Lines files each corpus is split into")
    parser.add_argument("--quick", action="store_true", help=f"the first {QUICK_DOCUMENTS} ECB+ documents, local[2]")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *paths = args.child
        print(json.dumps(measured(kind, [Path(p) for p in paths])))
        return 0
    if not (Path(args.shared) / "data" / "ecbplus").is_dir():
        parser.error(f"{args.shared}/data: not found (the shared evaluation data; see --shared)")
    results = benchmark(args)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
