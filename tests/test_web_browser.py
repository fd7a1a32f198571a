"""End to end in a real browser: `newsprism serve` as a real process on loopback, driven by Debian's Chromium
through Playwright's sync API.

One store (the example corpus, the two seed reports and hostile articles, all analysed) is built for the module,
one server serves it and one browser visits it; each test opens its own page. Screenshots of the front page and
the seeds' story at 1280 px and 375 px go to build/screenshots/.

Without /usr/bin/chromium (or Playwright) the module is skipped with one line, unless NEWSPRISM_REQUIRE_BROWSER=1
(CI sets it, after installing chromium): then a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import newsprism
from newsprism.understand import analyses_for

from .conftest import ROOT, SEEDS, needs_shared, process_env

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "build" / "screenshots"
SERVER_LIFETIME = 600  # seconds: the server dies by itself even if this test process is killed
SEEDS_TITLE = "Russian foreign minister and US secretary of state enter talks again"

# Each payload sets window.__xss (or opens a dialog) if the browser ever runs it.
HOSTILE_OUTLET = ('<svg onload="window.__xss=\'outlet\'">Hostile Herald</svg>'
                  "<script>window.__xss='outlet-script'</script>")
HOSTILE = [
    {"id": "hostile-1",
     "title": "<script>window.__xss='title'</script>Varnsby ferry <img src=x onerror=\"window.__xss='title-img'\"> "
              "sinks in the harbour",
     "outlet": HOSTILE_OUTLET,
     "url": "javascript:window.__xss='url';alert('url')",
     "byline": "<iframe src=\"javascript:window.__xss='byline'\"></iframe>",
     "published": "2025-11-03T08:00:00Z", "language": "en",
     "text": ("The Varnsby ferry sank in the harbour on Monday morning, the coast guard said. "
              "\"<script>window.__xss='quote';alert('quote')</script> We saw it go down in four minutes,\" said "
              "harbour master Ilse Brandt <img src=x onerror=\"window.__xss='text-img';alert('img')\">.\n\n"
              "All 212 passengers were rescued, officials said. <a href=\"javascript:window.__xss='link'\">details</a>"
              " <body onload=\"window.__xss='body'\"> The ferry operator said 212 people were on board.")},
    {"id": "hostile-2",
     "title": "Ferry sinks at Varnsby harbour <svg/onload=window.__xss='title2'>; all rescued",
     "outlet": "<img src=x onerror=\"window.__xss='outlet2'\">Daily Onload",
     "url": "https://example.org/ferry\" onmouseover=\"window.__xss='attr'\" x=\"",
     "published": "2025-11-03T09:30:00Z", "language": "en",
     "text": ("The Varnsby ferry went down in the harbour on Monday, the coast guard said, and all 210 passengers "
              "were rescued. \"<script>window.__xss='quote2'</script> We saw it go down in four minutes,\" harbour "
              "master Ilse Brandt said.\n\n<style>body{display:none}</style> Officials said the ferry operator "
              "would be questioned. javascript:window.__xss='bare'")},
]


# --- the store, the server, the browser --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium():
    """Playwright's sync API driving Debian's Chromium, one browser for the module."""
    required = os.environ.get("NEWSPRISM_REQUIRE_BROWSER") == "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("NEWSPRISM_REQUIRE_BROWSER=1 but Playwright is not installed")
        pytest.skip("Playwright is not installed: browser tests skipped")
    if not CHROMIUM.exists():
        if required:
            pytest.fail(f"NEWSPRISM_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium): browser tests skipped")
    with sync_playwright() as playwright:
        # Chromium's sandbox needs user namespaces, which a root process in a container does not get.
        args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory, chromium, examples_analysed):
    """The store built and analysed once (a copy of the analysed example corpus, with the seeds and the hostile
    articles added), and `newsprism serve` answering on a free loopback port.
    Returns {"url", "seeds_story", "hostile_story", "hostile_articles"}."""
    needs_shared(SEEDS)
    folder = tmp_path_factory.mktemp("browser")
    hostile = folder / "hostile.jsonl"
    hostile.write_text("".join(json.dumps(record) + "\n" for record in HOSTILE), encoding="utf-8")
    db = folder / "news.db"
    with sqlite3.connect(examples_analysed) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    with newsprism.Store(db) as store:
        newsprism.ingest(store, [SEEDS, hostile])
        articles = store.articles()
        analyses_for(store, articles)  # the new ones; in this process, so the models the suite loaded are reused
        seeds_story = next(a.story_id for a in articles if a.outlet == "The Guardian" and "Lavrov" in a.text)
        hostile_articles = [a.id for a in articles if "Varnsby ferry" in a.text]
        hostile_story = next(a.story_id for a in articles if a.id == hostile_articles[0])
    port = free_port()
    command = [sys.executable, "-m", "newsprism.cli", "serve", "--db", str(db), "--host", "127.0.0.1",
               "--port", str(port)]
    if shutil.which("timeout"):
        command = ["timeout", str(SERVER_LIFETIME), *command]
    # a real process: the served app as users run it
    server = subprocess.Popen(command, env=process_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(server, url)
        yield {"url": url, "seeds_story": seeds_story, "hostile_story": hostile_story,
               "hostile_articles": hostile_articles}
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(server: subprocess.Popen, url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"newsprism serve exited with {server.returncode}: {server.stdout.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{url}/.json", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"newsprism serve did not answer at {url} within {seconds} s")


@pytest.fixture
def page(chromium, site):
    """A fresh page; fails the test if the page logs an error (a CSP violation, a script error) or opens a dialog."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    opened.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    opened.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield opened
    context.close()
    # a 404 page is expected to be logged as a failed resource load; nothing else may be
    assert [p for p in problems if "404 (Not Found)" not in p] == []


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        assert (SCREENSHOTS / f"{name}-{width}.png").stat().st_size > 5_000
    page.set_viewport_size({"width": 1280, "height": 900})


def no_horizontal_scroll(page) -> bool:
    """The page fits its viewport's width: nothing pushes the body sideways (tables scroll inside their box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


# --- the user's path ----------------------------------------------------------------------------------------------

def test_front_page_lists_the_stories(page, site):
    page.goto(site["url"] + "/")
    titles = page.locator("ol.stories h2 a").all_inner_texts()
    assert any(t.startswith(SEEDS_TITLE) for t in titles)
    assert any("Varnholm bridge" in t for t in titles)
    assert re.match(r"\d+ stories · most active first · page 1 of 1", page.inner_text("p.count"))
    screenshot(page, "front")
    page.set_viewport_size({"width": 375, "height": 800})
    assert no_horizontal_scroll(page)


def test_seeds_story_shows_the_dossier(page, site):
    page.goto(site["url"] + "/")
    page.get_by_role("link", name=re.compile("^" + re.escape(SEEDS_TITLE))).click()
    page.wait_for_url(f"**/stories/{site['seeds_story']}")
    assert page.inner_text("h1").startswith(SEEDS_TITLE)
    assert "2 outlets" in page.inner_text("p.meta")
    assert page.locator("#summary li").count() >= 1
    reporting = page.locator("ol.reporting li").all_inner_texts()
    assert {"The Guardian", "The National"} <= {o for row in reporting for o in ("The Guardian", "The National")
                                               if o in row}
    assert page.locator("ol.reporting .first").count() >= 1
    assert "Lavrov" in page.inner_text("#entities")
    assert page.locator(".pending").count() == 0  # every article was analysed before the server started
    screenshot(page, "story")
    page.set_viewport_size({"width": 375, "height": 800})
    assert no_horizontal_scroll(page)


def test_a_citation_opens_in_place_and_leads_to_the_highlighted_span(page, site):
    page.goto(f"{site['url']}/stories/{site['seeds_story']}")
    cite = page.locator("#summary details.cite").first
    passage = cite.locator("blockquote").first
    assert not passage.is_visible()
    cite.locator("summary").click()  # the cited passage opens in place
    assert passage.is_visible()
    words = passage.inner_text().split("”")[0].lstrip("“")
    passage.get_by_role("link", name="in the article").click()
    page.wait_for_url(re.compile(r"/articles/[^/?#]+\?hl=\d+-\d+#c-\d+-\d+$"))
    start, end = re.search(r"#c-(\d+)-(\d+)$", page.url).groups()
    mark = page.locator(f"mark#c-{start}-{end}")
    assert mark.is_visible()
    assert page.evaluate("document.activeElement.id") == f"c-{start}-{end}"  # focused, so read next by a reader
    marked = " ".join(page.locator("mark").all_inner_texts())
    assert " ".join(marked.split()) == " ".join(words.split())
    box = mark.bounding_box()
    assert box and box["y"] + box["height"] > 0 and box["y"] < page.viewport_size["height"]  # scrolled into view
    # the span's offsets are the article's own: the JSON twin's text holds the marked words there
    article = httpx.get(page.url.split("?")[0] + ".json", timeout=10).json()
    assert " ".join(article["text"][int(start):int(end)].split()) == " ".join(marked.split())


def test_an_address_with_only_the_fragment_marks_the_span_too(page, site):
    story = httpx.get(f"{site['url']}/stories/{site['seeds_story']}.json", timeout=10).json()
    cite = story["dossier"]["summary"][0]["citations"][0]
    article = httpx.get(f"{site['url']}/articles/{cite['article_id']}.json", timeout=10).json()
    page.goto(f"{site['url']}/articles/{cite['article_id']}#c-{cite['start']}-{cite['end']}")
    mark = page.locator(f"mark#c-{cite['start']}-{cite['end']}")
    mark.wait_for()
    assert page.evaluate("document.activeElement.id") == f"c-{cite['start']}-{cite['end']}"
    first_paragraph_part = article["text"][cite["start"]:cite["end"]].split("\n\n")[0]
    assert " ".join(mark.inner_text().split()) == " ".join(first_paragraph_part.split())


def test_search_for_lavrov(page, site):
    page.goto(site["url"] + "/")
    page.fill("#q", "Lavrov")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=Lavrov")
    titles = page.locator("ol.stories h2 a").all_inner_texts()
    assert any(t.startswith(SEEDS_TITLE) for t in titles)
    assert not any("Varnholm" in t or "ferry" in t for t in titles)
    assert "matching “Lavrov”" in page.inner_text("p.count")
    assert page.input_value("#q") == "Lavrov"


def test_filter_by_outlet(page, site):
    page.goto(site["url"] + "/")
    everything = page.locator("ol.stories li.story").count()
    page.fill("form.filters input[name=outlet]", "The National")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"outlet=The\+National"))  # with the other boxes sent empty
    assert page.input_value("form.filters input[name=outlet]") == "The National"
    stories = page.locator("ol.stories li.story")
    assert 1 <= stories.count() < everything
    for i in range(stories.count()):
        assert "The National" in stories.nth(i).locator(".outlets").all_inner_texts()[0]
    # an outlet's name on a story is a link to the same filter
    page.goto(site["url"] + "/")
    page.locator("a.outlet", has_text="The Guardian").first.click()
    page.wait_for_url(re.compile(r"outlet=The(\+|%20)Guardian"))
    assert all("The Guardian" in row for row in page.locator("ol.stories .outlets").all_inner_texts())


@pytest.mark.parametrize("path", ["/stories/no-such-story", "/articles/no-such-article"])
def test_a_wrong_id_is_a_404_page(page, site, path):
    response = page.goto(site["url"] + path)
    assert response.status == 404
    assert page.inner_text("h1") == "404 · not found"
    assert "no-such" in page.inner_text("p.error")
    page.get_by_role("link", name="Back to the stories").click()
    page.wait_for_url(site["url"] + "/")


# --- hostile articles ---------------------------------------------------------------------------------------------

@pytest.fixture
def unprotected_page(chromium, site):
    """A page with the Content-Security-Policy bypassed: whatever stays inert here is inert by escaping alone."""
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    seen: list[str] = []
    opened.on("dialog", lambda d: (seen.append(f"dialog: {d.message}"), d.dismiss()))
    opened.on("console", lambda m: seen.append(f"console {m.type}: {m.text}") if "xss" in m.text.lower() else None)
    yield opened, seen
    context.close()


def assert_inert(page, seen: list[str]) -> None:
    assert page.evaluate("window.__xss") is None, "a payload ran"
    assert seen == []
    scripts = page.evaluate("[...document.scripts].map(s => s.getAttribute('src'))")
    assert scripts == ["/static/app.js"]
    handlers = page.evaluate("[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
                             ".filter(a => a.name.startsWith('on')).map(a => a.name)")
    assert handlers == []
    links = page.evaluate("[...document.querySelectorAll('[href],[src]')]"
                          ".map(e => e.getAttribute('href') || e.getAttribute('src'))")
    assert not [link for link in links if link.strip().lower().startswith(("javascript:", "data:", "vbscript:"))]
    assert page.locator("main img, main svg, main iframe, main style").count() == 0


def test_hostile_articles_never_run(unprotected_page, site):
    page, seen = unprotected_page
    base = site["url"]
    pages = ["/", f"/stories/{site['hostile_story']}", "/?q=ferry", "/?outlet=" + httpx.QueryParams(
        {"o": HOSTILE_OUTLET})["o"].replace(" ", "%20")]
    pages += [f"/articles/{a}" for a in site["hostile_articles"]]
    for path in pages:
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert_inert(page, seen)
    # every citation and every link on the hostile story: opened, followed, still inert
    page.goto(f"{base}/stories/{site['hostile_story']}")
    for summary in page.locator("details.cite summary").all()[:6]:
        summary.click()
    assert_inert(page, seen)
    hrefs = page.evaluate("[...document.querySelectorAll('main a[href]')].map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(("/", "https://", "http://")) for h in hrefs)
    for href in list(dict.fromkeys(h for h in hrefs if h.startswith("/")))[:8]:
        page.goto(base + href)
        assert_inert(page, seen)


def test_hostile_text_is_shown_as_text(page, site):
    """The payloads are shown, escaped, as the words they are (under the real CSP)."""
    page.goto(f"{site['url']}/articles/{site['hostile_articles'][0]}")
    assert page.inner_text("h1").startswith("<script>window.__xss='title'</script>Varnsby ferry <img src=x")
    meta = page.inner_text("p.meta >> nth=0")
    assert "<svg onload=" in meta and "Hostile Herald" in meta
    body = page.inner_text(".text")
    assert "<img src=x onerror=" in body and "<script>window.__xss='quote'" in body
    links = page.locator("main a").all_inner_texts()
    assert "original page" not in links  # a javascript: URL is never a link
    assert "javascript:window.__xss='url'" in page.inner_text("main")  # shown as plain text instead
    page.goto(site["url"] + "/")
    row = page.locator("ol.stories li.story", has_text="Varnsby")
    assert "<svg/onload=window.__xss='title2'>" in row.locator("h2").inner_text()
    assert "<script>window.__xss='quote'" in row.locator(".lead").inner_text()
    assert HOSTILE_OUTLET in row.locator(".outlets").inner_text()
    assert page.evaluate("window.__xss") is None
