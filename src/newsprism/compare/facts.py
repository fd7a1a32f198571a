"""Facts: the sentences of a story's articles that say the same thing, aligned across outlets.

Two sentences are compared by meaning and by words: the cosine of their sentence vectors
(understand.meaning, English) and the cosine of their weighted terms (the clustering
features: rare words, names, numbers), averaged. Meaning catches paraphrase ("troops" and
"soldiers"); the terms keep two different events of the same kind apart (names, numbers,
places), which sentence vectors alone blur. Sentences without vectors (other languages) are
compared by terms alone; names and numbers survive translation, so a German sentence can
still join an English fact. Each sentence is linked to its most similar sentence in every
other article when the two are each other's best match and similar enough, and linked
sentences join into one fact only when every two of them may state one fact (see `align`).

However alike they read, two sentences are never one fact when one is negated and the other
not (a claim and its denial), or when both give figures and they disagree ("26 dead" and "37
dead" are two facts; the numbers list shows the disagreement). Headline and caption lines
(text that does not end as a sentence ends) are not linked at all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..cluster.features import text_features
from ..config import DossierSettings
from ..model import Analysis, Article, Citation, outlet_names
from ..understand import meaning
from .boilerplate import ReportingSpans

# Words that negate or deny a statement ("No." before a number is an abbreviation).
_NEGATION = re.compile(r"\b(?:not|never|no(?!\.\s*\d)|none|nobody|nothing|neither|nor|cannot|without|"
                       r"den(?:y|ies|ied|ial)|refuse[sd]?|reject(?:s|ed)?)\b|n['’]t\b", re.IGNORECASE)
# Words outside a quotation that make no more than its attribution ("Philadelphia Mayor Michael Nutter told reporters").
_ATTRIBUTION_WORDS = 6
_ENDS_SENTENCE = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s*$")
# Scripts written without spaces between words (Chinese, Japanese kana and kanji, Thai, Lao, Khmer, Myanmar).
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass
class Sentence:
    article_id: str
    start: int
    end: int
    text: str
    position: float  # 0 for an article's first sentence, 1 for its last
    terms: dict[str, float]
    vector: np.ndarray | None = field(default=None, repr=False)
    quotation: bool = False  # mostly someone's quoted words (see `_is_quotation`)
    # Its quantities: what each counts (its unit for money and measures, None when unknown), as a range.
    figures: list[tuple[str | None, float, float]] = field(default_factory=list)
    # Ends as a sentence ends, or ends the text (an excerpt may cut its last sentence): not a headline,
    # sub-headline or caption line run into the text.
    prose: bool = True
    # How close the most similar sentence of another outlet comes (meaning cosine; terms cosine where either
    # sentence has no vector), among those whose figures agree with it: the test of "only this outlet
    # reports it" (set by `align`).
    nearest_elsewhere: float = 0.0
    # How widely the other outlets tell something close to it: the mean, over the other outlets, of how close
    # each one's nearest sentence comes (set by `align`; 0 with no other outlet).
    echo: float = 0.0

    def cite(self) -> Citation:
        return Citation(self.article_id, self.start, self.end)


@dataclass
class Fact:
    sentences: list[Sentence] = field(default_factory=list)
    settings: DossierSettings = field(default=DossierSettings(), repr=False, compare=False)
    _representative: Sentence | None = field(default=None, repr=False, compare=False)

    @property
    def articles(self) -> list[str]:
        return sorted({s.article_id for s in self.sentences})

    def outlets(self, outlet_of: dict[str, str]) -> set[str]:
        return {outlet_of[s.article_id] for s in self.sentences}

    @property
    def position(self) -> float:
        return sum(s.position for s in self.sentences) / len(self.sentences)

    def representative(self) -> Sentence:
        """The sentence closest to all the others (the first one when alone); computed once, as
        it is quadratic in the fact's sentences and a fact is complete once `align` returns it."""
        if self._representative is None:
            if len(self.sentences) < 3:
                self._representative = min(self.sentences, key=lambda s: (s.position, s.article_id))
            else:
                self._representative = max(self.sentences, key=lambda s: (
                    sum(similarity(s, o, self.settings) for o in self.sentences if o is not s), -s.position))
        return self._representative

    def citations(self) -> list[Citation]:
        first = self.representative()
        return [first.cite()] + [s.cite() for s in sorted(self.sentences, key=lambda s: (s.article_id, s.start))
                                 if s is not first]


def sentences_of(article: Article, analysis: Analysis, settings: DossierSettings = DossierSettings()) -> list[Sentence]:
    vectors = meaning.decode(analysis.vectors, len(analysis.sentences))
    kept = [(i, *span) for i, span in enumerate(ReportingSpans(article.text, analysis.sentences).spans)
            if span and word_count(article.text[span[0]:span[1]]) >= settings.min_fact_words]
    count = max(1, len(kept) - 1)
    return [Sentence(article.id, s, e, article.text[s:e], n / count,
                     _terms(article.text[s:e], article.language or "en"),
                     None if vectors is None else vectors[i], _is_quotation(article.text, s, e, analysis),
                     _figures(s, e, analysis),
                     n == len(kept) - 1 or _ENDS_SENTENCE.search(article.text, s, e) is not None)
            for n, (i, s, e) in enumerate(kept)]


def _figures(start: int, end: int, analysis: Analysis) -> list[tuple[str | None, float, float]]:
    """The quantities a sentence gives, each as the range it allows ("at least 12" is 12, "dozens" a range)."""
    return [(q.what or q.unit, q.value if q.low is None else q.low, q.value if q.high is None else q.high)
            for q in analysis.quantities if start <= q.start < end]


def _figures_differ(mine: list[tuple[str | None, float, float]], theirs: list[tuple[str | None, float, float]]) -> bool:
    """Whether two sentences' figures say they state different facts: none agrees with any, or each gives a
    figure of something the other counts too that agrees with none of the other's figures for it ("410
    seats" and "412 seats", both beside "the 650-seat House"; "410 seats" alone is part of either)."""
    def agree(a, b) -> bool:  # the ranges overlap ("410" and "412" do not: a vague amount is a range already)
        return a[1] <= b[2] and b[1] <= a[2]

    def unmatched(first, second) -> bool:
        return any(figure[0] is not None and (same := [o for o in second if o[0] == figure[0]])
                   and not any(agree(figure, o) for o in same) for figure in first)

    if not any(agree(a, b) for a in mine for b in theirs):
        return True
    return unmatched(mine, theirs) and unmatched(theirs, mine)


def _is_quotation(text: str, start: int, end: int, analysis: Analysis) -> bool:
    """Mostly someone's quoted words: half its characters are inside quotation marks (analysis.quotes), or
    what lies outside them is no more than an attribution ("..., Mayor Jane Doe told reporters.")."""
    inside = [(max(q.start, start), min(q.end, end)) for q in analysis.quotes if q.start < end and q.end > start]
    if not inside:
        return False
    quoted = sum(e - s for s, e in inside)
    outside, at = [], start
    for s, e in sorted(inside):
        outside.append(text[at:s])
        at = max(at, e)
    outside.append(text[at:end])
    return quoted * 2 >= end - start or len(re.findall(r"\w+", " ".join(outside))) <= _ATTRIBUTION_WORDS


def word_count(text: str) -> int:
    """Words in a sentence: white-space separated, and about one per two characters in scripts that
    put no spaces between words (a Japanese or Chinese sentence is not one word)."""
    unspaced = len(_UNSPACED.findall(text))
    return len(_UNSPACED.sub(" ", text).split()) + (unspaced + 1) // 2


def _terms(text: str, language: str) -> dict[str, float]:
    """A sentence's weighted terms (the clustering's; a missing tokenizer is handled there)."""
    return text_features("", text, language).terms


def word_similarity(a: Sentence, b: Sentence) -> float:
    small, large = (a.terms, b.terms) if len(a.terms) <= len(b.terms) else (b.terms, a.terms)
    return sum(w * large.get(t, 0.0) for t, w in small.items())


def meaning_similarity(a: Sentence, b: Sentence) -> float | None:
    return None if a.vector is None or b.vector is None else float(a.vector @ b.vector)


def similarity(a: Sentence, b: Sentence, settings: DossierSettings = DossierSettings()) -> float:
    words, meant = word_similarity(a, b), meaning_similarity(a, b)
    return words if meant is None else combined(words, meant, settings)


def combined(words, meant, settings: DossierSettings = DossierSettings()):
    """The similarity that ranks candidates: terms and meaning cosines (numbers or arrays), weighted."""
    return (1 - settings.meaning_weight) * words + settings.meaning_weight * meant


def may_report_one_fact(words, meant, settings: DossierSettings = DossierSettings()):
    """Whether sentences may report one fact, from their terms and meaning cosines (numbers or arrays):
    shared terms with related meanings (shared words in different statements are not enough), or the
    same meaning in other words."""
    return (((words >= settings.same_fact_by_words) & (meant >= settings.related_meaning))
            | (meant >= settings.same_meaning))


def align(articles: list[Article], analyses: dict[str, Analysis],
          settings: DossierSettings = DossierSettings()) -> list[Fact]:
    """Every sentence in exactly one fact; facts in reading order.

    Linked pairs join in order of similarity, and two groups merge only when every sentence of one may report
    one fact with every sentence of the other (complete linkage): a broad sentence close to several
    different statements cannot chain them into one fact."""
    sentences = [s for a in articles for s in sentences_of(a, analyses[a.id], settings)]
    outlet_of = outlet_names(articles)
    links, compatible = _best_links(sentences, [outlet_of[s.article_id] for s in sentences], settings)
    group_of = list(range(len(sentences)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(sentences))}
    for _, i, j in sorted(links, reverse=True):
        a, b = group_of[i], group_of[j]
        if a == b or not all(y in compatible.get(x, ()) for x in members[a] for y in members[b]):
            continue
        for x in members[b]:
            group_of[x] = a
        members[a] += members.pop(b)
    facts = [Fact([sentences[i] for i in sorted(m)], settings) for m in members.values()]
    return sorted(facts, key=lambda f: (f.position, f.sentences[0].article_id, f.sentences[0].start))


class _Similarities:
    """One sentence's similarities to all others at a time: memory stays linear in the story's size."""

    def __init__(self, sentences: list[Sentence], settings: DossierSettings):
        self.settings = settings
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, sentence in enumerate(sentences):
            for term, weight in sentence.terms.items():
                postings[term].append((i, weight))
        self.index = {t: (np.array([i for i, _ in p]), np.array([w for _, w in p])) for t, p in postings.items()}
        self.terms = [s.terms for s in sentences]
        self.has_vector = np.array([s.vector is not None for s in sentences], dtype=bool)
        self.negated = np.array([_NEGATION.search(s.text) is not None for s in sentences], dtype=bool)
        self.figures = [s.figures for s in sentences]
        self.with_figures = [i for i, f in enumerate(self.figures) if f]
        self.vectors = np.stack([s.vector if s.vector is not None else np.zeros(meaning.DIMENSIONS, np.float32)
                                 for s in sentences]) if sentences else np.zeros((0, meaning.DIMENSIONS))

    def words(self, i: int) -> np.ndarray:
        """Cosine of weighted terms (rare words, names, numbers) of sentence i with every sentence."""
        scores = np.zeros(len(self.terms))
        for term, weight in self.terms[i].items():
            indices, weights = self.index[term]
            scores[indices] += weight * weights
        return scores

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Similarity of sentence i to every sentence where the two may report one fact, else -1; and how
        close it comes to every sentence (meaning cosine; terms cosine where either has no vector; -1 where
        their figures disagree: then they state two facts). Where either has no vector (other languages)
        shared terms decide alone."""
        words = self.words(i)
        if not self.has_vector[i]:
            may = words >= self.settings.same_fact_by_words
            score, related = words, words
        else:
            meant = self.vectors @ self.vectors[i]
            both = self.has_vector
            score = np.where(both, combined(words, meant, self.settings), words)
            may = np.where(both, may_report_one_fact(words, meant, self.settings),
                           words >= self.settings.same_fact_by_words)
            related = np.where(both, meant, words)
        figures_differ = self.figures_differ(i)
        may &= ~figures_differ & (self.negated == self.negated[i])
        return np.where(may, score, -1.0), np.where(figures_differ, -1.0, related)

    def figures_differ(self, i: int) -> np.ndarray:
        """Sentences whose figures say they state another fact than sentence i ("26 dead" and "37 dead")."""
        differ = np.zeros(len(self.figures), dtype=bool)
        mine = self.figures[i]
        if mine:
            for j in self.with_figures:
                differ[j] = _figures_differ(mine, self.figures[j])
        return differ


def _best_links(sentences: list[Sentence], outlets: list[str], settings: DossierSettings
                ) -> tuple[list[tuple[float, int, int]], dict[int, set[int]]]:
    """Pairs of sentences from two articles that may report one fact and are each other's most similar
    such sentence in the other article (mutual: one broad sentence cannot chain many facts together),
    with their similarity; and, for every sentence in a pair, the sentences it may report one fact with.
    Sets every sentence's `nearest_elsewhere` on the way."""
    bounds: dict[str, tuple[int, int]] = {}
    for i, sentence in enumerate(sentences):  # an article's sentences are contiguous
        bounds[sentence.article_id] = (bounds.get(sentence.article_id, (i, i))[0], i + 1)
    similarities = _Similarities(sentences, settings)
    outlet = np.array(outlets, dtype=object)
    of_outlet = {name: outlet == name for name in dict.fromkeys(outlets)}
    # A headline or caption line only restates the article's facts.
    linkable = np.array([s.prose for s in sentences], dtype=bool)
    best: dict[tuple[int, str], int] = {}
    candidates: dict[int, np.ndarray] = {}
    for i, sentence in enumerate(sentences):
        scores, related = similarities.row(i)
        elsewhere = outlet != outlets[i]
        if elsewhere.any():
            sentence.nearest_elsewhere = float(related[elsewhere].max())
            sentence.echo = float(np.mean([related[mask].max() for name, mask in of_outlet.items()
                                           if name != outlets[i]]))
        if not linkable[i]:
            continue
        scores = candidates[i] = np.where(linkable, scores, -1.0)
        for article, (start, end) in bounds.items():
            if article != sentence.article_id:
                j = start + int(np.argmax(scores[start:end]))
                if scores[j] >= 0:
                    best[i, article] = j
    links = [(float(candidates[i][j]), i, j) for (i, _), j in best.items()
             if i < j and best.get((j, sentences[i].article_id)) == i]
    linked = {k for _, i, j in links for k in (i, j)}
    return links, {i: set(np.flatnonzero(candidates[i] >= 0).tolist()) for i in linked}
