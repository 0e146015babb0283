"""The citation network: built from the graph through SPARQL (embedded store or any endpoint),
measured with networkx, exported to GraphML, GEXF, CSV (OpenCitations COCI shape) and JSON.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

Select = Callable[[str], list[dict[str, str]]]

RESOLUTIONS = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX unres: <https://w3id.org/unres/ontology#>
SELECT ?r ?symbol ?title ?date ?body ?item WHERE {
  ?r a unres:Resolution ; dcterms:identifier ?symbol .
  OPTIONAL { ?r dcterms:title ?title }
  OPTIONAL { ?r eli:date_document ?date }
  OPTIONAL { ?r eli:passed_by/skos:prefLabel ?body }
  OPTIONAL { ?r unres:agendaItem/unres:itemNumber ?item }
}"""

CITATIONS = """
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX unres: <https://w3id.org/unres/ontology#>
SELECT ?r ?d ?cited ?name ?kind ?position ?text WHERE {
  ?r a unres:Resolution ; cito:cites ?d ; prov:wasDerivedFrom ?src .
  OPTIONAL { ?d dcterms:identifier ?cited }
  OPTIONAL { ?d skos:prefLabel ?name }
  OPTIONAL {
    ?a oa:hasBody ?d ; oa:hasTarget/oa:hasSource ?src ; unres:inParagraph ?p .
    ?p a ?kind ; unres:position ?position ; unres:text ?text .
  }
}"""

KINDS = (
    (r"^A/HRC/RES/", "HRC resolution"),
    (r"^A/HRC/DEC/", "HRC decision"),
    (r"^A/HRC/PRST/", "HRC President's statement"),
    (r"^A/RES/", "GA resolution"),
    (r"^A/DEC/", "GA decision"),
    (r"^S/RES/", "SC resolution"),
    (r"^S/PRST/", "SC presidential statement"),
    (r"^E/CN\.4/(?:Sub\.2/)?RES/", "Commission resolution"),
    (r"^E/CN\.4/(?:Sub\.2/)?DEC/", "Commission decision"),
    (r"^E/RES/", "ECOSOC resolution"),
    (r"/L\.\d+", "draft"),
    (r"^A/CONF\.", "conference document"),
)


def doc_type(symbol: str, name: str = "") -> str:
    """What a document is, by what its symbol says.

    >>> doc_type("A/HRC/RES/25/3"), doc_type("A/RES/217(III)"), doc_type("A/HRC/26/41")
    ('HRC resolution', 'GA resolution', 'report or other document')
    >>> doc_type("", "Charter of the United Nations")
    'named instrument'
    """
    if not symbol:
        return "named instrument"
    for pattern, kind in KINDS:
        if re.search(pattern, symbol):
            return kind
    return "report or other document"


def symbol_year(symbol: str) -> int | None:
    """The year a cited document's symbol implies, when it implies one (SC "(1981)", CHR "2001/5",
    GA session "60/251" -> 2005, HRC session "25/3" -> 2014)."""
    m = re.search(r"\((\d{4})\)$", symbol)
    if m:
        return int(m.group(1))
    m = re.match(r"^E/(?:CN\.4/)?(?:RES|DEC)/(\d{4})/", symbol)
    if m:
        return int(m.group(1))
    m = re.match(r"^A/(?:RES|DEC)/(\d{2})/", symbol)
    if m:
        return 1945 + int(m.group(1))  # the session opens in September of that year
    m = re.match(r"^A/HRC/(?:RES|DEC)/(\d{1,2})/", symbol)
    if m:
        return 2006 + (int(m.group(1)) - 1) // 3  # three regular sessions a year from 2006
    return None


@dataclass
class CitationNetwork:
    """A directed citation network with the attributes the exports and the report need."""

    graph: nx.DiGraph = field(default_factory=nx.DiGraph)

    @property
    def resolutions(self) -> list[str]:
        return [n for n, d in self.graph.nodes(data=True) if d.get("in_corpus")]

    def most_cited(self, n: int = 20) -> list[tuple[str, int]]:
        ranked = sorted(self.graph.in_degree(), key=lambda x: (-x[1], x[0]))
        return [(node, deg) for node, deg in ranked[:n] if deg > 0]

    def measures(self) -> dict[str, dict[str, float]]:
        """In- and out-degree, PageRank, HITS hubs and authorities, by node."""
        g = self.graph
        out: dict[str, dict[str, float]] = {n: {} for n in g}
        if not g.number_of_nodes():
            return out
        pr = nx.pagerank(g) if g.number_of_edges() else {n: 1 / len(g) for n in g}
        try:
            hubs, auths = nx.hits(g, max_iter=500) if g.number_of_edges() else ({}, {})
        except nx.PowerIterationFailedConvergence:
            hubs, auths = {}, {}
        for n in g:
            out[n] = {
                "in_degree": g.in_degree(n),
                "out_degree": g.out_degree(n),
                "pagerank": round(pr.get(n, 0.0), 6),
                "hub": round(hubs.get(n, 0.0), 6),
                "authority": round(auths.get(n, 0.0), 6),
            }
        return out

    def components(self) -> list[set[str]]:
        return sorted(nx.weakly_connected_components(self.graph), key=len, reverse=True)

    def communities(self, seed: int = 7) -> list[set[str]]:
        undirected = self.graph.to_undirected()
        if not undirected.number_of_edges():
            return [{n} for n in undirected]
        return sorted(nx.community.louvain_communities(undirected, seed=seed), key=len, reverse=True)

    def co_citation(self, node: str) -> Counter[str]:
        """Documents cited together with ``node``, by how many resolutions cite both."""
        counts: Counter[str] = Counter()
        for citing in self.graph.predecessors(node):
            for other in self.graph.successors(citing):
                if other != node:
                    counts[other] += 1
        return counts

    def coupling(self, node: str) -> Counter[str]:
        """Resolutions that share cited documents with ``node`` (bibliographic coupling)."""
        counts: Counter[str] = Counter()
        for cited in self.graph.successors(node):
            for other in self.graph.predecessors(cited):
                if other != node:
                    counts[other] += 1
        return counts

    def ages(self) -> list[float]:
        return [
            d["timespan_years"]
            for _, _, d in self.graph.edges(data=True)
            if d.get("timespan_years", "") != ""
        ]

    def neighbourhood(self, focus: str, depth: int = 1) -> CitationNetwork:
        """The sub-network within ``depth`` steps of ``focus``, in either direction."""
        nodes = set(nx.ego_graph(self.graph.to_undirected(as_view=True), focus, radius=depth))
        return CitationNetwork(self.graph.subgraph(nodes).copy())


def _label(node_symbol: str, name: str, iri: str) -> str:
    return node_symbol or name or iri


def build_network(select: Select) -> CitationNetwork:
    """Build the network from a ``select(query) -> rows`` function (see ``kg.store.select``)."""
    g = nx.DiGraph()
    by_iri: dict[str, str] = {}
    for row in select(RESOLUTIONS):
        sym = row["symbol"]
        by_iri[row["r"]] = sym
        if sym in g:
            continue
        g.add_node(
            sym,
            label=sym,
            title=row.get("title", ""),
            date=row.get("date", "")[:10],
            year=int(row["date"][:4]) if row.get("date") else "",
            body=row.get("body", ""),
            agenda_item=row.get("item", ""),
            kind=doc_type(sym),
            in_corpus=True,
            iri=row["r"],
        )
    paragraphs: dict[tuple[str, str], set[str]] = {}
    texts: dict[tuple[str, str], list[str]] = {}
    for row in select(CITATIONS):
        citing = by_iri.get(row["r"])
        if citing is None:
            continue
        cited = by_iri.get(row["d"]) or _label(row.get("cited", ""), row.get("name", ""), row["d"])
        if cited not in g:
            year = symbol_year(row.get("cited", ""))
            g.add_node(
                cited,
                label=cited,
                title=row.get("name", ""),
                date="",
                year=year if year else "",
                body="",
                agenda_item="",
                kind=doc_type(row.get("cited", ""), row.get("name", "")),
                in_corpus=False,
                iri=row["d"],
            )
        if "position" in row:
            code = "PP" if row.get("kind", "").endswith("PreambularParagraph") else "OP"
            paragraphs.setdefault((citing, cited), set()).add(f"{code}{row['position']}")
            texts.setdefault((citing, cited), []).append(row.get("text", ""))
        else:
            paragraphs.setdefault((citing, cited), set())
    for (citing, cited), paras in paragraphs.items():
        a, b = g.nodes[citing], g.nodes[cited]
        span: float | str = ""
        if a.get("date") and b.get("date"):
            span = round((date.fromisoformat(a["date"]) - date.fromisoformat(b["date"])).days / 365.25, 2)
        elif a.get("year") != "" and b.get("year") != "":
            span = float(a["year"] - b["year"])
        ordered = sorted(paras, key=lambda p: (p[:2] != "PP", int(p[2:])))
        g.add_edge(
            citing,
            cited,
            paragraphs=" ".join(ordered),
            preambular=any(p.startswith("PP") for p in paras),
            operative=any(p.startswith("OP") for p in paras),
            citing_date=a.get("date", ""),
            cited_date=b.get("date", ""),
            timespan_years=span,
            latest_of_series=any(_LATEST.search(t) for t in texts.get((citing, cited), [])),
        )
    return CitationNetwork(g)


_LATEST = re.compile(
    r"\b(?:the\s+)?(?:latest|most\s+recent|last)(?:\s+of\s+which|\s+(?:one\s+)?being|\s+of\s+these)\b"
    r"|\bmost\s+recently\b",
    re.I,
)


# --- exports ---------------------------------------------------------------------------------------


def _scalar_graph(g: nx.DiGraph) -> nx.DiGraph:
    """A copy whose attributes are str/int/float/bool, one type per attribute (what GraphML and
    GEXF accept): an attribute whose values mix types ("" for unknown years) becomes a string."""

    def mixed(items: Iterable[dict[str, Any]]) -> set[str]:
        types: dict[str, set[type]] = {}
        for d in items:
            for k, v in d.items():
                types.setdefault(k, set()).add(type(v))
        return {k for k, t in types.items() if len(t) > 1}

    node_mixed = mixed(d for _, d in g.nodes(data=True))
    edge_mixed = mixed(d for _, _, d in g.edges(data=True))
    h = nx.DiGraph()
    for n, d in g.nodes(data=True):
        h.add_node(n, **{k: (str(v) if k in node_mixed else v) for k, v in d.items() if v is not None})
    for a, b, d in g.edges(data=True):
        h.add_edge(a, b, **{k: (str(v) if k in edge_mixed else v) for k, v in d.items() if v is not None})
    return h


def coci_rows(net: CitationNetwork) -> Iterable[dict[str, Any]]:
    """Edges in the shape of OpenCitations COCI (citing, cited, creation, timespan) plus ours."""
    for a, b, d in net.graph.edges(data=True):
        span = d.get("timespan_years", "")
        yield {
            "oci": f"{a}-{b}",
            "citing": a,
            "cited": b,
            "creation": d.get("citing_date", ""),
            "timespan": _iso_duration(span) if span != "" else "",
            "citing_paragraphs": d.get("paragraphs", ""),
            "cited_type": net.graph.nodes[b].get("kind", ""),
            "cited_in_corpus": net.graph.nodes[b].get("in_corpus", False),
            "timespan_years": span,
        }


def _iso_duration(years: float) -> str:
    sign = "-" if years < 0 else ""
    y = abs(years)
    whole = int(y)
    months = round((y - whole) * 12)
    if months == 12:
        whole, months = whole + 1, 0
    return f"{sign}P{whole}Y{months}M"


def export(net: CitationNetwork, output: str | Path, *, fmt: str) -> Path:
    """Write the network: ``graphml``, ``gexf``, ``csv`` (COCI shape) or ``json`` (node-link)."""
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        nx.write_graphml(_scalar_graph(net.graph), out)
    elif fmt == "gexf":
        nx.write_gexf(_scalar_graph(net.graph), out)
    elif fmt == "csv":
        rows = list(coci_rows(net))
        with out.open("w", newline="", encoding="utf-8") as f:
            fields = [
                "oci",
                "citing",
                "cited",
                "creation",
                "timespan",
                "citing_paragraphs",
                "cited_type",
                "cited_in_corpus",
                "timespan_years",
            ]
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)
    elif fmt == "json":
        data = nx.node_link_data(net.graph, edges="links")
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        raise ValueError(f"unknown network format {fmt!r}: graphml, gexf, csv or json")
    return out
