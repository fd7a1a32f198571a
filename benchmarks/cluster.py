"""Story clustering quality and speed: newsprism's clusterer against baselines tuned in hindsight.

    .venv/bin/python benchmarks/cluster.py [--shared ../shared] [--seeds 5] [--corpus NAME] [--skip-baselines]
                                           [--quick] [--json]

Corpora: ECB+ (772 articles, gold story = subtopic, text rebuilt from the
tokens) and the 11,109 Google News headlines of the MStream set (gold = Google
News story cluster). Each is clustered once per seed, in the order
`random.Random(seed).shuffle` gives, and scored with B-cubed and pairwise
precision, recall and F1 (newsprism.evaluate.metrics).

Rows: newsprism's own online clusterer (newsprism.evaluate.clustering), and
three baselines from benchmarks/baselines.py, each with its one parameter
chosen in hindsight over a small grid (best mean B-cubed F1): TF-IDF single
pass (online, IDF from all texts), average-linkage agglomerative on cosine
distance and HDBSCAN on SVD-reduced TF-IDF (both batch: they see every
document at once, so they run once, not once per seed). A hindsight choice is
an upper bound no online system gets; these rows are targets, not foils.

Speed: documents per second of newsprism's clustering step against
scikit-learn's TfidfVectorizer.fit_transform over the same texts, measured in
the same run, as a ratio. Every measurement runs in its own process, so its
peak resident memory is its own (interpreter and libraries included).

`--seeds 1 --corpus ecbplus`: seed 0 on ECB+ only (about 20 s). Default run: about 4 minutes on 2 cores;
its largest process is the agglomerative baseline on the headlines (about 3 GB: an exact 11k x 11k distance
matrix). --quick: seed 0 on the first QUICK_DOCUMENTS ECB+ documents, every measurement in this process (peak
memory is then the process's so far); a few seconds, what tests/test_benchmarks.py runs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import add_shared_option, emit, log, machine, require, timed, today  # noqa: E402

CORPORA = {"ecbplus": "ECB+ (full articles)", "headlines": "Google News headlines"}
BASELINE_NAMES = ("tfidf_single_pass", "agglomerative", "hdbscan")
LABELS = {"newsprism": "newsprism", "tfidf_single_pass": "TF-IDF single pass",
          "agglomerative": "agglomerative (batch)", "hdbscan": "HDBSCAN (batch)"}
SPEED_REPEAT = 3
NEWSPRISM_KEYS = ("bcubed", "pairwise", "clusters", "gold_clusters", "documents", "seconds", "cluster_seconds")
QUICK_DOCUMENTS = 120


def write_corpora(shared: Path, folder: Path, names: list[str], limit: int | None = None) -> dict[str, Path]:
    from newsprism.evaluate.datasets import ecbplus_documents, googlenews_documents

    readers = {
        "ecbplus": lambda: ecbplus_documents(shared / "data" / "ecbplus"),
        "headlines": lambda: googlenews_documents(shared / "data" / "googlenews-mstream" / "News.jsonl"),
    }
    paths = {}
    for name in names:
        path = folder / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for record in itertools.islice(readers[name](), limit):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        paths[name] = path
    return paths


def read_records(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# --- measurements, each run in a child process -------------------------------------------------


def run_newsprism(records: list[dict], seeds: list[int]) -> dict:
    try:
        from newsprism.evaluate.clustering import evaluate_clustering
    except ImportError as exc:
        return {"skipped": f"newsprism.evaluate.clustering is not available yet ({exc})"}
    runs = []
    for seed in seeds:
        result = evaluate_clustering(list(records), order="shuffle", seed=seed, label="story")
        rejected = len(result.get("rejected") or ())
        result = {key: result[key] for key in NEWSPRISM_KEYS if key in result}
        result["rejected"] = rejected
        result["seed"] = seed
        runs.append(result)
        log(f"  newsprism seed {seed}: B-cubed F1 {result['bcubed']['f1']:.4f}, "
            f"{result['clusters']} clusters, clustering {result['cluster_seconds']:.2f} s")
    return {
        "per_seed": runs,
        "bcubed": _mean([r["bcubed"] for r in runs]),
        "pairwise": _mean([r["pairwise"] for r in runs]),
        "clusters": sum(r["clusters"] for r in runs) / len(runs),
        "documents": runs[0]["documents"],
        "cluster_seconds": sum(r["cluster_seconds"] for r in runs) / len(runs),
        "fastest_cluster_seconds": min(r["cluster_seconds"] for r in runs),
    }


def run_tfidf_speed(records: list[dict]) -> dict:
    """The speed baseline: TfidfVectorizer.fit_transform over the same texts (fastest of a few)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [r["text"] for r in records]
    best = float("inf")
    for _ in range(SPEED_REPEAT):
        start = time.perf_counter()
        TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
        best = min(best, time.perf_counter() - start)
    return {"documents": len(texts), "seconds": best, "repeat": SPEED_REPEAT}


def run_baseline(name: str, records: list[dict], seeds: list[int]) -> dict:
    from baselines import GRIDS, tune

    # a smallest cluster larger than the corpus finds nothing (only a --quick slice is that small)
    grid = [value for value in GRIDS[name] if name != "hdbscan" or value < len(records)]
    return tune(name, records, seeds, grid=grid, log=log)


def measured(kind: str, path: str | Path, seeds: list[int]) -> dict:
    records = read_records(path)
    if kind == "newsprism":
        result = run_newsprism(records, seeds)
    elif kind == "tfidf_speed":
        result = run_tfidf_speed(records)
    else:
        result = run_baseline(kind, records, seeds)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def child(kind: str, path: str, seeds: list[int]) -> None:
    print(json.dumps(measured(kind, path, seeds)))


def measure(kind: str, path: Path, seeds: list[int], in_process: bool = False) -> dict:
    """Run one measurement in a child process (its progress goes to stderr), or in this one; return its JSON."""
    if in_process:
        return measured(kind, path, seeds)
    command = [sys.executable, __file__, "--child", kind, str(path), "--child-seeds", ",".join(map(str, seeds))]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        return {"skipped": f"{kind} failed (exit status {done.returncode}); see the messages above"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mean(scores: list[dict]) -> dict[str, float]:
    return {key: sum(s[key] for s in scores) / len(scores) for key in ("precision", "recall", "f1")}


# --- the report --------------------------------------------------------------------------------


def benchmark(args: argparse.Namespace) -> dict:
    seeds = [0] if args.quick else list(range(args.seeds))
    names = ["ecbplus"] if args.quick else (args.corpus or list(CORPORA))
    limit = QUICK_DOCUMENTS if args.quick else None
    command = "benchmarks/cluster.py " + " ".join(sys.argv[1:])
    results = {"machine": machine(),
               "date": today(), "command": command.strip(), "seeds": seeds, "quick": args.quick,
               "order": "random.Random(seed).shuffle of the file order", "corpora": {}}
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_corpora(Path(args.shared), Path(tmp), names, limit)
        for name, path in paths.items():
            records = read_records(path)
            corpus = {"title": CORPORA[name], "documents": len(records),
                      "gold_stories": len({r["story"] for r in records}), "methods": {}}
            log(f"{CORPORA[name]}: {corpus['documents']} documents, {corpus['gold_stories']} gold stories")
            corpus["methods"]["newsprism"] = measure("newsprism", path, seeds, args.quick)
            speed = {"tfidf_fit_transform": measure("tfidf_speed", path, seeds, args.quick)}
            base = speed["tfidf_fit_transform"]
            base["docs_per_second"] = base["documents"] / base["seconds"]
            own = corpus["methods"]["newsprism"]
            if "skipped" not in own:
                speed["newsprism"] = {"documents": own["documents"], "seconds": own["fastest_cluster_seconds"],
                                      "docs_per_second": own["documents"] / own["fastest_cluster_seconds"],
                                      "peak_rss_mb": own["peak_rss_mb"]}
                speed["ratio"] = speed["newsprism"]["docs_per_second"] / base["docs_per_second"]
            corpus["speed"] = speed
            if not args.skip_baselines:
                for baseline in BASELINE_NAMES:
                    corpus["methods"][baseline] = measure(baseline, path, seeds, args.quick)
            results["corpora"][name] = corpus
    results["peak_rss_mb"] = {
        "parent": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "largest_child": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    return results


def print_report(results: dict) -> None:
    seeds = results["seeds"]
    span = f"seed {seeds[0]}" if len(seeds) == 1 else f"seeds {seeds[0]}-{seeds[-1]}"
    quick = f"; quick: first {QUICK_DOCUMENTS} documents, one process" if results["quick"] else ""
    print(f"machine: {results['machine']}; date: {results['date']}; orders: {span}, shuffled{quick}")
    for corpus in results["corpora"].values():
        print(f"\n{corpus['title']}: {corpus['documents']} documents, {corpus['gold_stories']} gold stories")
        print(f"{'method':<22} {'parameter (hindsight)':<24} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} "
              f"{'pair P':>6} {'pair R':>6} {'pair F1':>7} {'clusters':>8} {'peak MB':>7}  B3 F1 per seed")
        notes = []
        for key, method in corpus["methods"].items():
            if "skipped" in method:
                print(f"{LABELS[key]:<22} skipped: {method['skipped']}")
                continue
            parameter = f"{method['parameter']}={method['best']:g}" if "parameter" in method else "defaults"
            b3, pw = method["bcubed"], method["pairwise"]
            per_seed = " ".join(f"{r['bcubed']['f1']:.3f}" for r in method["per_seed"])
            if method.get("order_free"):
                per_seed += " (batch: one run)"
            print(f"{LABELS[key]:<22} {parameter:<24} {b3['precision']:>6.3f} {b3['recall']:>6.3f} "
                  f"{b3['f1']:>6.3f} {pw['precision']:>6.3f} {pw['recall']:>6.3f} {pw['f1']:>7.3f} "
                  f"{method['clusters']:>8.0f} {method['peak_rss_mb']:>7.0f}  {per_seed}")
            if "grid" in method:
                grid = ", ".join(f"{row['value']:g}: {row['bcubed_f1']:.3f}" for row in method["grid"])
                notes.append(f"  {LABELS[key]} grid (mean B3 F1): {grid}")
        if notes:
            print("\n".join(notes))
        speed = corpus["speed"]
        base = speed["tfidf_fit_transform"]
        line = (f"  speed: TfidfVectorizer.fit_transform {base['docs_per_second']:,.0f} docs/s "
                f"({base['seconds']:.3f} s, fastest of {base['repeat']}, peak {base['peak_rss_mb']:.0f} MB)")
        if "newsprism" in speed:
            own = speed["newsprism"]
            line += (f"; newsprism clustering {own['docs_per_second']:,.0f} docs/s ({own['seconds']:.3f} s, "
                     f"fastest seed, peak {own['peak_rss_mb']:.0f} MB) = {speed['ratio']:.3g}x the TF-IDF fit's rate")
            if speed["ratio"] < 1:
                line += f" (the fit is {1 / speed['ratio']:.0f}x faster)"
        print(line)
    peak = results["peak_rss_mb"]
    if results["quick"]:
        print(f"\npeak RSS: {peak['parent']:.0f} MB (one process)")
    else:
        print(f"\npeak RSS: parent {peak['parent']:.0f} MB, largest child {peak['largest_child']:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_shared_option(parser)
    parser.add_argument("--seeds", type=int, default=5, help="shuffled orders 0..N-1 (default 5)")
    parser.add_argument("--corpus", action="append", choices=list(CORPORA), help="only this corpus (repeatable)")
    parser.add_argument("--quick", action="store_true",
                        help=f"seed 0 on the first {QUICK_DOCUMENTS} ECB+ documents, in this process")
    parser.add_argument("--skip-baselines", action="store_true", help="newsprism and the speed baseline only")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child-seeds", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child, [int(s) for s in args.child_seeds.split(",")])
        return 0
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    require(parser, Path(args.shared) / "data" / "ecbplus", "the shared evaluation data")
    return emit(timed(lambda: benchmark(args)), args.json, print_report)


if __name__ == "__main__":
    sys.exit(main())
