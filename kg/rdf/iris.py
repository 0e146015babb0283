"""Deterministic IRIs: the same input always mints the same IRI, and no blank nodes."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from pyoxigraph import NamedNode

_SAFE = "/.-()_~"


def symbol_path(symbol: str) -> str:
    """A symbol as an IRI path: spaces become ``_``; anything not safe is percent-encoded.

    >>> symbol_path("A/CONF.157/24 (Part I)")
    'A/CONF.157/24_(Part_I)'
    >>> symbol_path('A/HRC/RES/28/2"> <x>')
    'A/HRC/RES/28/2%22%3E_%3Cx%3E'
    """
    s = re.sub(r"\s+", "_", symbol.strip())
    return quote(s, safe=_SAFE)


def short_hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


class Minter:
    """Mints every IRI of the graph under one base."""

    def __init__(self, base: str) -> None:
        if not re.match(r"^https?://[^\s<>\"{}|\\^`]+/$", base):
            raise ValueError(f"base IRI must be an http(s) IRI ending in '/': {base!r}")
        self.base = base

    def _n(self, path: str) -> NamedNode:
        return NamedNode(self.base + path)

    def document(self, symbol: str) -> NamedNode:
        return self._n("doc/" + symbol_path(symbol))

    def named_document(self, ident: str) -> NamedNode:
        return self._n("doc/named/" + quote(ident, safe="-"))

    def graph(self, symbol: str) -> NamedNode:
        return self._n("graph/" + symbol_path(symbol))

    def shared_graph(self) -> NamedNode:
        return self._n("graph/shared")

    def meta_graph(self) -> NamedNode:
        """Build records: which file wrote which graphs, under which build key."""
        return self._n("graph/meta")

    def derived_graph(self, name: str) -> NamedNode:
        return self._n("graph/derived/" + quote(name, safe="-"))

    def source(self, sha256: str, path: str) -> NamedNode:
        suffix = "-" + path.rsplit("#", 1)[1] if "#" in path else ""
        return self._n(f"source/{sha256}{suffix}")

    def body(self, ident: str) -> NamedNode:
        return self._n("body/" + quote(ident, safe="-"))

    def state(self, iso3: str) -> NamedNode:
        return self._n("state/" + quote(iso3, safe=""))

    def place(self, ident: str) -> NamedNode:
        return self._n("place/" + quote(ident, safe="-"))

    def date(self, iso: str) -> NamedNode:
        return self._n("date/" + quote(iso, safe="-"))

    def session(self, ident: str) -> NamedNode:
        return self._n("session/" + quote(ident, safe="-/"))

    def agenda_item(self, session_ident: str, item: int) -> NamedNode:
        return self._n(f"agenda-item/{quote(session_ident, safe='-/')}/{item}")

    def verb(self, slug: str) -> NamedNode:
        return self._n("concept/operative-verb/" + quote(slug, safe="-"))

    def verb_scheme(self) -> NamedNode:
        return self._n("concept/operative-verb")

    def activity(self, version: str) -> NamedNode:
        return self._n("activity/unres-kg/" + quote(version, safe=".-"))

    def software(self) -> NamedNode:
        return self._n("software/unres-kg")
