"""Ingest speed and memory: read, normalize, identify and store real news texts.

    .venv/bin/python benchmarks/ingest.py [--shared ../shared] [--repeat 3] [--quick] [--json]

Corpora: the ECB+ documents (text rebuilt from the tokens) and the Google News
headline set, each written once as JSON Lines and then ingested into a fresh
store. The baseline, measured in the same run on the same file, only reads the
records and hashes their text, so the ratio shows what the pipeline costs on
this machine today. Every measurement runs in a fresh process so that its peak
resident memory is its own.

--quick: the first QUICK_DOCUMENTS records of each corpus, one run of each measurement, all in
this process (peak memory is then the process's so far); a few seconds, what tests/test_benchmarks.py runs.
"""

from __future__ import annotations

import argparse
import hashlib
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
from harness import add_shared_option, machine, require, today  # noqa: E402

QUICK_DOCUMENTS = 200


def write_corpora(shared: Path, folder: Path, limit: int | None = None) -> dict[str, Path]:
    from newsprism.evaluate.datasets import ecbplus_documents, googlenews_documents

    corpora = {
        "ecbplus": ecbplus_documents(shared / "data" / "ecbplus"),
        "headlines": googlenews_documents(shared / "data" / "googlenews-mstream" / "News.jsonl"),
    }
    paths = {}
    for name, records in corpora.items():
        path = folder / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for record in itertools.islice(records, limit):
                handle.write(json.dumps({"id": record["id"], "text": record["text"]}, ensure_ascii=False) + "\n")
        paths[name] = path
    return paths


def run_baseline(path: Path) -> dict:
    """Read every record and hash its text: the floor any ingest must pay."""
    start = time.perf_counter()
    count = 0
    with path.open("rb") as handle:
        for line in handle:
            record = json.loads(line)
            hashlib.sha1(record["text"].encode("utf-8")).hexdigest()
            count += 1
    return {"documents": count, "seconds": time.perf_counter() - start}


def run_pipeline(path: Path) -> dict:
    from newsprism import Store, ingest

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        start = time.perf_counter()
        report = ingest(store, [path])
        seconds = time.perf_counter() - start
        store.close()
    return {"documents": report.new + report.duplicate, "new": report.new, "linked": report.linked,
            "rejected": len(report.rejected), "seconds": seconds}


def measure(kind: str, path: Path, in_process: bool = False) -> dict:
    """Run one measurement in a child process (or in this one); add its peak memory."""
    if in_process:
        return measured(kind, path)
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def measured(kind: str, path: Path) -> dict:
    result = (run_baseline if kind == "baseline" else run_pipeline)(path)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def child(kind: str, path: str) -> None:
    print(json.dumps(measured(kind, Path(path))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_shared_option(parser)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the fastest is reported")
    parser.add_argument("--quick", action="store_true",
                        help=f"the first {QUICK_DOCUMENTS} records of each corpus, one run each, in this process")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    require(parser, Path(args.shared) / "data" / "ecbplus", "the shared evaluation data")
    repeat = 1 if args.quick else args.repeat
    results = {"machine": machine(),
               "date": today(), "quick": args.quick, "corpora": {}}
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_corpora(Path(args.shared), Path(tmp), QUICK_DOCUMENTS if args.quick else None)
        for name, path in paths.items():
            runs = {kind: min((measure(kind, path, args.quick) for _ in range(repeat)), key=lambda r: r["seconds"])
                    for kind in ("baseline", "pipeline")}
            for run in runs.values():
                run["docs_per_second"] = run["documents"] / run["seconds"]
            runs["ratio"] = runs["pipeline"]["seconds"] / runs["baseline"]["seconds"]
            results["corpora"][name] = runs
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    quick = f"; quick: first {QUICK_DOCUMENTS} records, one process" if args.quick else ""
    print(f"machine: {results['machine']}; date: {results['date']}{quick}")
    print(f"{'corpus':<10} {'step':<9} {'docs':>6} {'seconds':>8} {'docs/s':>9} {'peak MB':>8}")
    for name, runs in results["corpora"].items():
        for kind in ("baseline", "pipeline"):
            r = runs[kind]
            print(f"{name:<10} {kind:<9} {r['documents']:>6} {r['seconds']:>8.2f} {r['docs_per_second']:>9.0f} "
                  f"{r['peak_rss_mb']:>8.0f}")
        print(f"{name:<10} pipeline costs {runs['ratio']:.0f}x the baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
