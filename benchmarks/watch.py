"""Live intake speed and politeness: `newsprism watch --once` over local news sites, beside plain concurrent GETs.

    .venv/bin/python benchmarks/watch.py [--shared ../shared] [--origins 50] [--feeds 10] [--items 20]
                                         [--host-delay 0.05] [--concurrency 16] [--baseline-only] [--quick] [--json]

Sites: ORIGINS instances of examples/site.py's NewsSite, each on its own 127.0.0.1 port (an origin each: the
politeness rules are per origin), each with FEEDS outlets of ITEMS articles: by default 50 origins x 10 feeds x
20 items = 500 RSS feeds, 10,000 article pages. The feeds carry one-sentence summaries, so every page is fetched.
Loopback only: the sites bind 127.0.0.1 and nothing else is ever asked.
Texts: real and distinct (no two pages share a text), so clustering has real work: first the 721 ECB+ documents
of ../shared/data/ecbplus with more than one sentence (full articles, text rebuilt from the tokens, a sentence a
paragraph, the first also the title), then Google News headlines of ../shared/data/googlenews-mstream (a headline
page: the headline as title and text).
Dates: one article a minute from 2026-11-01 (the sites' feeds need some).

Runs, each in its own process (its peak resident memory its own; the sites run in a third process, so their
threads do not share an interpreter with what is measured):
(a) baseline: every feed and every page URL fetched once with plain concurrent httpx GETs (CONCURRENCY in
    flight, no politeness, nothing parsed or stored);
(b) watch: a fresh store, the RSS feeds added (`Store.add_feeds`), then one
    `newsprism.intake.watch.poll_once(store, settings)` with intake.host_delay = HOST_DELAY (scaled down from the
    1 s default, so the politeness floor, (1 + FEEDS + FEEDS x ITEMS) requests x HOST_DELAY per origin = 10.6 s
    by default, does not hide the cost of fetching, extracting, storing and clustering) and
    intake.concurrency = CONCURRENCY. Articles per second count from the first request any site saw to the
    return of poll_once: stored and clustered.
Politeness observed, from the sites' own request logs (not from the client's word): the smallest gap between two
requests to one origin, the most requests in flight to one origin, and the most in flight over all origins.

--baseline-only: (a) and the sites alone (runs before the intake code exists). --quick: 2 origins x 2 feeds x
5 items, every measurement in this process; a few seconds, what tests/test_benchmarks.py runs.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import itertools
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import log, machine  # noqa: E402

QUICK = {"origins": 2, "feeds": 2, "items": 5, "host_delay": 0.01}
FIRST_DATE = datetime(2026, 11, 1, tzinfo=UTC)


def site_module():
    """examples/site.py (its file name would clash with the standard library's `site`)."""
    name = "newsprism_example_site"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / "site.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


# -- the pages ---------------------------------------------------------------------------------------------------

def real_texts(shared: Path, count: int) -> list[tuple[str, str]]:
    """`count` distinct (title, text) pairs: ECB+ articles, then Google News headlines."""
    from newsprism.evaluate.datasets import ecbplus_documents, googlenews_documents

    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    # a one-sentence ECB+ document would be a page whose text is its headline: newsprism rightly finds no article
    articles = ((_first_sentence(d["text"]), d["text"].replace("\n", "\n\n"))
                for d in ecbplus_documents(shared / "data" / "ecbplus") if "\n" in d["text"].strip())
    headlines = ((d["text"].capitalize(), d["text"].capitalize() + ".")
                 for d in googlenews_documents(shared / "data" / "googlenews-mstream" / "News.jsonl"))
    for title, text in itertools.chain(articles, headlines):
        key = " ".join(text.casefold().split())
        if len(found) == count:
            break
        if key and key not in seen:
            seen.add(key)
            found.append((title, text))
    if len(found) < count:
        raise SystemExit(f"only {len(found)} distinct texts in {shared}/data, {count} wanted")
    return found


def _first_sentence(text: str) -> str:
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= 120 else line[:117].rsplit(" ", 1)[0] + "..."


def site_pages(texts: list[tuple[str, str]], origins: int, feeds: int, items: int) -> list[list[dict]]:
    """Per origin, its pages (Page fields as dicts): FEEDS outlets of ITEMS articles."""
    sites, numbered = [], iter(enumerate(texts))
    for origin in range(origins):
        pages = []
        for feed, _ in itertools.product(range(feeds), range(items)):
            index, (title, text) = next(numbered)
            published = FIRST_DATE + timedelta(minutes=index)
            slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:60] or "article"
            pages.append({"outlet": f"Loopback {origin:02d} Desk {feed:02d}",
                          "path": f"news/{published:%Y/%m/%d}/{index:05d}-{slug}", "title": title, "text": text,
                          "published": published.isoformat(), "author": None, "language": "en"})
        sites.append(pages)
    return sites


# -- the sites, in their own process -----------------------------------------------------------------------------

class Sites:
    """The NewsSites of a benchmark, served by a child process (`--serve SPEC`): their URLs, and their logs."""

    def __init__(self, spec: Path):
        self.process = subprocess.Popen([sys.executable, __file__, "--serve", str(spec)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        self.described = json.loads(self._read())

    def _read(self) -> str:
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("the sites' process ended early (see its error above)")
        return line

    def feeds(self) -> list[str]:
        return [url for site in self.described for url in site["feeds"]]

    def pages(self) -> list[str]:
        return [url for site in self.described for url in site["pages"]]

    def activity(self) -> list[dict]:
        """Each site's requests since the last call: {"origin", "requests": [(start, end, path)]}."""
        self.process.stdin.write("log\n")
        self.process.stdin.flush()
        return json.loads(self._read())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write("stop\n")
            self.process.stdin.flush()
            self.process.wait(timeout=30)


def serve(spec: str) -> None:
    """The child process: start the sites, say where they are, answer "log" until "stop"."""
    module = site_module()
    described = json.loads(Path(spec).read_text(encoding="utf-8"))
    sites = []
    for pages in described["sites"]:
        bound = 3 * (len(pages) + 2 * len({p["outlet"] for p in pages})) + 100  # every request twice, and more
        sites.append(module.NewsSite([module.Page(**page) for page in pages], max_requests=bound,
                                     lifetime=described["lifetime"]).start())
    print(json.dumps([{"origin": site.base_url, "feeds": site.feed_urls(), "pages": site.article_urls()}
                      for site in sites]), flush=True)
    taken = [0] * len(sites)
    for command in sys.stdin:
        if command.strip() != "log":
            break
        activity = []
        for number, site in enumerate(sites):
            entries, timings = list(site.log), list(site.timings)
            # timings are appended when an answer ends: match them to requests by start time
            starts = {start: end for start, end in timings}
            activity.append({"origin": site.base_url, "requests": [(t, starts.get(t), path)
                                                                   for t, _, path, _ in entries[taken[number]:]]})
            taken[number] = len(entries)
        print(json.dumps(activity), flush=True)
    for site in sites:
        site.stop()


def politeness(activity: list[dict]) -> dict:
    """What the sites saw: the smallest gap between two requests to one origin, the most in flight to one origin
    and over all of them, and how many requests."""
    gaps, per_origin, spans = [], 0, []
    for site in activity:
        times = sorted(start for start, _, _ in site["requests"])
        gaps += [b - a for a, b in itertools.pairwise(times)]
        own = [(start, end if end is not None else start) for start, end, _ in site["requests"]]
        per_origin = max(per_origin, most_in_flight(own))
        spans += own
    return {"requests": len(spans), "min_gap_seconds": min(gaps) if gaps else None,
            "max_in_flight_per_origin": per_origin, "max_in_flight": most_in_flight(spans),
            "first_request": min((start for start, _ in spans), default=None)}


def most_in_flight(spans: list[tuple[float, float]]) -> int:
    events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans], key=lambda e: (e[0], e[1]))
    most = current = 0
    for _, change in events:
        current += change
        most = max(most, current)
    return most


# -- the two runs --------------------------------------------------------------------------------------------

def run_baseline(config: dict) -> dict:
    """Every feed and page URL, once, with plain concurrent GETs: nothing parsed, nothing stored."""
    import httpx

    async def fetch_all(urls: list[str]) -> tuple[int, int, int, float]:
        limit = asyncio.Semaphore(config["concurrency"])
        counts = {"ok": 0, "failed": 0, "bytes": 0}
        async with httpx.AsyncClient(timeout=20, limits=httpx.Limits(max_connections=config["concurrency"])) as c:
            start = time.monotonic()  # the client is made (its TLS context loaded): from here on, fetching
            async def one(url: str) -> None:
                async with limit:
                    try:
                        answer = await c.get(url)
                        counts["ok" if answer.status_code == 200 else "failed"] += 1
                        counts["bytes"] += len(answer.content)
                    except httpx.HTTPError:
                        counts["failed"] += 1
            await asyncio.gather(*(one(url) for url in urls))
        return counts["ok"], counts["failed"], counts["bytes"], time.monotonic() - start

    urls = config["feeds"] + config["pages"]
    ok, failed, size, seconds = asyncio.run(fetch_all(urls))
    return {"requests": len(urls), "ok": ok, "failed": failed, "megabytes": size / 1e6, "pages": len(config["pages"]),
            "seconds": seconds, "pages_per_second": len(config["pages"]) / seconds, "peak_rss_mb": peak_rss_mb()}


def run_watch(config: dict) -> dict:
    """A fresh store, the feeds added, one poll_once: the lead's intake API (issue 13)."""
    from dataclasses import replace

    from newsprism import Settings, Store
    from newsprism.intake.watch import poll_once

    base = Settings()
    settings = replace(base, intake=replace(base.intake, host_delay=config["host_delay"],
                                            concurrency=config["concurrency"]))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "watch.db")
        store.add_feeds(config["feeds"])
        rss_before = peak_rss_mb()
        start = time.monotonic()
        report = poll_once(store, settings, progress=None)
        end = time.monotonic()
        counts = store.item_counts()
        store.close()
    found = asdict(report)
    found["failures"] = found.get("failures", [])[:10]
    return {"report": found, "items": counts, "start": start, "end": end,
            "seconds": end - start, "peak_rss_mb_before": rss_before, "peak_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, config: dict, in_process: bool) -> dict:
    """One run in a child process (or in this one, --quick)."""
    if in_process:
        return (run_baseline if kind == "baseline" else run_watch)(config)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(config, handle)
    try:
        done = subprocess.run([sys.executable, __file__, "--child", kind, handle.name], stdout=subprocess.PIPE,
                              text=True)
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        raise SystemExit(f"the {kind} run failed (exit {done.returncode}; its error is above)")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(kind: str, path: str) -> None:
    config = json.loads(Path(path).read_text(encoding="utf-8"))
    print(json.dumps((run_baseline if kind == "baseline" else run_watch)(config)))


def intake_here() -> bool:
    try:
        from newsprism.intake.watch import poll_once  # noqa: F401
    except ImportError:
        return False
    return True


# -- main ------------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--origins", type=int, default=50, help="sites, each on its own 127.0.0.1 port")
    parser.add_argument("--feeds", type=int, default=10, help="outlets (RSS feeds) per site")
    parser.add_argument("--items", type=int, default=20, help="articles per feed")
    parser.add_argument("--host-delay", type=float, default=0.05, help="intake.host_delay, seconds")
    parser.add_argument("--concurrency", type=int, default=16, help="intake.concurrency (and the baseline's)")
    parser.add_argument("--baseline-only", action="store_true", help="the sites and plain GETs, no intake")
    parser.add_argument("--quick", action="store_true", help="2 origins x 2 feeds x 5 items, in this process")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return 0
    if args.child:
        child(*args.child)
        return 0
    if args.quick:
        args.origins, args.feeds, args.items, args.host_delay = (QUICK[k] for k in
                                                                 ("origins", "feeds", "items", "host_delay"))
    shared = Path(args.shared)
    if not (shared / "data" / "ecbplus").is_dir():
        parser.error(f"{shared}/data: not found (the shared evaluation data; see --shared)")
    if not args.baseline_only and not intake_here():
        print("newsprism.intake.watch.poll_once is not here (issue 13's intake): nothing to measure but the "
              "baseline; run with --baseline-only", file=sys.stderr)
        return 2

    total = args.origins * args.feeds * args.items
    log(f"reading {total:,} distinct texts from {shared}/data ...")
    sites_pages = site_pages(real_texts(shared, total), args.origins, args.feeds, args.items)
    results = {"machine": machine(),
               "date": datetime.now(UTC).date().isoformat(), "quick": args.quick, "origins": args.origins,
               "feeds": args.origins * args.feeds, "items": total, "host_delay": args.host_delay,
               "concurrency": args.concurrency}
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "sites.json"
        spec.write_text(json.dumps({"sites": sites_pages, "lifetime": 7200}), encoding="utf-8")
        sites = Sites(spec)
        try:
            config = {"feeds": sites.feeds(), "pages": sites.pages(), "host_delay": args.host_delay,
                      "concurrency": args.concurrency}
            log(f"{len(sites.described)} sites on 127.0.0.1 ports "
                f"{min(urlsplit(s['origin']).port for s in sites.described)}-"
                f"{max(urlsplit(s['origin']).port for s in sites.described)}: "
                f"{len(config['feeds'])} feeds, {len(config['pages'])} pages; baseline ...")
            results["baseline"] = measure("baseline", config, args.quick)
            results["baseline"]["seen"] = politeness(sites.activity())
            if not args.baseline_only:
                log(f"watch: poll_once over {len(config['feeds'])} feeds (host_delay {args.host_delay} s) ...")
                watch = measure("watch", config, args.quick)
                seen = politeness(sites.activity())
                watch["seen"] = seen
                first = seen["first_request"] if seen["first_request"] is not None else watch["start"]
                watch["seconds_from_first_request"] = watch["end"] - first
                new = watch["report"].get("new_articles", 0)
                watch["articles_per_second"] = new / watch["seconds_from_first_request"]
                results["watch"] = watch
        finally:
            sites.close()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_results(results, args)
    return 0


def print_results(results: dict, args) -> None:
    quick = "; quick: every run in this process" if args.quick else ""
    print(f"machine: {results['machine']}; date: {results['date']}{quick}")
    print(f"{results['origins']} origins on 127.0.0.1, {results['feeds']} RSS feeds, {results['items']:,} article "
          f"pages; concurrency {results['concurrency']}, host_delay {results['host_delay']} s")
    watch = results.get("watch")
    if watch:
        report = watch["report"]
        print(f"watch: {watch['articles_per_second']:.1f} articles/s from first request to stored and clustered "
              f"({report.get('new_articles', 0):,} new articles in {watch['seconds_from_first_request']:.1f} s)")
        print(f"watch: peak RSS {watch['peak_rss_mb']:.0f} MB (after imports and the store: "
              f"{watch['peak_rss_mb_before']:.0f} MB)")
        seen = watch["seen"]
        gap = f"{seen['min_gap_seconds']:.3f} s" if seen["min_gap_seconds"] is not None else "-"
        print(f"watch: politeness seen by the sites: min gap per origin {gap} (host_delay {results['host_delay']} s), "
              f"max in flight per origin {seen['max_in_flight_per_origin']}, max in flight "
              f"{seen['max_in_flight']} (concurrency {results['concurrency']}), {seen['requests']:,} requests")
        print(f"watch: report: feeds polled {report.get('feeds_polled')}, not modified {report.get('not_modified')}, "
              f"failed {report.get('failed')}, new articles {report.get('new_articles')}, duplicates "
              f"{report.get('duplicates')}, new stories {report.get('new_stories')}; items by state {watch['items']}")
    base = results["baseline"]
    seen = base["seen"]
    print(f"baseline: {base['pages_per_second']:.1f} pages/s with plain concurrent GETs ({base['requests']:,} "
          f"requests, {base['ok']:,} ok, {base['failed']} failed, {base['megabytes']:.1f} MB in {base['seconds']:.1f} "
          f"s), nothing stored; peak RSS {base['peak_rss_mb']:.0f} MB; max in flight {seen['max_in_flight']}, "
          f"min gap per origin {seen['min_gap_seconds']:.4f} s")
    if watch:
        print(f"watch costs {watch['seconds_from_first_request'] / base['seconds']:.1f}x the baseline's time")


if __name__ == "__main__":
    sys.exit(main())
