"""Dates, one place for each rule: the month names, reading a date as a source writes it, and
the meanings of an ISO 8601 value newsprism stores.

- `MONTHS` and `MONTH_PATTERN`: English month names and abbreviations ("Sept" too).
- `parse_date`: any common written date to ISO 8601, never completed from today.
- `as_utc`: a stored ISO value as an aware UTC moment (a date alone counts as midnight UTC).
- `utc_time`: a moment as intake's tables keep it (ISO 8601 UTC to the second, so strings compare as times).
- `calendar_date`: the calendar date of a stored value as the outlet wrote it (its own zone).
- `period_start`: the first day of a date the timeline gives at any precision ("2015-05-12", "2015-05",
  "2015-W20", "2015", the decade "196X"), to put them in time order.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, timezone

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
