"""Readers for the evaluation sets: ECB+ (tokenized XML) and JSON Lines with labels.

Each yields plain records (`id`, `text`, `title`, `label`, ...) that can be
written as JSON Lines and fed through the same `ingest` code path as any news.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

# No space before closing punctuation and clitics, none after opening brackets.
_NO_SPACE_BEFORE = re.compile(r" (?=[,.;:!?%)\]}”]|['’](?:s|re|ve|ll|d|m|S)\b|n['’]t\b)")
_NO_SPACE_AFTER = re.compile(r"(?<=[(\[{$“]) ")
_JOINED = re.compile(r"(?<=\d) ?([:.]) ?(?=\d)|(?<=\d) ?(,) ?(?=\d{3}\b)|(?<=\w) (-) (?=\w)|(?<=\w) ?(['’]) (?=(?:s|re|ve|ll|d|m|t)\b)")
_QUOTES = re.compile(r'" (.*?) "')


def detokenize(tokens: list[str]) -> str:
    """Tokens of one sentence back into readable text."""
    text = " ".join(tokens)
    text = text.replace("`` ", '"').replace(" ''", '"').replace("``", '"').replace("''", '"')
    text = _QUOTES.sub(r'"\1"', text)
    text = _NO_SPACE_BEFORE.sub("", text)
    text = _JOINED.sub(lambda m: next(g for g in m.groups() if g), text)
    return _NO_SPACE_AFTER.sub("", text)


def ecbplus_documents(folder: str | Path) -> Iterator[dict]:
    """ECB+ documents with gold story = subtopic, in file-name order.

    `folder` is laid out like `ECB+/<topic>/*.xml` plus `doc_labels.tsv`.
    Sentence 0 of `*ecbplus.xml` holds the source URL and is left out of the text.
    """
    folder = Path(folder)
    labels = _ecbplus_labels(folder / "doc_labels.tsv")
    root = folder / "ECB+"
    for path in sorted(root.glob("*/*.xml"), key=_ecb_sort_key):
        sentences: dict[int, list[str]] = {}
        for token in ElementTree.parse(path).getroot().iter("token"):
            sentences.setdefault(int(token.get("sentence", "0")), []).append(token.text or "")
        if path.name.endswith("ecbplus.xml"):
            sentences.pop(0, None)
        paragraphs = [detokenize(tokens) for _, tokens in sorted(sentences.items())]
        label = labels.get(path.name) or _subtopic_from_name(path.name)
        yield {"id": path.stem, "text": "\n".join(p for p in paragraphs if p), "story": label,
               "topic": label.split("_")[0]}


def googlenews_documents(path: str | Path) -> Iterator[dict]:
    """The MStream Google News headline set: {"Id", "clusterNo", "textCleaned"} per line."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                yield {"id": record["Id"], "text": record["textCleaned"], "story": str(record["clusterNo"])}


def _ecbplus_labels(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return {row["doc"]: row["subtopic"] for row in csv.DictReader(handle, delimiter="\t")}


def _subtopic_from_name(name: str) -> str:
    topic = name.split("_")[0]
    return f"{topic}_ecbplus" if name.endswith("ecbplus.xml") else f"{topic}_ecb"


def _ecb_sort_key(path: Path) -> tuple:
    topic, _, rest = path.stem.partition("_")
    number = re.match(r"\d+", rest)
    return (int(topic) if topic.isdigit() else 0, int(number.group()) if number else 0, path.name)
