"""One entry per real-world entity across a story's articles (newsprism.compare.entities), on hand-made mentions."""

from __future__ import annotations

import pytest

from newsprism.compare.entities import canonical_names, merge_entities
from newsprism.model import Analysis, Mention


def analysis(article_id: str, *mentions: tuple[str, str]) -> Analysis:
    return Analysis(article_id=article_id, language="en", version=0,
                    entities=[Mention(text, kind, 0, len(text)) for text, kind in mentions])


def people(*analyses: Analysis) -> dict[str, dict]:
    return {e.name: e.to_dict() for e in merge_entities(list(analyses)) if e.type == "PERSON"}


def test_spellings_titles_and_the_bare_surname_are_one_person():
    found = people(
        analysis("guardian", ("Sergei Lavrov", "PERSON"), ("Lavrov", "PERSON"), ("Sergei Lavrov", "PERSON")),
        analysis("national", ("Sergey Lavrov", "PERSON"), ("Mr Lavrov", "PERSON"), ("Lavrov’s", "PERSON")),
    )
    assert found == {"Sergei Lavrov": {
        "name": "Sergei Lavrov", "type": "PERSON",  # the full form written most often
        "aliases": ["Lavrov", "Lavrov’s", "Mr Lavrov", "Sergey Lavrov"],
        "mentions": {"guardian": 3, "national": 3}}}


def test_transliterations_of_a_first_name_are_one_person():
    found = people(analysis("a", ("Aleksei Voronen", "PERSON")), analysis("b", ("Alexei Voronen", "PERSON")),
                   analysis("c", ("Alexey Voronen", "PERSON"), ("Voronen", "PERSON"), ("Alexei Voronen", "PERSON")))
    assert list(found) == ["Alexei Voronen"]  # the spelling written most often
    assert found["Alexei Voronen"]["aliases"] == ["Aleksei Voronen", "Alexey Voronen", "Voronen"]
    assert found["Alexei Voronen"]["mentions"] == {"a": 1, "b": 1, "c": 3}


def test_a_surname_the_small_model_tagged_as_an_organisation_is_the_person():
    entities = merge_entities([analysis("a", ("Sergei Lavrov", "PERSON")), analysis("b", ("Lavrov", "ORG"))])
    assert [(e.name, e.type, e.mentions) for e in entities] == [("Sergei Lavrov", "PERSON", {"a": 1, "b": 1})]


def test_two_people_sharing_a_surname_stay_apart():
    found = people(analysis("a", ("Anders Berg", "PERSON"), ("Berg", "PERSON")),
                   analysis("b", ("Mette Berg", "PERSON")), analysis("c", ("Anders Berg", "PERSON")))
    assert sorted(found) == ["Anders Berg", "Mette Berg"]
    # the bare surname goes to the Berg the story names most
    assert found["Anders Berg"]["mentions"] == {"a": 2, "c": 1} and found["Mette Berg"]["mentions"] == {"b": 1}
    clinton = people(analysis("a", ("Hillary Clinton", "PERSON")), analysis("b", ("Bill Clinton", "PERSON")))
    assert sorted(clinton) == ["Bill Clinton", "Hillary Clinton"]


@pytest.mark.parametrize("first, second", [("John", "Joan"), ("Jean", "Joan"), ("Maria", "Mario"), ("Julia", "Julio")])
def test_different_first_names_one_letter_apart_stay_apart(first, second):
    found = people(analysis("a", (f"{first} Smith", "PERSON")), analysis("b", (f"{second} Smith", "PERSON")))
    assert sorted(found) == sorted([f"{first} Smith", f"{second} Smith"])


@pytest.mark.parametrize("first, second", [("Sergej", "Sergei"), ("Mohammad", "Mohammed"), ("Andriy", "Andrei")])
def test_transliterations_that_differ_in_letters_are_still_one_person(first, second):
    found = people(analysis("a", (f"{first} Haddad", "PERSON")), analysis("b", (f"{second} Haddad", "PERSON")))
    assert len(found) == 1


def test_other_entities_are_grouped_without_articles_possessives_and_case():
    entities = merge_entities([analysis("a", ("the Kremlin", "ORG"), ("Ukraine", "GPE")),
                               analysis("b", ("Kremlin’s", "ORG"), ("UKRAINE", "GPE"), ("Crimea", "GPE"))])
    assert [(e.type, e.name, e.aliases, e.mentions) for e in entities] == [
        ("GPE", "Ukraine", ["UKRAINE"], {"a": 1, "b": 1}),
        ("ORG", "the Kremlin", ["Kremlin’s"], {"a": 1, "b": 1}),
        ("GPE", "Crimea", [], {"b": 1}),  # in fewer articles: listed after
    ]


def test_canonical_names_map_every_alias_and_the_surname_to_the_person():
    names = canonical_names(merge_entities([analysis("a", ("Sergei Lavrov", "PERSON"), ("Mr Lavrov", "PERSON")),
                                            analysis("b", ("Sergey Lavrov", "PERSON"), ("Sergei Lavrov", "PERSON"))]))
    assert names == {"sergei lavrov": "Sergei Lavrov", "lavrov": "Sergei Lavrov"}


def entities_of(*analyses: Analysis, texts: dict[str, str] | None = None) -> dict[str, dict]:
    return {e.name: e.to_dict() for e in merge_entities(list(analyses), texts=texts)}


def located(article_id: str, text: str, *mentions: tuple[str, str]) -> Analysis:
    """An analysis of `text` whose mentions sit where their words first appear, one sentence per line."""
    spans, at = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((at, at + len(line)))
        at += len(line) + 1
    found, cursor = [], {}
    for words, kind in mentions:
        start = text.index(words, cursor.get(words, 0))
        cursor[words] = start + 1
        found.append(Mention(words, kind, start, start + len(words)))
    return Analysis(article_id=article_id, language="en", version=0, sentences=spans, entities=found)


def test_transliterations_of_a_place_are_one_place():
    found = entities_of(analysis("a", ("Kiev", "GPE"), ("Shakhtersk", "GPE")),
                        analysis("b", ("Kyiv", "GPE"), ("Shaktarsk", "GPE")), analysis("c", ("Kyiv", "GPE")))
    assert found["Kyiv"]["aliases"] == ["Kiev"] and found["Kyiv"]["mentions"] == {"a": 1, "b": 1, "c": 1}
    assert found["Shakhtersk"]["aliases"] == ["Shaktarsk"]
    assert len(found) == 2


@pytest.mark.parametrize("first, second", [("Austria", "Australia"), ("Iran", "Iraq"), ("Slovakia", "Slovenia"),
                                           ("Niger", "Nigeria")])
def test_places_with_other_letters_stay_apart(first, second):
    assert sorted(entities_of(analysis("a", (first, "GPE")), analysis("b", (second, "GPE")))) == sorted([first, second])


def test_two_close_spellings_in_one_article_are_two_places():
    found = entities_of(analysis("a", ("Kiev", "GPE"), ("Kyiv", "GPE")), analysis("b", ("Kyiv", "GPE")))
    assert sorted(found) == ["Kiev", "Kyiv"]


def test_transliterated_surnames_are_one_person():
    found = people(analysis("a", ("Volodymyr Zelensky", "PERSON")), analysis("b", ("Volodymyr Zelenskyy", "PERSON")),
                   analysis("c", ("Zelenskiy", "PERSON")))
    assert [e["mentions"] for e in found.values()] == [{"a": 1, "b": 1, "c": 1}]


def test_an_acronym_joins_the_name_its_initials_spell():
    found = entities_of(analysis("a", ("NTSB", "ORG"), ("NTSB", "ORG")),
                        analysis("b", ("the National Transportation Safety Board", "ORG")),
                        analysis("c", ("the Federal Bureau of Investigation", "ORG"), ("FBI", "ORG")))
    assert found["the National Transportation Safety Board"]["aliases"] == ["NTSB"]
    assert found["the National Transportation Safety Board"]["mentions"] == {"a": 2, "b": 1}
    assert found["the Federal Bureau of Investigation"]["aliases"] == ["FBI"]  # "of" has no letter in it
    assert len(found) == 2


def test_an_acronym_joins_the_name_an_article_pairs_it_with():
    text = "Officers of the Security Service of Ukraine (SBU) detained him.\nThe SBU said more."
    found = entities_of(located("a", text, ("the Security Service of Ukraine", "ORG"), ("SBU", "ORG"),
                                ("SBU", "ORG")),
                        analysis("b", ("SBU", "ORG")), texts={"a": text})
    assert found == {"the Security Service of Ukraine": {
        "name": "the Security Service of Ukraine", "type": "ORG", "aliases": ["SBU"], "mentions": {"a": 3, "b": 1}}}


def test_an_acronym_that_fits_two_names_joins_neither():
    found = entities_of(analysis("a", ("PA", "ORG"), ("the Press Association", "ORG")),
                        analysis("b", ("the Palestinian Authority", "ORG")))
    assert sorted(found) == ["PA", "the Palestinian Authority", "the Press Association"]


def test_short_forms_of_a_country_are_the_country():
    found = entities_of(analysis("a", ("U.S.", "GPE"), ("the United States", "GPE")),
                        analysis("b", ("US", "GPE"), ("America", "GPE"), ("the U.S.'s", "GPE")),
                        analysis("c", ("Britain", "GPE"), ("UK", "GPE"), ("the United Kingdom", "GPE")))
    # (every form written once: the longest names it)
    assert found["the United States"]["aliases"] == ["America", "U.S.", "US", "the U.S.'s"]
    assert found["the United States"]["mentions"] == {"a": 2, "b": 3}
    assert found["the United Kingdom"]["aliases"] == ["Britain", "UK"]
    assert len(found) == 2


def test_the_type_most_articles_give_wins():
    # one article calls the city a person three times; three articles call it a place
    found = entities_of(analysis("a", ("Genoa", "PERSON"), ("Genoa", "PERSON"), ("Genoa", "PERSON")),
                        analysis("b", ("Genoa", "GPE")), analysis("c", ("Genoa", "GPE"), ("Genoa", "PERSON")),
                        analysis("d", ("Genoa", "GPE")))
    assert found["Genoa"]["type"] == "GPE" and found["Genoa"]["mentions"] == {"a": 3, "b": 1, "c": 2, "d": 1}
    # a place named like a person's surname stays a place
    found = entities_of(analysis("a", ("George Washington", "PERSON"), ("Washington", "GPE")),
                        analysis("b", ("Washington", "GPE")))
    assert found["Washington"]["type"] == "GPE" and found["George Washington"]["mentions"] == {"a": 1}


def test_junk_is_dropped_and_glued_caption_text_cut_off():
    text = ("Debris fell onto the road below.\nRescuers cleared the debris and more debris overnight.\n"
            "Write to news@example.com or see https://example.com/live for updates.\n"
            "captionSergei Lavrov spoke in Moscow on Monday.\n"
            "A bridge is pictured in Genoa. REUTERS/Jane Doe\n"
            "Officials in Genoa said the cause was unclear. More from Philadelph")
    found = entities_of(located("a", text, ("Debris", "PERSON"), ("news@example.com", "ORG"),
                                ("https://example.com/live", "ORG"), ("captionSergei Lavrov", "PERSON"),
                                ("Moscow", "GPE"), ("Monday", "DATE"), ("Genoa", "GPE"), ("REUTERS/Jane Doe", "ORG"),
                                ("Genoa", "GPE"), ("Philadelph", "GPE")), texts={"a": text})
    # the common word, the addresses, the credit, the caption's mention and the word cut off at the end are gone
    assert {name: e["mentions"] for name, e in found.items()} == {
        "Sergei Lavrov": {"a": 1}, "Moscow": {"a": 1}, "Monday": {"a": 1}, "Genoa": {"a": 1}}


def test_a_participle_opening_a_sentence_is_not_a_first_name():
    text = "Chasing Leicester, the club fell short.\nLeicester won the title."
    found = entities_of(located("a", text, ("Chasing Leicester", "PERSON"), ("Leicester", "ORG")), texts={"a": text})
    assert list(found) == ["Leicester"] and found["Leicester"]["mentions"] == {"a": 2}
    text = "Sporting Dunmere lost the final.\nFans of Sporting Dunmere wept."  # a club named so
    found = entities_of(located("a", text, ("Sporting Dunmere", "ORG"), ("Sporting Dunmere", "ORG")), texts={"a": text})
    assert list(found) == ["Sporting Dunmere"]


def test_a_regnal_number_is_not_a_surname():
    found = people(analysis("a", ("King Charles III", "PERSON")), analysis("b", ("Charles III", "PERSON")),
                   analysis("c", ("King Charles", "PERSON")))
    assert list(found) == ["Charles III"] and found["Charles III"]["mentions"] == {"a": 1, "b": 1, "c": 1}


def test_what_a_headline_names_counts_but_a_byline_does_not():
    text = "Bridge collapses in Genoa\n\nBy Jane Doe GENOA (Reuters) - A bridge collapsed in Genoa on Tuesday."
    found = entities_of(located("a", text, ("Genoa", "GPE"), ("Jane Doe", "PERSON"), ("GENOA", "GPE"),
                                ("Reuters", "ORG"), ("Genoa", "GPE")), texts={"a": text})
    assert {name: e["mentions"] for name, e in found.items()} == {"Genoa": {"a": 2}}


def test_a_company_with_and_without_its_legal_form_is_one_company():
    found = entities_of(analysis("a", ("Kroger Co", "ORG"), ("Amazon.com Inc", "ORG")),
                        analysis("b", ("Kroger", "ORG"), ("Amazon", "ORG"), ("Amazon", "ORG")),
                        analysis("c", ("Target Corp.", "ORG"), ("[Edoardo] Rixi", "PERSON")))
    assert found["Amazon"]["aliases"] == ["Amazon.com Inc"] and found["Kroger Co"]["aliases"] == ["Kroger"]
    assert "Target Corp." in found and "Edoardo Rixi" in found  # an editor's brackets taken out
