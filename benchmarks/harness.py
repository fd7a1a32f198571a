"""What the benchmark scripts share: the progress log, the machine line, the check for ../shared and the report.

Each script puts the checkout's `src` and this folder on `sys.path` (a script run from the checkout measures
that checkout's code, installed or not) and then imports from here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"


def log(message: str) -> None:
    """Progress, on standard error (standard output carries the figures or the JSON)."""
    print(message, file=sys.stderr, flush=True)


def machine() -> str:
    """The machine line every result records: architecture, cores this process may use, Python."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return f"{platform.machine()}, {cores} cores, Python {platform.python_version()}"


def today() -> str:
    return date.today().isoformat()


def add_shared_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shared", default=str(DEFAULT_SHARED), help="the shared evaluation data (../shared)")


def require(parser: argparse.ArgumentParser, folder: Path, what: str) -> None:
    """Stop with argparse's usage error when the data a benchmark reads is not there."""
    if not folder.exists():
        parser.error(f"{folder}: not found ({what}; see --shared)")


def timed(benchmark: Callable[[], dict]) -> dict:
    """The benchmark's results with its wall time."""
    started = time.perf_counter()
    results = benchmark()
    results["wall_seconds"] = time.perf_counter() - started
    return results


def emit(results: dict, as_json: bool, print_report: Callable[[dict], None]) -> int:
    """The results as JSON or as the script's report (with the wall time when measured); exit status 0."""
    if as_json:
        print(json.dumps(results, indent=2, default=str))
        return 0
    print_report(results)
    if "wall_seconds" in results:
        print(f"wall time: {results['wall_seconds']:.0f} s")
    return 0
