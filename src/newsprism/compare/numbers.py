"""Numbers grouped by what they count, with each outlet's value and a verdict.

A group is the quantities of the same thing in the same unit ("troop", no unit;
"fund", EUR). A number of 10 or more whose counted thing the parse missed joins a
group that has its exact value from another article. People in no stated condition
("hundreds of people queued") are not compared across articles. Verdicts: `single`
when one outlet reports it, `agree` when every value is compatible with the others
("at least 12" and 12 are; 12 and 13 are not) or when no two outlets contradict each
other (an outlet giving two figures, one of them another outlet's, reports two things),
`update` when the figures agree and only a floor above them differs ("at least 37"
against "26": a count that grew between reports), `conflict` when reports of two
outlets cannot both be true. A conflict lists only the reports that take a side: a
report compatible with every other ("more than 400" beside 410 and 412) is in a group
of its own. Values of one noun far apart (incompatible and more than `same_count_ratio`
apart) count different things ("410 seats" won, "118 seats" for the loser; "seven
cars" derailed, "three cars" on their side): each run of near values is its own group,
so only reports that could count the same thing are compared. A figure its clause
places in an earlier year than the story ("368 seats in the 2019 elections", "down
from 365 in 2019") is compared only with figures of that year.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..config import DossierSettings
from ..model import Analysis, Article, Citation, NumberGroup, NumberReport, Quantity, outlet_names
from .boilerplate import ReportingSpans

CROWDS = {"people"}
_YEAR = r"(1[89]\d\d|20\d\d)"
# A year after the number in its clause ("368 seats in the 2019 elections"), or opening its sentence
# ("In 2019, the party won 365 seats"; not "which ruled since 2010, won 121 seats").
_YEAR_AFTER = re.compile(rf"[^.;:,\d]{{0,40}}?\b{_YEAR}\b")
_YEAR_BEFORE = re.compile(rf"(?:^|[.!?]\s+)(?:in|during)\s+(?:the\s+)?{_YEAR}\b[^.;:\d]{{0,60}}$", re.IGNORECASE)


def compare_numbers(articles: list[Article], analyses: dict[str, Analysis],
                    settings: DossierSettings = DossierSettings()) -> list[NumberGroup]:
    outlet = outlet_names(articles)
    groups: dict[tuple[str, str | None, str | None], list[tuple[str, Quantity]]] = defaultdict(list)
    orphans = []
    latest = max((int(a.published[:4]) for a in articles if (a.published or "")[:4].isdigit()), default=None)
    for article in articles:
        reporting = ReportingSpans(article.text, analyses[article.id].sentences)
        for quantity in analyses[article.id].quantities:
            if reporting.is_residue(quantity.start):
                continue  # a number in a caption, a credit or a date line reports nothing
            if quantity.what:
                # A crowd in no stated condition ("two people were seen", "hundreds of people queued")
                # is a different crowd in every report: compared with nothing.
                own = article.id if quantity.what in CROWDS else None
                year = past_year(article.text, quantity, latest)
                what = f"{quantity.what} in {year}" if year else quantity.what
                groups[(what, quantity.unit, own)].append((article.id, quantity))
            else:
                orphans.append((article.id, quantity))
    for article_id, quantity in orphans:
        if quantity.value < settings.min_unlabelled_number:
            continue  # "one", "five": an equal small number elsewhere is chance, not evidence
        home = [key for key, items in groups.items() if key[1] == quantity.unit and key[2] is None and any(
            q.value == quantity.value and a != article_id for a, q in items)]
        if len(home) == 1:
            groups[home[0]].append((article_id, quantity))
    entries = [entry for (what, unit, _), items in groups.items() for near in _near_values(items, settings)
               for entry in _groups(what, unit, near, outlet, settings)]
    order = {"conflict": 0, "update": 1, "agree": 2, "single": 3}
    return sorted(entries, key=lambda e: (order[e.verdict], -len(e.reports), e.what))


def past_year(text: str, quantity: Quantity, latest: int | None) -> int | None:
    """The year the number's clause names when it is before `latest` (the story's latest year; any year when
    no article is dated): "they won 368 seats in the 2019 elections" counts the seats of 2019."""
    after = _YEAR_AFTER.match(text, quantity.end)
    before = _YEAR_BEFORE.search(text, max(0, quantity.start - 80), quantity.start)
    for match in (after, before):
        if match and (latest is None or int(match.group(1)) < latest):
            return int(match.group(1))
    return None


def _near_values(items: list[tuple[str, Quantity]], settings: DossierSettings) -> list[list[tuple[str, Quantity]]]:
    """The items in runs of near values (in value order), each run in text order: a value joins a run when
    it is within `same_count_ratio` of the run's largest value, or compatible with it unless that is a floor
    ("more than 50" allows any value above it, so it says nothing about what 140 counts)."""
    runs: list[list[tuple[str, Quantity]]] = []
    for item in sorted(items, key=lambda item: item[1].value):
        if runs and _near(runs[-1][-1][1], item[1], settings):
            runs[-1].append(item)
        else:
            runs.append([item])
    position = {id(item): n for n, item in enumerate(items)}
    return [sorted(run, key=lambda item: position[id(item)]) for run in runs]


def _near(smaller: Quantity, larger: Quantity, settings: DossierSettings) -> bool:
    if smaller.value > 0 and larger.value < smaller.value * settings.same_count_ratio:
        return True
    open_floor = smaller.low is not None and smaller.high is None
    return not open_floor and compatible([smaller, larger], settings.approximate_margin)


def _groups(what: str, unit: str | None, items: list[tuple[str, Quantity]], outlet: dict[str, str],
            settings: DossierSettings) -> list[NumberGroup]:
    """The run as one group; a conflict as the reports that take a side, and those that take none apart."""
    verdict = _verdict(items, outlet, settings.approximate_margin)
    if verdict != "conflict":
        return [_group(what, unit, verdict, items)]
    margin = settings.approximate_margin
    sides = [item for item in items if any(_against(item, other, items, outlet, margin) for other in items)]
    rest = [item for item in items if item not in sides]
    groups = [_group(what, unit, "conflict", sides)]
    if rest:
        groups.append(_group(what, unit, _verdict(rest, outlet, margin), rest))
    return groups


def _group(what: str, unit: str | None, verdict: str, items: list[tuple[str, Quantity]]) -> NumberGroup:
    reports = [NumberReport(q.value, q.low, q.high, q.approximate, q.text, Citation(a, q.start, q.end))
               for a, q in items]
    return NumberGroup(what=what, unit=unit, verdict=verdict, reports=reports)


def _against(one: tuple[str, Quantity], other: tuple[str, Quantity], items: list[tuple[str, Quantity]],
             outlet: dict[str, str], margin: float) -> bool:
    """Whether two reports of two outlets contradict each other: incompatible, and neither outlet also gives
    a figure compatible with the other's (an outlet giving 7 and 6 that agrees with another's 7 counts two
    things: the six cars behind the engine are not a seventh-car dispute)."""
    (a, q), (b, r) = one, other
    if outlet[a] == outlet[b] or compatible([q, r], margin):
        return False
    # only a figure that pins the value down counts as the outlet's own: "at least a dozen" allows any toll
    return not any(compatible([x, r], margin) for c, x in items if outlet[c] == outlet[a] and _closed(x)) \
        and not any(compatible([q, y], margin) for d, y in items if outlet[d] == outlet[b] and _closed(y))


def _closed(q: Quantity) -> bool:
    return (q.low is None) == (q.high is None)


def _verdict(items: list[tuple[str, Quantity]], outlet: dict[str, str], margin: float) -> str:
    if len({outlet[a] for a, _ in items}) < 2:
        return "single"
    quantities = [q for _, q in items]
    if compatible(quantities, margin):
        return "agree"
    if not any(_against(one, other, items, outlet, margin) for one in items for other in items):
        return "agree"  # no two outlets contradict each other: an outlet's second figure is another thing
    floors = [q for q in quantities if q.low is not None and q.high is None]
    ceilings = [q for q in quantities if q.high is not None and q.low is None]
    figures = [q for q in quantities if q not in floors and q not in ceilings]
    if floors and figures and not ceilings and compatible(figures, margin):
        # floors never contradict each other, so a floor above what the figures allow is what differs
        return "update"  # "26 dead" and "at least 37 dead": a count still growing, the floor raised since
    return "conflict"


def compatible(quantities: list[Quantity], margin: float = DossierSettings.approximate_margin) -> bool:
    """Whether one value could be true for every report (exact values, ranges and hedges): "at least 12"
    and 12 are, 12 and 13 are not, "about 40,000" covers `margin` of 40,000 either side."""
    low = max((_low(q, margin) for q in quantities), default=float("-inf"))
    high = min((_high(q, margin) for q in quantities), default=float("inf"))
    return low <= high


def _low(q: Quantity, margin: float) -> float:
    if q.low is not None:
        return q.low
    if q.high is not None:
        return float("-inf")
    return q.value * (1 - margin if q.approximate else 1.0)


def _high(q: Quantity, margin: float) -> float:
    if q.high is not None:
        return q.high
    if q.low is not None:
        return float("inf")
    return q.value * (1 + margin if q.approximate else 1.0)
