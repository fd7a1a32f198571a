"""Identify: stable ids, exact duplicates and syndicated near-copies.

- The id comes from the canonical URL when there is one, else from the
  normalized content, so re-reading the same input yields the same id.
- The content hash (casefolded words of headline and text) finds the same
  article arriving again under another name or without its URL.
- A MinHash signature of word shingles (datasketch) finds near-copies: the same
  wire story republished with small edits. The store keeps the LSH bands so the
  lookup cost does not grow with the corpus.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from .model import Article
from .normalize import canonical_url

_WORD = re.compile(r"\w+", re.UNICODE)


def article_id(article: Article) -> str:
    url = canonical_url(article.url)
    basis = f"url:{url}" if url else f"text:{content_hash(article)}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


def content_hash(article: Article) -> str:
    words = _WORD.findall(f"{article.title or ''}\n{article.text}".casefold())
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()


def identify(article: Article) -> Article:
    """Fill in the id and content hash."""
    article.content_hash = content_hash(article)
    article.id = article_id(article)
    return article


class NearCopyIndex:
    """MinHash signatures and LSH band keys for near-copy detection.

    The banding (b bands of r rows) is datasketch's optimum for the threshold;
    the bands themselves live in the store so the index survives across runs.
    """

    def __init__(self, threshold: float = 0.7, num_perm: int = 128, shingle_words: int = 3):
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_words = shingle_words
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.bands, self.rows = lsh.b, lsh.r
        self._template = _template(num_perm)

    def signature(self, text: str) -> np.ndarray:
        words = _WORD.findall(text.casefold())
        k = self.shingle_words
        shingles = {" ".join(words[i : i + k]).encode("utf-8") for i in range(max(1, len(words) - k + 1))}
        minhash = MinHash(
            num_perm=self.num_perm, permutations=self._template.permutations, scheme=self._template.scheme,
            hashfunc=zlib.crc32,
        )
        minhash.update_batch(list(shingles))
        return minhash.hashvalues.astype(np.uint64)

    def band_keys(self, signature: np.ndarray) -> list[tuple[int, int]]:
        """One (band, key) per band; articles sharing any pair are candidates."""
        keys = []
        for band in range(self.bands):
            chunk = signature[band * self.rows : (band + 1) * self.rows].tobytes()
            key = int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "big", signed=True)
            keys.append((band, key))
        return keys

    def similarity(self, a: np.ndarray, b: np.ndarray) -> float:
        return float(np.count_nonzero(a == b)) / len(a)


@lru_cache(maxsize=4)
def _template(num_perm: int) -> MinHash:
    # Building the permutations is the slow part of a MinHash; share one set.
    # CRC-32 hashes the shingles: stable across processes and runs (the stored
    # signatures depend on it) and several times faster than datasketch's SHA-1.
    return MinHash(num_perm=num_perm, seed=1, hashfunc=zlib.crc32)
