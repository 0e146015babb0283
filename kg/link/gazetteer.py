"""Canonical entities from the gazetteers shipped in ``kg/data``: bodies, states, places,
named instruments."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from kg.lexicon import body_rows, data_jsonl


@dataclass(frozen=True)
class Entity:
    """A gazetteer entry."""

    ident: str
    label: str
    kind: str = ""
    symbol: str = ""


def slug(text: str) -> str:
    """A lower-case ASCII slug for minting identifiers.

    >>> slug("Special Rapporteur on the right to food")
    'special-rapporteur-on-the-right-to-food'
    """
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", t.lower()).strip("-")[:120]


@cache
def bodies() -> dict[str, Entity]:
    return {b["id"]: Entity(b["id"], b["label"], b.get("kind", "Organization")) for b in body_rows()}


@cache
def body_by_label() -> dict[str, str]:
    out = {}
    for b in body_rows():
        for n in (b["label"], *b["aliases"]):
            out[n.casefold()] = b["id"]
    return out


@cache
def states() -> dict[str, Entity]:
    return {s["iso3"]: Entity(s["iso3"], s["name"]) for s in data_jsonl("states.jsonl")}


def _state_key(name: str) -> str:
    n = name.replace("\u2019", "'").replace("( ", "(").replace(" )", ")")
    n = re.sub(r"^the\s+", "", " ".join(n.split()), flags=re.I)
    return n.casefold()


@cache
def state_by_name() -> dict[str, str]:
    out = {}
    for s in data_jsonl("states.jsonl"):
        for n in (s["name"], s["formal"], *s["aliases"]):
            out[_state_key(n)] = s["iso3"]
    return out


def find_state(name: str) -> str | None:
    """ISO3 code of a state named as in a vote list.

    >>> find_state("Bolivia (Plurinational State of )")
    'BOL'
    >>> find_state("the former Yugoslav Republic of Macedonia")
    'MKD'
    """
    return state_by_name().get(_state_key(name))


@cache
def places() -> dict[str, Entity]:
    return {p["id"]: Entity(p["id"], p["label"]) for p in data_jsonl("places.jsonl")}


@cache
def instruments() -> dict[str, Entity]:
    return {
        d["id"]: Entity(d["id"], d["label"], symbol=d.get("symbol") or "")
        for d in data_jsonl("instruments.jsonl")
    }
