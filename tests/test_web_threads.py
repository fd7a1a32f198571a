"""The thread pages: `/threads` and `/threads/{id}` give what the store's threads are, with JSON twins; a thread
that joined another redirects to it; an unknown id is a 404."""

from __future__ import annotations

from fastapi.testclient import TestClient

from newsprism.store import Store
from newsprism.web import create_app

from .test_web_outlets import copy_store


def test_threads_pages_show_the_stores_threads_and_redirect_a_merged_one(examples_db, tmp_path):
    db = copy_store(examples_db, tmp_path / "examples.db")
    with Store(db) as store:
        every = store.threads(min_stories=1)
        kept, merged = every[0].id, every[1].id
        together = {s.id for s in every[0].stories} | {s.id for s in every[1].stories}
        with store.write():
            store.merge_thread(merged, kept)
        expected = [thread.to_dict() for thread in store.threads()]
    assert expected and all(thread["story_count"] >= 2 for thread in expected)
    with TestClient(create_app(db, analyse=False)) as client:
        listed = client.get("/threads.json").json()
        first = expected[0]
        one = client.get(f"/threads/{first['id']}.json").json()["thread"]
        page = client.get(f"/threads/{first['id']}")
        moved = client.get(f"/threads/{merged}.json", follow_redirects=False)
        joined = client.get(f"/threads/{kept}.json").json()["thread"]
        missing = client.get("/threads/nosuchthread")
        story_page = client.get(f"/stories/{merged}")
    assert [t["id"] for t in listed["threads"]] == [t["id"] for t in expected] and listed["total"] == len(expected)
    assert (one["story_count"], [s["id"] for s in one["stories"]]) == (first["story_count"],
                                                                        [s["id"] for s in first["stories"]])
    assert all(s["url"] == f"/stories/{s['id']}" for s in one["stories"])
    assert page.status_code == 200 and all(f'href="/stories/{s["id"]}"' in page.text for s in first["stories"])
    assert (moved.status_code, moved.headers["location"]) == (308, f"/threads/{kept}.json")
    assert {s["id"] for s in joined["stories"]} == together and joined["story_count"] == len(together)
    assert missing.status_code == 404 and "no thread" in missing.text
    assert f'<a href="/threads/{kept}">its thread</a>' in story_page.text  # a story links its thread
