"""The background analysis worker: articles are analysed (spaCy, sentence vectors) as they arrive, so a
page never waits for a model; a story page shows what is ready and says what is pending."""

from __future__ import annotations

import logging
import threading

from ..config import DossierSettings
from ..oneline import describe
from ..outlets import fill_contributions
from ..understand import ANALYSIS_VERSION, analyses_for

log = logging.getLogger(__name__)

BATCH = 8  # articles analysed per transaction: small, so the writer is never held long
IDLE_STORIES = 4  # stories whose contributions are stored per step when no article waits for analysis


class AnalysisWorker(threading.Thread):
    """Analyses the store's unanalysed articles, newest first, until stopped; polls when there is nothing.
    After each batch it stores the per-outlet contributions (`outlets.fill_contributions`) of the stories the
    batch completed, and when idle those of analysed stories not counted yet, a few per step."""

    def __init__(self, store, poll_seconds: float = 2.0, settings: DossierSettings = DossierSettings()):
        super().__init__(name="newsprism-analysis", daemon=True)
        self.store = store
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        self.failed: set[str] = set()  # analysed once and failed: not tried again by this process
        self.analysed = 0
        self.settings = settings
        self.failed_stories: set[str] = set()  # dossier failed once: not tried again by this process
        self.counted = 0  # stories whose contributions this worker stored

    def stop(self, timeout: float = 30.0) -> None:
        self.stopping.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        while not self.stopping.is_set():
            if not self.step():
                self.stopping.wait(self.poll_seconds)

    def step(self) -> int:
        """Analyse one batch and count the stories it completed; how many articles were analysed, or when none
        waits, how many stories were counted (0: nothing to do)."""
        batch = self.store.unanalysed(ANALYSIS_VERSION, BATCH, skip=sorted(self.failed))
        if not batch:
            return self.count_stories(None, IDLE_STORIES)
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
        self.count_stories(sorted({a.story_id for a in batch if a.story_id}), BATCH)
        return len(batch)

    def count_stories(self, story_ids: list[str] | None, limit: int) -> int:
        """Store the contributions of up to `limit` analysed multi-outlet stories (of `story_ids`, else any)
        not counted yet; how many were stored. A failure is logged, never stops the worker."""
        try:
            stored, failed = fill_contributions(self.store, story_ids=story_ids, limit=limit, settings=self.settings,
                                                skip=sorted(self.failed_stories))
        except Exception as exc:  # the store busy, say: tried again at the next step
            log.warning("storing stories' outlet contributions failed: %s", describe(exc))
            return 0
        self.failed_stories.update(failed)
        self.counted += len(stored)
        return len(stored)
