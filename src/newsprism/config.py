"""All settings in one place, with the defaults a user gets when they say nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "newsprism.db"
DB_ENV = "NEWSPRISM_DB"


@dataclass(frozen=True)
class Settings:
    # Largest single document (a file, a JSON record, a WARC payload) read, in bytes.
    max_bytes: int = 10 * 1024 * 1024
    # Near-copy detection: estimated Jaccard similarity of word shingles at or above
    # which two articles are the same wire story with small edits.
    near_duplicate_threshold: float = 0.7
    shingle_words: int = 3
    minhash_permutations: int = 128
    # Articles written per transaction: a kill loses at most one uncommitted batch,
    # which the next run of the same command redoes.
    batch_size: int = 100


def resolve_db_path(db: str | os.PathLike | None = None) -> Path:
    """`--db PATH`, else `$NEWSPRISM_DB`, else `./newsprism.db`."""
    if db:
        return Path(db)
    env = os.environ.get(DB_ENV)
    return Path(env) if env else Path(DEFAULT_DB)
