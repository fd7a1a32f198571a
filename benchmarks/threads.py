"""Threads: story-level and thread-level B-cubed on ECB+ and the Google News headline set, and the speed of the
clustering step (stories and threads together).

    .venv/bin/python benchmarks/threads.py [--shared ../shared] [--seeds 5] [--corpus NAME] [--thresholds 0.15,0.2]
                                           [--quick] [--json]

Each corpus is streamed through `newsprism.evaluate.clustering.evaluate_clustering` (the `ingest` code path into
a scratch store) in shuffled orders (`random.Random(seed).shuffle`, seeds 0..N-1), and every document is scored
twice: by its story against the gold story, and by its story's thread against the gold thread. Gold threads:
ECB+'s topics (each groups the two events of one subject: two rehab stays, two Internet Explorer patches);
the headline set's labels, which are topic-level already (so its story-level and thread-level gold are one).

Rows: "no links" runs with an unreachable thread threshold, so every story is its own thread (the thread-level
score stories alone get, measured in the same run); then the defaults (`Settings.thread_threshold`) and any
other thresholds asked for with --thresholds (experiments: the default is chosen for every corpus at once).
Speed: documents per second of the clustering step (fastest seed), which includes the thread step.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import add_shared_option, emit, log, machine, require, timed, today  # noqa: E402

CORPORA = {"ecbplus": "ECB+ (gold thread = topic)", "headlines": "Google News headlines (gold = topic-level story)"}
NO_LINKS = float("inf")
QUICK_DOCUMENTS = 120


def records_of(shared: Path, name: str) -> list[dict]:
    from newsprism.evaluate.datasets import ecbplus_documents, googlenews_documents

    if name == "ecbplus":
        return list(ecbplus_documents(shared / "data" / "ecbplus"))
    return list(googlenews_documents(shared / "data" / "googlenews-mstream" / "News.jsonl"))


def run(records: list[dict], threshold: float, seeds: list[int]) -> dict:
    from newsprism.config import Settings
    from newsprism.evaluate.clustering import evaluate_clustering

    settings = replace(Settings(), thread_threshold=threshold)
    runs = []
    for seed in seeds:
        result = evaluate_clustering(list(records), order="shuffle", seed=seed, settings=settings)
        runs.append({"seed": seed, "levels": result["levels"], "cluster_seconds": result["cluster_seconds"],
                     "documents": result["documents"]})
        log(f"  threshold {threshold:g} seed {seed}: story B3 F1 {result['levels']['story']['bcubed']['f1']:.4f}, "
            f"thread B3 F1 {result['levels']['thread']['bcubed']['f1']:.4f}, "
            f"{result['levels']['thread']['clusters']} threads, clustering {result['cluster_seconds']:.2f} s")
    fastest = min(r["cluster_seconds"] for r in runs)
    return {
        "threshold": threshold,
        "per_seed": runs,
        "levels": {level: {"bcubed": _mean([r["levels"][level]["bcubed"] for r in runs]),
                           "clusters": sum(r["levels"][level]["clusters"] for r in runs) / len(runs),
                           "gold_clusters": runs[0]["levels"][level]["gold_clusters"]}
                   for level in ("story", "thread")},
        "fastest_cluster_seconds": fastest,
        "docs_per_second": runs[0]["documents"] / fastest if fastest else None,
    }


def _mean(scores: list[dict]) -> dict[str, float]:
    return {key: sum(s[key] for s in scores) / len(scores) for key in ("precision", "recall", "f1")}


def benchmark(args: argparse.Namespace) -> dict:
    from newsprism.config import Settings

    seeds = [0] if args.quick else list(range(args.seeds))
    thresholds = [NO_LINKS, Settings.thread_threshold]
    thresholds += [t for t in (float(v) for v in args.thresholds.split(",") if v) if t not in thresholds] \
        if args.thresholds else []
    results = {"machine": machine(),
               "date": today(), "command": ("benchmarks/threads.py " + " ".join(sys.argv[1:])).strip(),
               "seeds": seeds, "default_threshold": Settings.thread_threshold, "corpora": {}}
    for name in ["ecbplus"] if args.quick else (args.corpus or list(CORPORA)):
        records = records_of(Path(args.shared), name)[:QUICK_DOCUMENTS if args.quick else None]
        log(f"{CORPORA[name]}: {len(records)} documents")
        results["corpora"][name] = {"title": CORPORA[name], "documents": len(records),
                                    "rows": [run(records, threshold, seeds) for threshold in thresholds]}
    return results


def print_report(results: dict) -> None:
    seeds = results["seeds"]
    print(f"machine: {results['machine']}; date: {results['date']}; orders: seeds {seeds[0]}-{seeds[-1]}, shuffled; "
          f"default thread threshold {results['default_threshold']:g}")
    for corpus in results["corpora"].values():
        print(f"\n{corpus['title']}: {corpus['documents']} documents")
        print(f"{'threads':<22} {'story P':>7} {'story R':>7} {'story F1':>8} {'thread P':>8} {'thread R':>8} "
              f"{'thread F1':>9} {'stories':>7} {'threads':>7} {'gold':>5} {'docs/s':>7}  thread F1 per seed")
        for row in corpus["rows"]:
            story, thread = row["levels"]["story"], row["levels"]["thread"]
            label = "no links" if row["threshold"] == NO_LINKS else f"threshold {row['threshold']:g}"
            if row["threshold"] == results["default_threshold"]:
                label += " (default)"
            per_seed = " ".join(f"{r['levels']['thread']['bcubed']['f1']:.3f}" for r in row["per_seed"])
            print(f"{label:<22} {story['bcubed']['precision']:>7.3f} {story['bcubed']['recall']:>7.3f} "
                  f"{story['bcubed']['f1']:>8.3f} {thread['bcubed']['precision']:>8.3f} "
                  f"{thread['bcubed']['recall']:>8.3f} {thread['bcubed']['f1']:>9.3f} {story['clusters']:>7.0f} "
                  f"{thread['clusters']:>7.0f} {thread['gold_clusters']:>5} {row['docs_per_second']:>7,.0f}  "
                  f"{per_seed}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_shared_option(parser)
    parser.add_argument("--seeds", type=int, default=5, help="shuffled orders 0..N-1 (default 5)")
    parser.add_argument("--corpus", action="append", choices=list(CORPORA), help="only this corpus (repeatable)")
    parser.add_argument("--thresholds", help="more thread thresholds to measure, comma-separated (experiments)")
    parser.add_argument("--quick", action="store_true",
                        help=f"seed 0 on the first {QUICK_DOCUMENTS} ECB+ documents (what tests run)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    require(parser, Path(args.shared) / "data" / "ecbplus", "the shared evaluation data")
    return emit(timed(lambda: benchmark(args)), args.json, print_report)


if __name__ == "__main__":
    sys.exit(main())
