"""Editors' corrections (merge, split, move), the stories' history and merged ids' redirects: values of small
constructed cases, an ECB+ slice streamed with corrections between its ingests equal to `recluster`, the
command line and the web app."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

import pytest
from fastapi.testclient import TestClient

import newsprism
from newsprism.cluster import StoryAssigner, recluster
from newsprism.cluster.corrections import (
    CorrectionError,
    may_merge,
    may_separate,
    merge_stories,
    move_article,
    resolve_story,
    split_story,
)
from newsprism.evaluate.datasets import ecbplus_documents
from newsprism.model import Article
from newsprism.web import create_app

from .conftest import SHARED, needs_shared
from .test_stories import check_story_consistency, stories_of

QUAKE = ("A magnitude {m} earthquake struck near the town of Orvik on {day}, killing {dead} people and damaging "
         "hundreds of homes, the regional governor Lars {gov} said. Rescue teams searched collapsed buildings "
         "through the night and the army sent tents and field kitchens to the Orvik valley.")
FINAL = ("FC Varnholm beat Sporting Dunmere {score} in the Estmark Cup final at the national stadium on Saturday. "
         "Striker Emil {who} scored twice in extra time and coach Ida Lund praised her players after the match.")
VOTE = ("Voters in Telmark elected Marta {who} as mayor on Sunday with {share} percent of the vote. Turnout was "
        "low and the opposition leader Karl Ostby conceded defeat late in the evening at the town hall.")


def _records():
    return [
        {"title": "Deadly earthquake hits Orvik", "outlet": "A", "published": "2024-05-02T10:00:00Z",
         "text": QUAKE.format(m="6.1", day="Thursday", dead=14, gov="Berg")},
        {"title": "Orvik quake kills 14", "outlet": "B", "published": "2024-05-02T16:00:00Z",
         "text": QUAKE.format(m="6.1", day="Thursday", dead=14, gov="Berg").replace("the night", "Thursday night")},
        {"title": "Varnholm win the Estmark Cup", "outlet": "A", "published": "2024-05-04T20:00:00Z",
         "text": FINAL.format(score="2-1", who="Ruud")},
        {"title": "Telmark elects Marta Holm mayor", "outlet": "C", "published": "2024-05-05T21:00:00Z",
         "text": VOTE.format(who="Holm", share=54)},
    ]


def _write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.fixture
def small(tmp_path):
    """A store of three stories: the quake (two reports), the cup final, the election."""
    db = tmp_path / "small.db"
    with newsprism.Store(db) as store:
        newsprism.ingest(store, [_write(tmp_path / "first.jsonl", _records())])
        yield store


def _story_by_title(store, start):
    return next(a.story_id for a in store.articles() if a.title.startswith(start))


def _ids(store, start):
    return [a.id for a in store.articles() if a.title.startswith(start)]


def test_merge_keeps_the_older_id_and_redirects_the_other(small):
    quake, final = _story_by_title(small, "Deadly"), _story_by_title(small, "Varnholm")
    assert len(small.stories()) == 3
    assert merge_stories(small, final, quake, who="ed") == quake  # the quake's story was assigned first
    assert {a.story_id for a in small.articles() if not a.title.startswith("Telmark")} == {quake}
    merged = small.get_story(quake)
    assert (merged.article_count, merged.outlet_count) == (3, 2)
    assert small.redirect_of(final) == quake and small.merged_into(quake) == [final]
    assert resolve_story(small, final) == (quake, quake) and resolve_story(small, quake) == (quake, None)
    assert not small.is_story(final) and small.get_story(final) is None
    row = small.story_row(quake)
    assert row["size"] == 3 and json.loads(row["state"])["members"][-1]  # rebuilt from its three articles
    check_story_consistency(small.path)
    events = small.story_history(quake)
    assert [(e.kind, e.reason) for e in events] == [("created", "stream"), ("joined", "stream"),
                                                     ("created", "stream"), ("merged", "editor")]
    assert events[-1].other_story_id == final and events[-1].articles == _ids(small, "Varnholm")
    assert events[-1].who == "ed"
    assert [c.kind for c in small.corrections()] == ["merge"]


def test_split_larger_part_keeps_the_id_and_the_other_is_named_after_its_first_article(small):
    quake, final = _story_by_title(small, "Deadly"), _story_by_title(small, "Varnholm")
    merge_stories(small, quake, final)
    second_quake = _ids(small, "Orvik quake")
    # Name the larger part: it keeps the id, and the other part (the final) gets its own id back.
    kept, new = split_story(small, quake, _ids(small, "Deadly") + second_quake)
    assert (kept, new) == (quake, final)
    assert small.redirect_of(final) is None  # a live story again
    assert _story_by_title(small, "Varnholm") == final and _story_by_title(small, "Orvik") == quake
    # Naming the smaller part sets it apart: the one report leaves, named after itself.
    kept, new = split_story(small, quake, second_quake)
    assert (kept, new) == (quake, second_quake[0])
    assert small.get_story(new).article_count == 1 and small.get_story(quake).article_count == 1
    assert small.get_story(new).title == "Orvik quake kills 14"
    check_story_consistency(small.path)
    split = [e for e in small.story_history(new) if e.kind == "split"]
    assert [(e.story_id, e.other_story_id, e.articles) for e in split] == [(quake, new, second_quake)]
    # What an editor split apart is not merged again automatically; other stories may be.
    assert not may_merge(small, quake, new)
    assert may_merge(small, quake, _story_by_title(small, "Telmark"))


def test_move_takes_the_article_and_an_emptied_story_redirects(small):
    quake, final, vote = (_story_by_title(small, t) for t in ("Deadly", "Varnholm", "Telmark"))
    second = _ids(small, "Orvik quake")[0]
    assert move_article(small, second, final, who="ed") == quake
    assert small.story_of(second) == final and small.get_story(quake).article_count == 1
    assert [e.kind for e in small.story_history(quake)][-1] == "moved"  # the story it left sees it go
    only = _ids(small, "Telmark")[0]
    assert move_article(small, only, final) == vote
    assert not small.is_story(vote) and small.redirect_of(vote) == final
    assert small.get_story(final).article_count == 3
    check_story_consistency(small.path)
    # What an editor merged is kept together; other groups may be separated.
    merge_stories(small, quake, final)
    first = small.corrections()[-1].articles
    assert not may_separate(small, [first[0]], [first[1]]) and may_separate(small, [second], [only])


def test_bad_corrections_change_nothing(small):
    quake = _story_by_title(small, "Deadly")
    before = stories_of(small)
    cases = [
        (lambda: merge_stories(small, quake, "nope"), "no story with id nope"),
        (lambda: merge_stories(small, quake, quake), "are one story already"),
        (lambda: split_story(small, quake, _ids(small, "Varnholm")), "is not in story"),
        (lambda: split_story(small, quake, _ids(small, "Deadly") + _ids(small, "Orvik")), "leaves nothing behind"),
        (lambda: move_article(small, "nope", quake), "no article with id nope"),
        (lambda: move_article(small, _ids(small, "Deadly")[0], quake), "already"),
        (lambda: move_article(small, _ids(small, "Deadly")[0], "nope"), "no story with id nope"),
    ]
    for action, message in cases:
        with pytest.raises(CorrectionError, match=message):
            action()
    assert stories_of(small) == before and small.corrections() == []


def test_later_articles_join_the_corrected_story_in_a_running_assigner(small, tmp_path):
    """A process that assigned before the correction (its assigner in memory) picks it up: a later report of
    the final joins the story the final was merged into, under the surviving id."""
    quake, final = _story_by_title(small, "Deadly"), _story_by_title(small, "Varnholm")
    assigner = StoryAssigner(small)
    with newsprism.Store(small.path) as other:  # another process's correction
        merge_stories(other, quake, final)
    def later():
        return Article(id="later-final", text=FINAL.format(score="2-1", who="Ruud").replace("praised", "thanked"),
                       title="Ruud's double wins the Estmark Cup for Varnholm", outlet="D",
                       published="2024-05-05T08:00:00Z", content_hash="later-final")

    with small.write():
        small.add_article(article := later())
        assigner.assign([article])
    assert small.story_of("later-final") == quake
    # Without the merge it would have joined the final's own story.
    fresh = tmp_path / "fresh.db"
    with newsprism.Store(fresh) as control:
        newsprism.ingest(control, [_write(tmp_path / "again.jsonl", _records())])
        with control.write():
            control.add_article(article := later())
            StoryAssigner(control).assign([article])
        assert control.story_of("later-final") == _story_by_title(control, "Varnholm") == final


def test_recluster_equals_streaming_with_corrections_on_an_ecbplus_slice(tmp_path):
    folder = needs_shared(SHARED / "data" / "ecbplus")
    records = [d for d in ecbplus_documents(folder) if d["topic"] in ("1", "3", "12")]
    db, path = tmp_path / "ecb.db", tmp_path / "slice.jsonl"
    with newsprism.Store(db) as store:
        for number, start in enumerate(range(0, len(records), 25)):
            _write(path, [{"text": r["text"]} for r in records[start:start + 25]])
            newsprism.ingest(store, [path])
            stories = [s.id for s in store.stories()]
            if number == 0:  # an editor's merge between the first two ingests
                merge_stories(store, stories[0], stories[1], who="ed")
            elif number == 1:  # a split and a move between the next ones
                biggest = max(store.stories(), key=lambda s: s.article_count)
                members = [m.id for m in store.get_story(biggest.id).articles]
                split_story(store, biggest.id, members[:2])
                move_article(store, members[-1], stories[-1])
        assert [c.kind for c in store.corrections()] == ["merge", "split", "move"]
        streamed = stories_of(store)
        rows = store._db.execute("SELECT id, title, size, touched, state FROM stories ORDER BY id").fetchall()
        redirects = store._db.execute("SELECT * FROM story_redirects ORDER BY old_id").fetchall()
        history = store._db.execute("SELECT story_id, kind, articles, other_story_id, reason, who "
                                    "FROM story_history ORDER BY seq").fetchall()
        assert recluster(store) == len(set(streamed.values()))
        assert stories_of(store) == streamed
        assert store._db.execute("SELECT id, title, size, touched, state FROM stories ORDER BY id").fetchall() == rows
        assert store._db.execute("SELECT * FROM story_redirects ORDER BY old_id").fetchall() == redirects
        replayed = store._db.execute("SELECT story_id, kind, articles, other_story_id, reason, who "
                                     "FROM story_history ORDER BY seq").fetchall()
        # The same changes in the same order; the assigner's own are recluster's now, the editor's stay theirs.
        assert [r[:4] for r in replayed] == [r[:4] for r in history]
        assert {r[4] for r in replayed} == {"recluster", "editor"}
        assert [r[4:] for r in replayed if r[4] == "editor"] == [r[4:] for r in history if r[4] == "editor"]
    check_story_consistency(db)


def test_the_seeds_story_and_its_history(store, seeds):
    newsprism.ingest(store, [seeds])
    (story,) = store.stories()
    assert story.article_count == 2 and story.outlets == ["The Guardian", "The National"]
    events = store.story_history(story.id)
    assert [(e.kind, e.reason, e.story_id) for e in events] == [("created", "stream", story.id),
                                                                 ("joined", "stream", story.id)]
    assert {a for e in events for a in e.articles} == {a.id for a in store.articles()}
    rows = store._db.execute("SELECT * FROM stories").fetchall()
    recluster(store)
    assert store._db.execute("SELECT * FROM stories").fetchall() == rows
    assert [(e.kind, e.reason) for e in store.story_history(story.id)] == [("created", "recluster"),
                                                                           ("joined", "recluster")]


def test_the_migration_records_the_stories_of_an_older_store(tmp_path):
    db = tmp_path / "old.db"
    with newsprism.Store(db) as store:
        newsprism.ingest(store, [_write(tmp_path / "r.jsonl", _records())])
        quake = _story_by_title(store, "Deadly")
    with sqlite3.connect(db) as raw:  # what schema 9 had
        for table in ("story_history", "story_redirects", "corrections"):
            raw.execute(f"DROP TABLE {table}")
        raw.execute("DELETE FROM migrations WHERE version IN (10, 12)")  # 12 adds a column to a table of 10
        raw.execute("PRAGMA user_version = 9")
    with newsprism.Store(db) as store:
        assert [(e.kind, e.articles) for e in store.story_history(quake)] == [
            ("created", [quake]), ("joined", _ids(store, "Orvik"))]


def test_cli_merge_history_redirect_and_bad_ids(run_cli, small, tmp_path):
    db = str(small.path)
    quake, final = _story_by_title(small, "Deadly"), _story_by_title(small, "Varnholm")
    merged = run_cli("stories", "merge", final, quake, "--by", "ed", "--db", db)
    assert merged.returncode == 0 and merged.stdout.strip() == quake
    assert f"story {final} merged into {quake}" in merged.stderr
    shown = run_cli("story", final, "--history", "--json", "--db", db)
    data = json.loads(shown.stdout)
    assert data["id"] == quake and data["merged_into"] == quake and data["merged_ids"] == [final]
    assert [e["kind"] for e in data["history"]] == ["created", "joined", "created", "merged"]
    assert data["history"][-1]["who"] == "ed" and data["history"][-1]["other_story_id"] == final
    table = run_cli("story", final, "--history", "--db", db)
    assert table.returncode == 0 and f"was merged into {quake}" in table.stderr
    assert final in table.stdout and "merged" in table.stdout and "editor" in table.stdout
    assert run_cli("story", final, "--history", "-o", "history.tsv", "--db", db).returncode == 0
    lines = (tmp_path / "history.tsv").read_text().splitlines()
    assert lines[-1].split("\t") == [data["history"][-1]["at"], "merged", "editor", "ed",
                                     f"story {final} merged into story {quake} (1 article(s): {final})"]
    second = _ids(small, "Orvik")[0]
    split = run_cli("stories", "split", quake, second, "--db", db)
    assert split.returncode == 0 and split.stdout.split() == [quake, second]
    moved = run_cli("stories", "move", second, final, "--db", db)
    assert moved.returncode == 0 and small.story_of(second) == quake  # the final's id leads to the quake's story
    listed = run_cli("stories", "--min-outlets", "2", "--json", "--db", db)  # still the listing
    assert [s["id"] for s in json.loads(listed.stdout)] == [quake]
    for args, message in [(("stories", "merge", quake, "nope"), "no story with id nope"),
                          (("stories", "split", quake, "nope"), "article nope is not in story"),
                          (("stories", "move", "nope", quake), "no article with id nope"),
                          (("story", "nope", "--history"), "no story with id nope")]:
        result = run_cli(*args, "--db", db)
        assert result.returncode == 1, args
        assert result.stderr.strip() == f"newsprism: {message}" or message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_story_of_a_merged_id_shows_the_survivor_and_says_so(run_cli, small):
    db = str(small.path)
    quake, final = _story_by_title(small, "Deadly"), _story_by_title(small, "Varnholm")
    merge_stories(small, quake, final)
    shown = run_cli("story", final, "--json", "--db", db)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["id"] == quake and data["merged_into"] == quake and data["article_count"] == 3
    assert f"story {final} was merged into {quake}" in shown.stderr
    assert "merged_into" not in json.loads(run_cli("story", quake, "--json", "--db", db).stdout)


def test_web_page_of_a_merged_story_redirects(small):
    quake, final = _story_by_title(small, "Deadly"), _story_by_title(small, "Varnholm")
    merge_stories(small, quake, final)
    with TestClient(create_app(small.path, analyse=False)) as client:
        for suffix in ("", ".json"):
            moved = client.get(f"/stories/{final}{suffix}", follow_redirects=False)
            assert moved.status_code == 308 and moved.headers["location"] == f"/stories/{quake}{suffix}"
        assert client.get(f"/stories/{final}.json").json()["story"]["id"] == quake
        assert client.get("/stories/nope").status_code == 404


def test_web_history_page_and_its_json_twin_answer_like_the_cli(small, run_cli):
    quake, final = _story_by_title(small, "Deadly"), _story_by_title(small, "Varnholm")
    merge_stories(small, quake, final, who="<b>ed</b>")
    cli = json.loads(run_cli("story", final, "--history", "--json", "--db", str(small.path)).stdout)
    with TestClient(create_app(small.path, analyse=False)) as client:
        twin = client.get(f"/stories/{final}/history.json").json()
        assert {k: v for k, v in twin.items() if k != "url"} | {"history": [
            {k: v for k, v in e.items() if k not in ("change", "why")} for e in twin["history"]]} == cli
        assert twin["merged_into"] == quake and twin["url"] == f"/stories/{quake}"
        assert twin["history"][-1]["change"] == f"story {final} merged into story {quake} (1 article(s): {final})"
        assert twin["history"][-1]["why"] == "editor"
        page = client.get(f"/stories/{quake}/history")
        assert page.status_code == 200 and f"story {final} merged into story {quake}" in page.text
        assert "&lt;b&gt;ed&lt;/b&gt;" in page.text and "<b>ed</b>" not in page.text  # the editor's name escaped
        assert f'href="/stories/{quake}/history"' in client.get(f"/stories/{quake}").text
        assert client.get("/stories/nope/history").status_code == 404


def test_web_api_corrections_need_the_token_and_answer_like_the_cli(small):
    quake, final, vote = (_story_by_title(small, t) for t in ("Deadly", "Varnholm", "Telmark"))
    second = _ids(small, "Orvik")[0]
    auth = {"Authorization": "Bearer sesame"}
    with TestClient(create_app(small.path, analyse=False, token="sesame")) as client:
        assert client.post("/api/stories/merge", json={"stories": [quake, final]}).status_code == 401
        missing = client.post("/api/stories/merge", json={"stories": [quake, "nope"]}, headers=auth)
        assert missing.status_code == 404 and "no story with id nope" in missing.json()["error"]
        merged = client.post("/api/stories/merge", json={"stories": [final, quake], "by": "web"}, headers=auth)
        assert merged.status_code == 200 and merged.json() == {"story": quake, "merged": final}
        split = client.post(f"/api/stories/{quake}/split", json={"articles": [second]}, headers=auth)
        assert split.json() == {"story": quake, "new_story": second}
        wrong = client.post(f"/api/stories/{quake}/split", json={"articles": [second]}, headers=auth)
        assert wrong.status_code == 400 and "is not in story" in wrong.json()["error"]
        moved = client.post(f"/api/articles/{second}/move", json={"story": vote}, headers=auth)
        assert moved.json() == {"article": second, "story": vote, "left": second}
        assert client.get(f"/stories/{final}.json", follow_redirects=False).status_code == 308
    assert [c.who for c in small.corrections()] == ["web", None, None]
    check_story_consistency(small.path)


def test_a_merge_during_streaming_redirects_and_is_in_the_history(tmp_path, run_cli):
    """An ECB+ slice streamed in ingests of 25: the assigner merges two stories by itself at some point; the
    merged id leads to the survivor (CLI note, JSON merged_into) and the survivor's history says why."""
    folder = needs_shared(SHARED / "data" / "ecbplus")
    records = [d for d in ecbplus_documents(folder) if d["topic"] in ("1", "3", "12")]
    db, path = tmp_path / "ecb.db", tmp_path / "slice.jsonl"
    with newsprism.Store(db) as store:
        for start in range(0, len(records), 25):
            newsprism.ingest(store, [_write(path, [{"text": r["text"]} for r in records[start:start + 25]])])
        merges = [e for e in store._db.execute("SELECT story_id, other_story_id, note, reason, articles "
                                               "FROM story_history WHERE kind = 'merged'")]
        assert merges, "no automatic merge in the slice"
        survivor, gone, note, reason, articles = merges[0]
        assert reason == "stream" and note.startswith("revision: their members 0.")
        assert store.redirect_of(gone) == survivor and not store.is_story(gone)
        assert set(json.loads(articles)) <= {a.id for a in store.story_articles(survivor)}
        # A merged story's articles are nowhere else, and each merged id leads to a live story.
        for _, other, *_ in merges:
            assert store.story_articles(other) == [] and store.is_story(store.redirect_of(other))
    check_story_consistency(db)
    shown = run_cli("story", gone, "--db", str(db), "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["merged_into"] == survivor
    history = run_cli("story", survivor, "--history", "--db", str(db), "--json")
    assert history.returncode == 0
    [event] = [e for e in json.loads(history.stdout)["history"] if e["other_story_id"] == gone]
    assert event["kind"] == "merged" and event["note"] == note


def _topic_29(tmp_path, settings=None):
    """ECB+ topic 29 streamed as one batch, its second event (29_ecb) after its first (29_ecbplus); returns
    (store path, {ECB+ document id: article id}, {article id: gold subtopic})."""
    from newsprism.evaluate.clustering import _ARTICLE_FIELDS

    docs = [d for d in ecbplus_documents(needs_shared(SHARED / "data" / "ecbplus")) if d["topic"] == "29"]
    stream = sorted(docs, key=lambda d: (d["story"].endswith("_ecb"), d["id"]))
    path = _write(tmp_path / "topic29.jsonl", [{k: d[k] for k in _ARTICLE_FIELDS if k in d} for d in stream])
    db = tmp_path / "topic29.db"
    with newsprism.Store(db) as store:
        report = newsprism.ingest(store, [path], settings=settings or newsprism.Settings())
    ids = {stream[int(source.rsplit(":", 1)[1]) - 1]["id"]: article_id
           for source, article_id in zip(report.sources, report.article_ids, strict=True)}
    gold = {ids[d["id"]]: d["story"] for d in stream}
    return db, ids, gold


def test_the_second_events_first_report_moves_to_its_own_story_on_an_ecbplus_slice(tmp_path):
    db, ids, gold = _topic_29(tmp_path)
    first_report = ids["29_10ecb"]  # the second event's first report: nothing of its event exists yet
    with newsprism.Store(db) as store:
        [moved] = [e for e in store._db.execute(
            "SELECT story_id, other_story_id, articles, note FROM story_history WHERE kind = 'moved'")]
        target, source, articles, note = moved
        assert json.loads(articles) == [first_report] and note.startswith("revision: 0.")
        assert store.story_of(ids["29_11ecb"]) == target and store.story_of(ids["29_10ecbplus"]) == source
        # Each event is one story, and nothing else: the move healed the only mistake.
        members = defaultdict(set)
        for article_id, subtopic in gold.items():
            members[store.story_of(article_id)].add(subtopic)
        assert sorted(members.values(), key=sorted) == [{"29_ecb"}, {"29_ecbplus"}]
        assert [e.kind for e in store.story_history(target)][:3] == ["created", "joined", "moved"]
        streamed = stories_of(store)
        recluster(store)
        assert stories_of(store) == streamed
    check_story_consistency(db)
    # Without revisions it stays where it first went, in the other event's story.
    (tmp_path / "off").mkdir()
    db, ids, gold = _topic_29(tmp_path / "off", newsprism.Settings(story_merge_threshold=0))
    with newsprism.Store(db) as store:
        assert store.story_of(ids["29_10ecb"]) == store.story_of(ids["29_10ecbplus"])


def test_a_split_by_the_assigner_is_stored_with_its_history(tmp_path):
    """ECB+ topic 4's two events interleaved, with a split threshold of 0.25 (the default, 0.15, splits none of
    ECB+'s topics: BENCHMARKS.md): the split's stories, history, titles and thread, and recluster equal."""
    from newsprism.evaluate.clustering import _ARTICLE_FIELDS

    docs = [d for d in ecbplus_documents(needs_shared(SHARED / "data" / "ecbplus")) if d["topic"] == "4"]
    first = sorted((d for d in docs if d["story"].endswith("_ecb")), key=lambda d: d["id"])
    second = sorted((d for d in docs if d["story"].endswith("ecbplus")), key=lambda d: d["id"])
    stream = [d for pair in zip(first, second, strict=False) for d in pair]
    path = _write(tmp_path / "topic4.jsonl", [{k: d[k] for k in _ARTICLE_FIELDS if k in d} for d in stream])
    db, settings = tmp_path / "topic4.db", newsprism.Settings(story_split_threshold=0.25)
    with newsprism.Store(db) as store:
        newsprism.ingest(store, [path], settings=settings)
        [(kept, new, articles, note)] = store._db.execute(
            "SELECT story_id, other_story_id, articles, note FROM story_history WHERE kind = 'split'").fetchall()
        assert note.startswith("revision: two close-knit groups, 0.") and "(split below 0.25)" in note
        split_off = json.loads(articles)
        assert new in split_off and {a.id for a in store.story_articles(new)} >= set(split_off)
        assert not set(split_off) & {a.id for a in store.story_articles(kept)}
        assert store.get_story(new).title and store.get_story(kept).title
        assert store.thread_of(new) == store.thread_of(kept)  # a split keeps both parts in one thread
        assert "split" in [e.kind for e in store.story_history(new)]
        streamed = stories_of(store)
        recluster(store, settings)
        assert stories_of(store) == streamed
    check_story_consistency(db)
