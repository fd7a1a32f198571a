"""Sources: where an article's words really come from, so corroboration counts independent sources.

Two things make a fact look better corroborated than it is. Outlets republish one report (a BBC story on
another domain, wire copy with light edits): their sentences are the same sentences. And outlets pass on
what a third one said ("according to Interfax", "(Via BBC)", "the Independent wrote", "told Reuters"): five
outlets quoting one agency are one source. `credited` reads the second from a sentence, `shared_copy` finds
the first between articles, and `independent_sources` counts what is left for one fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

from ..model import Article, Citation

# A name as news text writes one: capitalised words, a few joined by "of", "&", "de"
# ("Interfax", "The Telegraph", "Sky Italia", "Security Service of Ukraine").
_WORD = r"[A-Z][\w'’.&-]*"
_NAME = rf"(?:[Tt]he\s+)?{_WORD}(?:\s+(?:(?:of|de|&|and)\s+)?{_WORD}){{0,4}}"
# News organisations are named after "told", "according to", "(Via", "Culled from"; a named source
# before a reporting verb. Present-tense "reports"/"writes" only after a qualifier or mid-sentence:
# "Initial reports indicated" names nobody.
_MEDIUM = r"(?:news agency|newspaper|broadcaster|daily|radio|television|TV)"
_LEAD = r"(?:[Cc]ulled from|[Ss]ource:|[Cc]ourtesy(?: of)?)"
_CREDITS = [
    re.compile(rf"\baccording to (?P<source>{_NAME})"),
    re.compile(rf"(?:^{_LEAD}|\((?:[Vv]ia|{_LEAD})|\s{_LEAD})\s+(?P<source>{_NAME})"),
    re.compile(rf"\btold (?:the )?(?:{_WORD}\s+)?{_MEDIUM}\s+(?P<source>{_NAME})"),
    re.compile(rf"\btold (?P<source>{_NAME})"),
    re.compile(rf"(?P<source>{_NAME})(?:\s+{_MEDIUM})?\s+(?:reported|wrote|said in a report|quoted|cited)\b"),
    re.compile(rf"(?P<source>{_NAME})\s+{_MEDIUM}\s+(?:reports|writes)\b"),
    re.compile(rf"(?<=\S\s)(?P<source>{_NAME})\s+(?:reports|writes)\b"),
]
_ARTICLE_CREDIT = re.compile(rf"(?:^(?:{_LEAD}|[Vv]ia)|\((?:[Vv]ia|{_LEAD})|\s{_LEAD})\s+(?P<source>{_NAME})")
# Capitalised words that start a sentence or name no source ("He reported", "It wrote").
_NOT_SOURCES = {"he", "she", "it", "they", "we", "i", "you", "this", "that", "there", "but", "and", "officials",
                "witnesses", "reports", "media", "local media"}
# Words around a name that are not part of it ("Italian news agency Adnkronos": the name is the last run).
_TRAILING = re.compile(r"\s+(?:news agency|newspaper|television|TV)$")


def credited(sentence: str) -> str | None:
    """The source a sentence credits for what it says ("according to Interfax" -> "Interfax"), or None."""
    for pattern in _CREDITS:
        for match in pattern.finditer(sentence):
            name = _clean_name(match.group("source"))
            if name:
                return name
    return None


def _clean_name(name: str) -> str | None:
    name = re.sub(r"^[Tt]he\s+", "", name.strip(" .,;:'’"))
    name = _TRAILING.sub("", re.sub(r"^\w+['’]s\s+", "", name)).strip()  # "Italy's Ansa" -> "Ansa"
    if not name or name.lower() in _NOT_SOURCES or len(name) < 2:
        return None
    return name


def article_credit(article: Article) -> str | None:
    """The source an article as a whole credits: its wire credit, or a "Culled from BBC" / "(Via BBC)" line."""
    if article.credit:
        return article.credit
    for paragraph in article.paragraphs[:2] + article.paragraphs[-2:]:
        match = _ARTICLE_CREDIT.search(paragraph)
        if match and (name := _clean_name(match.group("source"))):
            return name
    return None


# Two articles share copy when this many of their sentences are the same sentence with light edits
# (word sets overlapping this much); shorter sentences ("He said so.") repeat by chance.
SHARED_SENTENCES = 2
SAME_SENTENCE = 0.7
MIN_WORDS = 8
_WORDS = re.compile(r"\w+")


def shared_copy(sentences: Mapping[str, Sequence[str]]) -> list[set[str]]:
    """Groups of articles (ids of `sentences`, each article's sentences) that share copy, the groups of more
    than one article only. Sharing is transitive: A rewrites B and C rewrites B puts A, B and C together."""
    words = {aid: [set(_WORDS.findall(s.lower())) for s in texts] for aid, texts in sentences.items()}
    words = {aid: [w for w in sets if len(w) >= MIN_WORDS] for aid, sets in words.items()}
    parent = {aid: aid for aid in words}

    def root(aid: str) -> str:
        while parent[aid] != aid:
            aid = parent[aid]
        return aid

    for a, b in combinations(sorted(words), 2):
        if _same_sentences(words[a], words[b]) >= SHARED_SENTENCES:
            parent[root(b)] = root(a)
    groups: dict[str, set[str]] = {}
    for aid in words:
        groups.setdefault(root(aid), set()).add(aid)
    return sorted((g for g in groups.values() if len(g) > 1), key=min)


def _same_sentences(first: list[set[str]], second: list[set[str]]) -> int:
    return sum(any(len(a & b) / len(a | b) >= SAME_SENTENCE for b in second) for a in first)


def independent_sources(citations: Iterable[Citation], outlet_of: Mapping[str, str], texts: Mapping[str, str],
                        copy_groups: Sequence[set[str]]) -> list[str]:
    """The independent sources behind these citations: each citation counts as the source its words credit
    (`credited`), else as its article's copy group, else as its outlet. Names are returned sorted; a copy
    group is named by its outlets joined with " / "."""
    group_of = {aid: group for group in copy_groups for aid in group}
    sources = set()
    for cite in citations:
        credit = credited(texts.get(cite.article_id, "")[cite.start:cite.end])
        if credit:
            sources.add(credit)
        elif cite.article_id in group_of:
            sources.add(" / ".join(sorted({outlet_of.get(a, a) for a in group_of[cite.article_id]})))
        else:
            sources.add(outlet_of.get(cite.article_id, cite.article_id))
    return sorted(sources)


def copy_groups_of(articles: Sequence[Article], sentences: Mapping[str, Sequence[tuple[int, int]]]) -> list[set[str]]:
    """`shared_copy` of articles whose sentences are given as (start, end) spans of their texts."""
    return shared_copy({a.id: [a.text[s:e] for s, e in sentences.get(a.id, ())] for a in articles})
