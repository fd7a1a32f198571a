"""A short summary made only of the sources' own reporting sentences.

Candidates are sentences that report: complete prose (no headline, sub-headline or caption line), not
mostly someone's quoted words (the quotes list has those), not too long, not a question or a lead-in to a
list. They are ranked by how many outlets tell what they say, then by how early the articles tell it (news
puts what happened, where and when first): the outlets of the sentence's fact, or, when more, the outlets
with a sentence close to it (`Sentence.echoes`), since a fact worded very differently across outlets is
not always linked. A candidate too similar to one already chosen is skipped, so no outlet's version of a
fact repeats another's. The chosen sentences are put in the order the articles tell them. Each cites, after
its own, the sentences of its fact that restate it closely (`DossierSettings.summary_citation`): a summary
citation tells the reader "this outlet says this too", a stronger claim than being linked into one fact.
"""

from __future__ import annotations

from ..config import DossierSettings
from ..model import Article, Citation, SummarySentence, outlet_names
from .facts import Fact, Sentence, meaning_similarity, similarity, word_count, word_similarity


def summarize(articles: list[Article], facts: list[Fact],
              settings: DossierSettings = DossierSettings()) -> list[SummarySentence]:
    outlet_of = outlet_names(articles)
    best_of = {id(f): f.representative() for f in facts}  # representative() is quadratic: once per fact
    candidates = [f for f in facts if _reports(best_of[id(f)], settings)]
    ranked = sorted(candidates, key=lambda f: (-len(f.outlets(outlet_of)),
                                               f.position, f.sentences[0].article_id, f.sentences[0].start))
    chosen: list[Fact] = []
    for fact in ranked:
        if len(chosen) >= settings.summary_sentences:
            break
        if not any(_redundant(best_of[id(fact)], best_of[id(c)], settings) for c in chosen):
            chosen.append(fact)
    chosen.sort(key=lambda f: (f.position, f.sentences[0].article_id))
    return [SummarySentence(best_of[id(f)].text, _citations(f, best_of[id(f)], settings)) for f in chosen]


def _citations(fact: Fact, first: Sentence, settings: DossierSettings) -> list[Citation]:
    """The sentence's own citation, then those of its fact's sentences that restate it closely."""
    return [first.cite()] + [s.cite() for s in sorted(fact.sentences, key=lambda s: (s.article_id, s.start))
                             if s is not first and similarity(first, s, settings) >= settings.summary_citation]


def _reports(sentence: Sentence, settings: DossierSettings) -> bool:
    """A sentence fit for the summary: reporting prose of a readable length, not a question or a lead-in."""
    return (sentence.prose and not sentence.quotation and word_count(sentence.text) <= settings.max_summary_words
            and sentence.text.rstrip()[-1:] not in (":", "?"))


def _redundant(candidate: Sentence, chosen: Sentence, settings: DossierSettings) -> bool:
    """Says nothing new: shares many weighted terms, or says the same in other words."""
    meant = meaning_similarity(candidate, chosen)
    return (word_similarity(candidate, chosen) >= settings.redundant_words
            or (meant is not None and meant >= settings.same_meaning))
