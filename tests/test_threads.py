"""Threads: the stories of one ongoing subject end up in one thread, an unrelated story does not; thread ids
are deterministic, the same streamed in pieces or rebuilt, and shown by `threads`, `thread ID` and the stories'
JSON."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict

import pytest

import newsprism
from newsprism.cluster import StoryAssigner, recluster
from newsprism.cluster.online import StoryState
from newsprism.cluster.threads import ThreadLinker, ThreadSettings
from newsprism.evaluate.clustering import evaluate_clustering
from newsprism.evaluate.datasets import ecbplus_documents
from newsprism.store import SCHEMA_VERSION, Store
from newsprism.store.schema import MIGRATIONS

from .conftest import SHARED, invoke_cli, needs_shared

# One ongoing subject over three weeks, three events (each its own story), and an unrelated event.
CRIMEA = [
    ("2014-03-16T18:00:00+00:00", "Crimea votes in referendum to join Russia",
     "Voters in Crimea backed joining Russia in a referendum on Sunday, officials in Simferopol said. Ukraine's "
     "government in Kiev called the referendum illegal, and Putin's Kremlin welcomed the count. Crimea's "
     "parliament speaker Vladimir Konstantinov said turnout was high across the peninsula."),
    ("2014-03-16T20:00:00+00:00", "Crimeans vote to leave Ukraine and join Russia",
     "Officials in Simferopol said the Crimea referendum showed overwhelming support for joining Russia. "
     "Konstantinov, the speaker of Crimea's parliament, said ballots were counted overnight; Kiev and the "
     "West rejected the referendum, while Putin's spokesman praised the turnout."),
    ("2014-03-17T09:00:00+00:00", "Referendum count: Crimea backs Russia",
     "The referendum count in Simferopol gave a large majority for Crimea joining Russia, Konstantinov said. "
     "Ukraine called the referendum a sham staged under Russian guns; Putin is expected to address parliament."),
    ("2014-03-20T12:00:00+00:00", "EU and US widen sanctions on Russia over Crimea",
     "Washington and Brussels announced sanctions on Russian officials and Bank Rossiya over the annexation "
     "of Crimea. Asset freezes and visa bans target allies of Putin, including Gennady Timchenko and the "
     "Rotenberg brothers; Moscow said it would retaliate against the sanctions on Russia."),
    ("2014-03-20T15:00:00+00:00", "Sanctions hit Putin's inner circle over Crimea",
     "New sanctions from the United States freeze the assets of Timchenko, Arkady Rotenberg and Bank Rossiya, "
     "after Russia annexed Crimea from Ukraine. The European Union added names to its own sanctions list; "
     "Putin mocked the measures."),
    ("2014-03-30T22:00:00+00:00", "Kerry and Lavrov meet in Paris over Ukraine and Crimea",
     "Secretary of State John Kerry met Russian foreign minister Sergei Lavrov in Paris for four hours on "
     "Sunday about Ukraine. Lavrov proposed a federal Ukraine; Kerry asked Russia to pull back troops massed "
     "on the border after it annexed Crimea. Putin had called Obama before the Paris talks."),
    ("2014-03-31T07:00:00+00:00", "Lavrov and Kerry end Paris talks without a deal on Ukraine",
     "Sergei Lavrov and John Kerry ended their talks in Paris without agreement on Ukraine. Kerry said any "
     "deal must include Kiev; Lavrov repeated Russia's call for a federal Ukraine and defended the annexation "
     "of Crimea, which Putin signed."),
]
BRIDGE = [
    ("2014-03-25T08:00:00+00:00", "Bridge collapses over the Varnholm river, seven hurt",
     "A road bridge over the Varnholm river collapsed at dawn in Kesselby, injuring seven drivers, the county "
     "fire service said. Engineers blamed corroded steel cables on the 1962 span; divers searched the water."),
    ("2014-03-25T11:00:00+00:00", "Kesselby bridge collapse: divers search river",
     "Divers searched the Varnholm river after the Kesselby bridge collapsed, hurting seven people. The county "
     "fire service said corroded cables on the 1962 span gave way; engineers inspected the other spans."),
]


def write_articles(path, items, prefix, start=0):
    with path.open("w", encoding="utf-8") as handle:
        for number, (published, title, text) in enumerate(items, start=start):
            handle.write(json.dumps({"url": f"https://{prefix}.example/{number}", "outlet": f"{prefix} {number % 3}",
                                     "published": published, "title": title, "text": text}) + "\n")
    return path


def thread_of_titles(store):
    """{article title: (story id, thread id)} over the store."""
    found = {}
    for story in store.stories():
        for member in store.get_story(story.id).articles:
            found[member.title] = (story.id, story.thread_id)
    return found


def test_stories_of_one_subject_share_a_thread_and_an_unrelated_story_does_not(tmp_path):
    source = write_articles(tmp_path / "news.jsonl", CRIMEA + BRIDGE, "news")
    with Store(tmp_path / "news.db") as store:
        newsprism.ingest(store, [str(source)])
        found = thread_of_titles(store)
        crimea = {found[title] for _, title, _ in CRIMEA}
        bridge = {found[title] for _, title, _ in BRIDGE}
        assert len({story for story, _ in crimea}) >= 3  # referendum, sanctions and talks are stories of their own
        assert len({thread for _, thread in crimea}) == 1  # ... of one thread
        assert len(bridge) == 1 and bridge.isdisjoint(crimea)
        (story, thread), = bridge
        assert thread == story  # alone in its thread, which has its id
        (crimea_thread,) = {thread for _, thread in crimea}
        listed = store.threads()
        assert [t.id for t in listed] == [crimea_thread]  # threads of one story are left out by default
        assert listed[0].story_count == len({story for story, _ in crimea})
        assert listed[0].article_count == len(CRIMEA)
        assert {t.id for t in store.threads(min_stories=1)} == {crimea_thread, thread}


def test_linker_links_by_rare_names_and_keeps_ids_stable():
    linker = ThreadLinker(ThreadSettings(threshold=0.3))

    def story(story_id, terms, size=1):
        return StoryState(story_id, terms, size)

    first = story("a", {"crimea": 0.6, "putin": 0.5, "kremlin": 0.3, "referendum": 0.4, "simferopol": 0.4})
    second = story("b", {"crimea": 0.6, "putin": 0.4, "kremlin": 0.3, "sanctions": 0.5, "rossiya": 0.4})
    # a football final in the town of a bridge collapse: the two place names alone are no subject
    final = story("f", {"varnholm": 0.7, "estmark": 0.5, "cup": 0.4, "extra": 0.3})
    other = story("c", {"varnholm": 0.7, "estmark": 0.5, "bridge": 0.5, "kesselby": 0.5})
    assert linker.observe(first, first.centroid, 1, None) == "a"
    assert linker.observe(other, other.centroid, 2, None) == "c"
    assert linker.observe(final, final.centroid, 3, None) == "f"
    assert linker.observe(second, second.centroid, 4, None) == "a"  # of two threads of one story, the smaller id
    assert first.thread_id == second.thread_id == "a" and other.thread_id == "c"
    assert linker.threads["a"].stories == 2 and linker.merges == [("b", "a")]
    assert linker.resolve("b") == "a" and linker.resolve("f") == "f"


def test_a_thread_a_merge_leaves_with_one_story_is_indexed_by_its_new_terms():
    """Two stories of one thread merged: the thread, one story again, takes the survivor's centroid and must be
    found by its terms, not by its old ones (a term left behind led to a thread no longer active: KeyError)."""
    linker = ThreadLinker(ThreadSettings(threshold=0.3))
    first = StoryState("a", {"crimea": 0.6, "putin": 0.5, "kremlin": 0.3, "referendum": 0.4, "simferopol": 0.4})
    second = StoryState("b", {"crimea": 0.6, "putin": 0.4, "kremlin": 0.3, "sanctions": 0.5, "rossiya": 0.4})
    linker.observe(first, first.centroid, 1, None)
    linker.observe(second, second.centroid, 2, None)
    assert linker.threads["a"].stories == 2
    first.centroid = {"sevastopol": 0.7, "fleet": 0.5, "crimea": 0.4}  # the merged story, as merge_story makes it
    linker.stories_merged(first, "b", "a", 3)
    thread = linker.threads["a"]
    assert thread.stories == 1
    indexed = sorted(term for term, holders in linker.active.index.items() if "a" in holders)
    assert indexed == thread.index_terms() == ["crimea", "fleet", "sevastopol"]


def test_thread_ids_are_the_same_streamed_in_pieces_or_rebuilt(tmp_path):
    items = CRIMEA + BRIDGE
    whole = write_articles(tmp_path / "all.jsonl", items, "news")
    with Store(tmp_path / "one.db") as store:
        newsprism.ingest(store, [str(whole)])
        streamed = thread_of_titles(store)
    for start, end in ((0, 3), (3, 6), (6, len(items))):  # three runs, each a new process's view of the store
        path = write_articles(tmp_path / f"part{start}.jsonl", items[start:end], "news", start)
        with Store(tmp_path / "pieces.db") as store:
            newsprism.ingest(store, [str(path)])
    with Store(tmp_path / "pieces.db") as store:
        assert thread_of_titles(store) == streamed
        # what a new process restores is what the store says: each thread once, with its stories
        linker = StoryAssigner(store).threads
        counts = Counter(story.thread_id for story in store.stories())
        assert {i: t.stories for i, t in linker.threads.items()} == dict(counts)
        assert {i for ids in linker.active.index.values() for i in ids} == set(counts)
        recluster(store)
        assert thread_of_titles(store) == streamed
        assert thread_of_titles(store) == streamed


def test_threads_and_thread_commands(tmp_path):
    source = write_articles(tmp_path / "news.jsonl", CRIMEA + BRIDGE, "news")
    db = tmp_path / "news.db"
    assert invoke_cli("ingest", source, "--db", db, "-q").returncode == 0
    listing = invoke_cli("stories", "--db", db, "--json")
    stories = json.loads(listing.stdout)
    assert all(s["thread_id"] for s in stories)
    threads = json.loads(invoke_cli("threads", "--db", db, "--json").stdout)
    assert len(threads) == 1
    (thread,) = threads
    assert set(thread) >= {"id", "title", "story_count", "article_count", "outlet_count", "stories"}
    assert {s["id"] for s in thread["stories"]} == {s["id"] for s in stories if s["thread_id"] == thread["id"]}
    assert thread["article_count"] == len(CRIMEA) and thread["story_count"] == len(thread["stories"])
    shown = invoke_cli("thread", thread["id"], "--db", db, "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout) == thread
    table = invoke_cli("thread", thread["id"], "--db", db)
    assert table.returncode == 0 and thread["id"] in table.stdout and "Crimea" in table.stdout
    assert "Crimea" in invoke_cli("threads", "--db", db).stdout
    missing = invoke_cli("thread", "no-such-thread", "--db", db)
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr == "newsprism: no thread with id no-such-thread\n"


def test_a_merged_thread_id_leads_to_the_thread_it_joined(tmp_path):
    source = write_articles(tmp_path / "news.jsonl", CRIMEA, "news")
    db = tmp_path / "news.db"
    assert invoke_cli("ingest", source, "--db", db, "-q").returncode == 0
    with Store(db, readonly=True) as store:
        (thread,) = store.threads()
        joined = [s.id for s in thread.stories if s.id != thread.id]
    assert joined
    shown = invoke_cli("thread", joined[0], "--db", db, "--json")
    data = json.loads(shown.stdout)
    assert data["id"] == thread.id and data["redirected_from"] == joined[0]
    assert f"thread {joined[0]} joined thread {thread.id}" in invoke_cli("thread", joined[0], "--db", db).stderr


def test_an_older_store_gets_threads(tmp_path):
    source = write_articles(tmp_path / "news.jsonl", BRIDGE, "news")
    db = tmp_path / "old.db"
    with Store(db) as store:
        newsprism.ingest(store, [str(source)])
    with sqlite3.connect(db) as raw:  # what schema 9 had
        raw.execute("DROP TABLE threads")
        raw.execute("DROP INDEX stories_thread")
        raw.execute("ALTER TABLE stories DROP COLUMN thread_id")
        raw.execute("DELETE FROM migrations WHERE version = 11")
        raw.execute("PRAGMA user_version = 9")
    with Store(db, readonly=True) as store:  # read-only: stories still list, threads say what to do
        assert [s.thread_id for s in store.stories()] == [s.id for s in store.stories()]
        with pytest.raises(newsprism.StoreError, match="older newsprism"):
            store.threads()
    with Store(db) as store:
        assert store.migrations()[-1][0] == SCHEMA_VERSION == max(v for v, _, _ in MIGRATIONS)
        (story,) = store.stories()
        assert story.thread_id == story.id and store.get_thread(story.id).story_count == 1


def test_eval_scores_both_levels(tmp_path):
    records = [{"id": str(n), "text": text, "title": title, "published": published,
                "story": "crimea" if n < len(CRIMEA) else "bridge"}
               for n, (published, title, text) in enumerate(CRIMEA + BRIDGE)]
    result = evaluate_clustering(records, level="thread")
    assert result["level"] == "thread" and result["bcubed"] == result["levels"]["thread"]["bcubed"]
    assert result["levels"]["thread"]["bcubed"]["f1"] == 1.0  # two subjects, two threads
    assert result["levels"]["story"]["clusters"] > result["levels"]["thread"]["clusters"] == 2
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    shown = invoke_cli("eval", "clustering", "jsonl", path, "--level", "thread", "--json")
    assert json.loads(shown.stdout)["bcubed"]["f1"] == 1.0
    assert "2 threads predicted" in invoke_cli("eval", "clustering", "jsonl", path, "--level", "thread").stdout


@pytest.fixture(scope="module")
def ecbplus_topics():
    """ECB+ topics whose two events share the subject's names (an endangered-species rule under two
    presidents, two Internet Explorer patches, two Chargers arrests), in file order."""
    folder = needs_shared(SHARED / "data" / "ecbplus")
    return [r for r in ecbplus_documents(folder) if r["topic"] in ("9", "27", "35")]


def test_ecbplus_events_of_one_topic_share_a_thread(ecbplus_topics, tmp_path):
    path = tmp_path / "ecb.jsonl"
    path.write_text("".join(json.dumps({"url": f"https://ecb.example/{r['id']}", "text": r["text"]}) + "\n"
                            for r in ecbplus_topics), encoding="utf-8")
    with Store(tmp_path / "ecb.db") as store:
        report = newsprism.ingest(store, [str(path)])
        threads = [store.thread_of(article_id) for article_id in report.article_ids]
        stories = [store.story_of(article_id) for article_id in report.article_ids]
    by_topic: dict[str, Counter] = defaultdict(Counter)
    for record, thread in zip(ecbplus_topics, threads, strict=True):
        by_topic[record["topic"]][thread] += 1
    for topic, counts in by_topic.items():
        largest, count = counts.most_common(1)[0]
        assert count >= 0.9 * sum(counts.values()), (topic, counts)
        # the thread spans both of the topic's events
        events = {r["story"] for r, t in zip(ecbplus_topics, threads, strict=True) if t == largest}
        assert len(events) == 2, (topic, events)
    owners = defaultdict(set)
    for record, thread in zip(ecbplus_topics, threads, strict=True):
        owners[thread].add(record["topic"])
    assert all(len(topics) == 1 for topics in owners.values())  # no thread mixes topics
    assert len(set(stories)) > len(set(threads))
