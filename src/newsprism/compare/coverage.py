"""Coverage: what every outlet carries, what several do, and what only one reports."""

from __future__ import annotations

from ..model import Article
from .facts import Fact


def coverage(articles: list[Article], facts: list[Fact]) -> dict:
    outlet_of = {a.id: a.outlet or a.id for a in articles}
    outlets = set(outlet_of.values())
    core, shared, unique = [], [], {a.id: [] for a in articles}
    for fact in facts:
        carried = fact.outlets(outlet_of)
        entry = {"text": fact.representative().text, "citations": fact.citations(),
                 "outlets": sorted(carried)}
        if len(outlets) > 1 and carried == outlets:
            core.append(entry)
        elif len(carried) > 1:
            shared.append(entry)
        else:
            for sentence in fact.sentences:
                unique[sentence.article_id].append({"text": sentence.text, "cite": sentence.cite()})
    return {"core": core, "shared": shared, "unique": unique}
