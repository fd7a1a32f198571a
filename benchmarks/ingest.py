"""Ingest speed and memory: read, normalize, identify and store real news texts.

    .venv/bin/python benchmarks/ingest.py [--shared ../shared] [--repeat 3] [--json]

Corpora: the ECB+ documents (text rebuilt from the tokens) and the Google News
headline set, each written once as JSON Lines and then ingested into a fresh
store. The baseline, measured in the same run on the same file, only reads the
records and hashes their text, so the ratio shows what the pipeline costs on
this machine today. Every measurement runs in a fresh process so that its peak
resident memory is its own.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def write_corpora(shared: Path, folder: Path) -> dict[str, Path]:
    from newsprism.evaluate.datasets import ecbplus_documents, googlenews_documents

    corpora = {
        "ecbplus": ecbplus_documents(shared / "data" / "ecbplus"),
        "headlines": googlenews_documents(shared / "data" / "googlenews-mstream" / "News.jsonl"),
    }
    paths = {}
    for name, records in corpora.items():
        path = folder / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for record in records:
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


def measure(kind: str, path: Path) -> dict:
    """Run one measurement in a child process; add its peak memory."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def child(kind: str, path: str) -> None:
    result = (run_baseline if kind == "baseline" else run_pipeline)(Path(path))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the fastest is reported")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
               "date": date.today().isoformat(), "corpora": {}}
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_corpora(Path(args.shared), Path(tmp))
        for name, path in paths.items():
            runs = {kind: min((measure(kind, path) for _ in range(args.repeat)), key=lambda r: r["seconds"])
                    for kind in ("baseline", "pipeline")}
            for run in runs.values():
                run["docs_per_second"] = run["documents"] / run["seconds"]
            runs["ratio"] = runs["pipeline"]["seconds"] / runs["baseline"]["seconds"]
            results["corpora"][name] = runs
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"machine: {results['machine']}; date: {results['date']}")
    print(f"{'corpus':<10} {'step':<9} {'docs':>6} {'seconds':>8} {'docs/s':>9} {'peak MB':>8}")
    for name, runs in results["corpora"].items():
        for kind in ("baseline", "pipeline"):
            r = runs[kind]
            print(f"{name:<10} {kind:<9} {r['documents']:>6} {r['seconds']:>8.2f} {r['docs_per_second']:>9.0f} {r['peak_rss_mb']:>8.0f}")
        print(f"{name:<10} pipeline costs {runs['ratio']:.0f}x the baseline")


if __name__ == "__main__":
    main()
