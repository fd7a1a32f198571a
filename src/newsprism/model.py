"""Plain data passed between pipeline stages.

Each stage takes and returns these objects and nothing richer, so a stage can be
tested, replaced or run elsewhere (Spark) without dragging the others along.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Hints:
    """Metadata given from outside the document: a manifest entry or command-line flags.

    A field left as None says nothing; the document's own metadata is used instead.
    """

    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    title: str | None = None

    def over(self, other: "Hints") -> "Hints":
        """These hints, with gaps filled from `other` (self wins)."""
        return Hints(**{k: v if v is not None else getattr(other, k) for k, v in asdict(self).items()})


@dataclass
class RawDocument:
    """One document as a reader found it: its text (HTML already reduced to text by
    the reader) and the metadata the source format itself carried. Not yet cleaned.
    """

    source_path: str
    body: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    language: str | None = None
    captured: str | None = None
    record_id: str | None = None
    hints: Hints = field(default_factory=Hints)


@dataclass(frozen=True)
class Rejection:
    """An input that produced no article, with a one-line reason for the user."""

    source_path: str
    reason: str


@dataclass(frozen=True)
class Skipped:
    """Records a reader passed over on purpose (a WARC's requests, say): told, not counted as rejected."""

    source_path: str
    count: int
    reason: str


@dataclass
class Article:
    """A normalized article, as stored.

    Fields missing from the input stay None: nothing is guessed silently.
    """

    id: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    byline: str | None = None
    dateline: str | None = None
    credit: str | None = None
    published: str | None = None
    captured: str | None = None
    language: str | None = None
    source_path: str | None = None
    content_hash: str = ""
    story_id: str | None = None
    duplicate_of: str | None = None
    ingested_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n\n") if self.text else []


@dataclass
class StoryMember:
    """One article of a story as a story listing shows it."""

    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    language: str | None
    duplicate_of: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Story:
    """A real-world event and the articles that report it.

    `first_published`/`last_published` are UTC times of its dated articles.
    `articles` is filled only when one story is asked for (`Store.get_story`).
    """

    id: str
    title: str | None
    first_published: str | None
    last_published: str | None
    article_count: int
    outlet_count: int
    outlets: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    articles: list[StoryMember] = field(default_factory=list)

    def to_dict(self, with_articles: bool = True) -> dict[str, Any]:
        data = asdict(self)
        if not with_articles:
            data.pop("articles")
        return data


@dataclass
class IngestReport:
    """What one ingest call did, counted per outcome."""

    new: int = 0
    duplicate: int = 0
    linked: int = 0  # new articles found to be near-copies of stored ones
    new_stories: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    skipped: int = 0
    article_ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # where each of article_ids was read from
    cluster_seconds: float = 0.0  # time spent assigning stories

    @property
    def stored_or_known(self) -> int:
        return self.new + self.duplicate

    def summary(self) -> str:
        return (
            f"{self.new} new, {self.duplicate} duplicate, {len(self.rejected)} rejected"
            f" ({self.linked} near-copies linked, {self.new_stories} new stories)"
        )


# -- what the understand stage finds in one article (character offsets into Article.text) -------------


@dataclass
class Mention:
    """A named entity as the article writes it."""

    text: str
    type: str  # PERSON, ORG, GPE, LOC, NORP, EVENT, ... (spaCy's labels)
    start: int
    end: int


@dataclass
class Quotation:
    """Words the article puts in someone's mouth, between quotation marks.

    `start`/`end` span the quoted words without the marks. `speaker` is the person
    the article names for them (a pronoun or title already resolved to a name when
    the article allows), `speaker_text` the words that refer to the speaker at the cue.
    """

    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_text: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None  # the reporting verb: said, told, warned ...


@dataclass
class Quantity:
    """A number and what it counts: "40,000 troops" is value 40000, what "troops".

    Vague amounts are ranges ("tens of thousands": low 20000, high 90000; value is
    their midpoint); "at least 12" has low 12 and no high. `unit` is set for money,
    percentages and measures.
    """

    text: str
    start: int
    end: int
    value: float
    what: str | None = None
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    approximate: bool = False


@dataclass
class TimeMention:
    """A time expression and the calendar date it stands for.

    `rule` says how to compute the date from an anchor (the article's publication date,
    or the story's when the article has none): "date:2014-05-25", "month-day:05-25",
    "weekday:4:past", "offset:-1" (yesterday), "year:2019"...; `date` is filled when
    the anchor was known, at the precision the expression gives ("2019", "2014-05", "2014-05-25").
    """

    text: str
    start: int
    end: int
    rule: str
    date: str | None = None


@dataclass
class Analysis:
    """Everything the understand stage finds in one article, computed once and stored."""

    article_id: str
    language: str
    version: int
    sentences: list[tuple[int, int]] = field(default_factory=list)
    entities: list[Mention] = field(default_factory=list)
    quotes: list[Quotation] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    not_analysed: list[str] = field(default_factory=list)  # e.g. "entities (no pipeline for 'fi')"
    # One float16 vector per sentence (understand.meaning); kept out of the JSON, stored as a blob.
    vectors: bytes | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["vectors"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], vectors: bytes | None = None) -> "Analysis":
        return cls(
            article_id=data["article_id"], language=data["language"], version=data["version"],
            sentences=[tuple(s) for s in data.get("sentences", [])],
            entities=[Mention(**m) for m in data.get("entities", [])],
            quotes=[Quotation(**q) for q in data.get("quotes", [])],
            quantities=[Quantity(**q) for q in data.get("quantities", [])],
            times=[TimeMention(**t) for t in data.get("times", [])],
            not_analysed=list(data.get("not_analysed", [])),
            vectors=vectors,
        )
