"""The same quotation across outlets, despite punctuation, ellipses, truncation and small edits.

Two quotations are one when, word for word (case and punctuation ignored), one
contains the other (a truncation), every piece of one between ellipses appears in
the other in order, or they differ by little (difflib ratio over words). One- and
two-word quotations ("fascist coup") must match exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from ..config import DossierSettings
from ..model import Analysis, Article, Citation, Entity, Quotation, QuoteGroup, QuoteVariant
from .entities import canonical_names, fold, person_words

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_ELLIPSIS = re.compile(r"\s*(?:\.\s?\.\s?\.|…)\s*")


# Contractions written out, so "It's a mess" and "It is a mess" are one quotation; "'s" only after the
# pronouns where it cannot be a possessive.
_CONTRACTIONS = {"n't": ["not"], "'m": ["am"], "'re": ["are"], "'ve": ["have"], "'ll": ["will"], "'d": ["would"]}
_IS_PRONOUNS = frozenset("it that there he she what who here where".split())


def words(text: str) -> list[str]:
    out: list[str] = []
    for word in (w.replace("’", "'") for w in _WORD.findall(text.casefold())):
        out.extend(_expanded(word))
    return out


def _expanded(word: str) -> list[str]:
    if word in ("can't", "won't", "cannot"):
        return ["will" if word == "won't" else "can", "not"]
    for ending, full in _CONTRACTIONS.items():
        if word.endswith(ending) and len(word) > len(ending):
            return [word[:-len(ending)], *full]
    if word.endswith("'s") and word[:-2] in _IS_PRONOUNS:
        return [word[:-2], "is"]
    return [word]


def same_quote(a: str, b: str, settings: DossierSettings = DossierSettings()) -> bool:
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return False
    if min(len(wa), len(wb)) < settings.short_quote_words:
        return wa == wb
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if _contains(long_, short):
        return True
    for x, y in ((a, b), (b, a)):
        pieces = [words(p) for p in _ELLIPSIS.split(x) if words(p)]
        if len(pieces) > 1 and _in_order(words(y), pieces):
            return True
    # compared by stems, so a translated statement's "going"/"go" or "victims"/"victim" is no edit
    return SequenceMatcher(None, _stems(wa), _stems(wb), autojunk=False).ratio() >= settings.same_quote_ratio


def _stems(words_: list[str]) -> list[str]:
    """Crude English stems: the common inflections cut ("going" -> "go", "struck" stays)."""
    return [re.sub(r"(?<=..)(?:ing|ed|es|s)$", "", w) if len(w) > 4 else w for w in words_]


def _contains(long_: list[str], short: list[str]) -> bool:
    n = len(short)
    return any(long_[i:i + n] == short for i in range(len(long_) - n + 1))


def _in_order(target: list[str], pieces: list[list[str]]) -> bool:
    position = 0
    for piece in pieces:
        n = len(piece)
        found = next((i for i in range(position, len(target) - n + 1) if target[i:i + n] == piece), None)
        if found is None:
            return False
        position = found + n
    return True


def match_quotes(articles: list[Article], analyses: dict[str, Analysis], entities: list[Entity],
                 settings: DossierSettings = DossierSettings()) -> list[QuoteGroup]:
    names = canonical_names(entities)
    known = {fold(form) for e in entities for form in (e.name, *e.aliases)} | set(names)
    items = [(a.id, q) for a in articles for q in analyses[a.id].quotes]
    groups: list[list[tuple[str, Quotation]]] = []
    for item in items:
        home = next((g for g in groups if any(same_quote(item[1].text, other.text, settings) for _, other in g)), None)
        if home is None:
            groups.append([item])
        else:
            home.append(item)
    titles = _titles(items, names, known)
    speakers = {id(q): _own_speaker(q, names, known, titles) for _, q in items}
    tops = [_top_speaker([speakers[id(q)] for _, q in group], known) for group in groups]
    # An outlet that quotes the words without the name ("an eyewitness said") gets the name another outlet
    # gives for the same statement, and so do the other quotations of that same mention in its article.
    by_mention = {(aid, q.speaker_start): named for group, (named, _) in zip(groups, tops, strict=True) if named
                  for aid, q in group if q.speaker_start is not None and _unnamed(speakers[id(q)], known)}
    out = []
    for group, (named, top) in zip(groups, tops, strict=True):
        variants = [QuoteVariant(q.text, _variant_speaker(aid, q, speakers[id(q)], named, by_mention, known),
                                 Citation(aid, q.start, q.end)) for aid, q in group]
        longest = max((q.text for _, q in group), key=lambda t: (len(words(t)), t))
        out.append(QuoteGroup(speaker=top, text=longest, variants=variants))
    return sorted(out, key=lambda q: (-len({v.cite.article_id for v in q.variants}), q.variants[0].cite.article_id,
                                      q.variants[0].cite.start))


def _titles(items: list[tuple[str, Quotation]], names: dict[str, str], known: set[str]) -> dict[str, str]:
    """Titles the story's outlets give a named speaker ("Transport Minister Danilo Toninelli", "Italy's
    transport minister, Danilo Toninelli, said"), by their key ("transport minister"), when only one name has it."""
    found: dict[str, set[str]] = {}
    for _, q in items:
        if not (q.speaker and q.speaker_text) or describes(speaker := _canonical(q.speaker, names), known):
            continue
        name_words = {fold(w) for w in speaker.split()}
        title = [w for w in q.speaker_text.split() if fold(w.strip(",")) not in name_words]
        if title and (q.speaker_text.split()[0].lower() not in _INDEFINITE):
            found.setdefault(_title_key(" ".join(title)), set()).add(speaker)
    return {key: next(iter(people)) for key, people in found.items() if key and len(people) == 1}


_INDEFINITE = frozenset("a an another one some".split())


def _title_key(title: str) -> str:
    """"Italy's transport minister" and "the Transport Minister" -> "transport minister"."""
    kept = [w for w in re.findall(r"[\w'’-]+", title.casefold())
            if w not in _DETERMINERS and not re.search(r"['’]s?$", w)]
    return " ".join(kept)


def _own_speaker(q: Quotation, names: dict[str, str], known: set[str], titles: dict[str, str]) -> str | None:
    """The speaker the article names, canonical; a definite description ("the transport minister") is the one
    person another outlet names with that title."""
    speaker = _canonical(q.speaker, names) if q.speaker else None
    if speaker and describes(speaker, known) and speaker.split()[0].lower() not in _INDEFINITE:
        return titles.get(_title_key(speaker), speaker)
    return speaker


def _top_speaker(speakers: list[str | None], known: set[str]) -> tuple[str | None, str | None]:
    """(the name most variants give, or None; the speaker most give, names first)."""
    named = Counter(s for s in speakers if s and not describes(s, known))
    anyone = named or Counter(s for s in speakers if s)
    return (named.most_common(1)[0][0] if named else None), (anyone.most_common(1)[0][0] if anyone else None)


def _unnamed(speaker: str | None, known: set[str]) -> bool:
    return not speaker or describes(speaker, known)


def _variant_speaker(aid: str, q: Quotation, own: str | None, named: str | None,
                     by_mention: dict[tuple[str, int | None], str], known: set[str]) -> str | None:
    if not _unnamed(own, known):
        return own
    return named or by_mention.get((aid, q.speaker_start)) or own


_DETERMINERS = frozenset("a an the another one some two three several many this that these those".split())


def describes(speaker: str, known: set[str] = frozenset()) -> bool:
    """Whether a speaker is a description rather than a name: "an eyewitness", "the transport minister", or
    one capitalised word that names no entity of the story ("Witnesses" at the start of a sentence)."""
    words_ = speaker.split()
    if not words_ or words_[0].lower() in _DETERMINERS or not any(w[:1].isupper() for w in words_):
        return True
    return len(words_) == 1 and fold(speaker) not in known


def _canonical(speaker: str, names: dict[str, str]) -> str:
    words_ = person_words(speaker)
    if not words_:
        return speaker
    return names.get(fold(" ".join(words_))) or names.get(fold(words_[-1])) or speaker
