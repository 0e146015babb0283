"""Resource pages: every IRI of the graph dereferenced, for people (HTML) and machines (RDF).

Pure functions over query results; the HTTP server (``server.py``) does the I/O.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from kg.rdf.namespaces import PREFIXES

# media type -> (format key, Oxigraph's media type for CONSTRUCT results)
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
}
FORMAT_ALIASES = {
    "html": "text/html",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "json": "application/ld+json",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
}
OFFERED = ("text/html", *RDF_TYPES)


def negotiate(accept: str, fmt: str | None) -> str | None:
    """The media type to answer with, or ``None`` (406).

    >>> negotiate("text/turtle;q=0.9, text/html", None)
    'text/html'
    >>> negotiate("application/json", None) is None
    True
    >>> negotiate("text/html", "ttl")
    'text/turtle'
    """
    if fmt:
        return FORMAT_ALIASES.get(fmt.lower())
    best: tuple[float, int, str] | None = None
    for i, part in enumerate((accept or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if media in ("*/*", "text/*"):
            candidate = "text/html"
        elif media == "application/*":
            candidate = "application/ld+json"
        elif media in OFFERED:
            candidate = media
        else:
            continue
        key = (q, -i, candidate)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def context_document(base: str) -> dict[str, Any]:
    """The JSON-LD ``@context`` the server publishes at ``/context.jsonld``."""
    return {"@context": {**PREFIXES, "@base": base}}


def _curie(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z_][\w\-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def compact_jsonld(expanded: list[dict[str, Any]], context_url: str) -> dict[str, Any]:
    """Compact expanded JSON-LD with our prefixes (a simple, lossless compaction)."""
    graph = []
    for node in expanded:
        out: dict[str, Any] = {}
        for key, values in node.items():
            if key == "@id":
                out["@id"] = values
                continue
            if key == "@type":
                out["@type"] = [_curie(v) for v in values]
                continue
            compacted = []
            for v in values:
                if "@id" in v:
                    compacted.append({"@id": v["@id"]})
                elif "@type" in v:
                    compacted.append({"@value": v["@value"], "@type": _curie(v["@type"])})
                else:
                    compacted.append(v)
            out[_curie(key)] = compacted[0] if len(compacted) == 1 else compacted
        graph.append(out)
    return {"@context": context_url, "@graph": graph}


@dataclass
class Page:
    """What an HTML page shows about one resource."""

    iri: str
    label: str = ""
    types: list[str] = field(default_factory=list)
    properties: list[tuple[str, Any]] = field(default_factory=list)
    inbound: list[tuple[str, str]] = field(default_factory=list)
    resolution: dict[str, Any] | None = None


def local_link(iri: str, base: str) -> str:
    return "/" + iri[len(base) :] if iri.startswith(base) else iri


def highlight(text: str, mentions: list[tuple[str, str, str]], base: str) -> Markup:
    """Paragraph text with each mention (exact, entity IRI, kind) wrapped in a link."""
    spans: list[tuple[int, int, str, str]] = []
    for exact, entity, kind in mentions:
        needle = " ".join(exact.split())
        if not needle:
            continue
        start = 0
        while (i := text.find(needle, start)) >= 0:
            if all(i >= e or i + len(needle) <= s for s, e, _, _ in spans):
                spans.append((i, i + len(needle), entity, kind))
                break
            start = i + 1
    out, pos = [], 0
    for s, e, entity, kind in sorted(spans):
        out.append(html.escape(text[pos:s]))
        out.append(
            f'<a class="m m-{html.escape(kind)}" href="{html.escape(local_link(entity, base))}">'
            f"{html.escape(text[s:e])}</a>"
        )
        pos = e
    out.append(html.escape(text[pos:]))
    return Markup("".join(out))


def _env(base: str) -> Environment:
    env = Environment(loader=PackageLoader("kg", "publish/templates"), autoescape=select_autoescape())
    env.filters["local"] = lambda iri: local_link(iri, base)
    env.filters["curie"] = _curie
    return env


def render_template(name: str, *, base: str, version: str, **values: Any) -> str:
    """A page that is not a resource (home, query): same layout, no format links."""
    return _env(base).get_template(name).render(base=base, version=version, formats=[], **values)


def render(page: Page, *, base: str, version: str) -> str:
    env = _env(base)
    raw = local_link(page.iri, base)
    formats = [
        (label, f"{raw}?format={key}")
        for label, key in (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf"))
    ]
    template = "resolution.html" if page.resolution else "resource.html"
    return env.get_template(template).render(page=page, formats=formats, version=version, json=json)
