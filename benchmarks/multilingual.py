"""Stories across languages and scripts: the multilingual-stories set streamed through ingest.

    .venv/bin/python benchmarks/multilingual.py [--shared ../shared] [--order date|file|shuffle] [--seeds 5]
                                                [--undated] [--quick] [--json]

Data: ../shared/data/multilingual-stories/articles.jsonl (180 excerpts of 22 real events in 19 languages,
gold = `event_id`; eight pairs of confusable events form hard-negative groups, events.json). The
excerpts go through exactly the path a user's news goes through (newsprism.evaluate.clustering:
JSON Lines reader, normalize, identify, store, cluster) with the default settings, in date order
(the issue's target; undated excerpts last) or in shuffled orders.

Printed: B-cubed and pairwise precision / recall / F1 over all excerpts; B-cubed per script (averaged
over the excerpts written in that script, each scored against the whole clustering); cross-language
recall (of the same-event pairs written in two different languages, the share put in one story) and
cross-script recall (pairs in two different scripts); hard-negative errors (pairs of excerpts from the
two events of one hard-negative group put in one story, and the stories that mix them).

--undated drops every excerpt's date, so time cannot keep the hard negatives apart (they are months or
years apart; the story window is 7 days): what the text alone tells (the dates the text names still count).
--quick: the first QUICK_DOCUMENTS excerpts (events m01-m08: four hard-negative pairs), one order; about ten
seconds, what tests/test_multilingual_stories.py runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import add_shared_option, emit, machine, require, today  # noqa: E402
from newsprism.config import Settings  # noqa: E402
from newsprism.evaluate.clustering import _assignments, _write_jsonl, load_eval_set, ordered  # noqa: E402
from newsprism.evaluate.metrics import bcubed, pairwise  # noqa: E402
from newsprism.ingest import ingest  # noqa: E402
from newsprism.store import Store  # noqa: E402

SCRIPTS = ("latin", "cyrillic", "arabic", "greek", "cjk", "hangul")
QUICK_DOCUMENTS = 60
_SCRIPT_OF_NAME = {"LATIN": "latin", "CYRILLIC": "cyrillic", "ARABIC": "arabic", "GREEK": "greek", "CJK": "cjk",
                   "HIRAGANA": "cjk", "KATAKANA": "cjk", "HANGUL": "hangul"}


def script_of(text: str) -> str:
    """The script most of the text's letters are written in."""
    counts = Counter()
    for char in text[:2000]:
        if char.isalpha():
            counts[_SCRIPT_OF_NAME.get(unicodedata.name(char, "?").split(" ", 1)[0], "other")] += 1
    return counts.most_common(1)[0][0] if counts else "other"


def cluster(records: list[dict], order: str, seed: int) -> tuple[dict, dict, float]:
    """(predicted story, gold event) of every stored excerpt, and the clustering seconds."""
    stream = ordered(records, order, seed)
    with tempfile.TemporaryDirectory(prefix="newsprism-multilingual-") as scratch:
        source = Path(scratch) / "documents.jsonl"
        _write_jsonl(source, stream)
        with Store(Path(scratch) / "eval.db") as store:
            report = ingest(store, [str(source)], settings=Settings())
            predicted, gold = _assignments(store, report, stream)["story"]
    if report.rejected:
        print(f"warning: {len(report.rejected)} excerpts rejected: {report.rejected[0].reason}", file=sys.stderr)
    return predicted, gold, report.cluster_seconds


def scores(predicted: dict, gold: dict, info: dict, groups: dict) -> dict:
    ids = sorted(predicted)
    pred_members, gold_members = Counter(predicted.values()), Counter(gold.values())
    both = Counter((predicted[i], gold[i]) for i in ids)
    per_script = {}
    for script in SCRIPTS:
        items = [i for i in ids if info[i]["script"] == script]
        if items:
            precision = sum(both[predicted[i], gold[i]] / pred_members[predicted[i]] for i in items) / len(items)
            recall = sum(both[predicted[i], gold[i]] / gold_members[gold[i]] for i in items) / len(items)
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            per_script[script] = {"documents": len(items), "precision": precision, "recall": recall, "f1": f1}
    cross = {"language": [0, 0], "script": [0, 0]}
    hard_pairs, hard_stories = 0, set()
    for a, b in combinations(ids, 2):
        together = predicted[a] == predicted[b]
        if gold[a] == gold[b]:
            for kind in cross:
                if info[a][kind] != info[b][kind]:
                    cross[kind][0] += together
                    cross[kind][1] += 1
        elif together and groups.get(gold[a]) is not None and groups.get(gold[a]) == groups.get(gold[b]):
            hard_pairs += 1
            hard_stories.add(predicted[a])
    return {"bcubed": bcubed(predicted, gold), "pairwise": pairwise(predicted, gold),
            "stories": len(set(predicted.values())), "events": len(set(gold.values())), "documents": len(ids),
            "per_script": per_script,
            "cross_language_recall": cross["language"][0] / cross["language"][1],
            "cross_language_pairs": cross["language"][1],
            "cross_script_recall": cross["script"][0] / cross["script"][1], "cross_script_pairs": cross["script"][1],
            "hard_negative_pairs": hard_pairs, "hard_negative_stories": len(hard_stories)}


def load(shared: Path, undated: bool, limit: int | None = None) -> tuple[list[dict], dict, dict]:
    folder = shared / "data" / "multilingual-stories"
    found = load_eval_set("jsonl", folder / "articles.jsonl", label="event_id")
    if found.problems:
        raise SystemExit(f"{folder}: {found.problems[0].reason}")
    records = found.records[:limit]
    if undated:
        records = [{k: v for k, v in r.items() if k != "published"} for r in records]
    info = {r["id"]: {"language": r.get("language", ""), "script": script_of(r["text"])} for r in records}
    events = json.loads((folder / "events.json").read_text(encoding="utf-8"))
    groups = {e["event_id"]: e["hard_negative_group"] for e in events}
    return records, info, groups


def _mean(runs: list[dict], key: str):
    first = runs[0][key]
    if isinstance(first, dict):
        return {k: _mean([r[key] for r in runs], k) if isinstance(first[k], dict)
                else sum(r[key][k] for r in runs) / len(runs) for k in first}
    return sum(r[key] for r in runs) / len(runs)


def run(args: argparse.Namespace) -> dict:
    records, info, groups = load(Path(args.shared), args.undated, QUICK_DOCUMENTS if args.quick else None)
    seeds = list(range(args.seeds)) if args.order == "shuffle" and not args.quick else [0]
    runs = []
    for seed in seeds:
        started = time.perf_counter()
        predicted, gold, cluster_seconds = cluster(records, args.order, seed)
        result = scores(predicted, gold, info, groups)
        result.update(seed=seed, seconds=time.perf_counter() - started, cluster_seconds=cluster_seconds)
        runs.append(result)
    mean = {key: _mean(runs, key) for key in runs[0] if key not in ("per_script",)}
    scripts = sorted({s for r in runs for s in r["per_script"]}, key=SCRIPTS.index)
    mean["per_script"] = {s: _mean([r["per_script"] for r in runs], s) for s in scripts}
    return {"machine": machine(),
            "date": today(), "command": "benchmarks/multilingual.py " + " ".join(sys.argv[1:]),
            "order": args.order, "seeds": seeds, "undated": args.undated, "mean": mean, "runs": runs}


def print_report(results: dict) -> None:
    mean = results["mean"]
    b3, pw = mean["bcubed"], mean["pairwise"]
    orders = f"{results['order']} order" + (f", mean of seeds {results['seeds'][0]}-{results['seeds'][-1]}"
                                            if results["order"] == "shuffle" else "")
    print(f"machine: {results['machine']}; date: {results['date']}; {orders}"
          f"{'; dates dropped' if results['undated'] else ''}")
    print(f"{mean['documents']:.0f} excerpts, {mean['events']:.0f} events -> {mean['stories']:.1f} stories")
    print(f"B-cubed   P {b3['precision']:.3f}  R {b3['recall']:.3f}  F1 {b3['f1']:.3f}")
    print(f"pairwise  P {pw['precision']:.3f}  R {pw['recall']:.3f}  F1 {pw['f1']:.3f}")
    print(f"cross-language recall {mean['cross_language_recall']:.3f} ({mean['cross_language_pairs']:.0f} pairs); "
          f"cross-script recall {mean['cross_script_recall']:.3f} ({mean['cross_script_pairs']:.0f} pairs)")
    print(f"hard-negative errors: {mean['hard_negative_pairs']:.1f} pairs in {mean['hard_negative_stories']:.1f} "
          "stories")
    print(f"{'script':<9} {'docs':>4} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}")
    for script, row in mean["per_script"].items():
        print(f"{script:<9} {row['documents']:>4.0f} {row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f}")
    if len(results["runs"]) > 1:
        print("B3 F1 per seed: " + " ".join(f"{r['bcubed']['f1']:.3f}" for r in results["runs"]))
    print(f"clustering {mean['cluster_seconds']:.2f} s, whole ingest {mean['seconds']:.2f} s per run")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_shared_option(parser)
    parser.add_argument("--order", choices=("date", "file", "shuffle"), default="date")
    parser.add_argument("--seeds", type=int, default=5, help="shuffled orders 0..N-1 (with --order shuffle)")
    parser.add_argument("--undated", action="store_true", help="drop the excerpts' dates")
    parser.add_argument("--quick", action="store_true", help=f"the first {QUICK_DOCUMENTS} excerpts, one order")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    require(parser, Path(args.shared) / "data" / "multilingual-stories", "the multilingual-stories set")
    return emit(run(args), args.json, print_report)


if __name__ == "__main__":
    sys.exit(main())
