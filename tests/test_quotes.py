"""Direct quotations: the PolNeAR reader and scorer, `newsprism eval quotes`, and the extractor's cases."""

from __future__ import annotations

import json
import shutil

import pytest

from newsprism.evaluate.quotes import (
    AnnotationError,
    Counts,
    GoldQuote,
    Predicted,
    names_agree,
    parse_ann,
    read_polnear,
)

from .conftest import SHARED, needs_shared

POLNEAR = SHARED / "data" / "polnear" / "data"
CLINTON = "breitbart_2016-10-04_bill-clinton-calls-obamacare-cra"
FLYNN = "politico_2016-09-08_flynn-says-trump-absolutely-righ"


@pytest.fixture(scope="module")
def polnear():
    return needs_shared(POLNEAR)


def _copy(polnear, folder, name, annotator):
    for sub in ("text", "attributions"):
        (folder / "dev" / sub).mkdir(parents=True, exist_ok=True)
    shutil.copy(polnear / "dev" / "text" / f"{name}.txt", folder / "dev" / "text")
    shutil.copy(polnear / "dev" / "attributions" / f"{name}_{annotator}.ann", folder / "dev" / "attributions")


# -- reader -------------------------------------------------------------------------------


def test_reader_finds_the_direct_quotations_of_a_real_article(polnear, tmp_path):
    _copy(polnear, tmp_path, CLINTON, "6b86")
    corpus = read_polnear(tmp_path, "dev")
    assert corpus.problems == [] and len(corpus.articles) == 1
    article = corpus.articles[0]
    # 13 attributions; 3 contents are enclosed in quotation marks, one of them in two fragments
    # around its cue; mixed quotations ("a “crazy system”", "on the other hand, “the current ...")
    # are not direct quotations.
    spans = [(q.start, q.end, q.source) for q in article.quotes]
    assert spans == [
        (389, 454, "Clinton"),
        (472, 747, "he"),
        (1673, 1875, "White House press secretary Josh Earnest"),
        (1977, 2076, "White House press secretary Josh Earnest"),
    ]
    assert article.text[389:454] == "It doesn’t make any sense. The insurance model doesn’t work here,"
    assert article.quotes[1].source_spans == ((749, 751),)


def test_one_annotation_per_article(polnear, tmp_path):
    _copy(polnear, tmp_path, FLYNN, "4b22")
    _copy(polnear, tmp_path, FLYNN, "d473")  # the weekly agreement articles have several annotators
    corpus = read_polnear(tmp_path, "dev")
    assert [a.annotation for a in corpus.articles] == [f"{FLYNN}_4b22.ann"]
    assert len(corpus.articles[0].quotes) == 4


def test_bad_files_are_reported_and_skipped(polnear, tmp_path):
    _copy(polnear, tmp_path, CLINTON, "6b86")
    _copy(polnear, tmp_path, FLYNN, "4b22")
    ann = tmp_path / "dev" / "attributions"
    (ann / f"{FLYNN}_4b22.ann").write_text("T1\tContent twelve 40\tnonsense\n", encoding="utf-8")
    (tmp_path / "dev" / "text" / "latin.txt").write_bytes("caf\xe9 \xab quoted \xbb".encode("latin-1"))
    (ann / "latin_0000.ann").write_text("T1\tContent 0 4\tcafe\n", encoding="utf-8")
    (ann / "orphan_0000.ann").write_text("T1\tContent 0 4\tword\n", encoding="utf-8")
    corpus = read_polnear(tmp_path, "dev")
    assert [a.name for a in corpus.articles] == [CLINTON]
    assert len(corpus.problems) == 3
    joined = "\n".join(f"{p.source_path}: {p.reason}" for p in corpus.problems)
    assert f"{FLYNN}_4b22.ann: line 1: malformed span" in joined
    assert "latin.txt: not UTF-8" in joined and "orphan.txt: missing" in joined


def test_ann_parser():
    text = "Trump said: “We will win. \nAnd win again.” End."
    parsed = parse_ann("T1\tSource 0 5\tTrump\nT2\tCue 6 10\tsaid\nT3\tContent 12 43\t“We will win.\n"
                       "And win again.”\nE1\tAttribution:T2 Source:T1 Content:T3 Cue:T2\n#1\tAnnotatorNotes T1\tok\n",
                       len(text))
    assert parsed.spans["T3"] == ("Content", ((12, 43),))
    assert parsed.events == [{"type": "Attribution", "Source": "T1", "Content": "T3", "Cue": "T2"}]
    with pytest.raises(AnnotationError, match="outside the text"):
        parse_ann("T1\tContent 0 99\tx\n", len(text))
    with pytest.raises(AnnotationError, match="not annotated"):
        parse_ann("E1\tAttribution:T9 Content:T3\n", len(text))


# -- scorer -------------------------------------------------------------------------------


def test_scorer_on_a_hand_made_example():
    gold = [GoldQuote(0, 50, "Hillary Clinton"), GoldQuote(100, 150, "he", ((160, 162),)),
            GoldQuote(200, 260, "Donald Trump")]
    predicted = [
        Predicted(0, 48, "Clinton"),  # overlap 48/50: matched, speaker's surname agrees
        Predicted(100, 150, "Bernie Sanders", "he", 160, 162),  # gold "he": the mention at the cue counts
        Predicted(200, 225, "Donald Trump"),  # overlap 25/60 < 0.5: a false positive
        Predicted(300, 320),  # nothing there, no speaker
    ]
    counts = Counts()
    assert sorted(counts.add(predicted, gold)) == [(0, 0), (1, 1)]
    scores = counts.scores()
    assert scores["content"] == {"precision": 0.5, "recall": 0.6667, "f1": 0.5714}
    assert scores["speaker"] == {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667}


def test_speaker_names():
    assert names_agree("Clinton", "Hillary Clinton's campaign")
    assert names_agree("Murray Clark", "Murray Clark, a former state GOP chair who backs Brooks")
    assert not names_agree("Brooks", "Murray Clark, a former state GOP chair who backs Brooks")
    assert not names_agree("he", "he") and not names_agree(None, "Trump")


# -- the command --------------------------------------------------------------------------


def test_eval_quotes_command(polnear, tmp_path, run_cli):
    data = tmp_path / "polnear"
    _copy(polnear, data, CLINTON, "6b86")
    _copy(polnear, data, FLYNN, "4b22")
    (data / "dev" / "text" / "broken.txt").write_text("He said “yes.”", encoding="utf-8")
    (data / "dev" / "attributions" / "broken_0000.ann").write_text("T1 Content 9 13 yes\n", encoding="utf-8")
    result = run_cli("eval", "quotes", str(data), "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("skipped: ") == 1 and "broken_0000.ann: line 1" in result.stderr
    found = json.loads(result.stdout)
    assert found["articles"] == 2 and found["counts"]["gold"] == 8
    assert set(found["content"]) == {"precision", "recall", "f1"} and set(found["speaker"]) == set(found["content"])
    assert found["content"]["recall"] == 1.0 and found["content"]["precision"] >= 0.8
    assert found["speaker"]["f1"] >= 0.7
    table = run_cli("eval", "quotes", str(data), "--split", "dev")
    assert table.returncode == 0 and "content" in table.stdout and "2 articles, 8 gold quotations" in table.stdout
    missing = run_cli("eval", "quotes", str(data), "--split", "test")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


# -- the extractor ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quotes_of():
    from newsprism.understand.pipeline import pipeline_for
    from newsprism.understand.quotes import extract_quotes

    nlp = pipeline_for("en").nlp
    return lambda text: extract_quotes(nlp(text))


@pytest.mark.parametrize("open_mark, close_mark", [('"', '"'), ("“", "”")])
def test_straight_and_curly_quotes(quotes_of, open_mark, close_mark):
    text = f"{open_mark}We will rebuild the bridge,{close_mark} Mayor Anna Berg said on Monday."
    [quote] = quotes_of(text)
    assert quote.text == "We will rebuild the bridge,"
    assert (quote.start, quote.end) == (1, 28)
    assert quote.speaker == "Anna Berg" and quote.cue == "said"


def test_quote_continued_in_next_paragraph(quotes_of):
    text = ("“The bridge will reopen in spring,” Mayor Anna Berg said on Monday. “We have the money.\n\n"
            "“And we have the workers. Nothing will stop us.”\n\nThe council meets on Friday.")
    quotes = quotes_of(text)
    assert [q.text for q in quotes] == ["The bridge will reopen in spring,", "We have the money.",
                                        "And we have the workers. Nothing will stop us."]
    assert [q.speaker for q in quotes] == ["Anna Berg"] * 3


def test_he_said_is_the_named_person(quotes_of):
    text = ("Sergei Lavrov, Russia's foreign minister, met reporters in Paris on Sunday.\n\n"
            "“We are getting closer,” he said.")
    [quote] = quotes_of(text)
    assert quote.speaker == "Sergei Lavrov" and quote.speaker_text == "he"
    assert text[quote.speaker_start:quote.speaker_end] == "he"


def test_second_quote_after_said_has_the_same_speaker(quotes_of):
    text = "Sergei Lavrov arrived on Sunday. “We had a good talk,” Lavrov said. “Second quote.”"
    quotes = quotes_of(text)
    assert [q.text for q in quotes] == ["We had a good talk,", "Second quote."]
    assert [q.speaker for q in quotes] == ["Sergei Lavrov", "Sergei Lavrov"]


def test_titles_and_scare_quotes_are_not_quotations(quotes_of):
    assert quotes_of("Trump praised “The Apprentice” again.") == []
    assert quotes_of("The “smart” meters were installed in May.") == []  # no one says it


def test_words_quoted_inside_a_reporting_sentence_are_partial_quotations(quotes_of):
    # the dossier gold counts them (one statement across outlets); PolNeAR calls them mixed quotations
    [quote] = quotes_of("Trump called the deal “a disaster” on Monday and praised “The Apprentice” again.")
    assert (quote.text, quote.partial, quote.speaker) == ("a disaster", True, "Trump")
    text = ("The head of the fire service said there were “dozens of dead”. A witness told Sky TV he saw “eight "
            "or nine” cars fall in what he said was an “apocalyptic scene”.")
    quotes = quotes_of(text)
    assert [q.text for q in quotes] == ["dozens of dead", "eight or nine", "apocalyptic scene"]
    assert all(q.partial for q in quotes)
    assert [q.speaker for q in quotes] == ["The head of the fire service", "A witness", "A witness"]
    [quote] = quotes_of("Starmer promised to build a “government of service”, the BBC reported.")
    assert quote.speaker == "Starmer" and quote.cue == "promised"
    [quote] = quotes_of("Stores will continue to open and “source from trusted vendors,” Amazon says.")
    assert quote.speaker == "Amazon" and quote.partial
    [quote] = quotes_of("“We will rebuild,” the mayor said.")
    assert not quote.partial


def test_cue_with_a_colon_ending_the_paragraph_above(quotes_of):
    text = ("Sergei Lavrov met John Kerry in Paris on Sunday. Afterwards Lavrov told reporters:\n\n"
            "“We are getting closer. There is still work to do.”\n\n"
            "Kerry said the talks would go on. The statement read:\n\n“Both sides will meet again.”")
    quotes = quotes_of(text)
    assert [q.text for q in quotes] == ["We are getting closer. There is still work to do.",
                                        "Both sides will meet again."]
    assert (quotes[0].speaker, quotes[0].cue, quotes[0].speaker_text) == ("Sergei Lavrov", "told", "Lavrov")
    assert text[quotes[0].speaker_start:quotes[0].speaker_end] == "Lavrov"
    assert quotes[1].speaker is None  # "said" is in an earlier sentence than the colon's


# -- speakers (issue 11: the dossier gold's wrong and missing speakers, in invented sentences) ---------


def test_a_short_word_before_a_full_stop_ends_the_sentence(quotes_of):
    # "Ansa." is not "Sen.": the cue of the next sentence is not the quotation's
    text = ('"We saw the flood reach the square," witness Tomas Orlen was quoted as saying by Ansa. '
            '"Then the wall went down." Engineers say the cause is unclear.')
    quotes = quotes_of(text)
    assert [q.speaker for q in quotes] == ["Tomas Orlen", "Tomas Orlen"]
    assert quotes_of("Sen. Ada Morn (R-Fla.) said: “We will vote no.”")[0].speaker == "Ada Morn"


def test_a_quotation_in_a_list_item_opens_its_paragraph(quotes_of):
    text = ('Highlights of the day:\n\n• "We have lost, and I take responsibility," Ivo Brandt said in his speech. '
            '"I am sorry."\n\n• Brandt will stay on until a successor is chosen.')
    quotes = quotes_of(text)
    assert [q.text for q in quotes] == ["We have lost, and I take responsibility,", "I am sorry."]
    assert [q.speaker for q in quotes] == ["Ivo Brandt"] * 2


def test_the_name_in_apposition_to_a_description(quotes_of):
    text = ("“The water came up to my knees,” said a witness, Davide Morr, who was driving past.\n\n"
            "“Then the whole road gave way.”\n\nThe police closed the area.")
    quotes = quotes_of(text)
    assert [q.speaker for q in quotes] == ["Davide Morr", "Davide Morr"]
    assert quotes[0].speaker_text == "a witness"


def test_the_reporting_verb_the_quotation_hangs_from(quotes_of):
    text = ('An ambulance official told Reuters the service could only confirm two injured people so far, '
            '"but we fear there are many more."')
    [quote] = quotes_of(text)
    assert quote.cue == "told" and quote.speaker == "An ambulance official"


def test_a_place_named_as_speaker_is_not_a_title(quotes_of):
    # "Leicester defender Christian Fuchs" must not turn "Leicester said" into Fuchs
    text = ('Leicester defender Christian Fuchs posted a photo.\n\n"The players have made history," Leicester said '
            'in a statement.\n\n"Nobody expected this."')
    quotes = quotes_of(text)
    assert [q.speaker for q in quotes] == ["Leicester", "Leicester"]


@pytest.mark.parametrize("text, ends", [
    (" was quoted as saying by Ansa. ", True), (" he told Kyiv. ", True), (" said Sen. ", False),
    (" state Del. ", False), (" (R-Fla.) ", False), (" the U.S. ", False), (" J. ", False), (" on Oct. ", False),
])
def test_which_full_stops_end_a_sentence(text, ends):
    from newsprism.understand.quotes import _ends_sentence

    assert _ends_sentence(text) is ends


def test_straight_single_quotes_and_apostrophes(quotes_of):
    text = ("The official said the service could confirm two injured so far, 'but we fear there are many more'. "
            "The players' union met in the '90s, and rock 'n' roll played.")
    [quote] = quotes_of(text)
    assert quote.text == "but we fear there are many more"


def test_a_quoted_sub_heading_is_not_a_quotation(quotes_of):
    text = ("“We are heartbroken,” Mayor Anna Berg said.\n\n‘A lot of questions’\n\n'All Bets Are Off.'\n\n"
            "The inquiry starts on Monday.")
    assert [q.text for q in quotes_of(text)] == ["We are heartbroken,"]


def test_a_caption_word_glued_to_a_name_is_not_part_of_the_speaker(quotes_of):
    from newsprism.understand.names import unglued

    assert [unglued(n) for n in ("captionSergei Lavrov", "iPhone", "deGrasse Tyson", "McDonald")] == [
        "Sergei Lavrov", "iPhone", "deGrasse Tyson", "McDonald"]
    text = "Image captionSergei Lavrov said: “We are getting closer.”"
    [quote] = quotes_of(text)
    assert quote.speaker == "Sergei Lavrov"
    assert text[quote.speaker_start:quote.speaker_end] == quote.speaker_text
    assert "caption" not in quote.speaker_text


def test_a_colon_cue_wins_over_a_nearer_cue_after_the_quotation(quotes_of):
    text = ("Alan Dorling told the BBC on Monday evening, in a long interview at his home: “We will not share "
            "the currency” while Sandmond said he would.")
    [quote] = quotes_of(text)
    assert quote.speaker == "Alan Dorling" and quote.cue == "told"
