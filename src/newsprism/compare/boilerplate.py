"""Text that is not reporting: photo captions and credits, bylines, datelines, copyright and "Updated:" lines,
share/navigation residue that plain-text input keeps.

The analysis keeps every sentence as the article has it (citations quote the stored text verbatim); the
dossier asks here which part of a sentence reports anything. `reporting_span` cuts a leading residue off a
sentence (a scraper's "date 2023-06-30" line, "BRASILIA, June 30 (Reuters) -", "By Jane Doe") and returns
None for a sentence that is residue as a whole. The rules are about the *form* of such lines, which is the
same in every outlet's copy, never about a story's words.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..dates import MONTH_PATTERN
from ..spans import strip_span

_MONTH = MONTH_PATTERN  # the one month table (dates.py)
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?"
_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:[-+]\d{2}(?::?\d{2})?|Z)?)?"
_CLOCK = r"\d{1,2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,4})?"
# "May 12, 2015", "12 May 2015", "Sat, 5 October 2024", "2015-05-13 11:31:55-04", optionally "at 10:21 PM EDT"
_DATE = (rf"(?:{_DAY}\s*)?(?:{_ISO}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?(?:\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH},?"
         rf"(?:\s+\d{{4}})?)(?:,?\s*(?:at\s+)?{_CLOCK})?")
_AGENCIES = r"(?:Reuters|AP|AFP|dpa|EPA|PA|Getty Images|Alamy|Shutterstock|Xinhua|Bloomberg|ANSA|TASS|UPI|IANS|PTI)"

_PLACE = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}(?:,\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2})?"
# A leading residue, cut off the sentence (tried again and again: a byline may precede a dateline).
_PREFIXES = [re.compile(p) for p in (
    rf"^(?:date|published|posted|updated|last updated)\s*:?\s*(?:on\s+)?{_DATE}\s*(?:[|—–-]\s*)?",  # metadata lines
    r"^[Bb]y\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:,\s*[\w ]{0,40}(?:Staff|Writer|Correspondent|Reporter)s?)?"
    r"(?=\s+[A-Z]{3,}|\s*[|,]|\s+(?:Posted|Published|Updated)\b)\s*[|,]?\s*",  # "By Jane Doe" before a dateline
    # datelines: "BRASILIA, June 30 (Reuters) -", "London, July 6 (FN Representative)", "PARIS (AFP) -"
    rf"^{_PLACE},\s*{_MONTH}\s+\d{{1,2}}\s*\([\w .&/-]{{2,40}}\)\s*[-—–:]*\s*",
    rf"^{_PLACE}\s*\([\w .&/-]{{2,40}}\)\s*[-—–:]+\s*",
    r"^[A-Z][A-Z.'’ -]{2,30}(?:,\s*[A-Za-z.'’ ]{1,30})?\s*[—–-]{1,2}\s+(?=[A-Z])",  # "PHILADELPHIA — "
    r"^[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?,\s*[A-Z][a-z]{1,4}\.\s*[-—–]+\s*",  # "Seattle, Wash.- "
    r"^[A-Z][\w.'’ -]{1,30},\s*[\w.'’ ]{1,30}\s*\|\s*[\w ]{2,20}\s*\|\s*",  # "London, United Kingdom | AFP |"
    rf"^(?:Posted|Published|Updated|Last updated)\s*:?\s*{_DATE}\s*",
    r"^Scroll down for (?:video|pictures|more)\s*",
)]

# A whole sentence of residue.
_RESIDUE = [re.compile(p, re.IGNORECASE) for p in (
    r"^\s*(?:©|\(c\)|copyright\b)", r"\ball rights reserved\b", r"\bimage copyright\b", r"\b(?:photo|image|picture)"
    r"s?\s*(?:credit)?\s*:", r"\bgetty images\b", r"\b(?:AP|AFP|Reuters|EPA|PA) (?:Photo|Images)\b",
    rf"^\s*(?:posted|published|updated|last updated)\s*:?\s*(?:at|on)?\s*(?:{_DATE}|\d{{1,2}}:\d{{2}})", r"^\s*by\s*\|",
    r"^\s*(?:share(?:\s+(?:this|on|via)\b|\s*:|\s*$)|follow (?:us|him|her|them)|read more|read the full|sign up"
    r"|subscribe|click here|tap (?:to|in)|install\b|download (?:our|the)|view:|menu\b|advertisement|related:"
    r"|locations?:|people:|topics?:|tags?:|more on\b|watch:|listen:|see also\b|skip to\b|timeline:|gallery:|video:"
    r"|in pictures:)",
    r"\b(?:is|are) pictured\b", r"\bpictured (?:above|below|here)\b",  # photo captions
    # an author's note: "Jane Doe covers politics for the Daily X", "John Roe is a staff writer at Y"
    r"^[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,2} (?:covers .{3,80} (?:for|at)|is an? (?:[\w-]+ ){0,3}(?:reporter|"
    r"correspondent|writer|editor|journalist|columnist) (?:for|at|with))\b",
    r"pic\.twitter\.com/", r"^\s*[—–-]\s*.{0,60}\(@\w+\)",
)]
_CREDIT_END = re.compile(rf"(?:\(\s*{_AGENCIES}[\w /]*\)|/\s*{_AGENCIES})\s*\.?\s*$")
# Reuters' caption form: "... in Philadelphia, Pennsylvania May 12, 2015." (a place straight before a full date)
_CAPTION_END = re.compile(rf"\b[A-Z][a-z]+,?\s+{_MONTH}\s+\d{{1,2}},\s+\d{{4}}\.?\s*$")
_ONLY_DATE = re.compile(rf"^\W*(?:{_DATE}|{_CLOCK}|\d{{4}})\W*$")
HEADLINE_WORDS = 10  # headlines run to about ten words; paragraphs that lost their full stop are longer
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$")
_QUOTED = re.compile(r"[\"“”«»„]")


def reporting_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The part of the sentence text[start:end] that reports something, or None when none does."""
    start, end = strip_span(text, start, end)
    if _is_headline(text, start, end):
        return None
    return _without_residue(text, start, end)


def headline_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The part of a headline or sub-headline text[start:end] that is no byline, dateline or residue (what a
    headline names, the outlet names), or None when it is not a headline or is residue as a whole."""
    start, end = strip_span(text, start, end)
    return _without_residue(text, start, end) if _is_headline(text, start, end) else None


def _without_residue(text: str, start: int, end: int) -> tuple[int, int] | None:
    cut = True
    while cut and start < end:
        cut = False
        for prefix in _PREFIXES:
            match = prefix.match(text[start:end])  # a slice: "^" anchors at the string's start only
            if match and match.end() >= len(text[start:end].rstrip()):
                return None  # the sentence is a dateline or a date line and nothing else
            if match and match.end() > 0:
                start, end = strip_span(text, start + match.end(), end)
                cut = True
    sentence = text[start:end]
    if not sentence or _is_residue(sentence):
        return None
    return start, end


def _is_headline(text: str, start: int, end: int) -> bool:
    """A line of its own that does not end as a sentence ends: a headline, a sub-headline, a label."""
    alone = text[:start].rstrip(" \t").endswith("\n") or not text[:start].strip()
    alone = alone and (text[end:].lstrip(" \t").startswith("\n") or not text[end:].strip())
    # (a long unpunctuated paragraph is scraped reporting that lost its full stop)
    return alone and not _SENTENCE_END.search(text[start:end]) and len(text[start:end].split()) <= HEADLINE_WORDS


def _is_residue(sentence: str) -> bool:
    if any(p.search(sentence) for p in _RESIDUE) or _ONLY_DATE.match(sentence):
        return True
    if _CREDIT_END.search(sentence) or _CAPTION_END.search(sentence) and " on " not in sentence[-40:]:
        return True
    # An unquoted short question is a sub-headline ("How did the bridge collapse?"), not a report.
    return sentence.endswith("?") and not _QUOTED.search(sentence) and len(sentence.split()) <= 10


class ReportingSpans:
    """The reporting part of every sentence of one article (in text order), for look-ups by character."""

    def __init__(self, text: str, sentences: list[tuple[int, int]]):
        self.sentences = sentences
        self.spans = [reporting_span(text, s, e) for s, e in sentences]

    def of(self, char: int) -> tuple[int, int] | None:
        """The reporting span of the sentence holding `char`, or None (residue, or outside every sentence)."""
        index = bisect_right(self.sentences, (char, float("inf"))) - 1
        if index >= 0 and self.sentences[index][0] <= char < self.sentences[index][1]:
            span = self.spans[index]
            return span if span and span[0] <= char < span[1] else None
        return None

    def is_residue(self, char: int) -> bool:
        """Whether `char` lies in a sentence (or a sentence's leading part) that reports nothing."""
        index = bisect_right(self.sentences, (char, float("inf"))) - 1
        if index < 0 or not self.sentences[index][0] <= char < self.sentences[index][1]:
            return False  # outside every sentence: not judged here
        span = self.spans[index]
        return span is None or not span[0] <= char < span[1]
