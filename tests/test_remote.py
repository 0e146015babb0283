"""Real SPARQL servers: `kg publish`, `kg query --endpoint`, `kg build --endpoint` and
`kg remove --endpoint` against Oxigraph server and Virtuoso started on loopback by
`tests/servers.py`; every contract query answers as on the embedded store.

The servers are skipped when their binaries are missing, unless KG_REQUIRE_SERVERS=1 (CI).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.remote import Endpoint, Remote, graph_ntriples, publishable_graphs
from tests.conftest import CQ_DIR, ROOT, kg
from tests.servers import Server, oxigraph_available, run_oxigraph, run_virtuoso, virtuoso_available

CQS = sorted(CQ_DIR.glob("*.rq"))
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
REQUIRE = os.environ.get("KG_REQUIRE_SERVERS") == "1"


def _need(available: bool, what: str) -> None:
    if not available:
        if REQUIRE:
            pytest.fail(f"{what} is required (KG_REQUIRE_SERVERS=1) but not installed")
        pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if request.param == "oxigraph":
        _need(oxigraph_available(), "the oxigraph server")
        with run_oxigraph(tmp_path_factory.mktemp("oxigraph")) as s:
            yield s
    else:
        _need(virtuoso_available(), "Virtuoso (Debian package virtuoso-opensource)")
        with run_virtuoso(tmp_path_factory.mktemp("virtuoso")) as s:
            yield s


def endpoint_args(s: Server, *, gsp: bool = False) -> list[str]:
    args = ["--endpoint", s.query_url, "--update-endpoint", s.update_url]
    if gsp:
        args += ["--graph-store", s.graph_store_url]
    if s.user:
        args += ["--user", s.user, "--auth", s.auth or "basic"]
    return args


def env(s: Server) -> dict[str, str]:
    return {"KG_PASSWORD": s.password} if s.password else {}


def remote(s: Server, **kw: object) -> Remote:
    ep = Endpoint(
        s.query_url,
        update=s.update_url,
        user=s.user,
        password=s.password,
        auth=s.auth or "basic",
        **kw,  # type: ignore[arg-type]
    )
    return Remote(ep, sleep=lambda _: None)


def _value(b: dict[str, str] | None) -> str | None:
    """A binding's value, with literal forms normalised: Virtuoso writes xsd:date with a time zone."""
    if b is None:
        return None
    v = b["value"]
    if b.get("datatype") == XSD_DATE and len(v) > 10:
        v = v[:10]
    return v


def remote_rows(s: Server, query: str) -> list[str]:
    data = json.loads(remote(s).query(query))
    names = data["head"]["vars"]
    return sorted(str([_value(b.get(n)) for n in names]) for b in data["results"]["bindings"])


def local_rows(store: Path, query: str) -> list[str]:
    db = ox.Store.read_only(str(store))
    result = db.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return sorted(str([(r[n].value if r[n] is not None else None) for n in names]) for r in result)


def count_triples(s: Server) -> int:
    rows = remote(s).select(  # Virtuoso has system graphs of its own
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        'FILTER(STRSTARTS(STR(?g), "https://w3id.org/unres/")) }'
    )
    return int(rows[0]["n"]["value"])


def wipe(s: Server) -> None:
    rows = remote(s).select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    for r in rows:
        g = r["g"]["value"]
        if g.startswith("https://w3id.org/unres/"):
            remote(s).update(f"DROP SILENT GRAPH {ox.NamedNode(g)}")


@pytest.mark.parametrize("gsp", [False, True], ids=["update", "graph-store"])
def test_remote_publish_answers_every_cq_like_the_store(
    server: Server, sample_store: Path, gsp: bool
) -> None:
    wipe(server)
    p = kg("publish", "--store", str(sample_store), *endpoint_args(server, gsp=gsp), env=env(server))
    assert "0 failed" in p.stderr and " published" in p.stderr
    for cq in CQS:
        q = cq.read_text(encoding="utf-8")
        assert remote_rows(server, q) == local_rows(sample_store, q), f"{server.name}: {cq.name}"
    # published twice: nothing sent, nothing changes
    n = count_triples(server)
    p = kg("publish", "--store", str(sample_store), *endpoint_args(server, gsp=gsp), env=env(server))
    assert "0 published" in p.stderr and "7 unchanged" in p.stderr
    assert count_triples(server) == n
    # forced: every graph replaced, still the same triples
    kg("publish", "--store", str(sample_store), *endpoint_args(server, gsp=gsp), "--force", env=env(server))
    assert count_triples(server) == n
    db = ox.Store.read_only(str(sample_store))
    graphs = publishable_graphs(db, "https://w3id.org/unres/")
    assert n == sum(graph_ntriples(db, g)[1] for g in graphs) + len(graphs)  # + one log entry per graph


def test_remote_query_endpoint(server: Server, sample_store: Path) -> None:
    wipe(server)
    kg("publish", "--store", str(sample_store), *endpoint_args(server), env=env(server))
    args = ["--endpoint", server.query_url] + (
        ["--user", server.user, "--auth", server.auth or "basic"] if server.user else []
    )
    p = kg("query", f"@{CQ_DIR / '01-resolution.rq'}", *args, "--format", "json", env=env(server))
    symbols = {r["symbol"] for r in json.loads(p.stdout)}
    assert "A/HRC/RES/28/2" in symbols and len(symbols) == 6
    p = kg("query", "ASK { ?s ?p ?o }", *args, env=env(server))
    assert p.stdout.strip() == "true"
    p = kg("query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3", *args, env=env(server))
    assert len(list(ox.parse(p.stdout.encode(), format=ox.RdfFormat.N_TRIPLES))) == 3


def test_remote_remove_drops_the_graph_on_the_server(
    server: Server, sample_store: Path, tmp_path: Path
) -> None:
    wipe(server)
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    kg("publish", "--store", str(store), *endpoint_args(server), env=env(server))
    p = kg("remove", "A/HRC/RES/28/2", "--store", str(store), *endpoint_args(server), env=env(server))
    assert "1 graphs dropped" in p.stdout
    q = (CQ_DIR / "01-resolution.rq").read_text(encoding="utf-8")
    assert remote_rows(server, q) == local_rows(store, q)
    assert not any("'A/HRC/RES/28/2'" in row for row in remote_rows(server, q))
    for cq in CQS:
        text = cq.read_text(encoding="utf-8")
        assert remote_rows(server, text) == local_rows(store, text), cq.name


def test_remote_build_through_the_update_endpoint(server: Server, tmp_path: Path) -> None:
    wipe(server)
    data = ROOT / "data"
    auth = ["--user", server.user, "--auth", server.auth or "basic"] if server.user else []
    build = ["build", str(data), "--store", str(tmp_path / "unused"), *endpoint_args(server)[:4], *auth, "-q"]
    p = kg(*build, env=env(server))
    assert "6 written" in p.stderr and not (tmp_path / "unused").exists()
    # the same graphs as an embedded build
    kg("build", str(data), "--store", str(tmp_path / "local"), "-q")
    for cq in CQS:
        text = cq.read_text(encoding="utf-8")
        assert remote_rows(server, text) == local_rows(tmp_path / "local", text), cq.name
    # and the graphs' content hashes, as an embedded build keeps them
    hashes = "SELECT ?g ?h WHERE { GRAPH ?m { ?g <https://w3id.org/unres/ontology#contentHash> ?h } }"
    assert len(remote_rows(server, hashes)) == 6
    assert remote_rows(server, hashes) == local_rows(tmp_path / "local", hashes)
    # the build records are on the server: nothing is rebuilt
    p = kg(*build, env=env(server))
    assert "6 unchanged" in p.stderr


def test_remote_digest_auth_on_virtuoso(sample_store: Path, tmp_path: Path) -> None:
    """Virtuoso's authenticated endpoints (/sparql-auth, /sparql-graph-crud-auth) with digest
    auth; the password comes from KG_PASSWORD, and without one the command says so."""
    _need(virtuoso_available(), "Virtuoso (Debian package virtuoso-opensource)")
    with run_virtuoso(tmp_path / "virtuoso", authenticated=True) as s:
        assert s.user and s.password and s.auth == "digest"
        p = kg(
            "publish", "--store", str(sample_store), *endpoint_args(s), check=False, env={"KG_PASSWORD": ""}
        )
        assert p.returncode == 2 and "KG_PASSWORD" in p.stderr
        p = kg("publish", "--store", str(sample_store), *endpoint_args(s, gsp=True), env=env(s))
        assert "7 published" in p.stderr and "0 failed" in p.stderr
        q = (CQ_DIR / "08-most-cited.rq").read_text(encoding="utf-8")
        assert remote_rows(s, q) == local_rows(sample_store, q)
        # a wrong password is a clear, non-retried failure
        p = kg(
            "publish",
            "--store",
            str(sample_store),
            *endpoint_args(s),
            "--force",
            check=False,
            env={"KG_PASSWORD": "wrong"},
        )
        assert p.returncode == 1 and "401" in p.stderr and "Traceback" not in p.stderr
