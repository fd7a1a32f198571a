"""All settings in one place, with the defaults a user gets when they say nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from .model import UNHEALTHY_AFTER

DEFAULT_DB = "newsprism.db"
DB_ENV = "NEWSPRISM_DB"


@dataclass(frozen=True)
class DossierSettings:
    """How a story's dossier compares its articles (compare/). Changing these changes dossiers, not
    stored analyses. "Terms" are the clustering features (rare words, names, numbers), weighted;
    "meaning" is the cosine of sentence vectors (understand.meaning, English only)."""

    # Sentences in the summary.
    summary_sentences: int = 5
    # Facts (compare.facts): two sentences may report one fact when their terms' cosine reaches
    # `same_fact_by_words` and their meanings' cosine `related_meaning` (shared words in different
    # statements are not enough), or when their meanings' cosine alone reaches `same_meaning`. In the
    # dossier gold, mutually best sentences with meaning cosine 0.65-0.7 state one fact 1 time in 4 (8 of
    # 32), from 0.7 up half the time or more: related_meaning is 0.7 (while it equals same_meaning,
    # meaning decides which sentences may be linked and terms only rank them).
    same_fact_by_words: float = 0.3
    related_meaning: float = 0.7
    same_meaning: float = 0.7
    # Share of meaning in the similarity that ranks candidate sentences; terms have the rest.
    meaning_weight: float = 0.5
    # Shorter sentences (datelines, credits, "He added:") are not facts.
    min_fact_words: int = 5
    # Summary: a candidate sharing this much of a chosen sentence's terms (cosine) says nothing new;
    # longer sentences make poor summary lines.
    redundant_words: float = 0.25
    max_summary_words: int = 60
    # Quotes: word-level difflib ratio at or above which two quotations with small edits are one;
    # quotations of fewer words match only exactly.
    same_quote_ratio: float = 0.8
    short_quote_words: int = 3
    # Entities: similarity (difflib ratio) of two first names at or above which they spell one name.
    same_first_name: float = 0.7
    # Numbers: a figure whose counted thing was not parsed joins another article's group of the same
    # value only from this value up ("one", "five" elsewhere are chance); an approximate figure
    # ("about 40,000") covers this fraction either side: "about 40,000" and "about 45,000" differ.
    min_unlabelled_number: float = 10
    approximate_margin: float = 0.05
    # Values of one noun further apart than this factor count different things ("410 seats" won, "650-seat"
    # house; "seven cars" vs "three cars" on their side): compared only with values near them.
    same_count_ratio: float = 1.5
    # Claims (compare.claims): a sentence of another outlet states what a negation denies when it holds
    # `claim_scope_share` of the content words in the negation's clause, the denied word first (three of
    # four: one word may be put another way), and the two sentences' meanings' cosine reaches `claim_meaning`.
    # The words carry the evidence; the cosine only keeps the two about one event: a denial by another party
    # ("the ministry denied that troops had crossed the border" against "troops crossed the border") has its
    # own subject and scores about 0.53, below the `related_meaning` of two reports of one fact.
    claim_meaning: float = 0.5
    claim_scope_share: float = 0.75
    # Entities (issue 11): two spellings of one name (Kiev/Kyiv, Shakhtersk/Shaktarsk) with the same consonants
    # are one when at least this share of their letters match (difflib ratio): a transliteration changes a
    # vowel or two, while names that merely share consonants (Gaza/Giza aside) differ more.
    same_spelling: float = 0.7
    # Coverage (compare.coverage), "only this outlet reports it": a sentence is listed so only when no other
    # outlet's sentence reaches `related_elsewhere` (meaning cosine; in the dossier gold, sentence pairs from
    # 0.6 up state one fact more than 1 time in 10, below 0.55 fewer than 1 in 20).
    related_elsewhere: float = 0.6
    # Summary (compare.summary): a sentence cites, besides its own words, the sentences of its fact whose
    # similarity to it (terms and meaning, as linking ranks them) reaches this: close restatements only.
    summary_citation: float = 0.7


@dataclass(frozen=True)
class IntakeSettings:
    """How `newsprism watch` follows feeds and sitemaps (intake/): politeness towards the sites it reads
    first, then its schedule. An origin is a (scheme, host, port)."""

    # Sent with every request, so site owners can tell who reads them; `contact` (an address or URL)
    # is added to it as "; contact: ..." when set.
    user_agent: str = "newsprism/0.1 (+https://github.com/newsprism/newsprism)"
    contact: str | None = None
    # Seconds one request may take in all (connect, response and body), waits for politeness excluded.
    timeout: float = 20.0
    # A response body (decoded) larger than this is abandoned while it downloads.
    max_response_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    # Requests in flight over all origins.
    concurrency: int = 16
    # Minimum seconds between the end of one request to an origin and the start of the next (one at a
    # time per origin); a robots.txt Crawl-delay raises it for that origin.
    host_delay: float = 1.0
    # Seconds a robots.txt stays cached.
    robots_ttl: float = 3600.0
    # A feed's poll interval adapts to how often it publishes, within these bounds (seconds).
    min_interval: float = 300.0
    max_interval: float = 6 * 3600.0
    default_interval: float = 900.0
    # A failing feed is polled ever more rarely (exponential backoff with jitter), at most this far apart.
    max_backoff: float = 24 * 3600.0
    # Consecutive failures after which a feed shows "unhealthy".
    unhealthy_after: int = UNHEALTHY_AFTER
    # An article page that fails is tried this many times (with backoff) before it counts as failed.
    item_tries: int = 3


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
    # Stories: an article joins the most similar active story when the similarity
    # (cosine of weighted terms with the story's centroid and its closest recent member,
    # lowered by distance in time) reaches this value.
    story_threshold: float = 0.3
    # The share of the closest recent member in that similarity; the story's centroid has the rest.
    story_member_weight: float = 0.5
    # A story leaves the active set when its newest article is this much older than the
    # newest article seen; a later report of its time still finds it in the store.
    story_window: timedelta = timedelta(days=7)
    # At most this many stories are held in memory; the least recently updated leave first.
    max_active_stories: int = 20_000
    # Revisions (cluster/online.py): after each article, its story and its neighbours are merged when their
    # members are on average this alike (0: never) ...
    story_merge_threshold: float = 0.3
    # ... and a story whose kept members form two close-knit groups less alike than this is split (0: never).
    story_split_threshold: float = 0.15
    # Threads (the stories of one ongoing subject): a story joins the most similar active thread when the
    # cosine of its centroid with the thread's (rare words and names weigh most) reaches this value ...
    thread_threshold: float = 0.15
    # ... a thread stays active while its newest story is at most this much older than the newest article ...
    thread_window: timedelta = timedelta(days=60)
    # ... and at most this many threads are held in memory; the least recently updated leave first.
    max_active_threads: int = 20_000
    # Seconds a write waits while another process writes to the same store (a `recluster` of
    # 10,000 articles is one transaction of about 20 s) before giving up with "the store is busy".
    lock_wait: float = 300.0
    # How dossiers compare a story's articles.
    dossier: DossierSettings = DossierSettings()
    # How feeds and sitemaps are followed (`newsprism watch`).
    intake: IntakeSettings = IntakeSettings()


def resolve_db_path(db: str | os.PathLike | None = None) -> Path:
    """`--db PATH`, else `$NEWSPRISM_DB`, else `./newsprism.db`."""
    if db:
        return Path(db)
    env = os.environ.get(DB_ENV)
    return Path(env) if env else Path(DEFAULT_DB)
