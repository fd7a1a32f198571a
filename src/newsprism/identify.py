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
import logging
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import numpy as np
from courlan import normalize_url
from datasketch import MinHash, MinHashLSH

from .model import Article

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+", re.UNICODE)
# Metadata a later reading of a kept article may fill in when the kept one lacks it; never overwritten,
# and never the language: the article's story and words were computed with the one it had.
FILLABLE = ("url", "outlet", "title", "byline", "published")
_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php", "/default.aspx", "/home"})


def article_id(article: Article) -> str:
    """The id from the article URL when there is one, else from the content."""
    return id_from_stored(article.url, article.content_hash or content_hash(article))


def url_and_content_id(article: Article) -> str:
    """The id of an article whose URL already stands for a different text."""
    return id_from_stored(article.url, article.content_hash or content_hash(article), with_content=True)


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

    def shingles(self, text: str) -> set[bytes]:
        """The word shingles a signature is computed over (Spark ML's MinHashLSH is measured on the same)."""
        words = _WORD.findall(text.casefold())
        k = self.shingle_words
        return {" ".join(words[i : i + k]).encode("utf-8") for i in range(max(1, len(words) - k + 1))}

    def signature(self, text: str) -> np.ndarray:
        shingles = self.shingles(text)
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


# -- one new article against those already kept: the same rules for a store and for memory ----------


class KnownArticles(Protocol):
    """What identity needs of the articles kept so far: the SQLite `Store` has it, `MemoryArticles` too."""

    def get_article(self, article_id: str) -> Article | None: ...
    def same_content(self, content_hash: str) -> list[Article]: ...
    def near_copy_candidates(self, keys: Sequence[tuple[int, int]]) -> list[tuple[str, np.ndarray]]: ...
    def root_of(self, article_id: str) -> str: ...


@dataclass
class Placement:
    """What a newly read article is: `known` when it is an article already kept (a duplicate), else a
    new one (its id final, `duplicate_of` set when it is a near-copy) with its near-copy signature."""

    article: Article
    known: Article | None
    signature: np.ndarray | None = None
    keys: list[tuple[int, int]] = field(default_factory=list)


def place(article: Article, known: KnownArticles, index: NearCopyIndex) -> Placement:
    """The rules of this module's docstring, in order: same URL (with the same or near-copy text), else
    the same text from the same outlet or without a URL on one side, else new (and maybe a near-copy).
    An article read again (a resumed run) is settled before any signature is computed."""
    found = known.get_article(article.id)
    if found is not None and found.content_hash == article.content_hash:
        return Placement(article, found)
    if found is None and (same := _same_article(known, article)) is not None:
        return Placement(article, same)
    signature = index.signature(f"{article.title or ''}\n{article.text}")
    keys = index.band_keys(signature)
    candidates = known.near_copy_candidates(keys)
    if found is not None:
        if _near_copy_of_known(index, found, signature, candidates):
            return Placement(article, found)
        log.info("%s: another text at the URL of %s: a new article", article.source_path, found.id)
        article.id = url_and_content_id(article)
        found = known.get_article(article.id) or _same_article(known, article)
        if found is not None:
            return Placement(article, found)
    original = _near_copy_of(index, signature, candidates)
    if original is not None:
        article.duplicate_of = known.root_of(original)
        log.info("%s: a near-copy of %s, linked to it", article.source_path, article.duplicate_of)
    return Placement(article, None, signature, keys)


def _near_copy_of_known(index: NearCopyIndex, known: Article, signature, candidates) -> bool:
    """The kept article at this URL is a near-copy of this one (an edited version of it)."""
    return any(cid == known.id and index.similarity(signature, other) >= index.threshold for cid, other in candidates)


def _same_article(known: KnownArticles, article: Article) -> Article | None:
    """The same text already kept from the same outlet, or where one side has no URL.

    Identical text at two outlets' URLs is two publications of one wire story:
    both are kept, and the near-copy check links them.
    """
    for kept in known.same_content(article.content_hash):
        same_outlet = (kept.outlet or "").casefold() == (article.outlet or "").casefold()
        if same_outlet or kept.url is None or article.url is None:
            return kept
    return None


def _near_copy_of(index: NearCopyIndex, signature, candidates) -> str | None:
    best_id, best = None, index.threshold
    for candidate_id, candidate in candidates:
        similarity = index.similarity(signature, candidate)
        if similarity >= best:
            best_id, best = candidate_id, similarity
    return best_id


@dataclass
class MemoryArticles:
    """Articles kept in memory (`newsprism compare`, a Spark partition), in arrival order."""

    articles: list[Article] = field(default_factory=list)
    _by_id: dict[str, Article] = field(default_factory=dict)
    _by_hash: dict[str, list[Article]] = field(default_factory=dict)
    _bands: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    _signatures: dict[str, np.ndarray] = field(default_factory=dict)

    def get_article(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def same_content(self, content_hash: str) -> list[Article]:
        return list(self._by_hash.get(content_hash, ()))

    def near_copy_candidates(self, keys: Sequence[tuple[int, int]]) -> list[tuple[str, np.ndarray]]:
        ids = dict.fromkeys(i for key in keys for i in self._bands.get(key, ()))
        return [(i, self._signatures[i]) for i in ids]

    def root_of(self, article_id: str) -> str:
        found = self._by_id.get(article_id)
        return found.duplicate_of or article_id if found else article_id

    def add_article(self, article: Article, signature: np.ndarray, keys: Sequence[tuple[int, int]]) -> None:
        self.articles.append(article)
        self._by_id[article.id] = article
        self._by_hash.setdefault(article.content_hash, []).append(article)
        self._signatures[article.id] = signature
        for key in keys:
            self._bands.setdefault(key, []).append(article.id)

    def fill_missing(self, article_id: str, article: Article) -> list[str]:
        """As `Store.fill_missing`: what the kept article lacks, from a new reading of it."""
        kept = self._by_id[article_id]
        filled = [name for name in FILLABLE if getattr(kept, name) is None and getattr(article, name) is not None]
        for name in filled:
            setattr(kept, name, getattr(article, name))
        return filled


@lru_cache(maxsize=4)
def _template(num_perm: int) -> MinHash:
    # Building the permutations is the slow part of a MinHash; share one set.
    # CRC-32 hashes the shingles: stable across processes and runs (the stored
    # signatures depend on it) and several times faster than datasketch's SHA-1.
    return MinHash(num_perm=num_perm, seed=1, hashfunc=zlib.crc32)
