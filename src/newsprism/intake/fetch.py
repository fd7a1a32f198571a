"""Polite HTTP for intake: one `Fetcher` per watch run fetches feeds, sitemaps and article pages.

Politeness towards the sites read comes first. robots.txt is obeyed (RFC 9309, cached per origin); an origin
(scheme, host, port) gets one request at a time, with `host_delay` (or its robots.txt Crawl-delay, up to 60 s)
between the end of one and the start of the next; a 429/503 Retry-After holds the origin; at most `concurrency`
requests are in flight. Redirects are followed here, hop by hop, so every hop obeys the same rules. Network trouble
never raises: every failure is a `Fetched` with a one-line `error`, and the caller's batch goes on.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import math
import re
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.robotparser import RobotFileParser, RuleLine

import httpx

from newsprism.config import IntakeSettings
from newsprism.model import RobotsRecord
from newsprism.oneline import describe, one_line

log = logging.getLogger(__name__)

# The longest wait inside one request: a robots.txt Crawl-delay is bounded to it, and an origin held longer by a
# Retry-After is not asked at all (the Fetched says how long is left, so the caller reschedules).
MAX_WAIT = 60.0
# RFC 9309: a crawler must read at least 500 KiB of a robots.txt; the rest may be ignored.
ROBOTS_BYTES = 500 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})
ACCEPT = ("application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.9, "
          "*/*;q=0.5")
# Only the codings decoded here under the size cap (see _Decoder).
ACCEPT_ENCODING = "gzip, deflate"
# The stdlib reads whole seconds only and ignores "Crawl-delay: 2.5": such a delay is rounded up before parsing.
_FRACTIONAL_CRAWL_DELAY = re.compile(r"^(\s*crawl-delay\s*:\s*)(\d*\.\d+)", re.IGNORECASE)
_DNS_REASONS = {socket.EAI_NONAME: "name not found", socket.EAI_AGAIN: "temporary failure in name resolution"}


@dataclass
class Fetched:
    url: str                 # asked for
    final_url: str           # after redirects
    status: int | None       # None when no response (DNS, TLS, timeout, refused, robots, cap)
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None     # seconds, from a 429/503 Retry-After (delta or HTTP date)
    error: str | None = None             # one line: "timed out after 20 s", "HTTP 500", "disallowed by robots.txt" ...
    seconds: float = 0.0                 # spent on the network (all hops), waits for politeness excluded

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class _Ask:
    """What one fetch sends and accepts, hop after hop."""

    headers: dict[str, bytes]
    cap: int
    # Fetching a robots.txt: not itself checked against robots.txt, and cut at the cap rather than failed.
    robots_file: bool = False


@dataclass
class _Robots:
    parser: RobotFileParser
    expires: float                       # monotonic time
    unreachable: str | None = None       # why every path is refused (RFC 9309: unreachable means disallow all)


@dataclass
class _Origin:
    """One origin's turn (one request at a time), when it may be asked next, and its robots.txt."""

    name: str
    delay: float
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    robots_turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    ready_at: float = 0.0                # monotonic: the previous request's end plus the delay
    held_until: float = 0.0              # monotonic: the end of a Retry-After
    robots: _Robots | None = None


class Fetcher:
    """Polite async GETs; use as `async with Fetcher(settings) as fetcher: await fetcher.get(url)`."""

    def __init__(self, settings: IntakeSettings = IntakeSettings(), *,
                 transport: httpx.AsyncBaseTransport | None = None,
                 robots_cache: dict[str, RobotsRecord] | None = None):
        """`robots_cache`: origin -> its robots.txt as read before; the Fetcher uses the entries younger than
        robots_ttl instead of asking again, and puts in what it fetches (a caller saves it for the next run)."""
        self.settings = settings
        self.robots_cache = robots_cache if robots_cache is not None else {}
        # (monotonic time sent, origin, url) of every request made, robots.txt included.
        self.requests: list[tuple[float, str, str]] = []
        self.user_agent = user_agent(settings)
        # robots.txt groups name the product token ("newsprism"), not the whole User-Agent.
        self._robots_agent = self.user_agent.split("/")[0].split()[0] if self.user_agent.strip() else "*"
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._slots = asyncio.Semaphore(max(1, settings.concurrency))
        self._origins: dict[str, _Origin] = {}

    async def __aenter__(self) -> Fetcher:
        self._client = httpx.AsyncClient(
            transport=self._transport, follow_redirects=False, timeout=self.settings.timeout,
            limits=httpx.Limits(max_connections=max(1, self.settings.concurrency)),
            headers={"User-Agent": self.user_agent, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING})
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET `url` politely; with a stored ETag / Last-Modified the site may answer 304 (`not_modified`)."""
        if self._client is None:
            raise RuntimeError("use the Fetcher as `async with Fetcher(...) as fetcher`")
        headers = {name: _header_value(value) for name, value in
                   (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if value}
        fetched = await self._follow(url, _Ask(headers, self.settings.max_response_bytes))
        log.debug("GET %s: %s", url, fetched.error or fetched.status)
        return replace(fetched, url=url)

    async def _follow(self, url: str, ask: _Ask) -> Fetched:
        """Each redirect is a request of its own to its origin: robots.txt and spacing apply to every hop."""
        seconds = 0.0
        for _ in range(self.settings.max_redirects + 1):
            fetched, location = await self._hop(url, ask)
            seconds += fetched.seconds
            if location is None:
                return replace(fetched, seconds=seconds)
            url = location
        return replace(fetched, error=f"too many redirects ({self.settings.max_redirects})", seconds=seconds)

    async def _hop(self, url: str, ask: _Ask) -> tuple[Fetched, str | None]:
        target = _http_url(url)
        if target is None:
            return Fetched(url, url, None, error="not an http(s) URL"), None
        origin = self._origin(target)
        held = origin.held_until - time.monotonic()
        if held > MAX_WAIT:   # checked before robots.txt too: a held origin is not asked for it either
            return _held(target, held), None
        if not ask.robots_file and target.path != "/robots.txt":
            refusal = await self._robots_refusal(origin, target)
            if refusal:
                return Fetched(url, url, None, error=refusal), None
        return await self._send(origin, target, ask)

    def _origin(self, target: httpx.URL) -> _Origin:
        host = f"[{target.host}]" if ":" in target.host else target.host
        name = f"{target.scheme}://{host}" + (f":{target.port}" if target.port else "")
        if name not in self._origins:
            self._origins[name] = _Origin(name, self.settings.host_delay)
        return self._origins[name]

    async def _send(self, origin: _Origin, target: httpx.URL, ask: _Ask) -> tuple[Fetched, str | None]:
        """One request when the origin's turn comes: after its spacing and any Retry-After, within the global limit."""
        async with origin.turn:
            now = time.monotonic()
            if origin.held_until - now > MAX_WAIT:   # a Retry-After received while this request waited its turn
                return _held(target, origin.held_until - now), None
            wait = max(origin.ready_at, origin.held_until) - now
            if wait > 0:
                await asyncio.sleep(wait)
            async with self._slots:
                try:
                    fetched, location = await self._exchange(origin, target, ask)
                finally:
                    origin.ready_at = time.monotonic() + origin.delay
            if fetched.retry_after:
                origin.held_until = time.monotonic() + fetched.retry_after
        return fetched, location

    async def _exchange(self, origin: _Origin, target: httpx.URL, ask: _Ask) -> tuple[Fetched, str | None]:
        sent = time.monotonic()
        self.requests.append((sent, origin.name, str(target)))
        location = None
        try:
            # The whole exchange is bounded: httpx's own timeout is per read, and a slow drip would never end.
            async with asyncio.timeout(self.settings.timeout):
                async with self._client.stream("GET", target, headers=ask.headers) as response:
                    fetched, location = await self._read(response, ask)
        except (TimeoutError, httpx.TimeoutException):
            fetched = _failed(target, f"timed out after {self.settings.timeout:g} s")
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            fetched = _failed(target, _network_error(exc))
        fetched.seconds = time.monotonic() - sent
        return fetched, location

    async def _read(self, response: httpx.Response, ask: _Ask) -> tuple[Fetched, str | None]:
        """The response as a Fetched and the next hop's URL; the body is read only from a 2xx."""
        status = response.status_code
        headers = response.headers
        url = str(response.url)
        fetched = Fetched(url, url, status, content_type=headers.get("content-type"), etag=headers.get("etag"),
                          last_modified=headers.get("last-modified"))
        if status in REDIRECTS:
            location = _location(response)
            if location is None:
                fetched.error = f"HTTP {status} without a usable Location"
            return fetched, location
        if status == 304:
            return fetched, None
        if not 200 <= status < 300:
            fetched.error = f"HTTP {status}"
            if status in (429, 503):
                fetched.retry_after = _retry_after(headers.get("retry-after"), self.settings.max_backoff)
            return fetched, None
        fetched.body, fetched.error = await _read_body(response, ask)
        if fetched.error:
            fetched.status = None
        return fetched, None

    async def _robots_refusal(self, origin: _Origin, target: httpx.URL) -> str | None:
        """Why robots.txt forbids `target`, or None when it may be fetched."""
        async with origin.robots_turn:   # one robots.txt fetch per origin, however many ask at once
            if origin.robots is None or origin.robots.expires <= time.monotonic():
                origin.robots = await self._load_robots(origin)
        robots = origin.robots
        if robots.unreachable:
            return f"robots.txt unreachable: {robots.unreachable}"
        if not robots.parser.can_fetch(self._robots_agent, str(target)):
            return "disallowed by robots.txt"
        return None

    async def _load_robots(self, origin: _Origin) -> _Robots:
        """The origin's robots.txt: as an earlier run read it when that is younger than robots_ttl (the
        `robots_cache` a caller keeps), else fetched now."""
        known = self.robots_cache.get(origin.name)
        age = time.time() - known.fetched_at if known else None
        if known is not None and 0 <= age < self.settings.robots_ttl:
            return self._robots_from(origin, known, self.settings.robots_ttl - age)
        fetched = await self._follow(f"{origin.name}/robots.txt", _Ask({}, ROBOTS_BYTES, robots_file=True))
        record = RobotsRecord(time.time(), fetched.status, fetched.body if fetched.ok else b"", fetched.error)
        if fetched.status is None and fetched.retry_after:   # not asked at all (held): ask once the hold ends
            robots = self._robots_from(origin, record, fetched.retry_after)
        else:
            self.robots_cache[origin.name] = record
            robots = self._robots_from(origin, record, self.settings.robots_ttl)
        return robots

    def _robots_from(self, origin: _Origin, record: RobotsRecord, ttl: float) -> _Robots:
        """RFC 9309: a 2xx is read, a 4xx (401/403 too) allows all, a 5xx/429 or no answer disallows all."""
        robots = _Robots(RobotFileParser(f"{origin.name}/robots.txt"), time.monotonic() + ttl)
        if record.status is not None and 200 <= record.status < 300 and not record.error:
            robots.parser.parse(_robots_lines(record.body))
            _match_as_rfc_9309(robots.parser)
            origin.delay = self._spacing(robots.parser)
        elif record.status is None or record.status >= 500 or record.status == 429:
            robots.unreachable = record.error or f"HTTP {record.status}"
        else:
            robots.parser.allow_all = True
        return robots

    def _spacing(self, parser: RobotFileParser) -> float:
        """The origin's delay: host_delay, raised by a Crawl-delay up to MAX_WAIT."""
        crawl_delay = parser.crawl_delay(self._robots_agent)
        return max(self.settings.host_delay, min(float(crawl_delay or 0), MAX_WAIT))


def _robots_lines(body: bytes) -> list[str]:
    """robots.txt lines as the stdlib parser reads them (a byte order mark would hide the first line)."""
    lines = body.decode("utf-8-sig", "replace").splitlines()
    return [_FRACTIONAL_CRAWL_DELAY.sub(lambda m: m[1] + str(math.ceil(float(m[2]))), line) for line in lines]


class _Rule(RuleLine):
    """An RFC 9309 rule: "*" matches any characters and a final "$" anchors the end (the stdlib compares plain
    prefixes, so "Disallow: /*.pdf$" would never match and the files would be fetched)."""

    def __init__(self, rule: RuleLine):
        self.path, self.allowance = rule.path, rule.allowance
        # The stdlib has quoted both the rule and the URL path: "*" is "%2A" and "$" is "%24" on both sides.
        anchored = self.path.endswith("%24")
        pattern = self.path[:-3] if anchored else self.path
        self._match = re.compile(".*?".join(map(re.escape, pattern.split("%2A"))) + ("$" if anchored else "")).match

    def applies_to(self, filename: str) -> bool:
        return self._match(filename) is not None


def _match_as_rfc_9309(parser: RobotFileParser) -> None:
    """The most specific (longest) matching rule decides, an Allow winning a tie (RFC 9309 2.2.2); the stdlib takes
    the first rule in the file, so "Allow: /" above "Disallow: /private" would open /private."""
    for entry in [*parser.entries, parser.default_entry]:
        if entry is not None:
            rules = (_Rule(rule) for rule in entry.rulelines)
            entry.rulelines = sorted(rules, key=lambda rule: (-len(rule.path), not rule.allowance))


class _Decoder:
    """A body's content coding undone as it arrives, never producing more than the room left under the cap (a small
    gzip body can expand a thousandfold, so httpx's own decoding, which inflates whole chunks, is not used)."""

    def __init__(self, coding: str):
        self.coding = coding.strip().lower()
        self._deflate_guess = self.coding == "deflate"   # "deflate" is zlib-wrapped by the RFC, raw from some servers
        if self.coding in ("", "identity"):
            self._inflater = None
        elif self.coding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self.coding == "deflate":
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise ValueError(f"unsupported content encoding: {one_line(self.coding, 40)}")

    def feed(self, data: bytes, room: int) -> bytes:
        """At most room + 1 bytes: one more than fits tells the caller the cap is passed."""
        if self._inflater is None:
            return data[: room + 1]
        try:
            return self._inflater.decompress(data, room + 1)
        except zlib.error:
            if not self._deflate_guess:
                raise
            self._deflate_guess = False
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            return self._inflater.decompress(data, room + 1)
        finally:
            self._deflate_guess = False


async def _read_body(response: httpx.Response, ask: _Ask) -> tuple[bytes, str | None]:
    """The decoded body, read chunk by chunk and abandoned (the connection closed) once it passes the cap."""
    length = response.headers.get("content-length", "")
    over = f"over the size cap ({_size(ask.cap)})"
    if length.isdigit() and int(length) > ask.cap and not ask.robots_file:
        return b"", over
    try:
        decoder = _Decoder(response.headers.get("content-encoding", ""))
    except ValueError as exc:
        return b"", str(exc)
    body = bytearray()
    try:
        async for chunk in response.aiter_raw():
            body += decoder.feed(chunk, ask.cap - len(body))
            if len(body) > ask.cap:
                return (bytes(body[: ask.cap]), None) if ask.robots_file else (b"", over)
    except zlib.error as exc:
        return b"", f"undecodable {decoder.coding} body: {one_line(str(exc), 80)}"
    return bytes(body), None


def user_agent(settings: IntakeSettings) -> str:
    """The User-Agent sent: `user_agent`, with "; contact: ..." inside its closing comment when a contact is set."""
    agent = settings.user_agent
    if settings.contact:
        contact = f"; contact: {settings.contact}"
        agent = f"{agent[:-1]}{contact})" if agent.endswith(")") else agent + contact
    # A header is one line of ASCII: anything else would fail every request.
    return one_line(agent, None).encode("ascii", "replace").decode("ascii")


def _header_value(text: str) -> bytes:
    """A stored validator sent back as the site gave it (httpx decoded it as ASCII or UTF-8), on one line."""
    return " ".join(text.split()).encode("utf-8", "replace")


def _http_url(url: str) -> httpx.URL | None:
    """Only http(s) URLs with a host are ever requested."""
    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return None
    return target if target.scheme in ("http", "https") and target.host else None


def _location(response: httpx.Response) -> str | None:
    location = response.headers.get("location", "").strip()
    if not location:
        return None
    try:
        return str(response.url.join(location))
    except (httpx.InvalidURL, ValueError):
        return None


def _retry_after(value: str | None, limit: float) -> float | None:
    """Seconds to wait from a Retry-After: a number of seconds or an HTTP date; bounded by `limit`."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return min(max(seconds, 0.0), limit) if seconds == seconds else None   # NaN is no answer


def _held(target: httpx.URL, seconds: float) -> Fetched:
    url = str(target)
    error = f"the site asked to wait {seconds:.0f} s more (Retry-After)"
    return Fetched(url, url, None, retry_after=seconds, error=error)


def _failed(target: httpx.URL, error: str) -> Fetched:
    url = str(target)
    return Fetched(url, url, None, error=error)


def _network_error(exc: BaseException) -> str:
    """One line for a failed exchange, named by its innermost cause (httpx wraps gaierror, SSLError, OSError)."""
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return "DNS: " + _DNS_REASONS.get(cause.errno, one_line(cause.strerror or str(cause), 80))
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS: certificate not trusted ({one_line(cause.verify_message or str(cause), 80)})"
        if isinstance(cause, ssl.SSLError):
            return "TLS: " + (cause.reason.replace("_", " ").lower() if cause.reason else one_line(str(cause), 80))
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ConnectionResetError):
            return "connection reset"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"bad HTTP response: {one_line(str(exc), 120)}"
    return f"connection failed: {describe(exc, 120)}"


def _causes(exc: BaseException):
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _size(count: int) -> str:
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"
