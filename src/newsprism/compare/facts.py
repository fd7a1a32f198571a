"""Facts: the sentences of a story's articles that say the same thing, aligned across outlets.

Two sentences are compared by meaning and by words: the cosine of their sentence vectors
(understand.meaning, English) and the cosine of their weighted terms (the clustering
features: rare words, names, numbers), averaged. Meaning catches paraphrase ("troops" and
"soldiers"); the terms keep two different events of the same kind apart (names, numbers,
places), which sentence vectors alone blur. Sentences without vectors (other languages) are
compared by terms alone; names and numbers survive translation, so a German sentence can
still join an English fact. Each sentence is linked to its most similar sentence in every
other article when the two are each other's best match and similar enough; the connected
sentences form one fact.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..cluster.features import text_features
from ..config import DossierSettings
from ..model import Analysis, Article, Citation
from ..understand import meaning
from .boilerplate import ReportingSpans

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
                     None if vectors is None else vectors[i])
            for n, (i, s, e) in enumerate(kept)]


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
    """Every sentence in exactly one fact; facts in reading order."""
    sentences = [s for a in articles for s in sentences_of(a, analyses[a.id], settings)]
    parent = list(range(len(sentences)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _best_links(sentences, settings):
        parent[root(i)] = root(j)
    groups: dict[int, Fact] = defaultdict(lambda: Fact(settings=settings))
    for i, sentence in enumerate(sentences):
        groups[root(i)].sentences.append(sentence)
    return sorted(groups.values(), key=lambda f: (f.position, f.sentences[0].article_id, f.sentences[0].start))


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
        self.vectors = np.stack([s.vector if s.vector is not None else np.zeros(meaning.DIMENSIONS, np.float32)
                                 for s in sentences]) if sentences else np.zeros((0, meaning.DIMENSIONS))

    def words(self, i: int) -> np.ndarray:
        """Cosine of weighted terms (rare words, names, numbers) of sentence i with every sentence."""
        scores = np.zeros(len(self.terms))
        for term, weight in self.terms[i].items():
            indices, weights = self.index[term]
            scores[indices] += weight * weights
        return scores

    def row(self, i: int) -> np.ndarray:
        """Similarity of sentence i to every sentence where the two may report one fact, else -1.
        Where either has no vector (other languages) shared terms decide alone."""
        words = self.words(i)
        by_words = words >= self.settings.same_fact_by_words
        if not self.has_vector[i]:
            return np.where(by_words, words, -1.0)
        meant = self.vectors @ self.vectors[i]
        both = self.has_vector
        score = np.where(both, combined(words, meant, self.settings), words)
        return np.where(np.where(both, may_report_one_fact(words, meant, self.settings), by_words), score, -1.0)


def _best_links(sentences: list[Sentence], settings: DossierSettings) -> list[tuple[int, int]]:
    """Pairs of sentences from two articles that may report one fact and are each other's most similar
    such sentence in the other article (mutual: one broad sentence cannot chain many facts together)."""
    bounds: dict[str, tuple[int, int]] = {}
    for i, sentence in enumerate(sentences):  # an article's sentences are contiguous
        bounds[sentence.article_id] = (bounds.get(sentence.article_id, (i, i))[0], i + 1)
    similarities = _Similarities(sentences, settings)
    best: dict[tuple[int, str], int] = {}
    for i, sentence in enumerate(sentences):
        scores = similarities.row(i)
        for article, (start, end) in bounds.items():
            if article != sentence.article_id:
                j = start + int(np.argmax(scores[start:end]))
                if scores[j] >= 0:
                    best[i, article] = j
    return [(i, j) for (i, _), j in best.items() if i < j and best.get((j, sentences[i].article_id)) == i]
