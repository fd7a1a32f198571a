"""A process killed in the middle of an ingest leaves the database consistent, and
running the same command again completes the work.

The ingest is the real command line, a real process (the kill is the point), on a
generated JSON Lines file of distinct articles. It is SIGKILLed once some articles are
committed, at an instant when it holds the store's write lock (in the middle of a batch's
transaction), and the test checks that it was killed by the signal before it finished.
It does not depend on timing: it waits for progress, not for a number of seconds, so a
slow or loaded machine makes it slower, never skipped.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from newsprism.config import Settings
from newsprism.identify import NearCopyIndex

from .conftest import invoke_cli, process_env
from .test_story_listing import assert_exact

RECORDS = 6 * Settings().batch_size  # six transactions: the kill lands in the second or third
POLL_SECONDS = 0.005
PROGRESS_TIMEOUT = 300  # seconds without the progress waited for: something is broken, not slow

_SUBJECTS = (
    "the mayor", "the city council", "a government spokesman", "the finance minister", "local residents",
    "the police", "railway engineers", "the energy company", "market analysts", "the teachers' union",
    "dairy farmers", "the supreme court", "hospital doctors", "the planning committee", "shop owners",
    "the fire brigade", "environmental groups", "the port authority", "university researchers", "bus drivers",
)
_VERBS = (
    "said", "announced", "warned", "confirmed", "denied", "reported", "argued", "suggested", "promised",
    "estimated", "insisted", "admitted", "claimed", "explained", "predicted",
)
_OBJECTS = (
    "the new bridge", "a rise in property taxes", "next year's budget", "the spring floods", "the regional election",
    "rising food prices", "the planned strike", "a warehouse fire", "the harbour expansion", "the school reforms",
    "the tram extension", "the children's hospital", "summer water supplies", "the football stadium",
    "the winter power cuts", "a new cycle path", "the airport runway", "the recycling scheme", "the night buses",
)
_TIMES = (
    "on Monday", "on Tuesday", "on Wednesday", "late on Thursday", "on Friday morning", "over the weekend",
    "last week", "earlier this month", "in a written statement", "at a crowded news conference",
    "after a long meeting", "without giving further details", "in a radio interview",
)
_ADJECTIVES = (
    "major", "small", "costly", "urgent", "delayed", "controversial", "popular", "modest", "sudden",
    "long-awaited", "independent", "detailed", "public", "formal", "second",
)
_PLACES = (
    "Lisbon", "Oslo", "Krakow", "Dublin", "Valencia", "Turin", "Ghent", "Leeds", "Bremen", "Lyon", "Porto",
    "Aarhus", "Graz", "Bilbao", "Utrecht", "Tampere", "Brno", "Cork", "Malmo", "Nantes",
)
_LINKS = ("while", "because", "although", "after", "before", "even though", "just as", "since")
_UNITS = ("people", "homes", "jobs", "families", "tonnes", "euros", "vehicles", "students", "hectares")


def _sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(_SUBJECTS).capitalize()} in {rng.choice(_PLACES)} {rng.choice(_VERBS)} {rng.choice(_TIMES)} "
        f"that {rng.choice(_OBJECTS)} would face a {rng.choice(_ADJECTIVES)} review, {rng.choice(_LINKS)} "
        f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} that {rng.randint(2, 9999):,} {rng.choice(_UNITS)} "
        f"had been affected."
    )


def write_corpus(path: Path, records: int, seed: int = 20240611) -> None:
    """`records` distinct articles of three to five paragraphs of generated English."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for n in range(records):
            paragraphs = [" ".join(_sentence(rng) for _ in range(rng.randint(3, 5))) for _ in range(rng.randint(3, 5))]
            out.write(json.dumps({
                "title": f"{rng.choice(_ADJECTIVES).capitalize()} review of {rng.choice(_OBJECTS)} "
                         f"in {rng.choice(_PLACES)}, report {n}",
                "url": f"https://news.example.org/{n:06d}",
                "outlet": rng.choice(("Example News", "The Daily Sample", "Test Gazette")),
                "published": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "text": "\n\n".join(paragraphs),
            }) + "\n")


def ingest_command(corpus: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "newsprism.cli", "ingest", str(corpus), "--db", str(db), "--quiet"]


def committed(db: Path, reader: sqlite3.Connection | None) -> tuple[int | None, sqlite3.Connection | None]:
    """Articles committed so far, through a read-only connection (None while the store is being created)."""
    try:
        if reader is None:
            if not db.exists():
                return None, None
            reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        return reader.execute("SELECT count(*) FROM articles").fetchone()[0], reader
    except sqlite3.OperationalError:
        return None, reader


def writing(probe: sqlite3.Connection) -> bool:
    """Whether another connection holds the write lock now (is inside a write transaction)."""
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise
    probe.execute("ROLLBACK")
    return False


def wait_for(condition, process: subprocess.Popen, what: str) -> None:
    """Poll `condition` until it holds while the process runs; fail plainly if it never does."""
    deadline = time.monotonic() + PROGRESS_TIMEOUT
    while not condition():
        assert process.poll() is None, f"the ingest ended (status {process.returncode}) before {what}"
        assert time.monotonic() < deadline, f"no progress in {PROGRESS_TIMEOUT} s while waiting until {what}"
        time.sleep(POLL_SECONDS)


def kill_mid_write(corpus: Path, db: Path, target: int) -> tuple[int, int, int]:
    """Run the ingest; once `target` articles are committed, SIGKILL it while it holds the write lock.

    Returns (exit status, articles committed when `target` was reached, articles committed after the kill).
    """
    # a real process: only a process can be killed in the middle of its write
    process = subprocess.Popen(ingest_command(corpus, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=process_env())
    reader = probe = None
    seen = 0
    try:
        def enough() -> bool:
            nonlocal reader, seen
            count, reader = committed(db, reader)
            seen = count or 0
            return seen >= target

        wait_for(enough, process, f"{target} articles were committed")
        probe = sqlite3.connect(db, timeout=0, isolation_level=None)
        wait_for(lambda: writing(probe), process, "it was seen writing")
        process.send_signal(signal.SIGKILL)
        status = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for connection in (reader, probe):
            if connection is not None:
                connection.close()
    check = sqlite3.connect(db)
    try:
        count = check.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        check.close()
    return status, seen, count


def assert_consistent(db: Path) -> int:
    """The store is sound: SQLite, the full-text index and the near-copy index agree. Returns the article count."""
    bands = NearCopyIndex(
        Settings().near_duplicate_threshold, Settings().minhash_permutations, Settings().shingle_words
    ).bands
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        # FTS5 checks its index against the articles table; raises on any mismatch.
        connection.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
        articles = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert connection.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0] == articles
        # Exactly one signature per article, none for a missing article.
        assert connection.execute("SELECT count(*) FROM near_copy_signatures").fetchone()[0] == articles
        assert connection.execute(
            "SELECT count(*) FROM articles a LEFT JOIN near_copy_signatures s ON s.article_id = a.id "
            "WHERE s.article_id IS NULL"
        ).fetchone()[0] == 0
        # The same number of LSH bands for every article, and no band of a missing article.
        per_article = connection.execute(
            "SELECT a.id, count(b.article_id) FROM articles a LEFT JOIN near_copy_bands b ON b.article_id = a.id "
            "GROUP BY a.id"
        ).fetchall()
        assert len(per_article) == articles
        assert {count for _, count in per_article} <= {bands}, "an article with a partial set of near-copy bands"
        assert connection.execute("SELECT count(*) FROM near_copy_bands").fetchone()[0] == articles * bands
        # Every article has a story that exists, in assignment order, and no story is empty.
        assert connection.execute(
            "SELECT count(*) FROM articles WHERE cluster_seq IS NULL OR story_id NOT IN (SELECT id FROM stories)"
        ).fetchone()[0] == 0
        assert connection.execute(
            "SELECT count(*) FROM stories WHERE id NOT IN (SELECT story_id FROM articles)").fetchone()[0] == 0
        assert connection.execute("SELECT count(DISTINCT cluster_seq) FROM articles").fetchone()[0] == articles
        # Each story's listing row is what its articles give (written in the same transactions).
        assert_exact(db)
        return articles
    finally:
        connection.close()


def test_kill_mid_ingest_then_run_again(tmp_path):
    records = RECORDS
    corpus = tmp_path / "big.jsonl"
    write_corpus(corpus, records)
    db = tmp_path / "x.db"
    batch = Settings().batch_size
    target = random.Random(7).randint(batch, 2 * batch)
    status, seen, count = kill_mid_write(corpus, db, target)

    # Killed by the signal mid-ingest: some, not all, articles are stored, in whole transactions.
    assert status == -signal.SIGKILL, f"exit status {status}: the process was not killed by the signal"
    assert target <= seen <= count < records, (target, seen, count, records)
    assert count % batch == 0, f"{count} articles committed: a partial batch survived the kill"
    assert assert_consistent(db) == count
    with sqlite3.connect(db) as connection:
        sources = [row[0] for row in connection.execute("SELECT source_path FROM articles ORDER BY seq")]
    assert sources == [f"{corpus}:{n}" for n in range(1, count + 1)], "committed articles are not the start of the file"

    # The same command again finishes the work (in-process: nothing is killed now).
    again = invoke_cli("ingest", corpus, "--db", db, "--quiet", "--json")
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr and "rejected" not in again.stderr, again.stderr
    summary = json.loads(again.stdout)
    assert (summary["new"], summary["duplicate"], summary["linked"]) == (records - count, count, 0)
    assert summary["rejected"] == []
    assert len(set(summary["article_ids"])) == records

    assert assert_consistent(db) == records
    with sqlite3.connect(db) as connection:
        sources = [row[0] for row in connection.execute("SELECT source_path FROM articles ORDER BY seq")]
        urls = {row[0] for row in connection.execute("SELECT url FROM articles")}
    assert sources == [f"{corpus}:{n}" for n in range(1, records + 1)]
    assert urls == {f"https://news.example.org/{n:06d}" for n in range(records)}

    # And once more: nothing left to do.
    third = invoke_cli("ingest", corpus, "--db", db, "--quiet", "--json")
    assert third.returncode == 0, third.stderr
    assert (json.loads(third.stdout)["new"], json.loads(third.stdout)["duplicate"]) == (0, records)
