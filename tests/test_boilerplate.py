"""Which sentences report something (compare.boilerplate): hand-made captions, credits, bylines, datelines,
date lines and share/navigation residue are dropped or cut; reporting sentences, short ones too, are kept."""

import pytest

from newsprism import MemoryAnalyses, analyses_for, dossier
from newsprism.compare.boilerplate import ReportingSpans, reporting_span
from newsprism.model import Article


def reported(sentence: str) -> str | None:
    span = reporting_span(sentence, 0, len(sentence))
    return None if span is None else sentence[span[0]:span[1]]


@pytest.mark.parametrize("sentence", [
    "Twelve people died.",
    "The court ruled on June 30, 2023.",
    "Prime Minister Rishi Sunak (Conservative) said he would go.",
    "Shares in the operator fell 6.3% after news of the collapse.",
    "Share prices fell sharply on Monday.",
    "Updated figures show that 12 people died.",
    "Home Secretary Priti Patel said the inquiry would begin next week.",
    'Sunak said: "What happens next?"',
    "Rescuers worked through the night, officials said on May 12, 2015.",
    "John Smith, a former reporter, told the inquiry he had seen the memo.",
])
def test_reporting_sentences_are_kept_whole(sentence):
    assert reported(sentence) == sentence


@pytest.mark.parametrize("sentence", [
    "Rescue workers climb into the wreckage of a crashed train in Philadelphia, Pennsylvania May 12, 2015.",
    "The minister at his seat count overnight (Alamy)",
    "Firefighters at the scene. (Photo: John Doe/AP)",
    "Image copyright Getty Images",
    "Copyright 2015 Reuters.",
    "© 2024 The Daily Example. All rights reserved.",
    "Posted at 10:21 PM, May 12, 2015 and last updated 2015-05-13 11:31:55-04",
    "Updated: June 30, 2023 4:15 PM",
    "by | May 13, 2015 AT 11:00 AM",
    "Share this article",
    "Follow him on Twitter @JaneDoe.",
    "Read more: the full list of winners",
    "Sign up for our morning newsletter.",
    "Tap to install our app.",
    "Menu Sat, 5 October 2024",
    "Locations: Brazil Minas Gerais, Brazil",
    "The dream has become a reality… pic.twitter.com/8UTbpbzpYL",
    "— Leicester City (@LCFC) May 2, 2016",
    "May 2, 2016",
    "BRASILIA, June 30 (Reuters) -",
    "How did the structure collapse?",
    "The former president is pictured after landing at the airport.",
    "Jane Doe covers politics and trending news for the National Desk.",
    "The court is holding a trial. Jane Roe/Agencia Brazil/dpa",
])
def test_residue_is_dropped(sentence):
    assert reported(sentence) is None


@pytest.mark.parametrize("sentence, kept", [
    ("date 2024-07-05 Outgoing Prime Minister Rishi Sunak announced that he would resign.",
     "Outgoing Prime Minister Rishi Sunak announced that he would resign."),
    ("BRASILIA, June 30 (Reuters) - Brazil's electoral court voted to ban him.",
     "Brazil's electoral court voted to ban him."),
    ("London, July 6 (FN Representative) Keir Starmer took over as Prime Minister.",
     "Keir Starmer took over as Prime Minister."),
    ("By Daniel Kelley PHILADELPHIA (Reuters) - An Amtrak train derailed.", "An Amtrak train derailed."),
    ("PHILADELPHIA — Rescuers searched the wreckage.", "Rescuers searched the wreckage."),
    ("Seattle, Wash.- NBC News has confirmed the deal.", "NBC News has confirmed the deal."),
    ("London, United Kingdom | AFP | Leicester won the title.", "Leicester won the title."),
    ("Scroll down for video The minister promised an inquiry.", "The minister promised an inquiry."),
])
def test_leading_residue_is_cut_and_the_rest_kept_verbatim(sentence, kept):
    assert reported(sentence) == kept


def test_a_short_line_without_a_full_stop_is_a_headline_but_a_long_one_is_reporting():
    text = ("Five killed in train derailment\n\nFive people were killed.\n\n"
            "Shares of dozens of grocers and food producers collectively lost at least $35 billion in market value\n")
    first, second, third = (0, 31), (33, 57), (59, len(text) - 1)
    assert reporting_span(text, *first) is None
    assert reporting_span(text, *second) == second
    assert reporting_span(text, *third) == third


def test_reporting_spans_answer_by_character():
    text = "BRASILIA, June 30 (Reuters) - The court voted 5-2. Tap to install our app."
    sentences = [(0, 50), (51, len(text))]
    spans = ReportingSpans(text, sentences)
    assert spans.spans == [(30, 50), None]
    assert spans.is_residue(text.index("June")) and spans.is_residue(text.index("Tap"))
    assert not spans.is_residue(text.index("5-2"))
    assert spans.of(text.index("5-2")) == (30, 50) and spans.of(text.index("June")) is None


def test_the_dossier_cites_no_residue_and_keeps_the_stored_text():
    text = ("BRASILIA, June 30 (Reuters) - Brazil's electoral court voted on Friday to ban the former president "
            "from office for eight years.\n\nThe former president is pictured after landing at the airport on "
            "Friday.\n\nTwelve people died.\n\nFollow him on Twitter @JaneDoe for updates on the 2026 "
            "election.\n\nCopyright 2023 Reuters. All rights reserved.")
    article = Article(id="a1", text=text, outlet="Wire", language="en", published="2023-06-30")
    found = dossier([article], analyses_for(MemoryAnalyses(), [article]), story_id="a1", title="Ban")
    cites = [c for s in found.summary for c in s.citations]
    cites += [p.cite for passages in found.coverage.unique.values() for p in passages]
    cites += [c for e in found.timeline for c in e.citations] + [r.cite for n in found.numbers for r in n.reports]
    quoted = {text[c.start:c.end] for c in cites}
    assert "Brazil's electoral court voted on Friday to ban the former president from office for eight years." \
        in quoted
    assert not any(word in q for q in quoted for word in ("Reuters", "pictured", "Twitter", "Copyright", "2026"))
    assert found.texts["a1"] == text  # the stored text keeps everything: only the dossier skips the residue
