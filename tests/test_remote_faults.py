"""A server that fails: down before or during a publish, answering 500 or 414, too slow, a
connection cut before or after the server applied a request. Each test checks the outcome:
a status for every graph, exit code 1, every graph on the server old or new (never half
written), and the next publish finishes the job.

A fault-injecting proxy (`tests/faultproxy.py`) stands between the client and a real Oxigraph
server started on loopback.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.remote import (
    FAILED,
    PUBLISHED,
    UNCHANGED,
    Endpoint,
    Remote,
    graph_ntriples,
    publish,
    publishable_graphs,
)
from tests.conftest import kg
from tests.faultproxy import FaultProxy, fault_proxy
from tests.servers import Server, oxigraph_available, run_oxigraph
from tests.test_remote import _need

BASE = "https://w3id.org/unres/"


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[Server]:
    _need(oxigraph_available(), "the oxigraph server")
    with run_oxigraph(tmp_path / "oxigraph") as s:
        yield s


def client(query: str, update: str, *, retries: int = 2, timeout: float = 30.0) -> Remote:
    return Remote(Endpoint(query, update=update, retries=retries, timeout=timeout), sleep=lambda _: None)


def through(proxy: FaultProxy, s: Server, **kw: float) -> Remote:
    port = s.query_url.rsplit(":", 1)[1].split("/")[0]
    assert s.update_url.startswith(f"http://127.0.0.1:{port}/")
    return client(proxy.url + "/query", proxy.url + "/update", **kw)  # type: ignore[arg-type]


def direct(s: Server) -> Remote:
    return client(s.query_url, s.update_url)


def server_graph_hash(s: Server, graph: str) -> str:
    rows = direct(s).select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}")
    from kg.remote import _term

    lines = sorted(f"{_term(r['s'])} {_term(r['p'])} {_term(r['o'])} ." for r in rows)
    return hashlib.sha256((("\n".join(lines) + "\n") if lines else "").encode()).hexdigest()


def store_hashes(store: Path) -> dict[str, str]:
    db = ox.Store.read_only(str(store))
    return {
        g.value: hashlib.sha256(graph_ntriples(db, g)[0]).hexdigest() for g in publishable_graphs(db, BASE)
    }


def assert_old_or_new(s: Server, old: dict[str, str], new: dict[str, str]) -> None:
    empty = hashlib.sha256(b"").hexdigest()
    for g in sorted(set(old) | set(new)):
        got = server_graph_hash(s, g)
        assert got in (old.get(g, empty), new.get(g, empty)), f"{g} is neither old nor new"


def finish_and_check(s: Server, new_store: Path) -> None:
    """The next run completes the work: the server then holds exactly the new graphs."""
    db = ox.Store.read_only(str(new_store))
    result = publish(db, direct(s), base=BASE)
    assert result.count(FAILED) == 0
    for g, h in store_hashes(new_store).items():
        assert server_graph_hash(s, g) == h, g
    again = publish(db, direct(s), base=BASE)
    assert again.count(UNCHANGED) == len(again.outcomes)


@pytest.fixture
def old_on_server(oxigraph: Server, sample_store: Path) -> Server:
    """The server holds the graphs built from data/ (the old version)."""
    assert publish(ox.Store.read_only(str(sample_store)), direct(oxigraph), base=BASE).count(FAILED) == 0
    return oxigraph


def test_faults_server_down_before_publish(oxigraph: Server, sample_store: Path) -> None:
    from kg.publish.server import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    p = kg(
        "publish", "--store", str(sample_store), "--endpoint", dead + "/query", "--retries", "1", check=False
    )
    assert p.returncode == 1
    assert "cannot reach the server" in p.stderr and "after 2 attempts" in p.stderr
    assert "Traceback" not in p.stderr
    finish_and_check(oxigraph, sample_store)


@pytest.mark.parametrize("fault", ["500", "503", "cut", "lost", "slow"])
def test_faults_transient_failures_are_retried(
    old_on_server: Server, sample_store: Path, new_sample_store: Path, fault: str
) -> None:
    with fault_proxy(old_on_server.base_url, slow_seconds=2.5) as proxy:
        # the log read passes, then every graph's first request fails once
        proxy.plan = ["ok"] + [fault, "ok"] * 20
        result = publish(
            ox.Store.read_only(str(new_sample_store)), through(proxy, old_on_server, timeout=1.5), base=BASE
        )
    assert result.count(FAILED) == 0 and result.count(PUBLISHED) == 7, result.outcomes
    assert sum(1 for a, _ in proxy.seen if a == fault) == 7  # one failure per graph, each retried
    for g, h in store_hashes(new_sample_store).items():
        assert server_graph_hash(old_on_server, g) == h


@pytest.mark.parametrize("fault", ["500", "slow"])
def test_faults_persistent_failure_is_reported_per_graph(
    old_on_server: Server, sample_store: Path, new_sample_store: Path, fault: str
) -> None:
    with fault_proxy(old_on_server.base_url, slow_seconds=2.5) as proxy:
        proxy.plan = ["ok", "ok"]  # the log read and the first graph pass
        proxy.default = fault
        result = publish(
            ox.Store.read_only(str(new_sample_store)), through(proxy, old_on_server, timeout=1), base=BASE
        )
    assert result.count(PUBLISHED) == 1 and result.count(FAILED) == 6 and result.exit_code == 1
    failed = [o for o in result.outcomes if o.status == FAILED]
    want = "HTTP 500" if fault == "500" else "timed out"
    assert all(want in o.message and "after 3 attempts" in o.message for o in failed), failed
    assert_old_or_new(old_on_server, store_hashes(sample_store), store_hashes(new_sample_store))
    finish_and_check(old_on_server, new_sample_store)


def test_faults_414_is_not_retried(old_on_server: Server, sample_store: Path, new_sample_store: Path) -> None:
    with fault_proxy(old_on_server.base_url) as proxy:
        proxy.plan = ["ok", "414"]
        result = publish(ox.Store.read_only(str(new_sample_store)), through(proxy, old_on_server), base=BASE)
    failed = [o for o in result.outcomes if o.status == FAILED]
    assert len(failed) == 1 and "414" in failed[0].message and "attempts" not in failed[0].message
    assert result.count(PUBLISHED) == 6
    assert sum(1 for a, _ in proxy.seen if a == "414") == 1
    assert_old_or_new(old_on_server, store_hashes(sample_store), store_hashes(new_sample_store))
    finish_and_check(old_on_server, new_sample_store)


def test_faults_server_goes_down_mid_publish(
    old_on_server: Server, sample_store: Path, new_sample_store: Path
) -> None:
    with fault_proxy(old_on_server.base_url) as proxy:
        proxy.plan = ["ok", "ok", "ok", "ok", "down"]
        result = publish(ox.Store.read_only(str(new_sample_store)), through(proxy, old_on_server), base=BASE)
    assert result.count(PUBLISHED) == 3 and result.count(FAILED) == 4
    assert all("cannot reach the server" in o.message for o in result.outcomes if o.status == FAILED)
    assert_old_or_new(old_on_server, store_hashes(sample_store), store_hashes(new_sample_store))
    finish_and_check(old_on_server, new_sample_store)


def test_faults_cli_reports_each_graph_and_exits_1(
    old_on_server: Server, new_sample_store: Path, tmp_path: Path
) -> None:
    with fault_proxy(old_on_server.base_url) as proxy:
        proxy.plan = ["ok", "ok"]
        proxy.default = "500"
        report = tmp_path / "report.json"
        p = kg(
            "publish",
            "--store",
            str(new_sample_store),
            "--endpoint",
            proxy.url + "/query",
            "--update-endpoint",
            proxy.url + "/update",
            "--retries",
            "0",
            "--report",
            str(report),
            check=False,
        )
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert "1 published" in p.stderr and "6 failed" in p.stderr
    assert p.stderr.count("failed: https://w3id.org/unres/graph/") == 6
    import json

    statuses = [o["status"] for o in json.loads(report.read_text())]
    assert statuses.count("failed") == 6 and statuses.count("published") == 1


@pytest.mark.parametrize("server_name", ["oxigraph", "virtuoso"])
def test_faults_publish_killed_leaves_each_graph_old_or_new(
    server_name: str, sample_store: Path, new_sample_store: Path, tmp_path: Path
) -> None:
    """`kg publish` killed with SIGKILL at random points (fixed seed), against both servers:
    every graph on the server is its old or new version, and the next publish finishes."""
    import random
    import signal
    import subprocess
    import time

    from tests.conftest import KG, ROOT
    from tests.servers import run_virtuoso, virtuoso_available

    if server_name == "oxigraph":
        _need(oxigraph_available(), "the oxigraph server")
        runner = run_oxigraph
    else:
        _need(virtuoso_available(), "Virtuoso (Debian package virtuoso-opensource)")
        runner = run_virtuoso
    old, new = store_hashes(sample_store), store_hashes(new_sample_store)
    rng = random.Random(20261128)
    with runner(tmp_path / server_name) as s:
        args = [
            "--endpoint",
            s.query_url,
            "--update-endpoint",
            s.update_url,
            "--graph-store",
            s.graph_store_url,
        ]
        start = time.monotonic()  # how long a whole publish takes here, start-up included
        kg("publish", "--store", str(new_sample_store), *args, "--force")
        whole = time.monotonic() - start
        landed: list[int] = []  # graphs already new when the kill came
        for i in range(8):
            assert publish(ox.Store.read_only(str(sample_store)), direct(s), base=BASE).count(FAILED) == 0
            proc = subprocess.Popen(
                [*KG, "publish", "--store", str(new_sample_store), *args, "--force"],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.5, 1.0) * whole)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            assert_old_or_new(s, old, new)
            landed.append(sum(server_graph_hash(s, g) == h for g, h in new.items() if old.get(g) != h))
            assert (
                publish(ox.Store.read_only(str(new_sample_store)), direct(s), base=BASE).count(FAILED) == 0
            ), i
            for g, h in new.items():
                assert server_graph_hash(s, g) == h, (i, g)
        print(
            f"{server_name}: graphs already new at each kill: {landed} of "
            f"{sum(old.get(g) != h for g, h in new.items())}"
        )
