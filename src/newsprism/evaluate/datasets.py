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
_JOINED = re.compile(r"(?<=\d) ?([:.]) ?(?=\d)|(?<=\d) ?(,) ?(?=\d{3}\b)|(?<=\w) (-) (?=\w)"
                     r"|(?<=\w) ?(['’]) (?=(?:s|re|ve|ll|d|m|t)\b)")
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
        sentences = _sentence_tokens(ElementTree.parse(path).getroot())
        if path.name.endswith("ecbplus.xml"):
            sentences.pop(0, None)
        paragraphs = [detokenize(tokens) for _, tokens in sorted(sentences.items())]
        label = labels.get(path.name) or _subtopic_from_name(path.name)
        yield {"id": path.stem, "text": "\n".join(p for p in paragraphs if p), "story": label,
               "topic": label.split("_")[0]}


def ecbplus_event_sentences(folder: str | Path) -> Iterator[dict]:
    """The annotated sentences of ECB+ (`ECBplus_coreference_sentences.csv`) with the cross-document
    event chains they mention: two sentences sharing a chain report the same event.

    Yields {"doc", "topic", "subtopic", "sentence", "text", "events": set of chain ids}.
    """
    folder = Path(folder)
    labels = _ecbplus_labels(folder / "doc_labels.tsv")
    annotated: dict[str, set[int]] = {}
    with (folder / "ECBplus_coreference_sentences.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            annotated.setdefault(f"{row['Topic']}_{row['File']}", set()).add(int(row["Sentence Number"]))
    for path in sorted((folder / "ECB+").glob("*/*.xml"), key=_ecb_sort_key):
        wanted = annotated.get(path.stem)
        if not wanted:
            continue
        tokens, events = _ecbplus_sentence_events(ElementTree.parse(path).getroot())
        subtopic = labels.get(path.name) or _subtopic_from_name(path.name)
        for number in sorted(wanted & tokens.keys()):
            yield {"doc": path.stem, "topic": subtopic.split("_")[0], "subtopic": subtopic, "sentence": number,
                   "text": detokenize(tokens[number]), "events": events.get(number, set())}


def _sentence_tokens(root) -> dict[int, list[str]]:
    sentences: dict[int, list[str]] = {}
    for token in root.iter("token"):
        sentences.setdefault(int(token.get("sentence", "0")), []).append(token.text or "")
    return sentences


def _ecbplus_sentence_events(root) -> tuple[dict[int, list[str]], dict[int, set[str]]]:
    """Tokens per sentence, and the cross-document event chains (actions) mentioned in each."""
    tokens = _sentence_tokens(root)
    sentence_of = {token.get("t_id"): int(token.get("sentence", "0")) for token in root.iter("token")}
    action_sentence = {}
    for markable in root.find("Markables") or []:
        anchors = [a.get("t_id") for a in markable.iter("token_anchor")]
        if anchors and markable.tag.startswith(("ACTION", "NEG_ACTION")):
            action_sentence[markable.get("m_id")] = sentence_of[anchors[0]]
    events: dict[int, set[str]] = {}
    for relation in root.find("Relations") or []:
        if relation.tag == "CROSS_DOC_COREF":
            for source in relation.iter("source"):
                if source.get("m_id") in action_sentence:
                    events.setdefault(action_sentence[source.get("m_id")], set()).add(relation.get("note", ""))
    return tokens, events


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
