"""The story and article pages as a reader sees them (FastAPI's TestClient, in process): every part of the
dossier is on the story page, quote variants show their word-level differences, a cited span is highlighted
on its article page, and JSON twins carry the same data."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient

from newsprism.web import create_app
from newsprism.web.views import paragraphs, safe_url, word_changes


@pytest.fixture(scope="module")
def client(tmp_path_factory, examples_analysed):
    db = tmp_path_factory.mktemp("pages") / "news.db"
    with sqlite3.connect(examples_analysed) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    with TestClient(create_app(db, analyse=False)) as client:
        yield client


def biggest_story(client) -> dict:
    return max(client.get("/.json").json()["stories"], key=lambda s: s["article_count"])


def test_word_changes_mark_what_a_variant_adds_and_leaves_out():
    pieces = word_changes("We will rebuild this bridge, and quickly.", "We will rebuild the bridge quickly")
    # case and punctuation aside: "bridge," is "bridge", "quickly." is "quickly"
    assert pieces == [{"text": "We will rebuild", "change": "same"}, {"text": "this", "change": "removed"},
                      {"text": "the", "change": "added"}, {"text": "bridge", "change": "same"},
                      {"text": "and", "change": "removed"}, {"text": "quickly", "change": "same"}]
    assert word_changes("Same words.", "same words") == [{"text": "same words", "change": "same"}]


def test_paragraphs_mark_the_cited_span_once_across_paragraphs():
    text = "First paragraph here.\n\nSecond one."
    marked = paragraphs(text, (6, 29))
    assert [[p["text"] for p in block] for block in marked] == [["First ", "paragraph here."], ["Second", " one."]]
    assert [p.get("anchor") for p in marked[0] + marked[1] if p["mark"]] == [True, None]


def test_only_web_addresses_become_links():
    assert safe_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    for hostile in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>", "file:///etc/passwd",
                    "//evil.example", "", None):
        assert safe_url(hostile) is None


def test_the_story_page_shows_every_part_of_its_dossier(client):
    story = biggest_story(client)
    page = client.get(f"/stories/{story['id']}")
    data = client.get(f"/stories/{story['id']}.json").json()
    assert page.status_code == 200 and data["pending"] == []
    dossier = data["dossier"]
    for section in ("summary", "coverage", "quotes", "numbers", "claims", "timeline", "entities", "articles"):
        assert f'<section id="{section}">' in page.text
    assert dossier["summary"][0]["text"].split()[0] in page.text
    assert all(e["name"].replace("'", "&#39;") in page.text for e in dossier["entities"][:5])
    first = data["reporting"][0]
    assert first["first"] and first["seconds_behind_first"] == 0
    assert all(r["seconds_behind_first"] >= 0 for r in data["reporting"] if r["seconds_behind_first"] is not None)
    cite = dossier["summary"][0]["citations"][0]
    assert f'/articles/{cite["article_id"]}?hl={cite["start"]}-{cite["end"]}#c-{cite["start"]}-{cite["end"]}' \
        in page.text


def test_quote_variants_show_word_level_differences(client):
    story = biggest_story(client)
    dossier = client.get(f"/stories/{story['id']}.json").json()["dossier"]
    differing = [q for q in dossier["quotes"] if len({v["text"] for v in q["variants"]}) > 1]
    assert differing, "the example story quotes one statement in several wordings"
    page = client.get(f"/stories/{story['id']}").text
    assert "<ins>" in page or "<del>" in page


def test_a_cited_span_is_highlighted_on_its_article_page(client):
    story = biggest_story(client)
    cite = client.get(f"/stories/{story['id']}.json").json()["dossier"]["summary"][0]["citations"][0]
    article = client.get(f"/articles/{cite['article_id']}.json").json()
    words = article["text"][cite["start"]:cite["end"]]
    page = client.get(f"/articles/{cite['article_id']}?hl={cite['start']}-{cite['end']}").text
    assert f'<mark id="c-{cite["start"]}-{cite["end"]}" tabindex="-1">' in page
    assert words.split("\n\n")[0].split()[0] in page.split(f'id="c-{cite["start"]}-{cite["end"]}"')[1][:200]
    assert client.get(f"/articles/{cite['article_id']}?hl=5-2").status_code == 400
    assert client.get(f"/articles/{cite['article_id']}?hl=0-99999999").status_code == 400


def test_wrong_ids_are_404_pages_and_json(client):
    page = client.get("/stories/no-such-story")
    assert page.status_code == 404 and "not found" in page.text and page.headers["content-type"].startswith("text/html")
    assert client.get("/stories/no-such-story.json").json() == {"error": "no story with id 'no-such-story'",
                                                                 "status": 404}
    assert client.get("/articles/nope", headers={"Accept": "application/json"}).status_code == 404


def test_every_page_carries_a_policy_that_allows_no_inline_script(client):
    for url in ("/", "/.json", "/stories/x", "/search?q=bridge", "/outlets", "/docs"):
        policy = client.get(url).headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_schema_says_what_bad_parameters_and_missing_items_get(client):
    schema = client.get("/openapi.json").json()
    story = schema["paths"]["/stories/{story_id}"]["get"]["responses"]
    assert {"200", "400", "404"} <= set(story) and "422" not in story
    assert schema["components"]["schemas"]["Error"]["required"] == ["error", "status"]
    answer = client.get("/?page=0", headers={"Accept": "application/json"})
    assert answer.status_code == 400 and set(answer.json()) == {"error", "status"}


def test_static_files_come_from_memory_by_exact_name(client):
    css = client.get("/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css") and "mark" in css.text
    assert client.get("/static/app.css", headers={"If-None-Match": css.headers["etag"]}).status_code == 304
    for probe in ("/static/../app.py", "/static/%2e%2e%2fapp.py", "/static/..%2F..%2Fpyproject.toml",
                  "/static/nope.css", "/static/"):
        assert client.get(probe).status_code == 404
