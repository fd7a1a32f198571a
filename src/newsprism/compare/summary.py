"""A short summary made only of the sources' own sentences.

Facts are ranked by how many outlets carry them, then by how early the articles
tell them (news puts what matters first); a fact too similar to one already
chosen is skipped, so no outlet's version of a fact repeats another's. The
chosen sentences are put in the order the articles tell them, and each cites
every article that reports its fact.
"""

from __future__ import annotations

from ..model import Article
from .facts import SAME_MEANING, Fact, Sentence, meaning_similarity, word_similarity

REDUNDANT = 0.25  # a candidate sharing this many weighted terms with a chosen sentence says nothing new
MAX_WORDS = 60  # very long sentences make poor summary lines


def summarize(articles: list[Article], facts: list[Fact], sentences: int = 5) -> list[dict]:
    outlet_of = {a.id: a.outlet or a.id for a in articles}
    ranked = sorted(facts, key=lambda f: (-len(f.outlets(outlet_of)), f.position,
                                          f.sentences[0].article_id, f.sentences[0].start))
    chosen: list[Fact] = []
    best_of: dict[int, Sentence] = {}  # representative() is quadratic in a fact's sentences: once per fact
    for fact in ranked:
        if len(chosen) >= sentences:
            break
        best = best_of[id(fact)] = fact.representative()
        if len(best.text.split()) > MAX_WORDS or best.text.rstrip()[-1:] in (":", "?"):
            continue
        if any(_redundant(best, best_of[id(c)]) for c in chosen):
            continue
        chosen.append(fact)
    chosen.sort(key=lambda f: (f.position, f.sentences[0].article_id))
    return [{"text": best_of[id(f)].text, "citations": f.citations()} for f in chosen]


def _redundant(candidate: Sentence, chosen: Sentence) -> bool:
    """Says nothing new: shares many weighted terms, or says the same in other words."""
    meant = meaning_similarity(candidate, chosen)
    return word_similarity(candidate, chosen) >= REDUNDANT or (meant is not None and meant >= SAME_MEANING)
