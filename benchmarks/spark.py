"""The pipeline's first steps on Apache Spark: articles per second of `newsprism.spark.run_articles`, per stage.

    .venv/bin/python benchmarks/spark.py [--shared ../shared] [--corpus NAME] [--files 8] [--lsh-tables 5]
                                         [--quick] [--json]

Corpora: the ECB+ documents (772 full articles, text rebuilt from the tokens) and the 11,109 Google News
headlines, each written as JSON Lines split into --files files (so Spark has tasks to spread). On the same
files, in the same run, each in its own process (a fresh JVM and SparkSession per master):

- ingest: the single-process `newsprism.ingest` into a scratch store (the baseline);
- local[1] and local[2]: first the stages of `article_tables` one after the other, each forced by a count
  and timed, with the shuffle bytes Spark's status store reports for it: read (every file through
  `ingest.input_articles` in a task: read, normalize, identify; the first job, so it also pays the Python
  workers' start), identity (the same-id and same-hash shuffles), bands (the band-key shuffle alone) and
  near-copies (bands again, verification, best original, roots); then the whole `run_articles` (which
  reads again and writes Parquet). articles/s = articles read / seconds of the whole `run_articles`
  (session start-up left out, as a long job pays it once).
- on the last master, the near-copy pairs of the settled articles found by the library's banding (bands x
  rows of its MinHash signature, pairs verified on the signatures) and by Spark ML's `MinHashLSH`
  (--lsh-tables OR-ed tables over the same word shingles hashed into sparse vectors, approxSimilarityJoin
  at Jaccard distance 1 - threshold): time, distinct candidate pairs, pairs found, pairs found by both.

--quick: the first QUICK_DOCUMENTS ECB+ documents in 2 files, local[2] only, no MinHashLSH comparison,
ingest in this process, Spark in one child process (its own JVM); about 25 s on a quiet machine, most of
it Spark's start-up: what tests/test_benchmarks.py runs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import add_shared_option, emit, log, machine, require  # noqa: E402

CORPORA = {"ecbplus": "ECB+ (full articles)", "headlines": "Google News headlines"}
MASTERS = ("local[1]", "local[2]")
QUICK_DOCUMENTS = 60
LSH_TABLES = 5


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


def run_spark(master: str, paths: list[Path], lsh_tables: int = 0) -> dict:
    """The stages of `article_tables` one after the other, each counted (a Spark job) and timed with the
    shuffle bytes Spark reports for it; then the whole `run_articles` (which reads again); then, with
    `lsh_tables`, Spark ML's MinHashLSH against the library's banding on the settled articles."""
    from pyspark import StorageLevel

    from newsprism.config import Settings
    from newsprism.model import Article
    from newsprism.read import Manifest
    from newsprism.spark import run_articles, spark_session
    from newsprism.spark.articles import band_buckets, list_inputs, near_copy_roots, read_items, settle_duplicates

    settings = Settings()
    parameters = (settings.near_duplicate_threshold, settings.minhash_permutations, settings.shingle_words)
    start = time.perf_counter()
    spark = spark_session(master, app_name="newsprism-benchmark")
    session_seconds = time.perf_counter() - start
    stages = {}
    try:
        sc = spark.sparkContext
        parallelism = sc.defaultParallelism
        files = [f for f in list_inputs(spark, paths, Manifest()) if hasattr(f, "number")]

        def stage(name, job):
            before, began = shuffle_bytes(sc), time.perf_counter()
            result = job()
            stages[name] = {"seconds": time.perf_counter() - began, "shuffle_bytes": shuffle_bytes(sc) - before}
            return result

        items = read_items(spark, files, settings).persist(StorageLevel.MEMORY_AND_DISK)
        read = items.filter(lambda item: isinstance(item[1], Article))
        read_count = stage("read", read.count)  # read + normalize + identify in tasks (and the workers' start)
        settled = settle_duplicates(read, parallelism, parameters).persist(StorageLevel.MEMORY_AND_DISK)
        kept = settled.filter(lambda item: isinstance(item[1], Article))
        kept_count = stage("identity", kept.count)  # the same-id and same-hash shuffles
        stage("bands", lambda: band_buckets(kept, parameters, parallelism).count())  # the band-key shuffle alone
        linked = stage("near_copies", lambda: near_copy_roots(kept, parameters, parallelism).count())
        lsh = compare_lsh(spark, kept, parameters, lsh_tables) if lsh_tables else None
        items.unpersist()
        settled.unpersist()
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            report = run_articles(spark, paths, Path(tmp) / "out", settings)
            run_seconds = time.perf_counter() - start
            parquet_bytes = sum(f.stat().st_size for f in (Path(tmp) / "out").rglob("*.parquet"))
    finally:
        spark.stop()
    assert (read_count, kept_count, linked) == (report.articles + report.duplicate, report.articles, report.linked)
    return {"master": master, "parallelism": parallelism, "read": read_count, "articles": report.articles,
            "linked": report.linked, "duplicate": report.duplicate, "session_seconds": session_seconds,
            "stages": stages, "seconds": run_seconds, "parquet_mb": parquet_bytes / 2**20, "lsh": lsh}


def shuffle_bytes(sc) -> int:
    """The shuffle bytes written by every stage of the application so far, as Spark's status store counts them."""
    gateway = sc._gateway
    stages = sc._jsc.sc().statusStore().stageList(None, False, False, gateway.new_array(gateway.jvm.double, 0),
                                                  gateway.jvm.java.util.List.of())
    return sum(stages.apply(i).shuffleWriteBytes() for i in range(stages.size()))


def compare_lsh(spark, kept, parameters, tables: int) -> dict:
    """Near-copy pairs of the settled articles found two ways at the same threshold: the library's banding
    (its MinHash signatures, bands x rows, pairs verified on the signatures) and Spark ML's MinHashLSH
    (`tables` OR-ed hash tables over the same word shingles hashed into a sparse vector, pairs verified on
    the exact Jaccard distance by approxSimilarityJoin). Time, distinct candidate pairs, verified pairs, and
    how many verified pairs both find."""
    from pyspark.ml.feature import MinHashLSH
    from pyspark.ml.linalg import Vectors
    from pyspark.sql import functions as F

    from newsprism.spark.articles import _index_from, _verified_pairs, band_buckets

    threshold = parameters[0]
    parallelism = spark.sparkContext.defaultParallelism
    began = time.perf_counter()
    buckets = band_buckets(kept, parameters, parallelism)
    library = set(buckets.flatMap(lambda bucket: _verified_pairs(bucket, parameters))
                  .map(lambda pair: tuple(sorted((pair[0], pair[1][1])))).distinct().collect())
    library_seconds = time.perf_counter() - began
    library_candidates = buckets.flatMap(bucket_pairs).distinct().count()

    def features(item):
        index = _index_from(parameters)
        article = item[1]
        positions = sorted({zlib.crc32(shingle) & (2**30 - 1)
                            for shingle in index.shingles(f"{article.title or ''}\n{article.text}")})
        return article.id, Vectors.sparse(2**30, positions, [1.0] * len(positions))

    began = time.perf_counter()
    frame = spark.createDataFrame(kept.map(features), ["id", "features"])
    model = MinHashLSH(inputCol="features", outputCol="hashes", numHashTables=tables, seed=1).fit(frame)
    hashed = model.transform(frame).persist()
    joined = model.approxSimilarityJoin(hashed, hashed, 1 - threshold, distCol="distance")
    ml = {tuple(sorted((row.a, row.b))) for row in joined.select(F.col("datasetA.id").alias("a"),
                                                                 F.col("datasetB.id").alias("b"))
          .where("a < b").collect()}
    ml_seconds = time.perf_counter() - began
    exploded = hashed.select("id", F.posexplode("hashes").alias("table", "hash"))
    ml_candidates = (exploded.alias("x").join(exploded.alias("y"), ["table", "hash"])
                     .where("x.id < y.id").select("x.id", "y.id").distinct().count())
    hashed.unpersist()
    return {"tables": tables, "bands": _index_from(parameters).bands, "rows": _index_from(parameters).rows,
            "library_seconds": library_seconds, "ml_seconds": ml_seconds,
            "library_candidates": library_candidates, "ml_candidates": ml_candidates,
            "library_pairs": len(library), "ml_pairs": len(ml), "both": len(library & ml)}


def bucket_pairs(bucket) -> list[tuple[str, str]]:
    """Every pair of ids in one band bucket (the candidates the library verifies)."""
    ids = sorted(row[1] for row in bucket[1])
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]


def measured(kind: str, paths: list[Path], lsh_tables: int = 0) -> dict:
    return run_ingest(paths) if kind == "ingest" else run_spark(kind, paths, lsh_tables)


def measure(kind: str, paths: list[Path], in_process: bool = False, lsh_tables: int = 0) -> dict:
    """One measurement in a child process (a fresh JVM for each Spark master), or in this one."""
    if in_process:
        return measured(kind, paths, lsh_tables)
    command = [sys.executable, __file__, "--child", kind, str(lsh_tables), *map(str, paths)]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed (exit status {done.returncode}); see the messages above")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the report --------------------------------------------------------------------------------


def benchmark(args: argparse.Namespace) -> dict:
    names = ["ecbplus"] if args.quick else (args.corpus or list(CORPORA))
    masters = ("local[2]",) if args.quick else MASTERS
    files = 2 if args.quick else args.files
    results = {"machine": machine(),
               "date": date.today().isoformat(), "command": ("benchmarks/spark.py " + " ".join(sys.argv[1:])).strip(),
               "quick": args.quick, "files": files, "corpora": {}}
    tmp = Path(tempfile.mkdtemp(prefix="newsprism-spark-bench-"))
    try:
        for name in names:
            paths = write_corpus(Path(args.shared), name, tmp, files, QUICK_DOCUMENTS if args.quick else None)
            runs = {}
            for kind in ("ingest", *masters):
                log(f"{CORPORA[name]}: {kind} ...")
                lsh = args.lsh_tables if kind == masters[-1] and not args.quick else 0  # once per corpus
                runs[kind] = measure(kind, paths, in_process=args.quick and kind == "ingest", lsh_tables=lsh)
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
    print(f"{'corpus':<10} {'run':<9} {'read':>6} {'articles':>8} {'linked':>6} {'start s':>8} {'read s':>7} "
          f"{'ident s':>7} {'id MB':>6} {'bands s':>7} {'band MB':>7} {'near s':>7} {'near MB':>7} {'total s':>8} "
          f"{'art/s':>7} {'x ingest':>8}")
    for name, corpus in results["corpora"].items():
        for kind, r in corpus["runs"].items():
            if kind == "ingest":
                middle = " ".join(f"{'':>{width}}" for width in (8, 7, 7, 6, 7, 7, 7, 7))
                ratio = 1.0
            else:
                st = r["stages"]
                middle = (f"{r['session_seconds']:>8.1f} {st['read']['seconds']:>7.1f} "
                          f"{st['identity']['seconds']:>7.1f} {st['identity']['shuffle_bytes'] / 2**20:>6.2f} "
                          f"{st['bands']['seconds']:>7.1f} {st['bands']['shuffle_bytes'] / 2**20:>7.2f} "
                          f"{st['near_copies']['seconds']:>7.1f} {st['near_copies']['shuffle_bytes'] / 2**20:>7.2f}")
                ratio = r["vs_ingest"]
            print(f"{name:<10} {kind:<9} {r['read']:>6} {r['articles']:>8} {r['linked']:>6} {middle} "
                  f"{r['seconds']:>8.1f} {r['articles_per_second']:>7.0f} {ratio:>8.2f}")
    for name, corpus in results["corpora"].items():
        for kind, r in corpus["runs"].items():
            if r.get("lsh"):
                x = r["lsh"]
                print(f"near-copy pairs, {name} on {kind}: library banding ({x['bands']} bands x {x['rows']} rows) "
                      f"{x['library_seconds']:.1f} s, {x['library_candidates']} candidates, "
                      f"{x['library_pairs']} pairs; "
                      f"Spark ML MinHashLSH ({x['tables']} tables) {x['ml_seconds']:.1f} s, {x['ml_candidates']} "
                      f"candidates, {x['ml_pairs']} pairs; found by both {x['both']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_shared_option(parser)
    parser.add_argument("--corpus", action="append", choices=list(CORPORA), help="only this corpus (repeatable)")
    parser.add_argument("--files", type=int, default=8, help="JSON Lines files each corpus is split into")
    parser.add_argument("--quick", action="store_true", help=f"the first {QUICK_DOCUMENTS} ECB+ documents, local[2]")
    parser.add_argument("--lsh-tables", type=int, default=LSH_TABLES,
                        help="hash tables of Spark ML's MinHashLSH in the comparison (0: no comparison)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, lsh_tables, *paths = args.child
        print(json.dumps(measured(kind, [Path(p) for p in paths], int(lsh_tables))))
        return 0
    require(parser, Path(args.shared) / "data" / "ecbplus", "the shared evaluation data")
    return emit(benchmark(args), args.json, print_report)


if __name__ == "__main__":
    sys.exit(main())
