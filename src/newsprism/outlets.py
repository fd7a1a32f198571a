"""Outlets: per-outlet figures over the store, the attributes users attach to outlets, and a story's coverage
split by those attributes (which groups covered it, which did not at all: its blindspots).

Figures from the articles alone (`Store.outlet_figures`, one SQL query) cover the whole store. Two figures
need dossiers: exclusive facts (sentences only this outlet reports in a story) and changed quotes (quotations
it ran that another outlet worded differently). Each story's are stored when its dossier is built from complete
analyses (`record_contributions`: the web app's analysis worker and story pages, `story_dossier`), under a key
of what it was built from, and the figures sum the stored rows (one SQL query) over the stories that 2+ outlets
cover. Every result says over how many of them it counted (the others are not fully analysed yet).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import DossierSettings
from .model import OutletFigures
from .oneline import one_line
from .store import outlet_key

log = logging.getLogger(__name__)

FILL_STORIES = 10  # stories `outlets list` stores the contributions of before counting (when it may write)
MAX_CSV_BYTES = 50_000_000
MAX_CELL = 1000  # characters in one outlet name or value
MAX_ATTRIBUTE = 100  # characters in one attribute name
DELIMITERS = (",", ";", "\t")
# Orders of the outlet table: counts most first, the delay least first (outlets without one last), names A-Z.
SORTS = ("name", "articles", "stories", "shared_stories", "first_reports", "median_delay", "exclusive_facts",
         "changed_quotes")


class OutletImportError(ValueError):
    """The attribute file cannot be read at all (binary, empty, not UTF-8, no `outlet` column)."""


@dataclass
class OutletImport:
    """What `import_attributes` did: outlets given values, the attribute columns, values set and removed
    (an empty cell removes that attribute), and one line per row left out."""

    outlets: int = 0
    attributes: list[str] = field(default_factory=list)
    values_set: int = 0
    values_removed: int = 0
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"outlets": self.outlets, "attributes": list(self.attributes), "values_set": self.values_set,
                "values_removed": self.values_removed, "problems": list(self.problems)}

    def summary(self) -> str:
        removed = f", {self.values_removed} removed" if self.values_removed else ""
        skipped = f", {len(self.problems)} row(s) skipped" if self.problems else ""
        return (f"{self.outlets} outlet(s), attributes {', '.join(self.attributes)}: {self.values_set} value(s) "
                f"set{removed}{skipped}")


# --- importing attributes --------------------------------------------------------------------------------

def import_attributes(store, path: str | Path) -> OutletImport:
    """Attach the attributes in a CSV file to outlets: first column `outlet`, every other column an attribute.

    For each outlet in the file, the attributes of the file's columns are replaced (an empty cell removes
    it); its other attributes stay. Bad rows are left out, one line each in `problems`; the rest is written
    in one transaction. A file that cannot be read at all raises OutletImportError with the reason."""
    attributes, rows, problems = read_attribute_csv(path)
    values = [(outlet, attribute, value) for _, outlet, cells in rows
              for attribute, value in zip(attributes, cells, strict=True)]
    store.set_outlet_attributes(values)
    return OutletImport(outlets=len(rows), attributes=attributes, values_set=sum(1 for *_, v in values if v),
                        values_removed=sum(1 for *_, v in values if not v), problems=problems)


def read_attribute_csv(path: str | Path) -> tuple[list[str], list[tuple[int, str, list[str]]], list[str]]:
    """(attribute names, [(line, outlet, values)], problems) from a CSV file; see `import_attributes`."""
    text = _csv_text(Path(path))
    delimiter, header = _header(text)
    attributes = [cell.strip() for cell in header[1:]]
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows, problems, seen = [], [], {}
    try:
        next(reader)
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            problem = _row_problem(cells, len(header), seen)
            if problem:
                problems.append(f"line {line}: {problem}; skipped")
                continue
            outlet = cells[0].strip()
            seen[outlet_key(outlet)] = line
            rows.append((line, outlet, [cell.strip() for cell in cells[1:]]))
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {one_line(str(exc), 120)}; the rest of the file is not read")
    return attributes, rows, problems


def _csv_text(path: Path) -> str:
    """The file's text, or OutletImportError saying in one line why it is not a CSV file to read."""
    if path.is_dir():
        raise OutletImportError(f"{path}: is a folder, not a CSV file")
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise OutletImportError(f"{path}: {size:,} bytes, larger than the {MAX_CSV_BYTES:,} bytes read")
        data = path.read_bytes()
    except OSError as exc:
        raise OutletImportError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if b"\x00" in data:
        raise OutletImportError(f"{path}: a binary file (it holds NUL bytes), not a CSV file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OutletImportError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                                "save the CSV as UTF-8") from None
    if not text.strip():
        raise OutletImportError(f"{path}: empty; expected a header line starting with `outlet`")
    return text


def _header(text: str) -> tuple[str, list[str]]:
    """The delimiter (comma, semicolon or tab: the one that makes `outlet` the first of 2+ columns) and the
    header's cells; OutletImportError when the header is not `outlet,ATTRIBUTE...`."""
    first_line = text.lstrip("\r\n").splitlines()[0]
    for delimiter in DELIMITERS:
        header = next(csv.reader([first_line], delimiter=delimiter))
        if header and header[0].strip().casefold() == "outlet" and len(header) > 1:
            names = [cell.strip() for cell in header[1:]]
            _check_attribute_names(names)
            return delimiter, header
    found = one_line(first_line, 60)
    if first_line.strip().casefold() == "outlet":
        raise OutletImportError("the header has only the `outlet` column; add a column per attribute "
                                "(e.g. outlet,country)")
    raise OutletImportError(f"the header must start with an `outlet` column, then one column per attribute "
                            f"(found {found!r})")


def _check_attribute_names(names: list[str]) -> None:
    for number, name in enumerate(names, start=2):
        if not name:
            raise OutletImportError(f"column {number} of the header has no name")
        if len(name) > MAX_ATTRIBUTE:
            raise OutletImportError(f"column {number} of the header: a name longer than {MAX_ATTRIBUTE} characters")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise OutletImportError(f"the header names {one_line(repeated[0], 60)!r} twice")


def _row_problem(cells: list[str], columns: int, seen: dict[str, int]) -> str | None:
    if len(cells) != columns:
        return f"{len(cells)} cell(s), the header has {columns}"
    outlet = cells[0].strip()
    if not outlet:
        return "no outlet name in the first column"
    if any(len(cell) > MAX_CELL for cell in cells):
        return f"a cell longer than {MAX_CELL} characters"
    if outlet_key(outlet) in seen:
        return f"outlet {one_line(outlet, 60)!r} again (first on line {seen[outlet_key(outlet)]})"
    return None


# --- figures -------------------------------------------------------------------------------------------------

class OutletCache:
    """The whole-store figures kept between requests (a server's, say) until the store changes
    (`Store.change_mark`). Thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._mark: tuple | None = None
        self._figures: list[OutletFigures] = []

    def figures(self, store) -> list[OutletFigures]:
        mark = store.change_mark()
        with self._lock:
            if mark == self._mark:
                return self._figures
        figures = store.outlet_figures()
        with self._lock:
            self._mark, self._figures = mark, figures
        return figures


def outlet_table(store, *, sort: str = "articles", page: int = 1, per_page: int = 50,
                 settings: DossierSettings = DossierSettings(), cache: OutletCache | None = None,
                 fill: int = 0) -> dict[str, Any]:
    """One page of the outlet table: every outlet's figures and attributes, sorted by `sort` (one of SORTS,
    or the name of an attribute: outlets without it last), with how many stories the dossier counts cover.
    `fill`: first store the contributions of up to this many analysed stories not counted yet (a writable
    store only; the web app's worker and story pages store them as they go)."""
    attributes = store.attribute_names()
    if sort not in SORTS and sort not in attributes:
        raise ValueError(f"cannot sort by {sort!r}: use one of {', '.join(SORTS)}"
                         + (f", or an attribute ({', '.join(attributes)})" if attributes else ""))
    fill_contributions(store, limit=fill, settings=settings)
    figures = cache.figures(store) if cache else store.outlet_figures()
    totals, counted = store.contribution_totals(*_versions())
    values = store.outlet_attributes()
    rows = [_row(f, values.get(outlet_key(f.outlet), {}), totals) for f in figures]
    rows.sort(key=_sort_key(sort))
    total = len(rows)
    pages = max(1, -(-total // per_page))
    return {"outlets": rows[(page - 1) * per_page: page * per_page], "total": total, "page": page, "pages": pages,
            "sort": sort, "sorts": list(SORTS), "attributes": attributes,
            "dossier_scope": dossier_scope(counted, store.count_multi_outlet_stories())}


def outlet_detail(store, name: str, *, settings: DossierSettings = DossierSettings(),
                  cache: OutletCache | None = None, recent: int = 20) -> dict[str, Any] | None:
    """An outlet's figures, attributes and latest stories; None when no stored article names it."""
    found = store.outlet_figures(name)
    if not found:
        return None
    totals, counted = store.contribution_totals(*_versions(), outlet=name)
    row = _row(found[0], store.outlet_attributes([name]).get(outlet_key(name), {}), totals)
    stories = store.stories(outlet=name, limit=recent)
    return {"outlet": row, "stories": [s.to_dict() for s in stories],
            "dossier_scope": dossier_scope(counted, store.count_multi_outlet_stories(name), of_outlet=True)}


def dossier_scope(counted: int, multi_outlet: int, of_outlet: bool = False) -> dict[str, Any]:
    """What the exclusive-fact and changed-quote figures count: N of the M stories 2+ outlets cover."""
    whose = "of its " if of_outlet else ""
    plural = "story" if multi_outlet == 1 else "stories"
    if counted >= multi_outlet:
        over = f"all {multi_outlet} {whose}multi-outlet {plural}"
    else:
        over = (f"{counted} of {whose}{multi_outlet} multi-outlet {plural} (the others are not fully analysed "
                "yet)")
    return {"counted": counted, "multi_outlet_stories": multi_outlet,
            "note": f"Exclusive facts and changed quotes are counted over {over}; every other figure over the "
                    "whole store."}


def _versions() -> tuple[int, int]:
    """(analysis version, dossier version): stored contributions of other versions are stale."""
    from .compare import DOSSIER_VERSION  # loads no model; imported here so `outlets list` starts fast
    from .understand import ANALYSIS_VERSION

    return ANALYSIS_VERSION, DOSSIER_VERSION


# --- each story's contributions, stored as dossiers are built ----------------------------------------------

def built_from(members: Sequence[Any]) -> str:
    """The key of what a story's contributions are built from: its articles (ids, content hashes, near-copy
    links, outlets) and the analysis and dossier versions; a row under another key is stale."""
    parts = sorted((a.id, a.content_hash, a.duplicate_of or "", a.outlet or "") for a in members)
    return hashlib.sha1(json.dumps([*_versions(), parts]).encode()).hexdigest()


def record_contributions(store, found, members: Sequence[Any]) -> bool:
    """Store a story's per-outlet contributions from its dossier `found`, built from complete analyses of
    `members` (all its articles), when 2+ outlets cover it and its stored row is missing or stale; whether
    a row was written. A store without the table (or read-only) is left alone."""
    if getattr(store, "readonly", True) or not hasattr(store, "save_contributions"):
        return False
    if len({outlet_key(a.outlet) for a in members if a.outlet is not None}) < 2:
        return False
    key = built_from(members)
    if store.contribution_keys([found.id]).get(found.id) == key:
        return False
    from .compare import compared_articles

    counts = contributions(found, {a.id: a.outlet for a in compared_articles(members)})
    return store.save_contributions(found.id, key, *_versions(),
                                    {k: (c["exclusive_facts"], c["changed_quotes"]) for k, c in counts.items()},
                                    article_ids=[a.id for a in members])


def fill_contributions(store, *, story_ids: Sequence[str] | None = None, limit: int = 10,
                       settings: DossierSettings = DossierSettings(),
                       skip: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """Store the contributions of up to `limit` stories (of `story_ids` when given) that 2+ outlets cover,
    whose articles are all analysed and whose contributions are not stored (`Store.uncounted_stories`):
    dossiers from stored analyses, no model runs. (stories stored, stories whose dossier failed)."""
    from .compare import compared_articles, stored_members
    from .compare import dossier as build_dossier

    if limit <= 0 or getattr(store, "readonly", True) or story_ids == []:
        return [], []
    stored, failed = [], []
    for story_id in store.uncounted_stories(*_versions(), limit, story_ids=story_ids, skip=skip):
        story = store.get_story(story_id)
        members = stored_members(store, story) if story else []
        compared = compared_articles(members)
        analyses = store.analyses([a.id for a in compared], _versions()[0])
        if not members or len(analyses) < len(compared):
            continue  # changed since the query
        try:
            found = build_dossier(members, analyses, story_id=story.id, title=story.title, settings=settings)
        except Exception as exc:  # one story's failure must not stop the others
            log.warning("story %s: dossier failed, its contributions are not counted: %s", story_id,
                        one_line(str(exc), 200))
            failed.append(story_id)
            continue
        if record_contributions(store, found, members):
            stored.append(story_id)
    return stored, failed


def contributions(found, outlet_of: dict[str, str | None]) -> dict[str, Counter]:
    """Per outlet key, from one dossier: exclusive facts (its sentences in the dossier's "only one outlet
    reports"), changed quotes (quotations it ran that another outlet worded differently: other words, case
    and punctuation aside; a cut counts) and stories (1: the story counted)."""
    from .compare.quotes import words  # the rule for comparing quotations' words lives there

    keys = {article_id: outlet_key(o) for article_id, o in outlet_of.items() if o}
    counts: dict[str, Counter] = {key: Counter(stories=1, exclusive_facts=0, changed_quotes=0)
                                  for key in set(keys.values())}
    for article_id, passages in found.coverage.unique.items():
        if article_id in keys:
            counts[keys[article_id]]["exclusive_facts"] += len(passages)
    for group in found.quotes:
        wordings: dict[str, set[tuple[str, ...]]] = {}
        for variant in group.variants:
            if variant.cite.article_id in keys:
                wordings.setdefault(keys[variant.cite.article_id], set()).add(tuple(words(variant.text)))
        for key, own in wordings.items():
            others = set().union(*(w for k, w in wordings.items() if k != key))
            if others - own:
                counts[key]["changed_quotes"] += 1
    return counts


def _row(figures: OutletFigures, attributes: dict[str, str],
         totals: dict[str, tuple[int, int, int]]) -> dict[str, Any]:
    counted = totals.get(outlet_key(figures.outlet))  # (stories, exclusive facts, changed quotes)
    return {**figures.to_dict(), "median_delay": readable_delay(figures.median_delay_seconds),
            "dossier_stories": counted[0] if counted else 0,
            "exclusive_facts": counted[1] if counted else None,
            "changed_quotes": counted[2] if counted else None,
            "attributes": attributes}


def _sort_key(sort: str):
    if sort == "name":
        return lambda row: (row["outlet"].casefold(), row["outlet"])
    if sort == "median_delay":
        return lambda row: (row["median_delay_seconds"] is None, row["median_delay_seconds"] or 0,
                            row["outlet"].casefold())
    if sort in SORTS:
        return lambda row: (row[sort] is None, -(row[sort] or 0), row["outlet"].casefold())
    return lambda row: (sort not in row["attributes"], row["attributes"].get(sort, "").casefold(),
                        row["outlet"].casefold())


def readable_delay(seconds: float | None) -> str | None:
    """A delay for people: "first" (none), "42 min", "3 h 05 min", "4 days"."""
    if seconds is None:
        return None
    if seconds <= 0:
        return "none (first)"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours < 48 else f"{hours // 24} days"


# --- a story's coverage by attribute -----------------------------------------------------------------------

def coverage_by_attribute(store, story_outlets: Sequence[str]) -> list[dict[str, Any]]:
    """For each attribute users attached: the groups (values) with an outlet in the story, and the groups of
    outlets in the store none of which covered it (the story's blindspots), and the story's outlets without
    a value for it."""
    groups = store.attribute_groups()
    if not groups:
        return []
    own = store.outlet_attributes(list(story_outlets))
    found = []
    for attribute, values in groups.items():
        covered, blindspots = [], []
        for value, outlets in values.items():
            inside = [o for o in story_outlets if own.get(outlet_key(o), {}).get(attribute) == value]
            if inside:
                covered.append({"value": value, "outlets": inside})
            else:
                blindspots.append({"value": value, "outlet_count": len(outlets), "outlets": outlets[:10]})
        unassigned = [o for o in story_outlets if attribute not in own.get(outlet_key(o), {})]
        found.append({"attribute": attribute, "covered": covered, "blindspots": blindspots, "unassigned": unassigned})
    return found
