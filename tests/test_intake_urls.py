"""Canonical item URLs: one article reached by two URLs is one item; two articles are never merged."""

from __future__ import annotations

import json

import pytest

from newsprism.identify import canonical_url
from newsprism.intake.urls import MAX_URL_LENGTH, canonical_feed_url, canonical_item_url

from .conftest import SHARED, needs_shared

PLAIN = "https://www.meridianreview.example/news/2025/10/15/varnholm-commuters-detours-ferries"


@pytest.mark.parametrize("variant", [
    PLAIN,
    f"{PLAIN}?utm_source=twitter&utm_medium=social&utm_campaign=bridge",     # tracking parameters
    f"{PLAIN}?fbclid=IwAR0abc123",
    f"{PLAIN}#comments",                                                   # fragment
    "HTTPS://WWW.MeridianReview.EXAMPLE:443/news/2025/10/15/varnholm-commuters-detours-ferries",  # case, port
    f"  {PLAIN}\n",                                                        # white space around
    f"{PLAIN}/amp",                                                        # AMP: last segment
    "https://www.meridianreview.example/amp/news/2025/10/15/varnholm-commuters-detours-ferries",  # first segment
    f"{PLAIN}.amp",                                                        # AMP: .amp at the end
    f"{PLAIN}?amp=1", f"{PLAIN}?amp", f"{PLAIN}?amp=true&utm_source=x", f"{PLAIN}?outputType=amp",
    "https://www-meridianreview-example.cdn.ampproject.org/c/s/www.meridianreview.example/news/2025/10/15/"
    "varnholm-commuters-detours-ferries",                                   # AMP cache
    "https://www.google.com/amp/s/www.meridianreview.example/news/2025/10/15/varnholm-commuters-detours-ferries",
])
def test_variants_of_one_article_are_one_url(variant):
    assert canonical_item_url(variant) == PLAIN


@pytest.mark.parametrize("given, expected", [
    ("https://www.example-times.com/2025/10/15/story/amp/", "https://www.example-times.com/2025/10/15/story/"),
    ("https://www.example-times.com/world/story.amp.html", "https://www.example-times.com/world/story.html"),
    ("https://m.bbc.co.uk/news/world-europe-68123456", "https://www.bbc.co.uk/news/world-europe-68123456"),
    ("https://amp.theguardian.com/world/2025/oct/15/bridge", "https://www.theguardian.com/world/2025/oct/15/bridge"),
    ("https://mobile.reuters.com/article/idUS123?utm_source=x", "https://www.reuters.com/article/idUS123"),
    ("https://m.spiegel.de:8443/politik/a.html", "https://www.spiegel.de:8443/politik/a.html"),
    # the remaining query is kept, sorted (courlan), without the AMP flag
    ("https://news.example.com/story?id=42&amp=1&page=2", "https://news.example.com/story?id=42&page=2"),
    ("http://127.0.0.1:8765/radio-estmark/a-story?utm_campaign=feed", "http://127.0.0.1:8765/radio-estmark/a-story"),
])
def test_each_variant_rule(given, expected):
    assert canonical_item_url(given) == expected


@pytest.mark.parametrize("url", [
    "https://www.example.com/amp",                  # a page named amp: nothing would remain
    "https://www.example.com/amp/",
    "https://www.example.com/news/amp/story-1",     # amp in the middle: not a rule
    "https://www.example.com/amp-stories/x",        # a segment that only starts with amp
    "https://www.example.com/news/champ.html",      # "amp" inside a word
    "https://www.example.com/story?amp=0",          # amp=0 asks for the plain page already... and is kept
    "https://www.example.com/story?id=7",           # real parameters stay
    "https://m.news.radioestmark.example/a",        # a deeper host: which desktop host is unknown
    "https://m.example/a",                          # no registrable domain after m.
    "https://media.example.com/a",                  # media. is not m.
])
def test_what_the_rules_leave_alone(url):
    assert canonical_item_url(url) == canonical_url(url)


def test_two_articles_stay_two():
    assert canonical_item_url("https://www.example.com/news/story-1?id=1") != \
        canonical_item_url("https://www.example.com/news/story-1?id=2")
    assert canonical_item_url("https://www.example.com/a/amp") != canonical_item_url("https://www.example.com/b/amp")


@pytest.mark.parametrize("url", [
    None, "", "   ", "javascript:void(0)", "mailto:desk@example.com", "ftp://example.com/a.txt",
    "data:text/html,<p>x</p>", "https://", "http:///path", "https://example.com:99999/a", "http://[::1/a",
    "https://example.com/" + "a" * MAX_URL_LENGTH, "/relative/path",
])
def test_no_web_page_no_url(url):
    assert canonical_item_url(url) is None


@pytest.mark.parametrize("given, expected", [
    ("HTTPS://News.Example.COM:443/feed?source=rss#top", "https://news.example.com/feed?source=rss"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
    ("http://[::1]:80/rss.xml", "http://[::1]/rss.xml"),
    ("https://www.example.com/sitemap_news.xml", "https://www.example.com/sitemap_news.xml"),
])
def test_feed_urls_keep_their_query(given, expected):
    assert canonical_feed_url(given) == expected


@pytest.mark.parametrize("url", [None, "", "ftp://x.example/f", "https://", "https://ex ample.com/f",
                                 "https://example.com/f\x00", "feed://example.com/rss", "https://e.com:x/"])
def test_bad_feed_urls(url):
    assert canonical_feed_url(url) is None


def test_real_article_urls_stay_apart_and_lose_their_trackers():
    """180 real article URLs of 60+ outlets (../shared multilingual stories): each gives a URL, none is merged
    with another, the canonical form is stable, and tracking parameters added to it are removed again."""
    path = needs_shared(SHARED / "data" / "multilingual-stories" / "articles.jsonl")
    urls = sorted({json.loads(line)["url"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()})
    assert len(urls) == 180
    canonical = {url: canonical_item_url(url) for url in urls}
    assert all(canonical.values())
    assert len(set(canonical.values())) == len(urls)
    assert all(canonical_item_url(c) == c for c in canonical.values())
    for url, plain in canonical.items():
        joiner = "&" if "?" in url else "?"
        assert canonical_item_url(f"{url}{joiner}utm_source=rss&utm_medium=feed&fbclid=x1") == plain
