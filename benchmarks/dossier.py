"""Dossier speed: per-article analysis, and building a story's dossier once its articles are analysed.

    .venv/bin/python benchmarks/dossier.py [--shared ../shared] [--repeat 3] [--articles 60] [--sizes 2,10,50]
                                           [--quick] [--json]

About 2 minutes on 2 cores (most of it the analysis rounds). --quick: the first QUICK_DOCUMENTS ECB+ documents,
QUICK_ARTICLES articles for the analysis rate, stories of QUICK_SIZES articles, one round (a few seconds once the
models are loaded; what tests/test_benchmarks.py runs).

Data: the ECB+ documents of `../shared/data/ecbplus` (text rebuilt from the tokens, sentence 0 of
the `ecbplus` files left out), written once as JSON Lines and ingested into a scratch store by
`newsprism.ingest` (the code path of `newsprism ingest`), so the articles are stored exactly as a
user's would be. ECB+ names no outlets: every article is its own outlet in the dossier.

1. Analysis: `newsprism.understand.analyze(article)` on `--articles` stored articles spread evenly
   over the corpus (every k-th in file order, near-copies left out). Baselines, in the same run on
   the same texts: plain spaCy `nlp(text)` with the same pipeline object (`en_core_web_sm`), the
   parse the analysis sits on; and that parse plus the sentence vectors of its sentences
   (`newsprism.understand.meaning.encode`, all-MiniLM-L6-v2), the two models alone. Each article
   goes through every step back to back, the order rotating, so machine noise hits all alike.
   `nlp.pipe(texts)` over the same texts is shown too (measured last: its batches raise peak
   memory by about 0.5 GB). Fastest of `--repeat` rounds. Sentences per second count newsprism's
   sentences for `analyze`, spaCy's `doc.sents` otherwise.
2. Dossier: `newsprism.dossier(members, analyses_for(store, originals), story_id=...)` for stories
   of `--sizes` articles. The story of N articles is the first N documents of ECB+ ordered by
   topic (largest first), then subtopic (largest first), then file order: 2 and 10 are articles of
   one event, 50 is all of topic 1 (both its events) and the first 11 of topic 13's larger event.
   Warm: `analyses_for(store, articles)` once first, then the build timed `--repeat` times (median
   and fastest shown). Cold: the build on a fresh copy of the store holding no analyses, so it
   analyses (and stores) every member first (median of `--repeat`, each on its own copy). The
   models are loaded before any timing; their load time is shown on its own.

Target: a 10-article dossier in under 1 second once its articles are analysed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import log, machine, today  # noqa: E402

TARGET_SIZE, TARGET_SECONDS = 10, 1.0
QUICK_DOCUMENTS, QUICK_ARTICLES, QUICK_SIZES = 30, 2, [2]


# --- the corpus, stored once --------------------------------------------------------------------


def load_corpus(folder: Path, scratch: Path, limit: int | None = None):
    """ECB+ (its first `limit` documents) ingested into a scratch store; returns (db path, records, article id of
    each record, ingest report)."""
    from newsprism import ingest, open_store
    from newsprism.evaluate.datasets import ecbplus_documents

    records = list(itertools.islice(ecbplus_documents(folder), limit))
    source = scratch / "ecbplus.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps({"id": record["id"], "text": record["text"]}, ensure_ascii=False) + "\n")
    db = scratch / "base.db"
    with open_store(db) as store:
        report = ingest(store, [str(source)])
    article_of = {int(src.rsplit(":", 1)[1]) - 1: aid
                  for src, aid in zip(report.sources, report.article_ids, strict=True)}
    return db, records, [article_of.get(i) for i in range(len(records))], report


def copy_store(db: Path, target: Path) -> Path:
    """A fresh copy of the store (SQLite's backup API, WAL included)."""
    source, copy = sqlite3.connect(db), sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close()
    copy.close()
    return target


def story_members(records: list[dict], article_ids: list[str | None], size: int) -> tuple[list[str], dict]:
    """The first `size` distinct articles in (topic size, subtopic size, file) order; what they are."""
    topics = Counter(r["topic"] for r in records)
    subtopics = Counter(r["story"] for r in records)

    def key(i: int) -> tuple:
        r = records[i]
        topic = int(r["topic"]) if r["topic"].isdigit() else 0
        return (-topics[r["topic"]], topic, -subtopics[r["story"]], r["story"], i)

    chosen, used = [], Counter()
    for i in sorted(range(len(records)), key=key):
        if article_ids[i] is None or article_ids[i] in chosen:
            continue
        chosen.append(article_ids[i])
        used[records[i]["story"]] += 1
        if len(chosen) == size:
            break
    if len(chosen) < size:
        raise SystemExit(f"dossier.py: only {len(chosen)} distinct ECB+ articles, cannot make a story of {size}")
    parts = ", ".join(f"{story} {n}/{subtopics[story]}" for story, n in used.items())
    return chosen, {"subtopics": dict(used), "description": parts}


# --- 1. per-article analysis ----------------------------------------------------------------------


def bench_analysis(store, article_ids: list[str], count: int, rounds: int, warmup: int = 3) -> dict:
    from newsprism.understand import analyze
    from newsprism.understand.pipeline import pipeline_for

    started = time.perf_counter()
    pipeline = pipeline_for("en")
    load_seconds = time.perf_counter() - started
    articles = [a for a in (store.get_article(i) for i in dict.fromkeys(article_ids)) if a and a.duplicate_of is None]
    step = max(1, len(articles) // count)
    sample = articles[::step][:count]
    nlp = pipeline.nlp
    started = time.perf_counter()
    analyze(sample[0])  # loads whatever else the analysis needs (the sentence-vector model)
    first_seconds = time.perf_counter() - started

    def parse(article) -> int:
        return sum(1 for _ in nlp(article.text).sents)

    def analysis(article) -> int:
        return len(analyze(article).sentences)

    steps = {"spacy nlp(text)": parse}
    try:  # the sentence vectors the analysis stores: the second model it runs, where there is one
        from newsprism.understand import meaning

        def parse_and_encode(article) -> int:
            sentences = [sent.text for sent in nlp(article.text).sents]
            meaning.encode(sentences, "en")
            return len(sentences)

        steps["spacy + sentence vectors"] = parse_and_encode
    except ImportError:
        pass
    steps["newsprism analyze"] = analysis
    for article in sample[:warmup]:  # warm-up: first calls allocate
        for run in steps.values():
            run(article)
    names = list(steps)
    best = dict.fromkeys(names)
    for round_ in range(rounds):
        seconds, sentences = dict.fromkeys(names, 0.0), dict.fromkeys(names, 0)
        for n, article in enumerate(sample):
            # every step on the same article back to back, the order rotating, so that noise hits all alike
            for name in names[n % len(names):] + names[:n % len(names)]:
                t0 = time.perf_counter()
                sentences[name] += steps[name](article)
                seconds[name] += time.perf_counter() - t0
        for name, value in seconds.items():
            runs = (best[name] or {}).get("runs", []) + [value]
            if best[name] is None or value < best[name]["seconds"]:
                best[name] = {"seconds": value, "sentences": sentences[name]}
            best[name]["runs"] = runs
        log(f"  analysis round {round_ + 1}/{rounds}: " +
            ", ".join(f"{name} {value:.2f} s" for name, value in seconds.items()))
    return {"model": pipeline.name, "model_load_seconds": load_seconds, "first_analyze_seconds": first_seconds,
            "articles": len(sample), "characters": sum(len(a.text) for a in sample), "every": step,
            "rounds": rounds, "rows": best, "texts": [a.text for a in sample]}


def bench_pipe(analysis: dict, rounds: int) -> None:
    """spaCy's batched nlp.pipe over the same texts; run last, as its batches raise peak memory a lot."""
    from newsprism.understand.pipeline import pipeline_for

    nlp, texts = pipeline_for("en").nlp, analysis.pop("texts")
    best, runs = None, []
    for round_ in range(rounds):
        t0 = time.perf_counter()
        docs = list(nlp.pipe(texts))
        seconds = time.perf_counter() - t0
        runs.append(seconds)
        if best is None or seconds < best["seconds"]:
            best = {"seconds": seconds, "sentences": sum(1 for d in docs for _ in d.sents)}
        del docs
        log(f"  nlp.pipe round {round_ + 1}/{rounds}: {seconds:.2f} s")
    analysis["rows"]["spacy nlp.pipe"] = {**best, "runs": runs}
    base = analysis["rows"]["spacy nlp(text)"]["seconds"]
    for row in analysis["rows"].values():
        row["articles"] = len(texts)
        row["articles_per_second"] = len(texts) / row["seconds"]
        row["sentences_per_second"] = row["sentences"] / row["seconds"]
        row["ms_per_article"] = 1000 * row["seconds"] / len(texts)
        row["ratio_to_baseline"] = row["seconds"] / base


# --- 2. dossier builds ----------------------------------------------------------------------------


def bench_dossier(db: Path, scratch: Path, records, article_ids, sizes: list[int], repeat: int) -> list[dict]:
    from newsprism import analyses_for, dossier, open_store

    rows = []
    for size in sizes:
        ids, what = story_members(records, article_ids, size)
        cold = []
        for run in range(repeat):
            copy = copy_store(db, scratch / f"cold-{size}-{run}.db")
            with open_store(copy) as store:
                members = [store.get_article(i) for i in ids]
                t0 = time.perf_counter()
                analysed = [a for a in members if a.duplicate_of is None] or members
                dossier(members, analyses_for(store, analysed), story_id=f"ecbplus-{size}")
                cold.append(time.perf_counter() - t0)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
        with open_store(db) as store:
            members = [store.get_article(i) for i in ids]
            analysed = [a for a in members if a.duplicate_of is None] or members
            analyses = analyses_for(store, analysed)  # the analysis, cached in the store once
            warm = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                result = dossier(members, analyses_for(store, analysed), story_id=f"ecbplus-{size}")
                warm.append(time.perf_counter() - t0)
        row = {
            "articles": size, "analysed": len(analysed), "near_copies": size - len(analysed),
            "sentences": sum(len(analyses[a.id].sentences) for a in analysed),
            "characters": sum(len(a.text) for a in analysed), "story": what["description"],
            "warm_median": statistics.median(warm), "warm_fastest": min(warm), "warm_runs": warm,
            "cold_median": statistics.median(cold), "cold_fastest": min(cold), "cold_runs": cold,
            "dossier": {"facts_core": len(result.coverage.core), "entities": len(result.entities),
                        "quotes": len(result.quotes), "numbers": len(result.numbers),
                        "timeline": len(result.timeline), "summary": len(result.summary)},
        }
        rows.append(row)
        log(f"  dossier of {size}: warm median {row['warm_median']:.3f} s, cold median {row['cold_median']:.2f} s")
    return rows


# --- the report -----------------------------------------------------------------------------------


def benchmark(args: argparse.Namespace, folder: Path) -> dict:
    import spacy

    from newsprism import open_store

    results = {"machine": f"{machine()}, spaCy {spacy.__version__}",
               "date": today(), "command": ("benchmarks/dossier.py " + " ".join(sys.argv[1:])).strip(),
               "repeat": args.repeat, "quick": args.quick}
    with tempfile.TemporaryDirectory(prefix="newsprism-bench-") as tmp:
        scratch = Path(tmp)
        log("ingesting ECB+ into a scratch store")
        db, records, article_ids, report = load_corpus(folder, scratch, QUICK_DOCUMENTS if args.quick else None)
        results["corpus"] = {"documents": len(records), "stored": report.new, "near_copies": report.linked,
                             "exact_duplicates": report.duplicate}
        log("analysis rate")
        with open_store(copy_store(db, scratch / "analysis.db")) as store:
            results["analysis"] = bench_analysis(store, [i for i in article_ids if i], args.articles, args.repeat,
                                                 warmup=1 if args.quick else 3)
        log("dossier builds")
        results["dossier"] = bench_dossier(db, scratch, records, article_ids, args.sizes, args.repeat)
        results["peak_rss_mb_before_pipe"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        log("spaCy nlp.pipe baseline")
        bench_pipe(results["analysis"], args.repeat)
    target = next((r for r in results["dossier"] if r["articles"] == TARGET_SIZE), None)
    results["target"] = {"articles": TARGET_SIZE, "seconds": TARGET_SECONDS,
                         "measured": target["warm_median"] if target else None,
                         "met": target["warm_median"] < TARGET_SECONDS if target else None}
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def print_report(results: dict) -> None:
    corpus = results["corpus"]
    quick = f"; quick: first {QUICK_DOCUMENTS} documents" if results["quick"] else ""
    print(f"machine: {results['machine']}; date: {results['date']}{quick}")
    print(f"ECB+: {corpus['documents']} documents -> {corpus['stored']} stored articles "
          f"({corpus['near_copies']} linked as near-copies; exact duplicates: {corpus['exact_duplicates']})")
    a = results["analysis"]
    print(f"\n1. Per-article analysis: {a['articles']} articles (one in {a['every']} stored articles, "
          f"{a['characters'] / a['articles']:,.0f} characters on average), fastest of {a['rounds']} rounds; "
          f"spaCy model {a['model']} loaded once in {a['model_load_seconds']:.2f} s, the first analyze() "
          f"(loading the rest) took {a['first_analyze_seconds']:.2f} s")
    print(f"{'step':<22} {'seconds':>8} {'ms/article':>10} {'articles/s':>10} {'sentences':>9} "
          f"{'sentences/s':>11} {'x baseline':>10}  all rounds s")
    labels = {"spacy nlp(text)": "baseline: nlp(text)", "spacy + sentence vectors": "nlp + sentence vectors",
              "newsprism analyze": "newsprism analyze", "spacy nlp.pipe": "spacy nlp.pipe(texts)"}
    for name, row in a["rows"].items():
        print(f"{labels[name]:<22} {row['seconds']:>8.2f} {row['ms_per_article']:>10.1f} "
              f"{row['articles_per_second']:>10.1f} {row['sentences']:>9} {row['sentences_per_second']:>11.0f} "
              f"{row['ratio_to_baseline']:>10.2f}  {' '.join(f'{r:.2f}' for r in row['runs'])}")
    print(f"\n2. Dossier build (newsprism.dossier), {results['repeat']} runs each; warm = analyses already in the "
          f"store, cold = a store without them (analysis included)")
    print(f"{'articles':>8} {'analysed':>8} {'sentences':>9} {'warm median s':>13} {'warm fastest s':>14} "
          f"{'cold median s':>13}  story (ECB+ subtopic: taken/size)")
    for row in results["dossier"]:
        print(f"{row['articles']:>8} {row['analysed']:>8} {row['sentences']:>9} {row['warm_median']:>13.3f} "
              f"{row['warm_fastest']:>14.3f} {row['cold_median']:>13.2f}  {row['story']}")
    for row in results["dossier"]:
        d = row["dossier"]
        print(f"  {row['articles']}-article dossier holds {d['entities']} entities, {d['quotes']} quotes, "
              f"{d['numbers']} numbers, {d['timeline']} timeline events, {d['facts_core']} core facts, "
              f"{d['summary']} summary sentences")
    t = results["target"]
    if t["measured"] is not None:
        verdict = "met" if t["met"] else "NOT met"
        print(f"\ntarget: a {t['articles']}-article dossier in under {t['seconds']:g} s once analysed: "
              f"{t['measured']:.3f} s, {verdict}")
    print(f"peak RSS: {results['peak_rss_mb_before_pipe']:.0f} MB through the analysis and the dossiers "
          f"(model and ingested corpus included); {results['peak_rss_mb']:.0f} MB after the nlp.pipe row")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--repeat", type=int, default=3,
                        help="analysis rounds (fastest kept) and dossier builds per size (median); default 3")
    parser.add_argument("--articles", type=int, default=60, help="articles for the analysis rate (default 60)")
    parser.add_argument("--sizes", default="2,10,50", help="story sizes in articles (default 2,10,50)")
    parser.add_argument("--quick", action="store_true",
                        help=f"the first {QUICK_DOCUMENTS} documents, {QUICK_ARTICLES} articles, sizes "
                             f"{','.join(map(str, QUICK_SIZES))}, one round")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: not a comma-separated list of numbers: {args.sizes!r}")
    if args.quick:
        args.repeat, args.articles, args.sizes = 1, QUICK_ARTICLES, QUICK_SIZES
    if args.repeat < 1 or args.articles < 1 or not args.sizes or min(args.sizes) < 1:
        parser.error("--repeat, --articles and every size must be at least 1")
    folder = Path(args.shared) / "data" / "ecbplus"
    if not (folder / "ECB+").is_dir():
        parser.error(f"{folder}: not found (the ECB+ corpus; see --shared)")
    started = time.perf_counter()
    results = benchmark(args, folder)
    results["wall_seconds"] = time.perf_counter() - started
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_report(results)
        print(f"wall time: {results['wall_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
