"""Clustering metrics on cases worked out by hand."""

from __future__ import annotations

import pytest

from newsprism.evaluate.metrics import bcubed, pairwise

GOLD = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}


def test_perfect_clustering():
    assert bcubed(GOLD, GOLD)["f1"] == 1.0
    assert pairwise(GOLD, GOLD)["f1"] == 1.0


def test_everything_in_one_cluster():
    one = dict.fromkeys(GOLD, 0)
    # B-cubed precision: a,b,c see 3/5 correct, d,e see 2/5 -> (3*3/5 + 2*2/5) / 5 = 0.52
    assert bcubed(one, GOLD) == pytest.approx({"precision": 0.52, "recall": 1.0, "f1": 2 * 0.52 / 1.52})
    # Pairs: 10 predicted together, 4 of them (3 + 1) truly together.
    assert pairwise(one, GOLD)["precision"] == pytest.approx(0.4)
    assert pairwise(one, GOLD)["recall"] == 1.0


def test_all_singletons():
    alone = {k: k for k in GOLD}
    assert bcubed(alone, GOLD)["precision"] == 1.0
    assert bcubed(alone, GOLD)["recall"] == pytest.approx((3 * (1 / 3) + 2 * (1 / 2)) / 5)
    assert pairwise(alone, GOLD)["recall"] == 0.0


def test_labels_must_cover_the_same_items():
    with pytest.raises(ValueError):
        bcubed({"a": 1}, GOLD)
