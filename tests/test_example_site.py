"""The local news site (examples/site.py) that `newsprism watch` is tested and demonstrated against: its feeds,
sitemaps and pages are what a reader expects, 304s work, each misbehaviour switch does what it says, the log
records what was asked, and its bounds end it."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

import feedparser
import httpx
import pytest
import trafilatura
from lxml import etree, html

from .conftest import example_site

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


NewsSite, Misbehaviour, Page = example_site.NewsSite, example_site.Misbehaviour, example_site.Page


@pytest.fixture(scope="module")
def site():
    with NewsSite.from_examples(lifetime=120) as running:
        yield running


@pytest.fixture
def client():
    with httpx.Client(timeout=5) as session:
        yield session


def test_loopback_only(site):
    assert site.base_url.startswith("http://127.0.0.1:")
    assert site._server.server_address[0] == "127.0.0.1"


def test_every_feed_and_sitemap_lists_every_article(site, client):
    articles = set(site.article_urls())
    assert len(articles) == 16 and len(site.outlets) == 13  # the example corpus: 16 articles of 13 outlets
    for kind in ("rss", "atom"):
        links = set()
        for url in site.feed_urls(kind):
            parsed = feedparser.parse(client.get(url).content)
            assert not parsed.bozo, (url, parsed.get("bozo_exception"))
            assert parsed.feed.title in site.outlets
            links |= {entry.link for entry in parsed.entries}
        assert links == articles, kind
    located = set()
    for url in site.feed_urls("news-sitemap"):
        root = etree.fromstring(client.get(url).content)
        located |= {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    assert located == articles
    index = etree.fromstring(client.get(site.base_url + "/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    assert [loc.text for loc in index.iter(f"{SITEMAP}loc")] == site.feed_urls("news-sitemap")


def test_rss_carries_a_summary_only(site, client):
    feed = feedparser.parse(client.get(f"{site.base_url}/varnholm-courier/rss.xml").content)
    [entry] = feed.entries
    assert entry.title == "Kessel Bridge collapses into the Veyra during morning rush hour"
    assert entry.author == "Marta Seland" and entry.published_parsed[:4] == (2025, 10, 14, 9)
    assert entry.summary.startswith("The central span of the Kessel Bridge") and entry.summary.endswith(".")
    assert entry.summary.count(". ") == 0 and len(entry.summary) < 300


def test_news_sitemap_has_google_news_fields(site, client):
    root = etree.fromstring(client.get(f"{site.base_url}/varnholmer-rundschau/news-sitemap.xml").content)
    news = "{http://www.google.com/schemas/sitemap-news/0.9}"
    assert root.findtext(f".//{news}name") == "Varnholmer Rundschau"
    assert root.findtext(f".//{news}language") == "de"
    assert root.findtext(f".//{news}publication_date") == "2025-10-15T08:00:00+02:00"
    assert root.findtext(f".//{news}title") == "Brückeneinsturz in Varnholm: Mindestens 12 Tote"


def test_home_pages_link_their_feeds(site, client):
    home = html.fromstring(client.get(f"{site.base_url}/northern-ledger/").content)
    alternates = {link.get("type"): link.get("href") for link in home.xpath('//link[@rel="alternate"]')}
    assert alternates == {"application/rss+xml": f"{site.base_url}/northern-ledger/rss.xml",
                          "application/atom+xml": f"{site.base_url}/northern-ledger/atom.xml"}
    front = html.fromstring(client.get(site.base_url + "/").content)
    assert [link.get("href") for link in front.xpath('//link[@rel="alternate"]')] == site.feed_urls()


def test_article_pages_are_real_html(site, client):
    url = next(u for u in site.article_urls() if "/northern-ledger/" in u)
    answer = client.get(url)
    page = html.fromstring(answer.content)
    assert page.xpath("string(//article/h1)") == ("Varnholm bridge collapse: inspectors warned of ‘deficient’ "
                                                  "bearings in 2019")
    assert page.xpath("string(//article//time/@datetime)") == "2025-10-14T18:30:00+02:00"
    assert page.xpath('string(//link[@rel="canonical"]/@href)') == url
    assert page.xpath('string(//meta[@property="og:site_name"]/@content)') == "The Northern Ledger"
    assert page.xpath('string(//meta[@property="article:published_time"]/@content)') == "2025-10-14T18:30:00+02:00"
    extracted = trafilatura.bare_extraction(answer.text, url=url, with_metadata=True)
    assert extracted.title.startswith("Varnholm bridge collapse") and extracted.author == "Clara Wendt"
    assert extracted.date == "2025-10-14" and "Halden Structural" in extracted.text
    assert "served by newsprism" not in extracted.text  # the footer is boilerplate


def test_an_undated_article_has_no_date_anywhere(site, client):
    feed = feedparser.parse(client.get(f"{site.base_url}/capital-evening-post/rss.xml").content)
    [entry] = feed.entries
    assert "published" not in entry
    page = client.get(entry.link).text
    assert "<time" not in page and "published_time" not in page


def test_304_on_etag_and_on_date_and_a_new_article_changes_the_feed(client):
    with NewsSite.from_examples(lifetime=60) as site:
        url = f"{site.base_url}/radio-estmark-news/rss.xml"
        first = client.get(url)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert modified == "Thu, 16 Oct 2025 06:00:00 GMT"
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
        assert client.get(url, headers={"If-None-Match": '"other"', "If-Modified-Since": modified}).status_code == 200
        assert client.get(url, headers={"If-Modified-Since": "Wed, 15 Oct 2025 06:00:00 GMT"}).status_code == 200
        page = client.get(site.article_urls()[0])
        assert client.get(site.article_urls()[0], headers={"If-None-Match": page.headers["ETag"]}).status_code == 304

        added = site.add_page(Page("Radio Estmark News", "estmark/2025/10/17/pontoon-bridge",
                                   "Army starts building pontoon bridge", "Soldiers began work on Friday. More soon."))
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 200 and again.headers["ETag"] != etag
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 200
        entries = feedparser.parse(again.content).entries
        assert [e.link for e in entries][0] == added and len(entries) == 3
        assert client.get(added).status_code == 200
        assert client.get(url, headers={"If-None-Match": again.headers["ETag"]}).status_code == 304


def test_gzip_when_asked(site, client):
    url = site.article_urls()[0]
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    assert zipped.content == plain.content and int(zipped.headers["Content-Length"]) < len(plain.content)


def test_no_misbehaviour_unless_asked(site, client):
    assert site.trap_urls == {}
    assert client.get(site.base_url + "/robots.txt").text.splitlines()[:2] == ["User-agent: *", "Disallow:"]
    assert "unreliable" not in client.get(site.base_url + "/").text


def test_every_misbehaviour_switch(client):
    wrong = Misbehaviour.everything(slow=5.0, oversized=3_000_000)
    with NewsSite.from_examples(misbehaviour=wrong, lifetime=60) as site:
        traps = site.trap_urls
        trap_feed = feedparser.parse(client.get(site.feed_urls()[-1]).content)
        assert trap_feed.feed.title == "The Unreliable Herald"
        linked = {entry.link for entry in trap_feed.entries}
        for name in ("server_error", "slow", "redirect_loop", "oversized", "empty_page", "robots_disallow",
                     "tracking_duplicates", "amp_variant"):
            assert set(traps[name]) <= linked, name
        assert len(linked) == 9

        assert client.get(traps["server_error"][0]).status_code == 500
        limited = client.get(traps["rate_limit"][0])
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
        assert client.get(traps["rate_limit"][0]).status_code == 200  # once only (rate_limit=1)
        loop = client.get(traps["redirect_loop"][0])
        back = client.get(site.base_url + loop.headers["Location"])
        assert loop.status_code == back.status_code == 302
        assert site.base_url + back.headers["Location"] == traps["redirect_loop"][0]
        with pytest.raises(httpx.TooManyRedirects):
            client.get(traps["redirect_loop"][0], follow_redirects=True)
        with client.stream("GET", traps["oversized"][0]) as big:
            assert int(big.headers["Content-Length"]) == 3_000_000
            assert sum(len(chunk) for chunk in big.iter_bytes()) == 3_000_000
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            client.get(traps["slow"][0], timeout=0.3)
        assert time.monotonic() - started < 2
        empty = client.get(traps["empty_page"][0])
        assert empty.status_code == 200 and trafilatura.extract(empty.text) is None

        robots = client.get(site.base_url + "/robots.txt").text
        assert "Disallow: /unreliable-herald/private/" in robots
        assert urlsplit(traps["robots_disallow"][0]).path.startswith("/unreliable-herald/private/")
        broken = client.get(traps["malformed_feed"][0]).content
        recovered = feedparser.parse(broken)
        assert recovered.bozo and not any(entry.get("link") for entry in recovered.entries)  # no link to recover
        with pytest.raises(etree.XMLSyntaxError):
            etree.fromstring(broken)

        first = client.get(site.article_urls()[0]).content
        assert [u.split("?")[0] for u in traps["tracking_duplicates"]] == [site.article_urls()[0]] * 2
        assert all("utm_source=" in u and client.get(u).content == first for u in traps["tracking_duplicates"])
        assert traps["amp_variant"] == [site.article_urls()[1] + "?amp=1"]
        assert client.get(traps["amp_variant"][0]).status_code == 200
        site.stop()  # the slow answer is given up, not waited for
        assert site.wait(2)


def test_status_overrides_any_path(client):
    with NewsSite.from_examples(lifetime=30) as probe:
        feed_path = urlsplit(probe.feed_urls()[0]).path
    wrong = Misbehaviour(status_overrides={feed_path: 500, "/robots.txt": 503})
    with NewsSite.from_examples(misbehaviour=wrong, lifetime=30) as site:
        assert client.get(site.base_url + feed_path).status_code == 500
        assert client.get(site.base_url + "/robots.txt").status_code == 503
        assert client.get(site.feed_urls()[1]).status_code == 200


def test_the_log_records_every_request(client):
    with NewsSite.from_examples(lifetime=30) as site:
        before = time.monotonic()
        client.get(site.feed_urls()[0], headers={"User-Agent": "newsprism-test", "If-None-Match": '"x"'})
        client.head(site.article_urls()[0])
        client.get(site.base_url + "/no-such-page?utm_source=x")
        assert [(method, path) for _, method, path, _ in site.log] == [
            ("GET", urlsplit(site.feed_urls()[0]).path), ("HEAD", urlsplit(site.article_urls()[0]).path),
            ("GET", "/no-such-page?utm_source=x")]
        times = [entry[0] for entry in site.log]
        assert before <= times[0] <= times[1] <= times[2] <= time.monotonic()
        assert site.log[0][3]["User-Agent"] == "newsprism-test" and site.log[0][3]["If-None-Match"] == '"x"'
        assert site.requested("/no-such") == ["/no-such-page?utm_source=x"]
        assert len(site.timings) == 3 and all(start <= end for start, end in site.timings)


def test_bounded_by_requests_and_by_lifetime(client):
    with NewsSite([], max_requests=2, lifetime=30) as site:
        assert client.get(site.base_url + "/robots.txt").status_code == 200
        assert client.get(site.base_url + "/robots.txt").status_code == 200
        assert client.get(site.base_url + "/robots.txt").status_code == 503
        assert site.wait(3)
        with pytest.raises(httpx.TransportError):
            httpx.get(site.base_url + "/robots.txt", timeout=1)
    started = time.monotonic()
    site = NewsSite([], lifetime=0.3).start()
    assert site.wait(3) and time.monotonic() - started < 2
    with pytest.raises(httpx.TransportError):
        httpx.get(site.base_url + "/", timeout=1)


def test_several_sites_are_several_origins():
    with NewsSite.from_examples(lifetime=30) as one, NewsSite.from_examples(lifetime=30) as two:
        assert one.port != two.port
        assert httpx.get(one.feed_urls()[0]).text.count(one.base_url) > 0
        assert two.base_url not in httpx.get(one.feed_urls()[0]).text


def test_command_line_serves_until_stopped(tmp_path, capsys):
    urls, feeds = tmp_path / "url", tmp_path / "feeds"
    stopper = threading.Thread(target=lambda: (_wait_for(urls), httpx.get(urls.read_text().strip() + "/")))
    stopper.start()
    assert example_site.main(["--lifetime", "0.5", "--url-file", str(urls), "--feeds-file", str(feeds)]) == 0
    stopper.join()
    out = capsys.readouterr().out
    base = urls.read_text().strip()
    assert out.startswith(f"serving 16 articles of 13 outlets on {base}/")
    listed = feeds.read_text().split()
    assert len(listed) == 13 and all(url.startswith(base) and url.endswith("/rss.xml") for url in listed)
    assert all(f"  {url}" in out.splitlines() for url in listed)


def test_command_line_one_site_per_outlet(tmp_path, capsys):
    urls, feeds = tmp_path / "urls", tmp_path / "feeds"
    assert example_site.main(["--per-outlet", "--lifetime", "0.3", "--url-file", str(urls),
                              "--feeds-file", str(feeds)]) == 0
    bases = urls.read_text().split()
    assert len(bases) == len(set(bases)) == 13 and all(b.startswith("http://127.0.0.1:") for b in bases)
    assert [url.rsplit("/", 2)[0] for url in feeds.read_text().split()] == bases
    assert capsys.readouterr().out.startswith("serving 16 articles of 13 outlets on 13 sites on 127.0.0.1")


def _wait_for(path, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.02)
