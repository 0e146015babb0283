"""Publishing: resource pages with content negotiation, VoID, dumps, removal, the row cap."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kg.publish.pages import negotiate
from tests.conftest import ROOT, kg, resolution_symbols, served

RES = "/doc/A/HRC/RES/28/2"


@pytest.mark.parametrize(
    ("accept", "fmt", "want"),
    [
        ("text/html,application/xhtml+xml", None, "text/html"),
        ("text/turtle", None, "text/turtle"),
        ("application/ld+json", None, "application/ld+json"),
        ("application/n-triples;q=0.9, application/rdf+xml;q=0.5", None, "application/n-triples"),
        ("*/*", None, "text/html"),
        ("application/json", None, None),
        ("text/html", "jsonld", "application/ld+json"),
        ("text/html", "pdf", None),
    ],
)
def test_publish_negotiate(accept: str, fmt: str | None, want: str | None) -> None:
    assert negotiate(accept, fmt) == want


@pytest.fixture(scope="module")
def server(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(sample_store, store)
    with served(store, "--max-rows", "5") as url:
        yield url


def test_publish_resolution_page_html(server: str) -> None:
    r = httpx.get(server + RES, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "Enhancement of international cooperation in the field of human rights" in page
    assert 'href="/doc/A/HRC/RES/25/3"' in page  # a citation, highlighted and linked
    assert 'class="m m-body" href="/body/' in page  # a body mention
    assert "without a vote" in page and "?format=ttl" in page
    assert "https://cdn" not in page and "<script src=" not in page  # nothing from outside hosts


def test_publish_recorded_vote_page(server: str) -> None:
    page = httpx.get(server + "/doc/A/HRC/RES/28/1").text
    assert "Recorded vote" in page and 'href="/state/GBR"' in page


@pytest.mark.parametrize(
    ("accept", "fmt", "ctype"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE, "text/turtle"),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES, "application/n-triples"),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML, "application/rdf+xml"),
    ],
)
def test_publish_rdf_by_content_negotiation(server: str, accept: str, fmt: ox.RdfFormat, ctype: str) -> None:
    r = httpx.get(server + RES, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(ctype)
    triples = list(ox.parse(r.content, format=fmt))
    subject = ox.NamedNode("https://w3id.org/unres" + RES)
    assert any(t.subject == subject for t in triples)
    cited = httpx.get(server + "/doc/A/HRC/RES/25/3", headers={"Accept": accept})
    inbound = [t for t in ox.parse(cited.content, format=fmt) if t.subject == subject]
    assert inbound  # a cited document's description carries the links to it (28/2 cito:cites 25/3)


def test_publish_jsonld_is_compacted_with_a_published_context(server: str) -> None:
    r = httpx.get(server + RES + "?format=jsonld")
    doc = r.json()
    assert doc["@context"].endswith("/context.jsonld") and doc["@graph"]
    node = next(n for n in doc["@graph"] if n["@id"].endswith(RES))
    assert (
        node["dcterms:identifier"] == {"@value": "A/HRC/RES/28/2"}
        or node["dcterms:identifier"] == "A/HRC/RES/28/2"
    )
    ctx = httpx.get(doc["@context"]).json()
    assert ctx["@context"]["dcterms"] == "http://purl.org/dc/terms/"
    # the compacted document expands to the same triples as the Turtle page
    expanded = ox.parse(
        json.dumps({"@context": ctx["@context"], "@graph": doc["@graph"]}).encode(),
        format=ox.RdfFormat.JSON_LD,
    )
    turtle = ox.parse(httpx.get(server + RES + "?format=ttl").content, format=ox.RdfFormat.TURTLE)
    assert {str(t) for t in expanded} == {str(t) for t in turtle}


def test_publish_406_and_404(server: str) -> None:
    assert httpx.get(server + RES, headers={"Accept": "application/json"}).status_code == 406
    assert httpx.get(server + "/doc/A/HRC/RES/99/99").status_code == 404


def test_publish_other_resources_are_browsable(server: str) -> None:
    body = httpx.get(server + "/body/office-of-the-united-nations-high-commissioner-for-human-rights").text
    assert "Office of the United Nations High Commissioner for Human Rights" in body and "Links here" in body
    state = httpx.get(server + "/state/GBR?format=ttl")
    assert state.status_code == 200 and b"GBR" in state.content


def test_publish_void(server: str) -> None:
    for path in ("/void", "/.well-known/void"):
        r = httpx.get(server + path)
        assert r.status_code == 200
        triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
        preds = {t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]: t.object for t in triples}
        assert int(preds["triples"].value) > 1000 and int(preds["entities"].value) == 6
        assert preds["uriSpace"].value == "https://w3id.org/unres/"
        assert preds["license"].value.startswith("https://creativecommons.org/")
        assert preds["sparqlEndpoint"].value.endswith("/sparql")


def test_publish_row_cap_is_announced(server: str) -> None:
    r = httpx.post(
        server + "/sparql",
        content="SELECT ?s WHERE { ?s ?p ?o } LIMIT 50",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    data = r.json()
    assert len(data["results"]["bindings"]) == 5 and data["truncated"] is True
    assert r.headers["x-result-truncated"].startswith("true")


def test_publish_dump(sample_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "dump"
    kg(
        "dump",
        "--store",
        str(sample_store),
        "--output",
        str(out),
        "--public-url",
        "https://example.org/dumps/",
    )
    names = sorted(p.name for p in out.iterdir())
    assert names == ["kg.jsonld", "kg.nq.gz", "kg.trig", "kg.ttl", "void.ttl"]
    quads = list(ox.parse(gzip.decompress((out / "kg.nq.gz").read_bytes()), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len(ox.Store.read_only(str(sample_store)))
    void = (out / "void.ttl").read_text()
    assert "https://example.org/dumps/kg.nq.gz" in void and "void:dataDump" in void


def test_publish_remove(sample_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    kg("remove", "A/HRC/RES/28/1", "A/HRC/RES/30/5", "--store", str(store))
    db = ox.Store.read_only(str(store))
    symbols = resolution_symbols(store)
    assert not symbols & {"A/HRC/RES/28/1", "A/HRC/RES/30/5"} and len(symbols) == 4
    # GBR is named only in those two votes in the sample: the state leaves the shared graph;
    # bodies used elsewhere stay
    assert not list(db.quads_for_pattern(ox.NamedNode("https://w3id.org/unres/state/GBR"), None, None, None))
    assert list(
        db.quads_for_pattern(
            ox.NamedNode("https://w3id.org/unres/body/human-rights-council"), None, None, None
        )
    )
    # nor is the build's content hash of the removed graphs kept; the others' are
    content_hash = ox.NamedNode("https://w3id.org/unres/ontology#contentHash")
    hashed = {q.subject.value for q in db.quads_for_pattern(None, content_hash, None, None)}
    assert len(hashed) == 4 and not any(h.endswith(("28/1", "30/5")) for h in hashed), hashed
    del db
    assert kg("validate", "--store", str(store)).returncode == 0
    missing = kg("remove", "A/HRC/RES/99/99", "--store", str(store), check=False)
    assert missing.returncode == 1 and "not in the store" in missing.stderr
    # building it again restores it
    again = kg("build", str(ROOT / "data" / "A_HRC_RES_28_1.txt"), "--store", str(store), "-q")
    assert "1 written" in again.stderr
