"""Claims one outlet states and another denies (newsprism.compare.claims), on small stories of real sentences
analysed by the real pipeline, and on a real gold story that has none."""

from __future__ import annotations

import pytest

from newsprism.compare.claims import compare_claims, stem
from newsprism.evaluate import dossier as dossier_eval
from newsprism.model import Article, Citation, ClaimConflict, Coverage, Dossier

from .conftest import SHARED, needs_shared


@pytest.fixture(scope="module")
def claims():
    from newsprism.understand import analyze

    def found(*texts: str, outlets: list[str] | None = None) -> list[dict]:
        articles = [Article(id=f"a{n}", text=text, outlet=(outlets or [f"Outlet {n}" for n in range(len(texts))])[n],
                            language="en") for n, text in enumerate(texts)]
        analyses = {a.id: analyze(a) for a in articles}
        return [c.to_dict() for c in compare_claims(articles, analyses)]

    return found


def _sides(conflict: dict) -> tuple[list[str], list[str]]:
    return ([c["article_id"] for c in conflict["claim"]["citations"]],
            [c["article_id"] for c in conflict["denial"]["citations"]])


DISTRESS = "Air traffic controllers received a distress call from the plane before it vanished, officials said."
NO_DISTRESS = "The airline said no distress call was received from the plane before it vanished."


def test_a_claim_and_its_denial_by_another_outlet_conflict(claims):
    [conflict] = claims(NO_DISTRESS, DISTRESS)
    assert _sides(conflict) == (["a1"], ["a0"])
    assert conflict["claim"]["text"] == DISTRESS and conflict["denial"]["text"] == NO_DISTRESS
    assert conflict["claim"]["citations"] == [{"article_id": "a1", "start": 0, "end": len(DISTRESS)}]


def test_present_against_absent_and_a_denial_verb_against_the_claim(claims):
    found = claims("International observers were present at every polling station, the commission said.",
                   "International observers were absent from the polling stations, the opposition said.")
    assert [_sides(c) for c in found] == [(["a0"], ["a1"])]
    found = claims("The ministry denied that troops had crossed the border.",
                   "Russian troops crossed the border on Sunday, witnesses said.")
    assert [_sides(c) for c in found] == [(["a1"], ["a0"])]


@pytest.mark.parametrize("first, second", [
    # what is not known, or not yet said, denies nothing
    ("It was not immediately clear why the train derailed on the curve.", "The train derailed on the curve."),
    ("Emergency responders are on the scene, but there are no details yet on casualties.",
     "Emergency services on the scene spoke of several casualties."),
    # "had never won" is the past before the event, which the event changed
    ("Ranieri had never won a league title in his long career.", "Ranieri won the league title in his career."),
    # a number, not a negation
    ("In his speech outside No 10 Downing Street, Sunak said the public had sent a clear signal.",
     "In his speech outside 10 Downing Street, Sunak said the public had sent a clear signal."),
    # both negate: they agree
    ("I have never seen anything like this in my life.", "I've never seen anything like this in my life."),
    # a negation about something else than what the other sentence says
    ("Amazon has not made a major dent in the grocery market.", "Amazon is buying Whole Foods Market."),
])
def test_hedges_changes_and_agreeing_negations_are_no_conflict(claims, first, second):
    assert claims(first, second) == []


def test_an_outlet_reporting_both_sides_reports_a_dispute_not_a_disagreement(claims):
    both = "Witnesses said Russian troops crossed the border. The ministry denied that troops had crossed the border."
    assert claims(both, "Russian troops crossed the border on Sunday, witnesses said.") == []
    # two articles of one outlet never disagree with each other
    assert claims(NO_DISTRESS, DISTRESS, outlets=["Courier", "Courier"]) == []


def test_stems_match_forms_of_one_word():
    assert stem("received") == stem("receive") and stem("crossed") == stem("cross") == stem("crosses")
    assert stem("observers") == stem("observer") and stem("Bolsonaro's") == stem("Bolsonaro")
    assert stem("present") != stem("absent")


def test_a_claim_conflict_matches_a_gold_conflict_by_its_two_sides():
    """eval dossier counts a claim conflict like a number conflict: its citations (claim and denial) must
    overlap the gold mentions in two articles."""
    texts = {"a0": NO_DISTRESS, "a1": DISTRESS}
    conflict = ClaimConflict(claim=[Citation("a1", 0, len(DISTRESS))], denial=[Citation("a0", 0, len(NO_DISTRESS))],
                             claim_text=DISTRESS, denial_text=NO_DISTRESS)
    found = Dossier(id="t", version=0, title="t", date=None, articles=[], summary=[], entities=[], quotes=[],
                    numbers=[], coverage=Coverage(), timeline=[], claims=[conflict], texts=texts)
    locator = dossier_eval.Locator(texts, {"g0": "a0", "g1": "a1"})
    gold = {name: [] for name in dossier_eval.GOLD_LISTS}
    gold["conflicts"] = [{"kind": "claim", "mentions": [{"article_id": "g0", "span": "no distress call"},
                                                        {"article_id": "g1", "span": "received a distress call"}]}]
    gold["not_conflicts"] = [{"mentions": [{"article_id": "g1", "span": "officials said"}]}]
    counts = dossier_eval._conflicts(found, dossier_eval.locate(gold, locator))
    assert counts == {"dossier_conflicts": 1, "dossier_conflicts_right": 1, "gold_conflicts": 1,
                      "gold_conflicts_found": 1, "not_conflicts": 1, "not_conflicts_flagged": 0}
    assert found.to_dict()["claims"] == [conflict.to_dict()]


def test_no_claim_conflict_in_a_real_story_whose_denials_are_not_disagreements():
    """The Genoa bridge gold: "no details yet on whether there are casualties", "no reason to consider the
    bridge was dangerous" and the lightning accounts are tempting, and none is a claim another outlet denies."""
    from newsprism.compare import compare_files

    story = needs_shared(SHARED / "data" / "dossier-gold" / "ga02" / "articles.jsonl")
    assert compare_files([story]).claims == []
