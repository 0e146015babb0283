"""VoID + DCAT: a description of the dataset, for catalogues and linked-data crawlers."""

from __future__ import annotations

from datetime import UTC, datetime

import pyoxigraph as ox

from kg import __version__
from kg.rdf.namespaces import DEFAULT_BASE, PREFIXES

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"

COUNTS = """
PREFIX unres: <https://w3id.org/unres/ontology#>
SELECT (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } }
"""
RESOLUTIONS = """
PREFIX unres: <https://w3id.org/unres/ontology#>
SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a unres:Resolution }
"""


EXAMPLE = """
PREFIX unres: <https://w3id.org/unres/ontology#>
SELECT ?r WHERE { ?r a unres:Resolution } ORDER BY ?r LIMIT 1
"""


def _one(store: ox.Store, query: str) -> str | None:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    for sol in result:
        value = sol[0]
        return value.value if isinstance(value, ox.NamedNode | ox.Literal) else None
    return None


def store_counts(store: ox.Store) -> dict[str, object]:
    """What VoID needs to know about an embedded store."""
    return {
        "triples": int(_one(store, COUNTS) or 0),
        "resolutions": int(_one(store, RESOLUTIONS) or 0),
        "example": _one(store, EXAMPLE),
    }


def void_triples(
    *,
    triples: int,
    resolutions: int,
    example: str | None = None,
    base: str = DEFAULT_BASE,
    licence: str = DEFAULT_LICENCE,
    endpoint: str | None = None,
    dumps: tuple[str, ...] = (),
    created: datetime | None = None,
) -> list[ox.Triple]:
    """The VoID/DCAT description of the dataset.

    Args:
        triples: the number of triples (counted over the named graphs).
        resolutions: the number of resolutions (``void:entities``).
        example: an example resource IRI.
        base: the base IRI the resources are minted under (``void:uriSpace``).
        licence: the IRI of the licence of the data (``dcterms:license``).
        endpoint: the public SPARQL endpoint (``void:sparqlEndpoint``).
        dumps: URLs of the dump files (``void:dataDump``).
        created: when the dataset was generated; now by default.
    """
    now = (created or datetime.now(UTC)).replace(microsecond=0)
    ds = ox.NamedNode(base + "dataset")
    n = ox.NamedNode

    def lit(v: str, dt: str | None = None) -> ox.Literal:
        return ox.Literal(v, datatype=n(XSD + dt)) if dt else ox.Literal(v)

    t = [
        ox.Triple(ds, n(RDF + "type"), n(VOID + "Dataset")),
        ox.Triple(ds, n(RDF + "type"), n(DCAT + "Dataset")),
        ox.Triple(
            ds, n(DCTERMS + "title"), ox.Literal("United Nations resolutions as linked data", language="en")
        ),
        ox.Triple(
            ds,
            n(DCTERMS + "description"),
            ox.Literal(
                "Resolutions of the United Nations Human Rights Council and General Assembly: their "
                "paragraphs, adoption, recorded votes, citations, the bodies they name and address, with "
                "the provenance of every extracted fact in the source text.",
                language="en",
            ),
        ),
        ox.Triple(ds, n(DCTERMS + "license"), n(licence)),
        ox.Triple(ds, n(DCTERMS + "created"), lit(now.isoformat(), "dateTime")),
        ox.Triple(ds, n(DCTERMS + "modified"), lit(now.isoformat(), "dateTime")),
        ox.Triple(ds, n(DCTERMS + "creator"), lit("unres-kg")),
        ox.Triple(ds, n("https://w3id.org/unres/ontology#softwareVersion"), lit(f"unres-kg {__version__}")),
        ox.Triple(ds, n(VOID + "uriSpace"), lit(base)),
        ox.Triple(ds, n(VOID + "triples"), lit(str(triples), "integer")),
        ox.Triple(ds, n(VOID + "entities"), lit(str(resolutions), "integer")),
        ox.Triple(ds, n(VOID + "feature"), n("http://www.w3.org/ns/formats/N-Quads")),
        ox.Triple(ds, n(VOID + "feature"), n("http://www.w3.org/ns/formats/Turtle")),
        ox.Triple(ds, n(VOID + "feature"), n("http://www.w3.org/ns/formats/JSON-LD")),
    ]
    if example:
        t.append(ox.Triple(ds, n(VOID + "exampleResource"), n(example)))
    for prefix, iri in sorted(PREFIXES.items()):
        if prefix not in ("rdf", "rdfs", "xsd"):
            t.append(ox.Triple(ds, n(VOID + "vocabulary"), n(iri)))
    if endpoint:
        t.append(ox.Triple(ds, n(VOID + "sparqlEndpoint"), n(endpoint)))
    for url in dumps:
        t.append(ox.Triple(ds, n(VOID + "dataDump"), n(url)))
        dist = n(url + "#distribution")
        t.append(ox.Triple(ds, n(DCAT + "distribution"), dist))
        t.append(ox.Triple(dist, n(RDF + "type"), n(DCAT + "Distribution")))
        t.append(ox.Triple(dist, n(DCAT + "downloadURL"), n(url)))
        t.append(ox.Triple(dist, n(DCTERMS + "license"), n(licence)))
    return t


def void_turtle(triples: list[ox.Triple]) -> bytes:
    prefixes = {"void": VOID, "dcat": DCAT, "dcterms": DCTERMS, "xsd": XSD}
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
