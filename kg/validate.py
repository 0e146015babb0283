"""Validate: quads -> ``ValidationReport``, with pySHACL and the shapes in ``shapes/``.

Report, don't raise: a graph that does not conform gives a report with every violation's focus
node, path and message. Each resolution is validated on its own quads (its graph plus the
shared-entity triples it contributes), which is complete for the shapes and fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from kg.models import ValidationReport, Violation

SHAPES_DIR = Path(__file__).resolve().parent.parent / "shapes"


def shapes_text() -> str:
    """The SHACL shapes: the repository's ``shapes/`` (or the copy shipped in the package)."""
    files = sorted(SHAPES_DIR.glob("*.ttl")) if SHAPES_DIR.is_dir() else []
    if files:
        return "\n".join(f.read_text(encoding="utf-8") for f in files)
    return resources.files("kg").joinpath("shapes", "unres-shapes.ttl").read_text(encoding="utf-8")


@cache
def shapes_graph() -> Graph:
    g = Graph()
    g.parse(data=shapes_text(), format="turtle")
    return g


def to_rdflib(quads: Iterable[ox.Quad]) -> Graph:
    """The triples of ``quads`` (graph names dropped) as an rdflib graph."""
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    g = Graph()
    g.parse(data=data, format="nt")
    return g


def _value(results: Graph, node: Any, prop: str) -> str:
    v = results.value(node, URIRef(str(SH) + prop))
    return "" if v is None else str(v)


def _report(results: Graph) -> tuple[Violation, ...]:
    out = []
    for r in results.subjects(URIRef(str(SH) + "focusNode"), None):
        shape = _value(results, r, "sourceShape")
        out.append(
            Violation(
                focus=_value(results, r, "focusNode"),
                path=_value(results, r, "resultPath"),
                message=_value(results, r, "resultMessage"),
                severity=_value(results, r, "resultSeverity").rsplit("#", 1)[-1],
                shape=shape if shape.startswith("http") else "",
                constraint=_value(results, r, "sourceConstraintComponent").rsplit("#", 1)[-1],
            )
        )
    out.sort(key=lambda v: (v.focus, v.path, v.constraint, v.message))
    return tuple(out)


@cache
def compiled_shapes() -> Any:
    """The shapes compiled for pyshacl-turbo (a Rust SHACL engine), or ``None`` if unavailable."""
    try:
        import pyshacl_turbo
    except ImportError:  # pragma: no cover - it is a dependency; pySHACL remains the reference
        return None
    return pyshacl_turbo.compile_shapes(shapes_text(), shacl_graph_format="turtle", advanced=True)


def _turbo_input(data: Iterable[ox.Quad] | Graph) -> Any:
    """The data as pyshacl-turbo reads it fastest: N-Triples text handed straight to its parser
    (a ``pyoxigraph.Store`` would be dumped and re-read; an rdflib graph is slower still)."""
    if isinstance(data, Graph):
        text = data.serialize(format="nt")
    else:
        text = (ox.serialize((q.triple for q in data), format=ox.RdfFormat.N_TRIPLES) or b"").decode()
    try:
        from pyshacl_turbo.rdf import Input
    except ImportError:  # pragma: no cover - an older or newer layout: go through a store
        store = ox.Store()
        store.load(text.encode(), format=ox.RdfFormat.N_TRIPLES)
        return store
    return Input(text, "nt", None, {}, {})


def validate(
    data: Iterable[ox.Quad] | Graph, *, shapes: Graph | None = None, engine: str = "auto"
) -> ValidationReport:
    """Validate a graph against the shapes.

    Args:
        data: quads (graph names are ignored) or an rdflib graph.
        shapes: a shapes graph; the package's shapes by default (then ``engine`` applies).
        engine: ``"turbo"`` (pyshacl-turbo on compiled shapes, about 10x faster), ``"pyshacl"``
            (the reference implementation) or ``"auto"`` (turbo when installed). The test suite
            checks that both give the same (focus node, path, constraint) results.
    """
    use_turbo = shapes is None and engine in ("auto", "turbo") and compiled_shapes() is not None
    if use_turbo:
        conforms, results, _text = compiled_shapes().validate(_turbo_input(data))
        return ValidationReport(bool(conforms), () if conforms else _report(results))
    graph = data if isinstance(data, Graph) else to_rdflib(data)
    conforms, results, _text = shacl_validate(
        graph, shacl_graph=shapes if shapes is not None else shapes_graph(), inference="none", advanced=True
    )
    return ValidationReport(bool(conforms), () if conforms else _report(results))  # type: ignore[arg-type,unused-ignore]
