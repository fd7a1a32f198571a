"""What the per-outlet figures cost on a large store (`Store.outlet_figures`, the /outlets pages).

    .venv/bin/python benchmarks/outlets.py [--shared ../shared] [--articles 100000] [--json]

The store: the 11,109 Google News headlines of the MStream set (../shared/data/googlenews-mstream/News.jsonl),
repeated with dates shifted by 30 days per copy until there are `--articles` articles; each copy of a gold
cluster is cut into stories of 8 headlines; each article gets one of 300 outlets at random (seeded) and a time
within 2 days of its story's start. Stored through the store's own API (`add_article`, `set_story`), without
analyses. Then each query is timed (best of 3, file in the page cache): the whole-store figures, one
outlet's figures, the /outlets and /outlets/NAME data (`newsprism.outlets`, with and
without the app's cache), the cache's check, a story's coverage by attribute, the sums of the stored per-story
contributions (exclusive facts, changed quotes; synthetic counts stored for 80% of the multi-outlet stories, as
`outlets.record_contributions` would after their dossiers: the query's cost does not depend on the values) and the
analysis worker's search for analysed stories not counted yet.
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

from newsprism import outlets  # noqa: E402
from newsprism.compare import DOSSIER_VERSION  # noqa: E402
from newsprism.model import Article  # noqa: E402
from newsprism.store import Store, outlet_key  # noqa: E402
from newsprism.understand import ANALYSIS_VERSION  # noqa: E402

OUTLETS = 300
STORY_SIZE = 8


def build(path: Path, headlines: list[dict], count: int) -> None:
    rng = random.Random(20261129)
    start = datetime(2020, 1, 1)
    outlets = [f"Outlet {n} / {'Ünïcode' if n % 7 == 0 else 'News'}" for n in range(OUTLETS)]
    with Store(path) as store, store.write():
        copy, made, seq = 0, 0, 0
        members: dict[str, list[tuple[str, str]]] = {}  # story id: [(article id, outlet)]
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
                        outlet = rng.choice(outlets)
                        story_id = story_id or article_id
                        store.add_article(Article(id=article_id, text=item["textCleaned"], title=item["textCleaned"],
                                                  outlet=outlet, published=when.isoformat() + "Z",
                                                  content_hash=article_id))
                        seq += 1
                        store.set_story(article_id, story_id, seq)
                        members.setdefault(story_id, []).append((article_id, outlet))
                        made += 1
            copy += 1
        store.set_outlet_attributes([(o, "country", f"C{n % 12}") for n, o in enumerate(outlets)])
        for story_id, found in members.items():
            keys = {outlet_key(o) for _, o in found}
            if len(keys) >= 2 and rng.random() < 0.8:
                store.save_contributions(story_id, "synthetic", ANALYSIS_VERSION, DOSSIER_VERSION,
                                         {k: (rng.randrange(4), rng.randrange(2)) for k in keys},
                                         article_ids=[a for a, _ in found])


def best_of(function, times: int = 3) -> dict[str, float]:
    """The best wall-clock and CPU seconds of `times` runs (CPU time shows the cost on a busy machine)."""
    wall, cpu = [], []
    for _ in range(times):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {"wall": min(wall), "cpu": min(cpu)}


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
            one = store.outlet_figures()[0].outlet
            story = store.stories(limit=1)[0]
            cache = outlets.OutletCache()
            cache.figures(store)
            results = {
                "whole-store figures (Store.outlet_figures)": best_of(store.outlet_figures),
                "one outlet's figures": best_of(lambda: store.outlet_figures(one)),
                "/outlets data, first view (no cache)": best_of(lambda: outlets.outlet_table(store)),
                "/outlets data, cached, sorted by country": best_of(
                    lambda: outlets.outlet_table(store, sort="country", cache=cache)),
                "/outlets/NAME data": best_of(lambda: outlets.outlet_detail(store, one, cache=cache)),
                "store change mark (cache check)": best_of(store.change_mark),
                "a story's coverage by attribute": best_of(
                    lambda: outlets.coverage_by_attribute(store, story.outlets)),
                "stored contributions, summed (every outlet)": best_of(
                    lambda: store.contribution_totals(ANALYSIS_VERSION, DOSSIER_VERSION)),
                "stored contributions, summed (one outlet)": best_of(
                    lambda: store.contribution_totals(ANALYSIS_VERSION, DOSSIER_VERSION, outlet=one)),
                "multi-outlet stories (scope's M)": best_of(store.count_multi_outlet_stories),
                "worker: analysed stories not counted (none here)": best_of(
                    lambda: store.uncounted_stories(ANALYSIS_VERSION, DOSSIER_VERSION, 4)),
            }
            articles, outlet_count = store.count_articles(), store.count_outlets()
    if args.json:
        print(json.dumps({"articles": articles, "outlets": outlet_count, "build_seconds": built,
                          "seconds": results}, indent=2))
        return
    print(f"{articles} articles, {outlet_count} outlets, built in {built:.0f} s; best of 3, wall and CPU")
    for name, seconds in results.items():
        print(f"  {name:45s} {seconds['wall'] * 1000:8.1f} ms wall {seconds['cpu'] * 1000:8.1f} ms CPU")


if __name__ == "__main__":
    main()
