"""Normalization rules, one behaviour at a time, on lines taken from real reporting styles."""

from __future__ import annotations

import pytest

from newsprism.identify import article_id, canonical_url, content_hash
from newsprism.model import Article, Hints, RawDocument
from newsprism.normalize import (
    clean_byline,
    clean_text,
    language_code,
    looks_like_headline,
    normalize,
    parse_date,
    split_paragraphs,
    take_credits,
    take_dateline,
)


def norm(body: str, **meta) -> Article:
    result = normalize(RawDocument(source_path="t.txt", body=body, **meta))
    assert isinstance(result, Article), result
    return result


@pytest.mark.parametrize(
    "opening, dateline, agency, rest",
    [
        ("PARIS // The US secretary of state met.", "PARIS", None, "The US secretary of state met."),
        ("KIEV - Ukraine said on Sunday.", "KIEV", None, "Ukraine said on Sunday."),
        ("MOSCOW (Reuters) - Russia said.", "MOSCOW", "Reuters", "Russia said."),
        ("KIEV, Ukraine (AP) — Protesters gathered.", "KIEV, Ukraine", "AP", "Protesters gathered."),
        ("LONDON, March 30 (Reuters) - Shares rose.", "LONDON, March 30", "Reuters", "Shares rose."),
        ("NEW YORK — The city said.", "NEW YORK", None, "The city said."),
    ],
)
def test_datelines(opening, dateline, agency, rest):
    assert take_dateline([opening, "Next."]) == (dateline, agency, [rest, "Next."])


@pytest.mark.parametrize(
    "opening",
    [
        "BREAKING: The bridge fell.",
        "REPORT: RED SOX MAKE HUGE OFFER TO TEIXEIRA",  # a kicker, not a place (ECB+ 10_18ecbplus)
        "NCAA: Improper gifts, assistance given to athletes",
        "US officials said Mr Lavrov may provide answers.",
        "The National - a newspaper - said.",
        "NATO",
    ],
)
def test_not_datelines(opening):
    assert take_dateline([opening])[0] is None


@pytest.mark.parametrize(
    "last, credit",
    [
        ("* Bloomberg News", "Bloomberg News"),
        ("— AP", "AP"),
        ("Reporting by Jane Doe; Editing by John Roe", "Reporting by Jane Doe; Editing by John Roe"),
        ("(Reporting by Kaisa Lund; Editing by Jonas Hedman)", "Reporting by Kaisa Lund; Editing by Jonas Hedman"),
        ("(Reuters)", "Reuters"),
        ("Associated Press contributed to this report.", "Associated Press contributed to this report"),
        ("With AFP", "With AFP"),
    ],
)
def test_credit_lines(last, credit):
    assert take_credits(["The story.", last]) == ([credit], ["The story."])


def test_inline_agency_credit_and_normal_endings():
    assert take_credits(["He said the talks would go on. (Reuters)"]) == (
        ["Reuters"], ["He said the talks would go on."])
    assert take_credits(["One.", "It ended with a quote from him."]) == (
        [], ["One.", "It ended with a quote from him."])
    assert take_credits(["* Bloomberg News"]) == ([], ["* Bloomberg News"])  # never empties an article


def test_several_credit_lines_in_reading_order():
    credits, rest = take_credits(["Body.", "Reporting by A; Editing by B", "* Bloomberg News"])
    assert credits == ["Reporting by A; Editing by B", "Bloomberg News"] and rest == ["Body."]


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("By Jane Doe | 2 hours ago", "Jane Doe"),
        ("By JOHN SMITH Email the author", "JOHN SMITH"),
        ("Jane Doe @janedoe", "Jane Doe"),
        ("jane@example.com (Jane Doe)", "Jane Doe"),
        ("By Ann Lee and Bob Ray, Staff writers", "Ann Lee and Bob Ray"),
        ("Updated 5 minutes ago", None),
        ("", None),
    ],
)
def test_bylines(raw, clean):
    assert clean_byline(raw) == clean


@pytest.mark.parametrize(
    "value, iso",
    [
        ("2014-03-30", "2014-03-30"),
        ("2014-03-30T21:05:00+01:00", "2014-03-30T21:05:00+01:00"),
        ("Sun, 30 Mar 2014 21:05:00 GMT", "2014-03-30T21:05:00+00:00"),
        ("Wed, 15 Oct 2025 09:15:00 +0200", "2025-10-15T09:15:00+02:00"),
        ("March 30, 2014", "2014-03-30"),
        ("30 March 2014 9:05pm", "2014-03-30T21:05:00"),
        ("2014-03-30T21:05:00Z", "2014-03-30T21:05:00+00:00"),
        ("March 30", None),  # no year: not completed from today
        ("yesterday-ish", None),
        ("2014-02-30", None),
        ("", None),
    ],
)
def test_dates(value, iso):
    assert parse_date(value) == iso


def test_mojibake_control_characters_and_spaces():
    assert clean_text("Lavrov said: â€œWe find little joyâ€¦â€\x9d") == "Lavrov said: “We find little joy…”"
    # combining accents composed, odd spaces made plain, terminal escapes removed
    assert clean_text("caf\u0065\u0301\u00a0au\u200blait\x1b[31m  red\x07") == "café aulait red"
    assert clean_text("“curly” ‘quotes’ stay") == "“curly” ‘quotes’ stay"


def test_paragraph_styles():
    assert split_paragraphs("one line\nsecond line") == ["one line", "second line"]
    assert split_paragraphs("hard\nwrapped\n\nnext  para") == ["hard wrapped", "next  para"]
    assert split_paragraphs("a well-\nknown name\n\nend") == ["a well-known name", "end"]


WIRE_COPY = """\
GENEVA, March 3 - Talks between the two delegations resumed on Tuesday
after a pause of almost three weeks, officials said, with both sides
saying they hoped to agree a ceasefire before the end of the month.
The mediator, who declined to be named, said the main sticking point
remained the line of control.
Neither delegation commented on the proposal published by a newspaper
on Monday, which would place the disputed villages under joint
administration for five years.
Talks are due to continue on Thursday."""


def test_hard_wrapped_copy_is_reflowed_into_paragraphs():
    paragraphs = split_paragraphs(WIRE_COPY)
    assert paragraphs == [
        "GENEVA, March 3 - Talks between the two delegations resumed on Tuesday after a pause of almost three weeks, "
        "officials said, with both sides saying they hoped to agree a ceasefire before the end of the month. "
        "The mediator, who declined to be named, said the main sticking point remained the line of control.",
        "Neither delegation commented on the proposal published by a newspaper on Monday, which would place the "
        "disputed villages under joint administration for five years.",
        "Talks are due to continue on Thursday.",
    ]


def test_one_paragraph_per_line_is_not_reflowed():
    lines = ["Short headline here", "By A Reporter", "Published May 3, 2015"] + [
        f"Sentence number {n} of a long paragraph that goes well past any wrapping width a terminal would use, "
        "and ends properly." for n in range(4)]
    assert split_paragraphs("\n".join(lines)) == lines


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Russian troops mass on Ukraine border", True),
        ("Is the bridge safe?", True),
        ("Russia set out a series of tough conditions on Sunday night.", False),
        ("PARIS // The talks began", False),
        ("By Jane Doe", False),
        ("Hello", False),
        ("May 2, 2013, 1:12 PM", False),
        ("NCAA: Improper gifts, assistance given to athletes", True),
    ],
)
def test_headline_detection(line, expected):
    assert looks_like_headline(line) is expected


def test_first_line_headline_only_when_it_looks_like_one():
    article = norm("Bridge falls into river\nThe bridge fell on Tuesday. Twelve died.")
    assert article.title == "Bridge falls into river" and article.text == "The bridge fell on Tuesday. Twelve died."
    single = norm("Bridge falls into river")
    assert single.title is None and single.text == "Bridge falls into river"
    sentence = norm("The bridge fell on Tuesday.\nTwelve died.")
    assert sentence.title is None


def test_hints_win_over_document_metadata():
    article = norm("Body text here.", outlet="From file", hints=Hints(outlet="From manifest", published="2014-03-30"))
    assert article.outlet == "From manifest" and article.published == "2014-03-30"


def test_nothing_invented():
    article = norm("Short note without metadata.")
    for field in ("url", "outlet", "title", "byline", "dateline", "credit", "published", "language"):
        assert getattr(article, field) is None, field


def test_language_detection_and_declared_codes():
    german = norm("Die Brücke in Varnholm ist am Dienstag eingestürzt. Mindestens zwölf Menschen starben, "
                  "Dutzende wurden verletzt, teilte die Feuerwehr mit.")
    assert german.language == "de"
    assert norm("Short text.", language="en-GB").language == "en"
    assert language_code("EN_us") == "en" and language_code("English") is None


def test_ids_from_canonical_url_else_content():
    a = Article(id="", text="Same text.", url="HTTPS://Example.com:443/a/b?utm_source=x&id=3#top")
    b = Article(id="", text="Other text.", url="https://example.com/a/b?id=3")
    assert canonical_url(a.url) == "https://example.com/a/b?id=3"
    assert article_id(a) == article_id(b)
    c = Article(id="", text="Same   text!")
    d = Article(id="", text="same text")
    assert content_hash(c) == content_hash(d) and article_id(c) == article_id(d)
    assert len(article_id(c)) == 16
