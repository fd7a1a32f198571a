"""A story's dossier (`model.Dossier`) as JSON, Markdown, one self-contained HTML page, or lines for the terminal.

Markdown and HTML show everything the JSON has (articles, summary, entities, quotes, numbers, timeline, the
facts every outlet, several outlets and one outlet report, what was not analysed, rejected inputs); the terminal
shows the most of each. A citation reads as its outlet and the first words it cites (`BBC: "Cars and trucks
plummeted 45m …"`); in HTML it links to the article at the cited words (a text fragment) and shows the whole
passage on hover. Every string from an article is untrusted: HTML output escapes it with `html.escape`,
Markdown with `md_escape`, and the terminal view with rich's `escape`.
"""

from __future__ import annotations

import html
import json
from datetime import date
from urllib.parse import quote

from rich.console import Console
from rich.markup import escape

from ..model import Citation, CoveredFact, Dossier, NumberGroup, StoryMember, TimelineEvent
from ..oneline import one_line
from .articles import md_escape

FORMATS = ("table", "json", "markdown", "html")


def to_json(dossier: Dossier) -> str:
    return json.dumps(dossier.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render(dossier: Dossier, fmt: str) -> str:
    """The dossier as text in `fmt` ("table" as Markdown: readable in a file)."""
    views = {"json": to_json, "markdown": to_markdown, "html": to_html, "table": to_markdown}
    return views[fmt](dossier)


QUOTED_WORDS = 8  # a citation shows this many of the words it cites, then "…"


def cited_words(dossier: Dossier, cite: Citation, words: int = QUOTED_WORDS) -> str:
    """The first words of a cited passage on one line, "…" when there are more; the offsets when the dossier
    carries no texts."""
    parts = dossier.passage(cite).split()
    if not parts:
        return f"{cite.start}-{cite.end}"
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _outlets(entity_mentions: dict[str, int], outlet: dict[str, str]) -> list[str]:
    return sorted({outlet.get(article, article) for article in entity_mentions})


# -- terminal ------------------------------------------------------------------------


def print_terminal(dossier: Dossier, console: Console | None = None) -> None:
    out = console or Console(highlight=False, soft_wrap=True)
    outlet = dossier.outlet_of()
    out.print(f"[bold]{escape(dossier.title or '(untitled)')}[/bold]")
    out.print(f"[dim]{len(dossier.articles)} article(s) from {len(set(outlet.values()))} outlet(s): "
              f"{escape(', '.join(sorted(set(outlet.values()))))}[/dim]\n")
    out.print("[bold]Summary[/bold]")
    for item in dossier.summary:
        sources = ", ".join(sorted({outlet[c.article_id] for c in item.citations}))
        out.print(f"  • {escape(item.text)} [dim]({escape(sources)})[/dim]")
    _section(out, "Entities", [f"{escape(e.name)} [dim]({escape(e.type)}; {sum(e.mentions.values())} mention(s) in "
                               f"{escape(', '.join(_outlets(e.mentions, outlet)))})[/dim]"
                               for e in dossier.entities][:20])
    _section(out, "Quotes", [f"{escape(q.speaker or 'unattributed')}: “{escape(q.text)}” [dim]("
                             f"{escape(', '.join(sorted({outlet[v.cite.article_id] for v in q.variants})))})"
                             f"[/dim]" for q in dossier.quotes if len(q.text.split()) > 2][:15])
    _section(out, "Numbers", [_number_line(n, outlet) for n in dossier.numbers if n.verdict != "single"][:20])
    _section(out, "Claims and denials", [
        f"[red]{escape(one_line(c.claim_text, 120))}[/red] [dim]({escape(_cited_outlets(c.claim, outlet))})[/dim] "
        f"vs [red]{escape(one_line(c.denial_text, 120))}[/red] [dim]({escape(_cited_outlets(c.denial, outlet))})[/dim]"
        for c in dossier.claims])
    _section(out, "Timeline", [f"{escape(e.date)}  {escape(one_line(e.text, 160))}"
                               + (" [dim](date from the story: article undated)[/dim]" if e.basis == "story" else "")
                               for e in dossier.timeline])
    coverage = dossier.coverage
    _section(out, "Every outlet reports", [escape(one_line(c.text, 160)) for c in coverage.core])
    _section(out, "Several outlets report", [f"{escape(one_line(c.text, 160))} [dim]({escape(', '.join(c.outlets))})"
                                             f"[/dim]" for c in coverage.shared][:15])
    for article_id, items in coverage.unique.items():
        _section(out, f"Only {outlet[article_id]} ({article_id})", [escape(one_line(i.text, 160)) for i in items][:12])
    for article_id, missing in dossier.not_analysed.items():
        out.print(f"[yellow]not analysed in {escape(article_id)}: {escape('; '.join(missing))}[/yellow]")


def _cited_outlets(cites: list[Citation], outlet: dict[str, str]) -> str:
    return ", ".join(sorted({outlet.get(c.article_id, c.article_id) for c in cites}))


def _number_line(number: NumberGroup, outlet: dict[str, str]) -> str:
    colour = "red" if number.verdict == "conflict" else "green"
    values = "; ".join(f"{escape(r.text)} ({escape(outlet[r.cite.article_id])})" for r in number.reports)
    unit = f" [{number.unit}]" if number.unit else ""
    return f"[{colour}]{number.verdict}[/{colour}] {escape(number.what + unit)}: {values}"


def _section(out: Console, title: str, lines: list[str]) -> None:
    if not lines:
        return
    out.print(f"\n[bold]{escape(title)}[/bold]")
    for line in lines:
        out.print(f"  • {line}")


# -- Markdown -----------------------------------------------------------------------


def to_markdown(dossier: Dossier) -> str:
    outlet = dossier.outlet_of()
    cites = lambda items: _md_cites(dossier, items, outlet)  # noqa: E731 - one short local helper
    lines = [f"# {md_escape(dossier.title or '(untitled)')}", "",
             f"Story {md_escape(dossier.id)}{', ' + md_escape(dossier.date) if dossier.date else ''}: "
             f"{len(dossier.articles)} article(s) from {len(set(outlet.values()))} outlet(s).", ""]
    lines += ["| article | outlet | published | language | title | address | copy of |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(md_escape(v) for v in (a.id, a.outlet, a.published, a.language, a.title, a.url,
                                                       a.duplicate_of)) + " |" for a in dossier.articles]
    lines += ["", "## Summary", ""]
    lines += [f"- {md_escape(s.text)} ({cites(s.citations)})" for s in dossier.summary]
    lines += ["", "## Entities", "", "| entity | type | mentions | outlets | also written |",
              "| --- | --- | --- | --- | --- |"]
    lines += [f"| {md_escape(e.name)} | {md_escape(e.type)} | {sum(e.mentions.values())} | "
              f"{md_escape(', '.join(_outlets(e.mentions, outlet)))} | {md_escape('; '.join(e.aliases))} |"
              for e in dossier.entities]
    lines += ["", "## Quotes", ""]
    for q in dossier.quotes:
        lines.append(f"- **{md_escape(q.speaker or 'unattributed')}**: “{md_escape(q.text)}”")
        lines += [f"  - {_md_cite(dossier, v.cite, outlet)}"
                  + (f" (speaker named there: {md_escape(v.speaker)})" if v.speaker and v.speaker != q.speaker else "")
                  for v in q.variants]
    lines += ["", "## Numbers", "", "| what | verdict | reports |", "| --- | --- | --- |"]
    lines += [f"| {md_escape(n.what)}{' (' + md_escape(n.unit) + ')' if n.unit else ''} | "
              f"{'**conflict**' if n.verdict == 'conflict' else md_escape(n.verdict)} | "
              + "; ".join(f"{md_escape(r.text)}: {_md_cite(dossier, r.cite, outlet)}" for r in n.reports) + " |"
              for n in dossier.numbers]
    lines += ["", "## Claims and denials", ""]
    lines += [f"- **Claim**: {md_escape(c.claim_text)} ({cites(c.claim)})\n  **Denied**: {md_escape(c.denial_text)} "
              f"({cites(c.denial)})" for c in dossier.claims] or ["No outlet denies what another states."]
    lines += ["", "## Timeline", ""]
    lines += [f"- **{md_escape(e.date)}**{_md_basis(e)} {md_escape(e.text)} ({cites(e.citations)})"
              for e in dossier.timeline]
    lines += ["", "## Coverage", ""]
    lines += _md_facts("Every outlet reports", dossier.coverage.core, dossier, outlet)
    lines += _md_facts("Several outlets report", dossier.coverage.shared, dossier, outlet)
    for article_id, items in dossier.coverage.unique.items():
        lines += [f"### Only {md_escape(outlet.get(article_id, article_id))} ({md_escape(article_id)})", ""]
        lines += [f"- {md_escape(i.text)} ({cites([i.cite])})" for i in items] + [""]
    if dossier.not_analysed:
        lines += ["## Not analysed", ""]
        lines += [f"- {md_escape(outlet.get(a, a))} ({md_escape(a)}): {md_escape('; '.join(missing))}"
                  for a, missing in dossier.not_analysed.items()] + [""]
    if dossier.rejected:
        lines += ["## Inputs not read", ""]
        lines += [f"- {md_escape(r.source_path)}: {md_escape(r.reason)}" for r in dossier.rejected] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_basis(event: TimelineEvent) -> str:
    return " (date from the story: article undated)" if event.basis == "story" else ""


def _md_facts(heading: str, facts: list[CoveredFact], dossier: Dossier, outlet: dict[str, str]) -> list[str]:
    """A fact with its outlets, then every sentence stating it (one citation a line)."""
    if not facts:
        return []
    lines = [f"### {heading}", ""]
    for fact in facts:
        lines.append(f"- {md_escape(fact.text)} ({md_escape(', '.join(fact.outlets))}){_md_sources(fact)}")
        lines += [f"  - {_md_cite(dossier, c, outlet)}" for c in fact.citations]
    return lines + [""]


def _md_sources(fact: CoveredFact) -> str:
    """Said only when the outlets are fewer independent sources (shared copy, a credited source)."""
    if not fact.sources or len(fact.sources) >= len(fact.outlets):
        return ""
    return f" — {len(fact.sources)} independent source(s): {md_escape('; '.join(fact.sources))}"


def _md_cite(dossier: Dossier, cite: Citation, outlet: dict[str, str]) -> str:
    return f"{md_escape(outlet.get(cite.article_id, cite.article_id))}: \"{md_escape(cited_words(dossier, cite))}\""


def _md_cites(dossier: Dossier, cites: list[Citation], outlet: dict[str, str]) -> str:
    return "; ".join(_md_cite(dossier, c, outlet) for c in cites)


# -- HTML ---------------------------------------------------------------------------

STYLE = """
body{font:16px/1.5 Georgia,serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{border-bottom:1px solid #ccc;margin-top:2.2rem}
.meta{color:#666;font-size:.9rem}table{border-collapse:collapse;width:100%;font-size:.92rem}
td,th{border-bottom:1px solid #eee;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f6f6}.conflict td{background:#fff0f0}.conflict .verdict{color:#b00;font-weight:bold}
.agree .verdict{color:#070}.cite{position:relative;font-size:.8rem;color:#06c;text-decoration:none;margin-left:.3rem}
.cite .passage{display:none;position:absolute;left:0;top:1.2rem;z-index:9;width:24rem;background:#fffbe6;
border:1px solid #e0c200;padding:.5rem;font-size:.85rem;color:#222;font-style:italic}.cites{display:block}
.cite:hover .passage,.cite:focus .passage{display:block}.dot{color:#06c;text-align:center}
svg text{font:11px sans-serif}
"""


def to_html(dossier: Dossier) -> str:
    outlet = dossier.outlet_of()
    e = html.escape
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(dossier.title or 'Story')}"
             f"</title><style>{STYLE}</style></head><body>",
             f"<h1>{e(dossier.title or '(untitled)')}</h1>",
             f"<p class='meta'>{len(dossier.articles)} article(s) from {len(set(outlet.values()))} outlet(s): "
             f"{e(', '.join(sorted(set(outlet.values()))))}</p>",
             "<h2>Summary</h2><ul>"]
    parts += [f"<li>{e(s.text)} {_html_cites(dossier, s.citations, outlet)}</li>" for s in dossier.summary]
    parts += ["</ul>", _entities(dossier, outlet), _grid(dossier, outlet), _quotes(dossier, outlet),
              _numbers(dossier, outlet), _claims(dossier, outlet), _timeline(dossier, outlet), _articles(dossier),
              _problems(dossier, outlet),
              "</body></html>"]
    return "\n".join(parts) + "\n"


def _articles(dossier: Dossier) -> str:
    e = html.escape
    rows = "".join(f"<tr id='{_anchor(a.id)}'><td>{e(a.outlet or '')}</td><td>{e(a.published or '')}</td>"
                   f"<td>{e(a.language or '')}</td><td>{_link(a)}</td><td>{e(a.id)}</td><td>{e(a.duplicate_of or '')}"
                   f"</td></tr>" for a in dossier.articles)
    return ("<h2>Articles</h2><table><tr><th>outlet</th><th>published</th><th>language</th><th>title</th>"
            f"<th>article</th><th>copy of</th></tr>{rows}</table>")


def _anchor(article_id: str) -> str:
    return "article-" + html.escape(article_id, quote=True)


def _problems(dossier: Dossier, outlet: dict[str, str]) -> str:
    e = html.escape
    parts = []
    if dossier.not_analysed:
        parts.append("<h2>Not analysed</h2><ul>" + "".join(
            f"<li>{e(outlet.get(a, a))} ({e(a)}): {e('; '.join(missing))}</li>"
            for a, missing in dossier.not_analysed.items()) + "</ul>")
    if dossier.rejected:
        parts.append("<h2>Inputs not read</h2><ul>" + "".join(
            f"<li>{e(r.source_path)}: {e(r.reason)}</li>" for r in dossier.rejected) + "</ul>")
    return "".join(parts)


def _entities(dossier: Dossier, outlet: dict[str, str]) -> str:
    e = html.escape
    rows = "".join(f"<tr><td>{e(x.name)}</td><td>{e(x.type)}</td><td>{sum(x.mentions.values())}</td>"
                   f"<td>{e(', '.join(_outlets(x.mentions, outlet)))}</td><td>{e('; '.join(x.aliases))}</td></tr>"
                   for x in dossier.entities)
    return ("<h2>Entities</h2><table><tr><th>entity</th><th>type</th><th>mentions</th><th>outlets</th>"
            f"<th>also written</th></tr>{rows}</table>")


def _link(article: StoryMember) -> str:
    title = html.escape(article.title or article.id)
    url = article.url or ""
    if url.startswith(("http://", "https://")):
        return f"<a href='{html.escape(url, quote=True)}' rel='noopener noreferrer'>{title}</a>"
    return title


def _html_cites(dossier: Dossier, cites: list[Citation], outlet: dict[str, str]) -> str:
    """Each citation as its outlet and first cited words, linked to the article at those words."""
    urls = {a.id: a.url for a in dossier.articles}
    marks = []
    for cite in cites:
        href = html.escape(_cite_href(urls.get(cite.article_id), cite, dossier.passage(cite)), quote=True)
        marks.append(f"<a class='cite' href='{href}' rel='noopener noreferrer'>"
                     f"{html.escape(outlet.get(cite.article_id, cite.article_id))}: "
                     f"“{html.escape(cited_words(dossier, cite))}”"
                     f"<span class='passage'>{html.escape(dossier.passage(cite))}</span></a>")
    return "".join(marks)


def _cite_href(url: str | None, cite: Citation, passage: str) -> str:
    """The article's address with a text fragment that selects the cited words (browsers scroll to and mark
    them); the article's row in the page when it has no web address."""
    if not (url or "").startswith(("http://", "https://")):
        return "#" + _anchor(cite.article_id)
    words = passage.split()
    if not words:
        return url
    fragment = _fragment_part(" ".join(words)) if len(words) <= 2 * QUOTED_WORDS else (
        _fragment_part(" ".join(words[:QUOTED_WORDS])) + "," + _fragment_part(" ".join(words[-QUOTED_WORDS:])))
    return url.split("#", 1)[0] + "#:~:text=" + fragment


def _fragment_part(text: str) -> str:
    return quote(text, safe="").replace("-", "%2D")  # "-" and "," delimit a text fragment's parts


def _grid(dossier: Dossier, outlet: dict[str, str]) -> str:
    names = sorted(set(outlet.values()))
    rows = [(c.text, set(c.outlets), c.citations, c.sources) for c in dossier.coverage.core + dossier.coverage.shared]
    for article_id, items in dossier.coverage.unique.items():
        rows += [(i.text, {outlet[article_id]}, [i.cite], []) for i in items]
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = []
    for text, carried, cites, sources in rows:
        cells = "".join(f"<td class='dot'>{'●' if n in carried else ''}</td>" for n in names)
        fewer = (f" <i>{len(sources)} independent source(s): {html.escape('; '.join(sources))}</i>"
                 if sources and len(sources) < len(carried) else "")
        fact = (f"{html.escape(one_line(text, 220))}{fewer} "
                f"<span class='cites'>{_html_cites(dossier, cites, outlet)}</span>")
        body.append(f"<tr><td>{fact}</td>{cells}</tr>")
    return f"<h2>Who reports what</h2><table><tr><th>fact</th>{head}</tr>{''.join(body)}</table>"


def _quotes(dossier: Dossier, outlet: dict[str, str]) -> str:
    rows = []
    for q in dossier.quotes:
        variants = "<br>".join(f"“{html.escape(v.text)}” {_html_cites(dossier, [v.cite], outlet)}"
                               for v in q.variants)
        rows.append(f"<tr><td>{html.escape(q.speaker or 'unattributed')}</td><td>{variants}</td></tr>")
    return f"<h2>Quotes</h2><table><tr><th>speaker</th><th>quoted as</th></tr>{''.join(rows)}</table>"


def _numbers(dossier: Dossier, outlet: dict[str, str]) -> str:
    rows = []
    for n in dossier.numbers:
        reports = "<br>".join(f"{html.escape(r.text)} {_html_cites(dossier, [r.cite], outlet)}" for r in n.reports)
        unit = f" ({html.escape(n.unit)})" if n.unit else ""
        rows.append(f"<tr class='{html.escape(n.verdict)}'><td>{html.escape(n.what)}{unit}</td>"
                    f"<td class='verdict'>{html.escape(n.verdict)}</td><td>{reports}</td></tr>")
    return f"<h2>Numbers</h2><table><tr><th>what</th><th>verdict</th><th>reports</th></tr>{''.join(rows)}</table>"


def _claims(dossier: Dossier, outlet: dict[str, str]) -> str:
    rows = [f"<tr class='conflict'><td>{html.escape(c.claim_text)} {_html_cites(dossier, c.claim, outlet)}</td>"
            f"<td>{html.escape(c.denial_text)} {_html_cites(dossier, c.denial, outlet)}</td></tr>"
            for c in dossier.claims]
    if not rows:
        return "<h2>Claims and denials</h2><p>No outlet denies what another states.</p>"
    return f"<h2>Claims and denials</h2><table><tr><th>claim</th><th>denied by</th></tr>{''.join(rows)}</table>"


def _timeline(dossier: Dossier, outlet: dict[str, str]) -> str:
    days = [ev for ev in dossier.timeline if len(ev.date) == 10]
    chart = _timeline_chart(days)
    items = "".join(f"<li><b>{html.escape(ev.date)}</b>"
                    f"{' <i>(date from the story: article undated)</i>' if ev.basis == 'story' else ''} "
                    f"{html.escape(ev.text)} "
                    f"{_html_cites(dossier, ev.citations, outlet)}</li>" for ev in dossier.timeline)
    return f"<h2>Timeline</h2>{chart}<ul>{items}</ul>"


def _timeline_chart(events: list[TimelineEvent]) -> str:
    """Dated events as dots on a day axis (one dot per event, stacked on busy days), with date
    labels in staggered rows so that none overlaps another."""
    if not events:
        return ""
    days = [date.fromisoformat(ev.date) for ev in events]
    first, last = min(days), max(days)
    span = max(1, (last - first).days)
    width, left, right = 900, 40, 40

    def x_of(day: date) -> float:
        return left + (width - left - right) * (day - first).days / span

    stacks: dict[date, int] = {}
    dots = []
    for day, ev in zip(days, events, strict=True):
        stacks[day] = stacks.get(day, 0) + 1
        y = 70 - 12 * (stacks[day] - 1)
        dots.append(f"<circle cx='{x_of(day):.1f}' cy='{y}' r='5' fill='#06c'><title>{html.escape(ev.date)}: "
                    f"{html.escape(one_line(ev.text, 200))}</title></circle>")
    ticks, rows = _tick_labels(sorted(set(days)), x_of, full=first.year != last.year)
    height = 92 + LABEL_ROW * rows
    return (f"<svg viewBox='0 0 {width} {height}' width='100%' role='img' aria-label='timeline'>"
            f"<line x1='{left}' y1='78' x2='{width - right}' y2='78' stroke='#999'/>{''.join(dots)}{ticks}</svg>")


LABEL_ROW, LABEL_ROWS, CHAR_WIDTH = 13, 3, 7  # 11px digits are about 6.2 units wide; 7 leaves a gap


def _label_width(text: str) -> float:
    return CHAR_WIDTH * len(text) + 6


def _tick_labels(days: list[date], x_of, full: bool) -> tuple[str, int]:
    """Each day's label in the first row where it clears the label before it; a day with no room in
    any row goes unlabelled (its dot's tooltip still gives the date). Returns the SVG and the rows used."""
    ends = [float("-inf")] * LABEL_ROWS  # where each row's last label ends
    labels = []
    for day in days:
        text = day.isoformat() if full else day.isoformat()[5:]
        x, half = x_of(day), _label_width(text) / 2
        row = next((r for r in range(LABEL_ROWS) if x - half >= ends[r]), None)
        if row is None:
            continue
        ends[row] = x + half
        labels.append((row, f"<text x='{x:.1f}' y='{95 + LABEL_ROW * row}' text-anchor='middle'>{html.escape(text)}"
                            f"<title>{html.escape(day.isoformat())}</title></text>"))
    rows = 1 + max((r for r, _ in labels), default=0)
    return "".join(t for _, t in labels), rows
