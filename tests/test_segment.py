"""Segment: paragraphs, lead verbs, titles and adoption blocks, from real phrases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.ingest import ingest, ingest_bytes
from kg.segment import lead_verb, segment
from tests.conftest import EXAMPLE, FIXTURES

ACC = Path(__file__).resolve().parent / "accuracy"


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("Also requests the Office of the High Commissioner to make clear", "requests"),
        ("Requests further the Secretary-General", "requests"),
        ("Takes note with appreciation of the report of the Special Rapporteur;", "takes note"),
        ("Also takes note of the compilation prepared by the Office", "takes note"),
        ("Calls upon States, specialized agencies and intergovernmental organizations", "calls upon"),
        ("Further calls upon all States", "calls upon"),
        ("Calls once again upon all States", "calls upon"),
        ("Calls for the immediate release", "calls for"),
        ("Expresses its grave concern at", "expresses"),
        ("Decides also to continue", "decides"),
        ("Strongly condemns the terrorist attacks", "condemns"),
        ("Decides to continue its consideration of the matter in 2016", "decides"),
    ],
)
def test_segment_lead_verb(text: str, verb: str) -> None:
    assert lead_verb(text)[1] == verb


def test_segment_original_example_matches_gold() -> None:
    gold = json.loads((FIXTURES / "000_44671227e59e4216.gold.json").read_text())
    res = segment(ingest(EXAMPLE)[0])
    assert res.symbol == gold["symbol"]
    assert res.number == gold["number"]
    assert res.title == gold["title"]  # completed from OP26's quotation
    assert (res.session_number, res.session_kind) == (28, "regular")
    assert res.agenda_items == (gold["agenda_item"],)
    assert len(res.preambular) == gold["preambular_paragraphs"]
    assert len(res.operative) == gold["operative_paragraphs"]
    assert [p.verb for p in res.operative] == gold["operative_verbs"]
    assert res.adoption.meeting == 55
    assert res.adoption.date is not None and res.adoption.date.isoformat() == gold["adopted"]
    assert res.adoption.method == "without a vote"
    # footnote symbols glued by OCR are taken out of the paragraph text, kept as footnotes
    assert {f.text for f in res.footnotes} == {"A/HRC/24/56", "A/HRC/19/50", "A/HRC/26/41"}
    assert "A/HRC/19/50" not in res.operative[14].text


def test_segment_recorded_vote_with_merged_paragraph() -> None:
    res = segment(ingest(ACC / "inputs" / "A_HRC_RES_28_1.txt")[0])
    ad = res.adoption
    assert (ad.method, ad.in_favour, ad.against, ad.abstaining) == ("recorded vote", 31, 16, 0)
    lists = {vl.option: [n for n, _ in vl.names] for vl in ad.lists}
    assert len(lists["in_favour"]) == 31 and len(lists["against"]) == 16
    assert "Bolivia (Plurinational State of)" in lists["in_favour"]
    assert "the former Yugoslav Republic of Macedonia" in lists["against"]
    # "...; 18 Requests the High Commissioner" inside paragraph 17 is its own paragraph
    assert len(res.operative) == 19
    assert res.operative[17].verb == "requests"


def test_segment_special_session() -> None:
    res = segment(ingest(ACC / "inputs" / "A_HRC_RES_S-24_1.txt")[0])
    assert res.symbol == "A/HRC/RES/S-24/1"
    assert (res.session_number, res.session_kind) == (24, "special")


def test_segment_general_assembly_json() -> None:
    res = segment(ingest(ACC / "inputs" / "A_RES_78_100.json")[0])
    gold = json.loads((ACC / "gold" / "A_RES_78_100.gold.json").read_text())
    assert res.symbol == "A/RES/78/100"
    assert res.title == gold["title"]
    assert res.adoption.meeting == gold["meeting"]
    assert res.adoption.method is None  # GA texts do not say how they were adopted
    assert len(res.operative) == gold["operative_paragraphs"]
    assert res.operative[4].subparagraphs and res.operative[4].subparagraphs[0][0] == "a"


def test_segment_no_paragraphs_is_an_input_error() -> None:
    from kg.errors import KgInputError

    with pytest.raises(KgInputError) as exc:
        segment(ingest_bytes(b"Human Rights Council\n28/2. Title\n\nnothing else here\n", path="t.txt")[0])
    assert exc.value.code == "E202"
    with pytest.raises(KgInputError) as exc:
        segment(ingest_bytes(b"Some unrelated text.\nMore text.\n", path="t.txt")[0])
    assert exc.value.code in ("E201", "E202")
