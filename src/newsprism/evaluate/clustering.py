"""The story-clustering evaluation: labelled documents streamed through `ingest` into a scratch store.

The documents go through exactly the code path a user's news goes through
(JSON Lines reader, normalize, identify, store, cluster), in a chosen and
repeatable order, and the stories that come out are scored against the gold
labels with B-cubed and pairwise precision, recall and F1.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..dates import parse_date
from ..ingest import ingest
from ..model import Rejection
from ..store import Store, utc_key
from .datasets import ecbplus_documents
from .metrics import bcubed, pairwise

ORDERS = ("file", "date", "shuffle")
# story: each document scored by its story; thread: by its story's thread, against the record's "topic" when it
# has one (ECB+: a topic groups the events of one subject) and its gold story otherwise.
LEVELS = ("story", "thread")
FORMATS = ("ecbplus", "jsonl")
# Fields of an eval record passed on to the reader; everything else is ignored.
_ARTICLE_FIELDS = ("text", "title", "url", "outlet", "published", "language")


@dataclass
class EvalSet:
    """Labelled documents ({"id", "text", "story", ...}) and the records that could not be used."""

    records: list[dict]
    problems: list[Rejection] = field(default_factory=list)


def load_eval_set(fmt: str, path: str | Path, label: str = "story") -> EvalSet:
    if fmt == "ecbplus":
        folder = Path(path)
        if not (folder / "ECB+").is_dir():
            raise FileNotFoundError(f"{folder}: not an ECB+ folder (expected {folder / 'ECB+'}/<topic>/*.xml)")
        return EvalSet(list(ecbplus_documents(folder)))
    if fmt == "jsonl":
        return _jsonl_set(Path(path), label)
    raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")


def _jsonl_set(path: Path, label: str) -> EvalSet:
    found = EvalSet([])
    ids: set[str] = set()
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            problem, record = _eval_record(raw, label, number)
            if record is not None and record["id"] in ids:
                problem, record = f"id {record['id']!r} appears twice; the later line is skipped", None
            if problem:
                found.problems.append(Rejection(f"{path} line {number}", problem))
                continue
            ids.add(record["id"])
            found.records.append(record)
    if not found.records and not found.problems:
        found.problems.append(Rejection(str(path), "no records"))
    return found


def _eval_record(raw: bytes, label: str, number: int) -> tuple[str | None, dict | None]:
    """(why line `number` is unusable, None) or (None, the record, its id the line number when it has none)."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return "not UTF-8", None
    except json.JSONDecodeError as exc:
        return f"malformed JSON ({exc.msg})", None
    except RecursionError:
        return "nested too deeply", None
    if not isinstance(value, dict):
        return f"a {type(value).__name__}, not a JSON object", None
    text, gold = value.get("text"), value.get(label)
    if not isinstance(text, str) or not text.strip():
        return "no text", None
    if gold is None or isinstance(gold, (dict, list)) or str(gold).strip() == "":
        return f"no gold story in field {label!r}", None
    record = {k: str(value[k]) for k in _ARTICLE_FIELDS if isinstance(value.get(k), (str, int, float))}
    record["id"] = str(value.get("id", number))
    record["story"] = str(gold)
    return None, record


def ordered(records: list[dict], order: str = "file", seed: int = 0) -> list[dict]:
    """The records in the order they are streamed: as given, by date (undated last) or shuffled by `seed`."""
    if order == "file":
        return list(records)
    if order == "date":
        keyed = [(utc_key(parse_date(r.get("published"))) or "\uffff", i, r) for i, r in enumerate(records)]
        return [r for _, _, r in sorted(keyed, key=lambda item: item[:2])]
    if order == "shuffle":
        shuffled = list(records)
        random.Random(seed).shuffle(shuffled)
        return shuffled
    raise ValueError(f"unknown order {order!r} (expected one of {', '.join(ORDERS)})")


def evaluate_clustering(records: Iterable[dict], *, order: str = "file", seed: int = 0, label: str = "story",
                        settings: Settings = Settings(), problems: Iterable[Rejection] = (),
                        level: str = "story") -> dict:
    """Stream `records` through ingest into a scratch store and score the stories (or, at `level` "thread",
    their threads) against the gold labels.

    Returns {"bcubed", "pairwise", "clusters", "gold_clusters", "documents", "seconds",
    "cluster_seconds", "rejected", "level", "levels"} ("levels": the scores at both levels, {"story": {"bcubed",
    "pairwise", "clusters", "gold_clusters"}, "thread": {...}}); documents the reader rejects are left out of
    the scores and listed under "rejected" (`problems` first), each as `Rejection.to_dict()`.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r} (expected one of {', '.join(LEVELS)})")
    stream = ordered(list(records), order, seed)
    rejected = list(problems)
    with tempfile.TemporaryDirectory(prefix="newsprism-eval-") as scratch:
        source = Path(scratch) / "documents.jsonl"
        _write_jsonl(source, stream)
        started = time.perf_counter()
        with Store(Path(scratch) / "eval.db") as store:
            report = ingest(store, [str(source)], settings=settings)
            seconds = time.perf_counter() - started
            found = _assignments(store, report, stream)
    rejected += [Rejection(_which(r.source_path, stream), r.reason) for r in report.rejected]
    levels = {name: _scores(*pair) for name, pair in found.items()}
    return {
        **levels[level],
        "documents": len(found["story"][0]),
        "seconds": round(seconds, 3),
        "cluster_seconds": round(report.cluster_seconds, 3),
        "order": order,
        "seed": seed if order == "shuffle" else None,
        "rejected": [r.to_dict() for r in rejected],
        "level": level,
        "levels": levels,
    }


def _scores(predicted: dict, gold: dict) -> dict:
    return {"bcubed": bcubed(predicted, gold), "pairwise": pairwise(predicted, gold),
            "clusters": len(set(predicted.values())), "gold_clusters": len(set(gold.values()))}


def _write_jsonl(path: Path, records: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps({k: record[k] for k in _ARTICLE_FIELDS if k in record}, ensure_ascii=False) + "\n")


def _assignments(store: Store, report, stream: list[dict]) -> dict[str, tuple[dict, dict]]:
    """{level: (predicted, gold)} of every document that was stored (or found already stored)."""
    found = {level: ({}, {}) for level in LEVELS}
    for source, article_id in zip(report.sources, report.article_ids, strict=True):
        record = stream[_line_of(source) - 1]
        found["story"][0][record["id"]] = store.story_of(article_id)
        found["story"][1][record["id"]] = record["story"]
        found["thread"][0][record["id"]] = store.thread_of(article_id)
        found["thread"][1][record["id"]] = record.get("topic", record["story"])
    return found


def _line_of(source_path: str) -> int:
    return int(source_path.rsplit(":", 1)[1])


def _which(source_path: str, stream: list[dict]) -> str:
    """The document a rejection is about, by its id."""
    try:
        return f"document {stream[_line_of(source_path) - 1]['id']}"
    except (ValueError, IndexError):
        return "documents"
