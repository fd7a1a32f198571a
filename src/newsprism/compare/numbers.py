"""Numbers grouped by what they count, with each outlet's value and a verdict.

A group is the quantities of the same thing in the same unit ("troop", no unit;
"fund", EUR). A number of 10 or more whose counted thing the parse missed joins a
group that has its exact value from another article. People in no stated condition
("hundreds of people queued") are not compared across articles. Verdicts: `single`
when one outlet reports it, `agree` when every value is compatible with the others
("at least 12" and 12 are; 12 and 13 are not), `update` when the figures agree and only a
floor above them differs ("at least 37" against "26": a count that grew between reports), `conflict`
otherwise. Values of one noun far apart (incompatible and more than `same_count_ratio` apart) count
different things ("410 seats" won, the "650-seat" house, "118 seats" for the loser; "seven cars"
derailed, "three cars" on their side): each run of near values is its own group, so only reports
that could count the same thing are compared.
"""

from __future__ import annotations

from collections import defaultdict

from ..config import DossierSettings
from ..model import Analysis, Article, Citation, NumberGroup, NumberReport, Quantity, outlet_names
from .boilerplate import ReportingSpans

CROWDS = {"people"}


def compare_numbers(articles: list[Article], analyses: dict[str, Analysis],
                    settings: DossierSettings = DossierSettings()) -> list[NumberGroup]:
    outlet = outlet_names(articles)
    groups: dict[tuple[str, str | None, str | None], list[tuple[str, Quantity]]] = defaultdict(list)
    orphans = []
    for article in articles:
        reporting = ReportingSpans(article.text, analyses[article.id].sentences)
        for quantity in analyses[article.id].quantities:
            if reporting.is_residue(quantity.start):
                continue  # a number in a caption, a credit or a date line reports nothing
            if quantity.what:
                # A crowd in no stated condition ("two people were seen", "hundreds of people queued")
                # is a different crowd in every report: compared with nothing.
                own = article.id if quantity.what in CROWDS else None
                groups[(quantity.what, quantity.unit, own)].append((article.id, quantity))
            else:
                orphans.append((article.id, quantity))
    for article_id, quantity in orphans:
        if quantity.value < settings.min_unlabelled_number:
            continue  # "one", "five": an equal small number elsewhere is chance, not evidence
        home = [key for key, items in groups.items() if key[1] == quantity.unit and key[2] is None and any(
            q.value == quantity.value and a != article_id for a, q in items)]
        if len(home) == 1:
            groups[home[0]].append((article_id, quantity))
    entries = [_group(what, unit, near, outlet, settings) for (what, unit, _), items in groups.items()
               for near in _near_values(items, settings)]
    order = {"conflict": 0, "update": 1, "agree": 2, "single": 3}
    return sorted(entries, key=lambda e: (order[e.verdict], -len(e.reports), e.what))


def _near_values(items: list[tuple[str, Quantity]], settings: DossierSettings) -> list[list[tuple[str, Quantity]]]:
    """The items in runs of near values (in value order), each run in text order: a value joins a run when
    it is compatible with the run's largest value or within `same_count_ratio` of it ("more than 50" allows
    140, but 65 between them says 140 counts something else)."""
    runs: list[list[tuple[str, Quantity]]] = []
    for item in sorted(items, key=lambda item: item[1].value):
        if runs and _near(runs[-1][-1][1], item[1], settings):
            runs[-1].append(item)
        else:
            runs.append([item])
    position = {id(item): n for n, item in enumerate(items)}
    return [sorted(run, key=lambda item: position[id(item)]) for run in runs]


def _near(smaller: Quantity, larger: Quantity, settings: DossierSettings) -> bool:
    if compatible([smaller, larger], settings.approximate_margin):
        return True
    return smaller.value > 0 and larger.value < smaller.value * settings.same_count_ratio


def _group(what: str, unit: str | None, items: list[tuple[str, Quantity]], outlet: dict[str, str],
           settings: DossierSettings) -> NumberGroup:
    reports = [NumberReport(q.value, q.low, q.high, q.approximate, q.text, Citation(a, q.start, q.end))
               for a, q in items]
    outlets = {outlet[a] for a, _ in items}
    if len(outlets) < 2:
        verdict = "single"
    else:
        verdict = _verdict([q for _, q in items], settings.approximate_margin)
    return NumberGroup(what=what, unit=unit, verdict=verdict, reports=reports)


def _verdict(quantities: list[Quantity], margin: float) -> str:
    if compatible(quantities, margin):
        return "agree"
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
