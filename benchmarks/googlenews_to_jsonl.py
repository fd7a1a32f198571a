"""Convert the MStream Google News headline set to newsprism's evaluation JSON Lines.

    .venv/bin/python benchmarks/googlenews_to_jsonl.py IN.jsonl OUT.jsonl     # OUT may be '-' for stdout

Input: one {"Id", "clusterNo", "textCleaned"} object per line (News.jsonl or
News-T.jsonl of ../shared/data/googlenews-mstream). Output: one
{"id", "text", "story"} object per line, the gold cluster as a string, in the
input order (News-T's order is its point). A line that is not such a record is
skipped and reported on stderr, one line each; the exit status is 1 if any was.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator


def convert(lines: Iterable[str], skipped: Callable[[int, str], None]) -> Iterator[dict]:
    """Yield eval records for the good lines; call `skipped(line_number, reason)` for each bad one."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            doc_id, text, story = record["Id"], record["textCleaned"], record["clusterNo"]
            if not isinstance(text, str) or not isinstance(story, (str, int)) or isinstance(story, bool):
                raise ValueError("textCleaned must be a string and clusterNo a number or string")
        except KeyError as exc:
            skipped(number, f"missing field {exc}")
            continue
        except (ValueError, TypeError) as exc:
            skipped(number, str(exc))
            continue
        yield {"id": str(doc_id), "text": text, "story": str(story)}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    if len(args) != 2:
        print("usage: googlenews_to_jsonl.py IN.jsonl OUT.jsonl   (OUT may be '-' for stdout)", file=sys.stderr)
        return 2
    source, target = args
    bad = 0

    def skipped(number: int, reason: str) -> None:
        nonlocal bad
        bad += 1
        print(f"{source}:{number}: skipped: {reason}"[:300], file=sys.stderr)

    written = 0
    with open(source, encoding="utf-8", errors="replace") as handle:
        out = sys.stdout if target == "-" else open(target, "w", encoding="utf-8")
        try:
            for record in convert(handle, skipped):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
        finally:
            if out is not sys.stdout:
                out.close()
    if target != "-":
        print(f"{written} records written to {target}" + (f", {bad} lines skipped" if bad else ""), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `... - | head`: the reader has had enough
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
