"""Stories and threads on Spark: the library's own online assignment, run in parallel over time buckets.

`story_tables(spark, articles, settings)` takes the `articles/` table (as `run_articles` writes it) and
returns the `members`, `stories` and `threads` tables (columns: MEMBER_COLUMNS, STORY_COLUMNS, THREAD_COLUMNS;
the rows the store's `stories` and `threads` tables would hold, `state` as `story_state_json` and
`thread_state_json` write it, so an import can go on clustering).

How (issue 15, "Stories at scale"):
1. Order. The global assignment order is `ingest`'s: each input file in batches of `Settings.batch_size`
   records (by `input_record`), each batch's originals in `time_order`, then its near-copies. `cluster_seq` is
   the place in that order (1, 2, ...). An input sorted by time is assigned in time order.
2. Partitions. A dated original (published, else captured) falls in a time bucket of `bucket` length (default
   BUCKET_WINDOWS story windows); one within `overlap` (default one story window) of its bucket's end is given
   to the next bucket's partition too, as that partition's overlap. Undated originals (`undated="own"`, the
   default) are a partition of their own; `undated="follow"` puts each in the bucket of the dated original
   before it in the global order, `time_order`'s rule (far worse on ECB+, where 76 % are undated and dates
   span years: BENCHMARKS.md). `by_language=True` splits every partition by language too; off by default:
   the clusterer's cross-language evidence is an article's against a story, and linking per-language stories
   afterwards lost recall on multilingual-stories (BENCHMARKS.md).
3. Assignment. Inside each partition, in the global order, the articles go through a `StoryAssigner` on a
   throwaway store (SQLite in the task's temporary folder) in `ingest`'s batches (those of step 1): the stories,
   revisions, titles and threads that streaming the partition's articles on one machine gives. Its arrival
   numbers (`touched`, `first_arrival`) are made global (the article's `cluster_seq`).
4. Linking (the second pass). An article of an overlap links its story there (when that story holds an
   article of the partition's own bucket) to its story in its own bucket's partition. Besides, each story
   links to the one story it would best join (through a shared index term; by `story_link`, the rule a
   revision merges two stories by, and - for stories not of one and the same language - also by
   `best_story`, the rule an arriving article joins by, with its names' keys and dates across languages):
   a story of the undated partition to a dated one; a dated story to an earlier one of another partition
   with none of its languages. Linked stories are one: their states merged by `merge_story` (as a revision
   merges two), the id of the one whose first article came first.
5. Near-copies join their original's story (ingest's rule). Threads: stories that shared a thread in any
   partition share one; its id is that of its story whose first article came first.

Story ids are the library's own (a story is named after its first article, a split-off story after the first
of its articles no story is named after), so they do not depend on the partitioning except where stories of
two partitions are linked (the earlier one's id is kept). A single partition gives `ingest`'s stories (the
same ids), except that an article whose metadata a later reading filled in is ordered by what `ingest`
knew when it assigned it.

Scale: the partition of undated articles is one task, so an archive of undated articles is clustered on one
core (WARC records always carry a capture time); links and threads are united on the driver (edges only).
"""

from __future__ import annotations

import itertools
import logging
import math
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path

from ..cluster import StoryAssigner, cluster_settings, story_from_row, story_state_json, thread_state_json, time_order
from ..cluster.features import Features, unit_length
from ..cluster.online import OnlineClusterer, StoryState, merge_story
from ..cluster.threads import ThreadState, added
from ..config import Settings
from ..dates import as_utc
from ..model import Article
from ..store import Store, utc_key

log = logging.getLogger(__name__)

MEMBER_COLUMNS = ("article_id", "story_id", "cluster_seq")
STORY_COLUMNS = ("id", "title", "title_score", "first_time", "last_time", "size", "touched", "thread_id", "state",
                 "outlets", "languages")
THREAD_COLUMNS = ("id", "first_time", "last_time", "stories", "touched", "state")
BUCKET_WINDOWS = 4  # a bucket is this many story windows long: fewer edges, more work per partition
# What a partition needs of an article (the columns of `articles/`).
_FIELDS = ("id", "text", "url", "outlet", "title", "byline", "dateline", "credit", "published", "captured",
           "language", "source_path", "content_hash", "duplicate_of", "input_file", "input_record")
_AT = {name: position for position, name in enumerate(_FIELDS)}  # a field's place in a row
_UNDATED = None  # the bucket of undated articles
UNDATED_RULES = ("own", "follow")


@dataclass
class StoryTables:
    """The three tables (DataFrames: MEMBER_COLUMNS, STORY_COLUMNS, THREAD_COLUMNS). They are computed from
    intermediate results kept cached until `release()` (call it once the tables are written)."""

    members: object
    stories: object
    threads: object
    cached: list = field(default_factory=list, repr=False)

    def release(self) -> None:
        for rdd in self.cached:
            rdd.unpersist()
        self.cached.clear()


def story_tables(spark, articles, settings: Settings = Settings(), *, bucket: timedelta | None = None,
                 overlap: timedelta | None = None, by_language: bool = False, undated: str = "own") -> StoryTables:
    """The members, stories and threads of `articles` (an `articles/` DataFrame); computes, writes nothing.

    `undated`: "own" puts undated articles in a partition of their own per language, "follow" in the bucket
    of the dated article before them (module docstring)."""
    if undated not in UNDATED_RULES:
        raise ValueError(f"unknown rule for undated articles {undated!r} (expected one of {UNDATED_RULES})")
    bucket = bucket or settings.story_window * BUCKET_WINDOWS
    overlap = settings.story_window if overlap is None else overlap
    parallelism = max(1, spark.sparkContext.defaultParallelism)
    rows = articles.select(*_FIELDS).rdd.map(lambda row: tuple(row))
    ordered = _global_order(rows, settings.batch_size, parallelism)  # (seq, fields), seq from 0
    ordered.persist()  # both stay cached: the tables are computed from them when written
    timed = _with_times(ordered)  # (seq, fields, time or None)
    placed = timed.flatMap(partial(_placements, bucket=bucket.total_seconds(), overlap=overlap,
                                   by_language=by_language, follow=undated == "follow"))
    records = placed.groupByKey(parallelism).flatMap(partial(_assign_partition, settings=settings))
    records.persist()
    tables = _assemble(spark, ordered, records, settings, parallelism)
    tables.cached += [ordered, records]
    return tables


class StoriesStage:
    """`run`'s stories stage: `stories/`, `threads/` (only when a thread holds two stories or more) and each
    article's `story_id` and `cluster_seq` as two more columns of `articles/` (still in input order)."""

    def __init__(self, **options):
        self.options = options  # story_tables' keywords
        self.found: StoryTables | None = None
        self._articles = None

    def __call__(self, spark, tables: dict, settings: Settings) -> dict:
        from pyspark import StorageLevel

        articles = tables["articles"]
        self.found = found = story_tables(spark, articles, settings, **self.options)
        members = found.members.withColumnRenamed("article_id", "id")
        self._articles = (articles.join(members, "id", "left").select(*articles.columns, "story_id", "cluster_seq")
                          .orderBy("input_file", "input_record").persist(StorageLevel.MEMORY_AND_DISK))
        return {"articles": self._articles, "stories": found.stories,
                "threads": None if found.threads.isEmpty() else found.threads}

    def release(self) -> None:
        if self.found is not None:
            self.found.release()
        if self._articles is not None:
            self._articles.unpersist()


# -- 1. the global order ------------------------------------------------------------------------------


def _global_order(rows, batch_size: int, partitions: int):
    """(seq, fields) in ingest's assignment order: per file and batch, originals in time order, then copies."""
    file_at, record_at = _AT["input_file"], _AT["input_record"]
    batches = rows.map(lambda f: ((f[file_at], f[record_at] // batch_size), f)).groupByKey(partitions)
    keyed = batches.flatMap(_batch_order).sortByKey(True, partitions)
    return keyed.zipWithIndex().map(lambda pair: (pair[1], pair[0][1]))


def _batch_order(batch) -> Iterator[tuple[tuple, tuple]]:
    (file_number, batch_number), members = batch
    members = sorted(members, key=lambda f: f[_AT["input_record"]])
    copy_at = _AT["duplicate_of"]
    by_object, articles = {}, []
    for fields in members:
        if fields[copy_at] is None:
            article = _article(fields)
            by_object[id(article)] = fields
            articles.append(article)
    for position, article in enumerate(time_order(articles)):
        yield (file_number, batch_number, 0, position), by_object[id(article)]
    for position, fields in enumerate(f for f in members if f[copy_at] is not None):
        yield (file_number, batch_number, 1, position), fields


def _article(fields: tuple) -> Article:
    values = dict(zip(_FIELDS, fields, strict=True))
    return Article(**{name: values[name] for name in _FIELDS[:-2]})


# -- 2. times and partitions --------------------------------------------------------------------------


def _when(fields: tuple) -> datetime | None:
    return as_utc(fields[_AT["published"]] or fields[_AT["captured"]])


def _with_times(ordered):
    """(seq, fields, time) of every original; an undated one takes the time of the dated original before it
    in the global order (before any: the first dated one's)."""
    copy_at = _AT["duplicate_of"]
    originals = ordered.filter(lambda pair: pair[1][copy_at] is None)
    ends = originals.mapPartitionsWithIndex(_dated_ends).collect()  # (partition, first, last) dated times
    carried, last = {}, None
    first = next((end[1] for end in sorted(ends) if end[1] is not None), None)
    for number, _, partition_last in sorted(ends):
        carried[number] = last if last is not None else first
        last = partition_last or last
    return originals.mapPartitionsWithIndex(partial(_timed, carried=carried))


def _dated_ends(number: int, pairs) -> Iterator[tuple[int, datetime | None, datetime | None]]:
    first = last = None
    for _, fields in sorted(pairs, key=lambda pair: pair[0]):
        when = _when(fields)
        if when is not None:
            first, last = first or when, when
    yield number, first, last


def _timed(number: int, pairs, carried: dict) -> Iterator[tuple[int, tuple, datetime | None, datetime | None]]:
    """(seq, fields, its own time, the time it follows)."""
    last = carried.get(number)
    for seq, fields in sorted(pairs, key=lambda pair: pair[0]):
        own = _when(fields)
        last = own or last
        yield seq, fields, own, last


def _placements(item, bucket: float, overlap: timedelta, by_language: bool, follow: bool):
    """((language, bucket), (seq, core, fields)): an article in its own bucket's partition, and in the next
    one's too (not core) when it lies within `overlap` of its bucket's end."""
    seq, fields, own, followed = item
    when = followed if follow else own
    language = (fields[_AT["language"]] or "") if by_language else ""
    if when is None:
        yield (language, _UNDATED), (seq, True, fields)
        return
    number = math.floor(when.timestamp() / bucket)
    yield (language, number), (seq, True, fields)
    next_start = datetime.fromtimestamp((number + 1) * bucket, tz=timezone.utc)
    if when >= next_start - overlap:
        yield (language, number + 1), (seq, False, fields)


# -- 3. the library's assignment inside a partition ----------------------------------------------------


def _assign_partition(group, settings: Settings) -> Iterator[tuple]:
    """The partition's articles through a StoryAssigner on a throwaway store, in the global order; yields
    ("m", article id, node, seq, core, node's first seq, node holds a core article) per article and
    ("s", node, row, node's first seq, its core articles, local thread node) per story holding a core article.
    A node is (partition key, local story id)."""
    key, members = group
    members = sorted(members, key=lambda item: item[0])
    seq_of = {fields[0]: seq for seq, _, fields in members}
    core = {fields[0] for _, is_core, fields in members if is_core}
    with tempfile.TemporaryDirectory(prefix="newsprism-stories-") as scratch, \
            Store(Path(scratch) / "partition.db") as store:
        assigner = StoryAssigner(store, settings, reason="spark")
        for _, batch in itertools.groupby(members, key=partial(_ingest_batch, size=settings.batch_size)):
            batch = [_article(fields) for _, _, fields in batch]
            with store.write():
                for article in batch:
                    store.add_article(article)
                assigner.assign(batch, replay=True)  # already in the global order
        story_of = {article_id: store.story_of(article_id) for article_id in seq_of}
        rows = {row["id"]: row for row in store.story_rows(sorted(set(story_of.values())))}
    by_story = defaultdict(list)
    for article_id, story_id in story_of.items():
        by_story[story_id].append(article_id)
    summary = {}
    for story_id, article_ids in by_story.items():
        seqs = [seq_of[a] for a in article_ids]
        summary[story_id] = (min(seqs), sum(a in core for a in article_ids))
    for article_id, story_id in story_of.items():
        first, held = summary[story_id]
        yield "m", article_id, (key, story_id), seq_of[article_id], article_id in core, first, held > 0
    for story_id, (first, held) in summary.items():
        if held:
            row = rows[story_id]
            last = max(seq_of[a] for a in by_story[story_id])
            yield "s", (key, story_id), _global_row(row, first, last), first, held, (key, row["thread_id"])


def _ingest_batch(member: tuple, size: int) -> tuple[int, int]:
    """The batch `ingest` assigns an article in: (input file, record // batch size)."""
    fields = member[2]
    return fields[_AT["input_file"]], fields[_AT["input_record"]] // size


def _global_row(row, first: int, last: int) -> dict:
    """The story's row with its arrival numbers made global (the assignment order's, from 1)."""
    story = story_from_row(row)
    story.first_arrival, story.touched = first + 1, last + 1
    return {"id": row["id"], "title": row["title"], "title_score": row["title_score"],
            "first_time": row["first_time"], "last_time": row["last_time"], "size": row["size"],
            "touched": last + 1, "state": story_state_json(story)}


# -- 4. linking and the tables -------------------------------------------------------------------------


def _assemble(spark, ordered, records, settings: Settings, partitions: int) -> StoryTables:
    members = records.filter(lambda r: r[0] == "m")
    stories = records.filter(lambda r: r[0] == "s")
    edges = _overlap_edges(members, partitions) + _story_edges(stories, settings, partitions)
    final_of = _components(edges)  # node -> final story id, for linked nodes
    final = spark.sparkContext.broadcast(final_of)
    copy_at = _AT["duplicate_of"]
    assigned = (members.filter(lambda r: r[4])
                .map(lambda r: (r[1], (final.value.get(r[2], r[2][1]), r[3]))))  # id -> (story, seq)
    assigned.persist()
    copies = (ordered.filter(lambda pair: pair[1][copy_at] is not None)
              .map(lambda pair: (pair[1][copy_at], (pair[1][0], pair[0]))))
    copy_rows = copies.leftOuterJoin(assigned, partitions).map(
        lambda pair: (pair[1][0][0], (pair[1][1][0] if pair[1][1] else pair[0], pair[1][0][1])))
    member_rows = assigned.union(copy_rows).map(lambda pair: (pair[0], pair[1][0], pair[1][1] + 1))
    facts = _story_facts(ordered, member_rows, partitions)  # story -> (size, outlets, languages)
    merged = (stories.map(lambda r: (final.value.get(r[1], r[1][1]), r))
              .groupByKey(partitions).map(_merged_story))
    merged.persist()
    thread_of, threads = _threads(merged)
    thread_map = spark.sparkContext.broadcast(thread_of)
    story_rows = merged.join(facts, partitions).map(partial(_story_row, threads=thread_map))
    tables = StoryTables(
        members=spark.createDataFrame(member_rows, _schema("members")),
        stories=spark.createDataFrame(story_rows, _schema("stories")),
        threads=spark.createDataFrame(spark.sparkContext.parallelize(threads, 1), _schema("threads")),
        cached=[assigned, merged])
    return tables


def _overlap_edges(members, partitions: int) -> list[tuple]:
    """(node, first seq) pairs to link: an article's story in its own partition and its story in the next
    partition's overlap, when that one holds an article of its own bucket."""
    own = members.filter(lambda r: r[4]).map(lambda r: (r[1], (r[2], r[5])))
    seen = members.filter(lambda r: not r[4] and r[6]).map(lambda r: (r[1], (r[2], r[5])))
    return seen.join(own, partitions).map(lambda pair: pair[1]).distinct().collect()


def _story_edges(stories, settings: Settings, partitions: int) -> list[tuple]:
    """Stories the partitions could not put together: a dated story linked to the earlier dated story (by
    first article) of a partition with none of its languages it would best join (names' keys and dates
    across languages); a story of an undated partition to the dated story it would best join."""
    return _best_links(stories, settings, partitions, _index_terms,
                       lambda one, other: _across_languages(one, other) or _undated_and_dated(one, other))


def _across_languages(one: tuple, other: tuple) -> bool:
    """Whether two (node, first seq, state) entries are dated stories of two partitions with no language in
    common, `one` the later."""
    return one[0][0] != other[0][0] and _UNDATED not in (one[0][0][1], other[0][0][1]) \
        and (one[1], one[0][1]) > (other[1], other[0][1]) and not one[2].languages & other[2].languages


def _undated_and_dated(one: tuple, other: tuple) -> bool:
    return one[0][0][1] is _UNDATED and other[0][0][1] is not _UNDATED


def _best_links(stories, settings: Settings, partitions: int, terms_of, eligible) -> list[tuple]:
    """((node, first seq), (node, first seq)) edges: each story linked to the one story it would best join
    among those `eligible` for it and sharing one of `terms_of` (the clusterer's rule for an arriving
    article, `_joins`, at the story threshold). The best only, as an article joins one story: a story never
    links two others by itself."""
    keyed = stories.flatMap(partial(_by_terms, terms_of=terms_of))
    best = (keyed.groupByKey(partitions)
            .flatMap(partial(_candidates, settings=settings, eligible=eligible))
            .reduceByKey(max, partitions))
    return best.map(lambda pair: ((pair[0], pair[1][2]), (pair[1][1], pair[1][3]))).collect()


def _by_terms(record: tuple, terms_of) -> list[tuple]:
    """(term, (node, first seq, row, the story's terms)) for each of a story's terms."""
    terms = frozenset(terms_of(record[2]))
    return [(term, (record[1], record[3], record[2], terms)) for term in terms]


def _candidates(bucket, settings: Settings, eligible) -> Iterator[tuple]:
    """(node, (score, other node, node's first seq, other's first seq)) for each eligible pair at or over the
    story threshold, judged once: in the bucket of the smallest term the two share. Only stories of two
    partitions can be eligible; a story's state is decoded only when one pair of it is."""
    term, entries = bucket
    entries = list(entries)
    if len({entry[0][0] for entry in entries}) < 2:
        return
    states: dict = {}

    def state(entry) -> StoryState:
        if entry[0] not in states:
            states[entry[0]] = story_from_row(_row_view(entry[2]))
        return states[entry[0]]

    for one in entries:
        for other in entries:
            if one[0][0] == other[0][0] or min(one[3] & other[3]) != term \
                    or not eligible((one[0], one[1], state(one)), (other[0], other[1], state(other))):
                continue
            score = _link(state(one), state(other), settings)
            if score >= settings.story_threshold:
                yield one[0], (score, other[0], one[1], other[1])


def _index_terms(row: dict) -> list[str]:
    return story_from_row(_row_view(row)).index_terms()


def _row_view(row: dict) -> dict:
    """A story row as `story_from_row` reads it."""
    return {**row, "thread_id": row.get("thread_id")}


def _link(story: StoryState, other: StoryState, settings: Settings) -> float:
    """How alike two stories are by the clusterer's own rules: the average linkage of their members a revision
    merges at (`story_link`, against the merge threshold); when they are not of one and the same language,
    also whether one, taken as an article, would join the other (`_joins`: names' keys and dates across
    languages), against the story threshold. Scaled to the story threshold, so one scale ranks both."""
    link = OnlineClusterer(cluster_settings(settings)).story_link(story, other)
    link = link / settings.story_merge_threshold * settings.story_threshold if settings.story_merge_threshold else 0.0
    if story.languages == other.languages and len(story.languages) == 1:
        return link
    return max(link, _joins(story, other, settings), _joins(other, story, settings))


def _joins(story: StoryState, other: StoryState, settings: Settings) -> float:
    """How similar `story`, taken as one article (its centroid, keys and years), is to `other`, by the
    clusterer's own rule for an arriving article (best_story: words, and names' keys and dates across
    languages, times closeness in time and years)."""
    clusterer = OnlineClusterer(cluster_settings(settings))
    clusterer.restore(other)
    features = Features(unit_length(story.centroid), story.years, frozenset(story.names), unit_length(story.keys),
                        min(story.languages) if story.languages else "en")
    found, score = clusterer.best_story(features, _nearest(story, other))
    return score if found is other else 0.0


def _nearest(story: StoryState, other: StoryState) -> datetime | None:
    """The moment of `story`'s time span nearest to `other`'s (None when either is undated)."""
    if story.first_time is None or other.first_time is None:
        return None
    return min(max(other.first_time, story.first_time), story.last_time)


def _components(edges: list[tuple]) -> dict:
    """node -> final story id for every linked node: the local id of its component's earliest story."""
    parent: dict = {}
    first: dict = {}

    def root(node):
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in edges:
        for node, seq in pair:
            parent.setdefault(node, node)
            first[node] = seq
        a, b = root(pair[0][0]), root(pair[1][0])
        if a != b:
            keep, join = sorted((a, b), key=lambda n: (first[n], n[1]))
            parent[join] = keep
    return {node: root(node)[1] for node in parent}


def _merged_story(group) -> tuple[str, dict]:
    """One story from the partitions' stories that were linked into it (`merge_story`, as a revision merges)."""
    story_id, parts = group
    parts = sorted(parts, key=lambda r: (r[3], r[1][1]))
    states = [story_from_row(_row_view(r[2])) for r in parts]
    survivor = states[0]
    for other in states[1:]:
        merge_story(survivor, other)
    survivor.id = story_id
    base = parts[0][2]
    return story_id, {
        "title": survivor.title, "title_score": survivor.title_score,
        "first_time": utc_key(survivor.first_time.isoformat()) if survivor.first_time else None,
        "last_time": utc_key(survivor.last_time.isoformat()) if survivor.last_time else None,
        "touched": max(r[2]["touched"] for r in parts), "state": base["state"] if len(parts) == 1 else None,
        "story": survivor, "first": parts[0][3], "local_threads": [r[5] for r in parts],
        "centroid": survivor.centroid,
    }


def _threads(merged) -> tuple[dict, list[tuple]]:
    """(story id -> thread id for stories sharing a thread, rows of the threads of two stories or more).
    Only the partitions' threads of two final stories or more reach the driver."""
    shared = (merged.flatMap(lambda pair: [(thread, _thread_part(pair)) for thread in set(pair[1]["local_threads"])])
              .groupByKey().map(lambda group: {part[0]: part for part in group[1]})
              .filter(lambda parts: len(parts) > 1).collect())
    details, edges = {}, []
    for parts in shared:
        details.update(parts)
        ordered = sorted(parts.values(), key=lambda part: (part[1], part[0]))
        edges += [(((None, ordered[0][0]), ordered[0][1]), ((None, part[0]), part[1])) for part in ordered[1:]]
    groups = defaultdict(list)
    for node, thread_id in _components(edges).items():
        groups[thread_id].append(node[1])
    rows = []
    for thread_id, ids in sorted(groups.items()):
        parts = [details[i] for i in sorted(ids)]
        firsts, lasts = [p[2] for p in parts if p[2]], [p[3] for p in parts if p[3]]
        centroid: dict = {}
        for part in parts:
            centroid = added(centroid, part[5])
        state = thread_state_json(ThreadState(thread_id, centroid, len(ids)))
        rows.append((thread_id, min(firsts) if firsts else None, max(lasts) if lasts else None, len(ids),
                     max(p[4] for p in parts), state))
    return {story_id: thread_id for thread_id, ids in groups.items() for story_id in ids}, rows


def _thread_part(pair) -> tuple:
    """(story id, first seq, first time, last time, touched, centroid) of a final story."""
    story_id, story = pair
    return story_id, story["first"], story["first_time"], story["last_time"], story["touched"], story["centroid"]


def _story_facts(ordered, member_rows, partitions: int):
    """story id -> (size: its originals, outlets: distinct outlets of its articles, languages: sorted)."""
    copy_at, outlet_at, language_at = _AT["duplicate_of"], _AT["outlet"], _AT["language"]
    about = ordered.map(lambda pair: (pair[1][0], (pair[1][copy_at] is None, pair[1][outlet_at],
                                                    pair[1][language_at])))
    joined = member_rows.map(lambda row: (row[0], row[1])).join(about, partitions)
    return joined.map(lambda pair: (pair[1][0], pair[1][1])).groupByKey(partitions).mapValues(
        lambda items: (sum(1 for i in items if i[0]), len({i[1] for i in items if i[1]}),
                       sorted({i[2] for i in items if i[2]})))


def _story_row(pair, threads) -> tuple:
    story_id, (story, (size, outlets, languages)) = pair
    state = story["state"]
    if state is None:
        merged: StoryState = story["story"]
        merged.size = size
        state = story_state_json(merged)
    thread_id = threads.value.get(story_id, story_id)
    return (story_id, story["title"], float(story["title_score"] or 0.0), story["first_time"], story["last_time"],
            size, story["touched"], thread_id, state, outlets, languages)


def _schema(table: str):
    from pyspark.sql.types import ArrayType, DoubleType, LongType, StringType, StructField, StructType

    def column(name: str, kind=None, nullable: bool = True) -> StructField:
        return StructField(name, kind or StringType(), nullable)

    if table == "members":
        return StructType([column("article_id", nullable=False), column("story_id", nullable=False),
                           column("cluster_seq", LongType(), False)])
    if table == "stories":
        return StructType([column("id", nullable=False), column("title"), column("title_score", DoubleType()),
                           column("first_time"), column("last_time"), column("size", LongType()),
                           column("touched", LongType()), column("thread_id"), column("state"),
                           column("outlets", LongType()), column("languages", ArrayType(StringType()))])
    return StructType([column("id", nullable=False), column("first_time"), column("last_time"),
                       column("stories", LongType()), column("touched", LongType()), column("state")])
