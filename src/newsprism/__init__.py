"""newsprism: one story, every outlet, every difference.

The public Python API; the command line is a thin layer over it.

    import newsprism
    with newsprism.open_store("news.db") as store:
        report = newsprism.ingest(store, ["feeds/", "archive.warc.gz"])
        for article in store.articles(search="bridge"):
            print(article.outlet, article.title)
"""

from __future__ import annotations

from .config import Settings, resolve_db_path
from .ingest import Progress, ingest
from .model import Article, Hints, IngestReport, RawDocument, Rejection, Skipped
from .read import Manifest, ManifestError, read_paths
from .store import Store, StoreError

__version__ = "0.1.0"

__all__ = [
    "Article", "Hints", "IngestReport", "Manifest", "ManifestError", "Progress", "RawDocument",
    "Rejection", "Settings", "Skipped", "Store", "StoreError", "ingest", "open_store", "read_paths",
    "resolve_db_path", "__version__",
]


def open_store(db: str | None = None) -> Store:
    """Open (creating and migrating if needed) the store at `db`, `$NEWSPRISM_DB` or ./newsprism.db."""
    return Store(resolve_db_path(db))
