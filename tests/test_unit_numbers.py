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
    # every report must allow the one value: 12 and 14 each fit "at least 12", not each other; "at least 12"
    # takes no side in that conflict and is listed apart from it
    groups = compare(("A", [q("at least 12", 12, low=12)]), ("B", [q("12", 12)]), ("C", [q("14", 14)]))
    assert [(g["verdict"], [r["text"] for r in g["reports"]]) for g in groups] == [
        ("conflict", ["12", "14"]), ("single", ["at least 12"])]


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


def test_a_report_compatible_with_both_sides_is_listed_apart_from_the_conflict():
    # "more than 400" allows both 410 and 412: it takes no side, so the conflict cites only 410 and 412
    groups = compare(("A", [q("410", 410, "seat")]), ("B", [q("more than 400", 400, "seat", low=401)]),
                     ("C", [q("412", 412, "seat")]))
    assert [(g["verdict"], [r["text"] for r in g["reports"]]) for g in groups] == [
        ("conflict", ["410", "412"]), ("single", ["more than 400"])]


def test_two_figures_of_one_outlet_are_two_things_not_a_conflict():
    # one outlet gives the exit poll's 410 and the count's 412; another agrees with the 412
    assert verdict(("A", [q("410", 410, "seat"), q("412", 412, "seat")]), ("B", [q("412", 412, "seat")])) == "agree"


def test_a_floor_does_not_join_values_far_above_it():
    groups = compare(("A", [q("at least 412", 412, "seat", low=412)]), ("B", [q("650", 650, "seat")]))
    assert [g["verdict"] for g in groups] == ["single", "single"]


def test_a_figure_of_an_earlier_year_is_compared_only_with_that_year():
    texts = {"a1": "Labour won 410 seats. The party won 368 seats in the 2019 elections.",
             "a2": "Labour won 410 seats, while the party had 365 in 2019."}
    articles = [Article(id=aid, text=text, outlet=aid.upper(), published="2024-07-05") for aid, text in texts.items()]

    def at(aid: str, number: str) -> Quantity:
        start = texts[aid].index(number)
        return Quantity(number, start, start + len(number), float(number), "seat")

    analyses = {aid: Analysis(article_id=aid, language="en", version=0,
                              sentences=[(0, len(texts[aid]))], quantities=[at(aid, "410"), at(aid, n)])
                for aid, n in (("a1", "368"), ("a2", "365"))}
    groups = [g.to_dict() for g in compare_numbers(articles, analyses)]
    assert sorted((g["what"], g["verdict"], sorted(r["text"] for r in g["reports"])) for g in groups) == [
        ("seat", "agree", ["410", "410"]), ("seat in 2019", "conflict", ["365", "368"])]


# -- what the text says: extraction on real parses -------------------------------------------------


@pytest.fixture(scope="module")
def found():
    from newsprism.understand.pipeline import pipeline_for
    from newsprism.understand.quantities import extract_quantities

    nlp = pipeline_for("en").nlp
    return lambda text: [(q.text, q.what, q.unit, q.low, q.high) for q in extract_quantities(nlp(text))]


@pytest.mark.parametrize("text, expected", [
    # vague amounts keep only the floor their word implies, never an invented middle
    ("Several people were hurt.", [("Several", "injured", None, 3, None)]),
    ("Millions watched the final.", [("Millions", None, None, 2e6, None)]),
    ("Dozens of divers searched the river.", [("Dozens", "diver", None, 24, None)]),
    # "a hundred" is 100, not 100 x 100
    ("More than a hundred people were injured.", [("More than a hundred", "injured", None, 101, None)]),
    # ranges are one quantity with both ends
    ("A witness saw eight or nine cars fall.", [("eight or nine", "car", None, 8, 9)]),
    ("Turnout was 75-80 per cent, officials said.", [("75-80 per cent", None, "%", 75, 80)]),
    ("Between 20 and 30 people died.", [("Between 20 and 30", "dead", None, 20, 30)]),
])
def test_vague_amounts_and_ranges_keep_what_the_words_say(found, text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The 220-pound man was arrested.", [("220-pound", "man", "lb", None, None)]),
    ("Labour won 410 seats in the 650-seat House of Commons.",
     [("410", "seat", None, None, None), ("650", "house", "seat", None, None)]),
    ("The phone has a 4.7-inch screen.", [("4.7-inch", "screen", "in", None, None)]),
])
def test_a_number_hyphened_to_a_word_measures_the_noun_after_it(found, text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a loss of seats and a prediction of seats are not the seats won; a total of seats is
    ("It was a loss of 251 seats.", [("251", "loss of seat", None, None, None)]),
    ("The exit poll predictions of 410 seats were beaten.", [("410", "prediction of seat", None, None, None)]),
    ("They won a total of 412 seats.", [("412", "seat", None, None, None)]),
    # the whole of a part counts all of them, the part and a side of a split count nothing to compare
    ("Five of the court's seven judges agreed.", [("Five", None, None, None, None),
                                                  ("seven", "judge in all", None, None, None)]),
    ("Four judges voted in favour of the ban, while one voted against it.",
     [("Four", None, None, None, None), ("one", None, None, None, None)]),
    # "down from 365": the earlier figure of what the number before it counts
    ("The party will win only 121 seats, down from 365 in 2019.",
     [("only 121", "seat", None, None, None), ("365", "seat", None, None, None)]),
])
def test_what_a_number_counts_is_read_from_its_phrase(found, text, expected):
    assert found(text) == expected
