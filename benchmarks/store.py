"""What the store's safety checks and paged listings cost.

    .venv/bin/python benchmarks/store.py [--articles 10000] [--quick] [--json]

Builds a scratch store of synthetic articles (500 random words each, so about 7 KB
of SQLite per article with its full-text index) and reports: the time of
`PRAGMA quick_check` (run on every write open) and `integrity_check` (not run),
of a write open and a read-only open, and the time and peak Python memory of
listing every article as one list (`Store.articles()`) versus page by page
(`Store.article_pages()`, what `newsprism articles` does). Times are with the
file in the page cache. --quick: 500 articles.

The two-writer scenario (two ingest processes into one store) is measured by
`tests.test_store.two_writer_scenario`; see its docstring.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.model import Article  # noqa: E402
from newsprism.store import Store  # noqa: E402


def build(path: Path, count: int) -> None:
    rng = random.Random(20240611)
    words = [f"{rng.choice('bcdfghklmnprstvz')}{rng.choice('aeiou')}{rng.choice('lmnrst')}{n % 97}"
             for n in range(5000)]
    with Store(path) as store:
        for start in range(0, count, 500):
            with store.write():
                for number in range(start, min(count, start + 500)):
                    store.add_article(Article(
                        id=f"a{number:07d}", text=" ".join(rng.choice(words) for _ in range(500)),
                        content_hash=f"h{number}", title=f"Report {number}", outlet=f"Outlet {number % 50}",
                        published=f"2025-10-{1 + number % 28:02d}"))


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return round(time.perf_counter() - started, 4)


def peak_memory(action) -> float:
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(peak / 1e6, 1)


def benchmark(count: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="newsprism-store-bench-") as scratch:
        db = Path(scratch) / "bench.db"
        build(db, count)
        probe = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
        result = {
            "articles": count, "megabytes": round(db.stat().st_size / 1e6, 1),
            "quick_check_s": timed(lambda: probe.execute("PRAGMA quick_check").fetchall()),
            "integrity_check_s": timed(lambda: probe.execute("PRAGMA integrity_check").fetchall()),
            "write_open_s": timed(lambda: Store(db).close()),
            "readonly_open_s": timed(lambda: Store(db, readonly=True).close()),
        }
        probe.close()
        with Store(db, readonly=True) as store:
            result["list_s"] = timed(lambda: len(store.articles()))
            result["pages_s"] = timed(lambda: sum(len(page) for page in store.article_pages()))
            result["list_peak_mb"] = peak_memory(lambda: len(store.articles()))
            result["pages_peak_mb"] = peak_memory(lambda: sum(len(page) for page in store.article_pages()))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="500 articles")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = benchmark(500 if args.quick else args.articles)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for name, value in result.items():
        print(f"{name:>18}: {value}")


if __name__ == "__main__":
    main()
