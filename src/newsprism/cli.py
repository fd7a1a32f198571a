"""The command line: a thin layer over the Python API in `newsprism`.

Errors are one line on stderr, never a traceback (set NEWSPRISM_DEBUG=1 to see one).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__, open_store
from .cluster import recluster as run_recluster
from .config import DossierSettings, IntakeSettings, Settings, resolve_db_path
from .dates import parse_date
from .evaluate import clustering as clustering_eval
from .ingest import Progress as IngestProgress
from .ingest import ingest as run_ingest
from .model import Dossier, Hints, Rejection, Skipped
from .oneline import describe
from .outlets import FILL_STORIES
from .read import Manifest, ManifestError
from .render import articles as article_views
from .render import dossier as dossier_views
from .render import stories as story_views
from .render import threads as thread_views
from .store import Store, StoreError

_err = Console(stderr=True, highlight=False, soft_wrap=True)


def db_option(command):
    """`--db PATH`, shared by every command that opens the store."""
    return click.option(
        "--db", "db", metavar="PATH", envvar=None,
        help="SQLite store (default: $NEWSPRISM_DB, else ./newsprism.db).",
    )(command)


def output_options(formats, help_text="Output format."):
    """`--format`, `--json` and `-o FILE`, shared by every command that prints data."""

    def decorate(command):
        command = click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
                               help="Write to FILE instead of standard output.")(command)
        command = click.option("--json", "as_json", is_flag=True, help="Shorthand for --format json.")(command)
        return click.option("--format", "fmt", type=click.Choice(formats), default="table", show_default=True,
                            help=help_text)(command)

    return decorate


def intake_options(command):
    """How politely live intake fetches (`watch`, `serve --watch`): passed on as `intake`, IntakeSettings."""
    defaults = IntakeSettings()
    options = [
        click.option("--contact", metavar="EMAIL_OR_URL", envvar="NEWSPRISM_CONTACT", default=None,
                     help="Added to the User-Agent so that site owners can reach you. Default: $NEWSPRISM_CONTACT."),
        click.option("--host-delay", type=click.FloatRange(min=0), default=defaults.host_delay, show_default=True,
                     help="Least seconds between two requests to one host."),
        click.option("--concurrency", type=click.IntRange(1, 256), default=defaults.concurrency, show_default=True,
                     help="Requests in flight over all hosts."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=defaults.timeout, show_default=True,
                     help="Seconds one request may take."),
    ]
    for option in reversed(options):
        command = option(command)

    @functools.wraps(command)
    def with_settings(*args, contact, host_delay, concurrency, timeout, **kwargs):
        intake = replace(defaults, contact=contact, host_delay=host_delay, concurrency=concurrency, timeout=timeout)
        return command(*args, intake=intake, **kwargs)

    return with_settings


def by_option(command):
    """`--by NAME` of the editors' corrections (`stories merge|split|move`)."""
    return click.option("--by", "who", metavar="NAME", help="Who made the correction (kept in the story's history).")(
        command)


def dossier_options(command):
    """The output options and `--sentences N` for the commands that show a dossier."""
    command = click.option("--sentences", type=click.IntRange(1, 50), default=DossierSettings.summary_sentences,
                           show_default=True,
                           help="Sentences in the summary.")(command)
    return output_options(dossier_views.FORMATS, "Output format (table: readable text in the terminal).")(command)


class DateParam(click.ParamType):
    """A date or time in any common form, given to the command as ISO 8601."""

    name = "DATE"

    def convert(self, value, param, ctx):
        found = parse_date(value)
        if found is None:
            self.fail(f"cannot read {value!r} as a date (use ISO 8601, e.g. 2014-03-30)", param, ctx)
        return found


DATE = DateParam()


def friendly_errors(function):
    """Turn expected failures into one-line messages and an exit status."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (StoreError, ManifestError) as exc:
            _fail(str(exc), 2)
        except KeyboardInterrupt:
            _fail("interrupted; everything committed so far is kept, run the command again to finish", 130)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(0)
        except Exception as exc:  # noqa: BLE001 - the promise is: no traceback
            if os.environ.get("NEWSPRISM_DEBUG"):
                raise
            _fail(f"internal error: {describe(exc, 300)} (NEWSPRISM_DEBUG=1 shows details)", 1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="newsprism")
@click.option("-v", "--verbose", count=True,
              help="-v: what newsprism discards and why; -vv: debugging detail, the libraries' messages too.")
def main(verbose: int) -> None:
    """newsprism: read news from many outlets, group reports of the same event into
    stories, and show what the outlets agree on, where they differ and who said what."""
    setup_logging(verbose)


class _Shown(logging.Filter):
    """newsprism's own messages at the chosen level; other packages' (and Python warnings) only at -vv."""

    def __init__(self, verbose: int):
        super().__init__()
        self.level = (logging.WARNING, logging.INFO)[verbose] if verbose < 2 else logging.DEBUG
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        if self.verbose >= 2:
            return True
        return record.name.split(".")[0] == "newsprism" and record.levelno >= self.level


def setup_logging(verbose: int) -> None:
    """Where log messages go: one line each on stderr, filtered by `_Shown`.

    Libraries that bring their own handler (jieba prints "Building prefix dict" through one,
    and sets its level when first imported) get the same filter on their logger.
    """
    shown = _Shown(verbose)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    handler.addFilter(shown)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "newsprism", False)]:
        root.removeHandler(old)
    handler.newsprism = True
    root.addHandler(handler)
    root.setLevel(shown.level)  # records below it are never built (the hot paths log at INFO)
    for name in _OWN_HANDLERS:
        own = logging.getLogger(name)
        own.filters = [f for f in own.filters if not isinstance(f, _Shown)]
        own.addFilter(shown)
    logging.captureWarnings(True)
    if verbose < 2:  # the sentence model's "Loading weights" bar (read when transformers is first imported)
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


_OWN_HANDLERS = ("jieba",)


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@db_option
@click.option("--manifest", type=click.Path(dir_okay=False),
              help="JSON list of {file, url, outlet, published, language, title} for the inputs.")
@click.option("--outlet", metavar="NAME", help="Outlet of every input of this call.")
@click.option("--published", type=DATE, help="Publication date (ISO 8601) of every input of this call.")
@click.option("--language", metavar="CODE", help="Language of every input of this call (ISO 639-1).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=Settings.max_bytes, show_default=True,
              help="Largest document read (a file, a record, an archived page).")
@click.option("--follow-links", is_flag=True,
              help="In folders, also read symbolic links that lead outside the folder (loops are still skipped).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary; problems are still reported.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on standard output.")
@friendly_errors
def ingest(paths, db, manifest, outlet, published, language, max_bytes, follow_links, quiet, as_json):
    """Read news from files, folders, archives or `-` (standard input) into the store.

    Formats: plain text and Markdown, HTML pages, JSON and JSON Lines records, RSS and
    Atom feeds, WARC archives (CC-NEWS). A manifest.json inside a folder is used
    automatically. Exit status is 0 when at least one article was stored or already
    known, 1 otherwise.
    """
    known = Manifest()
    if manifest:
        known.load(manifest)
    hints = Hints(outlet=outlet, published=published, language=language)
    settings = Settings(max_bytes=max_bytes)
    with open_store(db) as store, _progress(quiet) as (progress, hooks):
        report = run_ingest(store, paths, hints=hints, manifest=known, settings=settings, progress=hooks,
                            follow_links=follow_links)
    if as_json:
        click.echo(json.dumps(report.to_dict(db=str(store.path)), ensure_ascii=False, indent=2))
    if not quiet:
        _err.print(f"newsprism: {_shown(report.summary())} -> {_shown(str(store.path))}")
    sys.exit(0 if report.stored_or_known else 1)


@main.command()
@db_option
@click.option("--search", metavar="TEXT", help="Full-text search in title and text (all words must occur).")
@click.option("--outlet", metavar="NAME", help="Only this outlet (case-insensitive).")
@click.option("--since", type=DATE, help="Only articles published (or captured) at or after DATE.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many articles.")
@output_options(article_views.FORMATS)
@friendly_errors
def articles(db, search, outlet, since, limit, fmt, as_json, output):
    """List stored articles, oldest arrival first."""
    fmt = "json" if as_json else fmt
    with _existing_store(db, readonly=True) as store:
        pages = store.article_pages(search=search, outlet=outlet, since=since, limit=limit)
        if fmt == "table" and not output:
            _print_table([a for page in pages for a in page])
        elif fmt in ("table", "markdown"):  # a count heads the Markdown: the whole list, for a human to read
            _emit(article_views.to_markdown([a for page in pages for a in page]), output)
        else:
            _emit_pages(pages, {"json": article_views.to_json, "jsonl": article_views.to_jsonl,
                                "csv": article_views.to_csv}[fmt], fmt, output)


@main.command()
@click.argument("article_id", metavar="ID")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the article as a JSON object.")
@friendly_errors
def article(article_id, db, as_json):
    """Show one stored article: its metadata and clean text."""
    with _existing_store(db, readonly=True) as store:
        found = store.get_article(article_id)
    if found is None:
        _fail(f"no article with id {article_id}", 1)
    if as_json:
        click.echo(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
        return
    out = Console(highlight=False, soft_wrap=True)
    out.print(f"[bold]{escape(found.title or '(no headline)')}[/bold]")
    for name in ("id", "outlet", "byline", "dateline", "credit", "published", "language", "url", "duplicate_of",
                 "source_path"):
        value = getattr(found, name)
        if value:
            out.print(f"[dim]{name}:[/dim] {_shown(str(value))}")
    out.print()
    out.print(escape(found.text))


@main.group(invoke_without_command=True)
@db_option
@click.option("--min-outlets", type=click.IntRange(min=0), default=0,
              help="Only stories reported by at least N outlets.")
@click.option("--since", type=DATE, help="Only stories with an article published at or after DATE.")
@click.option("--search", metavar="TEXT", help="Only stories with an article matching this full-text search.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many stories.")
@output_options(story_views.FORMATS)
@click.pass_context
@friendly_errors
def stories(ctx, db, min_outlets, since, search, limit, fmt, as_json, output):
    """List stories, latest news first: title, first and last publication time,
    article and outlet counts, languages. `stories merge`, `stories split` and
    `stories move` correct them."""
    if ctx.invoked_subcommand is not None:
        return
    fmt = "json" if as_json else fmt
    with _existing_store(db, readonly=True) as store:
        pages = store.story_pages(min_outlets=min_outlets, since=since, search=search, limit=limit)
        if fmt == "table" and not output:
            _print_stories([s for page in pages for s in page])
        elif fmt in ("table", "markdown"):
            _emit(story_views.to_markdown([s for page in pages for s in page]), output)
        else:
            _emit_pages(pages, {"json": story_views.to_json, "jsonl": story_views.to_jsonl}[fmt], fmt, output)


@main.command()
@click.argument("story_id", metavar="ID")
@db_option
@dossier_options
@click.option("--history", "with_history", is_flag=True,
              help="Show how the story came to be (created, joined, merged, split, moved; when and why), "
                   "not its dossier.")
@friendly_errors
def story(story_id, db, fmt, as_json, output, sentences, with_history):
    """Show one story's dossier: summary, who said what, numbers, timeline and coverage.

    Every item cites the sentences it comes from. Each article is analysed once
    (spaCy) and the analysis is stored, so the second view is quick. The id of a
    story merged into another shows the surviving story, and says so.
    """
    from .compare import NoSuchStory, story_dossier
    from .understand.pipeline import ModelError

    if with_history:
        _show_history(story_id, db, "json" if as_json else fmt, output)
        return
    with _existing_store(db) as store:
        try:
            found = story_dossier(store, story_id, DossierSettings(summary_sentences=sentences))
        except NoSuchStory as exc:
            _fail(str(exc), 1)
        except ModelError as exc:
            _fail(str(exc), 2)
    if found.merged_into:
        _err.print(f"newsprism: story {_shown(story_id)} was merged into {found.merged_into}; showing that story")
    _show_dossier(found, "json" if as_json else fmt, output)


# --- editors' corrections and a story's history ----------------------------------------------------------


def _show_history(story_id: str, db, fmt: str, output: str | None) -> None:
    from .cluster.corrections import resolve_story

    with _existing_store(db, readonly=True) as store:
        live, merged_into = resolve_story(store, story_id)
        found = store.get_story(live) if live else None
        if found is None:
            _fail(f"no story with id {story_id}", 1)
        events, merged_ids = store.story_history(live), store.merged_into(live)
    if fmt == "json":
        data = story_views.history_to_dict(found, events, merged_into, merged_ids)
        _emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)
        return
    if merged_into:
        _err.print(f"newsprism: story {_shown(story_id)} was merged into {merged_into}")
    if output:
        _emit(story_views.history_to_text(found, events), output)
        return
    table = Table(title=f"history of story {escape(found.id)}: {escape(found.title or '')}")
    for column in ("when", "change", "why", "who"):
        table.add_column(column, no_wrap=column != "change", overflow="fold", ratio=1 if column == "change" else None)
    for event in events:
        table.add_row(escape(event.at[:19]), escape(story_views.event_text(event)), escape(story_views.why(event)),
                      escape(event.who or ""))
    Console(highlight=False, soft_wrap=True).print(table)


def _correction(action):
    """Run an editor's correction: a bad id or article is one line and status 1, nothing changed."""
    from .cluster.corrections import CorrectionError

    try:
        return action()
    except CorrectionError as exc:
        _fail(str(exc), 1)


@stories.command(name="merge", short_help="Merge two stories into one (the older keeps its id).")
@click.argument("first", metavar="ID")
@click.argument("second", metavar="ID")
@db_option
@by_option
@friendly_errors
def stories_merge(first, second, db, who):
    """Merge two stories into one: the older story keeps its id, the other id leads to it from now on.
    Later articles join the merged story; `recluster` replays the merge."""
    from .cluster.corrections import merge_stories

    with _existing_store(db) as store:
        survivor = _correction(lambda: merge_stories(store, first, second, who=who))
    merged = second if survivor != second else first
    _err.print(f"newsprism: story {_shown(merged)} merged into {_shown(survivor)}")
    click.echo(survivor)


@stories.command(name="split", short_help="Set articles apart from a story, as a story of their own.")
@click.argument("story_id", metavar="ID")
@click.argument("article_ids", nargs=-1, required=True, metavar="ARTICLE_ID...")
@db_option
@by_option
@friendly_errors
def stories_split(story_id, article_ids, db, who):
    """Set the articles ARTICLE_ID... (and their near-copies) apart from the rest of story ID, as a story
    of their own: the larger part keeps the id. What an editor split is never merged again automatically."""
    from .cluster.corrections import split_story

    with _existing_store(db) as store:
        kept, new = _correction(lambda: split_story(store, story_id, list(article_ids), who=who))
    _err.print(f"newsprism: story {_shown(kept)} split; the other part is story {_shown(new)}")
    click.echo(f"{kept}\n{new}")


@stories.command(name="move")
@click.argument("article_id", metavar="ARTICLE_ID")
@click.argument("story_id", metavar="STORY_ID")
@db_option
@by_option
@friendly_errors
def stories_move(article_id, story_id, db, who):
    """Move an article (and its near-copies) to another story."""
    from .cluster.corrections import move_article

    with _existing_store(db) as store:
        left = _correction(lambda: move_article(store, article_id, story_id, who=who))
    _err.print(f"newsprism: article {_shown(article_id)} moved from story {_shown(left)} to {_shown(story_id)}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option("--manifest", type=click.Path(dir_okay=False),
              help="JSON list of {file, url, outlet, published, language, title} for the inputs.")
@dossier_options
@friendly_errors
def compare(paths, manifest, fmt, as_json, output, sentences):
    """Compare the articles in PATH... (files or folders) as one story, storing nothing: the dossier `story` shows.

    \b
    newsprism compare ../shared/seeds
    newsprism compare a.html b.txt --format html -o report.html
    """
    from .compare import NoSuchStory, compare_files
    from .understand.pipeline import ModelError

    known = Manifest()
    if manifest:
        known.load(manifest)
    settings = Settings(dossier=DossierSettings(summary_sentences=sentences))
    try:
        found = compare_files(paths, manifest=known, settings=settings,
                              on_problem=lambda p: _err.print(f"rejected: {_shown(p.source_path)}: {_shown(p.reason)}")
                              if isinstance(p, Rejection) else None)
    except NoSuchStory as exc:
        _fail(str(exc), 1)
    except ModelError as exc:
        _fail(str(exc), 2)
    _show_dossier(found, "json" if as_json else fmt, output)


def _show_dossier(found: Dossier, fmt: str, output: str | None) -> None:
    if fmt == "table" and not output:
        dossier_views.print_terminal(found)
    else:
        _emit(dossier_views.render(found, fmt), output)


@main.command()
@db_option
@click.option("--quiet", "-q", is_flag=True, help="No summary.")
@friendly_errors
def recluster(db, quiet):
    """Rebuild every story from scratch, replaying the articles in the order they
    arrived; gives the same stories as streaming them did. Existing assignments
    otherwise never move."""
    with _existing_store(db) as store:
        count = run_recluster(store)
    if not quiet:
        _err.print(f"newsprism: {count} stories rebuilt in {_shown(str(resolve_db_path(db)))}")


# --- threads: the level above stories (cluster/threads.py) ------------------------------------------


@main.command()
@db_option
@click.option("--min-stories", type=click.IntRange(min=1), default=2, show_default=True,
              help="Only threads of at least N stories (1: every story's thread, alone ones too).")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many threads.")
@click.option("--json", "as_json", is_flag=True, help="Print the threads as JSON, each with its stories.")
@friendly_errors
def threads(db, min_stories, limit, as_json):
    """List threads, most active first: the stories of one ongoing subject, linked over
    weeks or months (a crisis's referendum, talks and sanctions), each with its stories."""
    with _existing_store(db, readonly=True) as store:
        found = store.threads(min_stories=min_stories, limit=limit)
    if as_json:
        click.echo(thread_views.to_json(found), nl=False)
    else:
        thread_views.print_terminal(found, Console(highlight=False))


@main.command()
@click.argument("thread_id", metavar="ID")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the thread as a JSON object, with its stories.")
@friendly_errors
def thread(thread_id, db, as_json):
    """Show one thread and its stories, latest news first. ID is a thread id as `threads`
    and a story's `thread_id` give it; the id of a thread that joined another shows that one."""
    with _existing_store(db, readonly=True) as store:
        found, joined = store.get_thread(thread_id), None
        if found is None and (joined := store.thread_redirect(thread_id)):
            found = store.get_thread(joined)
    if found is None:
        _fail(f"no thread with id {thread_id}", 1)
    if as_json:
        data = found.to_dict()
        if joined:
            data["redirected_from"] = thread_id
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if joined:
        _err.print(f"newsprism: thread {_shown(thread_id)} joined thread {_shown(found.id)}")
    thread_views.print_terminal([found], Console(highlight=False))


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--token", envvar="NEWSPRISM_TOKEN", metavar="TOKEN", default=None,
              help="Secret that POST /api/articles needs (Authorization: Bearer TOKEN); without one the write "
                   "API is off. Default: $NEWSPRISM_TOKEN.")
@click.option("--watch", "with_watch", is_flag=True,
              help="Also follow the store's feeds (as `newsprism watch`) while serving.")
@intake_options
@friendly_errors
def serve(db, host, port, token, with_watch, intake):
    """Serve the store in a browser and as a JSON API until stopped (Ctrl-C): stories, dossiers, articles,
    search; every page has a JSON twin (add .json to its URL); API docs at /docs."""
    import uvicorn

    from .web import create_app

    path = resolve_db_path(db)
    if not with_watch:  # with --watch the store may be new: watch creates it
        _existing_store(db, readonly=True).close()  # a mistyped path is an error here, not in the first request
    listening = _listening_socket(host, port)  # a port in use is one line here, before "serving" is said
    watching = _WatchThread(path, Settings(intake=intake)) if with_watch else None
    app = create_app(path, token=token)
    _err.print(f"newsprism: serving {_shown(str(path))} at http://{host}:{listening.getsockname()[1]}/ (Ctrl-C "
               f"stops); write API {'on: POST /api/articles with the token' if token else 'off (no --token)'}"
               + ("; following its feeds" if watching else ""))
    try:
        uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[listening])
    finally:
        if watching:
            watching.finish()


class _WatchThread:
    """`serve --watch`: the intake polls in a thread of its own, with its own store connection."""

    def __init__(self, path: Path, settings: Settings):
        import threading

        self.stop = threading.Event()
        self.store = Store(path, lock_wait=settings.lock_wait)
        self.thread = threading.Thread(target=self._run, args=(settings,), name="newsprism-watch", daemon=True)
        self.thread.start()

    def _run(self, settings: Settings) -> None:
        from .intake.watch import poll_until_stopped as run_watch

        try:
            run_watch(self.store, settings, stop=self.stop, progress=_watch_progress(quiet=False),
                      on_run=lambda report: _err.print(f"newsprism: watch: {_shown(report.summary())}"))
        except Exception as exc:  # noqa: BLE001 - the server goes on without intake, and says so
            _err.print(f"newsprism: watch stopped: {_shown(describe(exc))}")

    def finish(self) -> None:
        """Stop polling after the writes under way, then close the store."""
        self.stop.set()
        self.thread.join(timeout=120)
        self.store.close()


@main.command()
@db_option
@click.option("--once", is_flag=True, help="Poll every due feed once, store what they bring, and exit (cron, tests).")
@intake_options
@click.option("--quiet", "-q", is_flag=True, help="No progress lines and no summary; failures are still reported.")
@click.option("--json", "as_json", is_flag=True, help="With --once: print the run's summary as JSON.")
@friendly_errors
def watch(db, once, intake, quiet, as_json):
    """Follow the store's feeds (`newsprism feeds add`): poll each when due, fetch the articles they point to,
    and store them as `ingest` does, so stories grow by themselves. Polls until Ctrl-C, which stops after the
    writes under way; `--once` polls every due feed once and exits, with status 1 when every feed it polled
    failed (so a cron job notices). One line per failure (feed or page, and why); a summary per run: feeds
    polled, not modified, failed, new articles, duplicates, new stories."""
    from .intake.watch import poll_once as run_poll_once
    from .intake.watch import poll_until_stopped as run_watch

    settings = Settings(intake=intake)
    progress = _watch_progress(quiet)
    with open_store(db) as store:
        if not store.feeds():
            _fail(f"no feeds in {resolve_db_path(db)}: add some with `newsprism feeds add URL...`", 1)
        if once:
            report = run_poll_once(store, settings, progress=progress)
            if as_json:
                click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
            if not quiet:
                _err.print(f"newsprism: {_shown(report.summary())}")
            sys.exit(1 if report.feeds_polled and report.failed == report.feeds_polled else 0)
        _err.print(f"newsprism: watching the feeds of {_shown(str(store.path))} (Ctrl-C stops)")
        run_watch(store, settings, progress=progress,
                  on_run=lambda report: quiet or _err.print(f"newsprism: {_shown(report.summary())}"))


def _watch_progress(quiet: bool):
    from .intake.watch import WatchProgress

    def feed_done(feed, outcome: str) -> None:
        if not quiet and not outcome.startswith("failed"):
            _err.print(f"newsprism: {_shown(feed.url)}: {_shown(outcome)}")

    return WatchProgress(on_failure=lambda line: _err.print(f"newsprism: {_shown(line)}"), on_feed=feed_done)


def _listening_socket(host: str, port: int):
    """A socket bound to host:port, or a one-line error (address in use, no such address)."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        listening = socket.socket(family, kind, proto)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}", 2)
    return listening


@main.group(name="outlets")
def outlets_group():
    """Outlets: their figures over the store, and attributes you attach to them (country, owner, group...)."""


@outlets_group.command(name="import")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=True))
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print what was imported as JSON on standard output.")
@friendly_errors
def outlets_import(csv_file, db, as_json):
    """Attach attributes to outlets from a CSV file: the first column `outlet`, every other column an
    attribute (country, owner, group, anything). Importing again replaces an outlet's values of the
    columns given (an empty cell removes one) and keeps its others. Bad rows are reported one line each
    and left out; the rest is imported."""
    from .outlets import OutletImportError, import_attributes

    with _existing_store(db) as store:
        try:
            report = import_attributes(store, csv_file)
        except OutletImportError as exc:
            _fail(str(exc), 1)
    for problem in report.problems:
        _err.print(f"{_shown(csv_file)}: {_shown(problem)}")
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    _err.print(f"newsprism: {_shown(report.summary())} -> {_shown(str(store.path))}")
    sys.exit(0 if report.outlets else 1)


@outlets_group.command(name="list")
@db_option
@click.option("--sort", default="articles", show_default=True, metavar="KEY",
              help="Order: name, articles, stories, shared_stories, first_reports, median_delay, exclusive_facts, "
                   "changed_quotes, or an attribute's name.")
@click.option("--dossier-stories", type=click.IntRange(0, 1000), default=FILL_STORIES, show_default=True,
              help="Before listing, store the exclusive facts and changed quotes of up to this many analysed "
                   "stories not counted yet (0: only read the store).")
@click.option("--json", "as_json", is_flag=True, help="Print the outlets as JSON.")
@friendly_errors
def outlets_list(db, sort, dossier_stories, as_json):
    """List outlets with their figures over the store and their attributes."""
    from .outlets import outlet_table

    with _existing_store(db, readonly=dossier_stories == 0) as store:
        try:
            table = outlet_table(store, sort=sort, per_page=1_000_000, fill=dossier_stories)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--sort") from None
    if as_json:
        click.echo(json.dumps({"outlets": table["outlets"], "dossier_scope": table["dossier_scope"]},
                              ensure_ascii=False, indent=2))
        return
    _print_outlets(table)


def _print_outlets(table: dict) -> None:
    out = Console(highlight=False)
    found = Table(title=f"{table['total']} outlet(s)")
    for column in ("outlet", "art.", "stories", "shared", "first", "median delay", "excl. facts", "changed q.",
                   "attributes"):
        found.add_column(column, justify="left" if column in ("outlet", "attributes", "median delay") else "right",
                         overflow="fold", min_width=18 if column == "outlet" else None)
    for row in table["outlets"]:
        attributes = "; ".join(f"{k}: {v}" for k, v in row["attributes"].items())
        cells = (row["outlet"], row["articles"], row["stories"], row["shared_stories"], row["first_reports"],
                 row["median_delay"], row["exclusive_facts"], row["changed_quotes"], attributes)
        found.add_row(*(_shown(str(v)) if v not in (None, "") else "" for v in cells))
    out.print(found)
    _err.print(_shown(table["dossier_scope"]["note"]))


@main.group(name="feeds")
def feeds_group():
    """Feeds followed: RSS and Atom feeds, news sitemaps, and home pages whose feeds are found on them."""


@feeds_group.command(name="add")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--outlet", metavar="NAME", help="Outlet of the articles these feeds list (else the feed's title).")
@db_option
@friendly_errors
def feeds_add(urls, outlet, db):
    """Follow feeds: each URL an RSS or Atom feed, a news sitemap (Google News too), a sitemap index, or a
    site's home page (its feeds are found on it). Each is first polled by the next `watch`. A bad URL is
    one line; the others are added. Exit status 0 when every good URL is followed, 1 when none was given."""
    from .intake.registry import add_feeds

    with open_store(db) as store:
        changes = add_feeds(store, urls, outlet=outlet)
    _report_feed_changes(changes, store.path)


@feeds_group.command(name="import")
@click.argument("opml_file", metavar="FILE.opml", type=click.Path(dir_okay=False))
@db_option
@friendly_errors
def feeds_import(opml_file, db):
    """Follow every feed an OPML file lists (the export of any feed reader), each outline's title as its
    outlet. Bad outlines are one line each; the rest is imported in one transaction."""
    from .intake.registry import FeedChanges, follow, read_opml_file

    listed, problems = read_opml_file(opml_file)
    if not listed:  # nothing to import: the store is not even opened (nor created)
        _report_feed_changes(FeedChanges(problems=problems), resolve_db_path(db), source=opml_file)
    with open_store(db) as store:
        changes = follow(store, listed)
    changes.problems[:0] = problems
    _report_feed_changes(changes, store.path, source=opml_file)


@feeds_group.command(name="list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the feeds as JSON.")
@friendly_errors
def feeds_list(db, as_json):
    """List the feeds followed: outlet, health, last success, last error, items seen, next poll."""
    from .intake.registry import list_feeds

    with _existing_store(db, readonly=True) as store:
        found = list_feeds(store)
        counts = store.item_counts()
    if as_json:
        click.echo(json.dumps({"feeds": [f.to_dict() for f in found], "items": counts}, ensure_ascii=False,
                              indent=2))
        return
    out = Console(highlight=False)
    table = Table(title=f"{len(found)} feed(s)", show_edge=False)
    # a time's date and hour may go on two lines; health stays whole
    for column in ("url", "outlet", "health", "last success", "last error", "items seen", "next poll"):
        table.add_column(column, justify="right" if column == "items seen" else "left", overflow="fold",
                         no_wrap=column == "health", min_width=10 if column in ("last success", "next poll") else None,
                         max_width=None if column in ("url", "last error") else 16)
    for f in found:
        cells = (f.url, f.outlet, f.health, _short_time(f.last_success), f.last_error, f.items_seen,
                 _short_time(f.next_poll))
        table.add_row(*(_shown(str(v)) if v not in (None, "") else "" for v in cells))
    out.print(table)
    _err.print(f"items: {', '.join(f'{n} {state}' for state, n in counts.items())}")


@feeds_group.command(name="remove")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@db_option
@friendly_errors
def feeds_remove(urls, db):
    """Stop following feeds (their items not fetched yet are dropped; stored articles stay). Exit status 1
    when none of the URLs was followed."""
    from .intake.registry import remove_feeds

    with _existing_store(db) as store:
        changes = remove_feeds(store, urls)
    for problem in changes.problems:
        _err.print(f"rejected: {_shown(problem)}")
    for url in changes.unknown:
        _err.print(f"not followed: {_shown(url)}")
    _err.print(f"newsprism: {len(changes.removed)} feed(s) removed -> {_shown(str(store.path))}")
    sys.exit(0 if changes.removed else 1)


def _report_feed_changes(changes, path, source: str | None = None) -> None:
    """`feeds add` and `feeds import`: each problem on one line, then what was done; exit 1 when nothing was."""
    prefix = f"{_shown(source)}: " if source else "rejected: "
    for problem in changes.problems:
        _err.print(f"{prefix}{_shown(problem)}")
    _err.print(f"newsprism: {len(changes.added)} feed(s) added, {len(changes.known)} followed already "
               f"-> {_shown(str(path))}")
    sys.exit(0 if changes.done else 1)


def _short_time(value: str | None) -> str | None:
    """A stored UTC time to the minute, for a table."""
    return value[:16].replace("T", " ") if value else None


@main.group(name="spark")
def spark_group():
    """Run the pipeline on Apache Spark over archives too large for one machine (pip install 'newsprism[spark]',
    Java 17). So far: articles (read, normalize, identify, near-copies) to Parquet."""


@spark_group.command(name="run")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--out", "out_dir", required=True,
              help="Folder (a path or URL: hdfs://, s3a://...) for the Parquet tables (articles, rejections, "
              "stories, threads, analyses, dossiers) and _SUCCESS; a previous result is replaced.")
@click.option("--master", help="Spark master URL (local[2], spark://HOST:7077, yarn...); default: spark-submit's, "
              "else local[*]. A local master retries a failed task (local[N,4]).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=Settings.max_bytes, show_default=True,
              help="Largest document read (a file, a record, an archived page).")
@click.option("--follow-links", is_flag=True,
              help="In folders, also read symbolic links that lead outside the folder (loops are still skipped).")
@click.option("--until", type=click.Choice(["articles", "stories", "dossiers"]), default="dossiers",
              show_default=True, help="The last stage: articles only; also stories and threads; also analyses and "
              "dossiers.")
@click.option("--min-outlets", type=click.IntRange(min=1), default=2, show_default=True,
              help="Only stories with at least this many outlets get a dossier (and their articles an analysis).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on standard output.")
@friendly_errors
def spark_run(paths, out_dir, master, max_bytes, follow_links, until, min_outlets, as_json):
    """Read files and folders (every format `ingest` reads; local paths, or URLs the Spark installation reads:
    file://, hdfs://, s3a://, glob patterns too) on Spark into Parquet tables under DIR: articles (the same
    ids, texts and near-copy links as `ingest`, with their story), stories, threads, analyses and dossiers
    (`newsprism import DIR` loads them into a store). Also runnable with spark-submit
    (newsprism/spark/submit.py). Rejected inputs are listed in DIR/rejections (the first 20 here). Exit
    status 0 when at least one article was written, 1 when none, 2 when Spark cannot start or DIR is a folder that
    is not a previous result (never replaced)."""
    try:
        from .spark import OutputError, pipeline, run, spark_session
    except ImportError as exc:
        _fail(f"Spark is not installed ({describe(exc)}): pip install 'newsprism[spark]'", 2)
    import shutil

    if (master or "local").startswith("local") and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _fail("Spark needs Java 17 or newer, and no `java` was found (install a JRE, or set JAVA_HOME)", 2)
    from pyspark.sql import SparkSession

    already_running = SparkSession.getActiveSession()  # a caller's session (in-process use) is left running
    spark = spark_session(master)
    try:
        report = run(spark, paths, out_dir, Settings(max_bytes=max_bytes), follow_links=follow_links,
                     stages=pipeline(until, min_outlets))
    except OutputError as exc:
        _fail(str(exc), 2)
    finally:
        if already_running is None:
            spark.stop()
    for problem in report.rejections:
        _err.print(f"rejected: {_shown(problem.source_path)}: {_shown(problem.reason)}")
    if report.rejected > len(report.rejections):
        _err.print(f"rejected: {report.rejected - len(report.rejections)} more in {_shown(out_dir)}/rejections")
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    _err.print(f"newsprism: {_shown(report.summary())} -> {_shown(out_dir)}")
    sys.exit(0 if report.articles else 1)


@main.command(name="import")
@click.argument("folder", type=click.Path(), metavar="DIR")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on standard output.")
@friendly_errors
def import_result(folder, db, as_json):
    """Load a finished `spark run` result (DIR with _SUCCESS) into the store: articles, stories, threads and
    analyses, in one transaction (nothing is stored when a file is damaged). Articles the store has are
    skipped and counted. Needs pyarrow (pip install 'newsprism[spark]'), not Spark or Java."""
    try:
        import pyarrow  # noqa: F401 - missing: say what to install before the store is touched

        from .spark.imports import ResultError, checked_result
        from .spark.imports import import_result as run_import
    except ImportError as exc:
        _fail(f"pyarrow is not installed ({describe(exc)}): pip install 'newsprism[spark]'", 2)
    try:
        checked_result(folder)  # before the store is opened: a mistyped DIR leaves no empty store
    except ResultError as exc:
        _fail(str(exc), 1)
    with open_store(db) as store:
        try:
            report = run_import(store, folder)
        except ResultError as exc:
            _fail(str(exc), 1)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    _err.print(f"newsprism: imported {_shown(report.summary())} from {_shown(folder)}")


@main.group(name="eval")
def eval_group():
    """Score newsprism against labelled data."""


@eval_group.command(name="clustering")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(clustering_eval.FORMATS))
@click.argument("path", type=click.Path(exists=True))
@click.option("--order", type=click.Choice(clustering_eval.ORDERS), default="file", show_default=True,
              help="Order the documents arrive in.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed for --order shuffle.")
@click.option("--label", default="story", show_default=True, help="JSONL field holding the gold story.")
@click.option("--level", type=click.Choice(clustering_eval.LEVELS), default="story", show_default=True,
              help="Score each document by its story, or by its story's thread.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as a JSON object.")
@friendly_errors
def eval_clustering(fmt, path, order, seed, label, level, as_json):
    """Stream labelled documents through ingest into a scratch store and score the
    stories: B-cubed and pairwise precision, recall and F1.

    FORMAT is `ecbplus` (a folder with ECB+/<topic>/*.xml and doc_labels.tsv; gold
    story = subtopic, gold thread = topic) or `jsonl` (one article per line with `text`,
    optional title, url, outlet, published, language, id, and the gold story in the
    --label field, which is the gold thread too at --level thread).
    """
    try:
        found = clustering_eval.load_eval_set(fmt, path, label)
    except (OSError, ValueError) as exc:
        _fail(str(exc), 2)
    _print_skipped(found.problems)
    if not found.records:
        _fail("no usable documents to evaluate", 1)
    result = clustering_eval.evaluate_clustering(found.records, order=order, seed=seed, label=label,
                                                 problems=found.problems, level=level)
    for problem in result["rejected"][len(found.problems):]:
        _err.print(f"rejected: {_shown(problem['source_path'])}: {_shown(problem['reason'])}")
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    out = Console(highlight=False)
    shown_order = f"{order}, seed {seed}" if order == "shuffle" else order
    out.print(_scores_table(f"{level} clustering: {escape(str(path))} ({shown_order})", result,
                            ("bcubed", "pairwise")))
    out.print(f"{result['documents']} documents, {result['clusters']} {_PLURAL[level]} predicted, "
              f"{result['gold_clusters']} gold; {result['seconds']:.2f} s "
              f"({result['cluster_seconds']:.2f} s clustering)")


_PLURAL = {"story": "stories", "thread": "threads"}


@eval_group.command(name="quotes")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--split", default="dev", show_default=True, help="Subfolder of PATH to score (train, dev, ...).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as a JSON object.")
@friendly_errors
def eval_quotes(path, split, as_json):
    """Score direct quotations and their speakers on PolNeAR: precision, recall and F1.

    PATH is a folder laid out like PolNeAR's data folder: <split>/text/*.txt and
    <split>/attributions/*.ann (brat standoff). See README.md for how a match is counted.
    """
    from .evaluate import quotes as quotes_eval  # loads spaCy: only when this command runs

    try:
        corpus = quotes_eval.read_polnear(path, split)
    except OSError as exc:
        _fail(str(exc), 2)
    _print_skipped(corpus.problems)
    if not corpus.articles:
        _fail("no usable articles to evaluate", 1)
    result = quotes_eval.score(corpus, quotes_eval.newsprism_extractor())
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    out = Console(highlight=False)
    out.print(_scores_table(f"quotations: {escape(str(path))} ({escape(split)})", result, ("content", "speaker")))
    counts = result["counts"]
    out.print(f"{result['articles']} articles, {counts['gold']} gold quotations, {counts['predicted']} found, "
              f"{counts['matched']} matched; {result['seconds']:.2f} s")


@eval_group.command(name="dossier")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as a JSON object.")
@friendly_errors
def eval_dossier(path, as_json):
    """Build each story's dossier as `compare` does and score it against hand-made gold:
    exclusives, pairings, extra summary citations, conflicts, quotes, dates, boilerplate.

    PATH holds one folder per story with articles.jsonl and gold.json (laid out like
    ../shared/data/dossier-gold). See README.md for how each figure is counted.
    """
    from .evaluate import dossier as dossier_eval  # loads spaCy: only when this command runs

    try:
        gold = dossier_eval.read_gold(path)
    except OSError as exc:
        _fail(str(exc), 2)
    _print_skipped(gold.problems)
    if not gold.stories:
        _fail("no usable stories to evaluate", 1)
    result = dossier_eval.evaluate(gold, on_problem=lambda p: _err.print(
        f"rejected: {_shown(p.source_path)}: {_shown(p.reason)}"))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    out = Console(highlight=False)
    out.print(_dossier_table(f"dossier: {escape(str(path))}", result))
    out.print(f"{result['stories']} stories; {result['seconds']:.2f} s building dossiers")


def _dossier_table(title: str, result: dict) -> Table:
    """One row per figure of `eval dossier`, with the counts behind it."""
    c = result["counts"]
    rows = (
        ("exclusives precision", result["exclusives"]["precision"], f"{c['unique_right']} of {c['unique_items']}"),
        ("exclusives recall", result["exclusives"]["recall"], f"{c['exclusive_found']} of {c['exclusive_facts']}"),
        ("pairings precision", result["pairings"]["precision"], f"{c['pairs_right']} of {c['pairs']}"),
        ("extra citations precision", result["citations"]["precision"],
         f"{c['extra_citations_right']} of {c['extra_citations']}"),
        ("conflicts precision", result["conflicts"]["precision"],
         f"{c['dossier_conflicts_right']} of {c['dossier_conflicts']}"),
        ("conflicts recall", result["conflicts"]["recall"], f"{c['gold_conflicts_found']} of {c['gold_conflicts']}"),
        ("not-conflicts flagged", result["conflicts"]["false_on_not_conflicts"],
         f"{c['not_conflicts_flagged']} of {c['not_conflicts']}"),
        ("quotes content F1", result["quotes"]["content_f1"],
         f"{c['quotes_matched']} matched; {c['quote_variants']} found, {c['gold_quotes']} gold"),
        ("quote speaker accuracy", result["quotes"]["speaker_accuracy"],
         f"{c['speaker_right']} of {c['quotes_matched']}"),
        ("quote matching F1", result["quotes"]["matching_f1"],
         f"{c['quote_pairs_right']} pairs right; {c['quote_pairs_predicted']} found, {c['quote_pairs_gold']} gold"),
        ("dates accuracy", result["dates"]["accuracy"],
         f"{c['times_right']} of {c['times_matched']} matched ({c['gold_times']} gold)"),
        ("boilerplate share", result["boilerplate_share"],
         f"{c['boilerplate_citations']} of {c['dossier_citations']} citations"),
    )
    table = Table(title=title)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("counted")
    for name, value, counted in rows:
        table.add_row(name, f"{value:.4f}", counted)
    return table


def _print_skipped(problems) -> None:
    """Inputs an evaluation leaves out, one line each on stderr."""
    for problem in problems:
        _err.print(f"skipped: {_shown(problem.source_path)}: {_shown(problem.reason)}")


def _scores_table(title: str, result: dict, metrics: tuple[str, ...]) -> Table:
    """Precision, recall and F1 of each metric an evaluation reports."""
    table = Table(title=title)
    for column in ("metric", "precision", "recall", "F1"):
        table.add_column(column, justify="right" if column != "metric" else "left")
    for name in metrics:
        table.add_row(name, *(f"{result[name][k]:.4f}" for k in ("precision", "recall", "f1")))
    return table


def _print_stories(found) -> None:
    out = Console(highlight=False)
    table = Table(show_lines=False, title=f"{len(found)} story(ies)")
    table.add_column("story", no_wrap=True)
    table.add_column("last", no_wrap=True)
    table.add_column("art.", justify="right")
    table.add_column("outl.", justify="right")
    table.add_column("lang", overflow="fold", max_width=12)
    table.add_column("title", overflow="fold", ratio=1)
    for s in found:
        cells = (s.id, (s.last_published or "")[:16], s.article_count, s.outlet_count, ",".join(s.languages), s.title)
        table.add_row(*(escape(str(v)) if v not in (None, "") else "" for v in cells))
    out.print(table)


def _existing_store(db, *, readonly: bool = False) -> Store:
    """The store a command looks at: a mistyped path is an error, not a new empty store.
    `readonly` for commands that only read: they never change the file."""
    return Store(resolve_db_path(db), readonly=readonly, create=False)


def _emit_pages(pages, render, fmt: str, output: str | None) -> None:
    """Write a listing page by page, so memory stays flat however long it is: each page is rendered by
    the format's own function and the pieces are joined (JSON: one array; CSV: one header)."""
    with _sink(output) as write:
        first = True
        for page in pages:
            text = render(page)
            if fmt == "json":  # "[\n  {...},\n  {...}\n]\n" -> the records only, joined into one array
                text = ("[\n" if first else ",\n") + text[2:-3]
            elif fmt == "csv" and not first:
                text = text.split("\n", 1)[1]
            write(text)
            first = False
        if fmt == "json":
            write("[]\n" if first else "\n]\n")
        elif first:
            write(render([]))


@contextlib.contextmanager
def _sink(output: str | None):
    """A writer of text to FILE (created with its folder) or to standard output."""
    if not output:
        yield lambda text: click.echo(text, nl=False)
        return
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", encoding="utf-8") as handle:
        yield handle.write
    _err.print(f"newsprism: wrote {escape(output)}")


def _print_table(found) -> None:
    out = Console(highlight=False)
    table = Table(show_lines=False, title=f"{len(found)} article(s)")
    table.add_column("id", no_wrap=True)
    table.add_column("outlet", overflow="fold", max_width=22)
    table.add_column("published", no_wrap=True)
    table.add_column("lang", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=1)
    table.add_column("copy of", no_wrap=True)
    for a in found:
        cells = (a.id, a.outlet, (a.published or "")[:16], a.language, a.title or a.text[:80],
                 (a.duplicate_of or "")[:8])
        table.add_row(*(escape(str(v)) if v else "" for v in cells))
    out.print(table)


def _emit(text: str, output: str | None) -> None:
    with _sink(output) as write:
        write(text)


class _progress:
    """A rich progress bar on stderr (only on a terminal), plus problem reporting."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar = Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=_err, transient=True, disable=quiet or not _err.is_terminal,
        )

    def __enter__(self):
        self.bar.__enter__()
        task = self.bar.add_task("reading", total=None)
        hooks = IngestProgress(
            on_start=lambda total: self.bar.update(task, total=total),
            on_file=lambda path: self.bar.update(task, advance=1),
            on_problem=self._problem,
            on_stored=lambda report: self.bar.update(
                task,
                description=f"reading: {report.new} new, {report.duplicate} known, {len(report.rejected)} rejected",
            ),
        )
        return self.bar, hooks

    def __exit__(self, *exc):
        self.bar.__exit__(*exc)

    def _problem(self, problem: Rejection | Skipped) -> None:
        if isinstance(problem, Skipped):
            if not self.quiet:
                _err.print(f"skipped: {_shown(problem.source_path)}: {problem.count} record(s), "
                           f"{_shown(problem.reason)}")
            return
        _err.print(f"rejected: {_shown(problem.source_path)}: {_shown(problem.reason)}")


def _fail(message: str, status: int) -> None:
    _err.print(f"newsprism: {_shown(message)}")
    sys.exit(status)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _shown(text: str) -> str:
    """Text from the input (a file name, a reason quoting it) for the terminal: rich
    markup shown as written, control characters as escapes, so a hostile name can
    neither restyle the terminal nor break its line in two."""
    return escape(_CONTROL.sub(lambda m: repr(m.group())[1:-1], text))


if __name__ == "__main__":
    main()
