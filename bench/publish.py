"""Publishing to real SPARQL servers, side by side in one run: `kg publish` by SPARQL update and by
Graph Store PUT, against each server's own fastest way in, on the same store.

    python bench/publish.py STORE [--runs 3] [--servers oxigraph,virtuoso]

STORE is a store built by `kg build` (e.g. from ../shared/corpus/ga-78-80). Every figure is a
median over --runs runs, each into a fresh server started on loopback by tests/servers.py.
The baselines: Oxigraph's own dataset upload (`POST /store` of the whole N-Quads export) and, for
Virtuoso, one Graph Store PUT per graph with no retry, logging or hashing (the floor of our path).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.rdf.namespaces import DEFAULT_BASE
from kg.remote import Endpoint, Remote, graph_ntriples, publish, publishable_graphs, short_lines_first
from tests.servers import Server, run_oxigraph, run_virtuoso

RUNNERS = {"oxigraph": run_oxigraph, "virtuoso": run_virtuoso}


def remote_for(s: Server, *, gsp: bool) -> Remote:
    return Remote(
        Endpoint(
            s.query_url,
            update=s.update_url,
            graph_store=s.graph_store_url if gsp else None,
            user=s.user,
            password=s.password,
            auth=s.auth or "basic",
            timeout=600,
        )
    )


def timed(server: str, fn: Callable[[Server], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp, RUNNERS[server](Path(tmp)) as s:
            start = time.perf_counter()
            fn(s)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--servers", default="oxigraph,virtuoso")
    args = ap.parse_args()
    db = ox.Store.read_only(str(args.store))
    graphs = publishable_graphs(db, DEFAULT_BASE)
    payloads = {g.value: graph_ntriples(db, g) for g in graphs}
    triples = sum(n for _, n in payloads.values())
    nquads = b"".join(
        (ox.serialize(db.quads_for_pattern(None, None, None, g), format=ox.RdfFormat.N_QUADS) or b"")
        for g in graphs
    )
    print(f"store {args.store}: {len(graphs)} graphs, {triples:,} triples; medians of {args.runs} runs\n")
    print("| server | path | seconds | triples/s | ratio to baseline |\n|---|---|---|---|---|")
    for server in args.servers.split(","):
        if server == "oxigraph":

            def baseline(s: Server) -> None:
                r = httpx.post(
                    s.graph_store_url,
                    content=nquads,
                    headers={"Content-Type": "application/n-quads"},
                    timeout=600,
                )
                r.raise_for_status()

            base_name = "POST /store, whole N-Quads (its bulk upload)"
        else:

            def baseline(s: Server) -> None:
                for g, (data, _) in payloads.items():
                    r = httpx.put(
                        s.graph_store_url,
                        params={s.graph_param: g},
                        content=short_lines_first(data),
                        headers={"Content-Type": "application/n-triples"},
                        auth=s.httpx_auth(),
                        timeout=600,
                    )
                    r.raise_for_status()

            base_name = "bare Graph Store PUT per graph"
        b = timed(server, baseline, args.runs)
        print(f"| {server} | {base_name} | {b:.2f} | {triples / b:,.0f} | 1.00 |")
        for gsp in (True, False):

            def ours(s: Server, gsp: bool = gsp) -> None:
                result = publish(db, remote_for(s, gsp=gsp), base=DEFAULT_BASE)
                assert result.exit_code == 0, [o for o in result.outcomes if o.message][:3]

            t = timed(server, ours, args.runs)
            name = "kg publish --graph-store (PUT)" if gsp else "kg publish (SPARQL update)"
            print(f"| {server} | {name} | {t:.2f} | {triples / t:,.0f} | {b / t:.2f} |")

        def again(s: Server) -> float:
            publish(db, remote_for(s, gsp=True), base=DEFAULT_BASE)
            start = time.perf_counter()
            result = publish(db, remote_for(s, gsp=True), base=DEFAULT_BASE)
            assert result.count("unchanged") == len(graphs)
            return time.perf_counter() - start

        second = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp, RUNNERS[server](Path(tmp)) as s:
                second.append(again(s))
        print(f"| {server} | publish again, nothing changed | {statistics.median(second):.2f} | — | — |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
