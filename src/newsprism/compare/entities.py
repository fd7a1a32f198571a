"""One entry per real-world entity across a story's articles.

People are grouped by surname: "Sergei Lavrov", "Sergey Lavrov", "Mr Lavrov" and
"Lavrov" are one person unless two different first names are too far apart to be
spellings of one name ("Aleksei"/"Alexei" are one; "Anders"/"Mette" are two).
Other entities are grouped by their text without articles, possessives and case.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from difflib import SequenceMatcher

from ..config import DossierSettings
from ..model import Analysis, Entity
from ..understand.names import without_titles


def merge_entities(analyses: list[Analysis], settings: DossierSettings = DossierSettings()) -> list[Entity]:
    people, others = _person_groups(analyses, settings), _other_groups(analyses)
    entities = [_entity(forms, "PERSON") for forms in people] + [_entity(forms, None) for forms in others]
    return sorted(entities, key=lambda e: (-len(e.mentions), -sum(e.mentions.values()), e.name))


def _person_groups(analyses: list[Analysis], settings: DossierSettings) -> list[list[tuple[str, str, str]]]:
    """(text, type, article id) mentions of people, grouped; surnames of people also claim other-typed mentions."""
    by_surname: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for analysis in analyses:
        for mention in analysis.entities:
            if mention.type == "PERSON" and person_words(mention.text):
                by_surname[fold(person_words(mention.text)[-1])].append(
                    (mention.text, mention.type, analysis.article_id))
    for analysis in analyses:  # "Lavrov" tagged ORG by the small model is still Lavrov
        for mention in analysis.entities:
            words = person_words(mention.text)
            if mention.type != "PERSON" and len(words) == 1 and fold(words[0]) in by_surname:
                by_surname[fold(words[0])].append((mention.text, "PERSON", analysis.article_id))
    groups = []
    for mentions in by_surname.values():
        groups.extend(_split_by_first_name(mentions, settings.same_first_name))
    return groups


def _split_by_first_name(mentions: list[tuple[str, str, str]], same_name: float) -> list[list[tuple[str, str, str]]]:
    firsts: list[tuple[str, list]] = []  # (first name, mentions with it)
    bare = []
    for mention in mentions:
        words = person_words(mention[0])
        if len(words) < 2:
            bare.append(mention)
            continue
        first = fold(words[0])
        home = next((group for name, group in firsts if _same_first(name, first, same_name)), None)
        if home is None:
            firsts.append((first, [mention]))
        else:
            home.append(mention)
    if not firsts:
        return [bare]
    groups = [group for _, group in firsts]
    biggest = max(groups, key=len)
    biggest.extend(bare)  # "Lavrov" alone is the Lavrov the story names most
    return groups


def _same_first(a: str, b: str, same_name: float) -> bool:
    """Two (folded) first names that spell one name: equal, one an initial or short form of the other, or
    close (Sergej/Sergei, Mohammad/Mohammed). Close is not enough for short names (John/Joan, Jean/Joan)
    nor for names that differ in their final vowel only (Maria/Mario, Julia/Julio): those are other names."""
    if a == b or a.startswith(b.rstrip(".")) or b.startswith(a.rstrip(".")):
        return True
    if min(len(a), len(b)) <= 4:
        return False
    if len(a) == len(b) and a[:-1] == b[:-1] and a[-1] in _VOWELS and b[-1] in _VOWELS:
        return False
    return SequenceMatcher(None, a, b).ratio() >= same_name


_VOWELS = set("aeiou")


def _other_groups(analyses: list[Analysis]) -> list[list[tuple[str, str, str]]]:
    people = {fold(person_words(m.text)[-1]) for a in analyses for m in a.entities
              if m.type == "PERSON" and person_words(m.text)}
    groups: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for analysis in analyses:
        for mention in analysis.entities:
            if mention.type == "PERSON":
                continue
            words = person_words(mention.text)
            if len(words) == 1 and fold(words[0]) in people:
                continue  # counted with the person
            key = entity_key(mention.text)
            if key:
                groups[key].append((mention.text, mention.type, analysis.article_id))
    return list(groups.values())


def _entity(mentions: list[tuple[str, str, str]], type_: str | None) -> Entity:
    forms = Counter(text for text, _, _ in mentions)
    types = Counter(t for _, t, _ in mentions)
    full = [f for f in forms if len(person_words(f)) > 1] if type_ == "PERSON" else []
    pool = full or list(forms)
    name = max(pool, key=lambda f: (forms[f], len(f), f))
    if type_ == "PERSON":
        name = " ".join(person_words(name))
    per_article = Counter(article for _, _, article in mentions)
    return Entity(name=name, type=type_ or types.most_common(1)[0][0],
                  aliases=sorted(f for f in forms if f != name), mentions=dict(sorted(per_article.items())))


def person_words(text: str) -> list[str]:
    words = [w.strip(".,") for w in text.replace("’s", "").replace("'s", "").split()]
    return without_titles([w for w in words if w])


def entity_key(text: str) -> str:
    text = text.replace("’s", "").replace("'s", "")
    words = [w for w in text.split() if w.lower() not in ("the", "a", "an")]
    return fold(" ".join(words))


def fold(text: str) -> str:
    """Case, accents and the common transliteration variants folded: "Sergey" and "Sergei" agree."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("ey", "ei").replace("ks", "x").replace("y", "i")


def canonical_names(entities: list[Entity]) -> dict[str, str]:
    """Every alias (folded) of a person, and their surname, mapped to the person's name."""
    names: dict[str, str] = {}
    for entity in entities:
        if entity.type != "PERSON":
            continue
        for form in [entity.name, *entity.aliases]:
            names.setdefault(fold(" ".join(person_words(form))), entity.name)
        words = person_words(entity.name)
        if words:
            names.setdefault(fold(words[-1]), entity.name)
    return names
