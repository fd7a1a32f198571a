"""The web app keeps front-page listings and dossiers between requests (`views.Memo`): what it shows must still
change the moment the store does - an article arrives, an analysis is stored."""

from __future__ import annotations

import sqlite3

from fastapi.testclient import TestClient

import newsprism
from newsprism.understand import analyses_for
from newsprism.web import create_app

from .conftest import SEEDS, needs_shared


def test_pages_follow_the_store(tmp_path, examples_analysed):
    needs_shared(SEEDS)
    db = tmp_path / "news.db"
    with sqlite3.connect(examples_analysed) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    with TestClient(create_app(db, analyse=False)) as client:
        before = client.get("/.json").json()
        assert client.get("/.json").json() == before  # kept: the same answer
        with newsprism.Store(db) as store:  # another connection, as `newsprism ingest` would be
            newsprism.ingest(store, [SEEDS])
            seeds = [a for a in store.articles() if a.outlet in ("The Guardian", "The National")]
        after = client.get("/.json").json()
        assert after["total"] == before["total"] + 1
        story_url = f"/stories/{seeds[0].story_id}.json"
        assert client.get(story_url).json()["dossier"] is None
        with newsprism.Store(db) as store:
            analyses_for(store, seeds[:1])
        one = client.get(story_url).json()
        assert len(one["pending"]) == 1 and len(one["dossier"]["articles"]) == 1
        with newsprism.Store(db) as store:
            analyses_for(store, seeds[1:])
        both = client.get(story_url).json()
        assert both["pending"] == [] and len(both["dossier"]["articles"]) == 2
        assert client.get(story_url).json() == both
