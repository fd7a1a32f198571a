"""Claims one outlet states and another denies: "a distress call was received" against "no distress
call was made"; "observers were present" against "observers were absent"; "the army crossed the border"
against "the ministry denied that the army crossed the border".

Precision first (a false conflict costs a fact-checker more than a missed one), so a pair is flagged only
when every one of these holds:
- One sentence negates a statement: a negation ("no", "not", "never", "without", "-n't"), a denial verb
  of a statement ("denied that", "denied any wrongdoing", "denied crossing"; not "denied an offer") or
  "absent", whose *scope* is the content words of its clause around the cue (up to two before it, up to
  four after it; attribution such as "the airline said" is not in it). Negations that say what is
  unknown or not yet so ("not clear", "no details yet", "could not confirm", "did not say"), change over
  time ("no longer", "had never") or limit ("not only", "not all") deny nothing; nor does a question, nor
  a sentence with two negations.
- A sentence of another outlet asserts it: it holds the first content word after the cue and at least
  `claim_scope_share` of the scope's words (compared by crude stems, so "received" matches "receive"),
  has no negation at all itself, and the two sentences' meanings are related (sentence-vector cosine at
  least `claim_meaning`; compare.facts).
- Each outlet holds one side only: an outlet reporting both a claim and its denial ("X said ...; Y denied
  it") reports a dispute, not a disagreement with another outlet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import DossierSettings
from ..model import Analysis, Article, Citation, ClaimConflict, outlet_names
from .facts import Sentence, meaning_similarity, sentences_of

NEGATIONS = {"no", "not", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"}
DENIALS = {"denied", "denies", "deny", "denying", "refuted", "refutes", "refute"}
# What a denial verb denies when it denies a statement, not a request: "denied that", "denied any ...".
DENIED = {"that", "any", "claims", "reports", "allegations", "accusations", "suggestions", "responsibility",
          "involvement", "wrongdoing", "knowledge", "charges", "rumours", "rumors"}
ABSENT = {"absent"}  # "observers were absent": the denial of "observers were present"
# Words after a negation that make it say what is unknown, pending or limited, not that something is false.
HEDGES = {
    "clear", "immediately", "known", "know", "knew", "yet", "sure", "certain", "idea", "details", "detail",
    "information", "word", "comment", "commented", "say", "said", "confirm", "confirmed", "disclose",
    "disclosed", "elaborate", "respond", "responded", "specify", "identify", "identified", "longer", "only",
    "just", "all", "necessarily", "least", "more", "less", "much", "many", "doubt", "matter", "mattered",
    "one", "exactly", "rule", "ruled", "reason", "indication", "evidence", "sign", "signs", "expected",
    "likely", "unlikely", "before", "previously", "ever", "possible", "able", "enough", "quite", "far",
}
# Words before a negation that make it a modal or a report of silence ("could not", "declined to ... not").
MODALS = {"could", "may", "might", "would", "should", "must", "whether", "if", "perhaps", "declined"}
# Perfect tense before "never" ("had never won"): the past before the event, which the event may change.
PERFECT = {"had", "has", "have", "'d", "'ve"}
STOP = {
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "he", "she", "they", "them", "his", "her",
    "their", "we", "our", "you", "your", "i", "me", "my", "was", "were", "is", "are", "be", "been", "being", "am",
    "do", "does", "did", "done", "has", "have", "had", "having", "will", "shall", "can", "to", "of", "in", "on",
    "at", "by", "for", "from", "with", "as", "and", "or", "so", "than", "then", "there", "here", "any", "some",
    "into", "onto", "about", "over", "under", "up", "down", "out", "off", "also", "said", "says", "say",
    "according", "who", "whom", "which", "what", "when", "where", "why", "how", "such", "very", "too", "s",
    "t", "mr", "ms", "mrs", "him", "us", "one's", "that's", "it's", "all", "each", "every", "made",
    "make", "makes", "get", "got", "reportedly", "allegedly", "officially",
}
# Clause boundaries: a negation's scope never crosses them.
BOUNDARY_WORDS = {"but", "while", "whereas", "although", "though", "however", "because", "after", "before",
                  "when", "until", "unless", "which", "who"}
# Attribution ("the airline said no call was received"): who says it is not part of what is denied.
REPORTING = {"said", "says", "say", "told", "tells", "stated", "states", "added", "adds", "according", "reported",
             "reports", "claimed", "claims", "insisted", "insists", "announced", "confirmed", "explained"}
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*|[,;:()\"“”—–?!]")


@dataclass
class Negated:
    """A sentence's negated statement: the content words in the cue's scope (their stems)."""

    sentence: Sentence
    head: str  # the first content word after the cue: what is denied
    scope: list[str]


def compare_claims(articles: list[Article], analyses: dict[str, Analysis],
                   settings: DossierSettings = DossierSettings()) -> list[ClaimConflict]:
    """Every claim one outlet states that another outlet denies, each with both sides' sentences cited."""
    outlet = outlet_names(articles)
    sentences = [s for a in articles for s in sentences_of(a, analyses[a.id], settings)]
    negated = {id(s): negation(s) for s in sentences}
    pairs: list[tuple[Negated, Sentence]] = []
    for denial in (n for n in negated.values() if n is not None):
        for other in sentences:
            if outlet[other.article_id] == outlet[denial.sentence.article_id] or negated[id(other)] is not None:
                continue
            meant = meaning_similarity(denial.sentence, other)
            if meant is not None and meant >= settings.claim_meaning and asserts(other, denial, settings):
                pairs.append((denial, other))
    # an outlet holding both sides of one claim reports a dispute, not a disagreement with another outlet
    denials = [n for n in negated.values() if n is not None]
    kept = [(d, o) for d, o in pairs if not _outlet_asserts(d, outlet, sentences, negated, settings) and not any(
        outlet[n.sentence.article_id] == outlet[o.article_id] and asserts(o, n, settings) for n in denials)]
    return _merged(kept)


def _outlet_asserts(denial: Negated, outlet: dict[str, str], sentences: list[Sentence], negated: dict,
                    settings: DossierSettings) -> bool:
    """Whether the denying outlet itself states the claim somewhere (then it reports both sides)."""
    own = outlet[denial.sentence.article_id]
    return any(outlet[s.article_id] == own and negated[id(s)] is None and asserts(s, denial, settings)
               for s in sentences)


def _merged(pairs: list[tuple[Negated, Sentence]]) -> list[ClaimConflict]:
    """One conflict per denial sentence (its claim side: every sentence asserting it); denials whose claim
    sides share a sentence are one conflict."""
    groups: list[tuple[list[Sentence], list[Sentence]]] = []
    for denial, claim in pairs:
        home = next((g for g in groups if denial.sentence in g[1] or claim in g[0]), None)
        if home is None:
            groups.append(([claim], [denial.sentence]))
            continue
        if claim not in home[0]:
            home[0].append(claim)
        if denial.sentence not in home[1]:
            home[1].append(denial.sentence)
    return [ClaimConflict(claim=_cites(claims), denial=_cites(denials), claim_text=claims[0].text,
                          denial_text=denials[0].text) for claims, denials in groups]


def _cites(sentences: list[Sentence]) -> list[Citation]:
    return [s.cite() for s in sorted(sentences, key=lambda s: (s.article_id, s.start))]


def stem(word: str) -> str:
    """A crude stem: lower case, no possessive or common ending, at most six letters ("received" and
    "receive", "crossed" and "cross" agree)."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for ending in ("ing", "ed", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 4 and not word.endswith("ss"):
            word = word[:-len(ending)]
            break
    return word[:6]


def _words(text: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(text)]


def _content(word: str) -> bool:
    return word[0].isalnum() and word not in STOP and word not in NEGATIONS and word not in DENIALS


def negation(sentence: Sentence) -> Negated | None:
    """The sentence's one negated statement, or None (no negation, a hedge, a question, or more than one
    negation: a double negative is not a denial to compare)."""
    if sentence.text.rstrip().endswith("?"):
        return None
    words = _words(sentence.text)
    cues = _cues(words)
    if len(cues) != 1:
        return None
    at = cues[0]
    cue = words[at]
    after = _clause(words, at + 1, 1)
    before = _clause(words, at - 1, -1)
    if cue in DENIALS and not (after and (after[0] in DENIED or after[0].endswith("ing"))):
        return None  # "denied a plea offer" refuses a request; "denied that ...", "denied any wrongdoing" deny
    if cue.endswith("n't"):  # "didn't" is "did not"; "couldn't", "won't", "can't" are modals
        if cue[:-3] in MODALS | {"wo", "ca"}:
            return None
        cue = "not"
    if any(w in HEDGES for w in after[:3]) or any(w in MODALS for w in before[:3]):
        return None
    if cue == "never" and before[:1] and (before[0] in PERFECT or before[0].endswith(("'ve", "'d"))):
        return None
    if cue in ABSENT:
        after = ["present"] + after
    content_after = [w for w in after if _content(w)][:4]
    content_before = [w for w in before if _content(w)][:2]
    if not content_after or len(content_after) + len(content_before) < 2:
        return None
    return Negated(sentence, stem(content_after[0]), [stem(w) for w in content_before + content_after])


def _cues(words: list[str]) -> list[int]:
    """Where the words negate: "no", "not", "-n't", "never", "denied", "absent"... ("No 10", "No. 188" are
    numbers, not negations)."""
    return [i for i, w in enumerate(words) if (w in NEGATIONS or w in DENIALS or w in ABSENT or w.endswith("n't"))
            and not (w == "no" and i + 1 < len(words) and words[i + 1][0].isdigit())]


def _clause(words: list[str], start: int, step: int) -> list[str]:
    """The words from `start` in direction `step` up to a clause boundary, nearest first."""
    found = []
    i = start
    while 0 <= i < len(words):
        word = words[i]
        if not word[0].isalnum() or word in BOUNDARY_WORDS or word in REPORTING:
            break
        found.append(word)
        i += step
    return found


def asserts(other: Sentence, denial: Negated, settings: DossierSettings) -> bool:
    """Whether the sentence states what the denial denies: its head and most of its scope."""
    words = _words(other.text)
    if _cues(words):
        return False  # a sentence that negates anything is no plain statement of the claim
    stems = {stem(w) for w in words if w[0].isalnum()}
    if denial.head not in stems:
        return False
    held = sum(s in stems for s in denial.scope)
    return held >= 2 and held >= settings.claim_scope_share * len(denial.scope)
