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
