"""Coverage: what every outlet carries, what several do, and what only one reports.

"Only this outlet reports it" is a claim a fact-checker acts on, so it has its own, stricter test than
linking sentences into facts: a sentence is listed as one outlet's own only when no sentence of any other
outlet comes even moderately close to it (`DossierSettings.related_elsewhere`). A sentence that is not
confidently linked yet close to another outlet's may be that outlet's fact in other words: it is left out
rather than listed wrongly. Sentences that are mostly someone's quoted words are left out too: the quotes
list shows them with their speaker, and a remark ("It is a devastating scene") is no fact to check.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..config import DossierSettings
from ..model import Article, Coverage, CoveredFact, Passage, outlet_names
from .facts import Fact, Sentence
from .sources import independent_sources


def coverage(articles: list[Article], facts: list[Fact], settings: DossierSettings = DossierSettings(),
             copy_groups: Sequence[set[str]] = ()) -> Coverage:
    """`copy_groups`: articles sharing copy (compare.sources), which count as one source of a fact."""
    outlet_of = outlet_names(articles)
    texts = {a.id: a.text for a in articles}
    outlets = set(outlet_of.values())
    found = Coverage(unique={a.id: [] for a in articles})
    for fact in facts:
        carried = fact.outlets(outlet_of)
        cites = fact.citations()
        entry = CoveredFact(text=fact.representative().text, citations=cites, outlets=sorted(carried),
                            sources=independent_sources(cites, outlet_of, texts, copy_groups))
        if len(outlets) > 1 and carried == outlets:
            found.core.append(entry)
        elif len(carried) > 1:
            found.shared.append(entry)
        else:
            for sentence in fact.sentences:
                if only_here(sentence, settings):
                    found.unique[sentence.article_id].append(Passage(sentence.text, sentence.cite()))
    return found


def only_here(sentence: Sentence, settings: DossierSettings = DossierSettings()) -> bool:
    """Whether a sentence no other outlet links to may be listed as its outlet's own."""
    return (sentence.nearest_elsewhere < settings.related_elsewhere and not sentence.quotation
            and sentence.prose)
