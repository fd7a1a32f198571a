"""Ingest on the real evaluation corpora in ../shared: values that must hold on real news."""

from __future__ import annotations

import json

import pytest

import newsprism
from newsprism.evaluate.datasets import detokenize, ecbplus_documents, googlenews_documents

from .conftest import SHARED, needs_shared


@pytest.fixture(scope="module")
def ecbplus():
    return list(ecbplus_documents(needs_shared(SHARED / "data" / "ecbplus")))


def test_ecbplus_documents_are_rebuilt_from_tokens(ecbplus):
    assert len(ecbplus) == 772
    assert len({d["story"] for d in ecbplus}) == 66
    first = next(d for d in ecbplus if d["id"] == "1_1ecb")
    assert first["text"].startswith("Another day in Hollywood; another star in rehab.")
    assert "Tara Reid, 33, who starred in" in first["text"]
    plus = next(d for d in ecbplus if d["id"] == "1_10ecbplus")
    assert "http" not in plus["text"].split("\n")[0]  # sentence 0 (the URL) left out


def test_detokenize():
    assert detokenize("He paid 40 , 000 dollars on June 13 , 2013 .".split()) == \
        "He paid 40,000 dollars on June 13, 2013."
    tokens = ["Lohan", "’", "s", "attorney", "(", "Shawn", ")", "said", "it", "was", "a", "90", "-", "day", "stay"]
    assert detokenize(tokens) == \
        "Lohan’s attorney (Shawn) said it was a 90-day stay"


def test_ecbplus_near_copies_link_only_reports_of_the_same_event(ecbplus, tmp_path):
    path = tmp_path / "ecbplus.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for doc in ecbplus:
            handle.write(json.dumps({"url": f"https://ecb.example/{doc['id']}", "text": doc["text"]}) + "\n")
    gold = {f"https://ecb.example/{d['id']}": d["story"] for d in ecbplus}
    with newsprism.Store(tmp_path / "ecb.db") as store:
        report = newsprism.ingest(store, [path])
        articles = {a.id: a for a in store.articles()}
    assert report.rejected == [] and report.new + report.duplicate == 772
    links = [(a, articles[a.duplicate_of]) for a in articles.values() if a.duplicate_of]
    assert len(links) >= 10
    assert all(gold[a.url] == gold[b.url] for a, b in links)
    assert {a.language for a in articles.values()} <= {"en", None}


def test_headline_set_reads_every_record(tmp_path):
    source = needs_shared(SHARED / "data" / "googlenews-mstream" / "News.jsonl")
    records = list(googlenews_documents(source))[:2000]
    path = tmp_path / "headlines.jsonl"
    path.write_text("".join(json.dumps({"text": r["text"], "id": r["id"]}) + "\n" for r in records), encoding="utf-8")
    with newsprism.Store(tmp_path / "h.db") as store:
        report = newsprism.ingest(store, [path])
        stored = store.articles()
    assert report.rejected == []
    assert report.new + report.duplicate == 2000
    distinct = {r["text"] for r in records}
    assert len(stored) <= len(distinct)  # identical headlines are stored once
    assert all(a.title is None and a.text for a in stored)  # a single line is text, not a headline
