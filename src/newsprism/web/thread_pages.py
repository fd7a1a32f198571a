"""The thread pages: `/threads` (threads of two or more stories, most active first, in pages) and
`/threads/{id}` (one thread and its stories), each with its JSON twin; what `newsprism threads` and
`newsprism thread ID` print. A thread that joined another redirects to it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse

from .respond import respond, strip_json, url_with

router = APIRouter()

PER_PAGE = 50


@router.get("/threads", include_in_schema=False)
@router.get("/threads.json", summary="Threads: the stories of one ongoing subject, most active first")
def threads_page(request: Request,
                 page: int = Query(1, ge=1, le=1_000_000, description=f"page number, {PER_PAGE} threads a page")):
    store = request.app.state.store
    total = store.count_threads()
    pages = max(1, -(-total // PER_PAGE))
    threads = [_linked(thread.to_dict()) for thread in store.threads(limit=PER_PAGE, offset=(page - 1) * PER_PAGE)]
    data = {"threads": threads, "total": total, "page": page, "pages": pages,
            "next": url_with(request, page=page + 1) if page < pages else None,
            "previous": url_with(request, page=page - 1 if page > 2 else None) if page > 1 else None}
    return respond(request, "threads.html", data)


@router.get("/threads/{thread_id}", summary="A thread and its stories")
def thread_page(request: Request, thread_id: str):
    store = request.app.state.store
    wanted = strip_json(thread_id)
    suffix = ".json" if thread_id.endswith(".json") else ""
    found = store.get_thread(wanted)
    if found is None:
        into = store.thread_redirect(wanted)
        if into is not None and into != wanted:
            return RedirectResponse(f"/threads/{into}{suffix}", status_code=308)
        raise HTTPException(404, f"no thread {wanted[:80]!r} in the store")
    return respond(request, "thread.html", {"thread": _linked(found.to_dict())})


def _linked(thread: dict) -> dict:
    thread["url"] = f"/threads/{thread['id']}"
    for story in thread["stories"]:
        story["url"] = f"/stories/{story['id']}"
    return thread
