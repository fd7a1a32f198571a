"""Time expressions and the calendar dates they stand for.

Each expression becomes a *rule* that needs an anchor date: "on Friday" in a
report of Sunday 30 March 2014 is the Friday before (2014-03-28) because news
reports the past unless the verb says otherwise ("will face ... on 25 May").
Rules are stored, and resolved against the article's publication date, or the
story's first date when the article has none (`resolve`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from spacy.tokens import Doc, Token

from ..dates import MONTHS
from ..model import TimeMention

WEEKDAYS = {name: number for number, names in enumerate((
    ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thurs"),
    ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"))) for name in names}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
PATTERNS: list[tuple[re.Pattern, str]] = [(re.compile(p, re.IGNORECASE), kind) for p, kind in (
    (rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b", "day-month"),
    (rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR})?", "day-month"),
    (rf"\b{_MONTH}\s+{_YEAR}\b", "month-year"),
    (r"\b(?P<when>last|next|this|on|by|until|from|since)?\s*(?P<weekday>"
     + "|".join(n for n in WEEKDAYS if len(n) > 4) + r")\b", "weekday"),
    (r"\b(?P<word>today|tonight|yesterday|tomorrow|this morning|this afternoon|this evening)\b", "relative"),
    (r"\b(?P<count>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
     r"(?P<unit>day|week|month|year)s?\s+ago\b", "ago"),
    (r"\b(?P<when>last|next|this)\s+(?P<unit>week|month|year)\b", "period"),
    (rf"\b(?:in|since|by|until|of|from)\s+{_MONTH}\b", "month"),
    (rf"\b{_YEAR}\b", "year"),
)]
COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
# Words that make a clause speak of the future, or the past, whatever its verb's form.
MODALS = {"will", "'ll", "shall", "wo", "can", "ca", "may", "might", "must", "should"}  # not the past's would/could
PLAN_WORDS = {"due", "scheduled", "planned", "expected", "upcoming", "next"}
PAST_HELPERS = {"has", "have", "had", "'ve", "'d", "was", "were", "did"}
NONFINITE_HELPERS = {"to", "be", "being", "been", "having"}  # "to do", "being invited": no tense of their own
TIME_CLAUSE_WORDS = {"when", "once", "until", "till", "before", "after", "as", "while", "whenever"}


def extract_times(doc: Doc, parses: bool = True) -> list[TimeMention]:
    """Time expressions in text order; with a parse, only inside spaCy's DATE/TIME entities."""
    text = doc.text  # once: spaCy joins the tokens again on every call
    if parses:
        regions = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")]
        regions = [_widen(text, s, e) for s, e in regions]
    else:
        regions = [(0, len(text))]
    found: list[TimeMention] = []
    for start, end in regions:
        found.extend(_in_region(doc, text, start, end))
    return sorted(found, key=lambda t: t.start)


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in a "last"/"on" before the entity so "last Friday" keeps its direction."""
    before = text[max(0, start - 6):start].lower()
    for word in ("last ", "next ", "this ", "on ", "in ", "since ", "until ", "by "):
        if before.endswith(word):
            return start - len(word), end
    return start, end


def _in_region(doc: Doc, text: str, start: int, end: int) -> list[TimeMention]:
    found, taken = [], []
    for pattern, kind in PATTERNS:
        for match in pattern.finditer(text, start, end):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            rule = _rule(kind, match, doc)
            if rule:
                found.append(TimeMention(match.group(0).strip(), match.start(), match.end(), rule))
                taken.append((match.start(), match.end()))
    return found


def _rule(kind: str, match: re.Match, doc: Doc) -> str | None:
    groups = match.groupdict()
    if kind == "day-month":
        month, day = MONTHS[groups["month"].lower()], int(groups["day"])
        if not 1 <= day <= 31:
            return None
        if groups.get("year"):
            return f"date:{groups['year']}-{month:02d}-{day:02d}"
        return f"month-day:{month:02d}-{day:02d}:{_tense(doc, match.start())}"
    if kind == "month-year":
        return f"year-month:{groups['year']}-{MONTHS[groups['month'].lower()]:02d}"
    if kind == "weekday":
        when = (groups.get("when") or "").lower()
        # "next"/"last" say the direction themselves, and never mean the day of writing
        tense = when if when in ("last", "next") else _tense(doc, match.start())
        return f"weekday:{WEEKDAYS[groups['weekday'].lower()]}:{tense}"
    if kind == "relative":
        word = groups["word"].lower()
        return f"offset:{ {'yesterday': -1, 'tomorrow': 1}.get(word, 0) }"
    if kind == "ago":
        count = COUNTS.get(groups["count"].lower()) or int(groups["count"])
        unit = groups["unit"].lower()
        return f"offset:{-count * (7 if unit == 'week' else 1)}" if unit in ("day", "week") \
            else f"{unit}-offset:{-count}"
    if kind == "period":
        step = {"last": -1, "next": 1, "this": 0}[groups["when"].lower()]
        return f"{groups['unit'].lower()}-offset:{step}"
    if kind == "month":
        return f"month:{MONTHS[groups['month'].lower()]:02d}:{_tense(doc, match.start())}"
    if kind == "year":
        return f"year:{groups['year']}"
    return None


def _token_ending_after(doc: Doc, char: int) -> Token | None:
    """The first token that ends after `char` (a binary search: token ends grow along the doc)."""
    low, high = 0, len(doc)
    while low < high:
        middle = (low + high) // 2
        if doc[middle].idx + len(doc[middle]) > char:
            high = middle
        else:
            low = middle + 1
    return doc[low] if low < len(doc) else None


def _tense(doc: Doc, char: int) -> str:
    """Which way the clause around the expression points from the time of writing: 'past', 'future', or 'any'
    when no verb says (a present tense, no parse): `resolve` then takes the nearest such date.

    The expression's own verb decides; an infinitive, a participle or a present tense in a time clause
    ("to do so later on Friday", "following Saturday's game", "when Everton visit on Saturday") takes the tense
    of the verb it depends on.
    """
    token = _token_ending_after(doc, char)
    if token is None or not doc.has_annotation("DEP"):
        return "any"
    for word in [token, *token.ancestors]:
        if word.lower_ in PLAN_WORDS:
            return "future"
        if word.pos_ not in ("VERB", "AUX"):
            continue
        helpers = {c.lower_ for c in word.children if c.dep_ in ("aux", "auxpass")}
        if helpers & MODALS and not helpers & {"have", "'ve"}:  # "will meet", "can't come"; not "may have met"
            return "future"
        if word.tag_ == "VBD" or helpers & PAST_HELPERS:
            return "past"
        if word.tag_ in ("VB", "VBG", "VBN") and helpers <= NONFINITE_HELPERS or _in_time_clause(word):
            continue  # its time is the governing verb's
        return "any"
    return "any"


def _in_time_clause(verb: Token) -> bool:
    """A present tense after "when", "once", "until"... speaks of the main clause's time ("when they lift ...")."""
    return verb.tag_ in ("VBZ", "VBP") and any(c.lower_ in TIME_CLAUSE_WORDS for c in verb.children
                                               if c.dep_ in ("advmod", "mark"))


# -- resolving rules against an anchor date ---------------------------------------


def resolve(rule: str, anchor: date | None) -> str | None:
    """The date a rule stands for ("2014-03-28", "2014-05", "2019"), or None without an anchor it needs."""
    kind, _, value = rule.partition(":")
    if kind == "date":
        return value
    if kind == "year":
        return value
    if kind == "year-month":
        return value
    if anchor is None:
        return None
    if kind == "offset":
        return (anchor + timedelta(days=int(value))).isoformat()
    if kind == "weekday":
        number, tense = value.split(":")
        return _weekday(anchor, int(number), tense).isoformat()
    if kind == "month-day":
        month_day, _, tense = value.partition(":")
        month, day = (int(x) for x in month_day.split("-"))
        found = _month_day(anchor, month, day, tense)
        return found.isoformat() if found else None
    if kind == "month":
        month, _, tense = value.partition(":")
        return _month(anchor, int(month), tense)
    if kind == "year-offset":
        return str(anchor.year + int(value))
    if kind == "month-offset":
        total = anchor.year * 12 + anchor.month - 1 + int(value)
        return f"{total // 12}-{total % 12 + 1:02d}"
    if kind == "week-offset":
        return (anchor + timedelta(weeks=int(value))).isoformat()[:7]
    return None


# A page's date can be a day behind its text: a breaking story first posted in the evening is rewritten the
# next morning under its first date, and an undated article is anchored on the story's first date. So a day
# named in the past may be one day after the anchor; daily news names a day six days back "last Wednesday".
LAG = timedelta(days=1)


def _weekday(anchor: date, weekday: int, tense: str) -> date:
    """The such weekday the tense points to: "next"/"last" a day strictly after/before the anchor, the future
    the first on or after it, else the nearest one from five days before to one day after (`LAG`)."""
    ahead = (weekday - anchor.weekday()) % 7
    if tense == "next":
        return anchor + timedelta(days=ahead or 7)
    if tense == "future":
        return anchor + timedelta(days=ahead)
    behind = (anchor.weekday() - weekday) % 7
    if tense == "last":
        return anchor - timedelta(days=behind or 7)
    return anchor + LAG if timedelta(days=ahead) == LAG else anchor - timedelta(days=behind)


def _month_day(anchor: date, month: int, day: int, tense: str) -> date | None:
    """The such day the tense points to: the past the last one up to a day after the anchor (`LAG`), the
    future the first from the anchor on, and an undetermined tense the nearest ("due on May 25")."""
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if tense == "past":
        candidates = [c for c in candidates if c <= anchor + LAG][-1:]
    elif tense == "future":
        candidates = [c for c in candidates if c >= anchor][:1]
    return min(candidates, key=lambda c: abs((c - anchor).days), default=None)


def _month(anchor: date, month: int, tense: str) -> str:
    """Like `_month_day` for a month alone: "in July" in a past clause of a June report is last year's July
    (without the day's lag: a month that began the day after the page's date is not yet the past)."""
    years = (anchor.year - 1, anchor.year, anchor.year + 1)
    if tense == "past":
        year = max(y for y in years if (y, month) <= (anchor.year, anchor.month))
    elif tense == "future":
        year = min(y for y in years if (y, month) >= (anchor.year, anchor.month))
    else:  # the nearest such month: "in May" of a March report is the coming one
        year = min(years, key=lambda y: abs((y * 12 + month) - (anchor.year * 12 + anchor.month)))
    return f"{year}-{month:02d}"


def resolve_all(times: list[TimeMention], anchor: date | None) -> list[TimeMention]:
    for mention in times:
        mention.date = resolve(mention.rule, anchor)
    return times
