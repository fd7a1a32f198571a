"""Live updates in a real browser (Debian's Chromium through Playwright): an open front page and story page
show "N new articles - reload" once articles arrive, and the page ran no inline script to do it."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

import newsprism
from newsprism.web import create_app

from .conftest import SEEDS, needs_shared

CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "live-token"


def browser_or_skip():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    if not CHROMIUM.exists():
        if os.environ.get("NEWSPRISM_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing and NEWSPRISM_REQUIRE_BROWSER is set")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return sync_playwright


@pytest.fixture
def server(tmp_path):
    """The app served by uvicorn on a free loopback port, in a thread, for this test only."""
    import uvicorn

    db = tmp_path / "news.db"
    with newsprism.open_store(str(db)) as store:
        newsprism.ingest(store, [needs_shared(SEEDS)])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = create_app(db, analyse=False, token=TOKEN, poll_seconds=0.5)
    running = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    running.should_exit = True
    thread.join(10)
    sock.close()


def post(base: str, n: int) -> dict:
    article = {"outlet": f"Outlet {n}", "title": "Kerry and Lavrov meet again in Paris",
               "url": f"https://outlet{n}.example/lavrov", "published": "2014-03-30T18:00:00Z",
               "text": "Sergei Lavrov and John Kerry met again in Paris on Sunday to talk about Ukraine. " * 3}
    answer = httpx.post(f"{base}/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 201, answer.text
    return answer.json()["new"][0]


def test_open_pages_say_when_new_articles_arrive(server):
    sync_playwright = browser_or_skip()
    from playwright.sync_api import expect
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = browser.new_page()
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(server + "/")
            notice = page.locator("#live")
            assert notice.is_hidden()
            page.wait_for_timeout(1500)  # several polls answered 304: still nothing to say
            assert notice.is_hidden()
            first = post(server, 1)
            notice.wait_for(state="visible", timeout=10_000)
            assert notice.inner_text().startswith("1 new article")
            post(server, 2)
            expect(notice).to_have_text(re.compile(r"^2 new articles"), timeout=10_000)  # no eval: the CSP forbids it
            page.locator("#live a").click()
            page.wait_for_load_state()
            assert page.locator("#live").is_hidden()

            story = browser.new_page()
            story.goto(f"{server}/stories/{first['story_id']}")
            post(server, 3)
            story.locator("#live").wait_for(state="visible", timeout=10_000)
            assert story.locator("#live").inner_text().startswith("1 new article")
            assert not [e for e in errors if "Content Security Policy" in e]
        finally:
            browser.close()
