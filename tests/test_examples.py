"""The bundled example corpus (examples/corpus, fictional): every input format, end to end.

The expected values come from examples/README.md, the corpus's answer key.
"""

from __future__ import annotations

import runpy

import pytest

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def by_title(example_articles):
    _, articles = example_articles
    return {a.title: a for a in articles}


def test_every_document_is_read_and_nothing_rejected(example_articles):
    report, articles = example_articles
    assert report.new == 16 and report.rejected == []
    assert report.skipped == 8  # the WARC's warcinfo, requests, 404, image and revisit
    files = {a.source_path.split("/corpus/", 1)[1].split("#")[0].split(":")[0].split("[")[0] for a in articles}
    formats = {name.rsplit(".", 1)[-1] for name in files}
    assert formats == {"md", "txt", "html", "rss", "atom", "jsonl", "json", "gz"}
    assert not any("manifest" in a.source_path for a in articles)


def test_markdown_headline_and_byline(by_title):
    courier = by_title["Kessel Bridge collapses into the Veyra during morning rush hour"]
    assert courier.byline == "Marta Seland"
    assert courier.outlet == "Varnholm Courier"
    assert courier.published == "2025-10-14T11:20:00+02:00"
    assert not courier.text.startswith(("#", "By "))


def test_manifest_title_dateline_and_credit_of_the_wire_copy(by_title):
    observer = by_title["Varnholm bridge disaster: 12 killed as span falls into Veyra"]
    assert observer.dateline == "VARNHOLM"
    assert observer.credit == "Estmark Press Agency"
    assert observer.text.startswith("The central span of a 340-metre road bridge")
    assert "Estmark Press Agency" not in observer.text.splitlines()[-1]


def test_syndicated_copy_is_linked_to_its_original(by_title):
    original = by_title["At least 12 dead as Varnholm bridge collapses into river"]
    copy = by_title["Varnholm bridge disaster: 12 killed as span falls into Veyra"]
    assert original.duplicate_of is None
    assert copy.duplicate_of == original.id
    assert original.outlet == "The Estmark Times" and copy.outlet == "The Lakeside Observer"
    # Both are kept, each with its own credit lines.
    assert original.credit == "EPA; Reporting by Kaisa Lund; Editing by Jonas Hedman"
    assert original.dateline == "VARNHOLM, Estmark, Oct 14"


def test_only_the_syndicated_pair_is_linked(example_articles):
    _, articles = example_articles
    assert sum(1 for a in articles if a.duplicate_of) == 1


def test_mojibake_file_is_repaired(by_title):
    """The repaired article is exactly the clean text the file was made from (examples/README.md)."""
    clean = runpy.run_path(str(EXAMPLES.parent / "build_mojibake.py"))["CLEAN"]
    headline, *paragraphs = clean.strip().split("\n")
    harbour = by_title[headline]
    assert harbour.text == "\n\n".join(paragraphs)
    # the characters the mojibake broke, each back as the outlet wrote it
    for repaired in ("Varnholm’s", "Søren", "Øystein", "Renée", "Hélène", "café", "“The river is cold and fast… every",
                     "bridge — including", "every day – every", "€400,000"):
        assert repaired in harbour.text, repaired


def test_null_manifest_date_stays_null(by_title):
    post = by_title['Engineer who watched Varnholm bridge fall says deck "folded like paper"']
    assert post.published is None
    assert post.outlet == "Capital Evening Post"


def test_html_page_metadata_and_clean_text(by_title):
    ledger = by_title["Varnholm bridge collapse: inspectors warned of ‘deficient’ bearings in 2019"]
    assert ledger.outlet == "The Northern Ledger"
    assert ledger.byline == "Clara Wendt"
    assert ledger.published == "2025-10-14T18:30:00+02:00"
    assert ledger.url == "https://www.northernledger.example/estmark/2025/oct/14/varnholm-kessel-bridge-collapse-inspection-2019"
    assert ledger.language == "en"
    for junk in ("document.write", "cookies", "Related stories", "Ashgrove", "<"):
        assert junk not in ledger.text


def test_page_headline_is_not_repeated_in_the_text(by_title):
    dispatch = by_title["Lorvania orders checks on 1960s bridges after deadly Sellhaven collapse"]
    assert dispatch.text.startswith("Lorvania’s government has ordered emergency inspections")
    assert dispatch.published == "2024-10-10T13:00:00+02:00"


def test_feed_items(by_title):
    rescued = by_title["Woman rescued from car nine hours after Varnholm bridge collapse"]
    teaser = by_title["Transport minister to face parliament on 3 November over Kessel Bridge collapse"]
    assert rescued.byline == "Jonas Vik" and rescued.published == "2025-10-15T09:15:00+02:00"
    assert len(rescued.text) > 3 * len(teaser.text)  # full content:encoded, not the teaser
    assert teaser.byline == "Radio Estmark Newsdesk"
    engineers = by_title["What brought down the Kessel Bridge? Engineers look at bearings and a 1970s design"]
    assert engineers.byline == "Tobias Rehn" and engineers.published == "2025-10-16T07:00:00+02:00"
    assert engineers.url == "https://www.meridianreview.example/analysis/2025/10/16/what-brought-down-the-kessel-bridge"


def test_json_records_including_html_and_german(by_title):
    star = by_title["Heartbreak for Sporting Dunmere as Ruud settles cup final in extra time"]
    assert star.outlet == "Dunmere Evening Star" and star.byline == "Aino Kask"
    assert "Read more" not in star.text
    german = by_title["Brückeneinsturz in Varnholm: Mindestens 12 Tote"]
    assert german.language == "de" and german.outlet == "Varnholmer Rundschau"


def test_warc_pages_keep_target_uri_and_capture_date(by_title):
    herald = by_title["Two Norvaland citizens among dead in Varnholm bridge collapse"]
    assert herald.url == "https://www.nordvikherald.example/world/2025/10/15/norvaland-citizens-among-dead-varnholm-bridge"
    assert herald.captured == "2025-10-15T13:05:12+00:00"
    assert herald.published == "2025-10-15T14:00:00+02:00"
    assert herald.outlet == "Nordvik Herald" and herald.byline == "Eirik Solberg"
    assert not herald.text.startswith("Published")
    gazette = by_title["Seven killed as Ashgrove Bridge collapses into the Tamsin"]
    assert gazette.captured == "2025-10-15T13:05:40+00:00" and gazette.published == "2024-10-09T21:15:00+02:00"
