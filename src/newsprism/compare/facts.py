"""Facts: the sentences of a story's articles that say the same thing, aligned across outlets.

A sentence is a vector of weighted terms (the clustering features: rare words,
names, numbers). Each sentence is linked to its most similar sentence in every
other article when they are similar enough; the connected sentences form one fact.
Names and numbers survive translation, so a German sentence can join an English fact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..cluster.features import text_features
from ..model import Analysis, Article

SAME_FACT = 0.3  # cosine of two sentences' weighted terms at or above which they report one fact
MIN_WORDS = 5  # shorter sentences (datelines, credits, "He added:") are not facts


@dataclass
class Sentence:
    article_id: str
    start: int
    end: int
    text: str
    position: float  # 0 for an article's first sentence, 1 for its last
    terms: dict[str, float]

    def cite(self) -> dict:
        return {"article_id": self.article_id, "start": self.start, "end": self.end}


@dataclass
class Fact:
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def articles(self) -> list[str]:
        return sorted({s.article_id for s in self.sentences})

    def outlets(self, outlet_of: dict[str, str]) -> set[str]:
        return {outlet_of[s.article_id] for s in self.sentences}

    @property
    def position(self) -> float:
        return sum(s.position for s in self.sentences) / len(self.sentences)

    def representative(self) -> Sentence:
        """The sentence closest to all the others (the first one when alone)."""
        if len(self.sentences) < 3:
            return min(self.sentences, key=lambda s: (s.position, s.article_id))
        return max(self.sentences, key=lambda s: (sum(similarity(s, o) for o in self.sentences if o is not s),
                                                  -s.position))

    def citations(self) -> list[dict]:
        first = self.representative()
        return [first.cite()] + [s.cite() for s in sorted(self.sentences, key=lambda s: (s.article_id, s.start))
                                 if s is not first]


def sentences_of(article: Article, analysis: Analysis) -> list[Sentence]:
    spans = [(s, e) for s, e in analysis.sentences if len(article.text[s:e].split()) >= MIN_WORDS]
    count = max(1, len(spans) - 1)
    return [Sentence(article.id, s, e, article.text[s:e], i / count,
                     text_features("", article.text[s:e], article.language or "en").terms)
            for i, (s, e) in enumerate(spans)]



def similarity(a: Sentence, b: Sentence) -> float:
    small, large = (a.terms, b.terms) if len(a.terms) <= len(b.terms) else (b.terms, a.terms)
    return sum(w * large.get(t, 0.0) for t, w in small.items())


def align(articles: list[Article], analyses: dict[str, Analysis]) -> list[Fact]:
    """Every sentence in exactly one fact; facts in reading order."""
    sentences = [s for a in articles for s in sentences_of(a, analyses[a.id])]
    parent = list(range(len(sentences)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _best_links(sentences):
        parent[root(i)] = root(j)
    groups: dict[int, Fact] = defaultdict(Fact)
    for i, sentence in enumerate(sentences):
        groups[root(i)].sentences.append(sentence)
    return sorted(groups.values(), key=lambda f: (f.position, f.sentences[0].article_id, f.sentences[0].start))


def _best_links(sentences: list[Sentence]) -> list[tuple[int, int]]:
    """Pairs of sentences from two articles that are each other's most similar sentence in the
    other article, when similar enough (mutual: one broad sentence cannot chain many facts together)."""
    index: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, sentence in enumerate(sentences):
        for term, weight in sentence.terms.items():
            index[term].append((i, weight))
    links = []
    for i, sentence in enumerate(sentences):
        scores: dict[int, float] = defaultdict(float)
        for term, weight in sentence.terms.items():
            for j, other in index[term]:
                if sentences[j].article_id != sentence.article_id:
                    scores[j] += weight * other
        best: dict[str, tuple[float, int]] = {}
        for j, score in scores.items():
            article = sentences[j].article_id
            if score >= SAME_FACT and score > best.get(article, (0.0, -1))[0]:
                best[article] = (score, j)
        links.extend((i, j) for _, j in best.values())
    chosen = set(links)
    return [(i, j) for i, j in links if i < j and (j, i) in chosen]
