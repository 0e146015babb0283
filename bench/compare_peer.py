"""Compare our citation extraction with another project's over the General Assembly corpus.

    .venv/bin/python bench/compare_peer.py [SHARED] [--store STORE] [--samples N]

The ``symbol_references`` field of corpus/ga-78-80/*.json is wannli/mandate-pipeline's
extraction. For every resolution we count the symbols both find, only we find and only they
find (symbols compared without white space, in upper case), print the table and a sample of
each difference with the text around it, so that each can be judged.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
from collections import Counter
from pathlib import Path

from _common import rows, shared_dir

from kg.build import build
from kg.store import open_store

CITES = """
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?citing ?cited WHERE {
  ?r cito:cites ?d ; dcterms:identifier ?citing . ?d dcterms:identifier ?cited
}"""


def key(s: str) -> str:
    return re.sub(r"\s+", "", s).upper()


def context(text: str, symbol: str) -> str:
    """The text around where a symbol is printed (a resolution by its number: "70/1")."""
    m = re.match(r"^(?:A/RES|A/HRC/RES|S/RES|E/RES|A/DEC|A/HRC/DEC)/(.+)$", symbol)
    needle = m.group(1) if m else symbol
    pattern = r"(?<![\w/])" + r"\s*".join(re.escape(c) for c in needle) + r"(?![\w])"
    found = re.search(pattern, text, re.I)
    if not found:
        return "(not found verbatim)"
    return " ".join(text[max(0, found.start() - 70) : found.end() + 40].split())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shared", nargs="?")
    ap.add_argument("--store")
    ap.add_argument("--samples", type=int, default=8)
    args = ap.parse_args()
    shared = shared_dir(args.shared)
    corpus = shared / "corpus" / "ga-78-80"
    with tempfile.TemporaryDirectory() as tmp:
        store_path = Path(args.store) if args.store else Path(tmp) / "store"
        if not args.store:
            result = build([corpus], store=store_path, jobs=2)
            print(f"built {len(result.documents)} documents, exit code {result.exit_code}")
        store = open_store(store_path)
        ours: dict[str, set[str]] = {}
        for citing, cited in rows(store, CITES):
            assert citing and cited
            ours.setdefault(citing, set()).add(key(cited))
        del store

    both = only_ours = only_theirs = 0
    samples: dict[str, list[tuple[str, str, str]]] = {"only ours": [], "only theirs": []}
    kinds: Counter[str] = Counter()
    texts = {}
    for f in sorted(corpus.glob("*.json")):
        rec = json.loads(f.read_text(encoding="utf-8"))
        sym = rec["symbol"]
        texts[sym] = rec["text"]
        theirs = {key(s) for s in rec.get("symbol_references") or []} - {key(sym)}
        mine = {s for s in ours.get(sym, set()) if "/" in s}
        both += len(mine & theirs)
        only_ours += len(mine - theirs)
        only_theirs += len(theirs - mine)
        for s in mine - theirs:
            samples["only ours"].append((sym, s, ""))
            kinds["only ours: " + s.split("/")[0] + "/" + (s.split("/")[1] if s.count("/") else "")] += 1
        for s in theirs - mine:
            samples["only theirs"].append((sym, s, ""))
            kinds["only theirs: " + s.split("/")[0] + "/" + (s.split("/")[1] if s.count("/") else "")] += 1
    total = both + only_ours + only_theirs
    print(f"{'symbols':12s} {'count':>7s} {'share':>7s}")
    for name, n in (("both", both), ("only ours", only_ours), ("only theirs", only_theirs)):
        print(f"{name:12s} {n:7d} {100 * n / total if total else 0:6.1f}%")
    print("\nmost common prefixes of the differences:")
    for k, n in kinds.most_common(12):
        print(f"  {n:6d}  {k}")
    rng = random.Random(7)
    for name, items in samples.items():
        print(f"\nsample of {name} ({len(items)}):")
        for sym, s, _ in rng.sample(items, min(args.samples, len(items))):
            print(f"  {sym}: {s}\n      … {context(texts[sym], s)} …")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
