"""Shared fixtures: where the real data lives, fresh stores, and the command line run in-process.

The command line is tested in this process through click's CliRunner: starting a
process per call reloaded spaCy and the sentence model each time (most of the suite's
time). The models are cached per process (`pipeline_for`, `meaning._model`), so they
load once per test run. Real processes are kept only where a process is the point,
each marked `# a real process:` (a kill, a pipe on standard input, the installed script).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsprism

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EXAMPLES = ROOT / "examples" / "corpus"


def _load_example_site():
    """examples/site.py (the local news site `watch` is tested against) as a module; its file name would
    clash with the standard library's `site`."""
    import importlib.util

    name = "newsprism_example_site"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / "site.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the file runs
        spec.loader.exec_module(module)
    return sys.modules[name]


example_site = _load_example_site()

# Variables a developer may have set that would change what a command does.
USER_VARIABLES = ("NEWSPRISM_DB", "NEWSPRISM_DEBUG")


def needs_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared data sits beside the project's root)")
    return path


def invoke_cli(*args, input: str | bytes | None = None, env: Mapping[str, str] | None = None,
               cwd: Path | None = None, text: bool = True) -> subprocess.CompletedProcess:
    """Run `newsprism ARGS` in this process; the result has a process's shape (returncode, stdout, stderr).

    stdout and stderr are separate (click 8.2+), str when `text`, else bytes. An exception that
    escapes the command is raised here, not turned into an exit status: in a real process it
    would be a traceback, which no test accepts.
    """
    from newsprism.cli import main

    variables = {name: None for name in USER_VARIABLES}
    variables.update(env or {})
    arguments = [str(a) for a in args]
    with contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext():
        result = CliRunner().invoke(main, arguments, input=input, env=variables, catch_exceptions=False)
    if text:
        return subprocess.CompletedProcess(arguments, result.exit_code, result.stdout, result.stderr)
    return subprocess.CompletedProcess(arguments, result.exit_code, result.stdout_bytes, result.stderr_bytes)


def run_as_process(*args, input: bytes | None = None, env: Mapping[str, str] | None = None,
                   cwd: Path | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run `python -m newsprism.cli ARGS` as a real process (bytes out): only where a process is the point."""
    return subprocess.run([sys.executable, "-m", "newsprism.cli", *map(str, args)], input=input or b"",
                          capture_output=True, env=process_env(env), cwd=cwd, timeout=timeout)


def process_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment for a child, without the variables a developer may have set.

    PYTHONPATH is made absolute (`PYTHONPATH=src pytest` is how a checkout is tested in a shared
    virtual environment), so a child started in another folder imports this checkout's code too.
    """
    variables = {k: v for k, v in os.environ.items() if k not in USER_VARIABLES}
    if variables.get("PYTHONPATH"):
        variables["PYTHONPATH"] = os.pathsep.join(
            str(Path(entry).resolve()) for entry in variables["PYTHONPATH"].split(os.pathsep) if entry)
    variables.update(extra or {})
    return variables


@pytest.fixture
def store(tmp_path):
    with newsprism.Store(tmp_path / "test.db") as opened:
        yield opened


@pytest.fixture
def seeds() -> Path:
    return needs_shared(SEEDS)


@pytest.fixture(scope="session")
def examples_ingested(tmp_path_factory):
    """The example corpus ingested once per test run: (store path, ingest report).

    Tests may add analyses to this store (they are the same for every reader) but must not
    change its articles or stories: copy it, or ingest into their own store, for that.
    """
    db = tmp_path_factory.mktemp("examples") / "examples.db"
    with newsprism.Store(db) as opened:
        report = newsprism.ingest(opened, [EXAMPLES])
    return db, report


@pytest.fixture(scope="session")
def examples_db(examples_ingested) -> Path:
    return examples_ingested[0]


@pytest.fixture(scope="session")
def example_articles(examples_ingested):
    """The example corpus ingested once: (ingest report, stored articles)."""
    db, report = examples_ingested
    with newsprism.Store(db) as opened:
        articles = opened.articles()
    return report, articles


@pytest.fixture
def run_cli(tmp_path):
    """Run the `newsprism` command in-process from a scratch directory (tmp_path).

    Returns (returncode, stdout, stderr) as a process would: text, or bytes when `input` is bytes.
    `env` adds variables for this call; NEWSPRISM_DB and NEWSPRISM_DEBUG are unset unless given.
    """

    def run(*args, env=None, input=None):
        return invoke_cli(*args, input=input, env=env, cwd=tmp_path, text=not isinstance(input, bytes))

    return run


@pytest.fixture(scope="session")
def examples_analysed(examples_db) -> Path:
    """The example corpus store with every article analysed (the web tests show dossiers from it)."""
    from newsprism.understand import analyses_for

    with newsprism.Store(examples_db) as opened:
        analyses_for(opened, opened.articles())
    return examples_db


@pytest.fixture(scope="session")
def gold_story_dossier():
    """A function: the dossier of one story of ../shared/data/dossier-gold (built once per story per run)."""
    from newsprism.evaluate.dossier import build, read_gold

    root = needs_shared(SHARED / "data" / "dossier-gold")
    stories = {story.name: story for story in read_gold(root).stories}
    built: dict[str, object] = {}

    def dossier_of(name: str):
        if name not in built:
            built[name] = build(stories[name]).dossier
        return built[name]

    return dossier_of
