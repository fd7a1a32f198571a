"""Time expressions and their dates (newsprism.understand.times) against a known anchor date.

The anchor is Sunday 30 March 2014, the Guardian seed's date. `resolve` is pure; the phrases at the end
go through spaCy's English model (installed with the package), which finds the DATE entities and tells
"will meet on Monday" from "met on Friday".
"""

from __future__ import annotations

from datetime import date

import pytest

from newsprism.understand.times import extract_times, resolve, resolve_all

SUNDAY = date(2014, 3, 30)


@pytest.mark.parametrize("rule, expected", [
    ("offset:-1", "2014-03-29"),  # yesterday
    ("offset:0", "2014-03-30"),  # today
    ("offset:1", "2014-03-31"),  # tomorrow
    ("offset:-14", "2014-03-16"),  # two weeks ago
    ("weekday:4:past", "2014-03-28"),  # (on) Friday: the Friday before
    ("weekday:1:past", "2014-03-25"),  # Tuesday, in the past: five days before
    ("weekday:0:past", "2014-03-31"),  # Monday, in the past: the day after (a page's date can lag its text)
    ("weekday:0:last", "2014-03-24"),  # last Monday: six days before
    ("weekday:6:any", "2014-03-30"),  # Sunday, tense unknown: the day itself
    ("weekday:0:future", "2014-03-31"),  # will ... on Monday: the next day
    ("weekday:5:future", "2014-04-05"),  # will ... on Saturday: six days on
    ("month-day:03-24:past", "2014-03-24"),  # 24 March
    ("month-day:05-25:future", "2014-05-25"),  # will ... on May 25
    ("month-day:05-25:any", "2014-05-25"),  # tense unknown: two months ahead is nearer than ten back
    ("month-day:05-25:past", "2013-05-25"),  # a past verb: the last May 25
    ("month-day:03-31:past", "2014-03-31"),  # ... up to the day after the page's date
    ("month-day:12-25:past", "2013-12-25"),  # December 25, in the past: last Christmas
    ("month-day:12-25:future", "2014-12-25"),
    ("month-day:02-29:past", None),  # no 29 February near 2014
    ("month:05:any", "2014-05"),  # in May, tense unknown: the nearest May
    ("month:05:past", "2013-05"),  # happened in May: the last May
    ("month:03:past", "2014-03"),  # the anchor's own month is past enough
    ("month:12:past", "2013-12"),
    ("month:03:future", "2014-03"),
    ("month:02:future", "2015-02"),
    ("year-offset:-1", "2013"),  # last year
    ("month-offset:-3", "2013-12"),  # three months ago
    ("date:2014-05-25", "2014-05-25"),  # 25 May 2014
    ("year-month:2014-05", "2014-05"),  # May 2014
    ("year:2019", "2019"),  # a year alone stays a year
    ("week-offset:0", "2014-W13"),  # this week: the ISO week of the anchor (Sunday ends it)
    ("week-offset:-1", "2014-W12"),  # last week
    ("decade:196", "196X"),  # the 1960s
    ("same-day:weekday:4:past", "2014-03-28"),  # a time of day on the Friday named before it
    ("same-day:offset:0", "2014-03-30"),  # a time of day with no day named: the day of writing
    ("next-day:weekday:4:past", "2014-03-29"),  # "past midnight" after Friday night
])
def test_rules_resolve_against_the_anchor(rule, expected):
    assert resolve(rule, SUNDAY) == expected


def test_without_an_anchor_only_absolute_dates_resolve():
    assert [resolve(rule, None) for rule in ("date:2014-05-25", "year:2019", "year-month:2014-05")] == [
        "2014-05-25", "2019", "2014-05"]
    relative = ("offset:-1", "weekday:4:past", "month-day:05-25:future", "month:05:past")
    assert [resolve(rule, None) for rule in relative] == [None] * 4


@pytest.fixture(scope="module")
def dates_in():
    from newsprism.understand.pipeline import pipeline_for

    nlp = pipeline_for("en").nlp
    return lambda text, anchor=SUNDAY: [(t.text, t.date) for t in resolve_all(extract_times(nlp(text)), anchor)]


@pytest.mark.parametrize("text, expected", [
    ("The talks ended yesterday.", [("yesterday", "2014-03-29")]),
    ("Tomorrow the council votes.", [("Tomorrow", "2014-03-31")]),
    ("Lavrov and Kerry met in Paris on Friday.", [("on Friday", "2014-03-28")]),
    ("The ministers will meet on Monday.", [("on Monday", "2014-03-31")]),
    ("Ukraine will hold a presidential election on May 25.", [("May 25", "2014-05-25")]),
    ("The troops arrived on 24 March.", [("24 March", "2014-03-24")]),
    ("The treaty was signed on December 25.", [("December 25", "2013-12-25")]),
    ("Two weeks ago the talks collapsed.", [("Two weeks ago", "2014-03-16")]),
    ("Crimea voted to join Russia in 2014.", [("2014", "2014")]),
])
def test_phrases_in_a_sentence(dates_in, text, expected):
    assert dates_in(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The ministers will meet again next Sunday.", [("next Sunday", "2014-04-06")]),
    ("They met last Sunday.", [("last Sunday", "2014-03-23")]),
])
def test_next_and_last_of_the_anchors_own_weekday(dates_in, text, expected):
    assert dates_in(text) == expected


@pytest.mark.parametrize("text, expected", [
    # an infinitive or a participle takes the tense of the verb it depends on: "invited" is past
    ("The minister resigned after being invited to do so later on Friday.", [("on Friday", "2014-03-28")]),
    # a present tense after "when" speaks of the main clause's time, here a future one ("can look forward")
    ("Fans can look forward to a party when the team plays at home on Saturday.", [("on Saturday", "2014-04-05")]),
    ("Saturday can't come soon enough.", [("Saturday", "2014-04-05")]),
    ("The election is due on Thursday.", [("on Thursday", "2014-04-03")]),
    # a past verb: the last such month or day, however far back
    ("The court ruled against him in July.", [("in July", "2013-07")]),
    ("The embassy was stormed on May 2.", [("May 2", "2013-05-02")]),
    # no tense of its own ("has ... to thank"): the nearest day back
    ("The club has its rivals to thank on Saturday.", [("on Saturday", "2014-03-29")]),
])
def test_the_verb_decides_the_direction(dates_in, text, expected):
    assert dates_in(text) == expected


def test_a_day_named_in_the_past_may_be_the_day_after_the_pages_date(dates_in):
    """A story first posted on Tuesday evening and rewritten on Wednesday keeps Tuesday's date."""
    tuesday = date(2015, 5, 12)
    assert dates_in("The train derailed on Tuesday and rescuers searched the wreck on Wednesday.", tuesday) == [
        ("on Tuesday", "2015-05-12"), ("on Wednesday", "2015-05-13")]
    assert dates_in("Rescuers searched the wreck last Wednesday.", tuesday) == [("last Wednesday", "2015-05-06")]


@pytest.mark.parametrize("text, expected", [
    ("Service will not resume this week.", [("this week", "2014-W13")]),
    ("The talks began last week.", [("last week", "2014-W12")]),
    ("The bridge was built in the 1960s.", [("1960s", "196X")]),
    ("The party was founded in 1834.", [("in 1834", "1834")]),
    ("He is barred from the 2024 and 2028 elections.", [("2024", "2024"), ("2028", "2028")]),
    ("The club won promotion in 2012-13.", [("2012-13", "2013")]),  # a season is decided in its second year
    ("She narrowly lost October's election.", [("October's", "2013-10")]),
    ("Theresa May's cabinet met.", []),  # a name, not the month
    ("The next election is three years from now.", [("three years from now", "2017")]),
    ("The deal should close in the second half of the year.", [("second half of the year", "2014")]),
    ("The talks collapsed last night.", [("last night", "2014-03-29")]),
])
def test_weeks_decades_and_other_expressions(dates_in, text, expected):
    assert dates_in(text) == expected


@pytest.mark.parametrize("text, expected", [
    # the time of day takes the day named before it; the time zone's own day stays with its weekday
    ("The train left on Friday night. It crashed around 9:30 pm (0130 GMT Saturday).",
     [("on Friday night", "2014-03-28"), ("9:30 pm", "2014-03-28"), ("Saturday", "2014-03-29")]),
    ("The mayor spoke at about 9:30 p.m. Friday.", [("9:30 p.m.", "2014-03-28"), ("Friday", "2014-03-28")]),
    ("The bridge collapsed at around 11:30am during heavy rain.", [("11:30am", "2014-03-30")]),
    ("Rescuers worked through Friday. They were still searching well past midnight.",
     [("Friday", "2014-03-28"), ("past midnight", "2014-03-29")]),
    ("The price rose 3.50 percent.", []),
    # a possessive day is another event's: the shots were fired on the day named before it
    ("He was shot yesterday. He was giving a speech for tomorrow's vote when shots rang out at 11:30am.",
     [("yesterday", "2014-03-29"), ("tomorrow", "2014-03-31"), ("11:30am", "2014-03-29")]),
])
def test_times_of_day_are_dated_by_their_day(dates_in, text, expected):
    assert dates_in(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("He was admitted to hospital on Friday, February 14, 2014.",
     [("on Friday", "2014-02-14"), ("February 14, 2014", "2014-02-14")]),
    ("Doctors found pneumonia on Tuesday, February 18.", [("on Tuesday", "2014-02-18"), ("February 18", "2014-02-18")]),
    ("The leaders signed it on Tuesday (March 25).", [("on Tuesday", "2014-03-25"), ("March 25", "2014-03-25")]),
])
def test_a_weekday_with_its_date_is_that_date(dates_in, text, expected):
    assert dates_in(text) == expected


def test_without_a_parse_no_time_of_day_is_dated():
    """Other languages' day names are not read, so a clock time there would be pinned to the wrong day."""
    import spacy

    doc = spacy.blank("de")("Das Beben ereignete sich um 4:17 Uhr am 6. Februar 2023.")
    assert [t.rule for t in extract_times(doc, parses=False)] == ["year:2023"]
