"""Same stories? Every article's story and thread on the evaluation sets, dumped to compare two versions of the code.

    .venv/bin/python benchmarks/assignments.py dump OUT.json [--src CHECKOUT/src] [--shared ../shared] [--quick]
    .venv/bin/python benchmarks/assignments.py compare BEFORE.json AFTER.json

A change meant to make clustering faster must not change what it decides: run `dump` with the code before
(`--src` of a `git archive` copy) and after (this checkout's src, the default), then `compare`. Sets: ECB+ in
shuffled orders 0-4, the Google News headlines in order 0, the multilingual-stories set in date order, shuffled
orders 0-2 and undated; each through `ingest` with the default settings, as benchmarks/cluster.py and
multilingual.py run them. --quick: ECB+ orders 0-1 and the multilingual set in date order only. `compare` exits 1
when any article's story or thread differs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def assignments(records: list[dict], order: str, seed: int) -> dict:
    """{"story": {record id: story id}, "thread": {...}, "cluster_seconds"} of one streamed order."""
    from newsprism.config import Settings
    from newsprism.evaluate.clustering import _assignments, _write_jsonl, ordered
    from newsprism.ingest import ingest
    from newsprism.store import Store

    stream = ordered(records, order, seed)
    with tempfile.TemporaryDirectory(prefix="newsprism-assignments-") as scratch:
        source = Path(scratch) / "documents.jsonl"
        _write_jsonl(source, stream)
        with Store(Path(scratch) / "eval.db") as store:
            report = ingest(store, [str(source)], settings=Settings())
            found = _assignments(store, report, stream)
    return {"story": found["story"][0], "thread": found["thread"][0], "cluster_seconds": report.cluster_seconds}


def dump(shared: Path, quick: bool) -> dict:
    from multilingual import load
    from newsprism.evaluate.datasets import ecbplus_documents, googlenews_documents

    runs = {}
    ecbplus = list(ecbplus_documents(shared / "data" / "ecbplus"))
    for seed in range(2 if quick else 5):
        runs[f"ecbplus shuffle {seed}"] = assignments(ecbplus, "shuffle", seed)
    if not quick:
        headlines = list(googlenews_documents(shared / "data" / "googlenews-mstream" / "News.jsonl"))
        runs["headlines shuffle 0"] = assignments(headlines, "shuffle", 0)
    excerpts = load(shared, False)[0]
    runs["multilingual date"] = assignments(excerpts, "date", 0)
    if not quick:
        for seed in range(3):
            runs[f"multilingual shuffle {seed}"] = assignments(excerpts, "shuffle", seed)
        runs["multilingual undated"] = assignments(load(shared, True)[0], "date", 0)
    return runs


def compare(before: dict, after: dict) -> bool:
    same = True
    for name, run in before.items():
        if name not in after:
            print(f"{name}: only in the first file")
            continue
        for level in ("story", "thread"):
            differ = [doc for doc, value in run[level].items() if after[name][level].get(doc) != value]
            if differ or len(run[level]) != len(after[name][level]):
                same = False
                print(f"{name}: {len(differ)} articles in another {level}")
        print(f"{name}: clustering {run['cluster_seconds']:.2f} s -> {after[name]['cluster_seconds']:.2f} s")
    print("identical" if same else "DIFFERENT")
    return same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump")
    dumping.add_argument("out")
    dumping.add_argument("--src", default=str(ROOT / "src"), help="the code to run (default: this checkout's)")
    dumping.add_argument("--shared", default=str(ROOT.parent / "shared"))
    dumping.add_argument("--quick", action="store_true")
    comparing = commands.add_parser("compare")
    comparing.add_argument("before")
    comparing.add_argument("after")
    args = parser.parse_args(argv)
    if args.command == "dump":
        sys.path.insert(0, args.src)
        import newsprism  # before benchmarks/multilingual.py, which puts this checkout's src first

        print(f"code: {Path(newsprism.__file__).parent}")
        started = time.perf_counter()
        Path(args.out).write_text(json.dumps(dump(Path(args.shared), args.quick)))
        print(f"{args.out}: written in {time.perf_counter() - started:.0f} s")
        return 0
    loaded = [json.loads(Path(path).read_text()) for path in (args.before, args.after)]
    return 0 if compare(*loaded) else 1


if __name__ == "__main__":
    sys.exit(main())
