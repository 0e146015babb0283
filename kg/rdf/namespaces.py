"""Vocabularies the graph uses (see ``../shared/contract/VOCABULARY.md``)."""

from __future__ import annotations

from pyoxigraph import NamedNode

ELI = "http://data.europa.eu/eli/ontology#"
CITO = "http://purl.org/spar/cito/"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
UNRES = "https://w3id.org/unres/ontology#"
DEFAULT_BASE = "https://w3id.org/unres/"

PREFIXES = {
    "eli": ELI,
    "cito": CITO,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "org": ORG,
    "oa": OA,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "unres": UNRES,
}


class _NS:
    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        node = NamedNode(self._base + name)
        self.__dict__[name] = node  # made once: the mapper asks for the same terms a million times
        return node

    def __getitem__(self, name: str) -> NamedNode:
        return NamedNode(self._base + name)


eli = _NS(ELI)
cito = _NS(CITO)
dcterms = _NS(DCTERMS)
skos = _NS(SKOS)
org = _NS(ORG)
oa = _NS(OA)
prov = _NS(PROV)
rdf = _NS(RDF)
rdfs = _NS(RDFS)
xsd = _NS(XSD)
unres = _NS(UNRES)
