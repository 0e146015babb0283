"""Build the compact gazetteers that ship in ``kg/data`` from ``../shared/reference``.

Run by developers when the reference data changes (needs ``pycountry``, a dev dependency):

    .venv/bin/python scripts/build_gazetteers.py ../shared/reference

Writes:
  kg/data/states.jsonl              ISO3, UN short name, formal name, aliases (UN names in six
                                    languages: UN-EOSG via ClementSicard/un-semun-misc; ISO3 from
                                    tsujamin/unhrc-nominate and pycountry)
  kg/data/bodies-un-system.jsonl    UN-system entities (UN-EOSG-Analytics/un-system-chart-navigator)
  kg/data/hrc-titles.csv            HRC resolution numbers and titles (dw-data/human-rights-council, MIT)
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "kg" / "data"

# UN short names whose ISO3 code pycountry cannot find by name.
ISO3_BY_NAME = {
    "Bolivia (Plurinational State of)": "BOL",
    "Iran (Islamic Republic of)": "IRN",
    "Micronesia (Federated States of)": "FSM",
    "Venezuela (Bolivarian Republic of)": "VEN",
    "Democratic People's Republic of Korea": "PRK",
    "Republic of Korea": "KOR",
    "Lao People's Democratic Republic": "LAO",
    "Netherlands (Kingdom of the)": "NLD",
    "Holy See": "VAT",
    "State of Palestine": "PSE",
    "Cook Islands": "COK",
    "Niue": "NIU",
    "Türkiye": "TUR",
    "Republic of Moldova": "MDA",
    "United Republic of Tanzania": "TZA",
    "Syrian Arab Republic": "SYR",
    "Democratic Republic of the Congo": "COD",
    "Congo": "COG",
    "Côte d'Ivoire": "CIV",
    "Bahamas": "BHS",
    "Gambia": "GMB",
    "Central African Republic": "CAF",
    "Comoros": "COM",
    "Dominican Republic": "DOM",
    "Marshall Islands": "MHL",
    "Niger": "NER",
    "Philippines": "PHL",
    "Russian Federation": "RUS",
    "Sudan": "SDN",
    "United Arab Emirates": "ARE",
    "United Kingdom of Great Britain and Northern Ireland": "GBR",
    "United States of America": "USA",
    "Eswatini": "SWZ",
    "North Macedonia": "MKD",
    "Czechia": "CZE",
}
# Former or informal names that resolutions of the period still print.
ALIASES = {
    "MKD": ["the former Yugoslav Republic of Macedonia", "former Yugoslav Republic of Macedonia"],
    "TUR": ["Turkey"],
    "SWZ": ["Swaziland"],
    "CZE": ["Czech Republic"],
    "CPV": ["Cape Verde"],
    "NLD": ["Netherlands"],
    "BOL": ["Bolivia"],
    "VEN": ["Venezuela"],
    "IRN": ["Iran"],
    "FSM": ["Micronesia"],
    "CIV": ["Cote d'Ivoire", "Ivory Coast"],
    "PSE": ["Palestine"],
    "GBR": ["United Kingdom"],
    "USA": ["United States"],
    "RUS": ["Russia"],
    "KOR": ["Korea, Republic of"],
    "PRK": ["Korea, Democratic People's Republic of"],
    "SYR": ["Syria"],
    "LAO": ["Laos"],
    "VNM": ["Vietnam"],
    "MDA": ["Moldova"],
    "TZA": ["Tanzania"],
}


def clean(name: str) -> str:
    name = re.sub(r"\s*\*+$", "", name).strip()
    name = re.sub(r"\s*\(the\)$", "", name)
    return name.replace("\u2019", "'")


def build_states(ref: Path) -> None:
    import pycountry  # dev dependency only

    hrc = {}
    with open(ref / "member-states" / "hrc-members-iso3.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            hrc[row["Country Long"]] = row["Country"]
    rows = []
    with open(ref / "member-states" / "un-member-state-names-6-languages.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = clean(row["English short"])
            code = ISO3_BY_NAME.get(name) or hrc.get(name)
            if not code:
                code = pycountry.countries.lookup(name).alpha_3
            formal = row["English formal"].strip()
            formal = re.sub(r"^the\s+", "", formal)
            status = "observer" if row["English short"].rstrip().endswith("*") else "member"
            aliases = sorted({formal, *ALIASES.get(code, [])} - {name})
            rows.append({"iso3": code, "name": name, "formal": formal, "status": status, "aliases": aliases})
    with open(OUT / "states.jsonl", "w", encoding="utf-8") as f:
        for r in sorted(rows, key=lambda r: r["iso3"]):
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"states: {len(rows)}")


def build_bodies(ref: Path) -> None:
    rows = []
    with open(ref / "un-system" / "un-entities.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            long = row["entity_long"].strip()
            abbr = row["entity"].strip()
            if len(long.split()) < 2:
                continue
            aliases = [a.strip() for a in row["entity_aliases"].split(";") if a.strip()]
            if abbr and abbr != long and re.fullmatch(r"[A-Z][A-Za-z\-]{1,12}", abbr):
                aliases.append(abbr)
            rows.append(
                {
                    "id": re.sub(r"[^a-z0-9]+", "-", long.lower()).strip("-"),
                    "label": long,
                    "kind": "Organization",
                    "aliases": sorted(set(aliases)),
                    "category": row["category"],
                    "source": "un-system-chart-navigator",
                }
            )
    with open(OUT / "bodies-un-system.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"bodies: {len(rows)}")


def build_titles(ref: Path) -> None:
    n = 0
    with (
        open(ref / "hrc-catalogue" / "hrc-resolutions-2006-2022.csv", encoding="utf-8") as f,
        open(OUT / "hrc-titles.csv", "w", encoding="utf-8", newline="") as out,
    ):
        w = csv.writer(out)
        w.writerow(["number", "title"])
        w.writerow(["# source: dw-data/human-rights-council (MIT licence at first commit)", ""])
        for row in csv.DictReader(f):
            number = row["Adopted text"].strip()
            if re.fullmatch(r"(?:S-)?\d+/\d+", number):
                w.writerow([number, " ".join(row["Title"].split())])
                n += 1
    print(f"titles: {n}")


def main() -> int:
    ref = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference")
    if not ref.is_dir():
        print(f"no reference folder at {ref}", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    build_states(ref)
    build_bodies(ref)
    build_titles(ref)
    return 0


if __name__ == "__main__":
    sys.exit(main())
