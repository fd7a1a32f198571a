"""Time expressions and the calendar dates they stand for.

Each expression becomes a *rule* that may need an anchor date: "on Friday" in a
report of Sunday 30 March 2014 is the Friday before (2014-03-28) because news
reports the past unless the verb says otherwise ("will face ... on 25 May").
Rules are stored, and resolved against the article's publication date, or the
story's first date when the article has none (`resolve`).

- The verb decides the direction (`_tense`): past, future, or "any" when no verb
  says (then the nearest such date). A day named in the past may be the day after
  the anchor (`LAG`: a page's date can be a day behind its text).
- Dates come at the precision the text gives: a day "2014-03-28", an ISO week
  "2014-W13" ("this week"), a month, a year, a decade "196X" ("the 1960s").
- A time of day ("at 9:30 pm", "past midnight") is dated by the day named with
  it, else by the last day named before it; a time zone's clock never moves it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import pairwise

from spacy.tokens import Doc, Token

from ..dates import MONTHS
from ..model import TimeMention

WEEKDAYS = {name: number for number, names in enumerate((
    ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thurs"),
    ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"))) for name in names}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# A time of day that is one whatever surrounds it ("11:30am", "9 p.m.", "21:30").
_CLOCK = r"\b(?:[01]?\d|2[0-3])(?:[:.][0-5]\d)?\s*(?:[ap]\.m\.|[ap]m\b)|\b(?:[01]?\d|2[0-3]):[0-5]\d\b"
_COUNT = r"(?P<count>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_PART_OF_DAY = r"(?:morning|afternoon|evening|night)"
# A month's possessive ("October's election") only as a capitalised full name, and never May ("Theresa May's").
_MONTH_OWNING = r"(?-i:(?P<month>January|February|March|April|June|July|August|September|October|November|December))"
PATTERNS: list[tuple[re.Pattern, str]] = [(re.compile(p, re.IGNORECASE), kind) for p, kind in (
    (rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b", "day-month"),
    (rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR})?", "day-month"),
    (rf"\b{_MONTH}\s+{_YEAR}\b", "month-year"),
    (r"\b(?P<when>last|next|this|on|by|until|from|since)?\s*(?P<weekday>"
     + "|".join(n for n in WEEKDAYS if len(n) > 4) + rf")(?:\s+{_PART_OF_DAY})?\b", "weekday"),
    (r"\b(?P<word>today|tonight|yesterday|tomorrow|last night|this morning|this afternoon|this evening)\b",
     "relative"),
    (rf"\b{_COUNT}\s+(?P<unit>day|week|month|year)s?\s+ago\b", "ago"),
    (rf"\b{_COUNT}\s+(?P<unit>day|week|month|year)s?\s+from\s+now\b", "ahead"),
    (r"\b(?:(?:first|second|third|fourth|last|final)\s+(?:half|quarter)|end|start|beginning|rest|remainder|middle)"
     r"\s+of\s+the\s+year\b", "this-year"),
    (r"\b(?P<when>last|next|this)\s+(?P<unit>week|month|year)\b", "period"),
    (rf"\b(?P<when>last|next|this)\s+{_MONTH}\b", "month"),
    (rf"\b(?:in|since|by|until|of|from)\s+{_MONTH}\b", "month"),
    (rf"\b{_MONTH_OWNING}(?:'s|’s)", "month"),
    (r"\b(?P<decade>(?:1[0-9]|20)\d)0s\b", "decade"),
    (rf"\b{_YEAR}[-–/](?P<end>\d\d)\b", "season"),
    (rf"\b{_YEAR}\b", "year"),
    (r"\b(?:in|since|by|until|of|from)\s+(?P<year>1[0-8]\d\d)\b", "year"),  # older years only after a preposition
    (r"\b(?:past|after)\s+midnight\b", "after-midnight"),
    (rf"{_CLOCK}|\b(?:midnight|noon|midday)\b|\b{_PART_OF_DAY}\b", "clock"),
)]
CLOCK_ANYWHERE = re.compile(_CLOCK, re.IGNORECASE)
ADJACENT = re.compile(r",?\s*(?:(?:of|on)\s+)?")  # "9:30 p.m. Tuesday", "the morning of May 12"
WITH_ITS_DATE = re.compile(r",?\s*\(?")
OWNING = re.compile(r"'s\b|’s\b")
JOINED_YEAR = re.compile(r"\s+(?:and|or|to|through|-|–)\s+(?:19|20)\d\d\b")
# The rule a time of day waits for, and what it becomes once its day is known.
DAY_OF = {"time": "same-day", "after-midnight": "next-day"}
COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
# Words that make a clause speak of the future, or the past, whatever its verb's form.
MODALS = {"will", "'ll", "shall", "wo", "can", "ca", "may", "might", "must", "should"}  # not the past's would/could
PLAN_WORDS = {"due", "scheduled", "planned", "expected", "upcoming", "next"}
PAST_HELPERS = {"has", "have", "had", "'ve", "'d", "was", "were", "did"}
NONFINITE_HELPERS = {"to", "be", "being", "been", "having"}  # "to do", "being invited": no tense of their own
TIME_CLAUSE_WORDS = {"when", "once", "until", "till", "before", "after", "as", "while", "whenever"}


def extract_times(doc: Doc, parses: bool = True) -> list[TimeMention]:
    """Time expressions in text order; with a parse, only inside spaCy's DATE/TIME entities (and clock times
    that are one anywhere, "11:30am"). A time of day is dated by the day named with it, else by the last day
    named before it ("at 9:30 pm" after "on Tuesday night")."""
    text = doc.text  # once: spaCy joins the tokens again on every call
    if parses:
        regions = [_widen(text, e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")]
        regions += [m.span() for m in CLOCK_ANYWHERE.finditer(text)
                    if not any(s < m.end() and m.start() < e for s, e in regions)]
    else:
        regions = [(0, len(text))]
    found: list[TimeMention] = []
    for start, end in _merged(regions):
        found.extend(_in_region(doc, text, start, end))
    return _date_times_of_day(_weekdays_by_their_dates(sorted(found, key=lambda t: t.start), text), text)


def _merged(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping regions as one, so a widened entity and the next one give each expression once."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in a "last"/"on" before the entity so "last Friday" keeps its direction, and a year joined to it
    ("the 2024 and 2028 elections": the small model's entity stops at 2024)."""
    before = text[max(0, start - 6):start].lower()
    for word in ("last ", "next ", "this ", "on ", "in ", "since ", "until ", "by "):
        if before.endswith(word):
            start -= len(word)
            break
    joined = JOINED_YEAR.match(text, end) or OWNING.match(text, end)
    return start, joined.end() if joined else end


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
    day = next((m.rule for m in found if _names_a_day(m.rule)), None)
    if day:  # "the morning of May 12": the time is on the day named with it
        for mention in found:
            if mention.rule in DAY_OF:
                mention.rule = f"{DAY_OF[mention.rule]}:{day}"
    return found


def _weekdays_by_their_dates(found: list[TimeMention], text: str) -> list[TimeMention]:
    """A weekday written with its date ("on Friday, February 14", "Tuesday (June 12)") is that date."""
    for mention, after in pairwise(found):
        if mention.rule.startswith("weekday:") and after.rule.partition(":")[0] in ("date", "month-day") \
                and WITH_ITS_DATE.fullmatch(text, mention.end, after.start):
            mention.rule = after.rule
    return found


def _date_times_of_day(found: list[TimeMention], text: str) -> list[TimeMention]:
    """A time of day left alone is on the day named right after it ("9:30 p.m. Tuesday"), else on the last day
    named before it, else on the day of writing. A possessive day ("tomorrow's elections") names another
    event's day, so it dates no time after it."""
    day = "offset:0"
    for number, mention in enumerate(found):
        if mention.rule in DAY_OF:
            after = found[number + 1] if number + 1 < len(found) else None
            if after and _names_a_day(after.rule) and ADJACENT.fullmatch(text, mention.end, after.start):
                day = after.rule
            mention.rule = f"{DAY_OF[mention.rule]}:{day}"
        elif _names_a_day(mention.rule) and not OWNING.match(text, mention.end):
            day = mention.rule
    return found


def _names_a_day(rule: str) -> bool:
    return rule.partition(":")[0] in ("date", "month-day", "weekday", "offset", "same-day", "next-day")


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
        return f"offset:{ {'yesterday': -1, 'last night': -1, 'tomorrow': 1}.get(word, 0) }"
    if kind in ("ago", "ahead"):
        count = (COUNTS.get(groups["count"].lower()) or int(groups["count"])) * (-1 if kind == "ago" else 1)
        unit = groups["unit"].lower()
        return f"offset:{count * (7 if unit == 'week' else 1)}" if unit in ("day", "week") else f"{unit}-offset:{count}"
    if kind == "this-year":
        return "year-offset:0"
    if kind == "period":
        step = {"last": -1, "next": 1, "this": 0}[groups["when"].lower()]
        return f"{groups['unit'].lower()}-offset:{step}"
    if kind == "month":
        when = (groups.get("when") or "").lower()
        tense = {"last": "past", "next": "future"}.get(when) or _tense(doc, match.start())
        return f"month:{MONTHS[groups['month'].lower()]:02d}:{tense}"
    if kind == "decade":
        return f"decade:{groups['decade']}"
    if kind == "season":  # a season or fiscal year "2013-14" ends, and is decided, in its second year
        first = int(groups["year"])
        last = first - first % 100 + int(groups["end"])
        return f"year:{last + (100 if last < first else 0)}" if last % 100 == (first + 1) % 100 else None
    if kind == "year":
        return f"year:{groups['year']}"
    # A time of day needs its day, and only English day names are read: with no English parse there is none.
    if kind == "after-midnight":
        return "after-midnight" if doc.has_annotation("DEP") else None
    if kind == "clock":
        return "time" if doc.has_annotation("DEP") else None
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
    if kind in ("date", "year"):
        return value
    if kind == "decade":
        return f"{value}X"
    if kind in DAY_OF.values():  # a time of day: the date of its day, the next one "past midnight"
        day = resolve(value, anchor)
        if day is None or kind == "same-day":
            return day
        return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
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
    if kind == "week-offset":  # an ISO week, "2015-W20"
        year, week, _ = (anchor + timedelta(weeks=int(value))).isocalendar()
        return f"{year}-W{week:02d}"
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


def needs_anchor(rule: str) -> bool:
    """Whether the rule's date depends on when it was written ("on Friday"), not given whole ("25 May 2014")."""
    return resolve(rule, None) is None


def resolve_all(times: list[TimeMention], anchor: date | None) -> list[TimeMention]:
    for mention in times:
        mention.date = resolve(mention.rule, anchor)
    return times
