"""Memory of the clustering step as the store grows past the active window.

    .venv/bin/python benchmarks/cluster_memory.py [--shared ../shared] [--per-day 400] [--quick]

Streams the 11,109 Google News headlines through `newsprism.ingest` into one store
in chunks of one simulated day each (`--per-day` headlines, published on
consecutive days, in file order), and after every few days prints the stories in
the store, the stories the clusterer holds in memory (those of the active window,
`Settings.story_window`) and the process's resident memory. The baseline is the
same process before any clustering: memory that tracks the window stays flat
while the store keeps growing.

--quick: the first QUICK_HEADLINES headlines, QUICK_PER_DAY a day (a few seconds; what tests/test_benchmarks.py
runs): the same columns, too few days to leave the window.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import newsprism  # noqa: E402
from newsprism.cluster import StoryAssigner  # noqa: E402
from newsprism.evaluate.datasets import googlenews_documents  # noqa: E402

QUICK_HEADLINES, QUICK_PER_DAY = 600, 100


def rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--per-day", type=int, default=400)
    parser.add_argument("--quick", action="store_true",
                        help=f"the first {QUICK_HEADLINES} headlines, {QUICK_PER_DAY} a day")
    args = parser.parse_args(argv)
    source = Path(args.shared) / "data" / "googlenews-mstream" / "News.jsonl"
    if not source.is_file():
        parser.error(f"{source}: not found (the headline set; see --shared)")
    if args.per_day < 1:
        parser.error("--per-day must be at least 1")
    records = list(itertools.islice(googlenews_documents(source), QUICK_HEADLINES if args.quick else None))
    per_day = QUICK_PER_DAY if args.quick else args.per_day
    start = date(2013, 11, 1)
    print(f"baseline (imports and {len(records):,} headlines in memory): {rss_mb():.0f} MB")
    print(f"{'day':>4} {'articles':>9} {'stories in store':>17} {'active in memory':>17} {'RSS MB':>7} {'s':>6}")
    with tempfile.TemporaryDirectory() as scratch, newsprism.open_store(Path(scratch) / "m.db") as store:
        began = time.perf_counter()
        for day, first in enumerate(range(0, len(records), per_day)):
            path = Path(scratch) / "day.jsonl"
            published = (start + timedelta(days=day)).isoformat()
            with path.open("w", encoding="utf-8") as handle:
                for record in records[first:first + per_day]:
                    handle.write(json.dumps({"text": record["text"], "published": published, "language": "en"}) + "\n")
            newsprism.ingest(store, [path])
            if day % 3 == 2 or first + per_day >= len(records):
                active = len(StoryAssigner(store).clusterer.stories)
                print(f"{day + 1:>4} {store.count_articles():>9,} {len(store.stories()):>17,} {active:>17,} "
                      f"{rss_mb():>7.0f} {time.perf_counter() - began:>6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
