"""How fast `newsprism serve` answers on a store of 100,000+ articles, beside a baseline in the same server.

    .venv/bin/python benchmarks/serve.py [--quick] [--clients 4] [--requests 200] [--rebuild] [--json]

The store (cached under build/bench-serve/, so reruns skip the build; --rebuild forces it):
- the 11,109 Google News headlines of ../shared/data/googlenews-mstream, 9 times over (99,981 articles): copy k is
  shifted k x 30 days, each headline gets one of 60 outlets by a checksum of (copy, id), and the gold clusters
  (`clusterNo`) of each copy are its stories (so 152 gold stories x 9, median 43 articles, the largest 430);
  within a story the headlines are spread over 48 hours;
- the 772 full ECB+ texts (../shared/data/ecbplus) twice (1,544 articles): gold subtopic per copy is a story;
- the measured story: ECB+ topic 1's 39 documents (celebrities entering rehab: its two subtopics) as one story of
  distinct reports from 39 outlets over 36 hours, plus 11 syndicated copies of some of them in other outlets
  (marked near-copies, as ingest marks them) = 50 articles, with analyses stored (computed once, cached).
Articles and stories are written with the store's own write methods (`add_article`, `save_story`), not through
`ingest`: the reader and clusterer have their own benchmarks (ingest.py, cluster.py), and ingest would rightly
refuse the repeated texts as duplicates. --quick: one headline copy (first 1,000 headlines), 100 ECB+ texts and an
8-article story (6 reports, 2 copies), for tests/test_benchmarks.py.

The server is the app of `newsprism serve` (`create_app`, without the background analysis worker, which would
otherwise start analysing the 100,000 headlines) under uvicorn in its own process on 127.0.0.1; one extra route,
`GET /baseline`, is added to that app object here only: a fixed 2-byte answer through the same middleware (the
security headers), the floor any page pays for HTTP, uvicorn and this client. The client is this process:
per page, first one request alone ("first ms": nothing is kept for that page yet - what a reader pays after an
article arrives, as the app keeps front-page listings and dossiers until the store changes), then `--clients`
threads, each with its own keep-alive httpx connection, sending `--requests` requests in all after a warm-up
of one request each; p50/p95 are over every request's latency, requests/s is the requests over the wall time
of that page's run. Last, articles arriving: 20 times (--quick 5) one new article joins the measured story,
written by this process, and the front page is asked once (its first request after that change). The server
runs on a copy of the cached store (`*-served.db`), so these arrivals are not kept.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import httpx  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
CACHE = ROOT / "build" / "bench-serve"
BUILD_VERSION = 1  # bump when the way the store is built changes: the cached store is rebuilt
OUTLETS = [f"{name} {kind}" for name in ("Northern", "Capital", "Harbour", "Valley", "Coastal", "Metro",
                                         "National", "Evening", "Morning", "Daily", "Weekly", "Union")
           for kind in ("Herald", "Times", "Post", "Courier", "Ledger")]  # 60 outlets
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
SEARCH = "police"
STORY_ID = "bench-story-50"


class Size(NamedTuple):  # not a dataclass: tests load this file as a module outside sys.modules
    headline_copies: int
    headlines: int | None  # first N headlines (None: all)
    ecb_copies: int
    ecb_texts: int | None
    story_reports: int  # distinct reports in the measured story
    story_copies: int  # syndicated copies in it


FULL = Size(headline_copies=9, headlines=None, ecb_copies=2, ecb_texts=None, story_reports=39, story_copies=11)
QUICK = Size(headline_copies=1, headlines=1000, ecb_copies=1, ecb_texts=100, story_reports=6, story_copies=2)


# --- the store ----------------------------------------------------------------------------------------------------

def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def outlet_for(*key) -> str:
    return OUTLETS[zlib.crc32(repr(key).encode()) % len(OUTLETS)]


def headline_records(limit: int | None) -> list[dict]:
    path = SHARED / "googlenews-mstream" / "News-T.jsonl"
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return records[:limit] if limit else records


def ecb_documents(limit: int | None) -> list[dict]:
    from newsprism.evaluate.datasets import ecbplus_documents

    return list(itertools.islice(ecbplus_documents(SHARED / "ecbplus"), limit))  # topic 1 comes first


class StoreWriter:
    """Writes articles and their stories straight into the store, in large transactions."""

    def __init__(self, store):
        self.store = store
        self.stories: dict[str, dict] = {}
        self.count = 0

    def add(self, article_id: str, story_id: str, text: str, title: str, outlet: str, published: str,
            duplicate_of: str | None = None, url: str | None = None) -> None:
        from newsprism.model import Article

        self.store.add_article(Article(id=article_id, text=text, title=title, outlet=outlet, published=published,
                                       language="en", url=url, content_hash=f"bench-{article_id}",
                                       story_id=story_id, duplicate_of=duplicate_of))
        story = self.stories.setdefault(story_id, {"title": title, "first": published, "last": published, "n": 0})
        story["first"], story["last"] = min(story["first"], published), max(story["last"], published)
        story["n"] += 1
        self.count += 1

    def save_stories(self) -> None:
        for number, (story_id, story) in enumerate(self.stories.items()):
            self.store.save_story(story_id, title=story["title"], title_score=1.0, first_time=story["first"],
                                  last_time=story["last"], size=story["n"], touched=number,
                                  state=json.dumps({"benchmark": True}), index_terms=[])


def build_store(path: Path, size: Size) -> dict:
    """The benchmark store at `path` (see the module docstring); returns what it holds."""
    from newsprism.store import Store

    headlines, documents = headline_records(size.headlines), ecb_documents(size.ecb_texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    with Store(partial) as store:
        writer = StoreWriter(store)
        for copy in range(size.headline_copies):
            with store.write():
                for record in headlines:
                    story = f"gn{copy}-{record['clusterNo']}"
                    hours = (zlib.crc32(f"{copy}/{record['Id']}".encode()) % 48)
                    published = iso(START + timedelta(days=30 * copy + record["clusterNo"] % 30, hours=hours))
                    text = record["textCleaned"]
                    writer.add(f"gn{copy}-{record['Id']}", story, text, text, outlet_for(copy, record["Id"]),
                               published)
        with store.write():
            for copy in range(size.ecb_copies):
                for number, doc in enumerate(documents):
                    published = iso(START + timedelta(days=15 + 30 * copy + int(doc["topic"]), hours=number % 36))
                    writer.add(f"ecb{copy}-{doc['id']}", f"ecb{copy}-{doc['story']}", doc["text"],
                               doc["text"].split("\n")[0][:120], outlet_for("ecb", copy, doc["id"]), published)
            add_measured_story(writer, documents, size)
            writer.save_stories()
    os.replace(partial, path)
    return {"articles": writer.count, "stories": len(writer.stories)}


def add_measured_story(writer: StoreWriter, documents: list[dict], size: Size) -> None:
    """ECB+ topic 1's reports, one outlet each, over 36 hours, and syndicated copies of the first ones."""
    reports = [d for d in documents if d["topic"] == "1"][:size.story_reports]
    last = START + timedelta(days=30 * FULL.headline_copies)  # the newest news in the store: top of the front page
    for number, doc in enumerate(reports):
        published = iso(last - timedelta(hours=36) + timedelta(minutes=55 * number))
        writer.add(f"story-{doc['id']}", STORY_ID, doc["text"], doc["text"].split("\n")[0][:120], OUTLETS[number],
                   published, url=f"https://example.org/{OUTLETS[number].replace(' ', '-').lower()}/{doc['id']}")
    for number in range(size.story_copies):
        doc = reports[number % len(reports)]
        published = iso(last - timedelta(hours=35) + timedelta(minutes=97 * number))
        writer.add(f"story-copy{number}-{doc['id']}", STORY_ID, doc["text"], doc["text"].split("\n")[0][:120],
                   OUTLETS[-1 - number], published, duplicate_of=f"story-{doc['id']}")


def analyse_story(path: Path) -> tuple[int, float]:
    """Store the analyses of the measured story's reports (skipped when stored); (articles, seconds)."""
    from newsprism.store import Store
    from newsprism.understand import analyses_for

    started = time.perf_counter()
    with Store(path) as store:
        story = store.get_story(STORY_ID)
        reports = [store.get_article(m.id) for m in story.articles if m.duplicate_of is None]
        analyses_for(store, reports)
    return len(reports), time.perf_counter() - started


def prepared_store(size: Size, rebuild: bool) -> tuple[Path, dict]:
    name = "quick" if size is QUICK else "full"
    path = CACHE / f"store-{name}-v{BUILD_VERSION}.db"
    facts_path = path.with_suffix(".json")
    if rebuild or not path.exists() or not facts_path.exists():
        started = time.perf_counter()
        facts = build_store(path, size)
        facts["build_seconds"] = round(time.perf_counter() - started, 1)
        facts_path.write_text(json.dumps(facts), encoding="utf-8")
    facts = json.loads(facts_path.read_text(encoding="utf-8"))
    analysed, seconds = analyse_story(path)
    facts.update(analysed=analysed, analyse_seconds=round(seconds, 1), megabytes=round(path.stat().st_size / 1e6))
    return path, facts


# --- the server ---------------------------------------------------------------------------------------------------

def serve(db: str, port: int) -> None:
    """In the server process: newsprism's app plus the baseline route, under uvicorn until killed."""
    import uvicorn
    from fastapi.responses import PlainTextResponse

    from newsprism.web import create_app

    app = create_app(db, analyse=False)

    @app.get("/baseline", include_in_schema=False)
    def baseline():
        return PlainTextResponse("ok")

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: Path, seconds: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, __file__, "--serve", str(db), str(port)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    server = subprocess.Popen(["timeout", str(seconds), *command], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            if httpx.get(url + "/baseline", timeout=2).status_code == 200:
                return server, url
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not answer within 120 s")


# --- the clients --------------------------------------------------------------------------------------------------

def measure(url: str, clients: int, requests: int) -> dict:
    """One GET of `url` alone (the first: nothing kept for it yet), then `requests` GETs from `clients`
    concurrent keep-alive clients: latencies, requests/s, bytes."""
    with httpx.Client(timeout=60) as http:
        started = time.perf_counter()
        http.get(url).raise_for_status()
        first = time.perf_counter() - started
    latencies: list[float] = []
    failures: list[str] = []
    sizes: list[int] = []
    lock = threading.Lock()
    shares = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]

    def client(share: int, go: threading.Barrier) -> None:
        with httpx.Client(timeout=60) as http:
            http.get(url)  # warm-up: the connection, and the page's first-request costs
            go.wait()
            for _ in range(share):
                started = time.perf_counter()
                response = http.get(url)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    sizes.append(len(response.content))
                    if response.status_code != 200:
                        failures.append(f"{response.status_code}")

    go = threading.Barrier(clients + 1)
    threads = [threading.Thread(target=client, args=(share, go)) for share in shares]
    for thread in threads:
        thread.start()
    go.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{url}: {len(failures)} requests failed (status {failures[0]})")
    ordered = sorted(latencies)
    return {"first_ms": round(first * 1000, 1), "requests": len(latencies), "rps": round(len(latencies) / wall, 1),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1),
            "bytes": round(statistics.mean(sizes))}


def pages(base: str, db: Path) -> list[tuple[str, str]]:
    """(name, URL) of each measured page, found without asking them (so the first request of each is cold);
    search is /search when the app has it, else the front page's box."""
    from newsprism.store import Store

    with Store(db, readonly=True) as store:
        members = store.get_story(STORY_ID).articles
    article = max((m for m in members if m.duplicate_of is None), key=lambda m: len(m.title or ""))
    with httpx.Client(timeout=60) as http:
        has_search = http.get(f"{base}/search?q=probe").status_code == 200
    search = f"/search?q={SEARCH}" if has_search else f"/?q={SEARCH}"
    return [("baseline (fixed 2 bytes)", "/baseline"), ("front page", "/"),
            (f"story ({len(members)} articles)", f"/stories/{STORY_ID}"), ("article", f"/articles/{article.id}"),
            (f"search {search}", search)]


def front_page_after_arrivals(base: str, db: Path, rounds: int) -> dict:
    """`rounds` times: one new article joins the measured story (written by this process, as a second
    writer would), then one GET of the front page, which then has nothing kept: what the first reader after
    each arrival pays while articles stream in."""
    from newsprism.model import Article
    from newsprism.store import Store

    latencies = []
    with Store(db) as store, httpx.Client(timeout=60) as http:
        http.get(f"{base}/").raise_for_status()
        newest = store.get_story(STORY_ID).last_published
        for number in range(rounds):
            published = iso(datetime.fromisoformat(newest).replace(tzinfo=timezone.utc)
                            + timedelta(minutes=number + 1))
            store.add_article(Article(id=f"arrival-{number}", text=f"Arrival {number}: a late report.",
                                      title=f"Arrival {number}", outlet=OUTLETS[number % len(OUTLETS)],
                                      published=published, language="en", content_hash=f"bench-arrival-{number}",
                                      story_id=STORY_ID))
            started = time.perf_counter()
            http.get(f"{base}/").raise_for_status()
            latencies.append(time.perf_counter() - started)
    ordered = sorted(latencies)
    return {"rounds": rounds, "median_ms": round(statistics.median(ordered) * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}


def run(size: Size, clients: int, requests: int, rebuild: bool) -> dict:
    db, facts = prepared_store(size, rebuild)
    served = db.with_name(f"{db.stem}-served.db")  # a copy: the arrivals measured are not kept in the cache
    for leftover in served.parent.glob(served.name + "*"):
        leftover.unlink()
    shutil.copyfile(db, served)
    server, base = start_server(served, seconds=1800)
    try:
        results = {name: {"path": path, **measure(base + path, clients, requests)}
                   for name, path in pages(base, served)}
        arrivals = front_page_after_arrivals(base, served, 5 if size is QUICK else 20)
    finally:
        server.terminate()
        server.wait(30)
    return {"store": str(db.relative_to(ROOT)), **facts, "clients": clients, "pages": results, "arrivals": arrivals,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def report(result: dict) -> None:
    print(f"serve: store {result['store']}: {result['articles']:,} articles, {result['stories']:,} stories, "
          f"{result['megabytes']} MB (built in {result.get('build_seconds', '?')} s); "
          f"measured story: {result['analysed']} reports analysed ({result['analyse_seconds']} s)")
    print(f"{result['clients']} concurrent clients on loopback; {result['machine']}; {result['date']}")
    print(f"{'page':<34} {'first ms':>8} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>8}")
    for name, row in result["pages"].items():
        print(f"{name:<34} {row['first_ms']:>8} {row['requests']:>8} {row['rps']:>8} {row['p50_ms']:>8} "
              f"{row['p95_ms']:>8} {row['bytes']:>8}")
    arrivals = result["arrivals"]
    print(f"front page, first request after each of {arrivals['rounds']} new articles: median "
          f"{arrivals['median_ms']} ms, max {arrivals['max_ms']} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small store and few requests (for tests)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--requests", type=int, help="requests per page (default 200; --quick 20)")
    parser.add_argument("--rebuild", action="store_true", help="build the store again even when cached")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--serve", nargs=2, metavar=("DB", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return 0
    size = QUICK if args.quick else FULL
    result = run(size, max(1, args.clients), args.requests or (20 if args.quick else 200), args.rebuild)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
