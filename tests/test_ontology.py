"""The ontology: parses, is versioned, labels and comments every local term, aligns the classes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, URIRef

ROOT = Path(__file__).resolve().parent.parent
UNRES = "https://w3id.org/unres/ontology#"


def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "unres.ttl", format="turtle")


def test_ontology_is_versioned() -> None:
    g = ontology()
    onto = URIRef("https://w3id.org/unres/ontology")
    assert (onto, RDF.type, OWL.Ontology) in g
    assert g.value(onto, OWL.versionIRI) is not None
    assert g.value(onto, OWL.versionInfo) is not None


def test_ontology_every_local_term_is_labelled_and_commented() -> None:
    g = ontology()
    terms = {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(UNRES)}
    assert len(terms) > 40
    for t in terms:
        assert g.value(t, RDFS.label) is not None, t
        assert g.value(t, RDFS.comment) is not None, t


def test_ontology_resolution_is_an_eli_legal_resource() -> None:
    g = ontology()
    assert (
        URIRef(UNRES + "Resolution"),
        RDFS.subClassOf,
        URIRef("http://data.europa.eu/eli/ontology#LegalResource"),
    ) in g


def test_ontology_declares_every_unres_term_the_graph_uses(example_store: Path) -> None:
    g = ontology()
    declared = {str(s) for s in g.subjects() if str(s).startswith(UNRES)}
    store = ox.Store.read_only(str(example_store))
    used = set()
    for q in store.quads_for_pattern(None, None, None, None):
        for term in (q.predicate, q.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(UNRES):
                used.add(term.value)
    assert used <= declared, used - declared


def test_ontology_checks_return_no_rows(example_store: Path) -> None:
    store = ox.Store.read_only(str(example_store))
    for check in sorted((ROOT / "ontology" / "checks").glob("*-violation.rq")):
        rows = list(store.query(check.read_text(), use_default_graph_as_union=True))
        assert rows == [], check.name
