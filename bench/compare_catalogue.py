"""Compare what we extract from the HRC 2015 resolutions with two independent sources.

    .venv/bin/python bench/compare_catalogue.py [SHARED] [--store STORE]

- the OHCHR library catalogue (reference/hrc-catalogue/chr-hrc-voting-catalogue.csv): title,
  adoption date, meeting, vote method and totals;
- the roll-call matrix (reference/hrc-votes/rollcall-matrix.csv): each state's vote.

Builds corpus/hrc-2015/text into a temporary store unless --store is given. Prints agreement per
field as a percentage and lists every disagreement.
"""

from __future__ import annotations

import argparse
import csv
import re
import tempfile
from pathlib import Path

from _common import rows, shared_dir

from kg.build import build
from kg.store import open_store

META = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX unres: <https://w3id.org/unres/ontology#>
SELECT ?symbol ?title ?date ?meeting ?method ?yes ?no ?abstain WHERE {
  ?r a unres:Resolution ; dcterms:identifier ?symbol .
  OPTIONAL { ?r dcterms:title ?title } OPTIONAL { ?r eli:date_document ?date }
  OPTIONAL { ?r unres:meetingNumber ?meeting } OPTIONAL { ?r unres:adoptionMethod ?method }
  OPTIONAL { ?r unres:votesInFavour ?yes } OPTIONAL { ?r unres:votesAgainst ?no }
  OPTIONAL { ?r unres:abstentions ?abstain }
}"""
VOTES = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX unres: <https://w3id.org/unres/ontology#>
SELECT ?symbol ?p ?iso WHERE {
  VALUES ?p { unres:votedInFavour unres:votedAgainst unres:abstained }
  ?r dcterms:identifier ?symbol ; ?p ?s . ?s dcterms:identifier ?iso .
}"""
CODE = {"votedInFavour": "1", "votedAgainst": "0", "abstained": "2"}


def norm_title(t: str) -> str:
    t = re.sub(r"\s*:\s*resolution\s*/?\s*$", "", t or "")
    t = t.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    t = re.sub(r"\s*:\s*", ": ", t)
    return " ".join(t.split()).casefold().rstrip(" .")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shared", nargs="?")
    ap.add_argument("--store")
    args = ap.parse_args()
    shared = shared_dir(args.shared)
    with tempfile.TemporaryDirectory() as tmp:
        store_path = Path(args.store) if args.store else Path(tmp) / "store"
        if not args.store:
            result = build([shared / "corpus" / "hrc-2015" / "text"], store=store_path, jobs=2)
            print(f"built {len(result.documents)} documents, exit code {result.exit_code}")
        store = open_store(store_path)
        ours = {r[0]: r for r in rows(store, META)}
        our_votes: dict[str, dict[str, str]] = {}
        for sym, p, iso in rows(store, VOTES):
            assert sym and p and iso
            our_votes.setdefault(sym, {})[iso] = CODE[p.rsplit("#", 1)[-1]]
        del store

    cat = {}
    with open(shared / "reference" / "hrc-catalogue" / "chr-hrc-voting-catalogue.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["symbol"] in ours:
                cat[row["symbol"]] = row
    with open(shared / "reference" / "hrc-votes" / "rollcall-matrix.csv", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        matrix = {row[0]: row for row in reader}

    fields = ("title", "date", "meeting", "method", "totals", "state votes")
    agree = {k: [0, 0] for k in fields}
    diffs: list[str] = []

    def check(field: str, sym: str, ok: bool, got: object, want: object) -> None:
        agree[field][1] += 1
        agree[field][0] += ok
        if not ok:
            diffs.append(f"{sym} {field}: ours {got!r} / catalogue {want!r}")

    for sym, (_, title, date, meeting, method, yes, no, abstain) in sorted(ours.items()):
        c = cat.get(sym)
        if c is None:
            diffs.append(f"{sym}: not in the catalogue")
            continue
        check("title", sym, norm_title(title or "") == norm_title(c["title"]), title, c["title"])
        check("date", sym, (date or "")[:10] == c["date"], date, c["date"])
        m = re.search(r"(\d+)(?:st|nd|rd|th) meeting", c["meeting"])
        check("meeting", sym, m is not None and str(meeting) == m.group(1), meeting, c["meeting"])
        recorded = c["vote_type"].upper().startswith("RECORDED")
        our_method = (method or "").rsplit("#", 1)[-1]
        check(
            "method",
            sym,
            our_method == ("RecordedVote" if recorded else "WithoutVote"),
            our_method,
            c["vote_type"],
        )
        if recorded:
            check(
                "totals",
                sym,
                (yes, no, abstain) == (c["yes"], c["no"], c["abstain"]),
                (yes, no, abstain),
                (c["yes"], c["no"], c["abstain"]),
            )
            if sym in header:
                i = header.index(sym)
                want = {iso: row[i] for iso, row in matrix.items() if row[i] in ("0", "1", "2")}
                got = our_votes.get(sym, {})
                missing = sorted(set(want) - set(got))
                wrong = sorted(k for k in set(want) & set(got) if want[k] != got[k])
                extra = sorted(set(got) - set(want))
                check(
                    "state votes",
                    sym,
                    not (missing or wrong or extra),
                    {"missing": missing, "wrong": wrong, "extra": extra},
                    "roll-call matrix",
                )

    print(f"{'field':12s} {'agree':>6s} {'of':>4s}  {'%':>6s}")
    for k, (ok, n) in agree.items():
        print(f"{k:12s} {ok:6d} {n:4d}  {100 * ok / n if n else 100:6.1f}")
    print(f"\n{len(diffs)} disagreements")
    for d in diffs:
        print("  " + d)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
