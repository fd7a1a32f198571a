"""Outlets: figures over the store, attributes imported from CSV, the /outlets pages and a story's coverage by
attribute (blindspots), through the command line (in process) and the web app (FastAPI's TestClient)."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import statistics
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

import newsprism
from newsprism import outlets
from newsprism.dates import as_utc
from newsprism.model import Citation, Coverage, Passage, QuoteGroup, QuoteVariant
from newsprism.web import create_app

BRIDGE = "b8db55e85fe42bd7"  # the example corpus's Varnholm bridge story: 12 articles, 11 outlets
ATTRIBUTES = """outlet,country,owner
The Estmark Times,Estmark,Estmark Media
nordvik herald,Norvaland,Nordvik Group
Varnholm Courier,Estmark,
Radio Estmark News,Estmark,State
Sellhaven Gazette,Lorvania,Gazette Group
Dunmere Evening Star,Dunmere,Gazette Group
Nowhere Daily,Atlantis,Nobody
"""


def copy_store(source: Path, target: Path) -> Path:
    """The session's example store copied, so attributes written here reach no other test."""
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{target}{suffix}")
    return target


@pytest.fixture
def examples_copy(examples_db, tmp_path) -> Path:
    return copy_store(examples_db, tmp_path / "examples.db")


@pytest.fixture
def with_attributes(examples_copy, tmp_path) -> Path:
    csv_file = tmp_path / "attributes.csv"
    csv_file.write_text(ATTRIBUTES, encoding="utf-8")
    with newsprism.Store(examples_copy) as store:
        outlets.import_attributes(store, csv_file)
    return examples_copy


def client(db: Path) -> TestClient:
    return TestClient(create_app(db, analyse=False))


# --- figures ---------------------------------------------------------------------------------------------------

def expected_figures(articles) -> dict[str, dict]:
    """The figures computed the plain way, article by article, to check the store's one query against."""
    first: dict[tuple[str, str], datetime | None] = {}
    counts: dict[str, int] = defaultdict(int)
    for article in articles:
        if not article.outlet:
            continue
        key = article.outlet.lower()
        counts[key] += 1
        when = as_utc(article.published) or as_utc(article.captured)
        when = when.replace(microsecond=0) if when else None
        pair = (key, article.story_id)
        if pair not in first:
            first[pair] = when
        elif when is not None and (first[pair] is None or when < first[pair]):
            first[pair] = when
    by_story: dict[str, dict[str, datetime | None]] = defaultdict(dict)
    for (key, story), when in first.items():
        by_story[story][key] = when
    found = {key: {"articles": n, "stories": 0, "shared_stories": 0, "first_reports": 0, "delays": []}
             for key, n in counts.items()}
    for members in by_story.values():
        dated = [t for t in members.values() if t is not None]
        story_first = min(dated) if dated else None
        for key, when in members.items():
            row = found[key]
            row["stories"] += 1
            if len(members) >= 2:
                row["shared_stories"] += 1
                if when is not None and when == story_first:
                    row["first_reports"] += 1
                if when is not None:
                    row["delays"].append((when - story_first).total_seconds())
    for row in found.values():
        delays = row.pop("delays")
        row["median_delay_seconds"] = statistics.median(delays) if delays else None
    return found


def test_store_figures_match_the_plain_computation(examples_copy, seeds):
    with newsprism.Store(examples_copy) as store:
        newsprism.ingest(store, [seeds])
        figures = {f.outlet.lower(): f.to_dict() for f in store.outlet_figures()}
        expected = expected_figures(store.articles())
        assert store.count_outlets() == len(expected) == 15
    for key, row in expected.items():
        got = figures[key]
        assert {k: got[k] for k in row} == row, key
    # By hand: The Estmark Times was first on the cup final (0 s) and 5 h 25 min behind the Varnholm Courier on
    # the bridge (19,500 s): median 9,750 s. Capital Evening Post's article is undated: no delay, never first.
    assert figures["the estmark times"] == {"outlet": "The Estmark Times", "articles": 2, "stories": 2,
                                            "shared_stories": 2, "first_reports": 1, "median_delay_seconds": 9750.0}
    assert figures["varnholm courier"]["first_reports"] == 1 and figures["varnholm courier"][
        "median_delay_seconds"] == 0
    assert figures["capital evening post"]["median_delay_seconds"] is None
    assert figures["the guardian"]["first_reports"] == 1  # the seeds' story: the Guardian dated, The National not


def test_one_outlets_figures_are_its_row_of_the_table(examples_copy):
    with newsprism.Store(examples_copy, readonly=True) as store:
        table = {f.outlet: f for f in store.outlet_figures()}
        for name in ("The Estmark Times", "Radio Estmark News", "Capital Evening Post"):
            assert store.outlet_figures(name.upper()) == [table[name]]  # case aside
        assert store.outlet_figures("No Such Outlet") == []


def test_dossier_counts_exclusive_sentences_and_changed_quotes():
    def cite(article_id):
        return Citation(article_id, 0, 1)

    class Found:  # the two parts of a dossier the counts read
        coverage = Coverage(unique={"a1": [Passage("x", cite("a1")), Passage("y", cite("a1"))], "a2": [],
                                    "b1": [Passage("z", cite("b1"))], "c1": []})
        quotes = [
            QuoteGroup("S", "We will rebuild", [QuoteVariant("We will rebuild.", "S", cite("a1")),  # same words
                                                QuoteVariant("we will REBUILD", "S", cite("b1"))]),
            QuoteGroup("S", "Every hour counts", [QuoteVariant("Every hour counts", "S", cite("a1")),
                                                  QuoteVariant("Every hour counts,", "S", cite("b1")),
                                                  QuoteVariant("Every hour ... counts now", "S", cite("c1"))]),
            QuoteGroup("T", "Only here", [QuoteVariant("Only here", "T", cite("a1")),  # one outlet's two articles
                                          QuoteVariant("Only here, he said", "T", cite("a2"))]),
            QuoteGroup("U", "Not a word changed", [QuoteVariant("Not a word changed", "U", cite("a1")),
                                                   QuoteVariant("Not one word changed", "U", cite("c1"))]),
        ]

    counts = outlets.contributions(Found(), {"a1": "Alpha", "a2": "ALPHA", "b1": "Beta", "c1": "Gamma"})
    assert counts["alpha"] == {"stories": 1, "exclusive_facts": 2, "changed_quotes": 2}
    assert counts["beta"] == {"stories": 1, "exclusive_facts": 1, "changed_quotes": 1}
    assert counts["gamma"] == {"stories": 1, "exclusive_facts": 0, "changed_quotes": 2}


def stored_rows(db: Path) -> dict[str, dict[str, tuple[int, int]]]:
    """{story id: {outlet key: (exclusive facts, changed quotes)}} as stored, read straight from the file."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as raw:
        found: dict[str, dict[str, tuple[int, int]]] = {}
        for story, outlet, facts, quotes in raw.execute(
                "SELECT story_id, outlet, exclusive_facts, changed_quotes FROM story_contributions"):
            found.setdefault(story, {})[outlet] = (facts, quotes)
    return found


def expected_rows(found) -> dict[str, tuple[int, int]]:
    compared = [a for a in found.articles if a.duplicate_of is None]
    counts = outlets.contributions(found, {a.id: a.outlet for a in compared})
    return {key: (c["exclusive_facts"], c["changed_quotes"]) for key, c in counts.items()}


def raw_write(db: Path, sql: str, params=()) -> None:
    """A change made behind the store's back (to set up a case: rows lost, an analysis missing)."""
    with contextlib.closing(sqlite3.connect(db)) as raw, raw:
        raw.execute(sql, params)


def test_a_built_dossier_stores_its_contributions_and_the_figures_sum_every_counted_story(examples_db, tmp_path):
    with newsprism.Store(examples_db) as store:  # analyses stored here serve tests/test_dossier.py too
        found = newsprism.story_dossier(store, BRIDGE)
    db = copy_store(examples_db, tmp_path / "analysed.db")
    stored = stored_rows(db)
    assert stored[BRIDGE] == expected_rows(found)
    assert sum(facts for facts, _ in stored[BRIDGE].values()) > 0
    with newsprism.Store(db, readonly=True) as store:
        table = outlets.outlet_table(store, sort="exclusive_facts")
        detail = outlets.outlet_detail(store, "the estmark times")
        dossiers = [newsprism.story_dossier(store, s) for s in stored]  # read-only: nothing is written here
        multi = store.count_multi_outlet_stories()
    assert stored_rows(db) == stored
    # other tests may have counted more stories of this store: the figures sum every counted story
    rows = {outlets.outlet_key(row["outlet"]): row for row in table["outlets"]}
    for key, row in rows.items():
        per_story = [expected_rows(d)[key] for d in dossiers if key in expected_rows(d)]
        assert row["dossier_stories"] == len(per_story)
        assert row["exclusive_facts"] == (sum(f for f, _ in per_story) if per_story else None)
        assert row["changed_quotes"] == (sum(q for _, q in per_story) if per_story else None)
    assert rows["the northern ledger"]["exclusive_facts"] > 0
    rebuild = next(q for q in found.quotes if "rebuild this bridge" in q.text.lower())
    ellipsis = next(v for v in rebuild.variants if "..." in v.text)  # a cut wording changed the quote for all
    outlet_of = {a.id: a.outlet for a in found.articles}
    assert rows[outlets.outlet_key(outlet_of[ellipsis.cite.article_id])]["changed_quotes"] >= 1
    scope = table["dossier_scope"]
    assert scope["counted"] == len(stored) and scope["multi_outlet_stories"] == multi >= len(stored)
    assert (f"counted over {len(stored)} of {multi} multi-outlet stories (the others are not fully analysed yet)"
            in scope["note"]) or (len(stored) == multi and f"over all {multi}" in scope["note"])
    assert detail["outlet"]["exclusive_facts"] == rows["the estmark times"]["exclusive_facts"]
    assert [r["exclusive_facts"] for r in table["outlets"]][:3] == sorted(
        [r["exclusive_facts"] or 0 for r in table["outlets"]], reverse=True)[:3]


def test_a_stale_row_is_not_counted_until_the_story_page_rebuilds_it(examples_analysed, tmp_path):
    db = copy_store(examples_analysed, tmp_path / "stale.db")
    with newsprism.Store(db) as store:
        newsprism.story_dossier(store, BRIDGE)
        counted_before = outlets.outlet_table(store)["dossier_scope"]["counted"]
        bridge = {a.id for a in store.get_story(BRIDGE).articles}
        joining = next(a for a in store.articles() if a.story_id not in (BRIDGE, None) and a.duplicate_of is None)
        raw_write(db, "DELETE FROM analyses WHERE article_id = ?", (joining.id,))
        store.set_story(joining.id, BRIDGE, store.last_cluster_seq() + 1)  # an article joins the story
        stale = outlets.outlet_table(store)
        assert BRIDGE not in stored_rows(db)
        assert stale["dossier_scope"]["counted"] < counted_before
        with client(db) as web:
            pending = web.get(f"/stories/{BRIDGE}.json").json()  # its analysis is missing: not counted yet
            assert pending["pending"] == [joining.id] and BRIDGE not in stored_rows(db)
            from newsprism.understand import analyses_for
            analyses_for(store, [joining])
            web.get(f"/stories/{BRIDGE}.json")  # the page builds the dossier from complete analyses
        rebuilt = newsprism.story_dossier(store, BRIDGE)
    assert {a.id for a in rebuilt.articles} == bridge | {joining.id}
    assert stored_rows(db)[BRIDGE] == expected_rows(rebuilt)


def test_the_worker_counts_the_stories_it_completes_then_every_analysed_one(examples_analysed, tmp_path):
    from newsprism.web.worker import AnalysisWorker

    db = copy_store(examples_analysed, tmp_path / "worker.db")
    with newsprism.Store(db) as store:
        bridge_article = next(a.id for a in store.get_story(BRIDGE).articles if a.duplicate_of is None)
    raw_write(db, "DELETE FROM story_contributions")
    raw_write(db, "DELETE FROM analyses WHERE article_id = ?", (bridge_article,))
    with newsprism.Store(db) as store:
        assert outlets.outlet_table(store)["dossier_scope"]["counted"] == 0
        worker = AnalysisWorker(store)
        assert worker.step() == 1 and worker.counted == 1  # the batch completed the bridge story: counted
        assert set(stored_rows(db)) == {BRIDGE}
        for _ in range(100):
            if not worker.step():
                break
        multi = store.count_multi_outlet_stories()
        table = outlets.outlet_table(store)
        dossier = newsprism.story_dossier(store, BRIDGE)
    assert multi >= 2 and worker.counted == multi == len(stored_rows(db))
    assert table["dossier_scope"]["counted"] == multi and f"over all {multi} multi-outlet" in \
        table["dossier_scope"]["note"]
    assert stored_rows(db)[BRIDGE] == expected_rows(dossier)


# --- attributes: import --------------------------------------------------------------------------------------

def test_import_then_list(run_cli, examples_copy, tmp_path):
    (tmp_path / "a.csv").write_text(ATTRIBUTES, encoding="utf-8")
    imported = run_cli("outlets", "import", tmp_path / "a.csv", "--db", examples_copy, "--json")
    assert imported.returncode == 0, imported.stderr
    report = json.loads(imported.stdout)
    assert report["outlets"] == 7 and report["attributes"] == ["country", "owner"] and report["problems"] == []
    assert report["values_set"] == 13 and report["values_removed"] == 1  # Varnholm Courier's empty owner
    listed = run_cli("outlets", "list", "--db", examples_copy, "--json", "--dossier-stories", "0")
    assert listed.returncode == 0, listed.stderr
    rows = {row["outlet"]: row for row in json.loads(listed.stdout)["outlets"]}
    assert rows["Nordvik Herald"]["attributes"] == {"country": "Norvaland", "owner": "Nordvik Group"}  # case aside
    assert rows["Varnholm Courier"]["attributes"] == {"country": "Estmark"}
    assert rows["The Estmark Times"]["articles"] == 2 and rows["The Estmark Times"]["median_delay_seconds"] == 9750
    assert "Nowhere Daily" not in rows  # attributes of an outlet no article names: kept, not listed

    # Again, other columns: country replaced, owner kept, region added; an empty cell removes.
    (tmp_path / "b.csv").write_text("outlet;country;region\nThe Estmark Times;Norvaland;North\n"
                                    "Radio Estmark News;;South\n", encoding="utf-8")
    assert run_cli("outlets", "import", tmp_path / "b.csv", "--db", examples_copy).returncode == 0
    rows = {row["outlet"]: row for row in json.loads(run_cli(
        "outlets", "list", "--db", examples_copy, "--json", "--sort", "country", "--dossier-stories", "0").stdout)[
        "outlets"]}
    assert rows["The Estmark Times"]["attributes"] == {"country": "Norvaland", "owner": "Estmark Media",
                                                       "region": "North"}
    assert rows["Radio Estmark News"]["attributes"] == {"owner": "State", "region": "South"}
    table = run_cli("outlets", "list", "--db", examples_copy, "--dossier-stories", "0")
    assert table.returncode == 0 and "Nordvik" in table.stdout and " multi-outlet stories" in table.stderr


def test_bad_rows_are_reported_one_line_each_and_the_rest_imported(run_cli, examples_copy, tmp_path):
    rows = ["outlet,country", "The Estmark Times,Estmark", ",Nowhere", "Radio Estmark News,Estmark,extra",
            "the estmark times,Twice", "Varnholm Courier," + "x" * 1001, "", "Nordvik Herald,Norvaland"]
    (tmp_path / "bad.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("outlets", "import", tmp_path / "bad.csv", "--db", examples_copy)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if "skipped" in line and "line " in line]
    assert [p.split(": ")[1] for p in problems] == ["line 3", "line 4", "line 5", "line 6"]
    assert "2 outlet(s)" in result.stderr
    with newsprism.Store(examples_copy, readonly=True) as store:
        assert store.outlet_attributes() == {"the estmark times": {"country": "Estmark"},
                                             "nordvik herald": {"country": "Norvaland"}}


@pytest.mark.parametrize(("content", "reason"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"", "empty"),
    (b"  \n\n", "empty"),
    ("outlet,country\nLe Monde,France\nR\xe9gion,Fran\xe7e\n".encode("latin-1"), "not UTF-8"),
    (b"name,country\nLe Monde,France\n", "must start with an `outlet` column"),
    (b"outlet\nLe Monde\n", "only the `outlet` column"),
    (b"outlet,country,,owner\nLe Monde,France,,x\n", "column 3 of the header has no name"),
    (b"outlet,country,country\nLe Monde,France,FR\n", "names 'country' twice"),
])
def test_a_file_that_is_not_an_attribute_csv_gets_one_line(run_cli, examples_copy, tmp_path, content, reason):
    (tmp_path / "x.csv").write_bytes(content)
    result = run_cli("outlets", "import", tmp_path / "x.csv", "--db", examples_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and reason in result.stderr
    with newsprism.Store(examples_copy, readonly=True) as store:
        assert store.outlet_attributes() == {}


def test_a_folder_or_missing_file_is_one_line(run_cli, examples_copy, tmp_path):
    for path in (tmp_path, tmp_path / "missing.csv"):
        result = run_cli("outlets", "import", path, "--db", examples_copy)
        assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_unknown_sort_is_a_usage_error(run_cli, examples_copy):
    result = run_cli("outlets", "list", "--db", examples_copy, "--sort", "bogus")
    assert result.returncode == 2 and "cannot sort by 'bogus'" in result.stderr


# --- pages ----------------------------------------------------------------------------------------------------

def test_outlets_page_and_its_json_twin(with_attributes):
    with client(with_attributes) as web:
        page = web.get("/outlets")
        data = web.get("/outlets.json").json()
        by_name = web.get("/outlets.json", params={"sort": "name"}).json()
        by_delay = web.get("/outlets", params={"sort": "median_delay"}, headers={"Accept": "application/json"}).json()
        by_country = web.get("/outlets.json", params={"sort": "country"}).json()
        bad = web.get("/outlets.json", params={"sort": "nope"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "What the figures count" in page.text and "Median delay" in page.text
    assert 'href="/outlets/The%20Estmark%20Times"' in page.text
    assert data["total"] == 13 and data["page"] == 1 and data["pages"] == 1 and data["sort"] == "articles"
    assert [r["articles"] for r in data["outlets"]] == sorted((r["articles"] for r in data["outlets"]), reverse=True)
    names = [r["outlet"] for r in by_name["outlets"]]
    assert names == sorted(names, key=str.casefold)
    delays = [r["median_delay_seconds"] for r in by_delay["outlets"]]
    dated = [d for d in delays if d is not None]
    assert dated == sorted(dated) and delays[len(dated):] == [None] * (len(delays) - len(dated))
    countries = [r["attributes"].get("country") for r in by_country["outlets"]]
    assert countries[:6] == ["Dunmere", "Estmark", "Estmark", "Estmark", "Lorvania", "Norvaland"]
    assert set(countries[6:]) == {None}
    assert bad.status_code == 400 and "cannot sort by 'nope'" in bad.json()["error"]


def test_outlet_page_and_404(with_attributes):
    with client(with_attributes) as web:
        page = web.get("/outlets/" + quote("The Estmark Times", safe=""))
        data = web.get("/outlets/" + quote("the estmark times", safe="") + ".json").json()
        missing = web.get("/outlets/No%20Such%20Outlet")
        missing_json = web.get("/outlets/No%20Such%20Outlet.json")
        attached_only = web.get("/outlets/Nowhere%20Daily.json")
    assert page.status_code == 200 and "The Estmark Times" in page.text and "Estmark Media" in page.text
    assert data["outlet"]["outlet"] == "The Estmark Times" and data["outlet"]["first_reports"] == 1
    assert data["outlet"]["attributes"] == {"country": "Estmark", "owner": "Estmark Media"}
    assert {s["id"] for s in data["stories"]} == {BRIDGE, "d0c6fa6e8dc03a03"}
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert missing_json.status_code == 404 and missing_json.json()["status"] == 404
    assert attached_only.status_code == 404  # attributes alone make no outlet of the store


HOSTILE = ["Le Monde / Paris", "Süddeutsche Zeitung", "新华社", "100% News?", "a+b&c=d#x",
           "<script>alert(1)</script>", "Outlet.json"]


def test_outlet_names_with_slashes_and_any_unicode_round_trip(tmp_path):
    records = [{"url": f"https://example.org/{n}", "outlet": name, "published": f"2025-01-0{n % 9 + 1}T10:00:00Z",
                "title": f"Council number {n} votes", "text": f"Story {n}: the council of district {n} voted on a "
                f"budget of {n * 37} million on Tuesday, members said, after a debate about {name}."}
               for n, name in enumerate(HOSTILE + [f"Outlet {i:02d}" for i in range(60)])]
    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "hostile.db"
    with newsprism.Store(db) as store:
        newsprism.ingest(store, [source])
    with client(db) as web:
        first = web.get("/outlets.json", params={"sort": "name"}).json()
        second = web.get("/outlets.json", params={"sort": "name", "page": 2}).json()
        beyond = web.get("/outlets.json", params={"page": 9}).json()
        html = web.get("/outlets", params={"sort": "name", "page": 2}).text + web.get("/outlets").text
        pages = {name: web.get("/outlets/" + quote(name, safe="") + ".json") for name in HOSTILE}
        html_page = web.get("/outlets/" + quote("<script>alert(1)</script>", safe=""))
    assert first["total"] == 67 and first["pages"] == 2 and len(first["outlets"]) == 50
    assert len(second["outlets"]) == 17 and first["next"] and second["previous"]
    assert beyond["outlets"] == []
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert response.json()["outlet"]["outlet"] == name
    listed = {r["outlet"]: r["url"] for r in first["outlets"] + second["outlets"]}
    assert listed["Le Monde / Paris"] == "/outlets/Le%20Monde%20%2F%20Paris"
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert html_page.status_code == 200 and "<script>alert(1)" not in html_page.text


def test_story_coverage_by_attribute_shows_blindspots(with_attributes):
    with client(with_attributes) as web:
        data = web.get(f"/stories/{BRIDGE}.json").json()
        page = web.get(f"/stories/{BRIDGE}")
        other = web.get("/stories/d0c6fa6e8dc03a03.json").json()
    by = {a["attribute"]: a for a in data["coverage_by_attribute"]}
    assert set(by) == {"country", "owner"}
    country = by["country"]
    assert [(g["value"], g["outlets"]) for g in country["covered"]] == [
        ("Estmark", ["Radio Estmark News", "The Estmark Times", "Varnholm Courier"]),
        ("Norvaland", ["Nordvik Herald"])]
    # Dunmere and Lorvania have outlets in the store, none on this story; Atlantis has none in the store at all.
    assert [(g["value"], g["outlet_count"]) for g in country["blindspots"]] == [("Dunmere", 1), ("Lorvania", 1)]
    assert "Capital Evening Post" in country["unassigned"] and "Nordvik Herald" not in country["unassigned"]
    assert [g["value"] for g in by["owner"]["blindspots"]] == ["Gazette Group"]
    assert page.status_code == 200 and "Coverage by your outlet attributes" in page.text
    assert "blindspot" in page.text and 'href="/outlets/Dunmere%20Evening%20Star"' in page.text
    other_country = {a["attribute"]: a for a in other["coverage_by_attribute"]}["country"]
    assert [g["value"] for g in other_country["covered"]] == ["Dunmere", "Estmark"]
    assert [g["value"] for g in other_country["blindspots"]] == ["Lorvania", "Norvaland"]


def test_no_attributes_no_coverage_section(examples_copy):
    with client(examples_copy) as web:
        data = web.get(f"/stories/{BRIDGE}.json").json()
        page = web.get(f"/stories/{BRIDGE}")
    assert data["coverage_by_attribute"] == []
    assert "Coverage by your outlet attributes" not in page.text


def test_the_apps_cache_sees_new_articles(examples_copy, seeds):
    cache = outlets.OutletCache()
    with newsprism.Store(examples_copy) as store:
        before = {f.outlet for f in cache.figures(store)}
        assert cache.figures(store) is cache.figures(store)  # unchanged store: kept
        newsprism.ingest(store, [seeds])
        after = {f.outlet for f in cache.figures(store)}
    assert after - before == {"The Guardian", "The National"}
