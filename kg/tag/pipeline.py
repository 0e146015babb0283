"""The spaCy pipeline that ships with the package: no model, no download.

``spacy.blank("en")`` with a tokenizer that keeps UN symbols whole and splits footnote digits
glued to words, an ``entity_ruler`` whose phrase patterns come from the gazetteers in
``kg/data`` (bodies, states, places, named instruments), and ``un_regex``, a component that
runs the rule patterns of ``patterns/regex.jsonl`` (citations, symbols, dates, sessions).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_suffix_regex

from kg.lexicon import body_rows, data_jsonl

SYMBOL_TOKEN = re.compile(
    r"^(?:A|E|S|UNEP|TD|DP|ST|CCPR|CRC|CERD|CAT|CEDAW|CRPD|PRST)/[A-Za-z0-9.\-/()]*\d[A-Za-z0-9.\-/()]*$"
    r"|^(?:E?S-)?\d{1,4}/\d{1,4}$"
)
SHORT_FORMS = frozenset(
    {"Council", "Assembly", "Commission", "Advisory Committee", "High Commissioner", "Office"}
)
# "the Special Rapporteur" after the mandate's full name: resolved by the link stage
MANDATE_SHORT_FORMS = (
    "Special Rapporteur",
    "Independent Expert",
    "Working Group",
    "commission of inquiry",
    "Commission of Inquiry",
    "Special Adviser",
    "Special Representative",
    "mandate holder",
    "Special Committee",
)


@cache
def regex_patterns() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """``(label, key, compiled pattern)`` from ``patterns/regex.jsonl``, in file order."""
    return tuple((label, key, pattern) for label, key, pattern, _ in _patterns())


@cache
def _patterns() -> tuple[tuple[str, str, re.Pattern[str], str], ...]:
    text = resources.files("kg.tag").joinpath("patterns", "regex.jsonl").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip():
            d = json.loads(line)
            out.append((d["label"], d["key"], re.compile(d["pattern"]), d.get("anchor", "")))
    return tuple(out)


def _anchored(pattern: re.Pattern[str], text: str, lowered: str, anchor: str) -> list[tuple[int, int]]:
    """Matches of ``pattern`` that contain ``anchor`` (case-insensitive), found by searching only
    a window around each occurrence of the anchor: far cheaper than trying the pattern everywhere."""
    found: list[tuple[int, int]] = []
    i = lowered.find(anchor)
    while i >= 0:
        lo = max(0, i - 80, found[-1][1] if found else 0)
        for m in pattern.finditer(text, lo, min(len(text), i + len(anchor) + 120)):
            if m.start() <= i < m.end() and (not found or m.start() >= found[-1][1]):
                found.append((m.start(), m.end()))
        i = lowered.find(anchor, i + len(anchor))
    return found


def gazetteer_patterns() -> list[dict[str, Any]]:
    """Entity-ruler patterns built from the gazetteers: one per name or alias."""
    patterns: list[dict[str, Any]] = []

    def add(label: str, ident: str, name: str) -> None:
        name = name.strip()
        if not name:
            return
        if name in SHORT_FORMS:
            toks = [{"LOWER": {"IN": ["the", "its"]}}, *({"ORTH": w} for w in name.split())]
            patterns.append({"label": label, "pattern": toks, "id": f"{ident}|short"})
        else:
            patterns.append({"label": label, "pattern": name, "id": ident})
            if "'" in name:
                patterns.append({"label": label, "pattern": name.replace("'", "\u2019"), "id": ident})

    curated_names = {
        n
        for f in ("bodies-curated.jsonl", "bodies-mandates.jsonl")
        for b in data_jsonl(f)
        for n in (b["label"], *b["aliases"])
    }
    for b in body_rows():
        if b.get("phrase") is False:
            continue  # matched by a rule pattern only
        for n in (b["label"], *b["aliases"]):
            if b.get("source") and n in curated_names:
                continue
            add("BODY", f"body:{b['id']}", n)
    for short in MANDATE_SHORT_FORMS:
        toks = [{"LOWER": {"IN": ["the", "her", "his", "its"]}}, *({"ORTH": w} for w in short.split())]
        patterns.append({"label": "BODY", "pattern": toks, "id": f"mandate:{short.lower()}|short"})
    for s in data_jsonl("states.jsonl"):
        for n in (s["name"], *s["aliases"]):
            add("STATE", f"state:{s['iso3']}", n)
    for p in data_jsonl("places.jsonl"):
        for n in (p["label"], *p["aliases"]):
            add("PLACE", f"place:{p['id']}", n)
    for d in data_jsonl("instruments.jsonl"):
        for n in (d["label"], *d["aliases"]):
            add("DOCUMENT", f"named:{d['id']}", n)
    return patterns


@Language.factory("un_regex")
def make_un_regex(nlp: Language, name: str) -> UnRegex:
    """Factory for the rule-pattern component."""
    return UnRegex()


class UnRegex:
    """Runs the rule patterns over the text; matches go, with their exact character offsets, to
    ``doc.user_data["un"]``."""

    def __call__(self, doc: Doc) -> Doc:
        found: list[tuple[str, str, int, int]] = []
        text = doc.text
        lowered = text.lower()
        for label, key, pattern, anchor in _patterns():
            if anchor:
                found.extend((label, key, s, e) for s, e in _anchored(pattern, text, lowered, anchor))
            else:
                found.extend(
                    (label, key, m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()
                )
        doc.user_data["un"] = found
        return doc


@cache
def build_nlp() -> Language:
    """The tagging pipeline (built once per process)."""
    nlp = spacy.blank("en")
    nlp.max_length = 100_000_000
    tokenizer: Any = nlp.tokenizer
    tokenizer.token_match = SYMBOL_TOKEN.match
    defaults: Any = nlp.Defaults.suffixes
    suffixes = [*defaults, r"(?<=[a-z]{2})[0-9]{1,2}$"]  # footnote digits: "Commissioner2"
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(gazetteer_patterns())  # type: ignore[attr-defined]
    nlp.add_pipe("un_regex")
    return nlp
