"""What the per-outlet figures cost on a large store (`Store.outlet_figures`, the /outlets pages).

    .venv/bin/python benchmarks/outlets.py [--shared ../shared] [--articles 100000] [--json]

The store: the 11,109 Google News headlines of the MStream set (../shared/data/googlenews-mstream/News.jsonl),
repeated with dates shifted by 30 days per copy until there are `--articles` articles; each copy of a gold
cluster is cut into stories of 8 headlines; each article gets one of 300 outlets at random (seeded) and a time
within 2 days of its story's start. Stored through the store's own API (`add_article`, `set_story`), without
analyses. Then each query is timed (best of 3, file in the page cache): the whole outlet table in every
order, one outlet's figures, the outlet count, the attribute groups (one attribute over every outlet) and
the search for stories whose dossiers need no model.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.model import Article  # noqa: E402
from newsprism.store import OUTLET_ORDERS, Store  # noqa: E402
from newsprism.understand import ANALYSIS_VERSION  # noqa: E402

OUTLETS = 300
STORY_SIZE = 8


def build(path: Path, headlines: list[dict], count: int) -> None:
    rng = random.Random(20261129)
    start = datetime(2020, 1, 1)
    outlets = [f"Outlet {n} / {'Ünïcode' if n % 7 == 0 else 'News'}" for n in range(OUTLETS)]
    with Store(path) as store, store.write():
        copy, made, seq = 0, 0, 0
        while made < count:
            by_cluster: dict[int, list[dict]] = {}
            for item in headlines:
                by_cluster.setdefault(item["clusterNo"], []).append(item)
            for items in by_cluster.values():
                for chunk_start in range(0, len(items), STORY_SIZE):
                    story_start = start + timedelta(days=30 * copy + rng.uniform(0, 30))
                    story_id = None
                    for item in items[chunk_start:chunk_start + STORY_SIZE]:
                        if made >= count:
                            break
                        when = story_start + timedelta(hours=rng.uniform(0, 48))
                        article_id = f"{copy:02d}{item['Id']}"
                        story_id = story_id or article_id
                        store.add_article(Article(id=article_id, text=item["textCleaned"], title=item["textCleaned"],
                                                  outlet=rng.choice(outlets), published=when.isoformat() + "Z",
                                                  content_hash=article_id))
                        seq += 1
                        store.set_story(article_id, story_id, seq)
                        made += 1
            copy += 1
        store.set_outlet_attributes([(o, "country", f"C{n % 12}") for n, o in enumerate(outlets)])


def best_of(function, times: int = 3) -> float:
    found = []
    for _ in range(times):
        started = time.perf_counter()
        function()
        found.append(time.perf_counter() - started)
    return min(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    source = Path(args.shared) / "data" / "googlenews-mstream" / "News.jsonl"
    headlines = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "outlets.db"
        started = time.perf_counter()
        build(db, headlines, args.articles)
        built = time.perf_counter() - started
        with Store(db, readonly=True) as store:
            one = store.outlet_figures(limit=1)[0].outlet
            results = {f"table, order={order}, 50 a page": best_of(
                lambda o=order: store.outlet_figures(order=o, limit=50)) for order in OUTLET_ORDERS}
            results["table, by attribute country"] = best_of(
                lambda: store.outlet_figures(attribute="country", limit=50))
            results["one outlet"] = best_of(lambda: store.outlet_figures(outlet=one))
            results["count outlets"] = best_of(store.count_outlets)
            results["attribute groups"] = best_of(store.attribute_groups)
            results["analysed stories (none here)"] = best_of(lambda: store.analysed_stories(ANALYSIS_VERSION, 10))
            results["analysed stories of one outlet"] = best_of(
                lambda: store.analysed_stories(ANALYSIS_VERSION, 10, outlet=one))
            articles, outlets = store.count_articles(), store.count_outlets()
    if args.json:
        print(json.dumps({"articles": articles, "outlets": outlets, "build_seconds": built,
                          "seconds": results}, indent=2))
        return
    print(f"{articles} articles, {outlets} outlets, built in {built:.0f} s")
    for name, seconds in results.items():
        print(f"  {name:40s} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
