"""What an editor looks at to tell whether two reports are about the same event.

An article becomes a sparse, L2-normalized vector of weighted terms:

- words, weighted by how rare they are in the article's language (wordfreq's
  frequency lists, so a rare word counts from the first article on, with no
  corpus statistics to keep), counted more in the headline and lead;
- names: words written with a capital letter inside a sentence, which are
  heavily up-weighted because they survive translation and tell two events of
  the same kind apart (two earthquakes, two rehab stays);
- numbers, which survive translation too ("23 pirates", "7.1 magnitude").

What survives translation is also kept on its own (`Features.keys`): each name's key, its consonant
skeleton, the same in every script (namekeys.py: Лавров, لافروف and Lavrov share one), the numbers, and
the dates the text names, in any language's month names or numerals (6 February, 6 февраля and 2月6日 are
"@02-06"; May 2017 and 2017年5月 are "@2017-05"), and the day it was published.
In Arabic, Chinese, Japanese and Korean, which have no capitals to tell names by, every rare word gets a key.
The assigner compares these with a story when the article is in a language none of the story's members is.

Years mentioned in the text are kept aside: a story about 2008 and a report
about 2011 are not the same event, whatever words they share.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import itemgetter

import langcodes
import numpy as np
from wordfreq import INFERRED_SPACE_FACTOR, available_languages, cB_to_freq, freq_to_zipf, read_cBpack
from wordfreq.language_info import get_language_info
from wordfreq.numbers import digit_freq, smash_numbers
from wordfreq.tokens import lossy_tokenize, tokenize

from ..dates import calendar_date, dates_named
from ..model import Article
from .namekeys import name_keys

log = logging.getLogger(__name__)

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
# In a script without capital letters (Arabic, Chinese, Japanese, Korean) names cannot be told by their spelling:
# every word at least this rare (rarity = COMMON_ZIPF - Zipf frequency) gets a name key.
UNCASED_NAME_RARITY = 1.5
MAX_KEYS = 30
DATE_WEIGHT = 5.0  # of a date the text names (a day of the year, a month of a year) among its keys: a rare name's
MAX_TERMS = 60


@dataclass
class Features:
    """An article's weighted terms (L2 norm 1) and the years it mentions."""

    terms: dict[str, float]
    years: Counter = field(default_factory=Counter)
    names: frozenset = frozenset()
    # What survives translation (L2 norm 1): the names' keys (namekeys.py) and the numbers.
    keys: dict[str, float] = field(default_factory=dict)
    language: str = "en"


def article_features(article: Article) -> Features:
    return text_features(article.title or "", article.text, article.language or "en", article.published)


def text_features(title: str, text: str, language: str = "en", published: str | None = None) -> Features:
    text = _POSSESSIVE.sub("", text[:BODY_CHARS])
    tokens = _words(text, language)
    body = [token.casefold() for token in tokens[:BODY_WORDS]]
    sections = ((_words(_POSSESSIVE.sub("", title).casefold(), language), HEADLINE_WEIGHT),
                (body[:LEAD_WORDS], LEAD_WEIGHT), (body[LEAD_WORDS:], 1.0))
    counts: dict[str, float] = {}
    for section, weight in sections:
        for token, count in Counter(section).items():
            counts[token] = counts.get(token, 0.0) + weight * count
    names = _names(tokens, text)
    weights, keys, years = {}, {}, Counter()
    for token, count in counts.items():
        if token[0].isdigit():
            term = _number_term(token)
            if _YEAR.match(term[1:]):
                years[term[1:]] += round(count)
            weight = NUMBER_WEIGHT if len(term) > 2 else 0.0  # single digits are everywhere
        else:
            term, weight = token, _rarity(token, language) * (NAME_WEIGHT if token in names else 1.0)
            if token in names or (weight >= UNCASED_NAME_RARITY and not token.isascii() and _uncased(token)):
                for key in name_keys(token, language):
                    keys[key] = keys.get(key, 0.0) + (1.0 + math.log(count)) * weight
        if weight > 0:
            weights[term] = weights.get(term, 0.0) + (1.0 + math.log(count)) * weight
            if term[0] == "#":
                keys[term] = weights[term]
    for key in _date_keys(title + "\n" + text, language, published):
        keys[key] = DATE_WEIGHT
    return Features(unit_length(_top(weights, MAX_TERMS)), years, frozenset(names),
                    unit_length(_top(keys, MAX_KEYS)) if any(k[0] == "~" for k in keys) else {}, language)


def _date_keys(text: str, language: str, published: str | None = None) -> list[str]:
    """The dates the text names and the day it was published, as keys the same in every language and script:
    each day of the year ("@02-06", 6 February) and each month of a year ("@2023-02")."""
    dates = dates_named(text, language)
    day = calendar_date(published)
    if day is not None:
        dates.add((day.year, day.month, day.day))
    keys = set()
    for year, month, day in dates:
        if day is not None:
            keys.add(f"@{month:02d}-{day:02d}")
        if year is not None:
            keys.add(f"@{year}-{month:02d}")
    return sorted(keys)


def is_event_number(key: str) -> bool:
    """A number key that tells one event from another of its kind: neither a year (the years are compared on
    their own) nor a part of a written date ("#02" of 2023-02)."""
    return key[0] == "#" and key[1:2] != "0" and not _YEAR.match(key[1:])


# Two reports of one event name days up to a week apart (the day itself, the day after, "last Monday"),
# and a month of a year next to the event's when it fell at the turn of a month.
DATE_SLACK = {"day": 7, "month": 1}


def dates_agree(keys: dict[str, float], other: dict[str, float]) -> bool | None:
    """Whether the date keys of two key vectors (`_date_keys`) agree: None when they cannot be compared (one of
    them names no day of the year and no month of a year), False when one kind both name is never within
    DATE_SLACK, True when one kind is within it and none is not."""
    agree = None
    for kind in DATE_SLACK:
        mine, theirs = _date_ordinals(keys, kind), _date_ordinals(other, kind)
        if mine and theirs:
            if not any(abs(a - b) <= DATE_SLACK[kind] for a in mine for b in theirs):
                return False
            agree = True
    return agree


def _date_ordinals(keys: dict[str, float], kind: str) -> list[int]:
    """The days of the year (kind "day", "@MM-DD") or the months since year 0 ("month", "@YYYY-MM") among keys."""
    found = []
    for key in keys:
        if key[0] == "@" and (len(key) == 6) == (kind == "day"):
            first, second = int(key[1:-3]), int(key[-2:])
            found.append(_day_of_year(first, second) if kind == "day" else first * 12 + second)
    return found


@lru_cache(maxsize=512)
def _day_of_year(month: int, day: int) -> int:
    """Day of a leap year (so 29 February has one); a day the month does not have counts as its last."""
    return (date(2000, month, 1) - date(2000, 1, 1)).days + min(day, 31 if month != 2 else 29)


@lru_cache(maxsize=100_000)
def _number_term(token: str) -> str:
    """One term for a number however its language writes it: 6.7 and 6,7 are "#6.7", 3,000 and 3.000 are "#3000".

    A separator followed by exactly three digits groups thousands; a single other separator marks decimals;
    anything else (times, dates: 4:17, 06.02.2023) is kept as written.
    """
    groups = re.split(r"[.,]", token)
    if len(groups) > 1 and all(len(group) == 3 for group in groups[1:]) and ":" not in token:
        return "#" + "".join(groups)
    if len(groups) == 2 and ":" not in token:
        return "#" + ".".join(groups)
    return "#" + token


def _uncased(word: str) -> bool:
    """Written in a script without capital letters (Arabic, Han, Kana, Hangul)."""
    return word[0].lower() == word[0].upper()


def _names(tokens: list[str], text: str) -> set[str]:
    """Words written with a capital inside a sentence (more often than at a sentence start)."""
    capitalized = Counter([t for t in tokens if t[0].isupper() and not t.isupper()])  # tokens are never empty
    if not capitalized:
        return set()
    initial = Counter(_SENTENCE_INITIAL.findall(text))
    return {t.casefold() for t, count in capitalized.items() if count > initial.get(t, 0)}


def _words(text: str, language: str) -> list[str]:
    """Words and numbers of `text`; in Chinese, Japanese and Korean the runs of letters are cut into
    words by wordfreq's tokenizer (jieba, MeCab), as their frequency lists count them.

    A tokenizer that fails (not installed, or broken on this text) leaves the runs whole, logged.
    """
    tokens = _TOKEN.findall(text)
    if _tokenizer(language) not in ("mecab", "jieba"):
        return tokens
    try:
        return [word for token in tokens for word in _segment(token, language)]
    except Exception as exc:  # noqa: BLE001 - an article is never lost to a tokenizer
        _tokenizer_failed(language, f"{type(exc).__name__}: {exc}")
        return tokens


def _segment(token: str, language: str) -> list[str]:
    if token[0].isdigit() or token.isascii():
        return [token]
    return [word for word in tokenize(token, language) if _TOKEN.fullmatch(word)] or [token]


@lru_cache(maxsize=256)
def _tokenizer_failed(language: str, reason: str) -> None:
    """Said once per language and reason, not once per word."""
    log.warning("no word-list tokenizer for %r (%s): its words are not segmented, and rare", language, reason)


@lru_cache(maxsize=256)
def _tokenizer(language: str) -> str:
    try:
        return get_language_info(language)["tokenizer"]
    except (LookupError, ValueError):  # a code langcodes cannot parse
        return "regex"


@lru_cache(maxsize=500_000)
def _rarity(word: str, language: str) -> float:
    """How much rarer than an everyday word `word` is (0 for common words and single letters)."""
    if len(word) < 2:
        return 0.0
    return max(0.0, COMMON_ZIPF - _zipf(word, language))


def _zipf(word: str, language: str) -> float:
    """wordfreq's `zipf_frequency(word, language)` (English for a language it has no list for),
    looked up in the compact word list instead of wordfreq's dict of every word."""
    words = _word_list(language)
    if words is None:
        language, words = "en", _word_list("en")
    try:
        zipf = round(freq_to_zipf(words.frequency(word, language)), 2)
    except Exception as exc:  # noqa: BLE001 - a tokenizer failing on one word leaves it unknown
        _tokenizer_failed(language, f"{type(exc).__name__}: {exc}")
        zipf = 0.0
    return zipf if zipf > 0 else UNKNOWN_ZIPF


class WordList:
    """One language's wordfreq list held compactly: the words' 64-bit hashes, sorted, and their
    frequency bands (centibels) - about 10 bytes a word where wordfreq's dict of str to float takes
    about 100 (36 MB a language). The hash is Python's of the word's UTF-8 bytes: fixed for the
    process's life, which is all this in-memory table needs (the hash of a str itself is not: it hashes
    the str's internal buffer, so "of" and "景" share one). Two words of a list sharing a 64-bit hash
    is too unlikely to matter.
    """

    def __init__(self, bands: list[list[str]]):
        keys = np.fromiter((hash(word.encode()) for band in bands for word in band), dtype=np.int64)
        centibels = np.fromiter((cb for cb, band in enumerate(bands) for _ in band), dtype=np.uint16)
        order = np.argsort(keys, kind="stable")
        keys, centibels = keys[order], centibels[order]
        last = np.append(keys[1:] != keys[:-1], True)  # a word listed twice: the later band, as wordfreq
        self.keys, self.centibels = keys[last], centibels[last]

    def band(self, token: str) -> int | None:
        key = hash(token.encode())
        at = int(np.searchsorted(self.keys, key))
        return int(self.centibels[at]) if at < len(self.keys) and self.keys[at] == key else None

    def frequency(self, word: str, language: str, minimum: float = 1e-9) -> float:
        """wordfreq's `word_frequency(word, language, minimum=...)` step for step (tokens, digits,
        inferred spaces, rounding); the default minimum is the one `zipf_frequency` uses (Zipf 0)."""
        if word.isascii() and word.isalpha() and word.islower() and _tokenizer(language) == "regex":
            tokens = [word]  # what the regex tokenizer makes of it in every language, many times faster
        else:
            tokens = lossy_tokenize(word, language)
        if not tokens:
            return minimum
        one_over_result = 0.0
        for token in tokens:
            smashed = smash_numbers(token)
            band = self.band(smashed)
            if band is None:
                return minimum
            freq = cB_to_freq(-band)
            if smashed != token:
                freq *= digit_freq(token)
            one_over_result += 1.0 / freq
        freq = 1.0 / one_over_result
        if _tokenizer(language) == "jieba":
            freq *= INFERRED_SPACE_FACTOR ** -(len(tokens) - 1)
        freq = max(freq, minimum)
        return round(freq, math.floor(-math.log10(freq)) + 3)


@lru_cache(maxsize=64)
def _word_list(language: str) -> WordList | None:
    """The compact list of the nearest language wordfreq has (as wordfreq picks it); None when none is near."""
    available = available_languages()
    try:
        best, _distance = langcodes.closest_match(language, list(available), max_distance=60)
    except (LookupError, ValueError):
        return None
    if best == "und":
        log.debug("no word list for language %r; English rarity is used", language)
        return None
    if best != language:
        log.debug("word list for language %r: the nearest, %r", language, best)
    return WordList(read_cBpack(available[best]))


def _top(weights: dict[str, float], limit: int) -> dict[str, float]:
    if len(weights) <= limit:
        return weights
    # Ties broken by the term itself so the result never depends on dict order: sorted by term, then (stably)
    # by weight, heaviest first - the order of the key (-weight, term), without a key tuple per term.
    ranked = sorted(sorted(weights.items()), key=itemgetter(1), reverse=True)
    return dict(ranked[:limit])


def unit_length(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}
