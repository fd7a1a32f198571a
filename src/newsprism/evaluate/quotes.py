"""Quote extraction and attribution scored on PolNeAR (Newell et al., LREC 2018).

Layout read: `<path>/<split>/text/<article>.txt` and `<path>/<split>/attributions/<article>_<annotator>.ann`
(brat standoff). An attribution is an event `E1  Attribution:T4 Content:T3 Cue:T2 Source:T1` (type
`Attribution-no-source` when the article names nobody) over text-bound annotations
`T3  Content 115 290;300 320  words` (character offsets into the .txt; `;` separates the fragments of
a discontinuous span). A span's words may hold a line break, so brat continues them on the next
line: such continuation lines belong to the annotation above them.

Which gold attributions are direct quotations: those whose Content, stripped of white space and of
punctuation after its last mark, opens with a double quotation mark (" “ „ «) and closes with one
(" ” “ »): the whole content is in the source's own words. Mixed quotations ("called it “peanuts”
compared to ...") and paraphrase are not direct quotations (textacy's `direct_quotations` does not
extract them either), and a system that returns them is charged a false positive.

The unit scored is the quoted stretch: the words between an opening mark and its closing mark,
marks excluded, within one paragraph. A content `“A,” he said, “B.”` is two quotations (A and B),
a quotation running over three paragraphs is three (the newspaper convention reopens the marks in
every paragraph); each has the attribution's Source as its speaker.

How a match is counted:
- content: a predicted and a gold quotation match when their character spans (marks excluded)
  have a Jaccard overlap (intersection / union) of at least 0.5; pairs are made one-to-one, best
  overlap first. Precision = matched / predicted, recall = matched / gold.
- speaker: a predicted quotation's speaker is right when its content matched a gold quotation and
  (a) the names agree: the last word of one (possessive 's dropped, case-insensitive) is a word of
  the other, comparing the predicted name (`speaker`, a resolved name) and the predicted mention
  (`speaker_text`) with the gold Source text; or (b) the gold Source names nobody (a pronoun or a
  description: "he", "a campaign aide") and the predicted mention's span overlaps it: PolNeAR has no
  coreference, so the mention at the cue is all that can be checked there. Precision = right /
  predictions that name a speaker (a quotation matched to a source-less gold one is left out of
  it); recall = right / gold quotations that have a Source.

An article annotated by several annotators (the weekly agreement articles) is scored once, on the
annotation file that sorts first. A file that cannot be read (unreadable, not UTF-8, a malformed
`T`/`E` line, offsets outside the text) is reported in one line and skipped.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Rejection
from ..spans import strip_span

OPENING = '"“„«'
CLOSING = '"”“»'
PAIRS = {'"': '"', "“": "”", "„": "“”", "«": "»"}
THRESHOLD = 0.5
PRONOUNS = frozenset("""i me my we us our you he him his she her they them their it its who
    one someone somebody himself herself themselves""".split())


@dataclass
class GoldQuote:
    start: int  # of the quoted words, marks excluded
    end: int
    source: str | None  # the Source span's words; None for an attribution without source
    source_spans: tuple[tuple[int, int], ...] = ()


@dataclass
class Article:
    name: str
    text: str
    quotes: list[GoldQuote]
    annotation: str  # the .ann file used


@dataclass
class Predicted:
    """What a scored system says: a quoted stretch and, if it names one, its speaker."""

    start: int
    end: int
    speaker: str | None = None  # the name the system gives
    speaker_text: str | None = None  # the words at the cue
    speaker_start: int | None = None
    speaker_end: int | None = None


@dataclass
class Corpus:
    articles: list[Article]
    problems: list[Rejection] = field(default_factory=list)  # files left out, and why


class AnnotationError(ValueError):
    pass


# -- reading -------------------------------------------------------------------------


def read_polnear(path: str | Path, split: str = "dev") -> Corpus:
    """Every article of a split with its gold direct quotations; bad files go to `problems`."""
    folder = Path(path) / split
    texts, annotations = folder / "text", folder / "attributions"
    if not texts.is_dir() or not annotations.is_dir():
        raise FileNotFoundError(f"{folder}: expected {texts} and {annotations} (a PolNeAR data folder)")
    corpus = Corpus([])
    by_article: dict[str, list[Path]] = {}
    for ann in sorted(annotations.glob("*.ann")):
        by_article.setdefault(ann.stem.rsplit("_", 1)[0], []).append(ann)
    for name, anns in sorted(by_article.items()):
        article, problem = _article(texts / f"{name}.txt", anns[0])
        if problem:
            corpus.problems.append(problem)
        else:
            corpus.articles.append(article)
    return corpus


def _article(text_path: Path, ann: Path) -> tuple[Article | None, Rejection | None]:
    """The article, or None and which file is bad and why."""
    current = text_path
    try:
        text = _read_text(text_path)
        current = ann
        quotes = direct_quotations(text, parse_ann(_read_text(ann), len(text)))
    except FileNotFoundError:
        where = f" (annotated in {ann.name})" if current == text_path else ""
        return None, Rejection(str(current), f"missing{where}")
    except UnicodeDecodeError as exc:
        return None, Rejection(str(current), f"not UTF-8 (byte {exc.start})")
    except OSError as exc:
        return None, Rejection(str(current), str(exc.strerror or exc))
    except AnnotationError as exc:
        return None, Rejection(str(ann), str(exc))
    return Article(text_path.stem, text, quotes, ann.name), None


def _read_text(path: Path) -> str:
    # newline="" keeps "\r\n" as two characters: brat offsets count every character of the file.
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


_ID = re.compile(r"^[TERAMN#*]\d*\t")
_SPAN = re.compile(r"^(\S+) (\d+ \d+(?:;\d+ \d+)*)$")


@dataclass
class _Annotations:
    spans: dict[str, tuple[str, tuple[tuple[int, int], ...]]]  # id -> (type, fragments)
    events: list[dict[str, str]]  # role -> T id; "type" -> event type


def parse_ann(content: str, text_length: int) -> _Annotations:
    """The text-bound annotations and events of a brat .ann file; AnnotationError names a bad line."""
    found = _Annotations({}, [])
    after_span = False  # a line that is not an annotation continues the words of the span above
    for number, line in enumerate(content.split("\n"), start=1):
        if not _ID.match(line):
            if line.strip() and not after_span:
                raise AnnotationError(f"line {number}: not a brat annotation: {line[:60]!r}")
            continue
        after_span = line.startswith("T")
        if line.startswith("T"):
            _add_span(found, line, number, text_length)
        elif line.startswith("E"):
            _add_event(found, line, number)
    for event in found.events:
        for role, target in event.items():
            if role != "type" and target not in found.spans:
                raise AnnotationError(f"event refers to {target}, which is not annotated")
    return found


def _add_span(found: _Annotations, line: str, number: int, text_length: int) -> None:
    fields = line.split("\t")
    match = _SPAN.match(fields[1]) if len(fields) >= 2 else None
    if match is None:
        raise AnnotationError(f"line {number}: malformed span: {line[:60]!r}")
    fragments = tuple(tuple(int(x) for x in part.split()) for part in match.group(2).split(";"))
    if any(not 0 <= s <= e <= text_length for s, e in fragments):
        raise AnnotationError(f"line {number}: offsets outside the text ({text_length} characters)")
    found.spans[fields[0]] = (match.group(1), fragments)


def _add_event(found: _Annotations, line: str, number: int) -> None:
    fields = line.split("\t")
    if len(fields) < 2 or not fields[1].strip():
        raise AnnotationError(f"line {number}: malformed event: {line[:60]!r}")
    event: dict[str, str] = {}
    for index, argument in enumerate(fields[1].split()):
        role, _, target = argument.partition(":")
        if not role or not target:
            raise AnnotationError(f"line {number}: malformed event argument {argument!r}")
        if index == 0:
            event["type"] = role  # the trigger: Attribution:T4
        else:
            event[role] = target
    found.events.append(event)


# -- which attributions are direct quotations ---------------------------------------------


def direct_quotations(text: str, annotations: _Annotations) -> list[GoldQuote]:
    quotes = []
    for event in annotations.events:
        source = _source(text, annotations, event.get("Source"))
        for role in ("Content", "Content2"):
            if role in event:
                fragments = annotations.spans[event[role]][1]
                if is_direct(text, fragments):
                    quotes.extend(GoldQuote(s, e, source[0], source[1]) for s, e in stretches(text, fragments))
    return sorted(quotes, key=lambda q: (q.start, q.end))


def _source(text: str, annotations: _Annotations, target: str | None):
    if target is None:
        return None, ()
    fragments = annotations.spans[target][1]
    return " ".join(text[s:e] for s, e in fragments).strip() or None, fragments


def is_direct(text: str, fragments: Iterable[tuple[int, int]]) -> bool:
    """The content opens with a double quotation mark and closes with one (punctuation after it aside)."""
    words = " ".join(text[s:e] for s, e in fragments).strip()
    words_end = words.rstrip(" .,;:!?")
    return len(words_end) > 1 and words[0] in OPENING and words_end[-1] in CLOSING


def stretches(text: str, fragments: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The quoted stretches of a content: per paragraph, from an opening mark to its closing mark.

    Annotators often split a content at the spaces between its sentences; fragments apart by
    white space only are one piece of text. A quotation left open at the end of a piece goes on
    in the next one (an interrupted sentence, or the next paragraph).
    """
    found: list[tuple[int, int]] = []
    closers = None  # the marks that close the quotation open at the end of the last piece
    for start, end in _pieces(text, fragments):
        spans, closers = _piece_stretches(text[start:end], closers)
        found.extend((start + s, start + e) for s, e in spans)
    return found


def _pieces(text: str, fragments: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fragments joined across white-space gaps, then cut at line breaks."""
    merged: list[list[int]] = []
    for start, end in sorted(fragments):
        if merged and not text[merged[-1][1]:start].strip():
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces = []
    for start, end in merged:
        for line in re.finditer(r"[^\n]+", text[start:end]):
            pieces.append((start + line.start(), start + line.end()))
    return pieces


def _piece_stretches(piece: str, closers: str | None) -> tuple[list[tuple[int, int]], str | None]:
    found = []
    opened = 0  # where the current quotation's words start (a quotation still open starts the piece)
    for index, char in enumerate(piece):
        if closers is None:
            if char in PAIRS:
                closers, opened = PAIRS[char], index + 1
        elif char in closers:  # marks of another kind inside are a quotation within the quotation
            found.append(strip_span(piece, opened, index))
            closers = None
    if closers is not None:
        found.append(strip_span(piece, opened, len(piece)))
    return [(s, e) for s, e in found if e > s], closers



# -- scoring ------------------------------------------------------------------------------


def jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def align(predicted: list[Predicted], gold: list[GoldQuote]) -> list[tuple[int, int]]:
    """One-to-one pairs (predicted index, gold index) of overlap >= THRESHOLD, best overlap first."""
    candidates = sorted(
        ((jaccard((p.start, p.end), (g.start, g.end)), i, j)
         for i, p in enumerate(predicted) for j, g in enumerate(gold)),
        reverse=True,
    )
    used_p, used_g, pairs = set(), set(), []
    for overlap, i, j in candidates:
        if overlap < THRESHOLD:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def _words(name: str) -> list[str]:
    return [re.sub(r"(['’]s|['’])$", "", w) for w in re.findall(r"[\w'’.-]+", name.lower())]


def names_agree(predicted: str | None, gold: str | None) -> bool:
    """The last word of one name is a word of the other ("Clinton" ~ "Hillary Clinton's campaign").

    The gold side is the Source up to a comma or a relative clause: "Murray Clark, a former state
    GOP chair who ..." is compared as "Murray Clark", so a name inside the description does not count.
    """
    if not predicted or not gold:
        return False
    head = re.split(r",| who | which | that ", gold)[0]
    p, g = _name_words(predicted), _name_words(head)
    if not p or not g or p[-1] in PRONOUNS or g[-1] in PRONOUNS:
        return False
    return p[-1] in g or g[-1] in p or _last_capitalized(head) in p


def _last_capitalized(gold: str) -> str | None:
    """The surname in a description ("Trump's campaign manager" -> "trump")."""
    capitals = [w for w in re.findall(r"[\w'’.-]+", gold)[1:] if w[:1].isupper()]
    return _name_words(capitals[-1])[0] if capitals and _name_words(capitals[-1]) else None


def _name_words(name: str) -> list[str]:
    return [w for w in (w.strip(".") for w in _words(name)) if w]


def names_nobody(gold: str) -> bool:
    """A pronoun or a description: no capitalised word after the first ("he", "a senior aide")."""
    words = re.findall(r"[\w'’.-]+", gold)
    return not any(w[:1].isupper() for w in words[1:]) and (not words or words[0].lower() in PRONOUNS
                                                             or not words[0][:1].isupper() or len(words) > 1)


def speaker_right(p: Predicted, g: GoldQuote) -> bool:
    if g.source is None:
        return False
    if names_agree(p.speaker, g.source) or names_agree(p.speaker_text, g.source):
        return True
    if names_nobody(g.source) and p.speaker_start is not None and p.speaker_end is not None:
        return any(min(p.speaker_end, e) > max(p.speaker_start, s) for s, e in g.source_spans)
    return False


def _prf(right: int, predicted: int, gold: int) -> dict[str, float]:
    precision = right / predicted if predicted else 0.0
    recall = right / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


@dataclass
class Counts:
    predicted: int = 0
    gold: int = 0
    matched: int = 0
    with_speaker: int = 0  # predictions naming a speaker (not matched to a source-less gold quote)
    gold_with_source: int = 0
    speaker_right: int = 0

    def add(self, predicted: list[Predicted], gold: list[GoldQuote]) -> list[tuple[int, int]]:
        pairs = align(predicted, gold)
        partner = dict(pairs)
        self.predicted += len(predicted)
        self.gold += len(gold)
        self.matched += len(pairs)
        self.gold_with_source += sum(g.source is not None for g in gold)
        for i, p in enumerate(predicted):
            if not (p.speaker or p.speaker_text):
                continue
            j = partner.get(i)
            if j is not None and gold[j].source is None:
                continue  # the article names nobody: the guess is neither right nor wrong
            self.with_speaker += 1
            self.speaker_right += j is not None and speaker_right(p, gold[j])
        return pairs

    def scores(self) -> dict:
        return {
            "content": _prf(self.matched, self.predicted, self.gold),
            "speaker": _prf(self.speaker_right, self.with_speaker, self.gold_with_source),
            "counts": {"predicted": self.predicted, "gold": self.gold, "matched": self.matched,
                       "predicted_with_speaker": self.with_speaker, "gold_with_source": self.gold_with_source,
                       "speaker_right": self.speaker_right},
        }


Extractor = Callable[[str], list[Predicted]]


def newsprism_extractor() -> Extractor:
    """newsprism's own extractor: the article through the English pipeline, then `extract_quotes`."""
    from ..understand.pipeline import pipeline_for
    from ..understand.quotes import extract_quotes

    pipeline = pipeline_for("en")

    def extract(text: str) -> list[Predicted]:
        doc = pipeline.nlp(text)
        # PolNeAR's unit is the direct quotation: newsprism's partial ones (`said there were “dozens of
        # dead”`, kept for the dossier) are what PolNeAR calls mixed quotations, not its task.
        return [Predicted(q.start, q.end, q.speaker, q.speaker_text, q.speaker_start, q.speaker_end)
                for q in extract_quotes(doc, parses=pipeline.parses) if not q.partial]

    return extract


def score(corpus: Corpus, extractor: Extractor) -> dict:
    counts = Counts()
    started = time.perf_counter()
    for article in corpus.articles:
        counts.add(extractor(article.text), article.quotes)
    seconds = time.perf_counter() - started
    result = counts.scores()
    result.update(articles=len(corpus.articles), seconds=round(seconds, 3),
                  seconds_per_article=round(seconds / len(corpus.articles), 4) if corpus.articles else 0.0,
                  skipped=[problem.to_dict() for problem in corpus.problems])
    return result


def evaluate_quotes(path: str | Path, split: str = "dev", extractor: Extractor | None = None) -> dict:
    """Precision, recall and F1 of quotation content and speakers on a PolNeAR split.

    Returns {"content": {"precision", "recall", "f1"}, "speaker": {...}, "articles", "counts",
    "seconds", "seconds_per_article", "skipped"}; `extractor` maps an article's text to `Predicted`
    quotations (default: newsprism's).
    """
    corpus = read_polnear(path, split)
    return score(corpus, extractor or newsprism_extractor())
