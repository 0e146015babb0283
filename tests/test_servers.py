"""The throw-away SPARQL servers of ``tests/servers.py`` start, take writes and answer queries.

Skipped when a server binary is absent, unless ``KG_REQUIRE_SERVERS=1`` (CI), which turns the skip into a
failure so a missing package cannot silently disable the integration tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

from tests.servers import Server, oxigraph_available, run_oxigraph, run_virtuoso, virtuoso_available

G = "http://example.org/graph/servers-test"
NT = (
    '<http://example.org/r/1> <http://purl.org/dc/terms/title> "Résolution \\"A\\"\\nline 2"@fr .\n'
    '<http://example.org/r/1> <http://purl.org/dc/terms/date> "2015-03-27"'
    "^^<http://www.w3.org/2001/XMLSchema#date> .\n"
    '<http://example.org/r/2> <http://purl.org/dc/terms/identifier> "A/RES/70/1" .\n'
)
SELECT = "SELECT ?s ?o WHERE { ?s <http://purl.org/dc/terms/title> ?o }"
COUNT_G = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}"


def require(available: bool, what: str) -> None:
    """Skip (or fail under ``KG_REQUIRE_SERVERS=1``) when a server binary is missing."""
    if available:
        return
    if os.environ.get("KG_REQUIRE_SERVERS") == "1":
        pytest.fail(f"{what} is not installed but KG_REQUIRE_SERVERS=1")
    pytest.skip(f"{what} is not installed")


def select(server: Server, query: str) -> list[dict[str, dict[str, str]]]:
    """Run a SELECT query, return the SPARQL JSON bindings."""
    r = httpx.post(
        server.query_url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        auth=server.httpx_auth(),
        timeout=30,
    )
    r.raise_for_status()
    bindings: list[dict[str, dict[str, str]]] = r.json()["results"]["bindings"]
    return bindings


def update(server: Server, text: str) -> None:
    """Run a SPARQL 1.1 Update (form-encoded POST)."""
    r = httpx.post(server.update_url, data={"update": text}, auth=server.httpx_auth(), timeout=60)
    assert r.status_code in (200, 204), r.text


def count(server: Server) -> int:
    return int(select(server, COUNT_G)[0]["n"]["value"])


def exercise(server: Server) -> None:
    """Update, query (the default graph is the union), Graph Store PUT/GET/DELETE, all round-tripped."""
    update(server, f"DROP SILENT GRAPH <{G}> ; INSERT DATA {{ GRAPH <{G}> {{ {NT} }} }}")
    assert count(server) == 3
    rows = select(server, SELECT)  # no FROM / GRAPH: must see the named graph
    assert len(rows) == 1
    o = rows[0]["o"]
    assert (o["value"], o.get("xml:lang")) == ('Résolution "A"\nline 2', "fr")

    auth = server.httpx_auth()
    nt = NT.replace("A/RES/70/1", "A/RES/70/2") + '<http://example.org/r/3> <http://example.org/p> "x" .\n'
    r = httpx.put(
        server.graph_url(G), content=nt.encode(), headers={"Content-Type": "application/n-triples"}, auth=auth
    )
    assert r.status_code in (200, 201, 204), r.text
    assert count(server) == 4  # PUT replaced the graph
    r = httpx.get(server.graph_url(G), headers={"Accept": "application/n-triples"}, auth=auth)
    assert r.status_code == 200 and "A/RES/70/2" in r.text and "A/RES/70/1" not in r.text
    r = httpx.delete(server.graph_url(G), auth=auth)
    assert r.status_code in (200, 204), r.text
    assert count(server) == 0


RUNNERS: dict[str, tuple[Callable[[], bool], Callable[[Path], AbstractContextManager[Server]]]] = {
    "oxigraph": (oxigraph_available, run_oxigraph),
    "virtuoso": (virtuoso_available, run_virtuoso),
    "virtuoso-auth": (virtuoso_available, lambda d: run_virtuoso(d, authenticated=True)),
}


@pytest.fixture(params=sorted(RUNNERS))
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    available, run = RUNNERS[request.param]
    require(available(), request.param.split("-")[0])
    with run(tmp_path) as s:
        yield s


def test_server_roundtrip(server: Server) -> None:
    exercise(server)


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_server_is_gone_after_exit(kind: str, tmp_path: Path) -> None:
    available, run = RUNNERS[kind]
    require(available(), kind)
    with run(tmp_path) as s:
        assert httpx.get(s.query_url, params={"query": "ASK {}"}).status_code == 200
        pid = s.pid
    assert pid is not None
    with pytest.raises(httpx.TransportError):
        httpx.get(s.query_url, params={"query": "ASK {}"}, timeout=2)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
