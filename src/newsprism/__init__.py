"""newsprism: one story, every outlet, every difference.

The public Python API; the command line is a thin layer over it.

    import newsprism
    with newsprism.open_store("news.db") as store:
        report = newsprism.ingest(store, ["feeds/", "archive.warc.gz"])
        for article in store.articles(search="bridge"):
            print(article.outlet, article.title)
        print(newsprism.story_dossier(store, story_id).to_dict())

    # No store at all (a web request, a Spark executor): articles and their analyses in, a dossier out.
    analyses = newsprism.analyses_for(newsprism.MemoryAnalyses(), articles)
    found = newsprism.dossier(articles, analyses, story_id="s1")
"""

from __future__ import annotations

import importlib

from .config import DossierSettings, Settings, resolve_db_path
from .ingest import IngestSession, Progress, ingest, ingest_documents, read_articles
from .model import (
    Analysis,
    Article,
    Citation,
    Coverage,
    CoveredFact,
    Dossier,
    Entity,
    Hints,
    IngestReport,
    NumberGroup,
    NumberReport,
    Passage,
    QuoteGroup,
    QuoteVariant,
    RawDocument,
    Rejection,
    Skipped,
    Story,
    StoryMember,
    SummarySentence,
    TimelineEvent,
)
from .read import Manifest, ManifestError, read_paths
from .store import Store, StoreError

# The dossier's modules load spaCy: imported on first use, so `import newsprism` (and every
# command that does not analyse) stays quick.
_LAZY = {
    "NoSuchStory": "compare", "compare_files": "compare", "dossier": "compare",
    "story_dossier": "compare", "AnalysisSource": "understand", "MemoryAnalyses": "understand",
    "analyses_for": "understand", "analyze": "understand",
    "merge_stories": "cluster.corrections", "split_story": "cluster.corrections",
    "move_article": "cluster.corrections", "CorrectionError": "cluster.corrections",
}

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "AnalysisSource",
    "Article",
    "Citation",
    "CorrectionError",
    "Coverage",
    "CoveredFact",
    "Dossier",
    "DossierSettings",
    "Entity",
    "Hints",
    "IngestReport",
    "IngestSession",
    "Manifest",
    "ManifestError",
    "MemoryAnalyses",
    "NoSuchStory",
    "NumberGroup",
    "NumberReport",
    "Passage",
    "Progress",
    "QuoteGroup",
    "QuoteVariant",
    "RawDocument",
    "Rejection",
    "Settings",
    "Skipped",
    "Store",
    "StoreError",
    "Story",
    "StoryMember",
    "SummarySentence",
    "TimelineEvent",
    "__version__",
    "analyses_for",
    "analyze",
    "compare_files",
    "dossier",
    "ingest",
    "ingest_documents",
    "merge_stories",
    "move_article",
    "open_store",
    "read_articles",
    "read_paths",
    "resolve_db_path",
    "split_story",
    "story_dossier",
]


def open_store(db: str | None = None, *, readonly: bool = False) -> Store:
    """Open the store at `db`, `$NEWSPRISM_DB` or ./newsprism.db: for writing (created and migrated if
    needed), or `readonly` (never changed; a missing or foreign file is a StoreError)."""
    return Store(resolve_db_path(db), readonly=readonly)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'newsprism' has no attribute {name!r}")
