"""Shared fixtures: where the real data lives, and fresh stores."""

from __future__ import annotations

from pathlib import Path

import pytest

import newsprism

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EXAMPLES = ROOT / "examples" / "corpus"


def needs_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared data sits beside the project's root)")
    return path


@pytest.fixture
def store(tmp_path):
    with newsprism.Store(tmp_path / "test.db") as opened:
        yield opened


@pytest.fixture
def seeds() -> Path:
    return needs_shared(SEEDS)


@pytest.fixture(scope="session")
def example_articles(tmp_path_factory):
    """The example corpus ingested once; a dict of articles keyed by source file name."""
    db = tmp_path_factory.mktemp("examples") / "examples.db"
    with newsprism.Store(db) as opened:
        report = newsprism.ingest(opened, [EXAMPLES])
        articles = opened.articles()
    return report, articles


@pytest.fixture
def run_cli(tmp_path):
    """Run the real `newsprism` command in a subprocess, from a scratch directory."""
    import os
    import subprocess
    import sys

    def run(*args, env=None, input=None):
        full_env = {k: v for k, v in os.environ.items() if k != "NEWSPRISM_DB"}
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "newsprism.cli", *args], capture_output=True, text=input is None or isinstance(input, str),
            input=input, env=full_env, cwd=tmp_path, timeout=300,
        )

    return run
