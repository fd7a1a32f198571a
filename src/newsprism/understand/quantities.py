"""Numbers and what they count: "40,000 Russian troops", "15%", "2.3 million euros", "tens of thousands".

spaCy's entity recognizer finds the amounts (CARDINAL, MONEY, PERCENT, QUANTITY);
the text of each is turned into a number here, with its hedges ("at least",
"about", "more than") as a range, and the dependency parse says what it counts:
the noun it modifies ("troops"), or, for a bare number such as "at least 12 were
killed", the state it is in ("killed"). Vague amounts ("dozens of divers", "tens
of thousands") are found by pattern and keep only the floor their word implies
("dozens": at least 24), never an invented value. Ranges ("eight or nine", "75-80
per cent", "between 20 and 30") are one quantity with both ends. Units are read in
context: "a 220-pound man" is a weight, and a number hyphened to a word before a
noun ("the 650-seat House", "a 4.7-inch screen") measures that noun.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from ..dates import MONTHS
from ..model import Quantity

AMOUNT_LABELS = {"CARDINAL", "MONEY", "PERCENT", "QUANTITY"}
UNITS = {
    "%": "%", "percent": "%", "per cent": "%", "pc": "%",
    "$": "USD", "us$": "USD", "dollar": "USD", "dollars": "USD", "€": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "pound": "GBP", "pounds": "GBP", "sterling": "GBP", "¥": "JPY", "yen": "JPY",
    "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB", "hryvnia": "UAH",
    "km": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km",
    "metre": "m", "metres": "m", "meter": "m", "meters": "m", "m": "m", "mile": "mi", "miles": "mi",
    "kg": "kg", "tonne": "t", "tonnes": "t", "ton": "t", "tons": "t",
}
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
          "trillion": 1e12, "k": 1e3}
WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
WORDS.update({w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())})
WORDS.update({"a dozen": 12, "dozen": 12, "a hundred": 100, "a thousand": 1000, "half": 0.5, "a third": 1 / 3,
              "a quarter": 0.25, "a half": 0.5})
PHRASES = ("a dozen", "a hundred", "a thousand", "a third", "a quarter", "a half")
# Vague amounts and the floor their word implies ("dozens" is at least two dozen). No ceiling: "dozens" is
# said of 150 as well, and a vague word must never conflict with a figure its floor allows.
VAGUE = {
    "several": 3, "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2_000, "tens of thousands": 20_000,
    "hundreds of thousands": 200_000, "millions": 2e6, "tens of millions": 2e7, "hundreds of millions": 2e8,
    "billions": 2e9,
}
# Not "several hundred": a vague multiple of a scale is not a vague amount of single things.
_VAGUE = re.compile(r"\b(" + "|".join(sorted((re.escape(k) for k in VAGUE), key=len, reverse=True))
                    + r")\b(?!\s+(?:hundred|thousand|million|billion)\b)(?: of)?", re.IGNORECASE)
LOWER = ("at least", "more than", "over", "upwards of", "in excess of", "no fewer than", "no less than", "above")
STRICT = ("more than", "over", "upwards of", "in excess of", "above")
UPPER = ("up to", "at most", "fewer than", "less than", "under", "below", "nearly", "almost", "no more than")
APPROX = ("about", "around", "some", "roughly", "approximately", "an estimated", "estimated", "nearly", "almost",
          "close to", "up to", "more or less", "circa", "c.")
_NUMBER = re.compile(r"(\d+(?:[,.]\d+)*)")
GENERIC = {"people", "person", "persons", "others", "other", "of", "those", "them", "individuals"}
STATES = {"dead", "killed", "died", "injured", "wounded", "hurt", "missing", "unaccounted", "arrested", "detained",
          "rescued", "evacuated", "displaced", "hospitalised", "hospitalized", "stranded", "trapped", "affected"}
_YEARISH = re.compile(r"^(1[89]\d\d|20\d\d)s?$")
# A period after the amount and at most two words ("vehicles", "road vehicles") makes it a rate,
# unless the period dates something ("killed 13 people a day after the storm").
_RATE = re.compile(r"(?:\s+[^\W\d_][\w'’-]*){0,2}?\s+(?:a|an|per|each|every)\s+(day|week|month|year|hour)\b"
                   r"(?!\s+(?:after|before|earlier|later|ago|or)\b)", re.IGNORECASE)

_OUT_OF = re.compile(r"\s+out\s+of\s", re.IGNORECASE)
_WHOLE = re.compile(r"\bout\s+of\s+(?:the\s+|its\s+|their\s+)?$", re.IGNORECASE)
# Ranges: "between 20 and 30", "75-80 per cent", "14 to 15 percent", "eight or nine". A dash joins digits
# only before a unit ("5-2", "55-45" are results, not ranges); "from 26 to 37" is a change, not a range.
_NUM = r"\d+(?:[,.]\d+)*|" + "|".join(w for w in WORDS if " " not in w and w != "half")
_UNIT_AFTER = r"\s*(?:%|per\s*cent\b|percent\b|pc\b|" + "|".join(
    re.escape(u) for u in sorted(UNITS, key=len, reverse=True) if u[0].isalpha()) + r"\b)"
_RANGE = re.compile(
    rf"\bbetween\s+(?P<a1>{_NUM})\s+and\s+(?P<b1>{_NUM})\b"
    rf"|(?<!\bfrom\s)(?<![\w.,])(?P<a2>\d+(?:[,.]\d+)*)\s*(?:-|–|—)\s*(?P<b2>\d+(?:[,.]\d+)*)(?={_UNIT_AFTER})"
    rf"|(?<!\bfrom\s)(?<![\w.,-])(?P<a3>{_NUM})\s+(?P<sep>to|or)\s+(?P<b3>{_NUM})\b(?![,.:]?\d)",
    re.IGNORECASE)
# "a loss of 251 seats", "predictions of 410 seats": a count of something else than the seats; only these
# nouns say the number is the count itself ("a total of 412 seats", "a team of 24 divers").
TOTALS = {"total", "tally", "number", "count", "haul", "sum", "figure", "toll", "estimate", "maximum", "minimum",
          "group", "crowd", "set", "team", "crew", "squad", "party", "contingent", "force", "fleet", "convoy", "batch"}
# A number hyphened to one of these before a noun is a measure of the noun ("a 220-pound man"), never money.
MEASURE_UNITS = {"pound": "lb", "inch": "in", "foot": "ft", "feet": "ft", "ounce": "oz"}
# "down from 365": the earlier figure of what the number before it counts.
_EARLIER = re.compile(r"\b(?:down|up|rising|falling|dropping|climbing|increasing|decreasing)\s+from\s+$",
                      re.IGNORECASE)


def extract_quantities(doc: Doc, parses: bool = True) -> list[Quantity]:
    text = doc.text  # once: spaCy joins the tokens again on every call
    found: list[Quantity] = [q for q in (_range(doc, m, parses) for m in _RANGE.finditer(text)) if q]
    taken: list[tuple[int, int]] = [(q.start, q.end) for q in found]
    for ent in doc.ents if parses else ():
        if ent.label_ in AMOUNT_LABELS and not any(s < ent.end_char and ent.start_char < e for s, e in taken):
            quantity = _from_entity(ent, text)
            if quantity is not None:
                found.append(quantity)
                taken.append((quantity.start, quantity.end))
    for match in _VAGUE.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        low = VAGUE[match.group(1).lower()]
        span = doc.char_span(match.start(), match.end(1), alignment_mode="expand")
        what = _what(span) if (parses and span is not None) else None
        found.append(Quantity(match.group(1), match.start(), match.end(1), low, what, None, low, None,
                              approximate=True))
    found.sort(key=lambda q: q.start)
    return _earlier_figures(found, text)


def _range(doc: Doc, match: re.Match, parses: bool) -> Quantity | None:
    """A range as one quantity, both ends kept ("eight or nine": low 8, high 9; value is the low end)."""
    name = next(n for n in ("1", "2", "3") if match.group("a" + n))
    low, high = (parse_amount(match.group(p + name))[0] for p in ("a", "b"))
    if low is None or high is None or not low < high or _YEARISH.match(match.group("a" + name)):
        return None
    if name == "3" and match.group("sep").lower() == "or" and high > 2 * low + 1:
        return None  # "one or 10": alternatives, not one uncertain count
    start, end = match.start(), match.end()
    unit = None
    after = re.match(_UNIT_AFTER, doc.text[end:], re.IGNORECASE)
    if after:
        word = after.group().strip().lower()
        unit = "%" if word in ("%", "pc") or "cent" in word else UNITS.get(word)
        end += after.end()
    span = doc.char_span(start, end, alignment_mode="expand")
    what = _what(span) if (parses and span is not None) else None
    if unit and what in UNITS:
        what = None  # "14 to 15 percent": the parse took the unit for the thing counted
    return Quantity(doc.text[start:end], start, end, low, what, unit, low, high)


def _earlier_figures(found: list[Quantity], text: str) -> list[Quantity]:
    """"121 seats, down from 365": 365 counts what 121 counts (at an earlier time, which its clause may name)."""
    for before, quantity in zip(found, found[1:], strict=False):
        lead, between = text[max(0, quantity.start - 40):quantity.start], text[before.end:quantity.start]
        if quantity.what is None and before.what and _EARLIER.search(lead) and "." not in between:
            quantity.what, quantity.unit = before.what, quantity.unit or before.unit
    return found


def _from_entity(ent: Span, doc_text: str) -> Quantity | None:
    text = ent.text
    if _YEARISH.match(text.strip()) or _next_to_month(ent):
        return None  # a year or a day of the month is a date, not an amount
    hedge, body = _hedge(text)
    value, unit = parse_amount(body)
    if value is None:
        return None
    low = high = None
    lowered = hedge.lower()
    if lowered in LOWER:
        low = value
        if lowered in STRICT and unit is None and value == int(value) and value >= 1:
            low = value + 1  # "more than 410 seats" excludes 410: a count of whole things is at least 411
    elif lowered in UPPER:
        high = value
    start, end = ent.start_char, ent.end_char
    doc = ent.doc
    if ent.end < len(doc) and unit is None and doc[ent.end].lower_ in UNITS:
        following = doc[ent.end]  # "2.3 million euro", "15 %"
        unit, end = UNITS[following.lower_], following.idx + len(following)
    if unit is None and 0 < value < 1 and not _NUMBER.search(body):
        unit = "share"  # "roughly a third of the bridge" is a part of it, not a count of bridges
    rate = _RATE.match(doc_text, end)
    if rate:  # "about 40,000 vehicles a day", "€400,000 a day": a rate, compared only with rates
        unit = f"{unit + ' ' if unit else ''}per {rate.group(1).lower()}"
    measure = _measure(ent)
    if measure is not None:  # "the 650-seat House": a size of the House, not a count of seats won
        return Quantity(doc_text[start:end], start, end, value, *measure, low, high,
                        approximate=bool(hedge) and lowered in APPROX)
    # "five out of seven justices": five is a part of a count given beside it, not a count of justices
    what = None if _OUT_OF.match(doc_text, end) else _what(ent)
    if what and _WHOLE.search(doc_text, max(0, start - 20), start):
        what = f"{what} in all"  # ... and seven counts all the justices, not those who voted
    return Quantity(doc_text[start:end], start, end, value, what, unit, low, high,
                    approximate=bool(hedge) and lowered in APPROX)




def _measure(ent: Span) -> tuple[str | None, str] | None:
    """(what, unit) of a number hyphened to a word that modifies a noun after it: "a 220-pound man" is
    (man, lb), "the 650-seat House" (house, seat), "a 4.7-inch screen" (screen, in); None otherwise."""
    doc = ent.doc
    number = max((t for t in ent if t.like_num), key=lambda t: t.i, default=None)
    if number is None or number.i + 2 >= len(doc) or doc[number.i + 1].text not in ("-", "–"):
        return None
    word = doc[number.i + 2]
    noun = word.head
    if not word.is_alpha or word.lower_ in ("strong", "odd") or noun.i <= word.i or noun.pos_ not in ("NOUN", "PROPN"):
        return None
    unit = MEASURE_UNITS.get(word.lemma_.lower()) or UNITS.get(word.lower_) or word.lemma_.lower()
    return (noun.lemma_.lower() if noun.pos_ == "NOUN" else noun.lower_), unit


def _next_to_month(ent: Span) -> bool:
    doc = ent.doc
    before = doc[ent.start - 1].lower_.rstrip(".") if ent.start else ""
    after = doc[ent.end].lower_.rstrip(".") if ent.end < len(doc) else ""
    return before in MONTHS or after in MONTHS or any(t.lower_ in MONTHS for t in ent)


def _hedge(text: str) -> tuple[str, str]:
    lowered = text.lower()
    for hedge in sorted(LOWER + UPPER + APPROX, key=len, reverse=True):
        if lowered.startswith(hedge + " "):
            return text[:len(hedge)], text[len(hedge) + 1:]
    return "", text


def parse_amount(text: str) -> tuple[float | None, str | None]:
    """'40,000' -> 40000; '2.3 million euros' -> 2.3e6, 'EUR'; 'Thirty-eight' -> 38; '15%' -> 15, '%'."""
    lowered = text.lower().replace("-strong", "").strip()
    unit = None
    for name, code in sorted(UNITS.items(), key=lambda item: -len(item[0])):
        if (name in "$€£¥%" and name in lowered) or re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", lowered):
            unit = code
            lowered = lowered.replace(name, " ")
            break
    words = [w for w in re.split(r"[\s\-–]+", lowered) if w]
    number = _NUMBER.search(lowered)
    value = None
    if number:
        value = _digits(number.group(1))
    else:
        value = _words_value(words)
        phrase = next((p for p in PHRASES if " ".join(words).startswith(p)), None)
        if phrase:  # "a hundred" is 100 already: its "hundred" scales nothing ("a hundred thousand" still does)
            words = words[len(phrase.split()):]
    if value is None:
        return None, unit
    for word in words:
        if word in SCALES and not (word in ("m", "k") and unit == "m"):
            value *= SCALES[word]
            break
    return value, unit


def _digits(text: str) -> float | None:
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):  # 40.000 in continental style
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _words_value(words: list[str]) -> float | None:
    joined = " ".join(words)
    for phrase in PHRASES:
        if joined.startswith(phrase):
            return float(WORDS[phrase])
    total, seen = 0.0, False
    for word in words:
        if word in WORDS:
            total += WORDS[word]
            seen = True
        elif word == "and":
            continue
        elif seen:
            break
    return total if seen else None


def _what(span: Span) -> str | None:
    """What the amount counts: the noun it modifies, or the state its subject is in ("12 killed")."""
    root = span.root
    head = root.head
    if root.lower_ in ("%", "percent", "cent") and head.pos_ in ("VERB", "AUX"):
        subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
        return _counted(subjects[0]) if subjects else None  # "traffic rose 40%"
    if root.dep_ in ("nummod", "quantmod", "compound", "amod", "npadvmod") and head.i >= span.end:
        if head.dep_ in ("nsubj", "nsubjpass") and _split(head.head):
            return None  # "Four judges voted for, while one voted against": one side of a split, not a count
        return _of_what(head, _counted(head))
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ in ("NOUN", "PROPN"):
        return _counted(head.head)  # "dozens of divers" parsed the other way round
    whole = next((o for c in root.children if c.dep_ == "prep" and c.lower_ == "of"
                  for o in c.children if o.dep_ == "pobj"), None)
    if whole is not None:
        return None if _part_of_count(whole, span) else _counted(whole)
    if root.dep_ in ("nsubj", "nsubjpass"):
        return _state(head)
    if root.dep_ in ("dobj", "attr", "pobj") and (state := _object_state(root)):
        return state
    if root.pos_ in ("NOUN", "PROPN") and root.lower_ not in SCALES and not root.like_num:
        return _counted(root)
    return _noun_after(span)


def _of_what(noun: Token, counted: str | None) -> str | None:
    """What "N <noun>" counts inside "X of N <noun>": the noun's count for a total ("a total of 412 seats"),
    all of them when X is a part ("five of the seven judges": seven judges in all), else something else
    than the noun ("a loss of 251 seats", "the predictions of 410 seats") that no plain count compares with."""
    if counted is None or noun.dep_ != "pobj" or noun.head.lower_ != "of":
        return counted
    outer = noun.head.head
    if outer.like_num or outer.pos_ == "NUM":
        return f"{counted} in all"
    if outer.pos_ == "NOUN" and outer.lemma_.lower() not in TOTALS:
        return f"{outer.lemma_.lower()} of {counted}"
    return counted


def _split(verb: Token) -> bool:
    """Whether another clause of the sentence has a number as the subject of the same verb ("Four judges
    voted in favour, while one voted against it"): the count is one side of a split."""
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    related = [c for c in verb.children if c.dep_ in ("conj", "advcl")] + ([verb.head] if verb.dep_ in (
        "conj", "advcl") else [])
    return any(other.lemma_ == verb.lemma_ and any(
        c.dep_ in ("nsubj", "nsubjpass") and (c.like_num or any(n.dep_ == "nummod" for n in c.children))
        for c in other.children) for other in related)


def _part_of_count(whole: Token, span: Span) -> bool:
    """"nine of them", "22 of the injured", "one of only two crossings": a part of a count given
    elsewhere, not that count ("a quarter of a million dollars" is one amount)."""
    counted = any(c.dep_ == "nummod" and not span.start <= c.i < span.end for c in whole.children)
    return whole.pos_ == "PRON" or whole.lower_ in STATES or counted


def _noun_after(span: Span) -> str | None:
    """"an estimated 40,000 Russian troops": the parse hangs the amount elsewhere; the noun follows it."""
    doc = span.doc
    for token in doc[span.end:span.end + 4]:
        if token.lower_ in ("-", "strong", "-strong"):
            continue
        if token.pos_ in ("NOUN", "PROPN") and token.ent_type_ not in ("GPE", "NORP", "PERSON"):
            return _counted(token)
        if token.pos_ not in ("ADJ", "PROPN", "NOUN") and token.ent_type_ != "NORP":
            return None
    return None


def _counted(noun: Token) -> str | None:
    if noun.like_num:
        return None  # "five out of seven justices": five counts a part of the seven, given beside it
    if noun.lower_ in GENERIC or noun.lemma_.lower() in GENERIC:
        # "people", "others": what they count is the state they are in, else just a crowd
        return _people_state(noun) or ("people" if noun.pos_ in ("NOUN", "PROPN") else None)
    if noun.lower_ == "strong" and noun.head.pos_ in ("NOUN", "PROPN"):
        return _counted(noun.head)
    if noun.lemma_.lower() == "toll":
        return "dead"  # "a death toll of 14"
    lemma = noun.lemma_.lower()
    return lemma if any(c.isalpha() for c in lemma) else None  # "the 5+2 format": 5 counts no "2"


def _people_state(noun: Token) -> str | None:
    """'12 people were killed', 'killing 12 people', '13 people killed', 'left 31 others injured',
    'three people who are still missing', '38 injured people'."""
    for child in noun.children:
        if child.dep_ in ("acl", "amod", "relcl") and (child.lower_ in STATES or child.dep_ == "relcl"):
            state = _state(child)
            if state:
                return state
    if noun.dep_ in ("nsubj", "nsubjpass"):
        return _state(noun.head)
    if noun.dep_ == "dobj":
        return VERB_STATES.get(noun.head.lemma_.lower()) or _state(noun.head)
    return None


def _object_state(number: Token) -> str | None:
    """A bare number after a verb: 'injuring 38', 'the collapse killed 13', 'the death toll rose to 14'."""
    verb = number.head.head if number.dep_ == "pobj" else number.head
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() == "toll" for c in verb.children):
        return "dead"
    return VERB_STATES.get(verb.lemma_.lower()) if number.dep_ == "dobj" else None


# What a verb does to its object: "killing 12 people" counts the dead.
VERB_STATES = {"kill": "dead", "injure": "injured", "wound": "injured", "hurt": "injured", "rescue": "rescued",
               "evacuate": "evacuated", "arrest": "arrested", "detain": "detained", "displace": "displaced",
               "hospitalise": "injured", "hospitalize": "injured", "strand": "stranded", "trap": "trapped"}
# "taken to hospital", "treated for injuries": counted with the injured, as news reports do.
INJURY_NOUNS = {"hospital", "injury", "wound"}


def _state(verb: Token) -> str | None:
    """'killed', 'dead', 'missing' for "12 were killed", "five are missing"; 'injured' for "31 were
    taken to hospital"."""
    if verb.lemma_.lower() in STATES or verb.lower_ in STATES:
        return _canonical_state(verb.lower_)
    for child in verb.children:
        if child.dep_ in ("acomp", "attr", "oprd", "xcomp") and child.lower_ in STATES:
            return _canonical_state(child.lower_)
        if child.dep_ == "prep" and any(o.dep_ == "pobj" and o.lemma_.lower() in INJURY_NOUNS for o in child.children):
            return "injured"
    return None


def _canonical_state(word: str) -> str:
    return {"killed": "dead", "died": "dead", "wounded": "injured", "hurt": "injured", "hospitalised": "injured",
            "hospitalized": "injured", "unaccounted": "missing"}.get(word, word)
