"""Validation engines: pyshacl-turbo (fast) gives the same results as pySHACL (the reference)
on a real resolution graph with violations injected at random (fixed seed)."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from kg.ingest import ingest
from kg.link import link
from kg.rdf import Mapped, to_rdf
from kg.segment import segment
from kg.tag import tag
from kg.validate import validate
from tests.conftest import EXAMPLE

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def mapped() -> Mapped:
    res = segment(ingest(EXAMPLE)[0])
    return to_rdf(link(res, tag(res)))


def inject(quads: list[ox.Quad], rng: random.Random) -> list[ox.Quad]:
    """Drop a quad, or replace a literal's datatype, or duplicate a value: 5 changes."""
    out = list(quads)
    for _ in range(5):
        i = rng.randrange(len(out))
        q = out[i]
        choice = rng.random()
        if choice < 0.4:
            del out[i]
        elif choice < 0.7 and isinstance(q.object, ox.Literal):
            out[i] = ox.Quad(
                q.subject,
                q.predicate,
                ox.Literal("not-a-value", datatype=ox.NamedNode(XSD + "date")),
                q.graph_name,
            )
        else:
            out.append(ox.Quad(q.subject, q.predicate, ox.Literal("another"), q.graph_name))
    return out


def key(report: object) -> set[tuple[str, str, str]]:
    return {(v.focus, v.path, v.constraint) for v in report.violations}  # type: ignore[attr-defined]


def test_validate_real_graph_conforms_with_both_engines(mapped: Mapped) -> None:
    assert validate(mapped.quads, engine="pyshacl").conforms
    assert validate(mapped.quads, engine="turbo").conforms


@pytest.mark.parametrize("seed", range(12))
def test_validate_engines_agree_on_injected_violations(mapped: Mapped, seed: int) -> None:
    quads = inject(list(mapped.quads), random.Random(seed))
    ref = validate(quads, engine="pyshacl")
    fast = validate(quads, engine="turbo")
    assert ref.conforms == fast.conforms
    assert key(ref) == key(fast)


def test_validate_injection_is_not_vacuous(mapped: Mapped) -> None:
    found = [len(validate(inject(list(mapped.quads), random.Random(s))).violations) for s in range(12)]
    assert sum(1 for n in found if n) >= 10 and sum(found) >= 30
