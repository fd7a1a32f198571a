"""Long articles: analysis time against article length, which must grow about linearly.

    .venv/bin/python benchmarks/long_article.py [--shared ../shared] [--sizes 25,50,100,200] [--quick] [--json]

One English article of each size (in thousands of characters) is made by joining PolNeAR's dev
texts (../shared/data/polnear/data/dev/text, real news with quotations) in file order and cutting
at the size. Each is analysed once by `newsprism.understand.analyze` (spaCy's English pipeline,
quotations, numbers, dates and the sentence vectors), after both models are loaded, and then the
dossier of that one article is built (`newsprism.dossier`). Baseline, measured in the same run: the
spaCy parse alone (`nlp(text)`), which is linear in the length; the ratio analysis / parse should
stay about constant as the size doubles. (Before the fix of issue 10 the quotation step asked spaCy
for `doc.text` on every call: 49 s at 50 KB and 250 s at 100 KB on this machine.)

--quick: 10 and 20 thousand characters, for the test that keeps this script running.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def long_text(shared: Path, size: int) -> str:
    parts, total = [], 0
    for path in sorted((shared / "data" / "polnear" / "data" / "dev" / "text").glob("*.txt")):
        part = path.read_text(encoding="utf-8").strip()
        parts.append(part)
        total += len(part) + 2
        if total >= size:
            break
    return "\n\n".join(parts)[:size]


def measure(shared: Path, sizes: list[int]) -> dict:
    from newsprism import MemoryAnalyses, analyses_for, dossier
    from newsprism.model import Article
    from newsprism.understand import meaning
    from newsprism.understand.pipeline import pipeline_for

    nlp = pipeline_for("en").nlp
    meaning.encode(["warm up"], "en")
    rows = []
    for size in sizes:
        text = long_text(shared, size)
        article = Article(id=f"long-{size}", text=text, outlet="PolNeAR", language="en", published="2016-10-01")
        t0 = time.perf_counter()
        nlp(text)
        parse = time.perf_counter() - t0
        t0 = time.perf_counter()
        analyses = analyses_for(MemoryAnalyses(), [article])
        analysis = time.perf_counter() - t0
        t0 = time.perf_counter()
        found = dossier([article], analyses, story_id="long")
        build = time.perf_counter() - t0
        done = analyses[article.id]
        rows.append({"characters": len(text), "spacy_parse_s": round(parse, 2), "analysis_s": round(analysis, 2),
                     "analysis_per_parse": round(analysis / parse, 2), "dossier_s": round(build, 2),
                     "sentences": len(done.sentences), "quotations": len(done.quotes),
                     "numbers": len(done.quantities), "dates": len(done.times), "summary": len(found.summary)})
    return {"machine": platform.platform(), "python": platform.python_version(), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--sizes", default="25,50,100,200", help="thousands of characters, comma-separated")
    parser.add_argument("--quick", action="store_true", help="10 and 20 thousand characters")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not (args.shared / "data" / "polnear").is_dir():
        sys.exit(f"{args.shared / 'data' / 'polnear'} is not here")
    sizes = [10_000, 20_000] if args.quick else [int(s) * 1000 for s in args.sizes.split(",")]
    result = measure(args.shared, sizes)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{'chars':>8} {'parse s':>8} {'analysis s':>10} {'ratio':>6} {'dossier s':>9} {'sentences':>9} "
          f"{'quotes':>6} {'numbers':>7} {'dates':>5}")
    for row in result["rows"]:
        print(f"{row['characters']:>8} {row['spacy_parse_s']:>8} {row['analysis_s']:>10} "
              f"{row['analysis_per_parse']:>6} {row['dossier_s']:>9} {row['sentences']:>9} {row['quotations']:>6} "
              f"{row['numbers']:>7} {row['dates']:>5}")


if __name__ == "__main__":
    main()
