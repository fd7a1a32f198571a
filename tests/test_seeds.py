"""The two real seed reports (../shared/seeds): values a user relies on."""

from __future__ import annotations

import json
import sqlite3

import newsprism


def ingest_seeds(store, seeds):
    report = newsprism.ingest(store, [seeds])
    by_file = {a.source_path.rsplit("/", 1)[-1]: a for a in store.articles()}
    return report, by_file["000_fdc6c1aa6c633632.txt"], by_file["002_cd190427d00c5532.txt"]


def test_guardian_seed_headline_outlet_and_date(store, seeds):
    report, guardian, _ = ingest_seeds(store, seeds)
    assert report.new == 2 and not report.rejected
    assert guardian.title == (
        "Russian foreign minister and US secretary of state enter talks again as "
        "40,000 Russian troops mass on Ukraine border"
    )
    assert guardian.text.startswith("Russia set out a series of tough conditions on Sunday night")
    assert guardian.outlet == "The Guardian"
    assert guardian.published == "2014-03-30"
    assert guardian.language == "en"
    assert guardian.dateline is None and guardian.credit is None


def test_mojibake_is_repaired(store, seeds):
    _, guardian, national = ingest_seeds(store, seeds)
    for article in (guardian, national):
        for broken in ("â€", "Ã", "\ufffd"):
            assert broken not in article.text
    assert "these are not pleasant things … We find little joy" in guardian.text


def test_national_seed_dateline_credit_and_manifest(store, seeds):
    _, _, national = ingest_seeds(store, seeds)
    assert national.dateline == "PARIS"
    assert national.credit == "Bloomberg News"
    assert national.title is None  # no headline line in the file, none in the manifest
    assert national.text.startswith("The US secretary of state John Kerry and his Russian counterpart")
    assert "Bloomberg News" not in national.text and not national.text.startswith("PARIS")
    assert national.outlet == "The National"
    assert national.url == "https://www.thenationalnews.com/world/kerry-and-lavrov-discuss-solutions-to-ukraine-crisis-1.313979"
    assert national.published is None  # the manifest says null: nothing is invented
    # Curly quotes are kept as the outlet wrote them.
    assert "Mr Lavrov, in English, said: “Good luck, and good night.”" in national.text


def test_paragraphs_are_kept(store, seeds):
    _, guardian, national = ingest_seeds(store, seeds)
    assert len(guardian.paragraphs) >= 15
    assert national.paragraphs[1].startswith("American officials said Mr Lavrov may provide")


def test_reading_twice_changes_nothing(store, seeds):
    first, *_ = ingest_seeds(store, seeds)
    before = [a.to_dict() for a in store.articles()]
    second = newsprism.ingest(store, [seeds])
    assert (second.new, second.duplicate, len(second.rejected)) == (0, 2, 0)
    assert sorted(second.article_ids) == sorted(first.article_ids)
    assert [a.to_dict() for a in store.articles()] == before


def test_ids_are_stable_across_stores(tmp_path, seeds):
    ids = []
    for name in ("a.db", "b.db"):
        with newsprism.Store(tmp_path / name) as opened:
            ids.append(sorted(newsprism.ingest(opened, [seeds]).article_ids))
    assert ids[0] == ids[1]


def test_manifest_given_explicitly_for_single_files(store, seeds):
    manifest = newsprism.Manifest()
    manifest.load(seeds / "manifest.json")
    newsprism.ingest(store, [seeds / "002_cd190427d00c5532.txt"], manifest=manifest)
    (article,) = store.articles()
    assert article.outlet == "The National"


def test_command_line_flags_override_the_manifest(store, seeds):
    hints = newsprism.Hints(outlet="Wire Desk", published="2014-03-31T09:00:00+01:00")
    newsprism.ingest(store, [seeds], hints=hints)
    assert {a.outlet for a in store.articles()} == {"Wire Desk"}
    assert {a.published for a in store.articles()} == {"2014-03-31T09:00:00+01:00"}


def test_full_text_search_and_filters(store, seeds):
    ingest_seeds(store, seeds)
    assert [a.outlet for a in store.articles(search="Tatar")] == ["The Guardian"]
    assert [a.outlet for a in store.articles(search="Hammond BBC")] == ["The National"]
    assert len(store.articles(search="Lavrov")) == 2
    assert [a.outlet for a in store.articles(outlet="the national")] == ["The National"]
    assert [a.outlet for a in store.articles(since="2014-03-30")] == ["The Guardian"]
    # Query syntax characters in a user's words are words, not syntax.
    assert [a.outlet for a in store.articles(search='Tatar" OR (')] == ["The Guardian"]
    assert store.articles(search="Tatar NOT Guardian") == []  # NOT is a word here, and absent


def test_store_records_its_migrations_and_uses_wal(store, seeds):
    ingest_seeds(store, seeds)
    versions = [m[0] for m in store.migrations()]
    assert versions == sorted(versions) and versions[0] == 1
    with sqlite3.connect(store.path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'Klitschko'").fetchone()[0] == 1


def test_cli_json_has_the_contract_fields(tmp_path, seeds, run_cli):
    db = tmp_path / "cli.db"
    result = run_cli("ingest", str(seeds), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    listed = json.loads(run_cli("articles", "--db", str(db), "--json").stdout)
    assert len(listed) == 2
    required = {"id", "url", "outlet", "title", "byline", "dateline", "credit", "published", "language",
                "text", "story_id", "duplicate_of", "source_path"}
    assert all(required <= set(item) for item in listed)
    national = next(item for item in listed if item["outlet"] == "The National")
    assert (national["dateline"], national["credit"]) == ("PARIS", "Bloomberg News")


def test_database_from_environment(tmp_path, seeds, run_cli):
    db = tmp_path / "env.db"
    result = run_cli("ingest", str(seeds), "--quiet", env={"NEWSPRISM_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert db.exists()
    assert len(json.loads(run_cli("articles", "--json", env={"NEWSPRISM_DB": str(db)}).stdout)) == 2


def test_reading_a_missing_store_is_an_error_not_a_new_file(tmp_path, run_cli):
    result = run_cli("articles", "--db", str(tmp_path / "typo.db"), "--json")
    assert result.returncode == 2 and "no such store" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "typo.db").exists()
