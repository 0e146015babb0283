"""Accuracy floors on the gold in the repository: a change that loses accuracy fails here.

The gold (tests/accuracy/gold) was annotated by reading each document whole, by the rules of
../shared/gold/README.md; the inputs are under tests/accuracy/inputs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import EvaluationReport, evaluate

ACC = Path(__file__).resolve().parent / "accuracy"

F1_FLOORS = {
    "citations": 0.98,
    "dates": 0.99,
    "bodies": 0.93,
    "state_votes": 0.99,
    "addressees": 0.95,
    "deadlines": 0.9,
}
EXACT_FLOORS = {
    "found": 1.0,
    "title": 0.98,
    "adopted": 0.98,
    "meeting": 0.98,
    "session": 0.98,
    "agenda_item": 0.98,
    "method": 0.98,
    "vote_counts": 0.98,
    "paragraphs": 0.98,
    "verbs": 0.98,
}


@pytest.fixture(scope="module")
def report() -> EvaluationReport:
    return evaluate([ACC / "inputs"], ACC / "gold")


def test_accuracy_gold_set_is_complete() -> None:
    inputs = {p.stem for p in (ACC / "inputs").iterdir()}
    gold = {p.name.removesuffix(".gold.json") for p in (ACC / "gold").glob("*.gold.json")}
    assert inputs == gold and len(gold) >= 16


@pytest.mark.parametrize(("field", "floor"), F1_FLOORS.items())
def test_accuracy_f1_floor(report: EvaluationReport, field: str, floor: float) -> None:
    assert report.sets[field].f1 >= floor, report.sets[field]


@pytest.mark.parametrize(("field", "floor"), EXACT_FLOORS.items())
def test_accuracy_exact_floor(report: EvaluationReport, field: str, floor: float) -> None:
    assert report.accuracy(field) >= floor, {
        s: d.get("wrong") for s, d in report.documents.items() if d.get("wrong")
    }


def test_accuracy_build_had_no_errors(report: EvaluationReport) -> None:
    assert report.build_exit_code == 0
