"""Personal names: the titles written before a name, in one list for every stage that reads names, and
names glued to the word before them by text extraction ("captionSergei Lavrov")."""

from __future__ import annotations

import re

# Titles and forms of address that precede a name ("Mr Lavrov", "Prime Minister Tusk", "Gen. Breedlove").
HONORIFICS = frozenset({
    "mr", "mrs", "ms", "mx", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "general", "gen",
    "president", "minister", "senator", "sen", "rep", "governor", "gov", "mayor", "judge", "chancellor",
    "secretary", "king", "queen", "prince", "princess", "pope", "rev", "father", "captain", "capt",
    "colonel", "col", "lt", "sgt", "officer", "chief", "commander", "premier", "ambassador", "prime",
})


def is_honorific(word: str) -> bool:
    return word.rstrip(".").lower() in HONORIFICS


def without_titles(words: list[str]) -> list[str]:
    """The words of a name without the titles before it: "Prime Minister Tusk" -> ["Tusk"]. Only
    leading words go: "Martin Luther King" keeps "King"."""
    start = 0
    while start < len(words) and is_honorific(words[start]):
        start += 1
    return words[start:]


# A lower-case word of three letters or more run into a capitalised one: a caption label or a word of the line
# before lost its space in extraction ("captionSergei", "photoJohn"). "iPhone", "deGrasse", "McDonald" are left.
_GLUED = re.compile(r"^[a-z]{3,}(?=[A-Z][a-z])")


def unglued(name: str) -> str:
    """The name without a lower-case word glued to its front: "captionSergei Lavrov" -> "Sergei Lavrov"."""
    return _GLUED.sub("", name, count=1)
