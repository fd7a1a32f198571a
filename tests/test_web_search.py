"""The search page and the breaking-stories signal, in process (FastAPI's TestClient) on real stores."""

from __future__ import annotations

import io
import json

import pytest
from fastapi.testclient import TestClient

import newsprism
from newsprism.store import StoryGrowth
from newsprism.web import create_app
from newsprism.web.breaking import is_growing_fast

from .conftest import SEEDS, needs_shared

HOSTILE = ('The mayor <script>alert("x")</script> opened <img src=x onerror=alert(1)> the new bridge; '
           "the ribbon \ue000 was cut. ") * 3

# One event reported by four outlets within three hours (the story that grows), from invented but realistic text.
DAM = [
    ("Reuters", "Dam breach floods Valencia suburbs",
     "A dam on the river Turia burst early on Tuesday, flooding the Valencia suburbs of Paterna and Manises. "
     "Regional president Carlos Mazon said rescue teams had evacuated 3,000 residents from Paterna and Manises. "
     "The Turia dam had been inspected in March."),
    ("AP", "Turia dam bursts, Paterna and Manises under water",
     "Floodwater from the burst Turia dam swept through Paterna and Manises near Valencia on Tuesday. "
     "Carlos Mazon, the regional president, said 3,000 people were evacuated. Engineers inspected the Turia "
     "dam in March."),
    ("El Pais", "Valencia: Turia dam failure forces evacuations",
     "The failure of the Turia dam flooded Paterna and Manises, Valencia officials said on Tuesday. Regional "
     "president Carlos Mazon put the number of evacuated residents at 3,000 in Paterna and Manises."),
    ("BBC", "Thousands evacuated as Turia dam bursts near Valencia",
     "Some 3,000 residents of Paterna and Manises were evacuated after the Turia dam burst, regional president "
     "Carlos Mazon said. The dam near Valencia was inspected in March."),
]


def records(items, day="2014-04-02", first_hour=0):
    return [{"outlet": outlet, "title": title, "text": text, "url": f"https://{outlet.lower().replace(' ', '')}"
             f".example/{day}/{i}", "published": f"{day}T{first_hour + i:02d}:00:00Z"}
            for i, (outlet, title, text) in enumerate(items)]


def ingest_records(store, items, name="records.json"):
    stream = io.BytesIO(json.dumps(items).encode())
    stream.name = name
    return newsprism.ingest(store, ["-"], stdin=stream)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("search") / "news.db"
    with newsprism.open_store(str(db)) as store:
        newsprism.ingest(store, [needs_shared(SEEDS)])
        ingest_records(store, [{"outlet": "Evil <b>Times</b>", "title": "Bridge <script>alert(2)</script>",
                                "text": HOSTILE, "published": "2014-03-29"}])
        ingest_records(store, records(DAM))
    with TestClient(create_app(db, analyse=False)) as client:
        yield client


def test_search_finds_lavrov_in_the_seeds_with_marked_snippets_and_their_story(client):
    found = client.get("/search.json", params={"q": "Lavrov"}).json()
    assert found["total"] == 2  # both seed articles
    seed = [a for a in found["articles"] if a["outlet"] == "The Guardian"][0]
    assert {"text": "Lavrov", "match": True} in seed["snippet"]
    assert "".join(p["text"] for p in seed["snippet"]).count("Lavrov") >= 1
    guardian_story = seed["story_id"]
    assert guardian_story and seed["story_url"] == f"/stories/{guardian_story}"
    story = [s for s in found["stories"] if s["id"] == guardian_story][0]
    assert story["matching_articles"] == 2 and "Russian" in story["title"]
    page = client.get("/search", params={"q": "Lavrov"})
    assert page.status_code == 200
    assert page.text.count("<mark>Lavrov</mark>") >= 2
    assert f'href="/stories/{guardian_story}"' in page.text


def test_snippets_are_escaped_text_never_markup(client):
    found = client.get("/search.json", params={"q": "alert"}).json()
    hostile = found["articles"][0]
    joined = "".join(p["text"] for p in hostile["snippet"])
    assert "<script>" in joined  # the JSON carries the article's own text
    assert hostile["title"] == [{"text": "Bridge <script>", "match": False}, {"text": "alert", "match": True},
                                {"text": "(2)</script>", "match": False}]
    page = client.get("/search", params={"q": "alert"}).text
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>Times" not in page
    assert "&lt;script&gt;<mark>alert</mark>" in page or "&lt;script&gt;\n<mark>alert</mark>" in page
    assert "\ue000" not in "".join(p["text"] for p in hostile["snippet"] if p["match"])


@pytest.mark.parametrize("query", ['"Lavrov', "Lavrov AND (Kerry* OR", "NEAR(a b", "*", "-Lavrov", "a:b", "'",
                                   "OR", '""', "\x00", "title:Lavrov", "Lavrov^"])
def test_queries_that_look_like_fts_syntax_never_fail(client, query):
    for path in ("/search", "/search.json"):
        assert client.get(path, params={"q": query}).status_code == 200


def test_search_pages_link_to_each_other(client):
    first = client.get("/search.json", params={"q": "Turia"}).json()
    assert first["total"] == 4 and first["pages"] == 1 and first["next"] is None
    assert client.get("/search.json", params={"q": "Turia", "page": 2}).json()["articles"] == []
    assert client.get("/search.json", params={"q": "Turia", "page": 0}).status_code == 400
    assert client.get("/search.json", params={"q": "Turia", "page": "x"}).status_code == 400
    empty = client.get("/search.json").json()
    assert empty["total"] == 0 and empty["articles"] == []


def test_the_story_that_grew_is_breaking_on_the_front_page(client):
    front = client.get("/.json").json()
    rows = {s["title"]: s for s in front["stories"]}
    dam = [s for t, s in rows.items() if "Turia" in (t or "") or "Valencia" in (t or "")][0]
    assert dam["breaking"] is True
    assert dam["growth"]["recent_articles"] == 4 and dam["growth"]["recent_outlets"] == 4
    assert dam["growth"]["articles_before"] == 0 and dam["growth"]["until"] == "2014-04-02T03:00:00"
    assert [b["id"] for b in front["breaking"]] == [dam["id"]]
    seeds = [s for s in front["stories"] if s["id"] != dam["id"]]
    assert seeds and all(s["breaking"] is False and s["growth"] is None for s in seeds)  # days older
    page = client.get("/").text
    assert page.count('class="badge breaking"') == 1


def test_growth_must_be_fast_against_the_story_s_own_size():
    def growth(recent, outlets, total):
        return StoryGrowth("s", recent, outlets, total, 6, "2024-01-01T00:00:00")

    assert is_growing_fast(growth(3, 2, 3))  # new, from two outlets
    assert is_growing_fast(growth(5, 3, 12))  # grew by 5/7 in the window
    assert not is_growing_fast(growth(5, 3, 50))  # a big story's steady trickle
    assert not is_growing_fast(growth(6, 1, 6))  # one outlet's flurry
    assert not is_growing_fast(growth(2, 2, 2))


def test_breaking_follows_the_store_s_clock_as_articles_arrive(tmp_path):
    db = tmp_path / "news.db"
    with newsprism.open_store(str(db)) as store:
        ingest_records(store, records(DAM[:2], day="2014-04-01"))  # yesterday: two reports
    with TestClient(create_app(db, analyse=False)) as client:
        assert client.get("/.json").json()["breaking"] == []  # two articles are not yet a surge
        with newsprism.open_store(str(db)) as store:
            ingest_records(store, records(DAM[2:] + [DAM[0][:2] + (DAM[0][2] + " More later.",)],
                                          day="2014-04-02"))
        front = client.get("/.json").json()
        (story,) = [s for s in front["stories"] if s["breaking"]]
        assert story["article_count"] == 5 and story["growth"]["recent_articles"] == 3
        assert story["growth"]["articles_before"] == 2 and story["growth"]["growth"] == 1.5


def test_only_the_newest_matches_are_ranked(client):
    """A bounded window keeps a common word's search fast; inside it, ranking is by relevance."""
    store = client.app.state.store
    everything = [h.article_id for h in store.search_articles("Turia")]
    newest_two = [h.article_id for h in store.search_articles("Turia", window=2)]
    assert len(everything) == 4 and len(newest_two) == 2
    newest = [a.id for a in store.articles(search="Turia")][-2:]
    assert sorted(newest_two) == sorted(newest)
