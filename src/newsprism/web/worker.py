"""The background analysis worker: articles are analysed (spaCy, sentence vectors) as they arrive, so a
page never waits for a model; a story page shows what is ready and says what is pending."""

from __future__ import annotations

import logging
import threading

from ..oneline import describe
from ..understand import ANALYSIS_VERSION, analyses_for

log = logging.getLogger(__name__)

BATCH = 8  # articles analysed per transaction: small, so the writer is never held long


class AnalysisWorker(threading.Thread):
    """Analyses the store's unanalysed articles, newest first, until stopped; polls when there is nothing."""

    def __init__(self, store, poll_seconds: float = 2.0):
        super().__init__(name="newsprism-analysis", daemon=True)
        self.store = store
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        self.failed: set[str] = set()  # analysed once and failed: not tried again by this process
        self.analysed = 0

    def stop(self, timeout: float = 30.0) -> None:
        self.stopping.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        while not self.stopping.is_set():
            if not self.step():
                self.stopping.wait(self.poll_seconds)

    def step(self) -> int:
        """Analyse one batch; how many articles were analysed (0: nothing to do)."""
        batch = self.store.unanalysed(ANALYSIS_VERSION, BATCH, skip=sorted(self.failed))
        if not batch:
            return 0
        try:
            analyses_for(self.store, batch)
        except Exception as exc:  # one bad article must not stop the others: retry them one at a time
            log.warning("analysis of a batch failed (%s); retrying one article at a time", describe(exc))
            for article in batch:
                try:
                    analyses_for(self.store, [article])
                except Exception as one:
                    log.warning("article %s: analysis failed: %s", article.id, describe(one))
                    self.failed.add(article.id)
        self.analysed += len(batch)
        return len(batch)
