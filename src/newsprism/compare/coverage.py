"""Coverage: what every outlet carries, what several do, and what only one reports."""

from __future__ import annotations

from ..model import Article, Coverage, CoveredFact, Passage, outlet_names
from .facts import Fact


def coverage(articles: list[Article], facts: list[Fact]) -> Coverage:
    outlet_of = outlet_names(articles)
    outlets = set(outlet_of.values())
    found = Coverage(unique={a.id: [] for a in articles})
    for fact in facts:
        carried = fact.outlets(outlet_of)
        entry = CoveredFact(text=fact.representative().text, citations=fact.citations(), outlets=sorted(carried))
        if len(outlets) > 1 and carried == outlets:
            found.core.append(entry)
        elif len(carried) > 1:
            found.shared.append(entry)
        else:
            for sentence in fact.sentences:
                found.unique[sentence.article_id].append(Passage(sentence.text, sentence.cite()))
    return found
