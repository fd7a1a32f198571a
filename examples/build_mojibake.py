#!/usr/bin/env python3
"""Build the mojibake example file of the newsprism example corpus.

The article below (fictional: The Harbour Post, 15 October 2025) is written
as clean text, encoded as UTF-8, wrongly decoded as Windows-1252 and saved
again as UTF-8, which is what happens when a CMS misreads a UTF-8 feed.
Bytes that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are
kept as the C1 control characters of the same value, as ftfy's
"sloppy-windows-1252" codec does; so the closing quote U+201D (bytes
E2 80 9D) becomes "â€" followed by U+009D.

Output: corpus/text/harbour-post_port-closed_mojibake.txt (valid UTF-8).
Check (needs ftfy, e.g. ftfy==6.3.1):
    ftfy.fix_encoding(bad) == CLEAN
    ftfy.fix_text(bad, uncurl_quotes=False) == CLEAN
    ftfy.fix_text(bad) == ftfy.fix_text(CLEAN)   # default uncurls quotes

Run:  python3 examples/build_mojibake.py
"""
from pathlib import Path

CLEAN = """\
Varnholm’s river port shut as Kessel Bridge death toll rises to 14
Varnholm’s river port remained closed on Wednesday, with some 70 cargo barges stranded up and down the Veyra, as the death toll from Tuesday’s collapse of the Kessel Bridge rose to 14.
Divers recovered two more bodies from the wreckage on Wednesday afternoon, said Søren Dahlqvist, head of the city’s fire and rescue service. Thirty-eight people were injured in the collapse and three are still missing. “The river is cold and fast… every hour counts,” Dahlqvist said, though he acknowledged that the operation had become “a recovery, not a rescue”.
The port authority said debris from the 340-metre bridge — including a section of deck roughly 110 metres long — was blocking the main navigation channel below the old town. Harbourmaster Øystein Krag said no vessel would be allowed through until the remaining piers had been declared stable. “We cannot let a single barge pass until the divers are finished and the engineers tell us it is safe,” he said. “That could be days. It could be weeks.”
Barge operators estimate they are losing about €400,000 a day. Grain and timber bound for the coast are being diverted to road and rail, adding to congestion on routes already choked by the loss of the crossing.
Transport Minister Renée Halvorsen told parliament in Kalmsted on Wednesday that she would appear before its transport committee at a hearing on 3 November, and that independent engineers from three countries would examine the wreckage. Around 60% of Estmark’s road bridges were built before 1985, according to the national statistics office.
In Varnholm, the mayor, Aleksei Voronen, visited the family assistance centre in Brennmark and repeated the promise he made on Tuesday: “We will rebuild this bridge, stone by stone.”
On Quay Street, where café owners handed out coffee to rescue crews through the night, the mood was one of shock. “My husband crosses that bridge every day – every single day,” said Hélène Varga, who runs the Café Rivière opposite the old ferry steps. “On Tuesday he was late. That’s the only reason I still have him.”
A book of condolence has been opened at the Old Customs House, and a memorial service is planned at Varnholm Cathedral on Sunday.
"""

OUT = Path(__file__).resolve().parent / "corpus" / "text" / "harbour-post_port-closed_mojibake.txt"


def sloppy_cp1252_decode(data: bytes) -> str:
    """Decode bytes as Windows-1252, mapping its undefined bytes to U+0080..U+009F."""
    out = []
    for b in data:
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def main() -> None:
    bad = sloppy_cp1252_decode(CLEAN.encode("utf-8"))
    OUT.write_bytes(bad.encode("utf-8"))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    try:
        import ftfy
    except ImportError:
        print("ftfy not installed; skipped the round-trip check")
        return
    text = OUT.read_text(encoding="utf-8")
    assert ftfy.fix_encoding(text) == CLEAN, "fix_encoding does not restore the clean text"
    assert ftfy.fix_text(text, uncurl_quotes=False) == CLEAN, "fix_text(uncurl_quotes=False) differs"
    assert ftfy.fix_text(text) == ftfy.fix_text(CLEAN), "fix_text differs from fix_text(clean)"
    print(f"ftfy {ftfy.__version__}: round trip OK")


if __name__ == "__main__":
    main()
