"""The citation network: built through SPARQL, measured, exported (round trip), lineages."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from kg.analysis import CitationNetwork, build_network, chains, export, follows
from kg.analysis.network import doc_type, symbol_year
from kg.store import select
from tests.conftest import kg


@pytest.fixture(scope="module")
def net(sample_store: Path) -> CitationNetwork:
    store = ox.Store.read_only(str(sample_store))
    return build_network(lambda q: select(store, q))


@pytest.mark.parametrize(
    ("symbol", "kind"),
    [
        ("A/HRC/RES/25/3", "HRC resolution"),
        ("A/HRC/DEC/1/104", "HRC decision"),
        ("A/RES/60/251", "GA resolution"),
        ("S/RES/497(1981)", "SC resolution"),
        ("E/CN.4/RES/2001/5", "Commission resolution"),
        ("A/78/L.1", "draft"),
        ("A/HRC/26/41", "report or other document"),
    ],
)
def test_network_doc_type(symbol: str, kind: str) -> None:
    assert doc_type(symbol) == kind


def test_network_symbol_year() -> None:
    assert (
        symbol_year("S/RES/497(1981)"),
        symbol_year("E/CN.4/RES/2001/5"),
        symbol_year("A/RES/60/251"),
    ) == (
        1981,
        2001,
        2005,
    )


def test_network_nodes_and_edges_match_the_graph(net: CitationNetwork, sample_store: Path) -> None:
    store = ox.Store.read_only(str(sample_store))
    cites = select(
        store,
        "PREFIX cito: <http://purl.org/spar/cito/> PREFIX unres: <https://w3id.org/unres/ontology#>"
        " SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?r a unres:Resolution ; cito:cites ?d }",
    )
    assert net.graph.number_of_edges() == int(cites[0]["n"])
    assert len(net.resolutions) == 6
    edge = net.graph.edges["A/HRC/RES/28/2", "A/HRC/RES/25/3"]
    assert edge["preambular"] and edge["latest_of_series"] and edge["paragraphs"] == "PP3"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_exports_round_trip(net: CitationNetwork, tmp_path: Path, fmt: str) -> None:
    path = export(net, tmp_path / f"n.{fmt}", fmt=fmt)
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert back.number_of_nodes() == net.graph.number_of_nodes()
    assert back.number_of_edges() == net.graph.number_of_edges()


def test_network_json_and_csv_exports(net: CitationNetwork, tmp_path: Path) -> None:
    import csv
    import json

    data = json.loads(export(net, tmp_path / "n.json", fmt="json").read_text())
    assert (
        len(data["nodes"]) == net.graph.number_of_nodes()
        and len(data["links"]) == net.graph.number_of_edges()
    )
    rows = list(csv.DictReader(export(net, tmp_path / "n.csv", fmt="csv").open()))
    assert len(rows) == net.graph.number_of_edges()
    assert {"citing", "cited", "creation", "timespan"} <= set(rows[0])


def test_network_measures(net: CitationNetwork) -> None:
    m = net.measures()
    assert abs(sum(v["pagerank"] for v in m.values()) - 1) < 0.01
    assert net.most_cited(1)[0][1] >= 2
    assert net.components() and net.communities()


def test_network_lineage_series() -> None:
    g = nx.DiGraph()
    for n, year, corpus in (
        ("A/HRC/RES/25/3", 2014, False),
        ("A/HRC/RES/28/2", 2015, True),
        ("A/RES/69/179", 2014, False),
    ):
        g.add_node(
            n, kind=doc_type(n), year=year, date=f"{year}-03-01" if corpus else "", in_corpus=corpus, title=""
        )
    g.add_edge("A/HRC/RES/28/2", "A/HRC/RES/25/3", latest_of_series=True)
    g.add_edge("A/HRC/RES/28/2", "A/RES/69/179", latest_of_series=True)  # another body's series
    links = follows(CitationNetwork(g))
    assert [(f.later, f.earlier, f.reason) for f in links] == [("A/HRC/RES/28/2", "A/HRC/RES/25/3", "series")]
    assert chains(links) == [["A/HRC/RES/25/3", "A/HRC/RES/28/2"]]


def test_network_lineage_same_title() -> None:
    g = nx.DiGraph()
    for n, d in (("A/RES/78/1", "2023-12-19"), ("A/RES/79/1", "2024-12-17"), ("A/RES/80/1", "2025-12-15")):
        g.add_node(
            n,
            kind="GA resolution",
            year=int(d[:4]),
            date=d,
            in_corpus=True,
            title="The right to food",
            body="GA",
        )
    assert chains(follows(CitationNetwork(g))) == [["A/RES/78/1", "A/RES/79/1", "A/RES/80/1"]]


def test_network_cli_report_and_write(sample_store: Path, tmp_path: Path) -> None:
    import shutil

    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    (store / "LOCK").unlink(missing_ok=True)
    out = tmp_path / "report"
    kg(
        "network",
        "--store",
        str(store),
        "--out",
        str(out),
        "--focus",
        "A/HRC/RES/28/2",
        "--depth",
        "2",
        "--write",
    )
    for name in (
        "index.html",
        "most-cited.png",
        "in-degree.png",
        "per-year.png",
        "focus.png",
        "citations.graphml",
    ):
        assert (out / name).stat().st_size > 0, name
    html = (out / "index.html").read_text()
    assert "A/HRC/RES/25/3" in html and "Lineages" in html
    rows = kg("query", "@queries/lineages.rq", "--store", str(store), "--format", "csv").stdout
    assert "A/HRC/RES/28/2,A/HRC/RES/25/3" in rows
