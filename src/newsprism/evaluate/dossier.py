"""The dossier scored against hand-made gold (`newsprism eval dossier PATH`).

Layout read: PATH holds one folder per story, each with `articles.jsonl` (one article per line: `id`, `url`,
`outlet`, `published`, `title`, `text`) and `gold.json` (`facts`, `boilerplate`, `conflicts`, `not_conflicts`,
`quotes`, `times`; every `span` an exact substring of its article's `text`), as in ../shared/data/dossier-gold.
A story whose files are missing, not JSON or not shaped like that is reported (a `Rejection`) and skipped.

The dossier is built as `newsprism compare articles.jsonl` builds it (`compare_files`: the normal reading,
cleaning, near-copy linking and analysis). Gold article ids are tied to newsprism's article ids through the line
each article was read from. Gold spans are then located in the *cleaned* text users get: by exact search first,
then by a search where runs of white space count as one space and curly quotes as straight ones. Spans the
cleaning removed (a headline, a dateline, a "Published:" line) or whose article was listed as a near-copy and not
compared cannot be located: they are counted ("unlocated" per kind) and can never be matched.

How each figure is counted (two spans overlap when they share at least one character of one article):
- A citation *maps* to the gold unit it overlaps most: a fact mention or a boilerplate span (ties: the earlier
  gold unit in gold.json, facts before boilerplate); a citation overlapping neither maps to nothing.
- exclusives: every "only this outlet reports" item (`coverage.unique`) is right when its citation maps to a
  fact with mentions in one gold article only (a true exclusive). Items mapping to a fact of several articles,
  to boilerplate or to nothing are wrong. precision = right items / items. recall = true exclusives that
  some unique item maps to / all true exclusives of the gold (unlocated ones included: they are missed).
- pairings: for every core and shared fact, every unordered pair of its citations (also two of one article) is
  right when both map to the same gold fact. precision = right pairs / pairs.
- citations: every summary citation after the first is right when it maps to the same gold fact as the first
  (a first citation mapping to boilerplate or nothing makes all its extras wrong). precision = right / extras.
- conflicts: a dossier conflict is a number group with verdict "conflict" (its citations are its reports') or a
  claim conflict (`Dossier.claims`: its citations are both sides', claim and denial). It matches a gold conflict
  (or not-conflict) when its citations overlap that gold item's mention spans in at least two different
  articles. precision = dossier conflicts matching some gold conflict / dossier conflicts; recall = gold
  conflicts matched by some dossier conflict / gold conflicts; false_on_not_conflicts = gold not_conflicts
  matched by some dossier conflict / not_conflicts.
- quotes: every variant of every quote group against the gold quotes of its article, one-to-one by the rule of
  `eval quotes` (character Jaccard >= 0.5, best overlap first). content_f1 from precision = matched / variants
  and recall = matched / gold quotes. speaker_accuracy = matched variants whose speaker agrees with the gold
  `speaker` / matched variants: names are compared lower-cased with accents removed, and agree when the last
  word of one is a word of the other ("Nutter" ~ "Michael Nutter"; `evaluate.quotes.names_agree`); no speaker is
  wrong. matching_f1: pairwise over matched variants of different articles: a pair is predicted together when
  both are in one quote group, gold together when their gold quotes share a `statement_id`; F1 of those.
- dates: every gold time is matched to the time expression newsprism found in that article that overlaps it
  most, when that expression's date (resolved as the timeline resolves it) is shown by a timeline entry citing
  its sentence (a citation holding the expression: the reporting part of the sentence, without a leading
  dateline or byline; compare.boilerplate). accuracy = matched gold times whose date equals the gold `date`
  exactly (a gold week or decade is never equal to a day) / matched gold times; `counts.dates` says how many
  were matched at all.
- boilerplate_share: every citation of the dossier (summary, core/shared/unique coverage, quote variants,
  number reports, timeline), each time it appears, counts once; share = those overlapping a gold boilerplate
  span / all.

Every figure is micro-averaged: counts are summed over the stories, then divided. A ratio with nothing to count
(no dossier conflicts, say) is 0.0; `counts` shows the numbers behind every figure.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from ..dates import calendar_date
from ..model import Article, Citation, Dossier, Rejection
from .quotes import GoldQuote, Predicted, names_agree
from .quotes import align as align_quotes

GOLD_LISTS = ("facts", "boilerplate", "conflicts", "not_conflicts", "quotes", "times")


class GoldError(ValueError):
    pass


@dataclass
class Span:
    """A located gold span: character offsets into newsprism's cleaned text of the article."""

    article: str  # newsprism's article id
    start: int
    end: int

    def overlap(self, cite: Citation) -> int:
        if cite.article_id != self.article:
            return 0
        return max(0, min(self.end, cite.end) - max(self.start, cite.start))


@dataclass
class GoldStory:
    name: str
    folder: Path
    gold: dict[str, Any]
    gold_ids: list[str]  # gold article id per line of articles.jsonl (line 1 first)


@dataclass
class GoldSet:
    stories: list[GoldStory]
    problems: list[Rejection] = field(default_factory=list)


# -- reading -------------------------------------------------------------------------------------------


def read_gold(path: str | Path) -> GoldSet:
    """Every story folder under `path` (sorted by name); bad ones go to `problems`."""
    root = Path(path)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a folder (expected one folder per story)")
    found = GoldSet([])
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        try:
            found.stories.append(_story(folder))
        except GoldError as exc:
            found.problems.append(Rejection(str(exc.args[0]), exc.args[1]))
    return found


def _story(folder: Path) -> GoldStory:
    articles, gold_file = folder / "articles.jsonl", folder / "gold.json"
    gold = _load_json(gold_file)
    if not isinstance(gold, dict):
        raise GoldError(gold_file, "gold.json holds no JSON object")
    for name in GOLD_LISTS:
        if not isinstance(gold.setdefault(name, []), list):
            raise GoldError(gold_file, f"{name!r} is not a list")
    try:
        lines = articles.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise GoldError(articles, "missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(articles, f"unreadable: {exc}") from None
    gold_ids = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            gold_ids.append(None)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{articles}:{number}", f"malformed JSON: {exc.msg}") from None
        gold_ids.append(record.get("id") if isinstance(record, dict) else None)
    if not any(gold_ids):
        raise GoldError(articles, "no article with an id")
    _check_spans(gold, gold_file)
    return GoldStory(folder.name, folder, gold, gold_ids)


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoldError(path, "missing") from None
    except json.JSONDecodeError as exc:
        raise GoldError(path, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(path, f"unreadable: {exc}") from None


def _check_spans(gold: dict, where: Path) -> None:
    """Every item is an object and every mention has an article_id and a span (text)."""
    for name in GOLD_LISTS:
        for item in gold[name]:
            mentions = item.get("mentions") if isinstance(item, dict) and name in _GROUPED else [item]
            if not isinstance(mentions, list):
                raise GoldError(where, f"an item of {name!r} has no list of mentions")
            for mention in mentions:
                if not (isinstance(mention, dict) and isinstance(mention.get("article_id"), str)
                        and isinstance(mention.get("span"), str) and mention["span"]):
                    raise GoldError(where, f"an item of {name!r} lacks an article_id or a span")


_GROUPED = ("facts", "conflicts", "not_conflicts")


# -- locating gold spans in the cleaned text -----------------------------------------------------------

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


def _folded(text: str) -> tuple[str, list[int]]:
    """The text with white-space runs as one space and curly quotes straight, and each character's offset."""
    out, where = [], []
    for index, char in enumerate(text):
        if char.isspace():
            if out and out[-1] == " ":
                continue
            char = " "
        out.append(char.translate(_QUOTES))
        where.append(index)
    return "".join(out), where


class Locator:
    """Finds gold spans in the cleaned texts; counts those it cannot find."""

    def __init__(self, texts: dict[str, str], article_of: dict[str, str]):
        self.texts = texts  # newsprism id -> cleaned text
        self.article_of = article_of  # gold id -> newsprism id
        self._folded = {aid: _folded(unicodedata.normalize("NFC", t)) for aid, t in texts.items()}
        self.unlocated: dict[str, int] = {}
        self.located: dict[str, int] = {}

    def find(self, mention: dict, kind: str) -> Span | None:
        aid = self.article_of.get(mention["article_id"])
        span = self._find(aid, mention["span"]) if aid in self.texts else None
        counter = self.located if span else self.unlocated
        counter[kind] = counter.get(kind, 0) + 1
        return span

    def _find(self, aid: str, words: str) -> Span | None:
        text = self.texts[aid]
        at = text.find(words)
        if at >= 0:
            return Span(aid, at, at + len(words))
        folded, where = self._folded[aid]
        needle = _folded(unicodedata.normalize("NFC", words).strip())[0]
        at = folded.find(needle) if needle else -1
        if at < 0:
            return None
        return Span(aid, where[at], where[at + len(needle) - 1] + 1)


# -- the gold of one story, located --------------------------------------------------------------------


@dataclass
class Unit:
    kind: str  # "fact" or "boilerplate"
    key: str  # fact id, or "b<n>"
    spans: list[Span]


@dataclass
class LocatedGold:
    units: list[Unit]  # facts first, then boilerplate
    exclusive: set[str]  # ids of facts with mentions in one gold article only
    conflicts: list[list[Span]]
    not_conflicts: list[list[Span]]
    quotes: list[tuple[Span, dict]]  # located quote and its gold record
    times: list[tuple[Span, str]]
    boilerplate: list[Span]
    gold_counts: dict[str, int]


def locate(gold: dict, locator: Locator) -> LocatedGold:
    units, exclusive = [], set()
    for number, fact in enumerate(gold["facts"]):
        key = str(fact.get("id", f"f#{number}"))
        if len({m["article_id"] for m in fact["mentions"]}) == 1:
            exclusive.add(key)
        units.append(Unit("fact", key, _spans(fact["mentions"], locator, "fact mentions")))
    boilerplate = _spans(gold["boilerplate"], locator, "boilerplate")
    units += [Unit("boilerplate", f"b{n}", [s]) for n, s in enumerate(boilerplate)]
    return LocatedGold(
        units=units, exclusive=exclusive,
        conflicts=[_spans(c["mentions"], locator, "conflict mentions") for c in gold["conflicts"]],
        not_conflicts=[_spans(c["mentions"], locator, "not_conflict mentions") for c in gold["not_conflicts"]],
        quotes=[(s, q) for q in gold["quotes"] if (s := locator.find(q, "quotes"))],
        times=[(s, str(t.get("date"))) for t in gold["times"] if (s := locator.find(t, "times"))],
        boilerplate=boilerplate,
        gold_counts={"exclusive_facts": len(exclusive), "conflicts": len(gold["conflicts"]),
                     "not_conflicts": len(gold["not_conflicts"]), "quotes": len(gold["quotes"]),
                     "times": len(gold["times"])},
    )


def _spans(mentions: list[dict], locator: Locator, kind: str) -> list[Span]:
    return [s for s in (locator.find(m, kind) for m in mentions) if s]


def mapped(cite: Citation, units: list[Unit]) -> Unit | None:
    """The gold unit the citation overlaps most (the first such unit on a tie), None when it overlaps none."""
    best, most = None, 0
    for unit in units:
        overlap = max(s.overlap(cite) for s in unit.spans) if unit.spans else 0
        if overlap > most:
            best, most = unit, overlap
    return best


# -- scoring one story ---------------------------------------------------------------------------------


def _fact(unit: Unit | None) -> str | None:
    return unit.key if unit is not None and unit.kind == "fact" else None


def score_story(found: Dossier, gold: LocatedGold, analyses: dict, articles: dict[str, Article]) -> dict[str, int]:
    """The counts behind every figure, for one story."""
    counts: dict[str, int] = {}
    counts.update(_exclusives(found, gold))
    counts.update(_pairings(found, gold))
    counts.update(_citations(found, gold))
    counts.update(_conflicts(found, gold))
    counts.update(_quotes(found, gold))
    counts.update(_dates(found, gold, analyses, articles))
    counts.update(_boilerplate(found, gold))
    return counts


def _exclusives(found: Dossier, gold: LocatedGold) -> dict[str, int]:
    items = [p.cite for passages in found.coverage.unique.values() for p in passages]
    facts = [_fact(mapped(cite, gold.units)) for cite in items]
    right = [f for f in facts if f in gold.exclusive]
    return {"unique_items": len(items), "unique_right": len(right), "exclusive_facts": len(gold.exclusive),
            "exclusive_found": len(set(right))}


def _pairings(found: Dossier, gold: LocatedGold) -> dict[str, int]:
    pairs = right = 0
    for fact in found.coverage.core + found.coverage.shared:
        facts = [_fact(mapped(cite, gold.units)) for cite in fact.citations]
        for a, b in combinations(facts, 2):
            pairs += 1
            right += a is not None and a == b
    return {"pairs": pairs, "pairs_right": right}


def _citations(found: Dossier, gold: LocatedGold) -> dict[str, int]:
    extras = right = 0
    for sentence in found.summary:
        first = _fact(mapped(sentence.citations[0], gold.units)) if sentence.citations else None
        for cite in sentence.citations[1:]:
            extras += 1
            right += first is not None and _fact(mapped(cite, gold.units)) == first
    return {"extra_citations": extras, "extra_citations_right": right}


def _matches(cites: list[Citation], spans: list[Span]) -> bool:
    """The citations overlap the gold mentions in at least two different articles."""
    return len({s.article for s in spans if any(s.overlap(c) for c in cites)}) >= 2


def _conflicts(found: Dossier, gold: LocatedGold) -> dict[str, int]:
    flagged = [[r.cite for r in group.reports] for group in found.numbers if group.verdict == "conflict"]
    flagged += [claim.claim + claim.denial for claim in found.claims]
    return {
        "dossier_conflicts": len(flagged),
        "dossier_conflicts_right": sum(any(_matches(c, g) for g in gold.conflicts) for c in flagged),
        "gold_conflicts": gold.gold_counts["conflicts"],
        "gold_conflicts_found": sum(any(_matches(c, g) for c in flagged) for g in gold.conflicts),
        "not_conflicts": gold.gold_counts["not_conflicts"],
        "not_conflicts_flagged": sum(any(_matches(c, g) for c in flagged) for g in gold.not_conflicts),
    }


def _fold_name(name: object) -> str | None:
    if not isinstance(name, str) or not name:
        return None
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).lower()


def _quotes(found: Dossier, gold: LocatedGold) -> dict[str, int]:
    variants = [(n, v) for n, group in enumerate(found.quotes) for v in group.variants]
    matched: list[tuple[int, Any, dict]] = []  # (group, variant, gold quote)
    for aid in {v.cite.article_id for _, v in variants} | {s.article for s, _ in gold.quotes}:
        mine = [(n, v) for n, v in variants if v.cite.article_id == aid]
        theirs = [(s, q) for s, q in gold.quotes if s.article == aid]
        pairs = align_quotes([Predicted(v.cite.start, v.cite.end) for _, v in mine],
                             [GoldQuote(s.start, s.end, None) for s, _ in theirs])
        matched += [(mine[i][0], mine[i][1], theirs[j][1]) for i, j in pairs]
    speaker_right = sum(names_agree(_fold_name(v.speaker), _fold_name(q.get("speaker"))) for _, v, q in matched)
    together = both = gold_together = 0
    for (g1, v1, q1), (g2, v2, q2) in combinations(matched, 2):
        if v1.cite.article_id == v2.cite.article_id:
            continue
        same_group, same_statement = g1 == g2, q1.get("statement_id") is not None and (
            q1.get("statement_id") == q2.get("statement_id"))
        together += same_group
        gold_together += same_statement
        both += same_group and same_statement
    return {"quote_variants": len(variants), "gold_quotes": gold.gold_counts["quotes"],
            "quotes_matched": len(matched), "speaker_right": speaker_right, "quote_pairs_predicted": together,
            "quote_pairs_gold": gold_together, "quote_pairs_right": both}


def _dates(found: Dossier, gold: LocatedGold, analyses: dict, articles: dict[str, Article]) -> dict[str, int]:
    outcomes = [outcome for _, outcome, _, _ in time_outcomes(found, gold, analyses, articles)]
    return {"gold_times": gold.gold_counts["times"], "times_matched": outcomes.count("right") + outcomes.count("wrong"),
            "times_right": outcomes.count("right")}


def time_outcomes(found: Dossier, gold: LocatedGold, analyses: dict, articles: dict[str, Article]):
    """Per located gold time: (its span, "right" | "wrong" | "not shown" | "not found", the TimeMention newsprism
    matched to it or None, the date that mention resolves to or None), by the rule of `dates` in the module
    docstring (benchmarks/dossier_times.py lists them)."""
    from ..understand.times import resolve  # the timeline's own resolution

    shown: dict[tuple[str, object], list[Citation]] = {}
    for e in found.timeline:
        for c in e.citations:
            shown.setdefault((c.article_id, e.date), []).append(c)
    story_date = calendar_date(found.date) if found.date else None
    for span, date in gold.times:
        analysis, article = analyses.get(span.article), articles.get(span.article)
        mentions = [m for m in analysis.times if min(m.end, span.end) > max(m.start, span.start)] \
            if analysis is not None and article is not None else []
        if not mentions:
            yield span, "not found", None, None
            continue
        best = max(mentions, key=lambda m: min(m.end, span.end) - max(m.start, span.start))
        when = resolve(best.rule, calendar_date(article.published) or story_date)
        # the timeline cites the sentence holding the expression (its reporting part: compare.boilerplate)
        if when is None or not any(c.start <= best.start < c.end for c in shown.get((span.article, when), [])):
            yield span, "not shown", best, when
            continue
        yield span, "right" if when == date else "wrong", best, when


def all_citations(found: Dossier) -> list[Citation]:
    """Every citation the dossier shows, once per appearance."""
    cites = [c for s in found.summary for c in s.citations]
    cites += [c for f in found.coverage.core + found.coverage.shared for c in f.citations]
    cites += [p.cite for passages in found.coverage.unique.values() for p in passages]
    cites += [v.cite for q in found.quotes for v in q.variants]
    cites += [r.cite for n in found.numbers for r in n.reports]
    cites += [c for e in found.timeline for c in e.citations]
    cites += [c for claim in found.claims for c in claim.claim + claim.denial]
    return cites


def _boilerplate(found: Dossier, gold: LocatedGold) -> dict[str, int]:
    cites = all_citations(found)
    return {"dossier_citations": len(cites),
            "boilerplate_citations": sum(any(s.overlap(c) for s in gold.boilerplate) for c in cites)}


# -- figures -------------------------------------------------------------------------------------------


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


def figures(c: dict[str, int]) -> dict[str, Any]:
    """The figures of summed counts."""
    quote_p, quote_r = _ratio(c["quotes_matched"], c["quote_variants"]), _ratio(c["quotes_matched"], c["gold_quotes"])
    pair_p = _ratio(c["quote_pairs_right"], c["quote_pairs_predicted"])
    pair_r = _ratio(c["quote_pairs_right"], c["quote_pairs_gold"])
    return {
        "exclusives": {"precision": _ratio(c["unique_right"], c["unique_items"]),
                       "recall": _ratio(c["exclusive_found"], c["exclusive_facts"])},
        "pairings": {"precision": _ratio(c["pairs_right"], c["pairs"])},
        "citations": {"precision": _ratio(c["extra_citations_right"], c["extra_citations"])},
        "conflicts": {"precision": _ratio(c["dossier_conflicts_right"], c["dossier_conflicts"]),
                      "recall": _ratio(c["gold_conflicts_found"], c["gold_conflicts"]),
                      "false_on_not_conflicts": _ratio(c["not_conflicts_flagged"], c["not_conflicts"])},
        "quotes": {"content_f1": _f1(quote_p, quote_r),
                   "speaker_accuracy": _ratio(c["speaker_right"], c["quotes_matched"]),
                   "matching_f1": _f1(pair_p, pair_r)},
        "dates": {"accuracy": _ratio(c["times_right"], c["times_matched"])},
        "boilerplate_share": _ratio(c["boilerplate_citations"], c["dossier_citations"]),
    }


# -- building and scoring every story ------------------------------------------------------------------


@dataclass
class Built:
    """One story's dossier and what scoring it needs."""

    dossier: Dossier
    analyses: dict
    articles: dict[str, Article]  # newsprism id -> article as read
    article_of: dict[str, str]  # gold id -> newsprism id
    seconds: float


def build(story: GoldStory, settings=None, on_problem: Callable[[Rejection], None] | None = None) -> Built:
    """The story's dossier, built by `compare_files` from its articles.jsonl."""
    from ..compare import compare_files
    from ..config import Settings
    from ..ingest import read_articles
    from ..understand import MemoryAnalyses

    settings = settings or Settings()
    path = story.folder / "articles.jsonl"
    articles = {a.id: a for a in read_articles([path], settings=settings) if isinstance(a, Article)}
    article_of = {}
    for article in articles.values():
        line = _line(article.source_path)
        if line is not None and line <= len(story.gold_ids) and story.gold_ids[line - 1]:
            article_of[story.gold_ids[line - 1]] = article.id
    kept = MemoryAnalyses()
    started = time.perf_counter()
    found = compare_files([path], settings=settings, analyses=kept,
                          on_problem=lambda p: on_problem(p) if on_problem and isinstance(p, Rejection) else None)
    seconds = time.perf_counter() - started
    analyses = kept.analyses(list(articles), _analysis_version())
    return Built(found, analyses, articles, article_of, seconds)


def _analysis_version() -> int:
    from ..understand import ANALYSIS_VERSION

    return ANALYSIS_VERSION


def _line(source_path: str | None) -> int | None:
    match = re.search(r":(\d+)$", source_path or "")
    return int(match.group(1)) if match else None


def score_built(story: GoldStory, built: Built) -> dict[str, Any]:
    texts = {aid: a.text for aid, a in built.articles.items() if aid in built.dossier.texts}
    locator = Locator(texts, built.article_of)
    gold = locate(story.gold, locator)
    counts = score_story(built.dossier, gold, built.analyses, built.articles)
    return {"story": story.name, "articles": len(built.articles), "compared": len(built.dossier.texts),
            "seconds": round(built.seconds, 3), "counts": counts, "located": dict(sorted(locator.located.items())),
            "unlocated": dict(sorted(locator.unlocated.items())), **figures(counts)}


def evaluate(gold_set: GoldSet, settings=None, on_story: Callable[[dict], None] | None = None,
             on_problem: Callable[[Rejection], None] | None = None) -> dict[str, Any]:
    """Every figure over the stories of `gold_set`, micro-averaged, with per-story figures and counts.

    Lines of an articles.jsonl that give no article are in "skipped" too (and passed to `on_problem`)."""
    per_story, problems = [], list(gold_set.problems)

    def rejected(problem: Rejection) -> None:
        problems.append(problem)
        if on_problem is not None:
            on_problem(problem)

    from ..compare import NoSuchStory

    for story in gold_set.stories:
        try:
            built = build(story, settings, on_problem=rejected)
        except NoSuchStory as exc:  # no line of its articles.jsonl gave an article
            rejected(Rejection(str(story.folder / "articles.jsonl"), str(exc)))
            continue
        result = score_built(story, built)
        per_story.append(result)
        if on_story is not None:
            on_story(result)
    totals = zero_counts()
    for result in per_story:
        for key, value in result["counts"].items():
            totals[key] += value
    return {"stories": len(per_story), **figures(totals), "counts": totals,
            "seconds": round(sum(r["seconds"] for r in per_story), 3), "per_story": per_story,
            "skipped": [p.to_dict() for p in problems]}


def zero_counts() -> dict[str, int]:
    """Every count `score_story` gives, at zero."""
    keys = ("unique_items unique_right exclusive_facts exclusive_found pairs pairs_right extra_citations "
            "extra_citations_right dossier_conflicts dossier_conflicts_right gold_conflicts gold_conflicts_found "
            "not_conflicts not_conflicts_flagged quote_variants gold_quotes quotes_matched speaker_right "
            "quote_pairs_predicted quote_pairs_gold quote_pairs_right gold_times times_matched times_right "
            "dossier_citations boilerplate_citations")
    return dict.fromkeys(keys.split(), 0)
