"""Direct quotations and speakers on PolNeAR: newsprism's extractor against textacy's.

    .venv/bin/python benchmarks/quotes.py [--data ../shared/data/polnear/data] [--split dev] [--quick] [--json]

--quick: the first QUICK_ARTICLES articles of the split only (a few seconds; what tests/test_benchmarks.py runs).
textacy comes with the `bench` extra (pip install -e '.[bench]'); without it its rows are skipped, and say so.

Every article of the split is parsed once with newsprism's English pipeline
(en_core_web_sm); the same spaCy Doc goes to
- newsprism: `newsprism.understand.quotes.extract_quotes`;
- textacy as designed: `textacy.extract.triples.direct_quotations(doc)` (0.13.0). It gives up on
  a whole article (ValueError) when the article holds an odd number of quotation-mark tokens
  (an apostrophe token such as the one in "Sanders’ campaign" is enough); such an article counts
  as no quotations found;
- textacy per paragraph: the same function on each paragraph as its own Doc
  (`Span.as_doc()`, parse kept), so one stray mark costs one paragraph, not the article: a
  kinder baseline than the library's own behaviour.
textacy's content includes the quotation marks; they are dropped before scoring. Its speaker is
the subject tokens at the cue, used both as the name and as the mention.

All three go through the same reader and scorer (newsprism.evaluate.quotes; the README's
`newsprism eval quotes` section says how a match is counted). Speed: seconds per article of the
spaCy parse (shared), and of each extractor on the parsed Doc.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.evaluate.quotes import Counts, Predicted, read_polnear  # noqa: E402
from newsprism.spans import strip_span  # noqa: E402
from newsprism.understand.pipeline import pipeline_for  # noqa: E402
from newsprism.understand.quotes import extract_quotes  # noqa: E402

QUICK_ARTICLES = 4


def newsprism_quotes(doc) -> list[Predicted]:
    return [Predicted(q.start, q.end, q.speaker, q.speaker_text, q.speaker_start, q.speaker_end)
            for q in extract_quotes(doc)]


def textacy_quotes(doc, offset: int = 0) -> list[Predicted]:
    from textacy.extract.triples import direct_quotations

    found = []
    try:
        triples = list(direct_quotations(doc))
    except ValueError:  # an odd number of quotation marks: textacy bails out on the whole doc
        return []
    for speaker, _cue, content in triples:
        start = content[1].idx if content[0].is_quote and len(content) > 1 else content.start_char
        end = content[-2].idx + len(content[-2].text) if content[-1].is_quote and len(content) > 1 else content.end_char
        start, end = strip_span(doc.text, start, end)
        name = " ".join(t.text for t in speaker)
        found.append(Predicted(offset + start, offset + end, name, name, offset + speaker[0].idx,
                               offset + speaker[-1].idx + len(speaker[-1].text)))
    return found


def textacy_per_paragraph(doc) -> list[Predicted]:
    found, offset = [], 0
    for paragraph in doc.text.split("\n"):
        span = doc.char_span(offset, offset + len(paragraph), alignment_mode="expand") if paragraph.strip() else None
        if span is not None and len(span):
            found.extend(textacy_quotes(span.as_doc(), span.start_char))
        offset += len(paragraph) + 1
    return found


SYSTEMS = {"newsprism": newsprism_quotes, "textacy": textacy_quotes, "textacy per paragraph": textacy_per_paragraph}


def available_systems() -> tuple[dict, dict[str, str]]:
    """The systems that can run here, and why the others cannot."""
    try:
        import textacy  # noqa: F401
    except ImportError:
        reason = "textacy is not installed (it comes with the bench extra: pip install -e '.[bench]')"
        return {"newsprism": newsprism_quotes}, {name: reason for name in SYSTEMS if name != "newsprism"}
    return dict(SYSTEMS), {}


def run(data: Path, split: str, limit: int | None = None) -> dict:
    corpus = read_polnear(data, split)
    articles = corpus.articles[:limit]
    systems, skipped_systems = available_systems()
    nlp = pipeline_for("en").nlp
    counts = {name: Counts() for name in systems}
    seconds = dict.fromkeys(["parse", *systems], 0.0)
    for article in articles:
        started = time.perf_counter()
        doc = nlp(article.text)
        seconds["parse"] += time.perf_counter() - started
        for name, system in systems.items():
            started = time.perf_counter()
            predicted = system(doc)
            seconds[name] += time.perf_counter() - started
            counts[name].add(predicted, article.quotes)
    n = len(articles)
    import spacy

    versions = {"spacy": spacy.__version__, "textacy": None}
    if "textacy" in systems:
        import textacy

        versions["textacy"] = textacy.__version__
    return {
        "date": date.today().isoformat(), "machine": _machine(), "split": split, "articles": n,
        "skipped": [problem.to_dict() for problem in corpus.problems], "versions": versions,
        "systems": {name: c.scores() for name, c in counts.items()}, "skipped_systems": skipped_systems,
        "seconds_per_article": {name: round(s / n, 5) if n else 0.0 for name, s in seconds.items()},
    }


def _machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def show(result: dict) -> None:
    print(f"PolNeAR {result['split']}: {result['articles']} articles; {result['date']}, {result['machine']}, "
          f"spaCy {result['versions']['spacy']}, textacy {result['versions']['textacy'] or '(not installed)'}")
    for problem in result["skipped"]:
        print(f"skipped: {problem['source_path']}: {problem['reason']}")
    print()
    print("| system | content P | content R | content F1 | speaker P | speaker R | speaker F1 | found | gold |"
          " s/article |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, scores in result["systems"].items():
        c, s, n = scores["content"], scores["speaker"], scores["counts"]
        print(f"| {name} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {s['precision']:.3f} | "
              f"{s['recall']:.3f} | {s['f1']:.3f} | {n['predicted']} | {n['gold']} | "
              f"{result['seconds_per_article'][name]:.4f} |")
    for name, reason in result["skipped_systems"].items():
        print(f"| {name} | skipped: {reason} |")
    print(f"\nspaCy parse (shared by every system): {result['seconds_per_article']['parse']:.4f} s/article")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear" / "data")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--quick", action="store_true", help=f"the first {QUICK_ARTICLES} articles only")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if not (args.data / args.split).is_dir():
        parser.error(f"{args.data / args.split}: not found (PolNeAR's data folder; see --data)")
    result = run(args.data, args.split, QUICK_ARTICLES if args.quick else None)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        show(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
