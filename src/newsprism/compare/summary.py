"""A short summary made only of the sources' own sentences.

Facts are ranked by how many outlets carry them, then by how early the articles
tell them (news puts what matters first); a fact too similar to one already
chosen is skipped, so no outlet's version of a fact repeats another's. The
chosen sentences are put in the order the articles tell them, and each cites
every article that reports its fact.
"""

from __future__ import annotations

from ..config import DossierSettings
from ..model import Article, SummarySentence, outlet_names
from .facts import Fact, Sentence, meaning_similarity, word_count, word_similarity


def summarize(articles: list[Article], facts: list[Fact],
              settings: DossierSettings = DossierSettings()) -> list[SummarySentence]:
    outlet_of = outlet_names(articles)
    ranked = sorted(facts, key=lambda f: (-len(f.outlets(outlet_of)), f.position,
                                          f.sentences[0].article_id, f.sentences[0].start))
    chosen: list[Fact] = []
    best_of: dict[int, Sentence] = {}  # representative() is quadratic in a fact's sentences: once per fact
    for fact in ranked:
        if len(chosen) >= settings.summary_sentences:
            break
        best = best_of[id(fact)] = fact.representative()
        if word_count(best.text) > settings.max_summary_words or best.text.rstrip()[-1:] in (":", "?"):
            continue
        if any(_redundant(best, best_of[id(c)], settings) for c in chosen):
            continue
        chosen.append(fact)
    chosen.sort(key=lambda f: (f.position, f.sentences[0].article_id))
    return [SummarySentence(best_of[id(f)].text, f.citations()) for f in chosen]


def _redundant(candidate: Sentence, chosen: Sentence, settings: DossierSettings) -> bool:
    """Says nothing new: shares many weighted terms, or says the same in other words."""
    meant = meaning_similarity(candidate, chosen)
    return (word_similarity(candidate, chosen) >= settings.redundant_words
            or (meant is not None and meant >= settings.same_meaning))
