"""The JSON API beside the pages: `POST /api/articles` (push articles, with a token) and `GET /api/changes`
(what a page polls to learn that articles arrived)."""

from __future__ import annotations

import io
import logging
import re
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from ..cluster.corrections import CorrectionError, merge_stories, move_article, split_story
from ..config import Settings
from ..ingest import IngestSession, ingest
from ..model import IngestReport
from ..store import StoreError

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api")

bearer = HTTPBearer(auto_error=False, description="the server's write token (`newsprism serve --token`)")

MULTIPART_OVERHEAD = 64 * 1024  # bytes a multipart body may carry beyond the files (boundaries, headers, fields)
MAX_FILES = 20
# A request body's media type -> the name it is read under, which tells `ingest` its format.
BODY_NAMES = {
    "application/json": "request.json", "application/x-ndjson": "request.jsonl",
    "application/jsonl": "request.jsonl", "application/json-seq": "request.jsonl",
    "text/html": "request.html", "application/xhtml+xml": "request.html", "text/plain": "request.txt",
    "application/rss+xml": "request.xml", "application/atom+xml": "request.xml",
    "application/xml": "request.xml", "text/xml": "request.xml", "application/warc": "request.warc",
}
UPLOAD_SCHEMA = {"type": "object", "properties": {"file": {"type": "array", "items": {
    "type": "string", "format": "binary"}, "description": "files of any format `newsprism ingest` reads"}}}
ARTICLE_RECORD = {
    "title": "ArticleRecord", "type": "object", "required": ["text"],
    "description": "One article as `newsprism ingest` reads a JSON record (`html` may stand for `text`).",
    "properties": {name: {"type": "string"} for name in
                   ("text", "html", "title", "url", "outlet", "published", "language", "byline", "id")},
}
RECORD_SCHEMA = {"oneOf": [ARTICLE_RECORD, {"type": "array", "items": ARTICLE_RECORD}]}


def require_token(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    """Writes need the server's token as `Authorization: Bearer TOKEN`; a server without one takes no writes."""
    token = request.app.state.token
    if not token:
        raise HTTPException(403, "the write API is off: start the server with --token TOKEN "
                                 "(or NEWSPRISM_TOKEN) to accept articles")
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "a valid token is needed: send the header 'Authorization: Bearer TOKEN'"
                            if not given else "wrong token", headers={"WWW-Authenticate": "Bearer"})


@router.post(
    "/articles", summary="Store articles (a JSON record, a JSON list of them, or uploaded files)",
    dependencies=[Depends(require_token)],
    responses={200: {"description": "nothing new: every article was stored already"},
               201: {"description": "articles stored"}, 401: {"description": "missing or wrong token"},
               403: {"description": "the write API is off (the server has no token)"},
               413: {"description": "the body is over the size limit"},
               415: {"description": "a body type newsprism does not read"},
               422: {"description": "no article could be read: every input was rejected"}},
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": RECORD_SCHEMA},
        "multipart/form-data": {"schema": UPLOAD_SCHEMA},
        "application/x-ndjson": {"schema": {"type": "string", "description": "JSON Lines: one record a line"}},
        "text/html": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}},
        "application/rss+xml": {"schema": {"type": "string"}}}}},
)
async def post_articles(request: Request):
    """Store the articles in the body through `newsprism ingest`'s own code (near-copies linked, stories
    assigned at once). The body is a JSON record or a JSON list of records, JSON Lines, an HTML page, a
    feed, plain text, or a multipart upload of files (field `file`) of any format `ingest` reads. The
    answer lists the new articles and the ones already stored (each with its story) and the rejected inputs
    with their reasons."""
    settings: Settings = request.app.state.settings
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        inputs = await _uploaded_files(request, settings.max_bytes)
    elif media in BODY_NAMES:
        inputs = [(BODY_NAMES[media], await _capped_body(request, settings.max_bytes))]
    else:
        raise HTTPException(415, f"cannot read a body of type {media[:60] or '(none)'!r}: send JSON "
                                 "(one record or a list), JSON Lines, HTML, a feed, text, or files as multipart")
    store = request.app.state.store
    try:
        report = await run_in_threadpool(_store_inputs, request.app, inputs)
    except StoreError as exc:  # busy (another process writing for long), full, damaged: no article's fault
        raise HTTPException(503, f"cannot store now: {exc}") from None
    return _answer(store, report)


def _store_inputs(app, inputs: list[tuple[str, bytes]]) -> IngestReport:
    """Each input through `ingest` (one input read as standard input is, under its own name), one
    request at a time, with the app's one ingest session (its active stories stay in memory)."""
    total = IngestReport()
    with app.state.ingest_lock:
        if app.state.ingest_session is None:
            app.state.ingest_session = IngestSession(app.state.store, app.state.settings)
        for name, data in inputs:
            _store_one_input(app, name, data, total)
    return total


def _store_one_input(app, name: str, data: bytes, total: IngestReport) -> None:
    stream = io.BytesIO(data)
    stream.name = name  # `ingest` names the input, and tells its format, by it
    report = ingest(app.state.store, ["-"], settings=app.state.settings, stdin=stream,
                    session=app.state.ingest_session)
    for field in ("new", "duplicate", "linked", "new_stories", "skipped"):
        setattr(total, field, getattr(total, field) + getattr(report, field))
    for field in ("rejected", "article_ids", "sources", "known"):
        getattr(total, field).extend(getattr(report, field))


def _answer(store, report: IngestReport) -> JSONResponse:
    new, duplicates = [], []
    for article_id, source, known in zip(report.article_ids, report.sources, report.known, strict=True):
        (duplicates if known else new).append({"id": article_id, "story_id": store.story_of(article_id),
                                               "source_path": source, "url": f"/articles/{article_id}"})
    body: dict[str, Any] = {"new": new, "duplicates": duplicates,
                            "rejected": [r.to_dict() for r in report.rejected], "skipped": report.skipped,
                            "near_copies_linked": report.linked, "new_stories": report.new_stories}
    if not new and not duplicates:
        first = report.rejected[0] if report.rejected else None
        body["error"] = (f"no article stored: {first.source_path}: {first.reason}" if first
                         else "no article stored: the input holds no article")
        body["status"] = 422
        return JSONResponse(body, status_code=422)
    log.info("POST /api/articles: %s", report.summary())
    return JSONResponse(body, status_code=201 if new else 200)


async def _capped_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to be over `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(None, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int | None, limit: int) -> HTTPException:
    shown = f"{size:,} bytes" if size is not None else "more than that"
    return HTTPException(413, f"too large: {shown}, over the {limit:,}-byte limit")


async def _uploaded_files(request: Request, limit: int) -> list[tuple[str, bytes]]:
    """The uploaded files of a multipart body as (name, bytes); each file at most `limit` bytes."""
    body = await _capped_body(request, limit + MULTIPART_OVERHEAD)

    async def replay():
        yield body

    parser = MultiPartParser(request.headers, replay(), max_files=MAX_FILES, max_fields=MAX_FILES,
                             max_part_size=MULTIPART_OVERHEAD)
    parser.spool_max_size = len(body) + 1  # the body is in memory already: its files stay there, never on disk
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise HTTPException(400, f"malformed multipart body: {exc.message}") from None
    try:
        files = [value for _, value in form.multi_items() if isinstance(value, UploadFile)]
        if not files:
            raise HTTPException(400, "the multipart body holds no file: send the articles as field 'file'")
        found = []
        for upload in files:
            data = await upload.read(limit + 1)
            if len(data) > limit:
                raise _too_large(None, limit)
            found.append((upload_name(upload.filename), data))
        return found
    finally:
        await form.close()


def upload_name(filename: str | None) -> str:
    """An uploaded file's name as `ingest` shows it and detects its format by: never a path (no folder, no
    control character), at most 120 characters."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()[-120:]
    return name or "upload"


# --- editors' corrections (with the token): what `newsprism stories merge|split|move` do ------------------


class MergeBody(BaseModel):
    stories: list[str] = Field(min_length=2, max_length=2, description="the two story ids to merge")
    by: str | None = Field(None, max_length=200, description="who makes the correction")


class SplitBody(BaseModel):
    articles: list[str] = Field(min_length=1, max_length=10_000, description="the articles to set apart")
    by: str | None = Field(None, max_length=200)


class MoveBody(BaseModel):
    story: str = Field(max_length=200, description="the story the article goes to")
    by: str | None = Field(None, max_length=200)


CORRECTION_ANSWERS = {400: {"description": "the correction cannot be made (why is in `detail`)"},
                      401: {"description": "missing or wrong token"},
                      403: {"description": "the write API is off (the server has no token)"},
                      404: {"description": "no such story or article"}}


@router.post("/stories/merge", summary="Merge two stories (the older keeps its id)",
             dependencies=[Depends(require_token)], responses=CORRECTION_ANSWERS)
def merge(request: Request, body: MergeBody):
    """`{"story": the surviving id, "merged": the id that now redirects to it}`."""
    first, second = body.stories
    survivor = _corrected(lambda store: merge_stories(store, first, second, who=body.by), request)
    return {"story": survivor, "merged": second if survivor != second else first}


@router.post("/stories/{story_id}/split", summary="Set articles apart from a story as a story of their own",
             dependencies=[Depends(require_token)], responses=CORRECTION_ANSWERS)
def split(request: Request, story_id: str, body: SplitBody):
    """`{"story": the id the larger part keeps, "new_story": the other part's id}`."""
    kept, new = _corrected(lambda store: split_story(store, story_id, body.articles, who=body.by), request)
    return {"story": kept, "new_story": new}


@router.post("/articles/{article_id}/move", summary="Move an article to another story",
             dependencies=[Depends(require_token)], responses=CORRECTION_ANSWERS)
def move(request: Request, article_id: str, body: MoveBody):
    """`{"article": its id, "story": the story it went to, "left": the story it left}`."""
    left = _corrected(lambda store: move_article(store, article_id, body.story, who=body.by), request)
    return {"article": article_id, "story": request.app.state.store.story_of(article_id), "left": left}


def _corrected(action, request: Request):
    """Run a correction; an unknown id is 404, another refusal 400, a busy or damaged store 503."""
    try:
        return action(request.app.state.store)
    except CorrectionError as exc:
        raise HTTPException(404 if str(exc).startswith("no ") else 400, str(exc)) from None
    except StoreError as exc:
        raise HTTPException(503, f"cannot store now: {exc}") from None


@router.get("/changes", summary="How many articles arrived since a page was made (for live updates)",
            responses={304: {"description": "nothing changed since the ETag given in If-None-Match"}})
def changes(request: Request, response: Response,
            since: int = Query(0, ge=0, le=2**62, description="the `latest` number the page was made with"),
            story: str | None = Query(None, max_length=200, description="count only this story's articles")):
    """`latest`: the newest article's arrival number; `new_articles`: articles that arrived after `since`
    (in `story` when given). The ETag changes only when articles arrive or stories are rebuilt: a poll with
    If-None-Match is answered 304, with no body, until then."""
    store = request.app.state.store
    latest, assigned = store.latest_arrival()
    etag = f'"{latest}.{assigned}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag in {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return {"latest": latest, "since": since, "story": story,
            "new_articles": store.arrivals_after(since, story) if since < latest else 0}
