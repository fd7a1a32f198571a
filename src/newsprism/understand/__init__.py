"""Understand: what each article says, found once and stored.

For every article: its sentences, named entities, direct quotations with their
speakers, quantities with what they count, and time expressions (as rules, with
dates when the article is dated). The pipeline is spaCy's small English model;
other languages get sentences and what needs no parse (quoted spans, vague
amounts, dates by pattern), and the analysis lists what was not analysed.

`analyze(article)` works on one article; `analyses_for(source, articles)` returns
the analyses a source holds and computes (and saves) the missing or outdated ones.
A source is anything with `analyses(ids, version)` and `save_analysis(analysis)`: the
SQLite `Store`, `MemoryAnalyses`, or (later) a Parquet table in a Spark job.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from ..dates import calendar_date
from ..model import Analysis, Article, Mention
from ..oneline import describe
from ..spans import strip_span
from . import meaning
from .pipeline import pipeline_for
from .quantities import extract_quantities
from .quotes import extract_quotes
from .times import extract_times, resolve_all

__all__ = ["ANALYSIS_VERSION", "AnalysisSource", "MemoryAnalyses", "analyses_for", "analyze"]

# Bump when what is extracted changes: stored analyses of older versions are recomputed.
# (4: sentences end at ideographic full stops; a number counts no other number; rates and shares have units.
#  5: "next"/"last" + a weekday is never the day of writing.
#  6: "five out of seven justices": the part counts nothing; a number never counts a number word.
#  7: time rules carry an undetermined tense ("any"), weeks, decades, times of day.
#  8: vague amounts keep only their floor; ranges are one quantity; hyphened measures; "a loss of N seats".
#  9: quotation speakers: names in apposition, the verb a quotation hangs from, list items, "by Ansa." ends a
#     sentence; partial quotations; straight single quotes; no caption word glued to a name.)
ANALYSIS_VERSION = 9
MAX_CHARS = 200_000  # beyond this an article is analysed in part (and says so)
ENTITY_TYPES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}


def analyze(article: Article) -> Analysis:
    pipeline = pipeline_for(article.language)
    text = article.text[:MAX_CHARS]
    doc = pipeline.nlp(text)
    missing = list(pipeline.missing)
    if len(article.text) > MAX_CHARS:
        missing.append(f"text after the first {MAX_CHARS:,} characters")
    sentences = sentence_spans(text, [(s.start_char, s.end_char) for s in doc.sents])
    return Analysis(
        article_id=article.id,
        language=article.language or "en",
        version=ANALYSIS_VERSION,
        sentences=sentences,
        vectors=_vectors(text, sentences, article.language, missing),
        entities=[Mention(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents if e.label_ in ENTITY_TYPES]
        if pipeline.parses else [],
        quotes=_safely(extract_quotes, doc, pipeline.parses, "quotations", missing),
        quantities=_safely(extract_quantities, doc, pipeline.parses, "numbers", missing),
        times=resolve_all(_safely(extract_times, doc, pipeline.parses, "dates", missing),
                          calendar_date(article.published)),
        not_analysed=missing,
    )


def _vectors(text: str, sentences: list[tuple[int, int]], language: str | None, missing: list[str]) -> bytes | None:
    try:
        vectors = meaning.encode([text[s:e] for s, e in sentences], language)
    except Exception as exc:  # noqa: BLE001 - facts fall back to shared words, and the analysis says so
        missing.append(_failure("sentence meaning", exc))
        return None
    if vectors is None and sentences:
        missing.append(meaning.missing_note(language))
    return vectors


def _safely(extract, doc, parses: bool, what: str, missing: list[str]) -> list:
    """One extractor failing on an odd text costs that part of the analysis, not the dossier."""
    try:
        return extract(doc, parses)
    except Exception as exc:  # noqa: BLE001 - recorded in the analysis instead
        missing.append(_failure(what, exc))
        return []


def _failure(what: str, exc: Exception) -> str:
    return f"{what} ({describe(exc, 120)})"


# Quotation marks that only ever open a quotation (German „, French «, ...).
OPENING_MARKS = "„«‹‚"
# A line, cut after each Chinese or Japanese full stop, question or exclamation mark, unless a closing
# mark follows it: 「はい。」と言った。 is one sentence.
_PIECES = re.compile(r"[^\n]+?(?:[。！？]+(?![」』”’）)】])|(?=\n)|$)")


def sentence_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences never cross a paragraph break or an ideographic full stop (a tokenizer that splits
    at spaces only sees a Japanese paragraph as one word), and carry no surrounding white space."""
    out: list[tuple[int, int]] = []
    carried = None  # an opening mark cut from the end of the sentence before
    for start, end in spans:
        for piece in _PIECES.finditer(text, start, end):
            if not piece.group():
                continue
            s, e = strip_span(text, piece.start(), piece.end())
            if carried is not None and "\n" not in text[carried:s]:
                s = carried
            carried = None
            if e - s > 1 and text[e - 1] in OPENING_MARKS and text[e - 2].isspace():
                # `... an. „Wir werden` split after the full stop: the mark opens the next sentence
                carried, e = e - 1, strip_span(text, s, e - 1)[1]
            if any(c.isalnum() for c in text[s:e]):
                out.append((s, e))
            elif out and e > s and out[-1][1] >= s - 1:  # a lone closing quote mark belongs to the sentence before
                out[-1] = (out[-1][0], e)
    return out


@runtime_checkable
class AnalysisSource(Protocol):
    """Where analyses are kept between runs, keyed by article id and analysis version."""

    def analyses(self, article_ids: Sequence[str], version: int) -> dict[str, Analysis]:
        """The kept analyses of these articles made by this version (others are stale)."""
        ...

    def save_analysis(self, analysis: Analysis) -> None:
        ...


class MemoryAnalyses:
    """An `AnalysisSource` in a dict: for one process (`compare`, a web request, a test)."""

    def __init__(self, analyses: Sequence[Analysis] = ()):
        self._kept: dict[str, Analysis] = {a.article_id: a for a in analyses}

    def analyses(self, article_ids: Sequence[str], version: int) -> dict[str, Analysis]:
        return {i: self._kept[i] for i in article_ids if i in self._kept and self._kept[i].version == version}

    def save_analysis(self, analysis: Analysis) -> None:
        self._kept[analysis.article_id] = analysis

    def __len__(self) -> int:
        return len(self._kept)


def analyses_for(source: AnalysisSource, articles: Sequence[Article]) -> dict[str, Analysis]:
    """Each article's analysis: from `source` when current, else computed now and saved there
    (in one transaction when the source has `write()`, as the SQLite store does)."""
    found = source.analyses([a.id for a in articles], ANALYSIS_VERSION)
    todo = [a for a in articles if a.id not in found]
    if todo:
        computed = [analyze(a) for a in todo]
        write = getattr(source, "write", None)
        with write() if callable(write) else contextlib.nullcontext():
            for analysis in computed:
                source.save_analysis(analysis)
        found.update((a.article_id, a) for a in computed)
    return found
