"""Every benchmark script still runs: each in its --quick mode (a tiny slice of the real data, in this process,
so the models the suite already loaded are reused), checked for the figures it prints.

These are not timed tests: the figures go to BENCHMARKS.md from full runs. They catch a script that rots
(an import of a removed function, a changed API) before `make bench` does.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys

import pytest

from .conftest import ROOT, SHARED, needs_shared

BENCHMARKS = ROOT / "benchmarks"
NUMBER = r"-?[\d,]+(?:\.\d+)?"


def load(name: str, monkeypatch):
    """benchmarks/NAME.py as a module; the sys.path entries it adds are removed after the test."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(name: str, monkeypatch, capsys, *args: str) -> list[str]:
    """Run the script's main(["--quick", *args]) on its slice of ../shared/data; its standard output as lines."""
    needs_shared(SHARED / "data")
    status = load(name, monkeypatch).main(["--quick", *args])
    out = capsys.readouterr().out
    assert status == 0, out
    return out.splitlines()


def rows(lines: list[str], pattern: str) -> list[re.Match]:
    found = [m for m in (re.fullmatch(pattern, line.rstrip()) for line in lines) if m]
    assert found, f"no line matches {pattern!r} in:\n" + "\n".join(lines)
    return found


def test_ingest(monkeypatch, capsys):
    lines = run("ingest", monkeypatch, capsys)
    for corpus in ("ecbplus", "headlines"):
        for step in ("baseline", "pipeline"):
            [row] = rows(lines, rf"{corpus}\s+{step}\s+(\d+)\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}")
            assert int(row.group(1)) == 200
        rows(lines, rf"{corpus}\s+pipeline costs {NUMBER}x the baseline")


def test_cluster(monkeypatch, capsys):
    lines = run("cluster", monkeypatch, capsys)
    assert "ECB+ (full articles): 120 documents" in "\n".join(lines)
    scores = rf"((?:\s+{NUMBER}){{8}})\s+{NUMBER}.*"  # six scores, clusters, peak MB, then B3 F1 per seed
    for method in ("newsprism", "TF-IDF single pass", "agglomerative \\(batch\\)", "HDBSCAN \\(batch\\)"):
        [row] = rows(lines, rf"{method}\s+\S+{scores}")
        values = [float(v) for v in row.group(1).split()]
        assert all(0 <= v <= 1 for v in values[:6]) and values[6] >= 1, row.group(0)  # scores, then clusters
    rows(lines, rf"\s+speed: TfidfVectorizer.fit_transform {NUMBER} docs/s .*; newsprism clustering {NUMBER} docs/s .*")


def test_threads(monkeypatch, capsys):
    lines = run("threads", monkeypatch, capsys)
    scores = rf"((?:\s+{NUMBER}){{6}})\s+(\d+)\s+(\d+)\s+(\d+)\s+{NUMBER}\s+{NUMBER}"
    [before] = rows(lines, rf"no links{scores}")
    [after] = rows(lines, rf"threshold 0.15 \(default\){scores}")
    for row in (before, after):
        assert all(0 <= float(v) <= 1 for v in row.group(1).split()), row.group(0)
    assert before.group(2) == before.group(3) == after.group(2)  # no links: each story its own thread
    assert int(after.group(3)) < int(before.group(3))  # linked: fewer threads, from the same stories


def test_cluster_memory(monkeypatch, capsys):
    lines = run("cluster_memory", monkeypatch, capsys)
    rows(lines, rf"baseline \(imports and 600 headlines in memory\): {NUMBER} MB")
    found = rows(lines, rf"\s*(\d+)\s+({NUMBER})\s+({NUMBER})\s+({NUMBER})\s+{NUMBER}\s+{NUMBER}")
    assert [int(m.group(1)) for m in found] == [3, 6]  # every third day, and the last
    articles, stored, active = (int(found[-1].group(n).replace(",", "")) for n in (2, 3, 4))
    assert 0 < active <= stored <= articles <= 600


def test_dossier(monkeypatch, capsys):
    lines = run("dossier", monkeypatch, capsys)
    steps = ("baseline: nlp\\(text\\)", "nlp \\+ sentence vectors", "newsprism analyze", "spacy nlp.pipe\\(texts\\)")
    for step in steps:
        rows(lines, rf"{step}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+\d+\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}")
    [row] = rows(lines, rf"\s+2\s+2\s+(\d+)\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+1_\S+ 2/\d+")
    assert int(row.group(1)) > 0  # sentences of the two articles
    rows(lines, r"\s+2-article dossier holds \d+ entities, \d+ quotes, \d+ numbers, \d+ timeline events, .*")


def test_dossier_gold(monkeypatch, capsys):
    lines = run("dossier_gold", monkeypatch, capsys)
    rows(lines, r"dossier-gold: 1 stories \(.*\)")
    figures = rows(lines, rf"[\w ()-]+?\s+({NUMBER})  \((\d+) of (\d+)\)")
    assert len(figures) == 14
    assert all(0 <= float(m.group(1)) <= 1 and int(m.group(2)) <= int(m.group(3)) for m in figures)
    [story] = rows(lines, rf"ga01\s+5\s+({NUMBER})\s+({NUMBER})\s+({NUMBER})\s+({NUMBER})\s+({NUMBER})")
    steps = [float(story.group(n)) for n in range(1, 5)]
    assert abs(sum(steps) - float(story.group(5))) < 0.05 and steps[2] > 0  # the analysis takes time


def test_dossier_times(monkeypatch, capsys):
    lines = run("dossier_times", monkeypatch, capsys)
    total = rows(lines, rf"gold times ({NUMBER}): right ({NUMBER}), wrong ({NUMBER}), .*; accuracy ({NUMBER}) of .*")
    assert len(total) == 1 and int(total[0][1]) > 0 and 0.0 <= float(total[0][4]) <= 1.0


def test_quotes(monkeypatch, capsys):
    lines = run("quotes", monkeypatch, capsys)
    rows(lines, r"PolNeAR dev: 4 articles; .*")
    scores = rf"((?:\s*{NUMBER}\s*\|){{6}})\s*(\d+)\s*\|\s*(\d+)\s*\|\s*{NUMBER}\s*\|"
    [row] = rows(lines, rf"\| newsprism \|{scores}")
    assert all(0 <= float(v) <= 1 for v in row.group(1).split("|") if v.strip())
    assert int(row.group(2)) > 0 and int(row.group(3)) > 0  # found, gold
    for baseline in ("textacy", "textacy per paragraph"):
        # textacy comes with the bench extra: its rows have figures, or say why they are skipped
        rows(lines, rf"\| {baseline} \|(?:{scores}| skipped: textacy is not installed .*)")


def test_quotes_without_textacy(monkeypatch, capsys):
    """`make test` installs the test extra only: without textacy (the bench extra) its rows say so."""
    monkeypatch.setitem(sys.modules, "textacy", None)  # `import textacy` raises ImportError
    lines = run("quotes", monkeypatch, capsys)
    rows(lines, r"PolNeAR dev: 4 articles; .*, textacy \(not installed\)")
    for baseline in ("textacy", "textacy per paragraph"):
        rows(lines, rf"\| {baseline} \| skipped: textacy is not installed \(it comes with the bench extra: .*\) \|")
    rows(lines, r"\| newsprism \|.*")


def test_facts(monkeypatch, capsys):
    lines = run("facts", monkeypatch, capsys)
    rows(lines, r"ECB\+ annotated sentences \(quick: topics 3\): \d+, cross-document pairs within a topic: \d+ .*")
    for name in ("tfidf words \\(baseline\\)", "weighted terms", "meaning \\(MiniLM\\)", "terms \\+ meaning"):
        [row] = rows(lines, rf"\s+{name}\s+({NUMBER})\s+({NUMBER})")
        assert 0 <= float(row.group(1)) <= 1 and 0 <= float(row.group(2)) <= 1
    [row] = rows(lines, rf"\s+newsprism \(terms and related meaning, or same meaning\)((?:\s+{NUMBER}){{3}})")
    rows(lines, rf"sentence vectors: {NUMBER}/s")


def test_googlenews_to_jsonl(monkeypatch, capsys, tmp_path):
    """The converter the README's `eval clustering` example uses, on a hand-made file with one bad line."""
    source = tmp_path / "News.jsonl"
    source.write_text('{"Id": 1, "clusterNo": 7, "textCleaned": "bridge collapses"}\n'
                      '{"Id": 2, "textCleaned": "no cluster"}\n'
                      '{"Id": 3, "clusterNo": "8", "textCleaned": "cup final"}\n', encoding="utf-8")
    target = tmp_path / "out.jsonl"
    status = load("googlenews_to_jsonl", monkeypatch).main([str(source), str(target)])
    assert status == 1  # a line was skipped
    assert capsys.readouterr().err.splitlines() == [f"{source}:2: skipped: missing field 'clusterNo'",
                                                    f"2 records written to {target}, 1 lines skipped"]
    assert [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()] == [
        {"id": "1", "text": "bridge collapses", "story": "7"}, {"id": "3", "text": "cup final", "story": "8"}]


def test_serve(monkeypatch, capsys):
    lines = run("serve", monkeypatch, capsys)
    [store] = rows(lines, rf"serve: store \S+: ({NUMBER}) articles, ({NUMBER}) stories, .*measured story: 6 reports .*")
    assert int(store.group(1).replace(",", "")) == 1000 + 100 + 8
    pages = ("baseline \\(fixed 2 bytes\\)", "front page", "story \\(8 articles\\)", "article", "search /\\S*q=police")
    for page in pages:
        [row] = rows(lines, rf"{page}\s+({NUMBER})\s+(\d+)\s+({NUMBER})\s+({NUMBER})\s+({NUMBER})\s+(\d+)")
        first, requests, rps, p50, p95, size = (float(row.group(n)) for n in range(1, 7))
        assert first > 0 and requests == 20 and rps > 0 and 0 < p50 <= p95 and size > 0, row.group(0)


def test_watch_baseline(monkeypatch, capsys):
    """benchmarks/watch.py's sites and plain-GET baseline: 2 origins x 2 feeds x 5 pages, every one fetched."""
    lines = run("watch", monkeypatch, capsys, "--baseline-only")
    rows(lines, r"2 origins on 127\.0\.0\.1, 4 RSS feeds, 20 article pages; concurrency 16, host_delay 0\.01 s")
    [row] = rows(lines, rf"baseline: ({NUMBER}) pages/s with plain concurrent GETs \((\d+) requests, (\d+) ok, "
                        rf"(\d+) failed, .*max in flight (\d+), min gap per origin ({NUMBER}) s")
    assert float(row.group(1)) > 0 and int(row.group(2)) == int(row.group(3)) == 24 and row.group(4) == "0"
    assert 1 <= int(row.group(5)) <= 16


def test_watch(monkeypatch, capsys):
    """The watch run through newsprism.intake.watch.poll_once: every page stored, politeness held."""
    pytest.importorskip("newsprism.intake.watch", reason="issue 13's intake (the lead's poll_once) is not here")
    lines = run("watch", monkeypatch, capsys)
    [row] = rows(lines, rf"watch: ({NUMBER}) articles/s from first request to stored and clustered \((\d+) new .*")
    assert float(row.group(1)) > 0 and int(row.group(2)) == 20
    [row] = rows(lines, rf"watch: politeness seen by the sites: min gap per origin ({NUMBER}) s \(host_delay 0\.01 s\)"
                        rf", max in flight per origin (\d+), max in flight (\d+) \(concurrency 16\), .*")
    # seen on arrival at the site: a millisecond of scheduling jitter is not a breach
    assert float(row.group(1)) >= 0.009 and int(row.group(2)) == 1 and 1 <= int(row.group(3)) <= 2
    rows(lines, rf"watch costs {NUMBER}x the baseline's time")


def test_spark(monkeypatch, capsys):
    """benchmarks/spark.py --quick: ingest and run_articles on local[2] (in a child process: its own JVM) read
    the same 60 ECB+ documents and keep the same articles; each stage timed, its shuffle measured. About 25 s on
    a quiet machine, most of it Spark's start-up."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'newsprism[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java 17 or newer, and no `java` is on this machine")
    lines = run("spark", monkeypatch, capsys)
    rows(lines, r"machine: .*; input files: 2; quick: first 60 ECB\+ documents, local\[2\] only")
    [ingest] = rows(lines, rf"ecbplus\s+ingest\s+(\d+)\s+(\d+)\s+(\d+)\s+({NUMBER})\s+({NUMBER})\s+1\.00")
    [spark] = rows(lines, rf"ecbplus\s+local\[2\]\s+(\d+)\s+(\d+)\s+(\d+)((?:\s+{NUMBER}){{11}})")
    assert ingest.group(1) == spark.group(1) == "60" and ingest.group(2) == spark.group(2)  # read, articles
    assert ingest.group(3) == spark.group(3)  # near-copies linked
    start, read, identity, identity_mb, bands, bands_mb, near, near_mb, total, per_second, _ = (
        float(v) for v in spark.group(4).split())
    assert min(start, read, identity, bands, near, total, per_second) > 0
    assert 0 < identity_mb and 0 < bands_mb <= near_mb  # the shuffles Spark reports; the bands' is in near-copies'
    assert not any(line.startswith("near-copy pairs") for line in lines)  # the MinHashLSH comparison: not in --quick


def test_spark_stories(monkeypatch, capsys):
    """benchmarks/spark_stories.py --quick: story_tables on local[2] (in a child process) against ingest and gold
    on 120 ECB+ documents; the default rule agrees with ingest far more than undated=follow. About a minute."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'newsprism[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java 17 or newer, and no `java` is on this machine")
    lines = run("spark_stories", monkeypatch, capsys)
    found = {}
    for variant in ("default", "undated=follow"):
        [row] = rows(lines, rf"ecbplus \| local\[2\] \| {re.escape(variant)} \| 1 \| 120 \| ({NUMBER}) \(({NUMBER})\) "
                            rf"\| ({NUMBER}) \| ({NUMBER}) \|.*")
        found[variant] = [float(row.group(i)) for i in (1, 3, 4)]
    agreement, spark_gold, ingest_gold = found["default"]
    assert agreement >= 0.9 and spark_gold > 0.8 and ingest_gold > 0.8
    assert found["undated=follow"][0] < agreement
