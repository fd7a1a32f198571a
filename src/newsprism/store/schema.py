"""The schema as an ordered list of migrations, each recorded in the database once applied.

A migration is SQL, or a function given the connection when the change must be computed;
either runs inside the migration's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# Every column that holds an article id (a story's id is the id of the article that started it).
ARTICLE_ID_COLUMNS = (
    ("articles", "id"), ("articles", "duplicate_of"), ("articles", "story_id"),
    ("stories", "id"), ("story_terms", "story_id"), ("analyses", "article_id"),
    ("near_copy_signatures", "article_id"), ("near_copy_bands", "article_id"),
)


def rewrite_article_ids(db: sqlite3.Connection) -> None:
    """Migration 5: article ids from courlan's canonical URLs, and from the content for URLs that
    name no single article (home pages, javascript:), everywhere an id is kept.

    Two stored articles whose URLs now have one canonical form keep apart: the later one takes
    the id of its URL and content (as ingest gives it), and keeps its old id should that be taken too.
    """
    from ..identify import id_from_stored  # the rule lives in identify

    rows = db.execute("SELECT id, url, content_hash FROM articles ORDER BY seq").fetchall()
    taken, mapping = set(), {}
    for old, url, content_hash in rows:
        new = id_from_stored(url, content_hash)
        if new in taken:
            new = id_from_stored(url, content_hash, with_content=True)
        if new in taken:
            new = old
        taken.add(new)
        if new != old:
            mapping[old] = new
    if not mapping:
        return
    db.execute("PRAGMA defer_foreign_keys = ON")  # ids change in several tables; checked at commit
    db.execute("CREATE TEMP TABLE id_map (old TEXT PRIMARY KEY, new TEXT NOT NULL) WITHOUT ROWID")
    db.executemany("INSERT INTO id_map VALUES (?, ?)", mapping.items())
    for table, column in ARTICLE_ID_COLUMNS:
        # Through a prefix no id has, so an id that becomes another's old id never meets it in a unique index.
        db.execute(f"UPDATE {table} SET {column} = '~' || (SELECT new FROM id_map WHERE old = {column}) "
                   f"WHERE {column} IN (SELECT old FROM id_map)")
    for table, column in ARTICLE_ID_COLUMNS:
        db.execute(f"UPDATE {table} SET {column} = substr({column}, 2) WHERE {column} LIKE '~%'")
    db.execute("DROP TABLE id_map")


# A story's listing figures from its articles (the rule the story_listing table keeps; GROUP BY story_id).
LISTING_SELECT = ("SELECT story_id, count(*) AS article_count, count(DISTINCT lower(outlet)) AS outlet_count, "
                  "min(time_utc) AS first_published, max(time_utc) AS last_published, max(cluster_seq) AS latest "
                  "FROM articles")

# Recompute one story's listing row from its articles (the index on (story_id, outlet, time_utc) serves all but
# the latest assignment): for changes that can shrink a story, which are rare (recluster, a filled-in outlet or time).
_RECOMPUTE_LISTING = """
            DELETE FROM story_listing WHERE story_id = {story};
            INSERT INTO story_listing """ + LISTING_SELECT + """ WHERE story_id = {story} GROUP BY story_id;"""

# An article joining a story (the common write: ingest assigns each new article once) updates the row in place:
# one more article, one more outlet unless another article of the story has it (case aside, as lower() sees it).
_JOIN_LISTING = """
            INSERT INTO story_listing VALUES (new.story_id, 1, new.outlet IS NOT NULL, new.time_utc, new.time_utc,
                                              new.cluster_seq)
            ON CONFLICT (story_id) DO UPDATE SET
                article_count = article_count + 1,
                outlet_count = outlet_count + (new.outlet IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM articles WHERE story_id = new.story_id AND outlet = new.outlet COLLATE NOCASE
                    AND seq != new.seq)),
                first_published = min(coalesce(first_published, new.time_utc),
                                      coalesce(new.time_utc, first_published)),
                last_published = max(coalesce(last_published, new.time_utc), coalesce(new.time_utc, last_published)),
                latest = max(coalesce(latest, new.cluster_seq), coalesce(new.cluster_seq, latest));"""


MIGRATIONS: list[tuple[int, str, str | Callable[[sqlite3.Connection], None]]] = [
    (
        1,
        "articles, full-text search, near-copy index",
        """
        CREATE TABLE articles (
            seq INTEGER PRIMARY KEY,           -- arrival order; also the full-text index's rowid
            id TEXT NOT NULL UNIQUE,
            url TEXT,
            outlet TEXT,
            title TEXT,
            byline TEXT,
            dateline TEXT,
            credit TEXT,
            published TEXT,                    -- ISO 8601 as the source gave it (date, or time with zone)
            captured TEXT,                     -- when an archive captured the page
            time_utc TEXT,                     -- published (else captured) in UTC, for ordering and filters
            language TEXT,
            text TEXT NOT NULL,
            source_path TEXT,
            content_hash TEXT NOT NULL,
            story_id TEXT,
            duplicate_of TEXT REFERENCES articles(id),
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX articles_content_hash ON articles(content_hash);
        CREATE INDEX articles_outlet ON articles(outlet COLLATE NOCASE);
        CREATE INDEX articles_time ON articles(time_utc);
        CREATE INDEX articles_story ON articles(story_id);
        CREATE INDEX articles_duplicate_of ON articles(duplicate_of);

        CREATE TABLE near_copy_signatures (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            minhash BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE near_copy_bands (
            band INTEGER NOT NULL,
            key INTEGER NOT NULL,
            article_id TEXT NOT NULL REFERENCES articles(id)
        );
        CREATE INDEX near_copy_bands_lookup ON near_copy_bands(band, key);

        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
        END;
        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
        END;
        CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
        END;
        """,
    ),
    (
        2,
        "stories: online clustering state and assignment order",
        """
        ALTER TABLE articles ADD COLUMN cluster_seq INTEGER;  -- order in which articles were assigned to stories
        CREATE INDEX articles_cluster_seq ON articles(cluster_seq);

        CREATE TABLE stories (
            id TEXT PRIMARY KEY,                -- the id of the article that started it
            title TEXT,
            title_score REAL NOT NULL DEFAULT 0,  -- how typical of the story its title's article was
            first_time TEXT,                    -- UTC keys of its earliest and latest dated article
            last_time TEXT,
            size INTEGER NOT NULL,              -- articles that shaped it (near-copies not counted)
            touched INTEGER NOT NULL,           -- arrival number of its latest article
            state TEXT NOT NULL                 -- JSON: the clusterer's view of it (centroid, names, years)
        ) WITHOUT ROWID;
        CREATE INDEX stories_last_time ON stories(last_time);
        CREATE INDEX stories_touched ON stories(touched);

        CREATE TABLE story_terms (              -- find stories by their heaviest terms
            term TEXT NOT NULL,
            story_id TEXT NOT NULL REFERENCES stories(id),
            PRIMARY KEY (term, story_id)
        ) WITHOUT ROWID;
        CREATE INDEX story_terms_story ON story_terms(story_id);

        CREATE TABLE cluster_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        """,
    ),
    (
        3,
        "analyses: sentences, entities, quotes, numbers and dates found in each article",
        """
        CREATE TABLE analyses (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            version INTEGER NOT NULL,           -- newsprism.understand.ANALYSIS_VERSION that wrote it
            data TEXT NOT NULL                  -- JSON of newsprism.model.Analysis
        ) WITHOUT ROWID;
        """,
    ),
    (
        4,
        "analyses: sentence vectors, so facts can be aligned by meaning",
        """
        ALTER TABLE analyses ADD COLUMN vectors BLOB;  -- float16, one row per sentence; NULL when none
        """,
    ),
    (5, "article ids from courlan's canonical URLs; none from URLs that name no single article", rewrite_article_ids),
    (
        6,
        "outlet attributes the user attaches (country, owner, group, ...)",
        """
        CREATE TABLE outlet_attributes (
            outlet TEXT NOT NULL COLLATE NOCASE,  -- as articles name it; matched as outlet filters match
            attribute TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (outlet, attribute)
        ) WITHOUT ROWID;
        CREATE INDEX outlet_attributes_attribute ON outlet_attributes(attribute, value);
        -- per-outlet figures read an outlet's first time in each story from this index alone
        CREATE INDEX articles_story_outlet ON articles(story_id, outlet COLLATE NOCASE, time_utc);
        """,
    ),
    (
        7,
        "story_listing: each story's listing figures, kept up by triggers on articles",
        f"""
        CREATE TABLE story_listing (                -- what the story listing orders and filters by, per story
            story_id TEXT PRIMARY KEY,
            article_count INTEGER NOT NULL,         -- count(*) of its articles
            outlet_count INTEGER NOT NULL,          -- count(DISTINCT lower(outlet))
            first_published TEXT,                   -- min(time_utc), max(time_utc) of its dated articles
            last_published TEXT,
            latest INTEGER                          -- max(cluster_seq): its latest assignment
        ) WITHOUT ROWID;
        -- the "latest" order, and the active order's candidates (newest first)
        CREATE INDEX story_listing_latest ON story_listing(last_published IS NULL, last_published DESC, latest DESC,
                                                           story_id);
        -- the "active" order ranks the recent stories first, bounded by the heaviest story (Store._most_active)
        CREATE INDEX story_listing_time ON story_listing(last_published, outlet_count, article_count);
        CREATE INDEX story_listing_weight ON story_listing(2 * outlet_count + article_count);
        INSERT INTO story_listing {LISTING_SELECT} WHERE story_id IS NOT NULL GROUP BY story_id;

        CREATE TRIGGER story_listing_insert AFTER INSERT ON articles WHEN new.story_id IS NOT NULL BEGIN
            {_JOIN_LISTING}
        END;
        CREATE TRIGGER story_listing_join AFTER UPDATE OF story_id, outlet, time_utc, cluster_seq ON articles
        WHEN old.story_id IS NULL AND new.story_id IS NOT NULL BEGIN
            {_JOIN_LISTING}
        END;
        CREATE TRIGGER story_listing_change AFTER UPDATE OF story_id, outlet, time_utc, cluster_seq ON articles
        WHEN old.story_id IS NOT NULL BEGIN
            {_RECOMPUTE_LISTING.format(story="old.story_id")}
        END;
        CREATE TRIGGER story_listing_move AFTER UPDATE OF story_id ON articles
        WHEN old.story_id IS NOT NULL AND new.story_id IS NOT NULL AND new.story_id != old.story_id BEGIN
            {_RECOMPUTE_LISTING.format(story="new.story_id")}
        END;
        CREATE TRIGGER story_listing_delete AFTER DELETE ON articles WHEN old.story_id IS NOT NULL BEGIN
            {_RECOMPUTE_LISTING.format(story="old.story_id")}
        END;
        """,
    ),
    (
        8,
        "story_contributions: each story's per-outlet exclusive facts and changed quotes, from its dossier",
        """
        CREATE TABLE story_contributions (         -- newsprism.outlets.contributions of a story's dossier
            story_id TEXT NOT NULL,
            outlet TEXT NOT NULL,                   -- outlet_key(outlet): ASCII letters lower-cased
            built_from TEXT NOT NULL,               -- key of the members (ids, content hashes) and versions
            analysis_version INTEGER NOT NULL,
            dossier_version INTEGER NOT NULL,
            exclusive_facts INTEGER NOT NULL,
            changed_quotes INTEGER NOT NULL,
            PRIMARY KEY (story_id, outlet)
        ) WITHOUT ROWID;
        -- the sums read this index alone (no lookups into the table: 34 ms instead of 81 at 79,000 rows)
        CREATE INDEX story_contributions_sums ON story_contributions(analysis_version, dossier_version, outlet,
                                                                      exclusive_facts, changed_quotes, story_id);
        -- a story whose articles change has a stale row: dropped at once, so sums never count it (rebuilt later)
        CREATE TRIGGER story_contributions_insert AFTER INSERT ON articles WHEN new.story_id IS NOT NULL BEGIN
            DELETE FROM story_contributions WHERE story_id = new.story_id;
        END;
        CREATE TRIGGER story_contributions_change
        AFTER UPDATE OF story_id, outlet, content_hash, duplicate_of ON articles BEGIN
            DELETE FROM story_contributions WHERE story_id IN (old.story_id, new.story_id);
        END;
        CREATE TRIGGER story_contributions_delete AFTER DELETE ON articles WHEN old.story_id IS NOT NULL BEGIN
            DELETE FROM story_contributions WHERE story_id = old.story_id;
        END;
        """,
    ),
    (
        9,
        "feeds, their items, the fetch log and robots.txt",
        """
        CREATE TABLE feeds (                        -- feeds, news sitemaps and home pages followed (intake)
            url TEXT PRIMARY KEY,
            outlet TEXT,
            added_at TEXT NOT NULL,
            discovered_from TEXT,                   -- the home page or sitemap index it was found on
            kind TEXT,                              -- feed, sitemap, sitemap-index or page, as last polled
            etag TEXT,                              -- validators of the last response, for conditional requests
            last_modified TEXT,
            interval_seconds REAL NOT NULL,
            next_poll TEXT NOT NULL,
            last_polled TEXT,
            last_success TEXT,
            last_error TEXT,
            failures INTEGER NOT NULL DEFAULT 0,    -- consecutive
            items_seen INTEGER NOT NULL DEFAULT 0,
            last_new_item TEXT
        );
        CREATE INDEX feeds_next_poll ON feeds(next_poll);

        CREATE TABLE feed_items (                   -- every article URL a feed listed, fetched once
            url TEXT PRIMARY KEY,                   -- canonical item URL (intake.urls.canonical_item_url)
            feed_url TEXT NOT NULL,
            title TEXT,
            published TEXT,
            author TEXT,
            language TEXT,
            outlet TEXT,
            summary TEXT,                           -- the feed's content or summary (HTML or text) when it has one
            summary_type TEXT,
            seen_at TEXT NOT NULL,
            state TEXT NOT NULL,                    -- pending, stored, duplicate or failed
            article_id TEXT,
            tries INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            next_try TEXT
        );
        CREATE INDEX feed_items_state ON feed_items(state, next_try);
        CREATE INDEX feed_items_feed ON feed_items(feed_url);

        CREATE TABLE fetch_log (                    -- every request intake made, the newest 100,000 kept
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            feed_url TEXT,
            url TEXT NOT NULL,
            status INTEGER,
            outcome TEXT NOT NULL,
            bytes INTEGER,
            seconds REAL
        );

        CREATE TABLE robots (                       -- each origin's robots.txt as last fetched, reused for its TTL
            origin TEXT PRIMARY KEY,                -- scheme://host[:port]
            fetched_at REAL NOT NULL,               -- Unix time
            status INTEGER,                         -- NULL: no answer (then error says why)
            body BLOB NOT NULL,
            error TEXT
        );
        """,
    ),
    (
        10,
        "story history, merged stories' redirects and editors' corrections",
        """
        CREATE TABLE story_history (                -- every change of a story's membership (store/history.py)
            seq INTEGER PRIMARY KEY,                -- order of the changes
            story_id TEXT NOT NULL,                 -- the story that changed (on a merge: the surviving one)
            at TEXT NOT NULL,                       -- when (UTC, ISO 8601)
            kind TEXT NOT NULL,                     -- created, joined, merged, split or moved
            articles TEXT NOT NULL,                 -- JSON list of the article ids involved
            other_story_id TEXT,                    -- merged: the story merged in, split: the new story,
                                                    -- moved: the story the article left
            reason TEXT NOT NULL,                   -- stream, editor or recluster
            who TEXT                                -- the editor, when known
        );
        CREATE INDEX story_history_story ON story_history(story_id);
        CREATE INDEX story_history_other ON story_history(other_story_id) WHERE other_story_id IS NOT NULL;

        CREATE TABLE story_redirects (              -- a merged story's id -> the id of the story that absorbed it
            old_id TEXT PRIMARY KEY,
            story_id TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX story_redirects_story ON story_redirects(story_id);

        CREATE TABLE corrections (                  -- editors' corrections, by article ids (stable over recluster)
            seq INTEGER PRIMARY KEY,                -- order in which they were made (and are replayed)
            at TEXT NOT NULL,
            kind TEXT NOT NULL,                     -- merge, split or move
            articles TEXT NOT NULL,                 -- JSON: merge [a, b], split: the articles set apart, move [a]
            target TEXT,                            -- move: an article of the story it went to
            apart TEXT,                             -- JSON: split, move: the articles of the story they left
            after_article TEXT,                     -- the latest article assigned when it was made: where
                                                    -- recluster replays it
            who TEXT,
            note TEXT
        );

        -- the stories as they were: created by their first article, joined by the others, as streamed
        INSERT INTO story_history (story_id, at, kind, articles, reason)
            SELECT story_id, ingested_at, CASE WHEN id = story_id THEN 'created' ELSE 'joined' END,
                   json_array(id), 'stream'
            FROM articles WHERE story_id IS NOT NULL ORDER BY cluster_seq IS NULL, cluster_seq, seq;
        """,
    ),
    (
        11,
        "threads: the stories of one ongoing subject, linked over weeks or months",
        """
        ALTER TABLE stories ADD COLUMN thread_id TEXT;  -- its thread's id (its own while it is alone in one)
        UPDATE stories SET thread_id = id;
        CREATE INDEX stories_thread ON stories(thread_id);

        CREATE TABLE threads (                      -- threads of two or more stories (cluster/threads.py)
            id TEXT PRIMARY KEY,                    -- the id of the story that started it
            first_time TEXT,                        -- UTC keys of its stories' earliest and latest dated article
            last_time TEXT,
            stories INTEGER NOT NULL,
            touched INTEGER NOT NULL,               -- arrival number of its latest article
            state TEXT NOT NULL,                    -- JSON: the linker's view of it (centroid)
            merged_into TEXT                        -- a thread that joined another: only this redirect is left
        ) WITHOUT ROWID;
        CREATE INDEX threads_last_time ON threads(last_time);
        """,
    ),
    (
        12,
        "story history notes: the evidence for an automatic revision",
        """
        ALTER TABLE story_history ADD COLUMN note TEXT;  -- why, in words (an automatic merge: how alike)
        """,
    ),
    (
        13,
        "stories: their spans in an index of their own, for the archive lookups of story clustering",
        """
        -- An undated or late report looks for archived stories by term, then by time span (Store.story_versions_near):
        -- read from this small covering index, not from the story rows, which hold the whole state (half the time
        -- of the clustering step's archive lookups on ECB+).
        CREATE INDEX stories_span ON stories(id, last_time, first_time, touched);
        """,
    ),
]
