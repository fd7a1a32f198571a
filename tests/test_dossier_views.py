"""The dossier's Markdown, HTML and terminal views show everything its JSON has, citations as outlet and quoted
words, and article text escaped (a hand-made dossier: no models needed)."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from newsprism.model import (
    Citation,
    ClaimConflict,
    Coverage,
    CoveredFact,
    Dossier,
    Entity,
    NumberGroup,
    NumberReport,
    Passage,
    QuoteGroup,
    QuoteVariant,
    Rejection,
    StoryMember,
    SummarySentence,
    TimelineEvent,
)
from newsprism.render.dossier import cited_words, print_terminal, to_html, to_markdown

BBC = ("Cars and trucks plummeted 45m onto the rail tracks below when the bridge gave way at noon.\n\n"
       "Officials said 12 people died.\n\n\"We will rebuild,\" the mayor said <script>alert(1)</script>.")
WIRE = ("A motorway bridge collapsed in Genoa on Tuesday | *killing* [15](javascript:x) people.\n\n"
        "Officials said 15 people died.")


def cite(text: str, article: str, words: str) -> Citation:
    start = text.index(words)
    return Citation(article, start, start + len(words))


@pytest.fixture(scope="module")
def found() -> Dossier:
    first, died_a = cite(BBC, "a", BBC.split("\n")[0]), cite(BBC, "a", "Officials said 12 people died.")
    said = cite(BBC, "a", "We will rebuild,")
    wire_first, died_b = cite(WIRE, "b", WIRE.split("\n")[0]), cite(WIRE, "b", "Officials said 15 people died.")
    return Dossier(
        id="s1", version=2, title="Bridge <b>falls</b>", date="2018-08-14",
        articles=[StoryMember("a", "BBC title", "BBC", "https://bbc.example/news#top", "2018-08-14", "en", None),
                  StoryMember("b", "Wire <i>title</i>", "Wire|Co", None, None, "en", None)],
        summary=[SummarySentence(BBC.split("\n")[0], [first, wire_first])],
        entities=[Entity("Genoa", "GPE", ["GENOA"], {"a": 2, "b": 1}),
                  Entity("Evil <script>x</script>", "ORG", ["*bold*"], {"b": 3})],
        quotes=[QuoteGroup("Marco <Bucci>", "We will rebuild,", [QuoteVariant("We will rebuild,", "Bucci", said)])],
        numbers=[NumberGroup("dead", None, "conflict", [NumberReport(12, None, None, False, "12 people", died_a),
                                                         NumberReport(15, None, None, False, "15 people", died_b)])],
        coverage=Coverage(core=[CoveredFact("Officials said 12 people died.", [died_a, died_b], ["BBC", "Wire|Co"],
                                            sources=["Inter<fax>"])],
                          shared=[CoveredFact("Shared fact text.", [first, wire_first], ["BBC", "Wire|Co"])],
                          unique={"a": [Passage("We will rebuild, the mayor said.", said)],
                                  "b": [Passage(WIRE.split("\n")[0], wire_first)]}),
        timeline=[TimelineEvent("2018-08-14", "The bridge fell <now>.", [first]),
                  TimelineEvent("2018-08-14", "Officials said 15 people died.", [died_b], basis="story")],
        not_analysed={"b": ["numbers (odd <text>)"]},
        texts={"a": BBC, "b": WIRE},
        rejected=[Rejection("bad<file>.txt", "empty")],
        claims=[ClaimConflict([died_a], [said], "Officials said 12 people died.", "We will <rebuild>,")],
    )


def test_cited_words_are_the_first_words_of_the_passage(found):
    first = found.summary[0].citations[0]
    assert cited_words(found, first) == "Cars and trucks plummeted 45m onto the rail …"
    assert cited_words(found, found.coverage.core[0].citations[0]) == "Officials said 12 people died."


def test_markdown_shows_every_part_with_outlet_and_quoted_words(found):
    page = to_markdown(found)
    assert 'BBC: "Cars and trucks plummeted 45m onto the rail …"' in page  # a citation, not offsets
    assert not re.search(r"\b\d+-\d+\b", page.replace("2018-08-14", ""))
    for heading in ("## Summary", "## Entities", "## Quotes", "## Numbers", "## Timeline", "### Every outlet reports",
                    "### Several outlets report", "### Only BBC (a)", "## Not analysed", "## Inputs not read"):
        assert heading in page
    assert "| Genoa | GPE | 3 | BBC, Wire\\|Co | GENOA |" in page  # type, mentions, outlets, other forms
    # shared facts with their outlets and every citation
    assert ("- Shared fact text. (BBC, Wire\\|Co)\n  - BBC: \"Cars and trucks plummeted 45m onto the rail …\"\n"
            "  - Wire\\|Co: \"A motorway bridge collapsed in Genoa on Tuesday …\"\n") in page
    assert "15 people: Wire\\|Co: \"Officials said 15 people died.\"" in page
    assert "**Marco &lt;Bucci&gt;**: “We will rebuild,”" in page and "(speaker named there: Bucci)" in page


def test_markdown_escapes_article_text(found):
    page = to_markdown(found)
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page and "<Bucci>" not in page
    assert "Evil &lt;script&gt;x&lt;/script&gt; | ORG | 3 | Wire\\|Co | \\*bold\\*" in page
    # a link or emphasis planted in article text stays text
    assert "\\*killing\\* \\[15\\]\\(javascript:x\\)" in page and "[15](javascript" not in page


def test_html_shows_every_part_and_links_citations_to_the_cited_words(found):
    page = to_html(found)
    for heading in ("<h2>Entities</h2>", "<h2>Who reports what</h2>", "<h2>Quotes</h2>", "<h2>Numbers</h2>",
                    "<h2>Timeline</h2>", "<h2>Articles</h2>", "<h2>Not analysed</h2>", "<h2>Inputs not read</h2>"):
        assert heading in page
    assert "<tr><td>Genoa</td><td>GPE</td><td>3</td><td>BBC, Wire|Co</td><td>GENOA</td></tr>" in page
    assert "Shared fact text." in page
    # BBC's citation: its address (without its own fragment) and a text fragment of the cited words (a long
    # passage by its first and last words)
    assert ("<a class='cite' href='https://bbc.example/news#:~:text=Cars%20and%20trucks%20plummeted%2045m%20onto"
            "%20the%20rail,below%20when%20the%20bridge%20gave%20way%20at%20noon.' rel='noopener noreferrer'>"
            "BBC: “Cars and trucks plummeted 45m onto the rail …”<span class='passage'>Cars and trucks") in page
    # an article without a web address: the citation leads to its row in the page
    assert ("<a class='cite' href='#article-b' rel='noopener noreferrer'>Wire|Co: “Officials said 15 people died.”"
            in page)
    assert "<tr id='article-b'>" in page


def test_html_escapes_article_text(found):
    page = to_html(found)
    assert "<script>" not in page and "<b>falls" not in page and "<i>title" not in page and "<Bucci>" not in page
    assert "Evil &lt;script&gt;x&lt;/script&gt;" in page and "odd &lt;text&gt;" in page and "bad&lt;file&gt;" in page


def test_terminal_lists_entities_and_shared_facts(found):
    out = io.StringIO()
    print_terminal(found, Console(file=out, width=200, highlight=False, color_system=None))
    shown = out.getvalue()
    assert "Genoa (GPE; 3 mention(s) in BBC, Wire|Co)" in shown
    assert "Evil <script>x</script> (ORG; 3 mention(s) in Wire|Co)" in shown  # rich markup escaped, text kept
    assert "Several outlets report" in shown and "Shared fact text. (BBC, Wire|Co)" in shown


def test_a_citation_never_links_to_a_script_address(found):
    from dataclasses import replace

    hostile = replace(found, articles=[replace(found.articles[0], url="javascript:alert(1)//'x"), found.articles[1]])
    page = to_html(hostile)
    assert "javascript:alert" not in page and "href='#article-a'" in page


def test_claims_and_undated_bases_are_shown_in_every_view(found):
    page = to_markdown(found)
    assert "## Claims and denials" in page
    assert '**Claim**: Officials said 12 people died. (BBC: "Officials said 12 people died.")' in page
    assert "**Denied**: We will &lt;rebuild&gt;," in page
    assert "**2018-08-14** (date from the story: article undated) Officials said 15 people died." in page
    assert "**2018-08-14** The bridge" in page
    html_page = to_html(found)
    assert "<h2>Claims and denials</h2>" in html_page and "We will &lt;rebuild&gt;," in html_page
    assert html_page.count("date from the story: article undated") == 1
    out = io.StringIO()
    print_terminal(found, Console(file=out, width=200, color_system=None))
    assert "Claims and denials" in out.getvalue() and "We will <rebuild>," in out.getvalue()


def test_a_fact_of_fewer_sources_than_outlets_says_so(found):
    assert "— 1 independent source(s): Inter&lt;fax&gt;" in to_markdown(found)
    assert "<i>1 independent source(s): Inter&lt;fax&gt;</i>" in to_html(found)
    assert "independent source" not in to_markdown(found).split("### Several outlets report")[1]
