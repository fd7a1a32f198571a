"""The installed `newsprism` script, as a real process: its exit statuses are what shells and scripts see.

Everything else tests the command line in-process (conftest.invoke_cli); these few checks are
what only a process shows: the entry point `pip install` writes, and the status the shell gets.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import process_env


@pytest.fixture(scope="module")
def script() -> str:
    beside = Path(sys.executable).with_name("newsprism")
    found = str(beside) if beside.exists() else shutil.which("newsprism")
    if not found:
        pytest.skip("the newsprism script is not installed beside this Python (`make install` installs it)")
    return found


def run(script: str, *args, cwd: Path) -> subprocess.CompletedProcess:
    # a real process: the installed entry point and the exit status the shell sees
    return subprocess.run([script, *map(str, args)], capture_output=True, text=True, env=process_env(), cwd=cwd,
                          timeout=120)


def test_nothing_stored_exits_1(script, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run(script, "ingest", "empty.txt", "--db", "x.db", cwd=tmp_path)
    assert result.returncode == 1
    rejected, summary = result.stderr.splitlines()
    assert rejected.startswith("rejected: empty.txt: ") and "empty" in rejected
    assert summary.startswith("newsprism: 0 new, 0 duplicate, 1 rejected") and summary.endswith(" -> x.db")


def test_missing_store_exits_2_with_one_line(script, tmp_path):
    result = run(script, "articles", "--db", "typo.db", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == ["newsprism: typo.db: no such store (`newsprism ingest` creates one)"]
    assert not (tmp_path / "typo.db").exists()
