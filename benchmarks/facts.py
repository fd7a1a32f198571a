"""Facts by meaning: does newsprism's sentence matching find sentences that report the same event?

    .venv/bin/python benchmarks/facts.py [--data ../shared/data/ecbplus] [--quick] [--json]

Gold: ECB+'s annotated sentences (ECBplus_coreference_sentences.csv). Two sentences from different
documents of the same ECB+ topic report the same event when they mention one cross-document event
chain; pairs across a topic's two subtopics (two different earthquakes, two different rehab stays)
are the hard negatives. This is event-level, coarser than "the same fact", so read the figures as
a comparison of similarity measures, not as the dossier's accuracy.

Measured in the same run on the same pairs:
- ranking quality (ROC AUC, average precision) of: TF-IDF cosine over words (scikit-learn, the
  baseline), newsprism's weighted-term cosine, the all-MiniLM-L6-v2 sentence cosine, and their mean
  (what ranks candidate sentences in `newsprism.compare.facts`);
- precision/recall/F1 of the yes/no rules: shared terms alone (the rule before sentence vectors),
  meaning alone, and the rule `newsprism.compare.facts` applies;
- sentence vectors per second (the cost of meaning, paid once per article at analysis time).

--quick: the sentences of ECB+ topics QUICK_TOPICS only (a few seconds; what tests/test_benchmarks.py runs).
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.cluster.features import text_features  # noqa: E402
from newsprism.compare import facts  # noqa: E402
from newsprism.config import DossierSettings  # noqa: E402
from newsprism.evaluate.datasets import ecbplus_event_sentences  # noqa: E402
from newsprism.understand import meaning  # noqa: E402

QUICK_TOPICS = ("3",)


def pairs(items: list[dict]) -> list[tuple[int, int]]:
    return [(i, j) for i, j in itertools.combinations(range(len(items)), 2)
            if items[i]["topic"] == items[j]["topic"] and items[i]["doc"] != items[j]["doc"]]


def scores(items: list[dict]) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import average_precision_score, roc_auc_score

    texts = [x["text"] for x in items]
    meaning.encode(["The model loads once per process."], "en")  # not part of the rate
    started = time.perf_counter()
    vectors = meaning.decode(meaning.encode(texts, "en"), len(texts))
    encode_seconds = time.perf_counter() - started
    terms = [text_features("", t, "en").terms for t in texts]
    tfidf = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    index = pairs(items)
    gold = np.array([bool(items[i]["events"] & items[j]["events"]) for i, j in index])
    words = np.array([sum(w * terms[j].get(t, 0.0) for t, w in terms[i].items()) for i, j in index])
    meant = np.array([float(vectors[i] @ vectors[j]) for i, j in index])
    baseline = np.array([float(tfidf[i].multiply(tfidf[j]).sum()) for i, j in index])
    rule = DossierSettings()
    combined = facts.combined(words, meant, rule)
    ranking = {name: {"roc_auc": round(roc_auc_score(gold, s), 3), "average_precision":
                      round(average_precision_score(gold, s), 3)}
               for name, s in (("tfidf words (baseline)", baseline), ("weighted terms", words),
                               ("meaning (MiniLM)", meant), ("terms + meaning", combined))}
    rules = {
        f"terms >= {rule.same_fact_by_words}": words >= rule.same_fact_by_words,
        f"meaning >= {rule.same_meaning}": meant >= rule.same_meaning,
        "newsprism (terms and related meaning, or same meaning)": facts.may_report_one_fact(words, meant, rule),
    }
    return {"sentences": len(items), "pairs": len(index), "same_event_pairs": int(gold.sum()),
            "ranking": ranking, "rules": {name: prf(rule, gold) for name, rule in rules.items()},
            "sentence_vectors_per_second": round(len(texts) / encode_seconds, 1)}


def prf(predicted: np.ndarray, gold: np.ndarray) -> dict:
    hits = int((predicted & gold).sum())
    precision = hits / max(int(predicted.sum()), 1)
    recall = hits / max(int(gold.sum()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "ecbplus"))
    parser.add_argument("--quick", action="store_true", help=f"ECB+ topics {', '.join(QUICK_TOPICS)} only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (Path(args.data) / "ECBplus_coreference_sentences.csv").exists():
        print(f"benchmarks/facts.py: no ECB+ at {args.data} (expected ../shared/data/ecbplus)", file=sys.stderr)
        return 2
    items = [x for x in ecbplus_event_sentences(args.data) if x["events"]]
    if args.quick:
        items = [x for x in items if x["topic"] in QUICK_TOPICS]
    result = scores(items)
    result.update(machine=f"{platform.machine()} {platform.processor() or ''}".strip(), date=str(date.today()))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    quick = f" (quick: topics {', '.join(QUICK_TOPICS)})" if args.quick else ""
    print(f"ECB+ annotated sentences{quick}: {result['sentences']}, cross-document pairs within a topic: "
          f"{result['pairs']} ({result['same_event_pairs']} report the same event)")
    print(f"{'ranking':58s} {'ROC AUC':>8s} {'AP':>6s}")
    for name, r in result["ranking"].items():
        print(f"  {name:56s} {r['roc_auc']:8.3f} {r['average_precision']:6.3f}")
    print(f"{'yes/no rule':58s} {'P':>6s} {'R':>6s} {'F1':>6s}")
    for name, r in result["rules"].items():
        print(f"  {name:56s} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f}")
    print(f"sentence vectors: {result['sentence_vectors_per_second']}/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
