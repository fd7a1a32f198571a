"""Stories: articles of one real-world event end up together, other events apart, and
assignments are deterministic, stable and the same whether streamed or rebuilt."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict

import pytest

import newsprism
from newsprism.cluster import recluster
from newsprism.evaluate.datasets import ecbplus_documents

from .conftest import EXAMPLES, SHARED, needs_shared
from .test_story_listing import assert_exact

# The answer key of examples/README.md: file (and record) -> event.
E2_FILES = ("continental-dispatch_sellhaven-ashgrove-bridge-2024.html", "ashgrove-bridge-collapse-seven-killed")
E3_IDS = ("FC Varnholm win Estmark Cup", "Heartbreak for Sporting Dunmere")


def example_events(articles):
    """The gold event of every example article, from its source and title."""
    events = {}
    for a in articles:
        if any(name in (a.source_path or "") or name in (a.url or "") for name in E2_FILES):
            events[a.id] = "E2"
        elif a.title and a.title.startswith(E3_IDS):
            events[a.id] = "E3"
        else:
            events[a.id] = "E1"
    return events


def stories_of(store):
    return {a.id: a.story_id for a in store.articles()}


def test_seeds_form_one_story(store, seeds):
    newsprism.ingest(store, [seeds])
    found = store.stories()
    assert len(found) == 1
    story = store.get_story(found[0].id)
    assert story.article_count == 2 and story.outlet_count == 2
    assert story.outlets == ["The Guardian", "The National"]
    assert story.languages == ["en"]
    assert {m.id for m in story.articles} == {a.id for a in store.articles()}
    assert story.title.startswith("Russian foreign minister and US secretary of state")


def test_example_corpus_events_are_three_stories(example_articles):
    _, articles = example_articles
    events = example_events(articles)
    assert Counter(events.values()) == {"E1": 12, "E2": 2, "E3": 2}
    story_events = defaultdict(set)
    for a in articles:
        story_events[a.story_id].add(events[a.id])
    # Each story holds one event, and each event is one story.
    assert all(len(found) == 1 for found in story_events.values()), story_events
    assert len(story_events) == 3


def test_german_report_joins_the_english_story(example_articles):
    _, articles = example_articles
    german = next(a for a in articles if a.language == "de")
    english = next(a for a in articles if a.title and a.title.startswith("Kessel Bridge collapses"))
    assert german.story_id == english.story_id


def test_near_copy_shares_its_originals_story(example_articles):
    _, articles = example_articles
    by_id = {a.id: a for a in articles}
    copies = [a for a in articles if a.duplicate_of]
    assert copies
    for copy in copies:
        assert copy.story_id == by_id[copy.duplicate_of].story_id


def test_same_input_twice_changes_no_assignment(store):
    newsprism.ingest(store, [EXAMPLES])
    before = stories_of(store)
    report = newsprism.ingest(store, [EXAMPLES])
    assert report.new == 0 and report.new_stories == 0
    assert stories_of(store) == before


def test_same_input_same_stories_and_ids(tmp_path):
    results = []
    for name in ("one.db", "two.db"):
        with newsprism.Store(tmp_path / name) as opened:
            newsprism.ingest(opened, [EXAMPLES])
            results.append(stories_of(opened))
    assert results[0] == results[1]
    # A story is named after the article that started it.
    assert set(results[0].values()) <= set(results[0])


def test_recluster_equals_streaming(store, tmp_path):
    folder = needs_shared(SHARED / "data" / "ecbplus")
    records = [d for d in ecbplus_documents(folder) if d["topic"] in ("1", "3", "12")]
    path = tmp_path / "slice.jsonl"
    # Streamed in three ingests, with the next one's articles arriving later.
    for start in range(0, len(records), 25):
        path.write_text("".join(json.dumps({"text": r["text"]}) + "\n" for r in records[start:start + 25]))
        newsprism.ingest(store, [path])
    streamed = stories_of(store)
    rows = store._db.execute("SELECT id, title, size, state FROM stories ORDER BY id").fetchall()
    assert recluster(store) == len(set(streamed.values()))
    assert stories_of(store) == streamed
    assert store._db.execute("SELECT id, title, size, state FROM stories ORDER BY id").fetchall() == rows


# Same kind of event twice: Indian Navy captures pirates in the Gulf of Aden (2008, 2011); Klitschko
# defends his titles (against Rahman, against Thompson); fire at a Waitrose supermarket (Surrey, Somerset).
@pytest.mark.parametrize("topic", ["12", "7", "14"])
def test_ecbplus_slice_keeps_its_two_subtopics_apart(tmp_path, topic):
    folder = needs_shared(SHARED / "data" / "ecbplus")
    records = [d for d in ecbplus_documents(folder) if d["topic"] == topic]
    gold = {d["id"]: d["story"] for d in records}
    assert set(gold.values()) == {f"{topic}_ecb", f"{topic}_ecbplus"}
    path = tmp_path / "slice.jsonl"
    path.write_text("".join(json.dumps({"text": r["text"]}) + "\n" for r in records))
    with newsprism.Store(tmp_path / "slice.db") as opened:
        report = newsprism.ingest(opened, [path])
        predicted = {}
        for source, article_id in zip(report.sources, report.article_ids, strict=True):
            predicted[records[int(source.rsplit(":", 1)[1]) - 1]["id"]] = opened.story_of(article_id)
    members = defaultdict(set)
    for doc, story in predicted.items():
        members[story].add(gold[doc])
    assert all(len(subtopics) == 1 for subtopics in members.values()), members
    # ... and each subtopic is mostly one story.
    for subtopic in (f"{topic}_ecb", f"{topic}_ecbplus"):
        sizes = Counter(predicted[d] for d in gold if gold[d] == subtopic)
        assert sizes.most_common(1)[0][1] >= 0.7 * sum(sizes.values())


def test_same_kind_of_event_a_year_apart_is_two_stories(store, tmp_path):
    quake = ("A magnitude {m} earthquake struck near the town of Orvik on {day}, killing {dead} people and "
             "damaging hundreds of homes, the regional governor Lars {gov} said. Rescue teams searched collapsed "
             "buildings through the night and the army sent tents and field kitchens to the Orvik valley.")
    records = [
        {"title": "Deadly earthquake hits Orvik", "outlet": "A", "published": "2024-05-02T10:00:00Z",
         "text": quake.format(m="6.1", day="Thursday", dead=14, gov="Berg")},
        {"title": "Orvik quake kills 14", "outlet": "B", "published": "2024-05-02T16:00:00Z",
         "text": quake.format(m="6.1", day="Thursday", dead=14, gov="Berg").replace("the night", "Thursday night")},
        {"title": "Earthquake strikes Orvik again", "outlet": "A", "published": "2025-06-20T09:00:00Z",
         "text": quake.format(m="5.8", day="Friday", dead=3, gov="Sand")},
    ]
    path = tmp_path / "quakes.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    newsprism.ingest(store, [path])
    by_title = {a.title: a.story_id for a in store.articles()}
    assert by_title["Deadly earthquake hits Orvik"] == by_title["Orvik quake kills 14"]
    assert by_title["Earthquake strikes Orvik again"] != by_title["Deadly earthquake hits Orvik"]


def test_stories_listing_filters(store, seeds):
    newsprism.ingest(store, [seeds, EXAMPLES])
    everything = store.stories()
    assert len(everything) == 4  # the seeds' meeting and the example corpus's three events
    assert [s.outlet_count >= 2 for s in store.stories(min_outlets=2)] == [True] * 4
    assert len(store.stories(min_outlets=5)) == 1
    recent = store.stories(since="2025-01-01")
    assert {s.title for s in recent} == {s.title for s in everything if (s.last_published or "") >= "2025"}
    assert len(store.stories(search="Lavrov")) == 1


def test_store_built_in_small_batches_has_consistent_stories(tmp_path):
    """Every stored article has a story that exists, with batches smaller than the corpus.
    (A process killed mid-write is tests/test_kill_ingest.py, which checks the same of its store.)"""
    db = tmp_path / "k.db"
    with newsprism.Store(db) as opened:
        newsprism.ingest(opened, [EXAMPLES], settings=newsprism.Settings(batch_size=3))
    check_story_consistency(db)


def check_story_consistency(db) -> None:
    connection = sqlite3.connect(db)
    orphans = connection.execute(
        "SELECT count(*) FROM articles WHERE story_id IS NULL OR story_id NOT IN (SELECT id FROM stories)"
    ).fetchone()[0]
    assert orphans == 0
    empty = connection.execute(
        "SELECT count(*) FROM stories WHERE id NOT IN (SELECT story_id FROM articles)").fetchone()[0]
    assert empty == 0
    unordered = connection.execute("SELECT count(*) FROM articles WHERE cluster_seq IS NULL").fetchone()[0]
    assert unordered == 0
    connection.close()
    assert_exact(db)  # each story's listing row is what its articles give


@pytest.mark.parametrize("args", [("stories",), ("story", "nope")])
def test_story_commands_refuse_missing_store(run_cli, args):
    result = run_cli(*args, "--db", "missing.db")
    assert result.returncode == 2
    assert "no such store" in result.stderr and "Traceback" not in result.stderr


def test_story_cli_json(run_cli, tmp_path, examples_db):
    assert run_cli("ingest", "-q", str(EXAMPLES), "--db", "s.db").returncode == 0
    listing = json.loads(run_cli("stories", "--db", "s.db", "--json").stdout)
    assert len(listing) == 3
    top = listing[0]
    assert set(top) == {"id", "title", "first_published", "last_published", "article_count", "outlet_count",
                        "outlets", "languages", "thread_id"}
    assert top["article_count"] == 12 and top["languages"] == ["de", "en"]
    # a thread is named after one of its stories; the 2024 Sellhaven collapse, a year before, has a thread of its own
    assert {s["thread_id"] for s in listing} <= {s["id"] for s in listing}
    sellhaven = next(s for s in listing if "Sellhaven" in s["title"])
    assert sellhaven["thread_id"] == sellhaven["id"]
    # The same input makes the same stories in any store; the dossier is shown from the test run's shared
    # example store, whose articles are analysed (spaCy, sentence vectors) once per run, not once per test.
    assert json.loads(run_cli("stories", "--db", examples_db, "--json").stdout) == listing
    shown = json.loads(run_cli("story", top["id"], "--db", examples_db, "--json").stdout)
    assert shown["id"] == top["id"] and len(shown["articles"]) == 12 and shown["thread_id"] == top["thread_id"]
    assert {"id", "title", "outlet", "url", "published", "language", "duplicate_of"} == set(shown["articles"][0])
    assert {"summary", "quotes", "numbers", "coverage", "timeline", "entities", "article_count"} <= set(shown)
    missing = run_cli("story", "0000", "--db", "s.db")
    assert missing.returncode == 1 and missing.stderr.strip() == "newsprism: no story with id 0000"
    assert run_cli("recluster", "--db", "s.db").returncode == 0
    assert json.loads(run_cli("stories", "--db", "s.db", "--json").stdout) == listing


def test_eval_reports_and_skips_bad_records(run_cli, tmp_path):
    lines = [
        json.dumps({"id": "a", "text": "Kessel Bridge collapses into the Veyra in Varnholm, killing twelve.",
                    "story": "x"}),
        "{not json",
        json.dumps({"id": "b", "text": "", "story": "x"}),
        json.dumps({"id": "c", "text": "No label here at all."}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "d", "text": "Varnholm's Kessel Bridge fell into the river Veyra; twelve people died.",
                    "story": "x"}),
        json.dumps({"id": "e", "text": "FC Varnholm won the Estmark Cup final after extra time in Kalmsted.",
                    "story": "y"}),
    ]
    (tmp_path / "eval.jsonl").write_text("\n".join(lines) + "\n")
    result = run_cli("eval", "clustering", "jsonl", "eval.jsonl", "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["documents"] == 3 and scores["gold_clusters"] == 2
    assert set(scores) >= {"bcubed", "pairwise", "clusters", "gold_clusters", "documents", "seconds"}
    assert set(scores["bcubed"]) == {"precision", "recall", "f1"}
    for number in (2, 3, 4, 5):
        assert f"line {number}:" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_move_into_a_story_the_same_arrival_then_merges_away_ends_in_the_survivor(tmp_path):
    """An arrival's revisions: an article moved into story C, then C merged into the older A (the order
    `_revise` makes them in). The move's target is gone by the time the batch is written: its articles end
    in A, and nothing fails (a KeyError once failed the batch, which ingest then redid article by article)."""
    from newsprism.cluster import StoryAssigner
    from newsprism.cluster.online import Revision
    from newsprism.model import Article

    texts = ["The Varnholm bridge collapsed into the river on Tuesday.",
             "Orrefjord voters elected a new mayor in a close count.",
             "A cargo ship ran aground near the Tessby lighthouse."]
    articles = [Article(id=f"a{n}", text=text, published=f"2025-10-1{n}T08:00:00") for n, text in enumerate(texts)]
    with newsprism.Store(tmp_path / "s.db") as store:
        assigner = StoryAssigner(store)
        with store.write():
            for article in articles:
                store.add_article(article)
            assigner.assign(articles)
        assert [store.story_of(a.id) for a in articles] == ["a0", "a1", "a2"]
        clusterer = assigner.clusterer
        with store.write():
            survivor = clusterer._merge(clusterer.stories["a0"], clusterer.stories["a2"], 0.5)
            clusterer.revisions.insert(0, Revision("moved", "a2", "a1", 0.4, articles=["a1"]))
            changed = {}
            events = assigner._revised(changed, "2025-10-13T00:00:00", [])
        assert survivor.id == "a0" and [e.kind for e in events] == ["moved", "merged"]
        assert [store.story_of(a.id) for a in articles] == ["a0", "a0", "a0"] and "a2" not in changed
