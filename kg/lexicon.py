"""Small lexical helpers shared by the stages: ordinals, months, package data files.

Not a stage itself: pure functions and data loaders with no knowledge of the pipeline.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        )
    )
}
MONTH_RE = "January|February|March|April|May|June|July|August|September|October|November|December"

_UNITS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
}
_TENS = {
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
}
_TENS_PREFIX = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
ORDINAL_RE = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
    r"twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"thirtieth|fortieth|fiftieth|sixtieth|seventieth|eightieth|ninetieth|hundredth|\d{1,3}(?:st|nd|rd|th))"
)


def ordinal(word: str) -> int | None:
    """Value of an English ordinal.

    >>> ordinal("Twenty-eighth"), ordinal("thirtieth"), ordinal("55th"), ordinal("session")
    (28, 30, 55, None)
    """
    w = re.sub(r"\s*-\s*", "-", word.strip().lower().replace("\u2011", "-").replace("\u2013", "-"))
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", w)
    if m:
        return int(m.group(1))
    if w in _UNITS:
        return _UNITS[w]
    if w in _TENS:
        return _TENS[w]
    if "-" in w:
        tens, _, unit = w.partition("-")
        if tens in _TENS_PREFIX and unit in _UNITS and _UNITS[unit] < 10:
            return _TENS_PREFIX[tens] + _UNITS[unit]
    return None


@cache
def data_json(name: str) -> Any:
    """A JSON file shipped in ``kg/data``."""
    return json.loads(resources.files("kg").joinpath("data", name).read_text(encoding="utf-8"))


@cache
def data_jsonl(name: str) -> tuple[dict[str, Any], ...]:
    """A JSON-lines file shipped in ``kg/data``."""
    text = resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines() if line.strip())


BODY_FILES = ("bodies-un-system.jsonl", "bodies-curated.jsonl", "bodies-mandates.jsonl")


def body_rows() -> tuple[dict[str, Any], ...]:
    """Every gazetteer row for bodies; later files override earlier ones with the same id."""
    rows: dict[str, dict[str, Any]] = {}
    for name in BODY_FILES:
        for row in data_jsonl(name):
            rows[row["id"]] = row
    return tuple(rows.values())


def squash(text: str) -> str:
    """Collapse runs of white space to one space and strip."""
    return " ".join(text.split())
