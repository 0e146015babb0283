"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the store.

The engine is Oxigraph's own server (``oxigraph serve --union-default-graph``) on a
private loopback port; this thin Starlette front forwards queries to it (GET and POST, any
result format the engine gives: JSON, XML, CSV, TSV, Turtle, N-Triples), adds CORS, refuses
updates, and serves a small query page.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from kg import __version__
from kg.errors import StoreLockedError

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>unres-kg SPARQL</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
textarea{{width:100%;height:14rem;font-family:monospace}}</style></head>
<body><h1>unres-kg SPARQL endpoint</h1>
<p>SPARQL 1.1 queries over the union of the named graphs (one per resolution). Version {version}.</p>
<form method="get" action="/sparql">
<textarea name="query">PREFIX dcterms: &lt;http://purl.org/dc/terms/&gt;
PREFIX unres: &lt;https://w3id.org/unres/ontology#&gt;
SELECT ?symbol ?title WHERE {{ ?r a unres:Resolution ; dcterms:identifier ?symbol ; dcterms:title ?title }}
ORDER BY ?symbol LIMIT 100</textarea>
<p><label>Results as <select name="format"><option value="json">JSON</option><option value="xml">XML</option>
<option value="csv">CSV</option><option value="tsv">TSV</option></select></label>
<button type="submit">Run query</button></p></form></body></html>
"""
_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
}
_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Content-Type, Accept"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def oxigraph_binary() -> str:
    here = Path(sys.executable).parent / "oxigraph"
    if here.exists():
        return str(here)
    found = shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the `oxigraph` server binary is missing: pip install oxigraph")
    return found


def start_engine(store: Path, *, port: int, timeout: int) -> subprocess.Popen[bytes]:
    """Start Oxigraph's server on the store (union default graph) on loopback; it holds the store's lock."""
    cmd = [
        oxigraph_binary(),
        "serve",
        "--location",
        str(store),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
        "--timeout-s",
        str(timeout),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = (proc.stderr.read() if proc.stderr else b"").decode(errors="replace")
            if "lock" in err.lower():
                raise StoreLockedError(f"the store {store} is in use by another process: {err.strip()}")
            raise RuntimeError(f"the Oxigraph engine stopped: {err.strip()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the Oxigraph engine did not start within 30 s")


def create_app(engine: str, *, timeout: int = 30) -> Starlette:
    """The front: ``engine`` is the base URL of the Oxigraph server."""
    client = httpx.AsyncClient(base_url=engine, timeout=timeout + 5)

    async def sparql(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=_CORS)
        params = dict(request.query_params)
        accept = request.headers.get("accept", "application/sparql-results+json")
        fmt = params.pop("format", None)
        if fmt:
            accept = _FORMATS.get(fmt, fmt)
        if request.method == "GET":
            if "query" not in params:
                return HTMLResponse(_PAGE.format(version=__version__))
            upstream = await client.get("/query", params=params, headers={"Accept": accept})
        else:
            ctype = request.headers.get("content-type", "").split(";")[0].strip()
            body = await request.body()
            if ctype == "application/sparql-update" or (
                ctype == "application/x-www-form-urlencoded" and b"update=" in body and b"query=" not in body
            ):
                return Response("updates are not accepted here", status_code=403, headers=_CORS)
            if ctype not in ("application/sparql-query", "application/x-www-form-urlencoded"):
                return Response(f"unsupported content type {ctype!r}", status_code=415, headers=_CORS)
            upstream = await client.post(
                "/query", content=body, headers={"Content-Type": ctype, "Accept": accept}
            )
        headers = {**_CORS}
        if "content-type" in upstream.headers:
            headers["Content-Type"] = upstream.headers["content-type"]
        return Response(upstream.content, status_code=upstream.status_code, headers=headers)

    async def home(request: Request) -> Response:
        return HTMLResponse(_PAGE.format(version=__version__))

    reports: dict[tuple[str, int], str] = {}

    def network_page(focus: str, depth: int) -> str:
        from kg.analysis import build_network
        from kg.analysis.report import make_report, render_html
        from kg.store import select

        net = build_network(lambda q: select(f"{engine}/query", q, timeout=timeout))
        return render_html(make_report(net, focus=focus or None, depth=depth))

    async def network(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        focus = request.query_params.get("focus", "")
        try:
            depth = max(1, min(3, int(request.query_params.get("depth", "1"))))
        except ValueError:
            return Response("depth must be a number", status_code=400)
        key = (focus, depth)
        if key not in reports or request.query_params.get("refresh"):
            reports[key] = await run_in_threadpool(network_page, focus, depth)
        return HTMLResponse(reports[key])

    return Starlette(
        routes=[
            Route("/", home),
            Route("/sparql", sparql, methods=["GET", "POST", "OPTIONS"]),
            Route("/network", network),
        ]
    )


def run(store: Path, *, host: str = "127.0.0.1", port: int = 8000, timeout: int = 30) -> None:
    """Start the engine and the front; blocks until interrupted."""
    import uvicorn

    engine_port = free_port()
    proc = start_engine(store, port=engine_port, timeout=timeout)
    try:
        print(f"unres-kg {__version__}: SPARQL endpoint at http://{host}:{port}/sparql", file=sys.stderr)
        uvicorn.run(
            create_app(f"http://127.0.0.1:{engine_port}", timeout=timeout),
            host=host,
            port=port,
            log_level="warning",
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
