"""What an editor looks at to tell whether two reports are about the same event.

An article becomes a sparse, L2-normalized vector of weighted terms:

- words, weighted by how rare they are in the article's language (wordfreq's
  frequency lists, so a rare word counts from the first article on, with no
  corpus statistics to keep), counted more in the headline and lead;
- names: words written with a capital letter inside a sentence, which are
  heavily up-weighted because they survive translation and tell two events of
  the same kind apart (two earthquakes, two rehab stays);
- numbers, which survive translation too ("23 pirates", "7.1 magnitude").

Years mentioned in the text are kept aside: a story about 2008 and a report
about 2011 are not the same event, whatever words they share.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from wordfreq import zipf_frequency

from ..model import Article

# Unicode words (letters with inner hyphens/apostrophes) and numbers with inner separators.
_TOKEN = re.compile(r"\d+(?:[.,:]\d+)*|[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:;\"“”'‘’(\[—–-]\s*$")
_YEAR = re.compile(r"^(?:19[5-9]\d|20\d\d)$")
_POSSESSIVE = re.compile(r"['’]s$")

# Zipf frequency is log10 of occurrences per billion words: 7 for "the", 1 for a rare name.
# A word at or above COMMON carries nothing; below, its weight grows with its rarity.
COMMON_ZIPF = 6.0
UNKNOWN_ZIPF = 1.0
# How much more a term counts in the headline and in the lead than in the body.
HEADLINE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
LEAD_WORDS = 80
BODY_WORDS = 600  # later paragraphs drift to background; reading them costs time
NAME_WEIGHT = 2.0
NUMBER_WEIGHT = 1.5
MAX_TERMS = 60


@dataclass
class Features:
    """An article's weighted terms (L2 norm 1) and the years it mentions."""

    terms: dict[str, float]
    years: Counter = field(default_factory=Counter)
    names: frozenset = frozenset()

    def top_names(self, count: int) -> list[str]:
        held = [(w, t) for t, w in self.terms.items() if t in self.names]
        return [t for _, t in sorted(held, reverse=True)[:count]]

    def dot(self, other: dict[str, float]) -> float:
        return sum(weight * other.get(term, 0.0) for term, weight in self.terms.items())


def article_features(article: Article) -> Features:
    return text_features(article.title or "", article.text, article.language or "en")


def text_features(title: str, text: str, language: str = "en") -> Features:
    counts: Counter = Counter()
    names: set[str] = set()
    years: Counter = Counter()
    for token, at_start in _tokens(title):
        _count(counts, years, token, HEADLINE_WEIGHT)
    for position, (token, at_start) in enumerate(_tokens(text)):
        if position >= BODY_WORDS:
            break
        _count(counts, years, token, LEAD_WEIGHT if position < LEAD_WORDS else 1.0)
        if not at_start and token[:1].isupper() and not token.isupper() and not token[:1].isdigit():
            names.add(_key(token))
    weights = {}
    for term, count in counts.items():
        weight = (1.0 + math.log(count)) * _term_weight(term, language, term in names)
        if weight > 0:
            weights[term] = weight
    return Features(_normalized(_top(weights, MAX_TERMS)), years, frozenset(names))


def _tokens(text: str):
    """Tokens with a flag telling whether each starts a sentence (capital letters there mean nothing)."""
    previous_end = 0
    for match in _TOKEN.finditer(text):
        gap = text[previous_end:match.start()]
        at_start = previous_end == 0 or "\n" in gap or bool(_SENTENCE_END.search(gap)) \
            or bool(_SENTENCE_END.search(text[max(0, match.start() - 3):match.start()]))
        previous_end = match.end()
        yield match.group(), at_start


def _key(token: str) -> str:
    return _POSSESSIVE.sub("", token).casefold()


def _count(counts: Counter, years: Counter, token: str, weight: float) -> None:
    if token[:1].isdigit():
        number = token.replace(",", "")
        if _YEAR.match(number):
            years[number] += 1
        counts["#" + number] += weight
    else:
        counts[_key(token)] += weight


def _term_weight(term: str, language: str, is_name: bool) -> float:
    if term.startswith("#"):
        return NUMBER_WEIGHT if len(term) > 2 else 0.0  # single digits are everywhere
    if len(term) < 2:
        return 0.0
    rarity = COMMON_ZIPF - _zipf(term, language)
    if rarity <= 0:
        return 0.0
    return rarity * (NAME_WEIGHT if is_name else 1.0)


@lru_cache(maxsize=500_000)
def _zipf(word: str, language: str) -> float:
    try:
        zipf = zipf_frequency(word, language)
    except LookupError:  # a language wordfreq has no list for
        zipf = zipf_frequency(word, "en")
    return zipf if zipf > 0 else UNKNOWN_ZIPF


def _top(weights: dict[str, float], limit: int) -> dict[str, float]:
    if len(weights) <= limit:
        return weights
    # Ties broken by the term itself so the result never depends on dict order.
    ranked = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return dict(ranked[:limit])


def _normalized(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}
