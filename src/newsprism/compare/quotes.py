"""The same quotation across outlets, despite punctuation, ellipses, truncation and small edits.

Two quotations are one when, word for word (case and punctuation ignored), one
contains the other (a truncation), every piece of one between ellipses appears in
the other in order, or they differ by little (difflib ratio over words). One- and
two-word quotations ("fascist coup") must match exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from ..config import DossierSettings
from ..model import Analysis, Article, Citation, Entity, Quotation, QuoteGroup, QuoteVariant
from .entities import canonical_names, fold, person_words

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_ELLIPSIS = re.compile(r"\s*(?:\.\s?\.\s?\.|…)\s*")


def words(text: str) -> list[str]:
    return [w.replace("’", "'") for w in _WORD.findall(text.casefold())]


def same_quote(a: str, b: str, settings: DossierSettings = DossierSettings()) -> bool:
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return False
    if min(len(wa), len(wb)) < settings.short_quote_words:
        return wa == wb
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if _contains(long_, short):
        return True
    for x, y in ((a, b), (b, a)):
        pieces = [words(p) for p in _ELLIPSIS.split(x) if words(p)]
        if len(pieces) > 1 and _in_order(words(y), pieces):
            return True
    return SequenceMatcher(None, wa, wb, autojunk=False).ratio() >= settings.same_quote_ratio


def _contains(long_: list[str], short: list[str]) -> bool:
    n = len(short)
    return any(long_[i:i + n] == short for i in range(len(long_) - n + 1))


def _in_order(target: list[str], pieces: list[list[str]]) -> bool:
    position = 0
    for piece in pieces:
        n = len(piece)
        found = next((i for i in range(position, len(target) - n + 1) if target[i:i + n] == piece), None)
        if found is None:
            return False
        position = found + n
    return True


def match_quotes(articles: list[Article], analyses: dict[str, Analysis], entities: list[Entity],
                 settings: DossierSettings = DossierSettings()) -> list[QuoteGroup]:
    names = canonical_names(entities)
    items = [(a.id, q) for a in articles for q in analyses[a.id].quotes]
    groups: list[list[tuple[str, Quotation]]] = []
    for item in items:
        home = next((g for g in groups if any(same_quote(item[1].text, other.text, settings) for _, other in g)), None)
        if home is None:
            groups.append([item])
        else:
            home.append(item)
    out = [_group(group, names) for group in groups]
    return sorted(out, key=lambda q: (-len({v.cite.article_id for v in q.variants}), q.variants[0].cite.article_id,
                                      q.variants[0].cite.start))


def _group(group: list[tuple[str, Quotation]], names: dict[str, str]) -> QuoteGroup:
    speakers = Counter(_canonical(q.speaker, names) for _, q in group if q.speaker)
    speaker = speakers.most_common(1)[0][0] if speakers else None
    longest = max((q.text for _, q in group), key=lambda t: (len(words(t)), t))
    variants = [QuoteVariant(q.text, _canonical(q.speaker, names) if q.speaker else None,
                             Citation(article_id, q.start, q.end)) for article_id, q in group]
    return QuoteGroup(speaker=speaker, text=longest, variants=variants)


def _canonical(speaker: str, names: dict[str, str]) -> str:
    words_ = person_words(speaker)
    if not words_:
        return speaker
    return names.get(fold(" ".join(words_))) or names.get(fold(words_[-1])) or speaker
