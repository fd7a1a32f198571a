"""The write API, live-update polling and the API docs, in process (FastAPI's TestClient)."""

from __future__ import annotations

import gzip
import json
import re
import threading
import time

import pytest
from fastapi.testclient import TestClient

import newsprism
from newsprism.config import Settings
from newsprism.web import create_app
from newsprism.web.api import upload_name

from .conftest import SEEDS, needs_shared
from .test_web_search import DAM, ingest_records, records

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def record(n: int, outlet: str = "Example Times", **extra) -> dict:
    return {"outlet": outlet, "title": f"Harbour crane collapse number {n} in Rotterdam",
            "url": f"https://times.example/crane-{n}", "published": f"2024-06-0{1 + n % 9}T10:00:00Z",
            "text": (f"A crane collapsed at berth {n} of the Rotterdam harbour on Monday, the port authority said. "
                     f"Workers at terminal {n * 7} were sent home while inspectors examined crane {n}. ") * 3,
            **extra}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "news.db"
    with newsprism.open_store(str(path)) as store:
        newsprism.ingest(store, [needs_shared(SEEDS)])
    return path


@pytest.fixture
def client(db):
    with TestClient(create_app(db, analyse=False, token=TOKEN)) as client:
        yield client


def test_a_posted_record_is_stored_with_its_story_and_found_again(client, db):
    answer = client.post("/api/articles", json=record(1), headers=AUTH)
    assert answer.status_code == 201
    body = answer.json()
    (new,) = body["new"]
    assert body["duplicates"] == [] and body["rejected"] == [] and body["new_stories"] == 1
    assert new["story_id"] and new["source_path"] == "request.json"
    article = client.get(f"/articles/{new['id']}.json").json()
    assert article["outlet"] == "Example Times" and article["story_id"] == new["story_id"]
    assert client.get(f"/stories/{new['story_id']}.json").status_code == 200
    with newsprism.open_store(str(db), readonly=True) as store:
        assert store.get_article(new["id"]).title == "Harbour crane collapse number 1 in Rotterdam"
    again = client.post("/api/articles", json=record(1), headers=AUTH)
    assert again.status_code == 200
    assert again.json()["new"] == [] and [d["id"] for d in again.json()["duplicates"]] == [new["id"]]


def test_a_list_with_bad_records_stores_the_good_ones_and_says_why_the_others_were_not(client):
    items = [record(2), {"title": "no text"}, "just a string", record(3, outlet="Other Post"), record(2)]
    body = client.post("/api/articles", json=items, headers=AUTH).json()
    assert len(body["new"]) == 2 and len(body["duplicates"]) == 1
    assert body["duplicates"][0]["id"] == body["new"][0]["id"]  # the same record twice in one request
    reasons = {r["source_path"]: r["reason"] for r in body["rejected"]}
    assert set(reasons) == {"request.json[1]", "request.json[2]"}
    assert all(reason and "\n" not in reason for reason in reasons.values())


def test_the_same_code_path_as_ingest_links_near_copies_into_one_story(client):
    original = record(4)
    copy = {**record(4, outlet="Wire Copy"), "url": "https://wire.example/crane-4",
            "text": original["text"] + " Reporting by the wire."}
    body = client.post("/api/articles", json=[original, copy], headers=AUTH).json()
    assert len(body["new"]) == 2 and body["near_copies_linked"] == 1
    assert body["new"][0]["story_id"] == body["new"][1]["story_id"]


def test_uploaded_files_of_several_formats(client):
    jsonl = "\n".join(json.dumps(record(n)) for n in (5, 6)).encode()
    html = (b"<html><head><title>Bridge reopens</title></head><body><article><h1>Bridge reopens</h1><p>"
            + b"The Erasmus bridge reopened to traffic on Friday after repairs, the city said. " * 6
            + b"</p></article></body></html>")
    files = [("file", ("crane.jsonl.gz", gzip.compress(jsonl), "application/gzip")),
             ("file", ("../../etc/passwd/bridge.html", html, "text/html")),
             ("file", ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "image/png"))]
    answer = client.post("/api/articles", files=files, headers=AUTH)
    assert answer.status_code == 201
    body = answer.json()
    assert sorted(n["source_path"].split(":")[0] for n in body["new"]) == ["bridge.html", "crane.jsonl.gz",
                                                                           "crane.jsonl.gz"]
    assert [r["source_path"] for r in body["rejected"]] == ["photo.png"]
    assert "binary" in body["rejected"][0]["reason"]


def test_writes_need_the_token(db):
    with TestClient(create_app(db, analyse=False)) as off:
        answer = off.post("/api/articles", json=record(7), headers=AUTH)
        assert answer.status_code == 403 and "--token" in answer.json()["error"]
    with TestClient(create_app(db, analyse=False, token=TOKEN)) as client:
        missing = client.post("/api/articles", json=record(7))
        assert missing.status_code == 401 and "Authorization: Bearer" in missing.json()["error"]
        wrong = client.post("/api/articles", json=record(7), headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.json()["error"] == "wrong token"
        assert wrong.headers["www-authenticate"] == "Bearer"
        assert client.post("/api/articles", json=record(7), headers=AUTH).status_code == 201
    with newsprism.open_store(str(db), readonly=True) as store:
        assert store.count_articles() == 3  # the seeds' two and the one accepted write


@pytest.mark.parametrize("body, content_type, status, words", [
    (b"{not json", "application/json", 422, "malformed JSON"),
    (b"", "application/json", 422, "empty"),
    (b"42", "application/json", 422, "a number"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json", 422, "nested too deeply"),
    (b"[]", "application/json", 422, "no records"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png", 415, "cannot read a body of type"),
    (b"x", "", 415, "cannot read a body of type"),
    (b"--nope\r\n\r\nbroken", "multipart/form-data; boundary=zzz", 400, "multipart"),
    (b"--zzz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--zzz--\r\n",
     "multipart/form-data; boundary=zzz", 400, "no file"),
])
def test_hostile_bodies_get_a_4xx_with_one_line(client, body, content_type, status, words):
    headers = {**AUTH, "content-type": content_type} if content_type else AUTH
    answer = client.post("/api/articles", content=body, headers=headers)
    assert answer.status_code == status
    message = answer.json()["error"]
    assert words in message and "\n" not in message and "Traceback" not in message


def test_bodies_over_the_size_limit_get_413(db):
    settings = Settings(max_bytes=2_000)
    with TestClient(create_app(db, analyse=False, token=TOKEN, settings=settings)) as client:
        big = json.dumps(record(8)) + " " * 2_000
        answer = client.post("/api/articles", content=big, headers={**AUTH, "content-type": "application/json"})
        assert answer.status_code == 413 and "2,000-byte limit" in answer.json()["error"]

        def chunked():  # no Content-Length: counted while it streams in
            for _ in range(10):
                yield b" " * 500

        streamed = client.post("/api/articles", content=chunked(), headers={**AUTH, "content-type": "text/plain"})
        assert streamed.status_code == 413
        upload = client.post("/api/articles", files={"file": ("big.txt", b"word " * 1_000)}, headers=AUTH)
        assert upload.status_code == 413
        small = client.post("/api/articles", json=record(8), headers=AUTH)
        assert small.status_code == 201


def test_upload_names_are_never_paths():
    assert upload_name("../../etc/passwd") == "passwd"
    assert upload_name("C:\\Users\\x\\news.html") == "news.html"
    assert upload_name("a\x00b\nc.json") == "abc.json"
    assert upload_name("") == upload_name(None) == upload_name("../") == "upload"


def test_changes_answer_304_until_articles_arrive(client):
    first = client.get("/api/changes")
    latest, etag = first.json()["latest"], first.headers["etag"]
    assert latest == 2 and first.json()["new_articles"] == 2
    front = client.get("/").text
    assert f'data-since="{latest}"' in front and '<script src="/static/app.js" defer></script>' in front
    assert client.get(f"/api/changes?since={latest}").json()["new_articles"] == 0
    unchanged = client.get(f"/api/changes?since={latest}", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    story_id = client.post("/api/articles", json=record(9), headers=AUTH).json()["new"][0]["story_id"]
    changed = client.get(f"/api/changes?since={latest}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert changed.json() == {"latest": latest + 1, "since": latest, "story": None, "new_articles": 1}
    seeds_story = client.get("/.json").json()["stories"][-1]["id"]
    assert client.get(f"/api/changes?since={latest}&story={seeds_story}").json()["new_articles"] == 0
    assert client.get(f"/api/changes?since={latest}&story={story_id}").json()["new_articles"] == 1
    page = client.get(f"/stories/{story_id}").text
    assert f'data-story="{story_id}"' in page and f'data-since="{latest + 1}"' in page
    assert client.get("/api/changes?since=-1").status_code == 400


def test_pages_keep_answering_while_a_large_post_is_stored(client):
    items = [record(n, outlet=f"Outlet {n % 13}") for n in range(100, 300)]
    done = threading.Event()
    answers = {}

    def post():
        answers["post"] = client.post("/api/articles", json=items, headers=AUTH)
        done.set()

    writer = threading.Thread(target=post)
    writer.start()
    during = []
    while not done.is_set():
        started = time.perf_counter()
        status = client.get("/.json").status_code
        during.append((status, time.perf_counter() - started, done.is_set()))
    writer.join()
    assert answers["post"].status_code == 201 and len(answers["post"].json()["new"]) == 200
    answered_during = [d for d in during if not d[2]]
    assert answered_during and all(status == 200 for status, _, _ in during)


def test_openapi_describes_every_endpoint_and_docs_are_served_locally(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert {"/.json", "/search.json", "/stories/{story_id}", "/articles/{article_id}", "/api/articles",
            "/api/changes"} <= set(paths)
    assert {p["name"] for p in paths["/search.json"]["get"]["parameters"]} == {"q", "page"}
    assert {p["name"] for p in paths["/api/changes"]["get"]["parameters"]} == {"since", "story"}
    post = paths["/api/articles"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(post["requestBody"]["content"])
    assert post["security"] == [{"HTTPBearer": []}]
    docs = client.get("/docs")
    assert docs.status_code == 200
    for path in paths:
        assert path in docs.text
    assert "length ≤ 64" in docs.text  # an optional parameter's rules are shown too (since, of /.json)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", docs.text)  # nothing from another origin
    assert "<script" not in docs.text.replace('<script src="/static/app.js" defer></script>', "")


def test_posts_one_by_one_give_the_stories_one_ingest_gives(tmp_path):
    items = sorted(records(DAM) + [record(n) for n in (1, 2, 3)], key=lambda r: r["published"])
    whole = tmp_path / "whole.db"
    with newsprism.open_store(str(whole)) as store:
        ingest_records(store, items)
        expected = _stories(store)
    pushed = tmp_path / "pushed.db"
    newsprism.open_store(str(pushed)).close()
    with TestClient(create_app(pushed, analyse=False, token=TOKEN)) as client:
        for item in items:
            assert client.post("/api/articles", json=item, headers=AUTH).status_code == 201
        assert _stories(client.app.state.store) == expected
    assert len(expected) == 2  # the dam and the crane


def test_the_server_s_ingest_session_sees_what_another_writer_stored(tmp_path):
    db = tmp_path / "news.db"
    newsprism.open_store(str(db)).close()
    dam = records(DAM)
    with TestClient(create_app(db, analyse=False, token=TOKEN)) as client:
        client.post("/api/articles", json=record(1), headers=AUTH)  # the session now holds the crane story
        with newsprism.open_store(str(db)) as other:  # another writer (a `newsprism ingest` run) starts a story
            ingest_records(other, dam[:1])
        (joined,) = client.post("/api/articles", json=dam[1], headers=AUTH).json()["new"]
        assert joined["story_id"] == client.app.state.store.story_of(_id_of(client, dam[0]["url"]))


def _id_of(client, url: str) -> str:
    return [a.id for a in client.app.state.store.articles() if a.url == url][0]


def _stories(store) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for article in store.articles():
        groups.setdefault(article.story_id, set()).add(article.url)
    return {frozenset(g) for g in groups.values()}
