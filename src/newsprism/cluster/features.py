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

from wordfreq import get_frequency_dict, zipf_frequency

from ..model import Article

# Unicode words (letters with inner hyphens/apostrophes) and numbers with inner separators.
_TOKEN = re.compile(r"\d+(?:[.,:]\d+)*|[^\W\d_]+(?:['’-][^\W\d_]+)*")
# The first word of a paragraph or sentence (after closing quotes, brackets, a dash or a colon).
_SENTENCE_INITIAL = re.compile(r"(?:^|[.!?:;—–-][\"”’')\]]*\s+|\n\s*)[\"“‘'(\[]*([^\W\d_]+(?:['’-][^\W\d_]+)*)")
_POSSESSIVE = re.compile(r"['’]s\b")
_YEAR = re.compile(r"^(?:19[5-9]\d|20\d\d)$")

# Zipf frequency is log10 of occurrences per billion words: 7 for "the", 1 for a rare name.
# A word at or above COMMON carries nothing; below, its weight grows with its rarity.
COMMON_ZIPF = 6.0
UNKNOWN_ZIPF = 1.0
# How much more a term counts in the headline and in the lead than in the body.
HEADLINE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
LEAD_WORDS = 80
BODY_WORDS = 600  # later paragraphs drift to background; reading them costs time
BODY_CHARS = 8 * BODY_WORDS
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


def article_features(article: Article) -> Features:
    return text_features(article.title or "", article.text, article.language or "en")


def text_features(title: str, text: str, language: str = "en") -> Features:
    text = _POSSESSIVE.sub("", text[:BODY_CHARS])
    tokens = _TOKEN.findall(text)
    body = [token.casefold() for token in tokens[:BODY_WORDS]]
    sections = ((_TOKEN.findall(_POSSESSIVE.sub("", title).casefold()), HEADLINE_WEIGHT),
                (body[:LEAD_WORDS], LEAD_WEIGHT), (body[LEAD_WORDS:], 1.0))
    counts: dict[str, float] = {}
    for section, weight in sections:
        for token, count in Counter(section).items():
            counts[token] = counts.get(token, 0.0) + weight * count
    names = _names(tokens, text)
    weights, years = {}, Counter()
    for token, count in counts.items():
        if token[0].isdigit():
            term = "#" + token.replace(",", "")
            if _YEAR.match(term[1:]):
                years[term[1:]] += round(count)
            weight = NUMBER_WEIGHT if len(term) > 2 else 0.0  # single digits are everywhere
        else:
            term, weight = token, _rarity(token, language) * (NAME_WEIGHT if token in names else 1.0)
        if weight > 0:
            weights[term] = weights.get(term, 0.0) + (1.0 + math.log(count)) * weight
    return Features(_normalized(_top(weights, MAX_TERMS)), years, frozenset(names))


def _names(tokens: list[str], text: str) -> set[str]:
    """Words written with a capital inside a sentence (more often than at a sentence start)."""
    capitalized = Counter(t for t in tokens if t[:1].isupper() and not t.isupper())
    if not capitalized:
        return set()
    initial = Counter(_SENTENCE_INITIAL.findall(text))
    return {t.casefold() for t, count in capitalized.items() if count > initial.get(t, 0)}


@lru_cache(maxsize=500_000)
def _rarity(word: str, language: str) -> float:
    """How much rarer than an everyday word `word` is (0 for common words and single letters)."""
    if len(word) < 2:
        return 0.0
    return max(0.0, COMMON_ZIPF - _zipf(word, language))


def _zipf(word: str, language: str) -> float:
    frequency = _frequencies(language).get(word) if word.isalpha() else None
    if frequency:  # a plain word in the list: what zipf_frequency gives, without its tokenizer's cost
        zipf = round(math.log10(round(frequency, 2 - math.floor(math.log10(frequency)))) + 9, 2)
    else:
        try:
            zipf = zipf_frequency(word, language)
        except LookupError:  # a language wordfreq has no list for
            zipf = zipf_frequency(word, "en")
    return zipf if zipf > 0 else UNKNOWN_ZIPF


@lru_cache(maxsize=None)
def _frequencies(language: str) -> dict[str, float]:
    try:
        return get_frequency_dict(language)
    except LookupError:
        return {}


def _top(weights: dict[str, float], limit: int) -> dict[str, float]:
    if len(weights) <= limit:
        return weights
    # Ties broken by the term itself so the result never depends on dict order.
    ranked = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return dict(ranked[:limit])


def _normalized(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}
