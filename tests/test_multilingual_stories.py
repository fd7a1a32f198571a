"""Every language in one story: name keys across scripts, and real reports joining their event's story."""

from __future__ import annotations

import json

import pytest

from newsprism.cluster.features import _number_term, dates_agree, text_features
from newsprism.cluster.namekeys import name_keys, skeleton_key
from newsprism.dates import dates_named
from newsprism.ingest import ingest
from newsprism.store import Store

from .conftest import SHARED, needs_shared

ARTICLES = SHARED / "data" / "multilingual-stories" / "articles.jsonl"


# -- name keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize("spellings", [
    ("Lavrov", "Лавров", "Лаврова", "لافروف"),
    ("Macron", "Макрон", "Макрона", "ماكرون", "وماكرون", "マクロン", "马克龙"),
    ("Trump", "Трамп", "Трампом", "ترامب", "Τραμπ", "トランプ", "트럼프", "特朗普"),
    ("Prigozhin", "Prigojine", "Пригожин", "Пригожина"),
    ("Putin", "Путин", "بوتين"),
    ("Beirut", "Beyrouth", "Бейрут", "بيروت"),
    ("Shinzo", "Синдзо"),
])
def test_one_name_has_one_key_in_every_script(spellings):
    keys = [set(name_keys(name)) for name in spellings]
    shared = set.intersection(*keys)
    assert shared, {name: name_keys(name) for name in spellings}
    assert all(key.startswith("~") for key in shared)


def test_different_names_have_different_keys():
    names = ("Lavrov", "Putin", "Macron", "Trump", "Prigozhin", "Beirut", "Marrakech", "Benedict", "Francis")
    keys = [skeleton_key(name) for name in names]
    assert len(set(keys)) == len(names), dict(zip(names, keys, strict=True))


def test_short_names_get_no_key():
    # Two consonant sounds or fewer (Kim, Abe, Nice) would match half the dictionary.
    assert name_keys("Kim") == name_keys("Abe") == name_keys("Nice") == name_keys("Ким") == ()


def test_arabic_article_and_proclitic_give_the_bare_word_key_too():
    assert "~mrks" in name_keys("مراكش")  # Marrakech
    assert "~mrks" in name_keys("بمراكش")  # "in Marrakech"
    assert "~mrks" in name_keys("والمراكش")  # "and the ..."


def test_japanese_keys_come_from_katakana_only():
    assert name_keys("トランプ", "ja") == ("~trmb",)
    assert name_keys("首相", "ja") == ()  # kanji would be read with their Chinese readings


def test_numbers_are_one_term_in_every_notation():
    assert _number_term("6,7") == _number_term("6.7") == "#6.7"
    assert _number_term("3,000") == _number_term("3.000") == _number_term("3000") == "#3000"
    assert _number_term("4:17") == "#4:17"


def test_keys_hold_names_and_numbers_and_stay_out_of_the_words():
    english = text_features("Lavrov meets Kerry", "Sergei Lavrov met John Kerry in Geneva on Friday for 7.5 hours.")
    russian = text_features("Лавров встретился с Керри",
                            "Сергей Лавров встретился с Джоном Керри в Женеве в пятницу на 7,5 часа.", "ru")
    assert english.language == "en" and russian.language == "ru"
    shared = english.keys.keys() & russian.keys.keys()
    assert {"~rfrf", "#7.5"} <= shared, shared  # Lavrov; 7.5 and 7,5
    # The words an article is compared with in its own language carry no keys: English clustering is unchanged.
    assert not any(term.startswith("~") for term in english.terms)


# -- dates named in the text ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "language"), [
    ("The quake struck on 6 February 2023.", "en"), ("The quake struck on February 6, 2023.", "en"),
    ("Das Beben am 6. Februar 2023", "de"), ("Землетрясение 6 февраля 2023 года", "ru"),
    ("Землетрус 6 лютого 2023 року", "uk"), ("el terremoto del 6 de febrero de 2023", "es"),
    ("زلزال ٦ فبراير ٢٠٢٣", "ar"), ("σεισμός της 6ης Φεβρουαρίου 2023", "el"), ("2023年2月6日の地震", "ja"),
    ("2023年2月6日发生地震", "zh"), ("2023년 2월 6일 지진", "ko"), ("am 06.02.2023", "de"), ("2023-02-06", "en"),
    ("o sismo de 6 de fevereiro de 2023", "pt-BR"), ("زلزال 6 شباط 2023", "ar"),
])
def test_a_date_is_read_in_every_language_and_script(text, language):
    assert (2023, 2, 6) in dates_named(text, language)


def test_arabic_month_names_of_every_region_are_read():
    # Egypt, Morocco and Lebanon write September three ways.
    assert dates_named("9 سبتمبر / 9 شتنبر / 9 أيلول 2023", "ar") == {(None, 9, 9), (2023, 9, 9), (2023, 9, None)}


def test_dates_without_a_day_or_a_year_and_numbers_that_are_not_dates():
    assert dates_named("date 2017-05 Emmanuel Macron", "fr") == {(2017, 5, None)}
    assert dates_named("élu en mai 2017", "fr") == {(2017, 5, None)}
    assert dates_named("le 1er mai", "fr") == {(None, 5, 1)}
    assert dates_named("2月6日", "ja") == {(None, 2, 6)}
    assert dates_named("2か月後、150人、6.7", "ja") == set()
    assert dates_named("в 2023 году погибли 150 человек, магнитуда 7,8", "ru") == set()
    assert dates_named("Version 6.7 and 3.000 users", "xx") == set()  # a language babel does not know: English names


def test_dates_agree_within_a_week_or_a_month_and_disagree_beyond():
    # Keys come with a name: an article without one has none (its numbers and dates alone match too much).
    feb6 = text_features("", "The quake of 6 February 2023 killed thousands, Erdogan said.").keys
    assert {"@02-06", "@2023-02"} <= feb6.keys()
    feb8 = text_features("", "Два дня спустя, 8 февраля, Эрдоган посетил район бедствия.", "ru").keys
    sep8 = text_features("", "Le séisme du 8 septembre 2023 au Maroc a fait 2 900 morts, selon Rabat.", "fr").keys
    undated = text_features("", "Rescuers kept searching for survivors in the rubble, Erdogan said.").keys
    assert dates_agree(feb6, feb8) is True
    assert dates_agree(feb6, sep8) is False
    assert dates_agree(feb6, undated) is None


# -- real reports ---------------------------------------------------------------------------------


def _records() -> dict[str, dict]:
    with needs_shared(ARTICLES).open(encoding="utf-8") as handle:
        return {record["id"]: record for record in map(json.loads, filter(str.strip, handle))}


def _stories(tmp_path, batches: list[list[str]]) -> dict[str, str]:
    """Ingest the given reports of the multilingual set, one ingest per batch; the story of each."""
    records, found = _records(), {}
    with Store(tmp_path / "stories.db") as store:
        for number, ids in enumerate(batches):
            source = tmp_path / f"batch{number}.jsonl"
            keep = ("url", "outlet", "language", "title", "published", "text")
            source.write_text("".join(json.dumps({k: records[i][k] for k in keep if records[i].get(k)},
                                                 ensure_ascii=False) + "\n" for i in ids), encoding="utf-8")
            report = ingest(store, [str(source)])
            assert not report.rejected
            found.update({i: store.story_of(a) for i, a in zip(ids, report.article_ids, strict=True)})
    return found


def test_arabic_and_russian_reports_join_their_english_story_not_the_other_runoff(tmp_path):
    # Macron beats Le Pen twice: 7 May 2017 (m05) and 24 April 2022 (m06), the same two names both times.
    # Before name keys the Arabic report started its own story and the two Russian reports (2017, 2022)
    # made one story together.
    story = _stories(tmp_path, [["m05-a03", "m06-a03", "m06-a06", "m05-a07", "m06-a07"]])
    assert story["m06-a06"] == story["m06-a03"]  # Arabic (panet.com) with English (stluciachronicle.com)
    assert story["m06-a07"] == story["m06-a03"]  # Russian (mstrok.ru)
    assert story["m05-a07"] == story["m05-a03"]  # Russian (zn.ua) with English (georgianjournal.ge), 2017
    assert story["m05-a03"] != story["m06-a03"]
    records = _records()
    arabic = text_features(records["m06-a06"]["title"], records["m06-a06"]["text"], "ar")
    english = text_features(records["m06-a03"]["title"], records["m06-a03"]["text"], "en")
    assert "~mkrn" in arabic.keys.keys() & english.keys.keys()  # ماكرون = Macron


def test_russian_reports_join_their_boeing_crash_not_the_other(tmp_path):
    # Two Boeing 737 MAX crashes five months apart: Lion Air JT610 (m03) and Ethiopian ET302 (m04).
    story = _stories(tmp_path, [["m03-a02", "m04-a01", "m04-a05", "m03-a07", "m04-a06"]])
    assert story["m04-a05"] == story["m04-a06"] == story["m04-a01"]
    assert story["m03-a07"] == story["m03-a02"]
    assert story["m03-a02"] != story["m04-a01"]


def test_a_later_ingest_in_another_script_finds_the_stored_story(tmp_path):
    # The story's name keys and languages are saved with it and restored by the next ingest.
    story = _stories(tmp_path, [["m11-a01", "m12-a01"], ["m11-a04", "m12-a03"]])
    assert story["m11-a04"] == story["m11-a01"]  # Benedict XVI: Russian (2022-12-31) with English
    assert story["m12-a03"] == story["m12-a01"]  # Francis: Russian (2025-04-21) with English
    assert story["m11-a01"] != story["m12-a01"]


# -- the benchmark script -------------------------------------------------------------------------


def test_multilingual_benchmark_runs_and_prints_its_figures(monkeypatch, capsys):
    from .test_benchmarks import NUMBER, rows, run

    lines = run("multilingual", monkeypatch, capsys)
    [stories] = rows(lines, r"60 excerpts, 8 events -> ([\d.]+) stories")
    assert 8 <= float(stories.group(1)) < 60
    [f1] = rows(lines, rf"B-cubed\s+P {NUMBER}\s+R {NUMBER}\s+F1 ({NUMBER})")
    assert 0.5 < float(f1.group(1)) <= 1.0
    [cross] = rows(lines, rf"cross-language recall ({NUMBER}) \((\d+) pairs\); cross-script recall ({NUMBER}) .*")
    assert float(cross.group(1)) > 0.3 and int(cross.group(2)) == 196
    rows(lines, rf"hard-negative errors: {NUMBER} pairs in {NUMBER} stories")
    assert {m.group(1) for m in rows(lines, rf"(latin|cyrillic|arabic|cjk|hangul)\s+\d+(?:\s+{NUMBER}){{3}}")} == \
        {"latin", "cyrillic", "arabic", "cjk", "hangul"}
