#!/usr/bin/env python3
"""Build the WARC sample of the newsprism example corpus.

Writes corpus/archive/cc-news-sample.warc.gz, a small gzipped WARC/1.0 file in
the style of Common Crawl's CC-NEWS archives. Everything in it is fictional
(outlets, people, places; all hosts are under the reserved .example TLD).

Records, in order:
  1. warcinfo
  2. request  + 3. response  200 text/html   Nordvik Herald, main event (Varnholm, 2025)
  4. request  + 5. response  200 text/html   Sellhaven Gazette, hard negative (Sellhaven, 2024)
  6. request  + 7. response  404 text/html   Nordvik Herald, page not found
  8. request  + 9. response  200 image/jpeg  Nordvik Herald, tiny fake JPEG bytes
 10. revisit (identical-payload-digest) of record 3, crawled again a day later

Only records 3 and 5 hold news articles. The output is deterministic: record
ids are UUIDv5 values derived from fixed names and every WARC-Date is fixed,
so running the script twice gives byte-identical files.

Needs warcio (tested with warcio==1.8.1):
    python3 -m venv /tmp/warcenv && /tmp/warcenv/bin/pip install warcio==1.8.1
    /tmp/warcenv/bin/python examples/build_warc.py
"""
import uuid
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
OUT = HERE / "corpus" / "archive" / "cc-news-sample.warc.gz"
USER_AGENT = "NewsprismExampleBot/1.0 (+https://newsprism.example/bot; fictional)"


def record_id(name: str) -> str:
    return "<urn:uuid:%s>" % uuid.uuid5(uuid.NAMESPACE_URL, "https://newsprism.example/warc/" + name)


NORDVIK_URL = "https://www.nordvikherald.example/world/2025/10/15/norvaland-citizens-among-dead-varnholm-bridge"
NORDVIK_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Two Norvaland citizens among dead in Varnholm bridge collapse - Nordvik Herald</title>
<meta property="og:site_name" content="Nordvik Herald">
<meta property="og:title" content="Two Norvaland citizens among dead in Varnholm bridge collapse">
<meta property="og:type" content="article">
<meta name="author" content="Eirik Solberg">
<meta property="article:published_time" content="2025-10-15T14:00:00+02:00">
<link rel="canonical" href="https://www.nordvikherald.example/world/2025/10/15/norvaland-citizens-among-dead-varnholm-bridge">
<script>
  var nh = {section: "world", id: 558120};
  document.write('<div class="ad-top">Advertisement</div>');
</script>
</head>
<body>
<div class="cookie-notice">This site uses cookies. By continuing to browse you agree to our use of cookies. <a href="/cookies">Find out more</a> <button>OK</button></div>
<header>
  <a href="/" class="brand">Nordvik Herald</a>
  <nav><a href="/local">Nordvik</a> <a href="/norvaland">Norvaland</a> <a href="/world">World</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
</header>
<main>
<article>
<h1>Two Norvaland citizens among dead in Varnholm bridge collapse</h1>
<p class="byline">By Eirik Solberg, Foreign Desk</p>
<p class="published">Published 15 October 2025, 14:00</p>
<p>Two Norvaland citizens, a married couple from Nordvik, were among the 13 people killed when the Kessel Bridge in the Estmark city of Varnholm collapsed on Tuesday, Norvaland's foreign ministry confirmed on Wednesday.</p>
<p>The couple, named by relatives as Anders and Mette Holt, both 61, had been driving to visit their daughter, who lives in Varnholm's old town. Their car was recovered from the river Veyra by divers early on Wednesday.</p>
<p>Prime Minister Astrid Kaul said the country was in mourning with its neighbour. "Today all of Norvaland stands with Estmark," she said in a statement. "Our divers will stay in Varnholm for as long as they are needed." Flags at Nordvik city hall were lowered to half-mast on Wednesday morning.</p>
<p>A team of Norvaland police and navy divers arrived in Varnholm at dawn on Wednesday and joined the search for the three people who are still missing. According to Estmark's rescue service, 41 people were injured in the collapse of the 340-metre bridge, which was built in 1978 and carried the main road between the city centre and its eastern districts.</p>
<p>Varnholm's mayor, Aleksei Voronen, thanked Norvaland for its help at a news conference on Wednesday. "Tonight every family in Varnholm knows that we are not alone," he said.</p>
<p>Estmark's transport minister, Renée Halvorsen, has promised a full investigation. "No bridge in Estmark should ever fall like this," she said on Tuesday. The 2019 inspection of the bridge is expected to be at the centre of the inquiry.</p>
<p>The Kessel Bridge is also part of a route used by freight between Norvaland and Estmark's ports. The Norvaland Road Haulage Association said three Norvaland-registered lorries had been on the approach road when the span fell, but that none had been on the bridge itself. It advised members to avoid Varnholm for at least two weeks.</p>
<p>The foreign ministry has opened a consular helpline for Norvaland citizens with relatives in Varnholm. Officials said they had no information suggesting that any other Norvaland nationals were among the dead or injured.</p>
</article>
<section class="related"><h2>Related stories</h2>
<ul>
<li><a href="/world/2025/10/14/varnholm-bridge-collapse">Bridge collapses in Estmark's second city</a></li>
<li><a href="/norvaland/2025/10/14/divers-sent-to-estmark">Norvaland sends divers to Varnholm</a></li>
</ul></section>
</main>
<footer><p>&copy; 2025 Nordvik Herald (fictional). <a href="/privacy">Privacy</a> | <a href="/contact">Contact</a></p></footer>
<script>window.addEventListener("load", function () { console.log("nh loaded"); });</script>
</body>
</html>
"""

SELLHAVEN_URL = "https://www.sellhavengazette.example/news/2024/10/09/ashgrove-bridge-collapse-seven-killed"
SELLHAVEN_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Seven killed as Ashgrove Bridge collapses into the Tamsin | Sellhaven Gazette</title>
<meta property="og:site_name" content="Sellhaven Gazette">
<meta property="og:title" content="Seven killed as Ashgrove Bridge collapses into the Tamsin">
<meta name="author" content="Lotte Brenner">
<meta property="article:published_time" content="2024-10-09T21:15:00+02:00">
<link rel="canonical" href="https://www.sellhavengazette.example/news/2024/10/09/ashgrove-bridge-collapse-seven-killed">
<script>window.sgAnalytics = {page: "article", year: 2024};</script>
</head>
<body>
<div id="gdpr">We value your privacy. We and our partners use cookies. <button>Accept</button> <button>Settings</button></div>
<nav class="nav"><a href="/">Sellhaven Gazette</a> <a href="/news">News</a> <a href="/port">Port &amp; Business</a> <a href="/sport">Sport</a> <a href="/whats-on">What's on</a></nav>
<main>
<article>
<h1>Seven killed as Ashgrove Bridge collapses into the Tamsin</h1>
<div class="byline">Lotte Brenner, Chief Reporter</div>
<p>At least seven people were killed and 19 injured on Wednesday evening when the Ashgrove Bridge, the 260-metre road bridge that carries traffic over the river Tamsin in Sellhaven, collapsed during the evening rush hour.</p>
<p>Two of the bridge's spans fell into the river at 5.55pm, taking a lorry and eleven cars with them, police said. Two people are still missing, and the search was continuing late on Wednesday under floodlights.</p>
<p>Bram Hollis, the captain of a harbour tug moored about 300 metres downstream, said he saw the road surface "ripple like a carpet" before it disappeared. "We cast off straight away and pulled two men out of the water," he said. "They were shaking so badly they could not tell us their names."</p>
<p>"Every minute matters in water this cold," said Jonas Feld, commander of Sellhaven's rescue service, as boats from the port and the coastguard criss-crossed the river.</p>
<p>The mayor of Sellhaven, Paulina Orsk, said the city was in shock. "We will find out why this happened, and we will rebuild," she told reporters near the northern end of the bridge.</p>
<p>The Ashgrove Bridge opened in 1969 and carries about 28,000 vehicles a day between the container port and the northern suburbs. It was rated "fair" at its last full inspection in 2021, according to Lorvania's national roads agency.</p>
<p>Sellhaven General Hospital declared a major incident and called in off-duty staff. Lorvania's transport minister, Matthias Brecker, was expected to arrive in the city on Thursday morning.</p>
</article>
<aside><h3>Related stories</h3><ul><li><a href="/news/2024/10/02/ashgrove-resurfacing">Ashgrove Bridge resurfacing delayed until spring</a></li><li><a href="/port/2024/10/08/container-volumes">Container volumes hit record high</a></li></ul></aside>
</main>
<footer>Sellhaven Gazette (fictional) &middot; 1 Harbour Row, Sellhaven &middot; <a href="/terms">Terms</a></footer>
</body>
</html>
"""

NOT_FOUND_URL = "https://www.nordvikherald.example/world/2025/10/14/varnholm-bridge-live-blog"
NOT_FOUND_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found - Nordvik Herald</title></head>
<body><h1>Sorry, we couldn't find that page</h1><p>The page you requested may have been moved or deleted.</p><p><a href="/">Go to the front page</a></p></body></html>
"""

IMAGE_URL = "https://www.nordvikherald.example/media/2025/10/kessel-bridge-aerial.jpg"
# Not a real picture: a JPEG start-of-image marker, a JFIF APP0 segment and an end-of-image marker.
IMAGE_BYTES = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
               b"fictional-image-bytes-for-newsprism-tests\xff\xd9")


def http_response(status: str, content_type: str, body: bytes, date: str, server: str) -> StatusAndHeaders:
    headers = [
        ("Date", date),
        ("Server", server),
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("Connection", "close"),
    ]
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


def http_request(url: str) -> StatusAndHeaders:
    rest = url.split("://", 1)[1]
    host, _, path = rest.partition("/")
    headers = [
        ("Host", host),
        ("User-Agent", USER_AGENT),
        ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        ("Accept-Encoding", "identity"),
        ("Connection", "close"),
    ]
    return StatusAndHeaders("GET /%s HTTP/1.1" % path, headers, is_http_request=True)


def write_pair(writer, name, url, warc_date, http_date, status, content_type, body, server):
    resp_id = record_id(name + "/response")
    req = writer.create_warc_record(
        url, "request", payload=BytesIO(b""), length=0,
        http_headers=http_request(url),
        warc_headers_dict={
            "WARC-Record-ID": record_id(name + "/request"),
            "WARC-Date": warc_date,
            "WARC-Concurrent-To": resp_id,
        })
    resp = writer.create_warc_record(
        url, "response", payload=BytesIO(body), length=len(body),
        http_headers=http_response(status, content_type, body, http_date, server),
        warc_headers_dict={
            "WARC-Record-ID": resp_id,
            "WARC-Date": warc_date,
            "WARC-IP-Address": "192.0.2.%d" % (10 + len(name) % 200),  # TEST-NET-1, documentation range
        })
    writer.write_record(req)
    writer.write_record(resp)
    return resp


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.0")

        info = (
            "software: newsprism examples/build_warc.py (warcio 1.8.1)\r\n"
            "hostname: crawler.newsprism.example\r\n"
            "operator: newsprism project\r\n"
            "isPartOf: CC-NEWS-EXAMPLE\r\n"
            "description: Fictional sample in the style of Common Crawl CC-NEWS, for tests. "
            "All outlets, people and places are invented.\r\n"
            "format: WARC File Format 1.0\r\n"
            "robots: checked via crawler-commons\r\n"
        ).encode("utf-8")
        warcinfo = writer.create_warc_record(
            "", "warcinfo", payload=BytesIO(info), length=len(info),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Record-ID": record_id("warcinfo"),
                "WARC-Date": "2025-10-15T13:00:00Z",
                "WARC-Filename": OUT.name,
            })
        writer.write_record(warcinfo)

        nordvik = write_pair(writer, "nordvik-herald", NORDVIK_URL, "2025-10-15T13:05:12Z",
                             "Wed, 15 Oct 2025 13:05:12 GMT", "200 OK", "text/html; charset=utf-8",
                             NORDVIK_HTML.encode("utf-8"), "nginx")
        write_pair(writer, "sellhaven-gazette", SELLHAVEN_URL, "2025-10-15T13:05:40Z",
                   "Wed, 15 Oct 2025 13:05:40 GMT", "200 OK", "text/html; charset=UTF-8",
                   SELLHAVEN_HTML.encode("utf-8"), "Apache")
        write_pair(writer, "nordvik-404", NOT_FOUND_URL, "2025-10-15T13:06:02Z",
                   "Wed, 15 Oct 2025 13:06:02 GMT", "404 Not Found", "text/html; charset=utf-8",
                   NOT_FOUND_HTML.encode("utf-8"), "nginx")
        write_pair(writer, "nordvik-image", IMAGE_URL, "2025-10-15T13:06:15Z",
                   "Wed, 15 Oct 2025 13:06:15 GMT", "200 OK", "image/jpeg",
                   IMAGE_BYTES, "nginx")

        body = NORDVIK_HTML.encode("utf-8")
        revisit = writer.create_revisit_record(
            NORDVIK_URL,
            digest=nordvik.rec_headers.get_header("WARC-Payload-Digest"),
            refers_to_uri=NORDVIK_URL,
            refers_to_date="2025-10-15T13:05:12Z",
            http_headers=http_response("200 OK", "text/html; charset=utf-8", body,
                                       "Thu, 16 Oct 2025 06:12:03 GMT", "nginx"),
            warc_headers_dict={
                "WARC-Record-ID": record_id("nordvik-herald/revisit"),
                "WARC-Date": "2025-10-16T06:12:03Z",
                "WARC-Refers-To": nordvik.rec_headers.get_header("WARC-Record-ID"),
            })
        writer.write_record(revisit)

    print("wrote %s (%d bytes)" % (OUT, OUT.stat().st_size))


if __name__ == "__main__":
    main()
