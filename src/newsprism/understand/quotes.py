"""Direct quotations and who said them.

1. Quoted spans: text between matching quotation marks (“…”, "…", „…“, «…», ‘…’),
   within a paragraph; a paragraph that opens a quotation and never closes it
   continues into the next one that opens with a mark (the newspaper convention).
2. Direct or not: the marks must open a paragraph or a sentence, or follow a colon,
   a reporting verb and a comma (`Trump said, "...`) or a reporting verb and "that";
   marks after any other word are scare quotes, titles or mixed quotations. Short
   title-like stretches ("The Apprentice") are left out too. (Rules set on PolNeAR's
   train split; see BENCHMARKS.md.)
3. The cue: a reporting verb ("said", "told", "warned") in the quotation's paragraph,
   outside every quotation, in the same sentence as the quoted words, nearest first;
   else in the sentence before when that one ends in a colon, in the same paragraph or
   closing the one above (`Lavrov told reporters:` over a paragraph that is the quotation).
   A quotation with no cue goes on from the quotation just before it (`"...," Lavrov
   said. "Second."`, and the paragraphs of a long quotation).
4. The speaker: the verb's subject ("according to X" too), widened to the whole
   name; a pronoun is resolved to the person named before it (the subject of a
   clause first), "who" to the noun it qualifies, and a title ("Russia's foreign
   minister") to the person the article names with it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from ..model import Quotation
from ..spans import strip_span
from .names import HONORIFICS, unglued, without_titles

OPENERS = {"“": "”", '"': '"', "„": "“”", "«": "»", "‘": "’", "‹": "›", "»": "«", "'": "'"}
MIN_WORDS = 1
# The rules' sizes (set on PolNeAR's train split; part of what ANALYSIS_VERSION versions, so they are
# constants here and not user settings: a stored analysis must not depend on who ran it).
PHRASE_MAX_WORDS = 3  # a quoted phrase this short without closing punctuation is a scare quote
TITLE_MAX_WORDS = 6  # a longer capitalised stretch is not a title ("The Apprentice")
CUE_WINDOW = 8  # tokens before a comma searched for the reporting verb (`Trump said, "`)
CUE_MAX_GAP = 200  # characters of narration between a quotation and its cue, quoted words aside
SPEAKER_MAX_WORDS = 8  # a longer subject phrase is cut to its head word
ROLE_MAX_WORDS = 6  # words of a title kept ("Russia's foreign minister")
REPORTING_VERBS = frozenset("""
    say tell add warn insist claim state declare explain note write ask reply respond argue announce acknowledge
    admit suggest urge describe vow promise deny accuse predict recall conclude comment quip joke shout tweet post
    testify complain caution stress emphasise emphasize continue agree believe think call remark observe report
    confirm estimate concede contend maintain assert mutter whisper scream cry yell sigh laugh demand plead
    pledge threaten recount reiterate repeat inform assure tell advise answer retort counter interject
    exclaim proclaim allege charge blame criticise criticize praise hail welcome dismiss reject question wonder
""".split())
# Reporting verbs only beside a direct quotation (`"...," he continued`): "will continue to operate and
# “source from trusted vendors”" is not the speaker continuing.
DIRECT_ONLY = frozenset({"continue"})
IRREGULAR = {"say": "said", "tell": "told", "write": "wrote written", "think": "thought", "cry": "cried",
             "reply": "replied", "deny": "denied", "testify": "testified", "quip": "quipped", "admit": "admitted",
             "emphasise": "emphasised", "emphasize": "emphasized", "criticise": "criticised", "criticize": "criticized",
             "plead": "pled"}
# Word forms of the reporting verbs, for text without a tagger: "said", "adds", "warned", "according".
CUE_FORMS = frozenset(
    [f"{v}{ending}" for v in REPORTING_VERBS for ending in ("", "s", "ed", "d", "ing")]
    + [w for forms in IRREGULAR.values() for w in forms.split()] + ["according"])
PRONOUNS = {"he": "male", "she": "female", "him": "male", "her": "female", "they": None, "i": None, "we": None}
SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
PERSON_LIKE = {"PERSON", "ORG", "NORP", "GPE"}


@dataclass
class _Span:
    start: int  # of the quoted words, without the marks
    end: int
    opener: int = -1  # where the opening mark is (-1: the quotation goes on from the paragraph before)


def quoted_spans(text: str) -> list[_Span]:
    """Character spans of the words inside quotation marks, in text order."""
    spans: list[_Span] = []
    offset = 0
    for paragraph in text.split("\n"):
        spans.extend(_Span(offset + s, offset + e, offset + o) for s, e, o in _paragraph_quotes(paragraph))
        offset += len(paragraph) + 1
    return [s for s in spans if len(text[s.start:s.end].split()) >= MIN_WORDS]


def _paragraph_quotes(paragraph: str) -> list[tuple[int, int, int]]:
    """(start, end, opening mark) of each quotation in a paragraph."""
    found, position = [], 0
    while position < len(paragraph):
        opener = _next_opener(paragraph, position)
        if opener is None:
            break
        closer = _closer(paragraph, opener)
        if closer is None and paragraph[opener] == "'":  # an apostrophe after all ("the '90s")
            position = opener + 1
            continue
        if closer is None:  # unclosed: runs to the end of the paragraph
            found.append((opener + 1, len(paragraph.rstrip()), opener))
            break
        found.append((opener + 1, closer, opener))
        position = closer + 1
    stripped = ((*strip_span(paragraph, s, e), o) for s, e, o in found)
    return [(s, e, o) for s, e, o in stripped if e > s]


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
            after = paragraph[index + 1] if index + 1 < len(paragraph) else " "
            if char == "'" and not after.isalpha():  # a straight one opens words: "'but we ..."
                continue
        return index
    return None


def _closer(paragraph: str, opener: int) -> int | None:
    closers = OPENERS[paragraph[opener]]
    for index in range(opener + 1, len(paragraph)):
        char = paragraph[index]
        if char in closers:
            if char in "’'":  # an apostrophe inside a word ("don’t") or after one ("the players' union") does not
                after = paragraph[index + 1] if index + 1 < len(paragraph) else " "  # close
                if after.isalpha() or char == "'" and (paragraph[index - 1].isspace() or _possessive(paragraph, index)):
                    continue
            return index
        if paragraph[opener] in '"“' and char in '"”“' and _ends_word(paragraph, index):
            return index  # mixed typography: “...," or “...,“ (a mark typed the wrong way round)
    return None


def _possessive(paragraph: str, index: int) -> bool:
    """A straight mark after a plural's "s" followed by a noun ("the players' union"), not a closing mark
    before punctuation or a verb."""
    return paragraph[index - 1] == "s" and bool(re.match(r" [a-z]", paragraph[index + 1:index + 3])) and not bool(
        re.match(r" (?:said|says|told|added|he|she|they|according)\b", paragraph[index + 1:]))


def _ends_word(paragraph: str, index: int) -> bool:
    before = paragraph[index - 1] if index else " "
    after = paragraph[index + 1] if index + 1 < len(paragraph) else " "
    return not before.isspace() and not after.isalnum()



# -- which quoted words are a direct quotation ----------------------------------------------

LIST_MARKERS = " \t•·▪►*-–—"  # a paragraph that is an item of a list opens with these
SENTENCE_END = ".?!…" + "”\"’»"
TITLE_SMALL_WORDS = frozenset("a an the of and or in on at to for with from by is are be my our your his her".split())


def is_direct(doc: Doc, span: _Span, text: str | None = None) -> bool:
    """Whether the marks quote someone's sentence, not a phrase inside the writer's own sentence.

    On PolNeAR's train split, a quotation that opens a paragraph or a sentence, or follows a
    colon or a reporting verb and comma ("Trump said, “..."), is a direct quotation nine times
    in ten; marks after any other word ("called it “peanuts”", "the film “Bloodline”") are scare
    quotes, titles or mixed quotations nineteen times in twenty. `text` is `doc.text`, when the caller
    has it (spaCy joins the tokens again on every call: asked per quotation, long articles took
    quadratic time).
    """
    text = doc.text if text is None else text
    words = text[span.start:span.end]
    if _looks_like_title(words) or (len(words.split()) <= PHRASE_MAX_WORDS and words[-1] not in ".,?!…—-"):
        return False
    if span.opener < 0:
        return True  # goes on from the paragraph before
    line_start = text.rfind("\n", 0, span.opener) + 1
    before = text[line_start:span.opener].rstrip()
    if not before and _subheading(text, span, words):
        return False
    if not before or not before.strip(LIST_MARKERS) or before[-1] in SENTENCE_END or before[-1] == ":":
        return True
    if before[-1] == ",":
        return _cue_before(doc, line_start + len(before) - 1)
    # `told parliament that “No bridge should ever fall like this”`: the speaker's own words after
    # a reporting verb, though not a sentence of their own (PolNeAR counts it indirect; a reader
    # of the dossier wants it, and it costs about 1% precision on PolNeAR's train split).
    return bool(re.search(r"\bthat$", before)) and _cue_before(doc, line_start + len(before) - 4)


def _subheading(text: str, span: _Span, words: str) -> bool:
    """A short quotation that is a paragraph of its own, with no sentence in it or every word capitalised:
    a sub-heading (`‘A lot of questions’`, `'All Bets Are Off.'`) that repeats words quoted in the body."""
    line_end = text.find("\n", span.end)
    if text[span.end + 1:len(text) if line_end < 0 else line_end].strip() or len(words.split()) > TITLE_MAX_WORDS:
        return False
    return words[-1] not in ".?!…,—-" or _looks_like_title(words.rstrip(".?!…"))


def is_reported(doc: Doc, span: _Span, text: str) -> bool:
    """Whether quoted words inside the writer's sentence are someone's own words: a reporting verb of the
    sentence, outside the marks, governs them (`said there were “dozens of dead”`, `described it as “a
    mess”`, `“source from trusted vendors,” Amazon says`). Titles stay out ("The Apprentice")."""
    words = text[span.start:span.end]
    if _looks_like_title(words):
        return False
    quoted = doc.char_span(span.start, span.end, alignment_mode="expand")
    if quoted is None:
        return False
    inside = range(quoted.start - 1, quoted.end + 1)  # the marks too
    governors = {a.i for t in quoted if t.head.i not in inside for a in (t.head, *t.head.ancestors)}
    return any(_is_cue(doc[i]) for i in governors if i not in inside)


def _looks_like_title(words: str) -> bool:
    """ "The Apprentice", "Feel the Bern": a few words, every one that matters capitalised."""
    tokens = re.findall(r"[A-Za-z][\w'’-]*", words)
    content = [t for t in tokens if t.lower() not in TITLE_SMALL_WORDS]
    return 0 < len(tokens) <= TITLE_MAX_WORDS and words[-1:] not in ".?!" and all(t[0].isupper() for t in content)


def _cue_before(doc: Doc, position: int) -> bool:
    """A reporting verb among the words just before a comma (or "that"): `Trump said, "` / `he added, "`."""
    token = doc.char_span(position, position + 1, alignment_mode="expand")
    if token is None:
        return False
    start = max(token.sent.start if doc.has_annotation("SENT_START") else 0, token.start - CUE_WINDOW)
    return any(_is_cue(t) for t in doc[start:token.start])


# -- cue and speaker -------------------------------------------------------------


@dataclass
class _Article:
    """What attributing every quotation of one article needs, worked out once (the text too:
    spaCy's `doc.text` joins every token again on each call)."""

    doc: Doc
    text: str
    marks: list[tuple[int, int]]  # every quoted stretch with its marks, in text order: no cue is inside one
    roles: dict[str, str]
    names: list[Span]
    _mark_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self):
        self._mark_starts = [start for start, _ in self.marks]


def extract_quotes(doc: Doc, parses: bool = True) -> list[Quotation]:
    text = doc.text
    spans = quoted_spans(text)
    quotes = []
    for span in spans:
        direct = is_direct(doc, span, text)
        if direct or parses and is_reported(doc, span, text):
            quotes.append(Quotation(text=text[span.start:span.end], start=span.start, end=span.end,
                                    partial=not direct))
    if parses:
        article = _Article(doc, text, [(max(s.opener, 0), s.end + 1) for s in spans], role_names(doc),
                           person_mentions(doc))
        for quote in quotes:
            _attribute(article, quote)
        _continuations(quotes, text)
    return quotes


def _continuations(quotes: list[Quotation], text: str) -> list[Quotation]:
    """A quotation with no cue of its own goes on from the one before when nothing but its own
    paragraph break or a sentence lies between: `"...," Lavrov said. "We are getting closer."`,
    and the paragraphs of a long quotation. Nothing is carried across a paragraph of narration."""
    for previous, quote in zip(quotes, quotes[1:], strict=False):  # each quotation with the one after it
        if quote.cue is not None or previous.speaker is None and previous.speaker_text is None:
            continue
        lines = text[previous.end:quote.start].split("\n")
        if any(line.strip() for line in lines[1:-1]):  # a paragraph between them
            continue
        if len(lines) > 1 and not (_opens_paragraph(text, quote.start) and _paragraph_goes_on(previous, lines[0])):
            continue
        quote.speaker, quote.speaker_text, quote.cue = previous.speaker, previous.speaker_text, previous.cue
        quote.speaker_start, quote.speaker_end = previous.speaker_start, previous.speaker_end
    return quotes


def _paragraph_goes_on(previous: Quotation, rest: str) -> bool:
    """Whether a paragraph opening with a quotation and no cue goes on with the speaker of the paragraph
    above: that one's quotation was left open (a long quotation), or it closed with its attribution
    (`“...,” said a witness, Davide Ricci, who saw it.` over `“First the pylon crumbled ...”`)."""
    if not rest.strip(LIST_MARKERS):
        return True  # the quotation was left open at the end of its paragraph
    attributed_after = previous.speaker_start is not None and previous.speaker_start >= previous.end
    return previous.speaker is not None and attributed_after and previous.speaker_start < previous.end + len(rest)


def _opens_paragraph(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return len(text[line_start:start].strip(LIST_MARKERS)) <= 1  # the opening mark at most


def _attribute(article: _Article, quote: Quotation) -> None:
    cue = _cue(article, quote)
    if cue is None:
        return
    quote.cue = cue.text
    speaker = _speaker_of(article, cue, quote)
    if speaker is None:
        return
    glued = len(speaker.text) - len(unglued(speaker.text))  # "captionSergei Lavrov": the caption word is no name
    quote.speaker_text = speaker.text[glued:]
    quote.speaker_start, quote.speaker_end = speaker.start_char + glued, speaker.end_char
    resolved = resolve_speaker(article.doc, speaker, article.roles, article.names, article.text)
    quote.speaker = unglued(resolved) if resolved else resolved


def _is_cue(token: Token) -> bool:
    if not token.pos_:  # no tagger (a language without a model): the word itself
        return token.lower_ in CUE_FORMS
    if token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("VBD", "VBZ", "VBP", "VBG", "VBN", "VB"):
        return token.lower_ == "according"
    return token.lemma_.lower() in REPORTING_VERBS


def _cue(article: _Article, quote: Quotation) -> Token | None:
    """The reporting verb of a quotation: in its paragraph, outside every quotation, in the same
    sentence as the quoted words (`"...," she said` / `Trump said: "..."`), nearest first; else in
    the sentence before it when that one ends in a colon (in the paragraph above, too)."""
    text = article.text
    start = text.rfind("\n", 0, quote.start) + 1
    end = text.find("\n", quote.end)
    paragraph = article.doc.char_span(start, len(text) if end < 0 else end, alignment_mode="expand")
    if paragraph is None:
        return None
    if quote.partial:  # words inside the writer's sentence: the nearest reporting verb above them
        governing = _governing_cue(article, quote)
        if governing is not None:
            return governing
    found = [t for t in paragraph if _is_cue(t) and not _quoted(article, t.idx) and _speaker_of(article, t, quote)]
    adjacent = [t for t in found if _same_sentence(article, quote, t)]
    introduced = [t for t in adjacent if t.idx < quote.start and _colon_between(article, t.idx, quote.start)]
    if introduced and not quote.text.endswith(","):  # `Darling told the BBC: “...” while Salmond said ...`: the
        # colon says whose words follow, unless the quotation's comma hands them to the cue after (`“...,” X said`)
        return introduced[-1]
    if adjacent:
        nearest = min(adjacent, key=lambda t: min(abs(t.idx - quote.start), abs(t.idx - quote.end)))
        return _reporting_frame(article, quote, nearest, adjacent)
    before = [t for t in found if t.idx < quote.start and _colon_between(article, t.idx, quote.start)]
    return before[-1] if before else _cue_above(article, quote)


def _reporting_frame(article: _Article, quote: Quotation, nearest: Token, cues: list[Token]) -> Token:
    """The cue whose clause holds the nearest one, when the quoted words hang from it: in `An official
    told Reuters the service could only confirm two injured, "but we suppose ..."` the quotation is the
    official's, not the service's (`confirm` is the content of `told`)."""
    heads = _heads_outside(article, quote)
    verb = nearest
    while verb.dep_ in ("ccomp", "xcomp") and verb.head is not verb:
        verb = verb.head
        if verb in cues and verb.i in heads:
            return verb
    return nearest


def _governing_cue(article: _Article, quote: Quotation) -> Token | None:
    """The innermost reporting verb above the quoted words in the parse, with a speaker: `Starmer promised to
    build a “government of service”, BBC reported` is Starmer's."""
    doc = article.doc
    for head in sorted(_heads_outside(article, quote)):
        for verb in (doc[head], *doc[head].ancestors):
            if (_is_cue(verb) and verb.lemma_ not in DIRECT_ONLY and not _quoted(article, verb.idx)
                    and _speaker_of(article, verb, quote)):
                return verb
    return None


def _heads_outside(article: _Article, quote: Quotation) -> set[int]:
    """Where the parse attaches the quoted words (and their opening mark): the heads outside the quotation."""
    words = article.doc.char_span(quote.start, quote.end, alignment_mode="expand")
    if words is None:
        return set()
    inside = range(words.start - 1, words.end)  # the opening mark too
    return {t.head.i for t in article.doc[max(words.start - 1, 0):words.end] if t.head.i not in inside}


def _cue_above(article: _Article, quote: Quotation) -> Token | None:
    """The cue of a quotation that opens its paragraph after one ending in a colon: the last
    reporting verb of that colon's sentence (`Lavrov told reporters:` / `“We are getting closer.”`)."""
    text = article.text
    if not _opens_paragraph(text, quote.start):
        return None
    end = text.rfind("\n", 0, quote.start) + 1  # the paragraph above ends here, white space aside
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if end == 0 or text[end - 1] != ":":
        return None
    paragraph = article.doc.char_span(text.rfind("\n", 0, end) + 1, end, alignment_mode="expand")
    found = [t for t in paragraph or () if _is_cue(t) and not _quoted(article, t.idx)
             and not _ends_sentence(text[t.idx:end]) and _speaker_of(article, t, quote)]
    return found[-1] if found else None


def _quoted(article: _Article, position: int) -> bool:
    """Whether a position is inside a quoted stretch (they do not overlap: the last one starting before it)."""
    index = bisect_right(article._mark_starts, position) - 1
    return index >= 0 and position < article.marks[index][1]


def _same_sentence(article: _Article, quote: Quotation, cue: Token) -> bool:
    """Nothing ends a sentence between the quotation's marks and the cue (quoted words aside):
    `"...," Sen. Marco Rubio (R-Fla.) said`, `Trump said, "..."`, but not `"... areas." She noted`."""
    if cue.idx > quote.end:
        if quote.text.endswith("."):
            return False  # the quoted sentence ended inside its marks: `"... areas." She noted`
        low, high = quote.end + 1, cue.idx
    else:
        low, high = cue.idx, max(quote.start - 1, cue.idx)
    between = "".join(c for i, c in enumerate(article.text[low:high], start=low) if not _quoted(article, i))
    return len(between) < CUE_MAX_GAP and "\n" not in between and not _ends_sentence(between)


# Initials ("J."), dotted acronyms ("U.S."), a state after a party ("(R-Fla.)"), and known short forms
# ("Sen.", "Oct."); any other word before a full stop ends the sentence ("... was quoted by Ansa.").
ABBREVIATION = re.compile(r"(?:\b[A-Za-z]|[A-Z][\w-]*\.[A-Za-z-]+|-[A-Z][a-z]{1,4}|\b(?P<word>[A-Za-z]+))\.$")
SHORT_FORMS = HONORIFICS | frozenset("""
    st jr sr no nos co corp inc ltd mt ft ave rd blvd maj adm brig cmdr cpl pvt supt insp det del atty hon amb
    vs messrs esq dept univ assn dist sec treas cong pres
    jan feb mar apr jun jul aug sep sept oct nov dec
    ala ariz ark calif colo conn fla ga ill ind kan ky la md mass mich minn miss mo mont neb nev okla ore pa penn
    tenn tex va vt wash wis wyo
""".split())


def _ends_sentence(text: str) -> bool:
    """A full stop, question or exclamation mark followed by a space, not after "Sen.", "Lt.", "U.S."."""
    for match in re.finditer(r"[.?!;]+(?=[\s)\]]|$)", text):
        if match.group() == "." and _abbreviation(text[:match.end()]):
            continue
        return True
    return False


def _abbreviation(text: str) -> bool:
    found = ABBREVIATION.search(text)
    return found is not None and (found.group("word") is None or found.group("word").lower() in SHORT_FORMS)


def _colon_between(article: _Article, low: int, high: int) -> bool:
    between = article.text[low:high].rstrip().rstrip("".join(OPENERS)).rstrip()  # up to the opening mark
    return between.endswith(":") and not re.search(r"[.?!]\s", between)


def _speaker_of(article: _Article, cue: Token, quote: Quotation) -> Span | None:
    """The cue's subject, unless the parser took it from quoted words (`said on “Fox and Friends”`);
    then the person named between the quotation and a cue after it (`,” Flynn, a top surrogate, said`)."""
    speaker = _speaker(cue)
    if speaker is not None and not _quoted(article, speaker.start_char):
        return speaker
    if cue.idx > quote.end:
        between = [e for e in article.names if quote.end < e.start_char and e.end_char <= cue.idx]
        if between:
            return between[0]
    return None


def _speaker(cue: Token) -> Span | None:
    if cue.lower_ == "according":
        for child in cue.children:
            for grand in child.children if child.dep_ == "prep" else [child]:
                if grand.dep_ == "pobj":
                    return _phrase(grand)
        return None
    subject = _subject_of(cue)
    if subject is not None:
        return subject
    if cue.dep_ in ("conj", "xcomp", "advcl", "ccomp") and cue.head is not cue:  # "... and added", "..., saying"
        return _speaker(cue.head) if _is_cue(cue.head) else _subject_of(cue.head)
    if cue.dep_ in ("pcomp", "pobj") and cue.head.dep_ == "prep":  # "X was quoted as saying", "quotes X as saying"
        verb = cue.head.head
        said = next((c for c in verb.children if c.dep_ == "dobj"), None)
        return _phrase(said) if said is not None else _subject_of(verb)
    if cue.dep_ == "acl" and cue.head.pos_ in ("NOUN", "PROPN"):  # "the sound of a man screaming: ..."
        return _phrase(cue.head)
    return None


def _subject_of(verb: Token) -> Span | None:
    for child in verb.children:
        if child.dep_ in SUBJECTS:
            return _phrase(child)
    return None


def _phrase(token: Token) -> Span:
    """The name a subject token belongs to, or its noun phrase without trailing clauses."""
    if token.ent_type_:  # the entity around the token, from its IOB tags (not a scan of doc.ents)
        doc, start, end = token.doc, token.i, token.i + 1
        while doc[start].ent_iob_ == "I":
            start -= 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        return Span(doc, start, end, label=token.ent_type_)
    words = _core(token)
    if token.pos_ == "NOUN":  # "the head of the local ambulance service": the "of" says who
        wider = words + [t for child in token.children if child.dep_ == "prep" and child.lower_ == "of"
                         for t in _core(child)]
        if max(t.i for t in wider) - min(t.i for t in wider) < SPEAKER_MAX_WORDS:
            words = wider
    start, end = min(t.i for t in words), max(t.i for t in words) + 1
    if end - start > SPEAKER_MAX_WORDS:
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
    return " ".join(t.text for t in _core(token)[:ROLE_MAX_WORDS])


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


def resolve_speaker(doc: Doc, speaker: Span, roles: dict[str, str], names: list[Span] | None = None,
                    text: str | None = None) -> str | None:
    """The name the speaker phrase stands for in this article (None when it names no one).

    `names` is `person_mentions(doc)` and `text` is `doc.text`, when the caller has them already."""
    names = person_mentions(doc) if names is None else names
    text = doc.text if text is None else text
    person = next((e for e in names if e.start <= speaker.root.i < e.end), None)
    if person is not None:
        return full_name(person.text, names)
    named = _name_in_apposition(speaker)
    if named is not None:
        return full_name(named.text, names)
    if speaker.root.ent_type_ in PERSON_LIKE:
        return speaker.text
    lower = speaker.root.lower_
    if lower in ("who", "which", "that") and speaker.root.head.dep_ == "relcl":
        return resolve_speaker(doc, _phrase(speaker.root.head.head), roles, names, text)  # "Huffman, who said"
    if lower in PRONOUNS:
        reporter = _earlier_reporter(speaker, text)
        resolved = resolve_speaker(doc, reporter, roles, names, text) if reporter is not None else None
        if resolved is not None:  # "A witness told TV he saw ... in what he said was ...": the witness
            return resolved
        before = [e for e in names if e.end <= speaker.start and not _in_quote(text, e)]
        return full_name(_antecedent(before, speaker).text, names) if before else None
    title = "" if _is_name_word(speaker.root) else _clean_title(speaker.text)  # a name is no title
    for key in (title, title.split()[-1] if title else ""):
        if key and key in roles:
            return full_name(roles[key], names)
    return speaker.text if speaker.root.pos_ in ("PROPN", "NOUN") else None


def _earlier_reporter(pronoun: Span, text: str) -> Span | None:
    """The subject of a reporting verb earlier in the pronoun's sentence, outside quotation marks, when that
    is a noun phrase ("A witness told ... he saw")."""
    sentence = pronoun.root.sent
    found = None
    for token in pronoun.doc[sentence.start:pronoun.start]:
        if _is_cue(token):
            subject = _subject_of(token)
            if (subject is not None and subject.root.pos_ in ("NOUN", "PROPN") and subject.end <= pronoun.start
                    and not _in_quote(text, subject)):
                found = subject
    return found


def _is_name_word(token: Token) -> bool:
    """A capitalised proper noun (the small model tags "minister" in "Italy's transport minister" PROPN too)."""
    return token.pos_ == "PROPN" and token.text[:1].isupper()


def _name_in_apposition(speaker: Span) -> Span | None:
    """The name right after a description and its comma: "a witness, Davide Ricci, who ..." (the small
    model tags such names ORG at times, so any proper noun in that place counts)."""
    if speaker.root.pos_ not in ("NOUN", "PROPN") or _is_name_word(speaker.root):
        return None
    doc = speaker.doc
    for child in speaker.root.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN":
            name = _phrase(child)
            if name.start >= 2 and doc[name.start - 1].text == "," and doc[name.start - 2].i == speaker.end - 1:
                return name
    return None


def _antecedent(before: list[Span], pronoun: Span) -> Span:
    """The person a pronoun most likely stands for: the latest one who was the subject of a clause
    in the pronoun's sentence or the one before ("The minister, Renée Halvorsen, who arrived from
    Kalmsted, said she ..." is Halvorsen's sentence), else the latest one named."""
    earliest = pronoun.sent.start
    if earliest > 0:
        earliest = pronoun.doc[earliest - 1].sent.start
    for mention in reversed(before):
        if mention.start < earliest:
            break
        if _is_subject(mention.root):
            return mention
    return before[-1]


def _is_subject(token: Token) -> bool:
    if token.dep_ == "appos":  # "The minister, Renée Halvorsen, ...": the title is the subject
        token = token.head
    return token.dep_ in SUBJECTS


def person_mentions(doc: Doc) -> list[Span]:
    """PERSON entities, and other mentions of their surnames (the small model tags "Lavrov" ORG at times)."""
    people = [e for e in doc.ents if e.label_ == "PERSON"]
    surnames = {e[-1].text for e in people if len(e) > 1}
    others = [doc[t.i:t.i + 1] for t in doc if t.text in surnames and t.ent_type_ != "PERSON"]
    return sorted(people + others, key=lambda e: e.start)


def _in_quote(text: str, span: Span) -> bool:
    """Whether a name sits inside quotation marks (cheap check on the line it is on)."""
    line_start = text.rfind("\n", 0, span.start_char) + 1
    before = text[line_start:span.start_char]
    return sum(before.count(m) for m in '"“”') % 2 == 1


def full_name(name: str, names: list[Span]) -> str:
    """"Lavrov" -> "Sergei Lavrov" when the article names him in full; titles dropped ("Mr Lavrov")."""
    words = without_titles(name.split())
    if not words:
        return name
    surname = words[-1]
    longer = [unglued(e.text) for e in names if e.text.split()[-1:] == [surname] and len(e.text.split()) > len(words)]
    best = max(longer, key=len, default=" ".join(words))
    return " ".join(without_titles(best.split())) or best
