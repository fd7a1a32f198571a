"""Dates, one place for each rule: the month names, reading a date as a source writes it, and
the meanings of an ISO 8601 value newsprism stores.

- `MONTHS` and `MONTH_PATTERN`: English month names and abbreviations ("Sept" too).
- `parse_date`: any common written date to ISO 8601, never completed from today.
- `as_utc`: a stored ISO value as an aware UTC moment (a date alone counts as midnight UTC).
- `utc_time`: a moment as intake's tables keep it (ISO 8601 UTC to the second, so strings compare as times).
- `calendar_date`: the calendar date of a stored value as the outlet wrote it (its own zone).
- `period_start`: the first day of a date the timeline gives at any precision ("2015-05-12", "2015-05",
  "2015-W20", "2015", the decade "196X"), to put them in time order.
- `dates_named`: the dates a text names (day, month, year as far as written), in its language's month names
  (babel's CLDR data) or in numbers of any script.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from datetime import date, datetime, timezone
from functools import lru_cache

from babel import Locale, UnknownLocaleError, localedata
from babel.dates import get_month_names
from dateutil import parser as dateparser

MONTHS: dict[str, int] = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), start=1) for name in names}
# A month name or abbreviation as written in running text ("Oct.", "October", "SEPT"), in any case;
# longest first so "June" is not read as "Jun" + "e".
MONTH_PATTERN = r"(?i:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?"

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PROBES = (datetime(2000, 1, 1, 0, 0, 0), datetime(2001, 2, 2, 1, 1, 1))
# North American zone names as pages print them; ambiguous ones (IST, CST in Asia) stay unzoned.
_ZONES = {name: offset * 3600 for name, offset in (
    ("EST", -5), ("EDT", -4), ("CDT", -5), ("MST", -7), ("MDT", -6), ("PST", -8), ("PDT", -7),
    ("GMT", 0), ("UTC", 0), ("BST", 1), ("CET", 1), ("CEST", 2))}
_AT_SIGN = re.compile(r"\s@\s")


def parse_date(value: str | None) -> str | None:
    """ISO 8601: a date alone when only the date is known, with the time zone when known.

    A value missing its year, month or day gives None: it is not completed from today.
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    if _DATE_ONLY.match(value):
        try:
            return datetime.strptime(value, "%Y-%m-%d").date().isoformat()
        except ValueError:
            return None
    value = _AT_SIGN.sub(" ", value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an unknown zone name leaves the time unzoned
        try:
            first, second = (dateparser.parse(value, default=probe, tzinfos=_ZONES) for probe in _PROBES)
        except (ValueError, OverflowError, TypeError):
            return None
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None
    if (first.hour, first.minute) != (second.hour, second.minute):
        return first.date().isoformat()
    if first.second != second.second:  # hours and minutes given, seconds not
        first = first.replace(second=0)
    return first.isoformat()


def as_utc(value: str | None) -> datetime | None:
    """An ISO 8601 value as an aware UTC datetime (a date, or a time without zone, counts as UTC)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except OverflowError:  # 9999-12-31T23:00-05:00 is past the last moment Python can hold in UTC
        return None


def utc_time(value: str | datetime | None = None) -> str:
    """A moment as the intake tables keep it: ISO 8601 in UTC to the second ("2026-11-29T11:30:00+00:00"),
    so that comparing two such strings compares the moments; now when not given. A time without a zone
    counts as UTC. Raises ValueError for a value that is not ISO 8601."""
    if value is None:
        moment = datetime.now(timezone.utc)
    elif isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    else:
        moment = as_utc(value)
        if moment is None:
            raise ValueError(f"not an ISO 8601 time: {value!r}")
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def calendar_date(value: str | None) -> date | None:
    """The calendar date of an ISO 8601 value as the source wrote it (in its own time zone)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None


_PERIOD = re.compile(r"^(?P<year>\d{3}X|\d{4})(?:-W(?P<week>\d\d)|-(?P<month>\d\d)(?:-(?P<day>\d\d))?)?$")


def period_start(value: str) -> date | None:
    """The first day of a day, ISO week, month, year or decade ("196X") as the timeline writes it."""
    match = _PERIOD.match(value or "")
    if not match:
        return None
    year = int(match["year"].replace("X", "0"))
    try:
        if match["week"]:
            return date.fromisocalendar(year, int(match["week"]), 1)
        return date(year, int(match["month"] or 1), int(match["day"] or 1))
    except ValueError:
        return None


# Dates written with numbers only: 2023-02-06 and 2023-02, 06.02.2023 (day first, as every language that writes
# dots does), 2023年2月6日 and 2月6日 (Chinese, Japanese), 2023년 2월 6일 (Korean). Slashed dates are left out:
# 02/06 is February or June.
_ISO = re.compile(r"(?<![\d.-])((?:19|20)\d\d)-(\d\d)(?:-(\d\d))?(?![\d-])")
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)(?![\d.])")
_EAST_ASIAN = re.compile(r"(?:((?:19|20)\d\d)\s*[年년]\s*)?(\d{1,2})\s*[月월](?:\s*(\d{1,2})\s*[日일])?")
# Dates with a month's name: a word next to a day or a year, looked up among the language's month names.
# A day's ordinal ending: 6., 1er, 1º, 6th, 6ης (Greek), 6-го (Russian).
_ORDINAL = r"(?:\.|er|º|st|nd|rd|th|ης|η|-го|-е)?"
_YEAR_AFTER = r"(?:,?\s+(?:de\s+)?((?:19|20)\d\d)(?!\d))?"  # "6 February 2023", "February 6, 2023", "6 de mayo de 2023"
_DAY_FIRST = re.compile(r"(?<![\d.,])(\d{1,2})" + _ORDINAL + r"\s+(?:de\s+|of\s+)?([^\W\d_]{2,})\.?" + _YEAR_AFTER)
_MONTH_FIRST = re.compile(r"(?<![^\W\d_])([^\W\d_]{2,})\.?\s+(?:de\s+)?(\d{1,4})(?![\d.,:]?\d)" + _ORDINAL
                          + _YEAR_AFTER)
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # a decimal digit of another script: ٦, ६, ６

NamedDate = tuple[int | None, int, int | None]  # (year or None, month, day or None)


def dates_named(text: str, language: str = "en") -> set[NamedDate]:
    """The dates `text` names, each as (year, month, day) with the year or the day None when not written:
    in the month names of its language and English ("6 February 2023", "February 6", "6. Februar",
    "6 февраля 2023 года", "6 de febrero", "٦ فبراير", "May 2017", "mai 2017") or in numbers alone (2023-02-06,
    2023-02, 06.02.2023, 2023年2月6日, 2月6日, 2월 6일). Digits of any script count (Arabic-Indic ٦ is 6).

    Dates survive translation: a report of an event in any language names its day and month.
    """
    text = _around_numbers(text)  # its \d finds the digits of every script
    if not text.isascii():
        text = _OTHER_DIGIT.sub(lambda match: str(unicodedata.decimal(match[0])), text)
    found: set[NamedDate] = set()
    for match in _ISO.finditer(text):
        found.add((int(match[1]), int(match[2]), int(match[3]) if match[3] else None))
    for match in _DOTTED.finditer(text):
        found.add((int(match[3]), int(match[2]), int(match[1])))
    for match in _EAST_ASIAN.finditer(text) if "月" in text or "월" in text else ():
        if match[1] or match[3]:  # "2月" alone is "February" or "two months"
            found.add((_number(match[1]), int(match[2]), _number(match[3])))
    months = _month_names(language)
    for match in _DAY_FIRST.finditer(text):
        month = months.get(match[2].casefold())
        if month:
            found.add((_number(match[3]), month, int(match[1])))
    for match in _MONTH_FIRST.finditer(text):
        month, number = months.get(match[1].casefold()), int(match[2])
        if month and len(match[2]) == 4 and 1900 <= number < 2100:  # "May 2017"
            found.add((number, month, None))
        elif month and len(match[2]) <= 2:  # "February 6", "February 6, 2023"
            found.add((_number(match[3]), month, number))
    return {(year, month, day) for year, month, day in found if 1 <= month <= 12 and (day is None or 1 <= day <= 31)}


_DIGITS = re.compile(r"\d+")
_REACH = 30  # a date's words reach this far from its numbers ("6 de septiembre de 2023", "September 6, 2023")


def _around_numbers(text: str) -> str:
    """Only the stretches of `text` around its numbers, whole words, one line each: every date has a number,
    and scanning a few stretches is several times faster than scanning a whole article six times."""
    stretches, end = [], -1
    for match in _DIGITS.finditer(text):
        start, stop = match.start(), match.end()
        if start <= end:  # within the previous stretch: extend it
            stretches[-1][1] = stop
        else:
            stretches.append([start, stop])
        end = stop + _REACH
    parts = []
    for start, stop in stretches:
        low = max(0, start - _REACH)
        # Begin and end at a space, so no word is cut ("Wei|mar 5" is not March); text without spaces
        # (Chinese, Japanese) is taken as it comes.
        space = text.find(" ", low, start) if low else -1
        low = space + 1 if space >= 0 else low
        high = min(len(text), stop + _REACH)
        space = text.rfind(" ", stop, high) if high < len(text) else -1
        high = space if space >= 0 else high
        parts.append(text[low:high])
    return "\n".join(parts)


def _number(text: str | None) -> int | None:
    return int(text) if text else None


@lru_cache(maxsize=128)
def _month_names(language: str) -> dict[str, int]:
    """The month number of each month name and abbreviation of `language` (in every region babel has: Arabic
    writes September سبتمبر in Egypt, شتنبر in Morocco, أيلول in Lebanon) and of English, casefolded: names from
    the CLDR data babel carries, in the forms dates use (февраля, not февраль). Names of two words (كانون الثاني)
    are left out: a date's month is read as one word."""
    months = dict(MONTHS)
    base = (language or "en").replace("-", "_").split("_")[0].lower()
    for identifier in _regions_of(base):
        try:
            locale = Locale.parse(identifier)
            for width in ("wide", "abbreviated"):
                for number, name in get_month_names(width, "format", locale=locale).items():
                    name = name.casefold().rstrip(".")
                    if len(name) >= (2 if width == "wide" else 3) and name.isalpha():
                        months.setdefault(name, number)
        except (UnknownLocaleError, ValueError, TypeError):
            continue  # a locale babel lists but cannot load: the others still count
    return months


def _regions_of(language: str) -> list[str]:
    """babel's locales of `language` (ar, ar_EG, ar_MA, ...); none for a language it does not know."""
    return [identifier for identifier in localedata.locale_identifiers()
            if identifier == language or identifier.startswith(language + "_")]
