"""Timeline: dated events in order, each citing the sentences that date it.

A time expression's date is resolved against its article's publication date, or
the story's first date when the article has none; each event says which (`basis`:
"stated" when a citing sentence gives the date whole, else "published", else
"story"). Mentions of one date in the sentences of one fact are one event.
"""

from __future__ import annotations

from datetime import date

from ..dates import calendar_date, period_start
from ..model import Analysis, Article, Citation, TimelineEvent
from ..understand.times import needs_anchor, resolve
from .boilerplate import ReportingSpans
from .facts import Fact

FIRMNESS = ("stated", "published", "story")  # what an event's date rests on, the firmest first


def timeline(articles: list[Article], analyses: dict[str, Analysis], facts: list[Fact],
             story_date: date | None) -> list[TimelineEvent]:
    fact_of = {(s.article_id, s.start): n for n, f in enumerate(facts) for s in f.sentences}
    events: dict[tuple[str, object], TimelineEvent] = {}
    for article in articles:
        own = calendar_date(article.published)
        anchor = own or story_date
        analysis = analyses[article.id]
        reporting = ReportingSpans(article.text, analysis.sentences)
        for mention in analysis.times:
            when = resolve(mention.rule, anchor)
            span = reporting.of(mention.start)  # a dateline's or an "Updated:" line's date is no event
            if when is None or span is None:
                continue
            start, end = span
            key = (when, fact_of.get((article.id, start), (article.id, start)))
            event = events.setdefault(key, TimelineEvent(when, article.text[start:end], [], basis=FIRMNESS[-1]))
            cite = Citation(article.id, start, end)
            if cite not in event.citations:
                event.citations.append(cite)
            event.basis = min(event.basis, _basis(mention.rule, own), key=FIRMNESS.index)
    return sorted(events.values(), key=_in_time_order)


def _basis(rule: str, published: date | None) -> str:
    if not needs_anchor(rule):
        return "stated"
    return "published" if published else "story"


def _in_time_order(event: TimelineEvent) -> tuple:
    """By the first day of the period, the wider first on a tie (a decade, its first year, month, week, day)."""
    start = period_start(event.date) or date.max
    width = len(event.date) + ("X" not in event.date)
    return start, width, event.citations[0].article_id, event.citations[0].start

