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

    def over(self, other: Hints) -> Hints:
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
    """An input that produced no article, with a one-line reason for the user.

    One shape everywhere (ingest, compare, eval; CLI, web API, Spark): {"source_path", "reason"}.
    `source_path` names the input as the user gave it, with "#..." or ":line" for a part of it.
    """

    source_path: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"source_path": self.source_path, "reason": self.reason}


@dataclass(frozen=True)
class Skipped:
    """Records a reader passed over on purpose (a WARC's requests, say): told, not counted as rejected."""

    source_path: str
    count: int
    reason: str


def outlet_names(articles) -> dict[str, str]:
    """Each article's outlet by article id; an article with no outlet named stands for an outlet of its own."""
    return {a.id: a.outlet or a.id for a in articles}


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

    # What every machine-readable view of an article carries, in this order (the content hash stays inside).
    FIELDS = ("id", "url", "outlet", "title", "byline", "dateline", "credit", "published", "captured",
              "language", "text", "story_id", "duplicate_of", "source_path", "ingested_at")

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.FIELDS}

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
    thread_id: str | None = None  # the thread of stories it belongs to (its own id while it is alone in one)

    # What a story listing carries per story, in this order; `with_articles` adds "articles".
    FIELDS = ("id", "title", "first_published", "last_published", "article_count", "outlet_count", "outlets",
              "languages", "thread_id")

    def to_dict(self, with_articles: bool = False) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.FIELDS}
        if with_articles:
            data["articles"] = [member.to_dict() for member in self.articles]
        return data


STORY_EVENT_KINDS = ("created", "joined", "merged", "split", "moved")
STORY_EVENT_REASONS = ("stream", "editor", "recluster")
CORRECTION_KINDS = ("merge", "split", "move")


@dataclass
class StoryEvent:
    """One change of a story's membership (`newsprism story ID --history`).

    `kind`: created (its first article), joined (an article joined), merged (`other_story_id` was merged into
    `story_id`; `articles` are the ones it brought), split (`articles` left `story_id` for the new story
    `other_story_id`), moved (`articles` left `other_story_id` for `story_id`). `reason`: stream (the assigner
    as articles arrived), editor (a correction) or recluster (the assigner rebuilding every story). `note`: the
    evidence for a change the assigner made by itself (a revision's merge: how alike the two stories were)."""

    story_id: str
    at: str
    kind: str
    articles: list[str]
    other_story_id: str | None = None
    reason: str = "stream"
    who: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Correction:
    """An editor's correction, by article ids (which survive `recluster`, unlike story ids).

    merge: `articles` [a, b], the stories of a and b are one; split: `articles` leave their story for a new one;
    move: `articles` [a] goes to the story of article `target`. `apart`: split, move: the articles of the story they
    left (kept apart from `articles` from then on). `after_article`: the latest article assigned when
    the correction was made (recluster replays it at that point of the stream)."""

    kind: str
    articles: list[str]
    target: str | None = None
    apart: list[str] = field(default_factory=list)
    at: str | None = None
    who: str | None = None
    note: str | None = None
    after_article: str | None = None
    seq: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Thread:
    """The stories of one ongoing subject, linked over weeks or months (cluster/threads.py).

    Its figures sum its stories' (`outlet_count` counts distinct outlets); `title` is its most reported
    story's; `stories` are latest news first.
    """

    id: str
    title: str | None
    first_published: str | None
    last_published: str | None
    story_count: int
    article_count: int
    outlet_count: int
    outlets: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)

    FIELDS = ("id", "title", "first_published", "last_published", "story_count", "article_count", "outlet_count",
              "outlets", "languages")

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.FIELDS}
        data["stories"] = [story.to_dict() for story in self.stories]
        return data


@dataclass
class SearchHit:
    """An article matching a full-text search, with its story and the matching words marked: `title` and
    `snippet` are pieces [{"text", "match"}] (plain text; a reader shows the pieces with match=True marked)."""

    article_id: str
    outlet: str | None
    published: str | None
    language: str | None
    story_id: str | None
    story_title: str | None
    title: list[dict[str, Any]]
    snippet: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class OutletFigures:
    """One outlet's figures over the store (`Store.outlet_figures`). An outlet is its name, case aside.

    `stories`: stories it has an article in; `shared_stories`: those that 2+ outlets cover; `first_reports`:
    shared stories whose earliest dated article is its own (a tie counts for each); `median_delay_seconds`:
    over its shared stories with a dated article of its own, the time from the story's first report to its
    own first article (0 when it was first); None when there is no such story.
    """

    outlet: str
    articles: int
    stories: int
    shared_stories: int
    first_reports: int
    median_delay_seconds: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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
    known: list[bool] = field(default_factory=list)  # whether each of article_ids was stored already (a duplicate)
    cluster_seconds: float = 0.0  # time spent assigning stories

    def to_dict(self, db: str | None = None) -> dict[str, Any]:
        """The summary programs read (`ingest --json`); "db" (the store's path) only when given."""
        data: dict[str, Any] = {
            "new": self.new, "duplicate": self.duplicate, "linked": self.linked, "skipped": self.skipped,
            "article_ids": list(self.article_ids), "rejected": [r.to_dict() for r in self.rejected],
        }
        if db is not None:
            data["db"] = db
        return data

    @property
    def stored_or_known(self) -> int:
        return self.new + self.duplicate

    def summary(self) -> str:
        return (
            f"{self.new} new, {self.duplicate} duplicate, {len(self.rejected)} rejected"
            f" ({self.linked} near-copies linked, {self.new_stories} new stories)"
        )


# -- intake: the feeds and sitemaps followed, and the items they list -------------------------------------

# Consecutive failures after which a feed shows "unhealthy" (IntakeSettings.unhealthy_after's default).
UNHEALTHY_AFTER = 5
FEED_ITEM_STATES = ("pending", "stored", "duplicate", "failed")


@dataclass
class Feed:
    """A feed, news sitemap or home page followed: a row of the store's `feeds` table. Times are ISO 8601 UTC."""

    url: str
    added_at: str
    interval_seconds: float
    next_poll: str
    outlet: str | None = None
    discovered_from: str | None = None   # the home page or sitemap index it was found on
    kind: str | None = None              # what its last body was: "feed", "sitemap", "sitemap-index", "page"
    etag: str | None = None
    last_modified: str | None = None
    last_polled: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    failures: int = 0                    # consecutive
    items_seen: int = 0
    last_new_item: str | None = None

    @property
    def health(self) -> str:
        return self.health_after(UNHEALTHY_AFTER)

    def health_after(self, unhealthy_after: int) -> str:
        """"new" (never polled), "ok", "failing" (its last poll failed) or "unhealthy" (`unhealthy_after`
        polls in a row failed)."""
        if self.last_polled is None:
            return "new"
        if self.failures >= unhealthy_after:
            return "unhealthy"
        return "failing" if self.failures else "ok"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "health": self.health}


@dataclass(frozen=True)
class RobotsRecord:
    """One origin's robots.txt as fetched: what intake keeps between runs (the store's `robots` table)."""

    fetched_at: float                    # wall-clock seconds (time.time())
    status: int | None                   # None: no answer (`error` says why)
    body: bytes = b""
    error: str | None = None


@dataclass
class FeedItem:
    """An article a feed or sitemap lists: a row of the store's `feed_items` table, keyed by its canonical URL."""

    url: str                             # intake.urls.canonical_item_url
    feed_url: str
    title: str | None = None
    published: str | None = None         # ISO 8601 when the feed's date could be read, else as the feed gave it
    author: str | None = None
    language: str | None = None
    outlet: str | None = None
    summary: str | None = None           # the feed's content or summary, when it carries one
    summary_type: str | None = None      # its media type: "text/html" or "text/plain"
    seen_at: str = ""                    # when first listed (the store fills in now when empty)
    state: str = "pending"               # one of FEED_ITEM_STATES
    article_id: str | None = None
    tries: int = 0
    last_error: str | None = None
    next_try: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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
    partial: bool = False  # quoted words inside the writer's sentence (`said there were “dozens of dead”`)


@dataclass
class Quantity:
    """A number and what it counts: "40,000 troops" is value 40000, what "troops".

    Vague amounts keep the floor their word implies ("tens of thousands": low 20000,
    no high; value is that floor); "at least 12" has low 12 and no high ("more than 12"
    things: low 13); a range ("eight or nine") has both, and its low end as value.
    `unit` is set for money, percentages and measures.
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
    "weekday:4:past", "weekday:6:next", "offset:-1" (yesterday), "year:2019"...; `date` is filled when
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
    def from_dict(cls, data: dict[str, Any], vectors: bytes | None = None) -> Analysis:
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


# -- what the compare stage builds for one story: the dossier ------------------------------------------
# Every part has `to_dict()`, the JSON contract shared by the command line (`story --json`,
# `compare --json`), the web API and Spark. Keys and their order are part of the contract.


@dataclass(frozen=True)
class Citation:
    """Character offsets of a cited passage in an article's text: text[start:end]."""

    article_id: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "start": self.start, "end": self.end}


def _cites(citations: list[Citation]) -> list[dict[str, Any]]:
    return [c.to_dict() for c in citations]


@dataclass
class Passage:
    """A sentence as one article words it."""

    text: str
    cite: Citation

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "cite": self.cite.to_dict()}


@dataclass
class SummarySentence:
    """A source's own sentence; the first citation is where it is quoted from, the others state the same fact."""

    text: str
    citations: list[Citation]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citations": _cites(self.citations)}


@dataclass
class Entity:
    """One real-world entity across a story's articles: its name, the other forms used, mentions per article."""

    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    mentions: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "aliases": list(self.aliases), "mentions": dict(self.mentions)}


@dataclass
class QuoteVariant:
    """One outlet's wording of a quotation, with the speaker it names."""

    text: str
    speaker: str | None
    cite: Citation

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "speaker": self.speaker, "cite": self.cite.to_dict()}


@dataclass
class QuoteGroup:
    """The same quotation across outlets: the speaker most name, the longest wording, every variant."""

    speaker: str | None
    text: str
    variants: list[QuoteVariant]

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "text": self.text, "variants": [v.to_dict() for v in self.variants]}


@dataclass
class NumberReport:
    """One article's figure for a group's quantity."""

    value: float
    low: float | None
    high: float | None
    approximate: bool
    text: str
    cite: Citation

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "approximate": self.approximate,
                "text": self.text, "cite": self.cite.to_dict()}


@dataclass
class NumberGroup:
    """Quantities of one thing in one unit; verdict "single" (one outlet), "agree", "update" (a floor such as
    "at least 37" above figures that agree: a count that grew) or "conflict"."""

    what: str
    unit: str | None
    verdict: str
    reports: list[NumberReport]

    def to_dict(self) -> dict[str, Any]:
        return {"what": self.what, "unit": self.unit, "verdict": self.verdict,
                "reports": [r.to_dict() for r in self.reports]}


@dataclass
class ClaimConflict:
    """A statement some outlets make and other outlets deny ("a distress call was received" against "no
    distress call was made"): each side's sentences, cited, and the first sentence of each as its text."""

    claim: list[Citation]
    denial: list[Citation]
    claim_text: str
    denial_text: str

    def to_dict(self) -> dict[str, Any]:
        return {"claim": {"text": self.claim_text, "citations": _cites(self.claim)},
                "denial": {"text": self.denial_text, "citations": _cites(self.denial)}}


@dataclass
class CoveredFact:
    """A fact several outlets carry: its representative sentence, every sentence stating it, the outlets."""

    text: str
    citations: list[Citation]
    outlets: list[str]
    # The independent sources behind it: an outlet, a group of outlets sharing copy ("a.example / b.example"),
    # or the source its sentences credit ("Interfax"): corroboration counts these, not outlets.
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citations": _cites(self.citations), "outlets": list(self.outlets),
                "sources": list(self.sources)}


@dataclass
class Coverage:
    """Facts every outlet carries (core), several carry (shared), and, per article, facts only it reports."""

    core: list[CoveredFact] = field(default_factory=list)
    shared: list[CoveredFact] = field(default_factory=list)
    unique: dict[str, list[Passage]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"core": [c.to_dict() for c in self.core], "shared": [c.to_dict() for c in self.shared],
                "unique": {article: [p.to_dict() for p in items] for article, items in self.unique.items()}}


@dataclass
class TimelineEvent:
    """A dated event: the first sentence dating it and all that do.

    `date` is a day "2014-05-25", an ISO week "2014-W21", a month "2014-05", a year "2014" or a decade "196X".
    `basis` says what the date rests on, the firmest of its citations': "stated" (the text gives it whole,
    "25 May 2014"), "published" (a relative expression, "on Friday", resolved against its article's publication
    date), "story" (the same in an undated article, resolved against the story's first date: less sure).
    """

    date: str
    text: str
    citations: list[Citation]
    basis: str = "published"

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "text": self.text, "citations": _cites(self.citations), "basis": self.basis}


@dataclass
class Dossier:
    """A story's dossier: what the outlets agree on, where they differ and who said what, every item cited.

    `texts` (article id -> text) lets views show cited passages; it is not part of `to_dict()`.
    `story` (a stored story) puts the listing fields first in `to_dict()` (`story ID --json`);
    `rejected` (the inputs `compare` could not read) adds "rejected" at the end when not None, and
    `merged_into` (a merged story's id was asked for: this is the story it was merged into) "merged_into".
    """

    id: str
    version: int
    title: str | None
    date: str | None
    articles: list[StoryMember]
    summary: list[SummarySentence]
    entities: list[Entity]
    quotes: list[QuoteGroup]
    numbers: list[NumberGroup]
    coverage: Coverage
    timeline: list[TimelineEvent]
    not_analysed: dict[str, list[str]] = field(default_factory=dict)
    claims: list[ClaimConflict] = field(default_factory=list)  # claims one outlet states and another denies
    # Articles that share copy (the same sentences with light edits: a republished or rewritten wire report),
    # and the source each article as a whole credits ("Culled from BBC", a wire credit): compare.sources.
    shared_copy: list[list[str]] = field(default_factory=list)
    credits: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict, repr=False)
    story: Story | None = None
    rejected: list[Rejection] | None = None
    merged_into: str | None = None  # the id asked for was merged into this story (the one shown)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = self.story.to_dict() if self.story is not None else {}
        data.update({
            "id": self.id, "version": self.version, "title": self.title, "date": self.date,
            "articles": [a.to_dict() for a in self.articles],
            "summary": [s.to_dict() for s in self.summary],
            "entities": [e.to_dict() for e in self.entities],
            "quotes": [q.to_dict() for q in self.quotes],
            "numbers": [n.to_dict() for n in self.numbers],
            "claims": [c.to_dict() for c in self.claims],
            "coverage": self.coverage.to_dict(),
            "timeline": [e.to_dict() for e in self.timeline],
            "not_analysed": {k: list(v) for k, v in self.not_analysed.items()},
            "shared_copy": [list(group) for group in self.shared_copy],
            "credits": dict(self.credits),
        })
        if self.rejected is not None:
            data["rejected"] = [r.to_dict() for r in self.rejected]
        if self.merged_into is not None:
            data["merged_into"] = self.merged_into
        return data

    def passage(self, cite: Citation) -> str:
        """The cited words ("" when the dossier carries no texts)."""
        return self.texts.get(cite.article_id, "")[cite.start:cite.end]

    def outlet_of(self) -> dict[str, str]:
        """Each article's outlet (its id when the outlet is unknown)."""
        return outlet_names(self.articles)
