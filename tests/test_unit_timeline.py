"""The timeline (newsprism.compare.timeline): what each date rests on, and time order across precisions."""

from __future__ import annotations

from datetime import date

import pytest

from newsprism.compare.timeline import timeline
from newsprism.dates import period_start
from newsprism.model import Analysis, Article, TimeMention


def test_timeline_says_what_each_date_rests_on():
    """An undated article's relative date rests on the story's date, and the timeline entry says so."""
    texts = {"dated": "The bridge fell on Tuesday.", "undated": "Rescuers searched the river on Wednesday.",
             "stated": "It opened on 12 May 1967."}
    rules = {"dated": ("on Tuesday", "weekday:1:past"), "undated": ("on Wednesday", "weekday:2:past"),
             "stated": ("12 May 1967", "date:1967-05-12")}
    articles = [Article(id=key, text=text, published="2025-10-15" if key != "undated" else None)
                for key, text in texts.items()]
    analyses = {}
    for key, text in texts.items():
        words, rule = rules[key]
        start = text.index(words)
        analyses[key] = Analysis(article_id=key, language="en", version=0, sentences=[(0, len(text))],
                                 times=[TimeMention(words, start, start + len(words), rule)])
    found = {e.citations[0].article_id: (e.date, e.basis) for e in timeline(articles, analyses, [], date(2025, 10, 14))}
    assert found == {"dated": ("2025-10-14", "published"), "undated": ("2025-10-15", "story"),
                     "stated": ("1967-05-12", "stated")}


@pytest.mark.parametrize("value, start", [
    ("2015-05-12", date(2015, 5, 12)), ("2015-W20", date(2015, 5, 11)), ("2015-05", date(2015, 5, 1)),
    ("2015", date(2015, 1, 1)), ("196X", date(1960, 1, 1)), ("2015-W54", None), ("May 2015", None), ("", None)])
def test_period_start(value, start):
    assert period_start(value) == start


def test_timeline_in_time_order_across_precisions():
    text = "It was built in the 1960s, closed in 1967, reopened this week and fell on Tuesday."
    rules = [("1960s", "decade:196"), ("1967", "year:1967"), ("this week", "week-offset:0"),
             ("on Tuesday", "weekday:1:past")]
    times = [TimeMention(words, text.index(words), text.index(words) + len(words), rule) for words, rule in rules]
    analysis = Analysis(article_id="a", language="en", version=0, sentences=[(0, len(text))], times=times)
    found = timeline([Article(id="a", text=text, published="2015-05-14")], {"a": analysis}, [], None)
    # one sentence, one event per date; the week (from Monday 11 May) comes before Tuesday 12 May
    assert [e.date for e in found] == ["196X", "1967", "2015-W20", "2015-05-12"]
