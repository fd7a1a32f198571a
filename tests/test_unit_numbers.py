"""Number compatibility across outlets (newsprism.compare.numbers) on hand-made quantities.

The verdicts the module promises: `single` when one outlet reports a number, `agree` when one value
could be true for every report (exact values, ranges, "at least", approximations), `conflict` otherwise.
"""

from __future__ import annotations

import pytest

from newsprism.compare.numbers import compare_numbers, compatible
from newsprism.model import Analysis, Article, Quantity


def q(text: str, value: float, what: str | None = "dead", **kw) -> Quantity:
    return Quantity(text=text, start=0, end=len(text), value=value, what=what, **kw)


def compare(*reports: tuple[str, list[Quantity]]) -> list[dict]:
    """One article per (outlet, quantities); article ids a1, a2, ...; the groups as their JSON."""
    articles = [Article(id=f"a{n}", text="", outlet=outlet) for n, (outlet, _) in enumerate(reports, 1)]
    analyses = {a.id: Analysis(article_id=a.id, language="en", version=0, quantities=found)
                for a, (_, found) in zip(articles, reports, strict=True)}
    return [group.to_dict() for group in compare_numbers(articles, analyses)]


def verdict(*reports: tuple[str, list[Quantity]]) -> str:
    [entry] = compare(*reports)
    return entry["verdict"]


def test_the_same_number_from_two_outlets_agrees():
    [entry] = compare(("Guardian", [q("40,000", 40000, "troop")]), ("National", [q("40,000", 40000, "troop")]))
    assert (entry["what"], entry["unit"], entry["verdict"]) == ("troop", None, "agree")
    assert [r["value"] for r in entry["reports"]] == [40000, 40000]
    assert [r["cite"]["article_id"] for r in entry["reports"]] == ["a1", "a2"]


def test_different_exact_numbers_conflict():
    assert verdict(("A", [q("12", 12)]), ("B", [q("13", 13)])) == "conflict"


def test_one_outlet_is_single_even_across_its_articles():
    assert verdict(("A", [q("12", 12)])) == "single"
    assert verdict(("A", [q("12", 12)]), ("A", [q("13", 13)])) == "single"


@pytest.mark.parametrize("hedged, exact, expected", [
    (q("at least 12", 12, low=12), 14, "agree"),  # 14 is at least 12
    (q("at least 12", 12, low=12), 12, "agree"),
    (q("at least 12", 12, low=12), 10, "update"),  # a floor above the other figure: the count grew
    (q("fewer than 20", 20, high=20), 13, "agree"),
    (q("fewer than 20", 20, high=20), 25, "conflict"),
    (q("tens of thousands", 55000, low=20000, high=90000), 40000, "agree"),  # a range holds any value inside it
    (q("20,000 to 30,000", 25000, low=20000, high=30000), 35000, "conflict"),
    (q("about 400", 400, approximate=True), 415, "agree"),  # "about" leaves 5% either way (approximate_margin)
    (q("about 400", 400, approximate=True), 430, "conflict"),
])
def test_hedged_numbers_agree_with_every_value_they_allow(hedged, exact, expected):
    assert verdict(("A", [hedged]), ("B", [q(str(exact), exact)])) == expected


def test_two_hedges_agree_when_they_overlap():
    assert verdict(("A", [q("at least 12", 12, low=12)]), ("B", [q("at least 14", 14, low=14)])) == "agree"
    assert verdict(("A", [q("at least 20", 20, low=20)]), ("B", [q("at most 15", 15, high=15)])) == "conflict"
    # twice apart and incompatible: not one value, and (see below) not one thing either
    assert not compatible([q("at least 20", 20, low=20), q("at most 10", 10, high=10)])
    assert not compatible([q("tens of thousands", 55000, low=20000, high=90000), q("100000", 100000)])
    # every report must allow the one value: 12 and 14 each fit "at least 12", not each other
    assert verdict(("A", [q("at least 12", 12, low=12)]), ("B", [q("12", 12)]), ("C", [q("14", 14)])) == "conflict"


def test_groups_are_what_is_counted_in_which_unit():
    found = compare(("A", [q("12", 12, "dead"), q("€4m", 4_000_000, "fund", unit="EUR")]),
                    ("B", [q("38", 38, "injured"), q("$4m", 4_000_000, "fund", unit="USD")]))
    assert sorted((e["what"], e["unit"], e["verdict"]) for e in found) == [
        ("dead", None, "single"), ("fund", "EUR", "single"), ("fund", "USD", "single"), ("injured", None, "single")]


def test_a_number_whose_thing_was_missed_joins_the_group_with_its_exact_value():
    found = compare(("A", [q("40,000 troops", 40000, "troop")]), ("B", [q("40,000", 40000, None)]))
    assert [(e["what"], e["verdict"], len(e["reports"])) for e in found] == [("troop", "agree", 2)]
    # ... but a small number ("five") is too common to be evidence, and a different value joins nothing
    assert compare(("A", [q("5 troops", 5, "troop")]), ("B", [q("five", 5, None)]))[0]["reports"] == [
        {"value": 5, "low": None, "high": None, "approximate": False, "text": "5 troops",
         "cite": {"article_id": "a1", "start": 0, "end": 8}}]
    different = compare(("A", [q("40,000", 40000, "troop")]), ("B", [q("41,000", 41000, None)]))
    assert [len(e["reports"]) for e in different] == [1]


def test_crowds_in_no_stated_condition_are_not_compared():
    found = compare(("A", [q("two people", 2, "people")]), ("B", [q("hundreds of people", 300, "people")]))
    assert [(e["what"], e["verdict"], len(e["reports"])) for e in found] == [("people", "single", 1)] * 2


def test_conflicts_come_first():
    found = compare(("A", [q("12", 12, "dead"), q("40", 40, "injured"), q("3", 3, "missing"), q("1", 1, "bridge")]),
                    ("B", [q("13", 13, "dead"), q("40", 40, "injured"), q("3", 3, "missing")]))
    assert [(e["what"], e["verdict"]) for e in found] == [
        ("dead", "conflict"), ("injured", "agree"), ("missing", "agree"), ("bridge", "single")]


def test_values_of_one_noun_far_apart_count_different_things_and_are_not_a_conflict():
    # "410 seats" won and the "650-seat" house in one outlet, "118 seats" for the loser in another:
    # one noun, three different counts; none of them is a disagreement between outlets.
    groups = compare(("A", [q("410", 410, "seat"), q("650", 650, "seat")]), ("B", [q("118", 118, "seat")]))
    assert [g["verdict"] for g in groups] == ["single", "single", "single"]
    assert sorted(r["value"] for g in groups for r in g["reports"]) == [118, 410, 650]


def test_a_far_value_does_not_hide_a_near_disagreement_or_make_an_agreement_a_conflict():
    groups = compare(("A", [q("seven", 7, "car"), q("Three", 3, "car")]), ("B", [q("seven", 7, "car")]),
                     ("C", [q("10", 10, "car")]))
    assert {(g["verdict"], tuple(r["value"] for r in g["reports"])) for g in groups} == {
        ("conflict", (7, 7, 10)), ("single", (3,))}
    groups = compare(("A", [q("65", 65, "injured"), q("more than 140", 140, "injured", low=140)]),
                     ("B", [q("more than 50", 50, "injured", low=50)]))
    assert {(g["verdict"], len(g["reports"])) for g in groups} == {("agree", 2), ("single", 1)}


def test_near_tolls_from_two_outlets_still_conflict():
    assert verdict(("A", [q("12", 12)]), ("B", [q("15", 15)])) == "conflict"
    assert verdict(("A", [q("456", 456, "store")]), ("B", [q("460", 460, "store")])) == "conflict"


def test_a_floor_above_agreeing_figures_is_an_update_not_a_conflict():
    # "killing 26 people" earlier, "at least 37 people were confirmed dead" later: the toll grew
    assert verdict(("A", [q("26", 26)]), ("B", [q("At least 37", 37, low=37)])) == "update"
    assert verdict(("A", [q("26", 26)]), ("B", [q("at least 37", 37, low=37)]), ("C", [q("26", 26)])) == "update"
    # figures that disagree among themselves stay a conflict, whatever floor comes with them
    assert verdict(("A", [q("26", 26)]), ("B", [q("at least 37", 37, low=37)]), ("C", [q("30", 30)])) == "conflict"
    # a ceiling below a figure is no growth: "fewer than 20" against 25 conflicts
    assert verdict(("A", [q("fewer than 20", 20, high=20)]), ("B", [q("25", 25)])) == "conflict"
