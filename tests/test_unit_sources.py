"""Sources: credited outlets, shared copy, independent sources (compare/sources.py)."""

import pytest

from newsprism.compare.sources import article_credit, credited, independent_sources, shared_copy
from newsprism.model import Article, Citation


@pytest.mark.parametrize("sentence, source", [
    ("Six people were killed, according to Interfax.", "Interfax"),
    ("The ceasefire held overnight (Via BBC)", "BBC"),
    ("The minister resigned, the Independent wrote.", "Independent"),
    ("The crash sent more than 140 people to hospitals, the Associated Press reported.", "Associated Press"),
    ("An official told Reuters the service could confirm two injured.", "Reuters"),
    ("He told the Italian news agency Adnkronos that dozens had died.", "Adnkronos"),
    ("A witness told Sky Italia television he saw eight vehicles.", "Sky Italia"),
    ("Adnkronos news agency reports the head of the service as saying so.", "Adnkronos"),
    ("Twelve ministers lost their seats, the Express reports.", "Express"),
    ("The evacuation was ordered, a rescuer told Italy's Ansa news agency.", "Ansa"),
])
def test_credited_sources(sentence, source):
    assert credited(sentence) == source


@pytest.mark.parametrize("sentence", [
    "Initial reports indicated the train derailed as it entered the curve.",
    "He told reporters the line would reopen on Monday.",
    "Seven cars left the tracks, according to the mayor.",
    "You can order groceries via Amazon Fresh with your voice.",
    "It reported a loss for the third quarter.",
])
def test_sentences_crediting_no_named_source(sentence):
    assert credited(sentence) is None


def test_article_credit_from_a_culled_from_line_or_the_wire_credit():
    culled = Article(id="a", text="Bridge collapses in Genoa Culled from BBC\n\nA motorway bridge has collapsed.")
    assert article_credit(culled) == "BBC"
    assert article_credit(Article(id="b", text="Text.", credit="Reuters")) == "Reuters"
    assert article_credit(Article(id="c", text="Order via Amazon Fresh today.\n\nMore text here.")) is None


WIRE = ["The head of the local ambulance service said there were dozens of dead, the news agency reported.",
        "The transport minister said in a tweet that he was following with great apprehension what seems like "
        "an immense tragedy.",
        "The bridge was built in the 1960s."]


def test_shared_copy_groups_articles_rewriting_the_same_sentences():
    rewritten = ["The head of the local ambulance service said there were dozens of dead, the agency reported.",
                 "The transport minister said in a tweet that he was following with great apprehension what "
                 "seemed like an immense tragedy.", "Rescuers worked through the night."]
    own = ["Dozens of people died when the motorway bridge fell during a storm on Tuesday morning.",
           "The minister called it an immense tragedy and ordered an inquiry into the bridge's upkeep."]
    assert shared_copy({"a": WIRE, "b": rewritten, "c": own}) == [{"a", "b"}]
    # one shared sentence is chance, not copy
    assert shared_copy({"a": WIRE, "d": WIRE[:1] + own}) == []


def test_independent_sources_count_credits_and_copy_once():
    outlet_of = {"a": "one.example", "b": "two.example", "c": "three.example", "d": "four.example"}
    texts = {"a": "Six died.", "b": "Six died.", "c": "Six died, according to Interfax.",
             "d": "Six people died, Interfax reported."}
    cites = [Citation(aid, 0, len(text)) for aid, text in texts.items()]
    assert independent_sources(cites, outlet_of, texts, [{"a", "b"}]) == ["Interfax", "one.example / two.example"]
    plain = {aid: "Six died." for aid in texts}
    assert independent_sources(cites[:2] + [Citation("c", 0, 9), Citation("d", 0, 9)], outlet_of, plain, []) == \
        sorted(outlet_of.values())


def test_the_dossier_counts_republished_copy_as_one_source(gold_story_dossier):
    """On the dossier gold's bridge story (ga02), three articles carry the same wire sentences (Adnkronos,
    the minister's tweet): they are one copy group, and a fact they all carry has fewer sources than outlets."""
    found = gold_story_dossier("ga02")
    assert found.shared_copy, "the wire copy shared by three outlets is found"
    group = max(found.shared_copy, key=len)
    assert len(group) >= 2
    data = found.to_dict()
    facts = data["coverage"]["core"] + data["coverage"]["shared"]
    assert any(len(f["sources"]) < len(f["outlets"]) for f in facts)
    assert all(1 <= len(f["sources"]) for f in facts)
