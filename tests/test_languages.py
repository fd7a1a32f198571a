"""Articles in every language: stored, clustered, quiet, and with word rarity held compactly."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from wordfreq import zipf_frequency

import newsprism
from newsprism.cluster import features
from newsprism.cluster.features import UNKNOWN_ZIPF, WordList, text_features

from .conftest import SHARED, needs_shared

MULTILINGUAL = SHARED / "data" / "multilingual-stories" / "articles.jsonl"
ENGLISH = ("The city council approved a new budget for road repairs on Tuesday after a long debate "
           "about potholes, bridges and the cost of winter salt.")


def multilingual() -> list[dict]:
    with needs_shared(MULTILINGUAL).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def one_per_language(languages) -> list[dict]:
    found = {}
    for record in multilingual():
        found.setdefault(record["language"], record)
    return [found[code] for code in languages]


def record_line(record: dict) -> str:
    keep = ("url", "outlet", "language", "title", "published", "text")
    return json.dumps({k: record[k] for k in keep if record.get(k)}, ensure_ascii=False)


# --- word rarity: wordfreq's values from a compact table ---------------------------------------------

WORDS = {
    "en": ["bridge", "the", "earthquake", "re-election", "o'brien", "kessel", "zzyzx", "naïve"],
    "de": ["brücke", "erdbeben", "straße", "und"],
    "ru": ["землетрясение", "мост", "и"],
    "uz": ["зилзила", "кўприк"],  # no Uzbek list: wordfreq takes the nearest (Russian)
    "ja": ["地震", "東京", "発生した", "とうきょう"],
    "zh": ["地震", "北京", "發生", "of", "核"],  # "of" and "景" share Python's str hash: the table must not
    "ko": ["지진이", "서울에서"],
    "tr": ["istanbul", "İstanbul", "deprem"],
    "th": ["กรุงเทพ"],
    "xx": ["bridge", "unknownword"],  # a code wordfreq has no list for: English, as before
}


@pytest.mark.parametrize("language", sorted(WORDS))
def test_word_rarity_is_wordfreqs_zipf_frequency(language):
    for word in WORDS[language]:
        try:
            expected = zipf_frequency(word, language)
        except LookupError:
            expected = zipf_frequency(word, "en")
        assert features._zipf(word, language) == (expected if expected > 0 else UNKNOWN_ZIPF), word


def test_word_list_is_compact():
    english = features._word_list("en")
    assert isinstance(english, WordList)
    size = english.keys.nbytes + english.centibels.nbytes
    assert len(english.keys) > 300_000 and size < 10 * len(english.keys) + 1
    assert size < 4_000_000  # wordfreq's dict of the same list: about 36 MB


def test_cjk_text_is_cut_into_words():
    text = "東京で大きな地震が発生し、建物が揺れた。政府は被害を調べている。"
    terms = text_features("東京で大きな地震", text, "ja").terms
    assert "地震" in terms and "東京" in terms
    chinese = text_features("北京发生地震", "北京发生强烈地震，政府正在调查损失。", "zh").terms
    assert "地震" in chinese and "北京" in chinese


def test_a_failing_tokenizer_leaves_the_runs_whole(monkeypatch, caplog):
    """A tokenizer that cannot load (MeCab missing, say): the article keeps its regex words.
    Simulated with monkeypatch: the installed tokenizers work, and uninstalling one is not a test's job."""

    def broken(text, language):
        raise ModuleNotFoundError("No module named 'MeCab'")

    monkeypatch.setattr(features, "tokenize", broken)
    features._tokenizer_failed.cache_clear()  # said once per language: forget earlier tests' notices
    with caplog.at_level("WARNING", logger="newsprism.cluster.features"):
        terms = text_features("", "東京で地震 and Tokyo", "ja").terms
    assert "東京で地震" in terms and "tokyo" in terms
    assert "no word-list tokenizer for 'ja' (ModuleNotFoundError" in caplog.text


# --- whole articles through ingest ---------------------------------------------------------------------


def test_japanese_chinese_korean_and_english_declared_japanese_are_stored_and_clustered(tmp_path):
    records = [r for r in multilingual() if r["language"] in ("ja", "zh", "ko")]
    lines = [record_line(r) for r in records]
    lines.append(json.dumps({"title": "Council approves road budget", "text": ENGLISH, "language": "ja"}))
    source = tmp_path / "cjk.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with newsprism.open_store(str(tmp_path / "x.db")) as store:
        report = newsprism.ingest(store, [source])
        assert report.rejected == [] and report.new == len(lines) == 15
        stored = store.articles()
        assert all(a.story_id for a in stored)
        assert sorted({a.language for a in stored}) == ["ja", "ko", "zh"]
        # The Japanese reports of one event share words, so they are not 8 stories of one article each.
        japanese = [a for a in stored if a.language == "ja" and a.title != "Council approves road budget"]
        assert len({a.story_id for a in japanese}) < len(japanese)


def test_twelve_languages_in_a_folder_all_stored(tmp_path):
    languages = ["ru", "de", "fr", "en", "es", "ar", "ja", "it", "zh", "uk", "pl", "ko"]
    folder = tmp_path / "pages"
    folder.mkdir()
    for code, record in zip(languages, one_per_language(languages), strict=True):
        (folder / f"{code}.json").write_text(record_line(record), encoding="utf-8")
    with newsprism.open_store(str(tmp_path / "x.db")) as store:
        report = newsprism.ingest(store, [folder])
        assert report.rejected == [] and report.new == 12
        assert sorted(a.language for a in store.articles()) == sorted(languages)


def test_english_japanese_english_jsonl_all_stored(tmp_path):
    english = [r for r in multilingual() if r["language"] == "en"][:7]
    japanese = one_per_language(["ja"])
    lines = [record_line(r) for r in english[:5] + japanese + english[5:7]]
    source = tmp_path / "mixed.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with newsprism.open_store(str(tmp_path / "x.db")) as store:
        report = newsprism.ingest(store, [source])
        assert (report.new, report.rejected) == (8, [])
        assert [a.language for a in store.articles()] == ["en"] * 5 + ["ja"] + ["en"] * 2


QUIET_SAMPLES = {
    "th": "กรุงเทพมหานคร รัฐบาลไทยประกาศมาตรการใหม่เพื่อช่วยเหลือผู้ประสบภัยน้ำท่วมในภาคเหนือของประเทศ",
    "tl": "Inanunsyo ng pamahalaan ang bagong tulong para sa mga nasalanta ng bagyo sa hilagang Luzon ngayong linggo.",
    "sr": "Влада Србије је данас објавила нове мере помоћи за пострадале у поплавама на северу земље.",
    "ka": "საქართველოს მთავრობამ დღეს გამოაცხადა ახალი დახმარება წყალდიდობით დაზარალებულთათვის.",
    "zh": "北京发生强烈地震，政府正在调查损失，救援人员已经赶到现场。",
}


def test_no_library_noise_unless_asked(tmp_path):
    """wordfreq's "nearest match"/"no tokenizer" warnings and jieba's loading lines stay off the
    terminal; -vv shows them. A real process: these libraries print through their own handlers."""
    source = tmp_path / "quiet.jsonl"
    source.write_text("\n".join(json.dumps({"text": text, "language": code}, ensure_ascii=False)
                                for code, text in QUIET_SAMPLES.items()) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSPRISM_DB", "NEWSPRISM_DEBUG")}

    def run(*options):
        db = tmp_path / f"x{len(options)}.db"
        return subprocess.run([sys.executable, "-m", "newsprism.cli", *options, "ingest", "--db", str(db), str(source)],
                              capture_output=True, text=True, env=env, timeout=300)

    quiet = run()
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr.splitlines() == [
        f"newsprism: 5 new, 0 duplicate, 0 rejected (0 near-copies linked, 5 new stories) -> {tmp_path / 'x0.db'}"]
    loud = run("-vv")
    assert "Prefix dict has been built" in loud.stderr and "the nearest, 'sh'" in loud.stderr


def test_memory_per_language_stays_small():
    """Word lists of six languages: well under what one wordfreq dict took (about 36 MB)."""
    total = sum(features._word_list(code).keys.nbytes + features._word_list(code).centibels.nbytes
                for code in ("en", "de", "fr", "ru", "ja", "zh"))
    assert total < 40_000_000
