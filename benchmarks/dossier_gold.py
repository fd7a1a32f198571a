"""The dossier against hand-made gold, and where a cold `compare` of one story spends its time.

    .venv/bin/python benchmarks/dossier_gold.py [--data ../shared/data/dossier-gold] [--quick] [--json]

About 3 minutes on 2 cores (each story twice in a fresh process). --quick: the first story only, in this
process, no fresh processes (a few seconds once the models are loaded; what tests/test_benchmarks.py runs).

1. Figures: `newsprism.evaluate.dossier.evaluate` over every story folder (the code of `newsprism eval dossier`;
   how each figure is counted is in that module's docstring and BENCHMARKS.md), micro-averaged, then per story.
2. Cold compare, per story, each in a fresh Python process (models not loaded, nothing cached), timed with
   time.perf_counter around each step, in the order `compare` meets them:
   - import: `import newsprism.compare` (spaCy, sentence-transformers and torch are imported here);
   - models: `pipeline_for("en")` (en_core_web_sm) and the sentence-vector model (all-MiniLM-L6-v2);
   - analysis: `analyses_for(MemoryAnalyses(), articles)` over the story's articles (read first, untimed);
   - read + dossier: `compare_files([articles.jsonl], analyses=...)` with those analyses: reading, cleaning,
     near-copy linking and building the dossier, no analysis left to do;
   - total: the four added up; and `newsprism compare articles.jsonl --json` run as its own fresh process
     (wall time, process start included) as the figure a user sees.
   In --quick mode the same steps run in this process (cold only if nothing loaded the models before it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import emit, log, machine, today  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "dossier-gold"
STEPS = ("import", "models", "analysis", "read + dossier")


def breakdown(path: Path) -> dict[str, float]:
    """Seconds of each step of a compare of the articles at `path` (cold only in a fresh process)."""
    seconds = {}
    started = time.perf_counter()
    import newsprism.compare  # noqa: F401 - timed: the libraries the dossier needs
    from newsprism.understand import MemoryAnalyses, analyses_for
    seconds["import"] = time.perf_counter() - started

    started = time.perf_counter()
    from newsprism.understand import meaning
    from newsprism.understand.pipeline import pipeline_for

    pipeline_for("en")
    meaning._model()
    seconds["models"] = time.perf_counter() - started

    from newsprism import Article, compare_files, read_articles

    articles = [a for a in read_articles([path]) if isinstance(a, Article)]
    kept = MemoryAnalyses()
    started = time.perf_counter()
    analyses_for(kept, articles)
    seconds["analysis"] = time.perf_counter() - started

    started = time.perf_counter()
    compare_files([path], analyses=kept)
    seconds["read + dossier"] = time.perf_counter() - started
    seconds["total"] = sum(seconds[step] for step in STEPS)
    return seconds


def cold(path: Path) -> dict[str, float]:
    """`breakdown` in a fresh process, and the wall time of `newsprism compare` as its own process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.run([sys.executable, __file__, "--breakdown", str(path)], capture_output=True, text=True,
                           env=env, check=True)
    seconds = json.loads(child.stdout)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsprism.cli", "compare", str(path), "--json"], capture_output=True,
                   env=env, check=True)
    seconds["newsprism compare (process)"] = time.perf_counter() - started
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--quick", action="store_true", help="the first story only, in this process")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--breakdown", type=Path, help=argparse.SUPPRESS)  # the child of `cold`
    args = parser.parse_args(argv)
    if args.breakdown:
        print(json.dumps(breakdown(args.breakdown)))
        return 0

    from newsprism.evaluate.dossier import evaluate, read_gold

    gold = read_gold(args.data)
    for problem in gold.problems:
        log(f"skipped: {problem.source_path}: {problem.reason}")
    if args.quick:
        gold.stories = gold.stories[:1]
    timings = {}
    for story in gold.stories:
        path = story.folder / "articles.jsonl"
        log(f"{story.name}: timing a compare {'in this process' if args.quick else 'in fresh processes'}")
        timings[story.name] = breakdown(path) if args.quick else cold(path)
    log("scoring")
    result = evaluate(gold)
    result["per_story"] = [{**r, "compare_seconds": {k: round(v, 3) for k, v in timings[r["story"]].items()}}
                           for r in result["per_story"]]
    result.update(date=today(), machine=machine(), cold=not args.quick)
    return emit(result, args.json, print_report)


def print_report(result: dict) -> None:
    c = result["counts"]
    print(f"dossier-gold: {result['stories']} stories ({result['date']}, {result['machine']})")
    rows = [
        ("exclusives precision", result["exclusives"]["precision"], c["unique_right"], c["unique_items"]),
        ("exclusives recall", result["exclusives"]["recall"], c["exclusive_found"], c["exclusive_facts"]),
        ("pairings precision", result["pairings"]["precision"], c["pairs_right"], c["pairs"]),
        ("extra citations precision", result["citations"]["precision"], c["extra_citations_right"],
         c["extra_citations"]),
        ("conflicts precision", result["conflicts"]["precision"], c["dossier_conflicts_right"],
         c["dossier_conflicts"]),
        ("conflicts recall", result["conflicts"]["recall"], c["gold_conflicts_found"], c["gold_conflicts"]),
        ("not-conflicts flagged", result["conflicts"]["false_on_not_conflicts"], c["not_conflicts_flagged"],
         c["not_conflicts"]),
        ("quotes found (recall)", round(c["quotes_matched"] / c["gold_quotes"], 4) if c["gold_quotes"] else 0.0,
         c["quotes_matched"], c["gold_quotes"]),
        ("quotes content F1", result["quotes"]["content_f1"], c["quotes_matched"], c["quote_variants"]),
        ("quote speaker accuracy", result["quotes"]["speaker_accuracy"], c["speaker_right"], c["quotes_matched"]),
        ("quote matching F1", result["quotes"]["matching_f1"], c["quote_pairs_right"], c["quote_pairs_predicted"]),
        ("dates accuracy", result["dates"]["accuracy"], c["times_right"], c["times_matched"]),
        ("dates matched", round(c["times_matched"] / c["gold_times"], 4) if c["gold_times"] else 0.0,
         c["times_matched"], c["gold_times"]),
        ("boilerplate share", result["boilerplate_share"], c["boilerplate_citations"], c["dossier_citations"]),
    ]
    for name, value, part, whole in rows:
        print(f"{name:28} {value:.4f}  ({part} of {whole})")
    kind = "cold, each in a fresh process" if result["cold"] else "in this process: warm once it loaded the models"
    print(f"compare time per story ({kind}), seconds:")
    columns = [*STEPS, "total"] + (["newsprism compare (process)"] if result["cold"] else [])
    print("story  articles  " + "  ".join(f"{col:>14}" for col in columns))
    for story in result["per_story"]:
        times = story["compare_seconds"]
        print(f"{story['story']:6} {story['articles']:8}  " + "  ".join(f"{times[col]:14.2f}" for col in columns))
    print("per story: " + "; ".join(
        f"{s['story']} excl {s['exclusives']['precision']:.2f}/{s['exclusives']['recall']:.2f} "
        f"pairs {s['pairings']['precision']:.2f} cites {s['citations']['precision']:.2f} "
        f"unlocated {sum(s['unlocated'].values())}" for s in result["per_story"]))


if __name__ == "__main__":
    sys.exit(main())
