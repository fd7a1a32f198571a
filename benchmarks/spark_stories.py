"""Stories on Apache Spark against single-machine streaming: `newsprism.spark.story_tables` beside `ingest`.

    .venv/bin/python benchmarks/spark_stories.py [--shared ../shared] [--seeds 5] [--headline-seeds 1]
                                                 [--corpus NAME ...] [--masters local[1],local[2]] [--quick] [--json]

Inputs (each one JSON Lines file, records in the order given):
- ECB+ (772 full articles, 76 % undated; gold = subtopic, thread gold = topic), shuffled by
  `random.Random(seed).shuffle` for each seed, as benchmarks/cluster.py streams it;
- the 11,109 Google News headlines (undated; gold = Google News story), shuffled likewise;
- multilingual-stories (180 excerpts of 22 events in 19 languages, dated; gold = event), in date order
  (undated last) as benchmarks/multilingual.py streams it.

For each input, in the same run: `newsprism.ingest` into a scratch store (single-machine streaming, the
baseline), and per Spark master, in its own process (a fresh JVM): `run_articles` into a scratch folder,
then `story_tables` on its `articles/`, materialized (members collected, stories and threads counted) -
that is the clustering stage timed here; `ingest`'s own clustering stage is its `cluster_seconds`. Both
sides hold the same articles (the same ids: run_articles keeps what ingest keeps).

Scores (B-cubed F1, newsprism.evaluate.metrics): Spark's stories against ingest's (agreement) and both
against gold, per article kept (a record read twice counts once); threads the same way at the thread level.
Rows of the default `story_tables` and, for the multilingual set, of `by_language=True` and, for ECB+, of
`undated="follow"` (the rules the module docstring compares).

--quick: the first QUICK_DOCUMENTS ECB+ documents, seed 0, local[2] only; about a minute.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import add_shared_option, emit, log, machine, require  # noqa: E402

CORPORA = {"ecbplus": "ECB+ (full articles)", "headlines": "Google News headlines",
           "multilingual": "multilingual-stories"}
QUICK_DOCUMENTS = 120
# Variants of story_tables measured besides the default, per corpus (name -> keyword arguments).
VARIANTS = {"ecbplus": {"undated=follow": {"undated": "follow"}},
            "multilingual": {"by_language": {"by_language": True}}}


def write_inputs(shared: Path, folder: Path, names: list[str], seeds: list[int], headline_seeds: list[int],
                 limit: int | None) -> list[dict]:
    """One JSON Lines file per (corpus, order), with its gold labels (story, thread) by line."""
    from newsprism.evaluate.clustering import _write_jsonl, load_eval_set, ordered
    from newsprism.evaluate.datasets import ecbplus_documents, googlenews_documents

    readers = {
        "ecbplus": lambda: list(ecbplus_documents(shared / "data" / "ecbplus")),
        "headlines": lambda: list(googlenews_documents(shared / "data" / "googlenews-mstream" / "News.jsonl")),
        "multilingual": lambda: load_eval_set("jsonl", shared / "data" / "multilingual-stories" / "articles.jsonl",
                                              label="event_id").records,
    }
    inputs = []
    for name in names:
        records = list(itertools.islice(readers[name](), limit))
        orders = [("date", 0)] if name == "multilingual" else \
            [("shuffle", seed) for seed in (headline_seeds if name == "headlines" else seeds)]
        for order, seed in orders:
            stream = ordered(records, order, seed)
            path = folder / f"{name}-{order}-{seed}.jsonl"
            _write_jsonl(path, stream)
            inputs.append({"corpus": name, "order": order, "seed": seed, "path": str(path),
                           "gold": [r["story"] for r in stream], "gold_thread": [r.get("topic", r["story"])
                                                                                  for r in stream]})
    return inputs


# --- measurements --------------------------------------------------------------------------------


def run_ingest(path: str) -> dict:
    """Single-machine streaming: article id -> (story, thread, line), and the clustering seconds."""
    import newsprism

    with tempfile.TemporaryDirectory(prefix="newsprism-bench-") as scratch, \
            newsprism.Store(Path(scratch) / "ingest.db") as store:
        started = time.perf_counter()
        report = newsprism.ingest(store, [path])
        seconds = time.perf_counter() - started
        found = {a.id: (a.story_id, store.thread_of(a.id), _line(a.source_path)) for a in store.iter_articles()}
    return {"articles": found, "seconds": seconds, "cluster_seconds": report.cluster_seconds}


def run_spark(master: str, inputs: list[dict]) -> list[dict]:
    """Per input and variant: article id -> (story, thread), the clustering stage's seconds."""
    from newsprism.spark import run_articles, spark_session
    from newsprism.spark.stories import story_tables

    spark = spark_session(master, app_name="newsprism-bench-stories")
    results = []
    with tempfile.TemporaryDirectory(prefix="newsprism-bench-") as scratch:
        for number, item in enumerate(inputs):
            out = Path(scratch) / f"out{number}"
            started = time.perf_counter()
            run_articles(spark, [item["path"]], out)
            articles_seconds = time.perf_counter() - started
            articles = spark.read.parquet(str(out / "articles"))
            articles.cache().count()
            for variant, arguments in [("default", {}), *VARIANTS.get(item["corpus"], {}).items()]:
                started = time.perf_counter()
                tables = story_tables(spark, articles, **arguments)
                members = {row.article_id: row.story_id for row in tables.members.collect()}
                stories = tables.stories.select("id", "thread_id").collect()
                threads = tables.threads.count()
                seconds = time.perf_counter() - started
                thread_of = {row.id: row.thread_id for row in stories}
                results.append({"input": number, "variant": variant, "seconds": seconds,
                                "articles_seconds": articles_seconds, "threads": threads,
                                "members": {a: (s, thread_of[s]) for a, s in members.items()}})
                log(f"  {master} {item['corpus']} {item['order']} {item['seed']} {variant}: "
                    f"{len(members)} articles, {len(thread_of)} stories, {seconds:.1f} s")
                tables.release()
            articles.unpersist()
    spark.stop()
    return results


def _line(source_path: str) -> int:
    return int(source_path.rsplit(":", 1)[1])


def child(master: str, inputs_file: str) -> None:
    inputs = json.loads(Path(inputs_file).read_text(encoding="utf-8"))
    print(json.dumps(run_spark(master, inputs)))


def measure_spark(master: str, inputs: list[dict], folder: Path) -> list[dict]:
    """run_spark in a child process (its own JVM)."""
    listing = folder / "inputs.json"
    listing.write_text(json.dumps([{k: v for k, v in i.items() if not k.startswith("gold")} for i in inputs]),
                       encoding="utf-8")
    done = subprocess.run([sys.executable, __file__, "--child", master, str(listing)], stdout=subprocess.PIPE,
                          text=True)
    if done.returncode != 0:
        raise SystemExit(f"the {master} run failed (exit status {done.returncode}); see the messages above")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- scores and the report ------------------------------------------------------------------------


def scores(item: dict, ingested: dict, spark_members: dict) -> dict:
    from newsprism.evaluate.metrics import bcubed

    articles = ingested["articles"]
    if set(articles) != set(spark_members):
        raise SystemExit(f"{item['path']}: Spark and ingest kept different articles")
    gold = {a: item["gold"][line - 1] for a, (_, _, line) in articles.items()}
    gold_thread = {a: item["gold_thread"][line - 1] for a, (_, _, line) in articles.items()}
    ingest_story = {a: v[0] for a, v in articles.items()}
    ingest_thread = {a: v[1] for a, v in articles.items()}
    spark_story = {a: v[0] for a, v in spark_members.items()}
    spark_thread = {a: v[1] for a, v in spark_members.items()}
    return {
        "agreement": bcubed(spark_story, ingest_story)["f1"], "spark_gold": bcubed(spark_story, gold)["f1"],
        "ingest_gold": bcubed(ingest_story, gold)["f1"],
        "thread_agreement": bcubed(spark_thread, ingest_thread)["f1"],
        "spark_thread_gold": bcubed(spark_thread, gold_thread)["f1"],
        "ingest_thread_gold": bcubed(ingest_thread, gold_thread)["f1"],
        "spark_stories": len(set(spark_story.values())), "ingest_stories": len(set(ingest_story.values())),
        "articles": len(articles),
    }


def benchmark(args: argparse.Namespace) -> dict:
    seeds = [0] if args.quick else list(range(args.seeds))
    names = ["ecbplus"] if args.quick else (args.corpus or list(CORPORA))
    masters = ["local[2]"] if args.quick else args.masters.split(",")
    command = "benchmarks/spark_stories.py " + " ".join(sys.argv[1:])
    results = {"machine": machine(),
               "date": date.today().isoformat(), "command": command.strip(), "rows": []}
    with tempfile.TemporaryDirectory(prefix="newsprism-bench-") as tmp:
        inputs = write_inputs(Path(args.shared), Path(tmp), names, seeds, list(range(args.headline_seeds)),
                              QUICK_DOCUMENTS if args.quick else None)
        ingested = []
        for item in inputs:
            ingested.append(run_ingest(item["path"]))
            log(f"  ingest {item['corpus']} {item['order']} {item['seed']}: {ingested[-1]['cluster_seconds']:.1f} s")
        for master in masters:
            for run in measure_spark(master, inputs, Path(tmp)):
                item, base = inputs[run["input"]], ingested[run["input"]]
                results["rows"].append({
                    "corpus": item["corpus"], "order": item["order"], "seed": item["seed"], "master": master,
                    "variant": run["variant"], "spark_seconds": run["seconds"],
                    "ingest_cluster_seconds": base["cluster_seconds"], "ingest_seconds": base["seconds"],
                    "articles_seconds": run["articles_seconds"], "threads": run["threads"],
                    **scores(item, base, run["members"])})
    return results


def summary(rows: list[dict]) -> list[dict]:
    """Means over seeds per (corpus, master, variant)."""
    groups: dict = {}
    for row in rows:
        groups.setdefault((row["corpus"], row["master"], row["variant"]), []).append(row)
    keys = ("agreement", "spark_gold", "ingest_gold", "thread_agreement", "spark_thread_gold", "ingest_thread_gold",
            "spark_stories", "ingest_stories", "spark_seconds", "ingest_cluster_seconds", "articles")
    return [{"corpus": corpus, "master": master, "variant": variant, "runs": len(group),
             **{key: sum(r[key] for r in group) / len(group) for key in keys},
             "min_agreement": min(r["agreement"] for r in group)}
            for (corpus, master, variant), group in groups.items()]


def print_report(results: dict) -> None:
    print(f"{results['date']}, {results['machine']}: {results['command']}")
    print("corpus | master | variant | runs | articles | agreement (min) | Spark/gold | ingest/gold | "
          "thread agreement | Spark/gold threads | ingest/gold threads | stories Spark/ingest | "
          "Spark clustering s | art/s | ingest clustering s | art/s")
    for row in summary(results["rows"]):
        print(f"{row['corpus']} | {row['master']} | {row['variant']} | {row['runs']} | {row['articles']:.0f} | "
              f"{row['agreement']:.3f} ({row['min_agreement']:.3f}) | {row['spark_gold']:.3f} | "
              f"{row['ingest_gold']:.3f} | {row['thread_agreement']:.3f} | {row['spark_thread_gold']:.3f} | "
              f"{row['ingest_thread_gold']:.3f} | {row['spark_stories']:.0f}/{row['ingest_stories']:.0f} | "
              f"{row['spark_seconds']:.1f} | {row['articles'] / row['spark_seconds']:.0f} | "
              f"{row['ingest_cluster_seconds']:.1f} | {row['articles'] / row['ingest_cluster_seconds']:.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_shared_option(parser)
    parser.add_argument("--seeds", type=int, default=5, help="ECB+ shuffled orders 0..N-1 (default 5)")
    parser.add_argument("--headline-seeds", type=int, default=1, help="headline set orders (default 1)")
    parser.add_argument("--corpus", action="append", choices=list(CORPORA), help="only this corpus (repeatable)")
    parser.add_argument("--masters", default="local[1],local[2]", help="Spark masters, comma-separated")
    parser.add_argument("--quick", action="store_true",
                        help=f"seed 0 on the first {QUICK_DOCUMENTS} ECB+ documents, local[2] only")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    require(parser, Path(args.shared) / "data" / "ecbplus", "the shared evaluation data")
    return emit(benchmark(args), args.json, print_report)


if __name__ == "__main__":
    raise SystemExit(main())
