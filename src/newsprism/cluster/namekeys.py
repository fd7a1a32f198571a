"""Name keys: one spelling-free key for a name in any script (Лавров, لافروف, Lavrov -> "~rfrf").

Names survive translation, but their spelling does not: each script writes them with its own letters, Arabic
without its short vowels, Japanese and Chinese with r for l and n for m. A name's key is its consonant
skeleton: the name is transliterated to Latin letters (anyascii), vowels and the letters that are vowels in
some scripts (h, w, y: Arabic و and ي stand for o, u, i) are dropped, and the rest fall into a few classes of
sounds that transliterations confuse (p/b, v/f, g/k/q/c, s/z/j/sh/zh/ch/ts, t/d, l/r). Only the first
KEY_CLASSES classes are kept, so case endings (Лаврова, Трампом) do not change the key, and a key needs at
least MIN_CLASSES, so short names (Kim, Abe), whose keys would match half the dictionary, get none.

An Arabic word may carry a one-letter proclitic (و "and", ب "with", ل "for", ف "so") or the article ال: such a
word gives the key of the word without it too.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

KEY_CLASSES = 4
MIN_CLASSES = 3
KEY_PREFIX = "~"  # keys never collide with words or "#"-numbers among an article's terms

# Digraphs first (longest first), then single letters; vowels and h, w, y map to "" (dropped).
_DIGRAPHS = (("dzh", "s"), ("dz", "s"), ("sch", "s"), ("tch", "s"), ("dj", "s"), ("zh", "s"), ("sh", "s"), ("ch", "s"),
             ("ts", "s"), ("tz", "s"), ("kh", "k"), ("gh", "k"), ("ph", "f"), ("th", "t"), ("ck", "k"), ("qu", "k"))
_LETTERS = {"b": "b", "p": "b", "f": "f", "v": "f", "g": "k", "k": "k", "q": "k", "c": "k", "x": "k", "j": "s",
            "s": "s", "z": "s", "t": "t", "d": "t", "l": "r", "r": "r", "m": "m", "n": "n"}
_SOFT_C = re.compile(r"c(?=[eiy])")
_NASAL_BEFORE_LABIAL = re.compile(r"ng?(?=[bp])")  # Japanese and Chinese write Trump's m as n: toranpu, TeLangPu
_ARABIC_ARTICLE = re.compile(r"^(?:[وفبك]?ال|لل)(?=..)")
_ARABIC_PROCLITIC = re.compile(r"^[وبلف](?=...)")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_KATAKANA = re.compile(r"[\u30a0-\u30ff\u31f0-\u31ff]+")


@lru_cache(maxsize=200_000)
def name_keys(word: str, language: str = "") -> tuple[str, ...]:
    """The keys of a name (a word of a cased script written with a capital, or any word of an uncased one).

    Japanese writes foreign names in katakana; its kanji would be transliterated with their Chinese readings,
    which match nothing, so only katakana words get a key.
    """
    if language == "ja" and not _KATAKANA.fullmatch(word):
        return ()
    if not _ARABIC.match(word):
        key = skeleton_key(word)
        return (key,) if key else ()
    forms = [word, _ARABIC_ARTICLE.sub("", word), _ARABIC_PROCLITIC.sub("", word)]
    return tuple(dict.fromkeys(key for key in map(skeleton_key, forms) if key))


@lru_cache(maxsize=200_000)
def skeleton_key(word: str) -> str | None:
    """The consonant skeleton of `word` ("~" and KEY_CLASSES sound classes), or None when it has too few."""
    latin = anyascii(word).lower()
    latin = _SOFT_C.sub("s", latin)
    for digraph, sound in _DIGRAPHS:
        latin = latin.replace(digraph, sound)
    skeleton = []
    for letter in _NASAL_BEFORE_LABIAL.sub("m", latin):
        sound = _LETTERS.get(letter)
        # Equal sounds in a row count once, vowels between them or not: Arabic writes no short vowels.
        if sound and (not skeleton or skeleton[-1] != sound):
            skeleton.append(sound)
    if len(skeleton) < MIN_CLASSES:
        return None
    return KEY_PREFIX + "".join(skeleton[:KEY_CLASSES])
