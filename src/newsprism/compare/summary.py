"""A short summary made only of the sources' own reporting sentences.

Candidates are sentences that report: complete prose (no headline, sub-headline or caption line), not
mostly someone's quoted words (the quotes list has those), not too long, not a question or a lead-in to a
list. The summary leads with what happened, where and when: of the articles' first reporting sentences
(news puts those first), the one the other outlets come closest to telling too. The other lines are the
facts most outlets carry, then those the articles tell earliest; a candidate too similar to a line already
chosen is skipped, so no outlet's version of a fact repeats another's, and they follow the lead in the
order the articles tell them. Each line cites, after its own words, the sentences of its fact that restate
it closely (`DossierSettings.summary_citation`): a summary citation tells the reader "this outlet says
this too", a stronger claim than being linked into one fact.
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
    lead = _lead(facts, settings)
    chosen: list[Fact] = []
    if lead is not None:
        chosen.append(lead[0])
        best_of[id(lead[0])] = lead[1]
    for fact in ranked:
        if len(chosen) >= settings.summary_sentences:
            break
        told = best_of[id(fact)]
        if all(fact is not c for c in chosen) and not any(_redundant(told, best_of[id(c)], settings) for c in chosen):
            chosen.append(fact)
    chosen[1:] = sorted(chosen[1:], key=lambda f: (f.position, f.sentences[0].article_id))
    return [SummarySentence(best_of[id(f)].text, _citations(f, best_of[id(f)], settings)) for f in chosen]


def _citations(fact: Fact, first: Sentence, settings: DossierSettings) -> list[Citation]:
    """The sentence's own citation, then those of its fact's sentences that restate it closely."""
    return [first.cite()] + [s.cite() for s in sorted(fact.sentences, key=lambda s: (s.article_id, s.start))
                             if s is not first and similarity(first, s, settings) >= settings.summary_citation]


def _lead(facts: list[Fact], settings: DossierSettings) -> tuple[Fact, Sentence] | None:
    """What happened: of the articles' first reporting sentences (news tells what, where and when first),
    the one the other outlets come closest to telling too (`Sentence.echo`); with its fact."""
    ledes: dict[str, tuple[Fact, Sentence]] = {}
    for fact in facts:
        for sentence in fact.sentences:
            known = ledes.get(sentence.article_id)
            if _reports(sentence, settings) and (known is None or sentence.start < known[1].start):
                ledes[sentence.article_id] = (fact, sentence)
    return max(ledes.values(), key=lambda found: (found[1].echo, -found[1].position), default=None)


def _reports(sentence: Sentence, settings: DossierSettings) -> bool:
    """A sentence fit for the summary: reporting prose of a readable length, not a question or a lead-in."""
    return (sentence.prose and not sentence.quotation and word_count(sentence.text) <= settings.max_summary_words
            and sentence.text.rstrip()[-1:] not in (":", "?"))


def _redundant(candidate: Sentence, chosen: Sentence, settings: DossierSettings) -> bool:
    """Says nothing new: shares many weighted terms, or says the same in other words."""
    meant = meaning_similarity(candidate, chosen)
    return (word_similarity(candidate, chosen) >= settings.redundant_words
            or (meant is not None and meant >= settings.same_meaning))
