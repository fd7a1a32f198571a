"""A story's dossier (`model.Dossier`) as JSON, Markdown, one self-contained HTML page, or lines for the terminal.

Every string from an article is untrusted: HTML output escapes it with
`html.escape`, Markdown with `md_escape`, and the terminal view with rich's
`escape`. Citations are numbered per page; each mark shows the cited passage.
"""

from __future__ import annotations

import html
import json
from datetime import date

from rich.console import Console
from rich.markup import escape

from ..model import Citation, Dossier, NumberGroup, StoryMember, TimelineEvent
from ..oneline import one_line
from .articles import md_escape

FORMATS = ("table", "json", "markdown", "html")


def to_json(dossier: Dossier) -> str:
    return json.dumps(dossier.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render(dossier: Dossier, fmt: str) -> str:
    """The dossier as text in `fmt` ("table" as Markdown: readable in a file)."""
    views = {"json": to_json, "markdown": to_markdown, "html": to_html, "table": to_markdown}
    return views[fmt](dossier)


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
    _section(out, "Quotes", [f"{escape(q.speaker or 'unattributed')}: “{escape(q.text)}” [dim]("
                             f"{escape(', '.join(sorted({outlet[v.cite.article_id] for v in q.variants})))})"
                             f"[/dim]" for q in dossier.quotes if len(q.text.split()) > 2][:15])
    _section(out, "Numbers", [_number_line(n, outlet) for n in dossier.numbers if n.verdict != "single"][:20])
    _section(out, "Timeline", [f"{escape(e.date)}  {escape(one_line(e.text, 160))}" for e in dossier.timeline])
    coverage = dossier.coverage
    _section(out, "Every outlet reports", [escape(one_line(c.text, 160)) for c in coverage.core])
    for article_id, items in coverage.unique.items():
        _section(out, f"Only {outlet[article_id]} ({article_id})", [escape(one_line(i.text, 160)) for i in items][:12])
    for article_id, missing in dossier.not_analysed.items():
        out.print(f"[yellow]not analysed in {escape(article_id)}: {escape('; '.join(missing))}[/yellow]")


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
    lines = [f"# {md_escape(dossier.title or '(untitled)')}", ""]
    lines += ["| article | outlet | published | title |", "| --- | --- | --- | --- |"]
    lines += [f"| {md_escape(a.id)} | {md_escape(a.outlet)} | {md_escape(a.published)} | "
              f"{md_escape(a.title)} |" for a in dossier.articles]
    lines += ["", "## Summary", ""]
    lines += [f"- {md_escape(s.text)} ({_md_cites(s.citations, outlet)})" for s in dossier.summary]
    lines += ["", "## Quotes", "", "| speaker | quote | outlets |", "| --- | --- | --- |"]
    lines += [f"| {md_escape(q.speaker or 'unattributed')} | {md_escape(q.text)} | "
              f"{md_escape(', '.join(sorted({outlet[v.cite.article_id] for v in q.variants})))} |"
              for q in dossier.quotes]
    lines += ["", "## Numbers", "", "| what | verdict | reports |", "| --- | --- | --- |"]
    lines += [f"| {md_escape(n.what)}{' (' + md_escape(n.unit) + ')' if n.unit else ''} | "
              f"{'**conflict**' if n.verdict == 'conflict' else n.verdict} | "
              + md_escape("; ".join(f"{r.text} ({outlet[r.cite.article_id]})" for r in n.reports)) + " |"
              for n in dossier.numbers]
    lines += ["", "## Timeline", ""]
    lines += [f"- **{md_escape(e.date)}** {md_escape(e.text)} ({_md_cites(e.citations, outlet)})"
              for e in dossier.timeline]
    lines += ["", "## Coverage", "", "### Every outlet reports", ""]
    lines += [f"- {md_escape(c.text)}" for c in dossier.coverage.core]
    for article_id, items in dossier.coverage.unique.items():
        lines += ["", f"### Only {md_escape(outlet[article_id])} ({md_escape(article_id)})", ""]
        lines += [f"- {md_escape(i.text)}" for i in items]
    return "\n".join(lines) + "\n"


def _md_cites(cites: list[Citation], outlet: dict[str, str]) -> str:
    return ", ".join(f"{md_escape(outlet[c.article_id])} {c.start}-{c.end}" for c in cites)


# -- HTML ---------------------------------------------------------------------------

STYLE = """
body{font:16px/1.5 Georgia,serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{border-bottom:1px solid #ccc;margin-top:2.2rem}
.meta{color:#666;font-size:.9rem}table{border-collapse:collapse;width:100%;font-size:.92rem}
td,th{border-bottom:1px solid #eee;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f6f6}.conflict td{background:#fff0f0}.conflict .verdict{color:#b00;font-weight:bold}
.agree .verdict{color:#070}.cite{position:relative;font-size:.75rem;vertical-align:super;color:#06c;cursor:help}
.cite .passage{display:none;position:absolute;left:0;top:1.2rem;z-index:9;width:24rem;background:#fffbe6;
border:1px solid #e0c200;padding:.5rem;font-size:.85rem;color:#222;font-style:italic}
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
    parts += ["</ul>", _grid(dossier, outlet), _quotes(dossier, outlet), _numbers(dossier, outlet),
              _timeline(dossier, outlet), "<h2>Articles</h2><table><tr><th>outlet</th><th>published</th><th>title"
              "</th></tr>"]
    parts += [f"<tr><td>{e(a.outlet or '')}</td><td>{e(a.published or '')}</td><td>"
              f"{_link(a)}</td></tr>" for a in dossier.articles]
    parts += ["</table></body></html>"]
    return "\n".join(parts) + "\n"


def _link(article: StoryMember) -> str:
    title = html.escape(article.title or article.id)
    url = article.url or ""
    if url.startswith(("http://", "https://")):
        return f"<a href='{html.escape(url, quote=True)}' rel='noopener noreferrer'>{title}</a>"
    return title


def _html_cites(dossier: Dossier, cites: list[Citation], outlet: dict[str, str]) -> str:
    marks = []
    for cite in cites:
        text = dossier.passage(cite)
        marks.append(f"<span class='cite' tabindex='0'>[{html.escape(outlet[cite.article_id])}]"
                     f"<span class='passage'>{html.escape(text)}</span></span>")
    return "".join(marks)


def _grid(dossier: Dossier, outlet: dict[str, str]) -> str:
    names = sorted(set(outlet.values()))
    rows = [(c.text, set(c.outlets), c.citations) for c in dossier.coverage.core + dossier.coverage.shared]
    for article_id, items in dossier.coverage.unique.items():
        rows += [(i.text, {outlet[article_id]}, [i.cite]) for i in items]
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = []
    for text, carried, cites in rows:
        cells = "".join(f"<td class='dot'>{'●' if n in carried else ''}</td>" for n in names)
        fact = f"{html.escape(one_line(text, 220))} {_html_cites(dossier, cites[:1], outlet)}"
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


def _timeline(dossier: Dossier, outlet: dict[str, str]) -> str:
    days = [ev for ev in dossier.timeline if len(ev.date) == 10]
    chart = _timeline_chart(days)
    items = "".join(f"<li><b>{html.escape(ev.date)}</b> {html.escape(ev.text)} "
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
