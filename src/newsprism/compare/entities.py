"""One entry per real-world entity across a story's articles.

Mentions that name nothing are dropped first: those in text that is not reporting (captions, credits, bylines,
share lines: `compare.boilerplate`), web and e-mail addresses, photo credits ("REUTERS/Jane Doe"), mentions that
span a line break, lower-case words, words cut off where an excerpt ends, and single words the articles also
write in lower case (a capitalised "Debris" opening a sentence is a common word, not a name). Caption text
glued to a name ("captionSergei Lavrov") and a participle opening a sentence ("Chasing Leicester") are cut off.

People are grouped by surname: "Sergei Lavrov", "Sergey Lavrov", "Mr Lavrov" and
"Lavrov" are one person unless two different first names are too far apart to be
spellings of one name ("Aleksei"/"Alexei" are one; "Anders"/"Mette" are two).
Other entities are grouped by their text without articles, possessives, dots and case, with the usual short
forms of a country ("U.S.", "America", "Britain") taken as the country. Then groups merge when one is an
acronym of the other (the initials match, or an article states the pair: "Security Service of Ukraine (SBU)")
and when two spellings are one transliteration (Kiev/Kyiv): the same consonants, most letters shared, and no
article writing both. An entity's type is the one most articles give it (one article calling a city a person
does not make it one).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping
from difflib import SequenceMatcher

from ..config import DossierSettings
from ..model import Analysis, Entity, Mention
from ..understand.names import without_titles
from .boilerplate import headline_span, reporting_span

# (text, type, article id): one mention of an entity, as the grouping sees it.
Found = tuple[str, str, str]


def merge_entities(analyses: list[Analysis], settings: DossierSettings = DossierSettings(),
                   texts: Mapping[str, str] | None = None) -> list[Entity]:
    """The story's entities; with the articles' `texts` (article id -> text) junk is recognised by context too."""
    texts = texts or {}
    found = usable_mentions(analyses, texts)
    groups = _key_groups(found)
    words = Counter(w for text in texts.values() for w in re.findall(r"\w+", text))
    groups = [g for g in groups if not _common_word(g, words)]
    people, others = _person_groups(groups, settings)
    others = _merge_acronyms(others, texts)
    others = _merge_spellings(others, settings.same_spelling)
    entities = [_entity(g.mentions, "PERSON") for g in people]
    entities += [_entity(g.mentions, None, g.expansion) for g in others]
    return sorted(entities, key=lambda e: (-len(e.mentions), -sum(e.mentions.values()), e.name))


# -- mentions that name something ---------------------------------------------------------------------

_GLUED_CAPTION = re.compile(r"^[a-z]{3,}(?=[A-Z][a-z])")  # "captionSergei", "imageJoe": scraped caption labels
_ADDRESS = re.compile(r"://|www\.|@|/")  # URLs, e-mails, handles, "REUTERS/Jane Doe" (a bare domain is all lower case)
_PARTICIPLE = re.compile(r"^[A-Z][a-z]+ing\s+(?=[A-Z][\w'’.-]*$)")  # "Chasing Leicester" opening a sentence


def usable_mentions(analyses: list[Analysis], texts: Mapping[str, str]) -> list[Found]:
    out = []
    for analysis in analyses:
        text = texts.get(analysis.article_id)
        starts = [s for s, _ in analysis.sentences]
        for mention in analysis.entities:
            name = _repaired(mention, text, starts, texts)
            if name and not _junk(name, mention, text) and _in_reporting(mention, text, analysis.sentences, starts):
                out.append((name, mention.type, analysis.article_id))
    return out


def _repaired(mention: Mention, text: str | None, starts: list[int], texts: Mapping[str, str]) -> str:
    name = _GLUED_CAPTION.sub("", mention.text.strip())
    name = " ".join(name.replace("[", "").replace("]", "").split())  # "[Edoardo] Rixi": an editor's insertion
    participle = _PARTICIPLE.match(name)
    # only a sentence's first word can be a participle; one the story also capitalises mid-sentence is a name
    # ("... for Sporting Dunmere")
    if participle and text is not None and mention.start in starts and not any(
            re.search(rf"[a-z,;]\s+{participle.group().strip()}\b", t) for t in texts.values()):
        name = name[participle.end():]
    return name


def _junk(name: str, mention: Mention, text: str | None) -> bool:
    if "\n" in name or _ADDRESS.search(name) or not any(c.isalpha() for c in name):
        return True
    if name == name.lower() and name != name.upper():  # "bee", "prime ministe": no name is all lower case
        return True
    # an excerpt cut mid-word ("Philadelph" at the very end): a complete text ends with punctuation
    return text is not None and mention.end >= len(text.rstrip()) and text.rstrip()[-1:].isalnum()


def _in_reporting(mention: Mention, text: str | None, sentences: list[tuple[int, int]], starts: list[int]) -> bool:
    """False for a mention in a caption, credit, byline or navigation line (compare.boilerplate's rule)."""
    if text is None or not sentences:
        return True
    i = bisect_right(starts, mention.start) - 1
    if i < 0 or mention.start >= sentences[i][1]:
        return True  # outside every sentence: nothing to judge it by
    # a headline names the story's entities as the outlet sees them; residue, bylines and datelines name none
    span = reporting_span(text, *sentences[i]) or headline_span(text, *sentences[i])
    return span is not None and span[0] <= mention.start and mention.end <= span[1]


def _common_word(group: _Group, words: Counter) -> bool:
    """A single capitalised word the articles (their `words` counted) write in lower case at least as often."""
    word = entity_key_text(group.name)
    if not word.isalpha() or word.isupper():
        return False
    return words[word.lower()] >= words[word] > 0


# -- groups of mentions -------------------------------------------------------------------------------------


class _Group:
    """Mentions taken as one entity; `expansion` is the full name when an acronym joined it."""

    def __init__(self, mentions: list[Found], expansion: str | None = None):
        self.mentions = mentions
        self.expansion = expansion
        self._known: dict[str, object] = {}  # name, type, articles: computed once until the mentions change

    def absorb(self, other: _Group) -> None:
        """Take the other group's mentions (it is left empty)."""
        self.mentions.extend(other.mentions)
        self.expansion = self.expansion or other.expansion
        other.mentions = []
        self._known.clear()
        other._known.clear()

    def _once(self, what: str, compute):
        if what not in self._known:
            self._known[what] = compute()
        return self._known[what]

    @property
    def type(self) -> str:
        return self._once("type", lambda: majority_type(self.mentions))

    @property
    def articles(self) -> set[str]:
        return self._once("articles", lambda: {article for _, _, article in self.mentions})

    @property
    def name(self) -> str:
        def most_written() -> str:
            forms = Counter(text for text, _, _ in self.mentions)
            return max(forms, key=lambda f: (forms[f], len(f), f))
        return self._once("name", most_written)


def majority_type(mentions: list[Found]) -> str:
    """The type most articles give: each article has one vote, shared among the types it gives in proportion
    to its mentions, so that one article repeating a mistake outvotes no one. Ties go to a type other than
    PERSON (the small model's guess for a capitalised word it does not know), then alphabetically."""
    per_article: dict[str, Counter] = defaultdict(Counter)
    for _, type_, article in mentions:
        per_article[article][type_] += 1
    votes: Counter = Counter()
    for counts in per_article.values():
        for type_, n in counts.items():
            votes[type_] += n / sum(counts.values())
    return min(votes, key=lambda t: (-round(votes[t], 6), t == "PERSON", t))


def _key_groups(found: list[Found]) -> list[_Group]:
    groups: dict[str, list[Found]] = defaultdict(list)
    for mention in found:
        key = entity_key(mention[0])
        if key:
            groups[COUNTRY_FORMS.get(key, key)].append(mention)
    return [_Group(m) for m in groups.values()]


def _person_groups(groups: list[_Group], settings: DossierSettings) -> tuple[list[_Group], list[_Group]]:
    """People (by surname, split by first name) and the rest. A full name most articles call a person gives
    its surname; a bare surname joins that person whatever its type ("Lavrov" as an organisation), unless
    most articles call it a place ("Washington" the city stays a city beside a George Washington)."""
    by_surname: dict[str, list[Found]] = defaultdict(list)
    others = []
    for group in groups:
        words = person_words(group.name)
        if group.type == "PERSON" and len(words) > 1:
            by_surname[fold(surname(words))].extend((t, "PERSON", a) for t, _, a in group.mentions)
        else:
            others.append(group)
    rest = []
    for group in others:
        words = person_words(group.name)
        if len(words) == 1 and fold(words[0]) in by_surname and group.type not in PLACES:
            by_surname[fold(words[0])].extend((t, "PERSON", a) for t, _, a in group.mentions)
        else:
            rest.append(group)
    people = [_Group(m) for mentions in _merge_surname_spellings(by_surname, settings.same_spelling).values()
              for m in _split_by_first_name(mentions, settings.same_first_name)]
    return people, rest


def _merge_surname_spellings(by_surname: dict[str, list[Found]], same_spelling: float) -> dict[str, list[Found]]:
    """Surnames that are one transliteration (Zelensky/Zelenskyy), never both in one article, are one surname."""
    alike: dict[str, list[str]] = defaultdict(list)  # only surnames with the same consonants are compared
    for key in by_surname:
        alike[consonants(key)].append(key)
    for keys in alike.values():
        for i, key in enumerate(keys):
            for other in keys[i + 1:]:
                if key in by_surname and other in by_surname and one_spelling(key, other, same_spelling) and not (
                        {a for _, _, a in by_surname[key]} & {a for _, _, a in by_surname[other]}):
                    by_surname[key].extend(by_surname.pop(other))
    return by_surname


PLACES = {"GPE", "LOC", "FAC"}
_SUFFIX = re.compile(r"^(?:[IVX]+|Jr|Sr|Junior|Senior)\.?$")  # "Charles III", "Martin Luther King Jr."


def surname(words: list[str]) -> str:
    """The family name among a person's words: the last one that is not a regnal number or Jr/Sr."""
    named = [w for w in words[1:] if not _SUFFIX.match(w)]
    return named[-1] if named else words[0]


def _split_by_first_name(mentions: list[Found], same_name: float) -> list[list[Found]]:
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


# -- acronyms and spellings ---------------------------------------------------------------------------------

_MINOR_WORDS = {"of", "the", "and", "for", "on", "in", "de", "da", "do", "des", "du", "la", "le", "el", "y", "&"}


def _merge_acronyms(groups: list[_Group], texts: Mapping[str, str]) -> list[_Group]:
    """An acronym group ("NTSB") joins the one group it abbreviates ("National Transportation Safety Board")."""
    acronyms = [g for g in groups if acronym_of(g.name)]
    for short in acronyms:
        letters = acronym_of(short.name)
        stated = _stated_names(short, texts)
        fits = [g for g in groups if g is not short and g not in acronyms and g.mentions
                and (_initials_match(letters, g.name) or _named_in(g, stated))]
        if len(fits) != 1:  # none, or ambiguous: keep it apart
            continue
        long = fits[0]
        long.expansion = long.expansion or long.name
        long.absorb(short)
    return [g for g in groups if g.mentions]


def acronym_of(name: str) -> str | None:
    """"NTSB", "U.N.", "SBU" -> its letters; None for a word that is not an acronym."""
    letters = name.replace(".", "").strip()
    return letters if 2 <= len(letters) <= 7 and letters.isalpha() and letters.isupper() else None


def _initials_match(letters: str, name: str) -> bool:
    words = [w for w in re.split(r"[\s-]+", entity_key_text(name)) if w]
    if len(words) < 2:
        return False
    every = "".join(w[0] for w in words).upper()
    major = "".join(w[0] for w in words if w.lower() not in _MINOR_WORDS).upper()
    return letters.upper() in (every, major)


def _stated_names(short: _Group, texts: Mapping[str, str]) -> set[str]:
    """What the articles pair the acronym with, folded: the words inside "ACR (...)", and every ending of the
    words before "(ACR)" on its line ("officials of the Security Service of Ukraine (SBU)" gives "ukraine",
    "service of ukraine", ..., "security service of ukraine", ...)."""
    forms = "|".join(re.escape(f) for f in sorted({t for t, _, _ in short.mentions}, key=len, reverse=True))
    after = re.compile(rf"[(\[]\s*(?:{forms})\s*[)\]]")
    inside = re.compile(rf"\b(?:{forms})\s*[(\[]\s*([^\n()\[\]]{{1,120}})[)\]]")
    stated = set()
    for article in short.articles:
        text = texts.get(article, "")
        for match in after.finditer(text):
            words = entity_key(re.split(r"[\n()\[\]]", text[max(0, match.start() - 120):match.start()])[-1]).split()
            stated.update(" ".join(words[i:]) for i in range(len(words)))
        stated.update(entity_key(m.group(1)) for m in inside.finditer(text))
    return stated


def _named_in(group: _Group, stated: set[str]) -> bool:
    return any(entity_key(t) in stated for t in {t for t, _, _ in group.mentions})


def _merge_spellings(groups: list[_Group], same_spelling: float) -> list[_Group]:
    """Two spellings of one name (Kiev/Kyiv, Shakhtersk/Shaktarsk): the same kind of entity, the same consonants
    in the same order, at least `same_spelling` of their letters in common, and no article using both (one
    outlet keeps to one spelling; an article naming both means two places)."""
    alike: dict[str, list[_Group]] = defaultdict(list)  # only names with the same consonants are compared
    for group in groups:
        alike[consonants(entity_key(group.name))].append(group)
    for candidates in alike.values():
        for i, group in enumerate(candidates):
            for other in candidates[i + 1:]:
                if group.mentions and other.mentions and _one_spelling(group, other, same_spelling):
                    group.absorb(other)
    return [g for g in groups if g.mentions]


def _one_spelling(a: _Group, b: _Group, same_spelling: float) -> bool:
    if a.articles & b.articles or _kind(a.type) != _kind(b.type):
        return False
    return one_spelling(entity_key(a.name), entity_key(b.name), same_spelling)


def one_spelling(x: str, y: str, same_spelling: float) -> bool:
    """Two folded names that transliterate one name: the same consonants, lengths at most one letter apart,
    at least `same_spelling` alike."""
    if x == y or len(consonants(x)) < 2 or consonants(x) != consonants(y) or abs(len(x) - len(y)) > 1:
        return False  # (a transliteration swaps letters or adds one: Niger and Nigeria are two countries)
    return SequenceMatcher(None, x, y).ratio() >= same_spelling


def _kind(type_: str) -> str:
    return "PLACE" if type_ in PLACES else type_


def consonants(folded: str) -> str:
    """The consonants of a folded name, doubled ones once, "h" dropped and c/q as k: what transliterations keep
    ("kiev" and "kiiv" -> "kv"; "shakhtersk" and "shaktarsk" -> "sktrsk")."""
    letters = [("k" if c in "cq" else c) for c in folded if c.isalpha() and c not in "aeiouhwy"]
    return "".join(c for i, c in enumerate(letters) if i == 0 or c != letters[i - 1])


# -- the entity ---------------------------------------------------------------------------------------------


def _entity(mentions: list[Found], type_: str | None, expansion: str | None = None) -> Entity:
    forms = Counter(text for text, _, _ in mentions)
    full = [f for f in forms if len(person_words(f)) > 1] if type_ == "PERSON" else []
    pool = full or list(forms)
    name = expansion or max(pool, key=lambda f: (forms[f], len(f), f))  # an acronym's full name explains it
    if type_ == "PERSON":
        name = " ".join(person_words(name))
    per_article = Counter(article for _, _, article in mentions)
    return Entity(name=name, type=type_ or majority_type(mentions),
                  aliases=sorted(f for f in forms if f != name), mentions=dict(sorted(per_article.items())))


def person_words(text: str) -> list[str]:
    words = [w.strip(".,") for w in text.replace("’s", "").replace("'s", "").split()]
    return without_titles([w for w in words if w])


def entity_key_text(text: str) -> str:
    """The name without possessive, leading article and dots between letters ("the U.S.'s" -> "US")."""
    text = text.replace("’s", "").replace("'s", "").replace("’", "").rstrip("'")
    text = _DOTTED.sub(lambda m: m.group().replace(".", ""), text)
    words = [w for w in text.split() if w.lower() not in ("the", "a", "an")]
    while len(words) > 1 and _LEGAL_FORM.match(words[-1]):  # "Kroger Co", "Wal-Mart Stores Inc.": the company
        words = words[:-1]
    if len(words) == 1 and words[0][:1].isupper():
        words[0] = _DOT_COM.sub("", words[0])  # "Amazon.com" is Amazon
    return " ".join(words)


# The legal form a company's name may end with; the name without it is the same company.
_LEGAL_FORM = re.compile(r"^,?(?:Inc|Corp|Corporation|Co|Ltd|LLC|plc|PLC|AG|SA|NV|GmbH)\.?,?$")
_DOT_COM = re.compile(r"(?<=\w)\.com$")


_DOTTED = re.compile(r"\b(?:[A-Za-z]\.){2,}")


def entity_key(text: str) -> str:
    return fold(entity_key_text(text))


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
            names.setdefault(fold(surname(words)), entity.name)
    return names


# -- country short forms ------------------------------------------------------------------------------------

# The usual short forms of a country, each taken as the country (keys are folded as `entity_key` folds).
_COUNTRIES = {
    "united states": ["us", "usa", "united states of america", "america"],
    "united kingdom": ["uk", "britain", "great britain"],
    "united arab emirates": ["uae"],
    "russia": ["russian federation"],
    "south korea": ["republic of korea", "rok"],
    "north korea": ["dprk", "democratic people's republic of korea"],
    "czech republic": ["czechia"],
    "netherlands": ["holland"],
    "myanmar": ["burma"],
    "ivory coast": ["cote d'ivoire"],
    "democratic republic of congo": ["drc", "dr congo", "democratic republic of the congo"],
}
COUNTRY_FORMS = {entity_key(short): entity_key(full) for full, shorts in _COUNTRIES.items() for short in shorts}
