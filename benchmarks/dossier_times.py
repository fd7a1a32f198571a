"""Every gold time of the dossier gold, with what newsprism found, the date it resolved and whether the timeline
shows it: the list behind the `dates` figure of `newsprism eval dossier` (counted by the same code,
newsprism.evaluate.dossier.time_outcomes).

    .venv/bin/python benchmarks/dossier_times.py [--data ../shared/data/dossier-gold] [--quick] [--all]

Prints one line per gold time that is not right (all of them with --all): story, article, outcome (wrong,
not shown, not found, unlocated), the gold span and date, newsprism's expression, rule and date; then the
totals. About 1.5 minutes on 2 cores (each story's dossier is built); --quick: the first story only.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "dossier-gold"


def main(argv: list[str] | None = None) -> int:
    from newsprism.evaluate import dossier as ev

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--quick", action="store_true", help="the first story only")
    parser.add_argument("--all", action="store_true", help="list the right ones too")
    args = parser.parse_args(argv)
    gold_set = ev.read_gold(args.data)
    totals: Counter[str] = Counter()
    for story in gold_set.stories[:1] if args.quick else gold_set.stories:
        built = ev.build(story)
        texts = {aid: a.text for aid, a in built.articles.items() if aid in built.dossier.texts}
        locator = ev.Locator(texts, built.article_of)
        gold = ev.locate(story.gold, locator)
        gold_id = {ours: theirs for theirs, ours in built.article_of.items()}
        seen = Counter()
        outcomes = ev.time_outcomes(built.dossier, gold, built.analyses, built.articles)
        for (span, date), (_, outcome, mention, when) in zip(gold.times, outcomes, strict=True):
            seen[outcome] += 1
            if outcome != "right" or args.all:
                words = texts[span.article][span.start:span.end]
                found = f"{mention.text!r} {mention.rule} -> {when}" if mention else "-"
                print(f"{story.name} {gold_id.get(span.article)} {outcome:9} {words[:40]!r:44} gold {date:10} {found}")
        seen["unlocated"] = len(story.gold["times"]) - sum(seen.values())
        totals.update(seen)
    matched = totals["right"] + totals["wrong"]
    print(f"gold times {sum(totals.values())}: right {totals['right']}, wrong {totals['wrong']}, "
          f"not shown {totals['not shown']}, not found {totals['not found']}, unlocated {totals['unlocated']}; "
          f"accuracy {totals['right'] / matched if matched else 0.0:.4f} of {matched} matched")
    return 0


if __name__ == "__main__":
    sys.exit(main())
