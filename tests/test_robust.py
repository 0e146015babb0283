"""Robustness: hostile text stays text, no network during a build, awkward symbols, duplicates,
and property tests (hypothesis) on ingest, segment, tag, link and map."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.build import build
from kg.errors import KgInputError
from kg.ingest import ingest_bytes
from kg.link import link
from kg.rdf import to_rdf
from kg.segment import segment
from kg.tag import tag
from tests.conftest import EXAMPLE, kg, resolution_symbols

HOSTILE = [
    '"> . <http://x/> <http://y/> <http://z/> .',
    "} ; DROP ALL ; #",
    "SERVICE <http://169.254.169.254/latest/meta-data/>",
    "\\u0022 \" ' \\n",
    '{"@context": "http://evil.example/context.jsonld"}',
]


def hostile_resolution() -> bytes:
    paras = "\n\n".join(f"Recalling {h},\n" for h in HOSTILE)
    return (
        "Human Rights Council\nTwenty-eighth session\n28/77. A hostile test\nThe Human Rights Council,\n"
        f"{paras}\n1. Decides to remain seized of the matter ({HOSTILE[1]});\n"
    ).encode()


def test_robust_hostile_text_stays_literal(tmp_path: Path) -> None:
    f = tmp_path / "hostile.txt"
    f.write_bytes(hostile_resolution())
    store = tmp_path / "store"
    result = build([f], store=store)
    assert result.exit_code == 0
    db = ox.Store.read_only(str(store))
    iris = {
        t.value
        for q in db
        for t in (q.subject, q.predicate, q.object, q.graph_name)
        if isinstance(t, ox.NamedNode)
    }
    assert not {"http://x/", "http://y/", "http://z/"} & iris  # no injected triples
    assert not any("169.254" in i or "evil.example" in i for i in iris)
    texts = [
        q.object.value
        for q in db.quads_for_pattern(None, ox.NamedNode("https://w3id.org/unres/ontology#text"), None, None)
    ]
    for h in HOSTILE:
        assert any(h in t for t in texts), h  # every hostile string is kept, as a literal
    graphs = {g.value for g in db.named_graphs()}
    assert graphs == {
        "https://w3id.org/unres/graph/A/HRC/RES/28/77",
        "https://w3id.org/unres/graph/shared",
        "https://w3id.org/unres/graph/meta",
    }
    # the data round-trips through the serialisations
    quads = list(db)
    for fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        again = list(ox.parse(ox.serialize(quads, format=fmt), format=fmt))
        assert len(again) == len(quads)


def test_robust_no_network_during_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def guard(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network access during kg build")

    monkeypatch.setattr(socket.socket, "connect", guard)
    f = tmp_path / "hostile.txt"
    f.write_bytes(hostile_resolution())
    result = build([f, EXAMPLE], store=tmp_path / "store")
    monkeypatch.setattr(socket.socket, "connect", real_connect)
    assert result.exit_code == 0 and attempts == []


def test_robust_awkward_symbol_in_a_record(tmp_path: Path) -> None:
    text = (
        "General Assembly\nSeventy-eighth session\nThe General Assembly,\n"
        "Recalling its resolution 77/1,\n1. Decides to remain seized of the matter;\n"
    )
    f = tmp_path / "r.json"
    f.write_text(json.dumps({"symbol": ' a/res/78/900"> <x> ', "title": "A test", "text": text}))
    store = tmp_path / "store"
    assert build([f], store=store).exit_code == 0
    db = ox.Store.read_only(str(store))
    ids = resolution_symbols(store)
    assert ids == {"A/RES/78/900 X"}
    quads = list(db)
    for fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD):
        assert len(set(ox.parse(ox.serialize(quads, format=fmt), format=fmt))) == len(set(quads))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_robust_same_resolution_twice_later_file_wins(tmp_path: Path, jobs: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text(
        text.replace("[Adopted without a vote.]", "[Adopted without a vote.]\n"), encoding="utf-8"
    )
    p = kg("build", str(tmp_path / "in"), "--store", str(tmp_path / "s"), "--jobs", jobs)
    assert "the later file in sorted order wins" in p.stderr and "b.txt replaces" in p.stderr
    db = ox.Store.read_only(str(tmp_path / "s"))
    sources = {
        q.object.value
        for q in db.quads_for_pattern(None, ox.NamedNode("http://purl.org/dc/terms/source"), None, None)
    }
    assert sources == {"b.txt"}


def test_robust_bad_inputs_exit_2_and_the_others_are_built(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (bad / "nul.txt").write_bytes(b"Human Rights Council\x00\x00")
    (bad / "nopara.txt").write_text("Human Rights Council\n28/5. A title\nThe Human Rights Council,\n")
    (bad / "nosymbol.txt").write_text("Some text that is not a resolution.\nMore.\n")
    (bad / "notext.json").write_text('{"symbol": "A/RES/1/1"}')
    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    with (bad / "scan.pdf").open("wb") as f:
        w.write(f)
    (bad / "good.txt").write_bytes(EXAMPLE.read_bytes())
    p = kg("build", str(bad), "--store", str(tmp_path / "s"), "-q", check=False)
    assert p.returncode == 2
    for name, code in (
        ("empty.txt", "E101"),
        ("binary.txt", "E102"),
        ("nul.txt", "E102"),
        ("nopara.txt", "E202"),
        ("nosymbol.txt", "E20"),
        ("notext.json", "E104"),
        ("scan.pdf", "E103"),
    ):
        line = next((ln for ln in p.stderr.splitlines() if name in ln), "")
        assert code in line, (name, p.stderr)
    assert "1 written" in p.stderr


REAL = EXAMPLE.read_text(encoding="utf-8")


def run_pipeline(text: str) -> list[ox.Quad] | None:
    try:
        res = segment(ingest_bytes(text.encode("utf-8", "surrogatepass"), path="h.txt")[0])
    except KgInputError:
        return None
    return list(to_rdf(link(res, tag(res))).quads)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.integers(min_value=0, max_value=len(REAL)),
    inserts=st.lists(st.tuples(st.integers(0, len(REAL)), st.text(min_size=1, max_size=12)), max_size=6),
)
def test_robust_property_random_edits(cut: int, inserts: list[tuple[int, str]]) -> None:
    """Random Unicode and white space inserted, random truncation: nothing raises but our own
    input errors; offsets give their quotes; IRIs are valid; the same input gives the same graph."""
    text = REAL
    for pos, piece in sorted(inserts, reverse=True):
        text = text[:pos] + piece + text[pos:]
    text = text[: max(cut, len(text) // 3)]
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        return  # not encodable as UTF-8: not an input a file can hold
    quads = run_pipeline(text)
    if quads is None:
        return
    source = next(
        q.object.value
        for q in quads
        if q.predicate.value.endswith("ontology#text") and "/source/" in q.subject.value
    )
    starts = {
        q.subject.value: int(q.object.value)
        for q in quads
        if q.predicate.value == "http://www.w3.org/ns/oa#start"
    }
    ends = {
        q.subject.value: int(q.object.value)
        for q in quads
        if q.predicate.value == "http://www.w3.org/ns/oa#end"
    }
    exact = {
        q.subject.value.rsplit("/", 1)[0]: q.object.value
        for q in quads
        if q.predicate.value == "http://www.w3.org/ns/oa#exact"
    }
    for node, s in starts.items():
        ann = node.rsplit("/", 1)[0]
        assert source[s : ends[node]] == exact[ann]
    for q in quads:
        for term in (q.subject, q.predicate, q.object):
            if isinstance(term, ox.NamedNode):
                ox.NamedNode(term.value)  # valid IRI (raises otherwise)
    again = run_pipeline(text)
    assert again is not None and sorted(map(str, again)) == sorted(map(str, quads))
