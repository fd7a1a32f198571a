"""What a fetched body is (intake.sources): feed items, sitemap entries, child sitemaps, a home page's feeds,
OPML; and hostile bodies as one line, never an exception."""

from __future__ import annotations

import time

import pytest

from newsprism.intake.sources import MAX_DOCUMENT_BYTES, MAX_FEEDS, discover, read_opml

from .conftest import ROOT

FEEDS = ROOT / "examples" / "corpus" / "feeds"

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Nordvik Herald</title>
    <link>https://www.nordvikherald.example/</link>
    <language>en-gb</language>
    <item>
      <title>Ferry services doubled after bridge closure</title>
      <link>https://www.nordvikherald.example/news/ferries-doubled?utm_source=rss&amp;utm_medium=feed</link>
      <pubDate>Thu, 16 Oct 2025 10:20:00 +0200</pubDate>
      <dc:creator>Ingrid Sol</dc:creator>
      <description>Two more ferries run from Monday.</description>
    </item>
    <item>
      <title>Ferry services doubled after bridge closure (again, under another URL)</title>
      <link>https://www.nordvikherald.example/news/ferries-doubled?utm_campaign=social</link>
      <description>The same article.</description>
    </item>
    <item>
      <title>Council meets on Friday</title>
      <link>/local/council-friday</link>
      <content:encoded><![CDATA[<p>The council meets on <b>Friday</b>.</p>]]></content:encoded>
    </item>
    <item>
      <title>Permalink guid only</title>
      <guid isPermaLink="true">https://www.nordvikherald.example/news/guid-only</guid>
    </item>
    <item>
      <title>No link at all</title>
      <description>Nothing to fetch.</description>
    </item>
    <item>
      <title>A javascript link</title>
      <link>javascript:void(0)</link>
    </item>
  </channel>
</rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
  <title>Estmark Allgemeine</title>
  <link rel="self" href="https://allgemeine.example.de/feed.atom"/>
  <id>tag:allgemeine.example.de,2025:feed</id>
  <updated>2025-10-16T07:00:00Z</updated>
  <entry>
    <title>Br\xc3\xbccke gesperrt</title>
    <link rel="alternate" type="text/html" href="https://allgemeine.example.de/politik/bruecke-gesperrt.amp.html"/>
    <id>tag:allgemeine.example.de,2025:1</id>
    <published>2025-10-16T07:00:00+02:00</published>
    <author><name>Jana Berg</name></author>
    <summary type="text">Die Br\xc3\xbccke bleibt gesperrt.</summary>
  </entry>
</feed>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://www.estmarktimes.example/2025/10/15/bridge-collapse-death-toll</loc>
    <lastmod>2025-10-15T18:00:00+02:00</lastmod>
    <news:news>
      <news:publication>
        <news:name>The Estmark Times</news:name>
        <news:language>en</news:language>
      </news:publication>
      <news:publication_date>2025-10-15T17:45:00+02:00</news:publication_date>
      <news:title>Death toll in Kessel Bridge collapse rises to 13</news:title>
    </news:news>
  </url>
  <url>
    <loc>https://www.estmarktimes.example/2025/10/16/minister-hearing?utm_source=gnews</loc>
    <news:news>
      <news:publication><news:name>The Estmark Times</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2025-10-16</news:publication_date>
      <news:title>Minister to face parliament</news:title>
    </news:news>
  </url>
  <url><loc>https://www.estmarktimes.example/about</loc><lastmod>2025-01-02</lastmod></url>
  <url><loc>mailto:desk@estmarktimes.example</loc></url>
</urlset>"""

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://www.estmarktimes.example/sitemap-news.xml</loc><lastmod>2025-10-16</lastmod></sitemap>
  <sitemap><loc>https://www.estmarktimes.example/sitemap-2025-10.xml</loc></sitemap>
  <sitemap><loc>https://www.estmarktimes.example/sitemap-news.xml</loc></sitemap>
  <sitemap><loc>ftp://www.estmarktimes.example/old.xml</loc></sitemap>
</sitemapindex>"""

HOME = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Radio Estmark</title>
<link rel="alternate" type="application/rss+xml" title="News" href="/feeds/estmark.rss">
<link rel="alternate" type="application/atom+xml" title="Sport" href="https://news.radioestmark.example/feeds/sport.atom">
<link rel="alternate" type="application/rss+xml; charset=UTF-8" title="Local" href="local.rss">
<link rel="alternate" hreflang="de" href="https://news.radioestmark.example/de/">
<link rel="stylesheet" href="/app.css">
</head><body><h1>Radio Estmark</h1><a href="/estmark/2025/10/15/story">A story</a></body></html>"""

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="Estmark">
      <outline type="rss" text="Radio Estmark" title="Radio Estmark News"
               xmlUrl="https://news.radioestmark.example/feeds/estmark.rss" htmlUrl="https://news.radioestmark.example/"/>
      <outline type="rss" text="The Meridian Review" xmlUrl="HTTPS://WWW.MeridianReview.example/topics/infrastructure/feed.atom"/>
    </outline>
    <outline type="rss" text="Radio Estmark again" xmlUrl="https://news.radioestmark.example/feeds/estmark.rss"/>
    <outline type="rss" text="Broken" xmlUrl="feed://nordvik.example/rss"/>
    <outline type="link" text="Just a link" url="https://example.com/"/>
  </body>
</opml>"""


def test_rss_items():
    found = discover(RSS, "https://www.nordvikherald.example/rss", "application/rss+xml")
    assert found.kind == "feed" and found.error is None and found.feeds == []
    assert [i.url for i in found.items] == [
        "https://www.nordvikherald.example/news/ferries-doubled",    # its tracking twin is the same item
        "https://www.nordvikherald.example/local/council-friday",    # a relative link, resolved
        "https://www.nordvikherald.example/news/guid-only",          # the permalink guid
    ]
    first, second, third = found.items
    assert first.title == "Ferry services doubled after bridge closure"
    assert first.published == "2025-10-16T10:20:00+02:00"
    assert first.author == "Ingrid Sol" and first.language == "en-gb" and first.outlet == "Nordvik Herald"
    assert first.summary == "Two more ferries run from Monday." and first.summary_type == "text/html"
    assert second.summary == "<p>The council meets on <b>Friday</b>.</p>" and second.summary_type == "text/html"
    assert third.summary is None and third.published is None
    assert all(i.feed_url == "https://www.nordvikherald.example/rss" and i.state == "pending" and i.seen_at
               for i in found.items)


def test_the_users_outlet_wins_over_the_feed_title():
    found = discover(RSS, "https://www.nordvikherald.example/rss", None, outlet="Herald (Nordvik)")
    assert {i.outlet for i in found.items} == {"Herald (Nordvik)"}


def test_atom_entry():
    found = discover(ATOM, "https://allgemeine.example.de/feed.atom", "application/atom+xml")
    assert found.kind == "feed" and found.error is None
    [item] = found.items
    assert item.url == "https://allgemeine.example.de/politik/bruecke-gesperrt.html"  # the AMP variant's page
    assert (item.title, item.author, item.language, item.outlet) == ("Brücke gesperrt", "Jana Berg", "de",
                                                                       "Estmark Allgemeine")
    assert item.published == "2025-10-16T07:00:00+02:00"
    assert (item.summary, item.summary_type) == ("Die Brücke bleibt gesperrt.", "text/plain")


@pytest.mark.parametrize("name, titles, urls", [
    ("radio-estmark-news.rss",
     ["Woman rescued from car nine hours after Varnholm bridge collapse",
      "Transport minister to face parliament on 3 November over Kessel Bridge collapse"],
     ["https://news.radioestmark.example/estmark/2025/10/15/woman-rescued-kessel-bridge",
      "https://news.radioestmark.example/estmark/2025/10/16/halvorsen-hearing-kessel-bridge"]),
    ("meridian-review-infrastructure.atom",
     ["What brought down the Kessel Bridge? Engineers look at bearings and a 1970s design",
      "Ferries, detours and a 25km drive: Varnholm commuters count the cost of the fallen bridge"],
     ["https://www.meridianreview.example/analysis/2025/10/16/what-brought-down-the-kessel-bridge",
      "https://www.meridianreview.example/news/2025/10/15/varnholm-commuters-detours-ferries"]),
])
def test_the_example_feeds(name, titles, urls):
    found = discover((FEEDS / name).read_bytes(), f"https://feeds.example/{name}", None)
    assert found.kind == "feed" and found.error is None
    assert [i.title for i in found.items] == titles
    assert [i.url for i in found.items] == urls
    assert all(i.summary and i.summary_type == "text/html" and i.published for i in found.items)


def test_example_rss_author_is_a_name_not_an_address():
    found = discover((FEEDS / "radio-estmark-news.rss").read_bytes(), "https://feeds.example/r.rss", None)
    assert [i.author for i in found.items] == ["Jonas Vik", "Radio Estmark Newsdesk"]
    assert {i.outlet for i in found.items} == {"Radio Estmark News"}


def test_google_news_sitemap():
    found = discover(NEWS_SITEMAP, "https://www.estmarktimes.example/sitemap-news.xml", "application/xml")
    assert found.kind == "sitemap" and found.error is None and found.feeds == []
    assert [(i.url, i.title, i.published, i.language, i.outlet) for i in found.items] == [
        ("https://www.estmarktimes.example/2025/10/15/bridge-collapse-death-toll",
         "Death toll in Kessel Bridge collapse rises to 13", "2025-10-15T17:45:00+02:00", "en", "The Estmark Times"),
        ("https://www.estmarktimes.example/2025/10/16/minister-hearing", "Minister to face parliament",
         "2025-10-16", "en", "The Estmark Times"),
        ("https://www.estmarktimes.example/about", None, "2025-01-02", None, None),   # lastmod without news:
    ]


def test_sitemap_index():
    found = discover(SITEMAP_INDEX, "https://www.estmarktimes.example/sitemap.xml", "text/xml")
    assert found.kind == "sitemap-index" and found.items == [] and found.error is None
    assert found.feeds == ["https://www.estmarktimes.example/sitemap-news.xml",
                           "https://www.estmarktimes.example/sitemap-2025-10.xml"]


def test_sitemap_index_bounded():
    many = b"".join(b"<sitemap><loc>https://x.example/s%d.xml</loc></sitemap>" % n for n in range(MAX_FEEDS + 5))
    found = discover(b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + many +
                     b"</sitemapindex>", "https://x.example/sitemap.xml", None)
    assert len(found.feeds) == MAX_FEEDS and found.error == f"{MAX_FEEDS + 5} child sitemaps; the first " \
                                                            f"{MAX_FEEDS} are taken"


def test_home_page_feeds():
    found = discover(HOME, "https://news.radioestmark.example/estmark/", "text/html; charset=utf-8")
    assert found.kind == "page" and found.items == [] and found.error is None
    assert found.feeds == ["https://news.radioestmark.example/feeds/estmark.rss",
                           "https://news.radioestmark.example/feeds/sport.atom",
                           "https://news.radioestmark.example/estmark/local.rss"]  # relative to the page


def test_home_page_without_feeds():
    found = discover(b"<html><body><p>Nothing here</p></body></html>", "https://x.example/", "text/html")
    assert (found.kind, found.feeds, found.error) == ("page", [], "no feed linked from the page")


def test_opml():
    feeds, problems = read_opml(OPML)
    assert feeds == [("https://news.radioestmark.example/feeds/estmark.rss", "Radio Estmark News"),
                     ("https://www.meridianreview.example/topics/infrastructure/feed.atom", "The Meridian Review")]
    assert problems == ["outline 5 (Broken): not an http(s) URL: 'feed://nordvik.example/rss'"]


@pytest.mark.parametrize("data, problem", [
    (b"", "empty file, not OPML"),
    (b"\x00\x01\x02\x03\x04\x05\x06\x07" * 64, "binary data, not OPML"),
    (b"<opml><body><outline", "malformed OPML"),
    (b"<rss><channel/></rss>", "not OPML (root element <rss>)"),
    (b"<opml version='2.0'><body><outline text='x'/></body></opml>", "no feeds in the file (no outline has an xmlUrl)"),
    (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
     b'<opml><body><outline xmlUrl="https://x.example/&b;"/></body></opml>',
     "the file declares XML entities (<!ENTITY>): refused, their expansion can exhaust memory"),
])
def test_bad_opml_is_one_line(data, problem):
    feeds, problems = read_opml(data)
    assert feeds == [] and len(problems) == 1 and problems[0].startswith(problem) and "\n" not in problems[0]


BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        + b"".join(b' <!ENTITY lol%d "%s">\n' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
                   for n in range(1, 10))
        + b"]>\n<rss><channel><title>&lol9;</title><item><link>https://x.example/a</link></item></channel></rss>")


@pytest.mark.parametrize("body, content_type, kind, error", [
    (b"", "application/rss+xml", "unknown", "empty response"),
    (b"  \n\t ", None, "unknown", "empty response"),
    (BOMB, "application/rss+xml", "unknown",
     "the document declares XML entities (<!ENTITY>): refused, their expansion can exhaust memory"),
    (BOMB.replace(b"<rss><channel>", b'<urlset><url><loc>').decode().encode("utf-16"), None, "unknown",
     "the document declares XML entities (<!ENTITY>): refused, their expansion can exhaust memory"),
    (bytes(range(256)) * 40, "application/octet-stream", "unknown", "binary data, not a feed, sitemap or page"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "image/png", "unknown", "binary data, not a feed, sitemap or page"),
    (b'{"items": []}', "application/json", "unknown", "JSON, but not a JSON Feed (no jsonfeed.org version)"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml", "unknown",
     "not a feed, sitemap or page (root element <svg>, content type image/svg+xml)"),
    (b"<rss version='2.0'><channel><title>T</title><item><title>cut", None, "feed", "malformed feed"),
    (b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><lo", None, "sitemap", "malformed sitemap"),
    (b"<sitemapindex><sitemap><loc>https://x.example/a.xml</loc></sitemap><sitemap><lo", None, "sitemap-index",
     "malformed sitemap index"),
    (b"<urlset>" + b"<a>" * 300 + b"</urlset>", None, "sitemap", "malformed sitemap"),  # nested past lxml's limit
    (b"<urlset><url><loc>ftp://x.example/a</loc></url></urlset>", None, "sitemap",
     "no entry has a usable <loc> (1 entries)"),
    (b"<rss version='2.0'><channel><item><title>x</title></item></channel></rss>", None, "feed",
     "no item has a usable link (1 item(s))"),
])
def test_hostile_bodies_are_one_line(body, content_type, kind, error):
    found = discover(body, "https://x.example/feed", content_type)
    assert found.kind == kind and found.error.startswith(error) and "\n" not in found.error


def test_truncated_feed_keeps_the_items_before_the_cut():
    cut = RSS[:RSS.index(b"<title>Council meets")]
    found = discover(cut, "https://www.nordvikherald.example/rss", None)
    assert [i.url for i in found.items] == ["https://www.nordvikherald.example/news/ferries-doubled"]
    assert found.error.startswith("malformed feed: ") and found.error.endswith("(1 item(s) read)")


def test_truncated_sitemap_keeps_the_entries_before_the_cut():
    cut = NEWS_SITEMAP[:NEWS_SITEMAP.index(b"<url><loc>https://www.estmarktimes.example/about")]
    found = discover(cut, "https://www.estmarktimes.example/sitemap-news.xml", None)
    assert len(found.items) == 2 and found.error.startswith("malformed sitemap: ")


def test_an_empty_feed_is_no_error():
    found = discover(b"<rss version='2.0'><channel><title>Quiet</title></channel></rss>", "https://x.example/r", None)
    assert (found.kind, found.items, found.error) == ("feed", [], None)


def test_huge_bodies_are_refused_at_once():
    started = time.monotonic()
    found = discover(b"<rss>" + b" " * MAX_DOCUMENT_BYTES + b"</rss>", "https://x.example/r", None)
    assert found.error == "too large to read (32 MB; the limit is 32 MB)" and found.items == []
    assert time.monotonic() - started < 5


def test_a_large_sitemap_is_read_whole():
    entries = b"".join(b"<url><loc>https://x.example/a/%d</loc></url>" % n for n in range(20_000))
    found = discover(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + entries + b"</urlset>",
                     "https://x.example/sitemap.xml", "application/xml")
    assert len(found.items) == 20_000 and found.items[-1].url == "https://x.example/a/19999" and found.error is None


def test_home_page_feed_links_in_the_body():
    page = b"<html><body><a href='/about'>About</a> <a href='/feeds/all.rss'>RSS</a></body></html>"
    found = discover(page, "https://www.nordvikherald.example/", "text/html")
    assert (found.kind, found.feeds, found.error) == ("page", ["https://www.nordvikherald.example/feeds/all.rss"],
                                                      None)


@pytest.mark.parametrize("author, name", [
    (b"<author><name>Per Lund</name><email>per@nordvik.example</email></author>", "Per Lund"),
    (b"<author><email>desk@nordvik.example</email></author>", "desk@nordvik.example"),
    (b"<author><name>Smith (AP)</name></author>", "Smith (AP)"),
])
def test_atom_author_names(author, name):
    body = ATOM.replace(b"<author><name>Jana Berg</name></author>", author)
    [item] = discover(body, "https://allgemeine.example.de/feed.atom", None).items
    assert item.author == name


JSON_FEED = b"""{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Harbour Weekly",
  "language": "en",
  "items": [
    {"id": "1", "url": "/news/flood-barrier?utm_source=json", "title": "Flood barrier approved",
     "content_html": "<p>The council <b>approved</b> the barrier.</p>", "summary": "A barrier.",
     "date_published": "2025-10-13T09:00:00+02:00", "authors": [{"name": "Ana Ruiz"}, {"name": "Tom Ek"}]},
    {"id": "https://harbour.example/news/ferry", "title": "Ferry resumes", "content_text": "The ferry runs again.",
     "author": {"name": "Old Style"}},
    {"id": "no-link", "title": "An item without a URL"},
    "not an object"
  ]
}"""


def test_json_feed_items():
    found = discover(JSON_FEED, "https://harbour.example/feed.json", "application/feed+json")
    assert (found.kind, found.error) == ("feed", None)
    first, second = found.items
    assert first.url == "https://harbour.example/news/flood-barrier"  # relative, and the tracker dropped
    assert (first.title, first.author, first.outlet, first.language) == ("Flood barrier approved",
                                                                       "Ana Ruiz, Tom Ek", "Harbour Weekly", "en")
    assert (first.summary_type, first.published) == ("text/html", "2025-10-13T09:00:00+02:00")
    assert "approved" in first.summary
    assert (second.url, second.author, second.summary, second.summary_type) == (
        "https://harbour.example/news/ferry", "Old Style", "The ferry runs again.", "text/plain")


@pytest.mark.parametrize("body, error", [
    (b'{"version": "https://jsonfeed.org/version/1", "items": ', "malformed JSON feed"),
    (b'{"status": "ok", "results": []}', "not a JSON Feed"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": {"a": 1}}', "`items` is not a list"),
])
def test_bad_json_feeds_are_one_line(body, error):
    found = discover(body, "https://harbour.example/feed.json", "application/json")
    assert found.items == [] and error in found.error and "\n" not in found.error


def test_a_gzipped_sitemap_file_is_read_and_a_gzip_bomb_is_refused():
    import gzip

    sitemap = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               b"<url><loc>https://news.example/2025/10/14/bridge</loc></url></urlset>")
    found = discover(gzip.compress(sitemap), "https://news.example/sitemap.xml.gz", "application/gzip")
    assert (found.kind, found.error, [item.url for item in found.items]) == (
        "sitemap", None, ["https://news.example/2025/10/14/bridge"])
    bomb = gzip.compress(b"<urlset>" + b" " * (MAX_DOCUMENT_BYTES + 10))
    assert "too large to read once unzipped" in discover(bomb, "https://news.example/s.xml.gz", None).error
    assert "broken gzip file" in discover(b"\x1f\x8b\x08\x00garbage", "https://news.example/s.xml.gz", None).error
