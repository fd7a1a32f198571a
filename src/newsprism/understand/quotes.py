"""Direct quotations and who said them.

1. Quoted spans: text between matching quotation marks (“…”, "…", „…“, «…», ‘…’),
   within a paragraph; a paragraph that opens a quotation and never closes it
   continues into the next one that opens with a mark (the newspaper convention).
2. The cue: the reporting verb ("said", "told", "warned") in the quotation's
   sentence outside the quoted words, nearest to them first; a quotation that is
   a sentence of its own takes the cue of the sentence before it when that one
   ends in a colon, or of a short "he said." sentence right after it.
3. The speaker: the verb's subject ("according to X" too), widened to the whole
   name; a pronoun is resolved to the nearest person named before it, and a title
   ("Russia's foreign minister") to the person the article names with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..model import Quotation

OPENERS = {"“": "”", '"': '"', "„": "“”", "«": "»", "‘": "’", "‹": "›", "»": "«"}
MIN_WORDS = 1
REPORTING_VERBS = frozenset("""
    say tell add warn insist claim state declare explain note write ask reply respond argue announce acknowledge
    admit suggest urge describe vow promise deny accuse predict recall conclude comment quip joke shout tweet post
    testify complain caution stress emphasise emphasize continue agree believe think call remark observe report
    confirm estimate concede contend maintain assert mutter whisper scream cry yell sigh laugh demand plead
    pledge threaten recount reiterate repeat inform assure tell advise answer retort counter interject
    exclaim proclaim allege charge blame criticise criticize praise hail welcome dismiss reject question wonder
""".split())
PRONOUNS = {"he": "male", "she": "female", "him": "male", "her": "female", "they": None, "i": None, "we": None}
SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
PERSON_LIKE = {"PERSON", "ORG", "NORP", "GPE"}


@dataclass
class _Span:
    start: int  # of the quoted words, without the marks
    end: int


def quoted_spans(text: str) -> list[_Span]:
    """Character spans of the words inside quotation marks, in text order."""
    spans: list[_Span] = []
    offset = 0
    for paragraph in text.split("\n"):
        spans.extend(_Span(offset + s, offset + e) for s, e in _paragraph_quotes(paragraph))
        offset += len(paragraph) + 1
    return [s for s in spans if len(text[s.start:s.end].split()) >= MIN_WORDS]


def _paragraph_quotes(paragraph: str) -> list[tuple[int, int]]:
    found, position = [], 0
    while position < len(paragraph):
        opener = _next_opener(paragraph, position)
        if opener is None:
            break
        closer = _closer(paragraph, opener)
        if closer is None:  # unclosed: runs to the end of the paragraph
            found.append((opener + 1, len(paragraph.rstrip())))
            break
        found.append((opener + 1, closer))
        position = closer + 1
    return [(s, e) for s, e in ((_strip(paragraph, s, e)) for s, e in found) if e > s]


def _next_opener(paragraph: str, position: int) -> int | None:
    for index in range(position, len(paragraph)):
        char = paragraph[index]
        if char not in OPENERS:
            continue
        if char in "‘’'" or char == "»":
            # A single mark opens a quotation only where an apostrophe cannot be.
            before = paragraph[index - 1] if index else " "
            if before.isalnum():
                continue
        return index
    return None


def _closer(paragraph: str, opener: int) -> int | None:
    closers = OPENERS[paragraph[opener]]
    for index in range(opener + 1, len(paragraph)):
        char = paragraph[index]
        if char in closers:
            if char == "’":  # an apostrophe inside a word ("don’t") does not close
                after = paragraph[index + 1] if index + 1 < len(paragraph) else " "
                if after.isalpha():
                    continue
            return index
        if paragraph[opener] == '"' and char == "”":
            return index
    return None


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# -- cue and speaker -------------------------------------------------------------


def extract_quotes(doc: Doc, parses: bool = True) -> list[Quotation]:
    text = doc.text
    quotes = []
    roles = role_names(doc) if parses else {}
    for span in quoted_spans(text):
        quote = Quotation(text=text[span.start:span.end], start=span.start, end=span.end)
        if parses:
            _attribute(doc, quote, roles)
        quotes.append(quote)
    return _continuations(quotes, text)


def _continuations(quotes: list[Quotation], text: str) -> list[Quotation]:
    """An unattributed quotation right after an attributed one (same paragraph, or continuing
    it in the next) is the same speaker's: `"...," Lavrov said. "We are getting closer."`"""
    for previous, quote in zip(quotes, quotes[1:]):
        gap = text[previous.end:quote.start]
        if quote.speaker is None and previous.speaker and len(gap) <= 120 and gap.count("\n") <= 1 \
                and (previous.speaker_start is None or previous.speaker_start < quote.start):
            quote.speaker, quote.cue = previous.speaker, previous.cue
    return quotes


def _attribute(doc: Doc, quote: Quotation, roles: dict[str, str]) -> None:
    inside = doc.char_span(quote.start, quote.end, alignment_mode="expand")
    if inside is None or not len(inside):
        return
    cue = _cue_in(inside.sent, quote) or _cue_nearby(doc, inside, quote)
    if cue is None:
        return
    quote.cue = cue.text
    speaker = _speaker(cue)
    if speaker is None:
        return
    quote.speaker_text = speaker.text
    quote.speaker_start, quote.speaker_end = speaker.start_char, speaker.end_char
    quote.speaker = resolve_speaker(doc, speaker, roles)


def _outside(token: Token, quote: Quotation) -> bool:
    return not (quote.start - 1 <= token.idx < quote.end + 1)


def _is_cue(token: Token) -> bool:
    if token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("VBD", "VBZ", "VBP", "VBG", "VBN", "VB"):
        return token.lower_ == "according"
    return token.lemma_.lower() in REPORTING_VERBS


def _cue_in(sentence: Span, quote: Quotation) -> Token | None:
    cues = [t for t in sentence if _outside(t, quote) and _is_cue(t)]
    if not cues:
        return None
    return min(cues, key=lambda t: min(abs(t.idx - quote.start), abs(t.idx - quote.end)))


def _cue_nearby(doc: Doc, inside: Span, quote: Quotation) -> Token | None:
    """A quotation that fills its sentence: "X said:" before it or "she added." after it."""
    sentence = inside.sent
    if sentence.start > 0:
        before = doc[sentence.start - 1].sent
        same_paragraph = "\n" not in doc.text[before.start_char:sentence.start_char]
        if before.text.rstrip().endswith(":") or same_paragraph:
            found = _cue_in(before, quote)
            if found is not None:
                return found
    last = doc[inside.end - 1].sent
    if last.end < len(doc):
        after = doc[last.end].sent
        if len(after) <= 12:
            return _cue_in(after, quote)
    return None


def _speaker(cue: Token) -> Span | None:
    if cue.lower_ == "according":
        for child in cue.children:
            for grand in child.children if child.dep_ == "prep" else [child]:
                if grand.dep_ == "pobj":
                    return _phrase(grand)
        return None
    for child in cue.children:
        if child.dep_ in SUBJECTS:
            return _phrase(child)
    if cue.dep_ in ("conj", "xcomp", "advcl") and cue.head is not cue:  # "... and added"
        return _speaker(cue.head) if _is_cue(cue.head) else _subject_of(cue.head)
    return None


def _subject_of(verb: Token) -> Span | None:
    for child in verb.children:
        if child.dep_ in SUBJECTS:
            return _phrase(child)
    return None


def _phrase(token: Token) -> Span:
    """The name a subject token belongs to, or its noun phrase without trailing clauses."""
    if token.ent_type_:
        doc = token.doc
        for ent in doc.ents:
            if ent.start <= token.i < ent.end:
                return ent
    words = _core(token)
    start, end = min(t.i for t in words), max(t.i for t in words) + 1
    if end - start > 8:
        return token.doc[token.i:token.i + 1]
    return token.doc[start:end]


# -- who a pronoun or a title stands for -------------------------------------------


def role_names(doc: Doc) -> dict[str, str]:
    """Titles the article gives people: "Sergei Lavrov, Russia's foreign minister" maps the title to the name.

    Keys are lower-cased titles and their last word ("russia's foreign minister", "minister").
    """
    roles: dict[str, str] = {}
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        for token in ent:
            for child in token.children:
                if child.dep_ == "appos" and not child.ent_type_:
                    _add_role(roles, _phrase_words(child), ent.text)
        head = ent.root.head
        if ent.root.dep_ == "appos" and not head.ent_type_:
            _add_role(roles, _phrase_words(head), ent.text)
        title = [t for t in doc[max(0, ent.start - 4):ent.start] if t.dep_ == "compound" and t.head.i >= ent.start]
        if title:
            _add_role(roles, " ".join(t.text for t in title), ent.text)
    return roles


def _phrase_words(token: Token) -> str:
    return " ".join(t.text for t in _core(token)[:6])


CLAUSES = {"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep"}


def _core(token: Token) -> list[Token]:
    """A noun phrase without its clauses, appositions and coordinated phrases ("Russia's foreign minister")."""
    words, todo = [token], [token]
    while todo:
        for child in todo.pop().children:
            if child.dep_ not in CLAUSES:
                words.append(child)
                todo.append(child)
    return sorted(words, key=lambda t: t.i)


def _add_role(roles: dict[str, str], title: str, name: str) -> None:
    title = _clean_title(title)
    if not title:
        return
    roles.setdefault(title, name)
    roles.setdefault(title.split()[-1], name)


def _clean_title(title: str) -> str:
    words = [w for w in title.lower().replace(" 's", "'s").split() if w not in ("the", "a", "an", ",")]
    return " ".join(words)


def resolve_speaker(doc: Doc, speaker: Span, roles: dict[str, str]) -> str | None:
    """The name the speaker phrase stands for in this article (None when it names no one)."""
    names = person_mentions(doc)
    person = next((e for e in names if e.start <= speaker.root.i < e.end), None)
    if person is not None:
        return full_name(person.text, names)
    if speaker.root.ent_type_ in PERSON_LIKE:
        return speaker.text
    lower = speaker.root.lower_
    if lower in PRONOUNS:
        before = [e for e in names if e.end <= speaker.start and not _in_quote(doc, e)]
        return full_name(before[-1].text, names) if before else None
    title = _clean_title(speaker.text)
    for key in (title, title.split()[-1] if title else ""):
        if key and key in roles:
            return full_name(roles[key], names)
    return speaker.text if speaker.root.pos_ in ("PROPN", "NOUN") else None


def person_mentions(doc: Doc) -> list[Span]:
    """PERSON entities, and other mentions of their surnames (the small model tags "Lavrov" ORG at times)."""
    people = [e for e in doc.ents if e.label_ == "PERSON"]
    surnames = {e[-1].text for e in people if len(e) > 1}
    others = [doc[t.i:t.i + 1] for t in doc if t.text in surnames and t.ent_type_ != "PERSON"]
    return sorted(people + others, key=lambda e: e.start)


def _in_quote(doc: Doc, span: Span) -> bool:
    """Whether a name sits inside quotation marks (cheap check on the line it is on)."""
    line_start = doc.text.rfind("\n", 0, span.start_char) + 1
    before = doc.text[line_start:span.start_char]
    return sum(before.count(m) for m in '"“”') % 2 == 1


def full_name(name: str, names: list[Span]) -> str:
    """"Lavrov" -> "Sergei Lavrov" when the article names him in full; titles dropped ("Mr Lavrov")."""
    words = [w for w in name.split() if w.rstrip(".").lower() not in HONORIFICS]
    if not words:
        return name
    surname = words[-1]
    longer = [e.text for e in names if e.text.split()[-1] == surname and len(e.text.split()) > len(words)]
    best = max(longer, key=len, default=" ".join(words))
    return " ".join(w for w in best.split() if w.rstrip(".").lower() not in HONORIFICS) or best


HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "mx"}
