"""Facts, coverage and summary on small stories made here: figures and denials split facts, "only this
outlet" needs no close sentence elsewhere, quotations and headline lines are no exclusives or summary lines."""

from __future__ import annotations

from newsprism import MemoryAnalyses, analyses_for, dossier
from newsprism.compare.facts import _figures_differ, _is_quotation
from newsprism.model import Analysis, Article, Quotation


def _article(article_id: str, outlet: str, *paragraphs: str) -> Article:
    return Article(id=article_id, text="\n\n".join(paragraphs), outlet=outlet, language="en",
                   published="2018-08-14")


def _dossier(*articles: Article):
    found = dossier(list(articles), analyses_for(MemoryAnalyses(), list(articles)), story_id="t")
    return found, found.texts


def _cited(texts, cite) -> str:
    return texts[cite.article_id][cite.start:cite.end]


def _facts(found, texts) -> list[set[str]]:
    return [{_cited(texts, c) for c in f.citations} for f in found.coverage.core + found.coverage.shared]


RESCUE = "Rescue teams searched the rubble through the night with sniffer dogs."
BUILT = "The concrete bridge was built in 1967 by the engineer Riccardo Morandi."


def test_different_figures_are_different_facts_and_each_its_outlets_own():
    first = _article("a1", "Alpha", "A motorway bridge collapsed in Genoa on Tuesday, killing 26 people.", RESCUE)
    again = _article("a2", "Beta", "On Tuesday a motorway bridge collapsed in Genoa, killing 26 people.", BUILT)
    other = _article("a3", "Gamma", "A motorway bridge collapsed in Genoa on Tuesday, killing 37 people.",
                     "Italy's prime minister cancelled his holiday and travelled to the city.")
    found, texts = _dossier(first, again, other)
    toll = next(f for f in _facts(found, texts) if any("26 people" in t for t in f))
    assert not any("37 people" in t for t in toll) and len(toll) == 2
    assert [p.text for p in found.coverage.unique["a3"]][0].endswith("killing 37 people.")
    assert RESCUE in [p.text for p in found.coverage.unique["a1"]]
    for sentence in found.summary:  # no summary line cites a sentence that gives another toll
        cited = [_cited(texts, c) for c in sentence.citations]
        assert not ({"26 people" in t for t in cited} == {True, False} and any("people" in t for t in cited))


def test_a_claim_and_its_denial_are_never_one_fact():
    claim = _article("a1", "Alpha", "The airline said the pilots sent a distress call before the crash.", RESCUE)
    denial = _article("a2", "Beta", "The airline denied that the pilots sent a distress call before the crash.",
                      BUILT)
    found, texts = _dossier(claim, denial)
    assert not any(len(f) > 1 for f in _facts(found, texts) if any("distress" in t for t in f))
    for sentence in found.summary:
        assert sum("distress" in _cited(texts, c) for c in sentence.citations) <= 1
    # ...and neither is listed as its outlet's alone: the other outlet tells of the same call
    assert not any("distress" in p.text for items in found.coverage.unique.values() for p in items)


def test_quotations_and_headline_lines_are_no_exclusives_nor_summary_lines():
    remark = '"It is a devastating scene," the mayor said.'
    first = _article("a1", "Alpha", "A motorway bridge collapsed in Genoa on Tuesday morning.", remark,
                     "Rescue goes on through the night", RESCUE)
    second = _article("a2", "Beta", "A motorway bridge collapsed in Genoa on Tuesday morning.", BUILT)
    found, texts = _dossier(first, second)
    own = [p.text for p in found.coverage.unique["a1"]]
    assert RESCUE in own and remark not in own and not any("Rescue goes on" in t for t in own)
    lines = [s.text for s in found.summary]
    assert remark not in lines and not any(t.startswith("Rescue goes on") for t in lines)
    assert any("devastating scene" in q.text for q in found.quotes)  # the quotes list shows it
    core = _facts(found, texts)
    assert {"A motorway bridge collapsed in Genoa on Tuesday morning."} in core


def test_one_outlet_story_lists_every_sentence_as_its_own():
    found, _ = _dossier(_article("a1", "Alpha", RESCUE, BUILT))
    assert [p.text for p in found.coverage.unique["a1"]] == [RESCUE, BUILT]


def test_figures_differ_when_none_agrees_or_one_thing_is_counted_differently():
    seats_410 = [("seat", 410.0, 410.0), ("seat", 650.0, 650.0)]
    seats_412 = [("seat", 412.0, 412.0), ("seat", 650.0, 650.0)]
    assert _figures_differ(seats_410, seats_412)  # the shared "650-seat House" does not make them agree
    assert not _figures_differ(seats_410, [("seat", 410.0, 410.0)])
    assert _figures_differ([("dead", 26.0, 26.0)], [("dead", 37.0, 37.0)])
    assert not _figures_differ([("dead", 24.0, 99.0)], [("dead", 37.0, 37.0)])  # "dozens" allows 37
    money = [("USD", 13.7e9, 13.7e9)]
    assert not _figures_differ(money + [("company", 2.0, 2.0)], money)


def test_a_quotation_with_no_more_than_its_attribution_around_it():
    text = '"It is an absolute disastrous mess," Philadelphia Mayor Michael Nutter told reporters.'
    quote = Quotation(text="It is an absolute disastrous mess,", start=1, end=35)
    analysis = Analysis(article_id="a", language="en", version=0, quotes=[quote])
    assert _is_quotation(text, 0, len(text), analysis)
    reported = ('Philadelphia Mayor Nutter, speaking late Tuesday at the scene after the train left the tracks, '
                'described it as "an absolute, disastrous mess."')
    at = reported.index("an absolute")
    analysis.quotes = [Quotation(text="an absolute, disastrous mess.", start=at, end=len(reported) - 1)]
    assert not _is_quotation(reported, 0, len(reported), analysis)
    assert not _is_quotation("No quotation here at all.", 0, 25, Analysis("a", "en", 0))


def test_the_summary_leads_with_what_the_outlets_report():
    """The first article opens with background; the lead is the collapse every outlet opens with."""
    background = _article("a1", "Alpha", "The viaduct was designed by an engineer in the 1960s and restored in 2016.",
                          "A motorway bridge collapsed in Genoa on Tuesday, killing dozens of people.", RESCUE)
    second = _article("a2", "Beta", "A motorway bridge collapsed in the Italian city of Genoa on Tuesday.", BUILT)
    third = _article("a3", "Gamma", "Dozens of people died when a motorway bridge fell in Genoa on Tuesday.",
                     "Italy's prime minister cancelled his holiday and travelled to the city.")
    found, _ = _dossier(background, second, third)
    assert "collapsed" in found.summary[0].text or "fell" in found.summary[0].text
    assert not found.summary[0].text.startswith("The viaduct")
