"""Identify: stable ids, exact duplicates and syndicated near-copies.

- The id comes from the article's canonical URL (courlan's `normalize_url`,
  without the fragment) when it has an *article* URL, else from the normalized
  content, so re-reading the same input yields the same id. Not article URLs: any
  scheme but http(s) (`javascript:void(0)`, `mailto:`, a bare `#fragment`) and a
  site's home page (no path, no query): many different articles link there.
- One URL, two texts: the URL id stands for the first text stored under it. A later
  article at that URL with the same content hash or a near-copy of it (the MinHash
  similarity below) is that article again; one with clearly different text is
  another article and gets the id of its URL and content together
  (`url_and_content_id`), so a feed whose items all link to one page keeps them all.
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
from urllib.parse import urlsplit, urlunsplit

import numpy as np
from courlan import normalize_url
from datasketch import MinHash, MinHashLSH

from .model import Article

_WORD = re.compile(r"\w+", re.UNICODE)
_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php", "/default.aspx", "/home"})


def article_id(article: Article) -> str:
    """The id from the article URL when there is one, else from the content."""
    url = article_url(article.url)
    return _digest(f"url:{url}" if url else f"text:{content_hash(article)}")


def url_and_content_id(article: Article) -> str:
    """The id of an article whose URL already stands for a different text."""
    return id_from_stored(article.url, content_hash(article), with_content=True)


def id_from_stored(url: str | None, stored_content_hash: str, *, with_content: bool = False) -> str:
    """`article_id` (or `url_and_content_id`) from what the store keeps of an article: URL and content hash."""
    url = article_url(url)
    if url and with_content:
        return _digest(f"url:{url}\ntext:{stored_content_hash}")
    return _digest(f"url:{url}" if url else f"text:{stored_content_hash}")


def _digest(basis: str) -> str:
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


def canonical_url(url: str | None) -> str | None:
    """courlan's normal form (case, default ports, tracking parameters), without the fragment;
    an http(s) URL without a host, or another scheme, is returned as it was given (stripped)."""
    if not url or not url.strip():
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return url
        return urlunsplit(urlsplit(normalize_url(parts))._replace(fragment=""))
    except ValueError:  # a port that is not a number, a broken IPv6 host ...
        return url


def article_url(url: str | None) -> str | None:
    """The canonical URL when it can name one article (http or https, not a site's home page), else None."""
    canonical = canonical_url(url)
    if canonical is None:
        return None
    parts = urlsplit(canonical)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.path.lower() in _HOME_PATHS and not parts.query:
        return None
    return canonical


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
