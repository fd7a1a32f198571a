"""Clustering metrics: B-cubed and pairwise precision, recall and F1.

Both take two mappings from item to cluster label (predicted, gold) over the
same items. Pairwise counts item pairs placed together; B-cubed averages, per
item, the share of its predicted cluster that shares its gold cluster
(precision) and the share of its gold cluster found in its predicted cluster
(recall) (Bagga & Baldwin 1998; Amigó et al. 2009).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping


def _prf(precision: float, recall: float) -> dict[str, float]:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _check(predicted: Mapping, gold: Mapping) -> None:
    if set(predicted) != set(gold):
        raise ValueError("predicted and gold must label the same items")


def bcubed(predicted: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> dict[str, float]:
    _check(predicted, gold)
    if not gold:
        return _prf(0.0, 0.0)
    both = Counter((predicted[i], gold[i]) for i in gold)
    pred_size = Counter(predicted.values())
    gold_size = Counter(gold.values())
    n = len(gold)
    precision = sum(count * count / pred_size[p] for (p, _), count in both.items()) / n
    recall = sum(count * count / gold_size[g] for (_, g), count in both.items()) / n
    return _prf(precision, recall)


def pairwise(predicted: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> dict[str, float]:
    _check(predicted, gold)

    def pairs(sizes) -> int:
        return sum(s * (s - 1) // 2 for s in sizes)

    together_both = pairs(Counter((predicted[i], gold[i]) for i in gold).values())
    together_pred = pairs(Counter(predicted.values()).values())
    together_gold = pairs(Counter(gold.values()).values())
    precision = together_both / together_pred if together_pred else 1.0
    recall = together_both / together_gold if together_gold else 1.0
    return _prf(precision, recall)
