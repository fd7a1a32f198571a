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
