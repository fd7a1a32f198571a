"""Metadata from outside the files: a JSON list of `{"file": ..., "url", "outlet",
"published", "language", "title"}` objects, paths relative to the manifest.

`--manifest FILE` names one; a `manifest.json` inside an ingested folder is used
automatically.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..model import Hints, Rejection

MANIFEST_NAME = "manifest.json"
_FIELDS = ("url", "outlet", "published", "language", "title")


class ManifestError(ValueError):
    """A manifest that cannot be used, with a one-line reason."""


class Manifest:
    """Outside metadata for files, keyed by their resolved path."""

    def __init__(self) -> None:
        self._entries: dict[Path, Hints] = {}
        self._loaded: set[Path] = set()
        self.problems: list[Rejection] = []

    def load(self, path: str | Path) -> None:
        """Load a manifest or raise ManifestError; entries for missing files are reported."""
        path = Path(path)
        key = path.resolve()
        if key in self._loaded:
            return
        try:
            value = json.loads(path.read_bytes().decode("utf-8-sig"))
        except FileNotFoundError:
            raise ManifestError(f"{path}: no such manifest") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ManifestError(f"{path}: cannot read manifest ({exc})") from None
        except json.JSONDecodeError as exc:
            raise ManifestError(f"{path}: malformed manifest JSON: {exc.msg} at line {exc.lineno}") from None
        if not isinstance(value, list):
            raise ManifestError(f"{path}: a manifest is a JSON list of objects with a 'file' field")
        self._loaded.add(key)
        for number, entry in enumerate(value):
            self._add(path, number, entry)

    def load_quietly(self, path: Path) -> None:
        """Load a manifest found in a folder; a broken one is reported, not fatal."""
        try:
            self.load(path)
        except ManifestError as exc:
            self.problems.append(Rejection(str(path), str(exc).split(": ", 1)[-1]))

    def hints_for(self, path: str | Path) -> Hints:
        return self._entries.get(Path(path).resolve(), Hints())

    def drain_problems(self) -> list[Rejection]:
        problems, self.problems = self.problems, []
        return problems

    def __len__(self) -> int:
        return len(self._entries)

    def _add(self, manifest_path: Path, number: int, entry: object) -> None:
        where = f"{manifest_path}[{number}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            self.problems.append(Rejection(where, "manifest entry has no 'file'"))
            return
        target = (manifest_path.parent / entry["file"]).resolve()
        if not target.exists():
            self.problems.append(Rejection(where, f"manifest names a missing file: {entry['file']}"))
        values = {name: _text(entry.get(name)) for name in _FIELDS}
        self._entries[target] = Hints(**values)


def _text(value: object) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None
