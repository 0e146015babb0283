"""Shapes tested both ways: valid examples conform, each counter-example fails at its focus node."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph

from kg.validate import validate

HERE = Path(__file__).resolve().parent / "shapes"
VALID = sorted((HERE / "valid").glob("*.ttl"))
INVALID = sorted((HERE / "invalid").glob("*.ttl"))


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_shapes_valid_examples_conform(path: Path) -> None:
    report = validate(Graph().parse(path, format="turtle"))
    assert report.conforms, report.violations


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_shapes_counter_examples_fail_at_their_focus(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Invalid because:"), "each counter-example says why it is invalid"
    focus = re.search(r"^# focus: <([^>]+)>", text, re.M)
    assert focus
    report = validate(Graph().parse(data=text, format="turtle"))
    assert not report.conforms
    assert focus.group(1) in {v.focus for v in report.violations}


def test_shapes_one_counter_example_per_shape_at_least() -> None:
    shapes_text = (HERE.parent.parent / "shapes" / "unres-shapes.ttl").read_text()
    shapes = set(re.findall(r"^shapes:(\w+) a sh:NodeShape", shapes_text, re.M))
    covered = {p.name.split("-invalid-")[0] for p in INVALID}
    missing = (
        shapes
        - covered
        - {
            "QuoteSelectorShape",
            "MemberStateShape",
            "AgendaItemShape",
            "CalendarDateShape",
            "VerbShape",
            "PreambularParagraphShape",
        }
    )
    assert not missing, f"shapes without a counter-example: {missing}"


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.name)
def test_shapes_turbo_engine_agrees_with_pyshacl(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    ref = validate(graph, engine="pyshacl")
    fast = validate(graph, engine="turbo")
    assert ref.conforms == fast.conforms
    assert {(v.focus, v.path, v.constraint) for v in ref.violations} == {
        (v.focus, v.path, v.constraint) for v in fast.violations
    }
