"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the store.

The engine is Oxigraph's own server (``oxigraph serve --union-default-graph``) on a
private loopback port; this thin Starlette front forwards queries to it (GET and POST, any
result format the engine gives: JSON, XML, CSV, TSV, Turtle, N-Triples), adds CORS, refuses
updates, and serves a small query page.
"""

from __future__ import annotations

import json
import os
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

_DEFAULT_QUERY = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX unres: <https://w3id.org/unres/ontology#>
SELECT ?r ?symbol ?title WHERE { ?r a unres:Resolution ; dcterms:identifier ?symbol ; dcterms:title ?title }
ORDER BY ?symbol LIMIT 100"""
_HOME = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX unres: <https://w3id.org/unres/ontology#>
SELECT ?r ?symbol (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?date) WHERE {
  ?r a unres:Resolution ; dcterms:identifier ?symbol .
  OPTIONAL { ?r dcterms:title ?t } OPTIONAL { ?r eli:date_document ?d }
} GROUP BY ?r ?symbol ORDER BY ?symbol"""


def _examples() -> list[tuple[str, str]]:
    """The cookbook queries shipped in ``kg/queries``, named by their first comment line."""
    from importlib import resources

    out = []
    for item in sorted(resources.files("kg").joinpath("queries").iterdir(), key=lambda t: t.name):
        if item.name.endswith(".rq"):
            text = item.read_text(encoding="utf-8")
            first = text.splitlines()[0].lstrip("# ").strip() if text else item.name
            out.append((first[:90], text))
    return out


_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
}
_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Content-Type, Accept"}


SERVE_INFO = "kg-serve.json"


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (it names the engine's private update endpoint)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def running_engine(store: Path) -> str | None:
    """The loopback URL of the engine of a ``kg serve`` that holds ``store``, if one is running.

    ``kg build`` on a served store writes through it (``{engine}/update``): the engine listens on
    loopback only and the public front refuses updates, so this path is never exposed.
    """
    try:
        info = json.loads((store / SERVE_INFO).read_text(encoding="utf-8"))
        os.kill(int(info["pid"]), 0)
        engine = str(info["engine"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return engine if engine.startswith("http://127.0.0.1:") else None


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


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the engine gets SIGTERM when ``kg serve`` dies, however it dies."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


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
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent
    )
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


def _page_query(name: str) -> str:
    from importlib import resources

    return resources.files("kg").joinpath("queries", "pages", f"{name}.rq").read_text(encoding="utf-8")


_RES_QUERIES = ("meta", "paragraphs", "mentions", "addressees", "cites", "cited_by", "votes")
UNRES = "https://w3id.org/unres/ontology#"


def _bind(query: str, iri: str) -> str:
    """Bind ``$r`` to an IRI: the IRI is validated and written by pyoxigraph, never pasted raw."""
    import pyoxigraph as ox

    return query.replace("$r", str(ox.NamedNode(iri)))


def create_app(
    engine: str,
    *,
    timeout: int = 30,
    base: str = "https://w3id.org/unres/",
    licence: str = "https://creativecommons.org/licenses/by/4.0/",
    max_rows: int = 10000,
) -> Starlette:
    """The front: ``engine`` is the base URL of the Oxigraph server."""
    from kg.publish import pages

    client = httpx.AsyncClient(base_url=engine, timeout=timeout + 5)

    async def select(query: str) -> list[dict[str, str]]:
        r = await client.post(
            "/query",
            content=query,
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )
        r.raise_for_status()
        data = r.json()
        return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]

    def cap(body: bytes, ctype: str) -> tuple[bytes, dict[str, str]]:
        """Cut a result over ``max_rows`` rows, and say so (header and, for JSON, in the body)."""
        if "sparql-results+json" in ctype:
            data = json.loads(body)
            rows = data.get("results", {}).get("bindings")
            if rows is not None and len(rows) > max_rows:
                data["results"]["bindings"] = rows[:max_rows]
                data.setdefault("head", {}).setdefault("link", []).append(f"truncated:{max_rows}")
                data["truncated"] = True
                return json.dumps(data).encode(), {"X-Result-Truncated": f"true; rows={max_rows}"}
        elif ctype.startswith(("text/csv", "text/tab-separated-values")):
            lines = body.split(b"\n")
            if len(lines) > max_rows + 2:
                return b"\n".join(lines[: max_rows + 1]) + b"\n", {
                    "X-Result-Truncated": f"true; rows={max_rows}"
                }
        return body, {}

    def query_page(query: str = _DEFAULT_QUERY, **values: object) -> HTMLResponse:
        page = pages.render_template(
            "query.html",
            base=base,
            version=__version__,
            query=query,
            examples=_examples(),
            timeout=timeout,
            max_rows=max_rows,
            **{"rows": None, "variables": [], "truncated": False, "error": "", **values},
        )
        return HTMLResponse(page)

    async def table(query: str) -> HTMLResponse:
        """A SELECT's result as an HTML table on the query page (for people in a browser)."""
        r = await client.post(
            "/query",
            content=query,
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )
        if r.status_code != 200:
            return query_page(query, error=f"{r.status_code}: {r.text[:500]}")
        data = r.json()
        if "boolean" in data:
            return query_page(query, variables=["answer"], rows=[[{"value": str(data["boolean"]).lower()}]])
        variables = data["head"]["vars"]
        bindings = data["results"]["bindings"]
        rows = [
            [
                {"iri": b[v]["value"]}
                if b.get(v, {}).get("type") == "uri"
                else {"value": b.get(v, {}).get("value", "")}
                for v in variables
            ]
            for b in bindings[:max_rows]
        ]
        return query_page(query, variables=variables, rows=rows, truncated=len(bindings) > max_rows)

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
                return query_page()
            wants_page = "text/html" in accept.lower() and "sparql-results" not in accept.lower()
            if fmt == "html" or (not fmt and wants_page):  # a person in a browser
                return await table(params["query"])
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
        headers = {**_CORS, "Access-Control-Expose-Headers": "X-Result-Truncated"}
        content = upstream.content
        if "content-type" in upstream.headers:
            headers["Content-Type"] = upstream.headers["content-type"]
            if upstream.status_code == 200:
                content, extra = cap(content, upstream.headers["content-type"])
                headers.update(extra)
        return Response(content, status_code=upstream.status_code, headers=headers)

    async def home(request: Request) -> Response:
        counts = await select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return HTMLResponse(
            pages.render_template(
                "home.html",
                base=base,
                version=__version__,
                resolutions=await select(_HOME),
                triples=int(counts[0]["n"]) if counts else 0,
            )
        )

    reports: dict[tuple[str, int], str] = {}

    def network_page(focus: str, depth: int) -> str:
        from kg.analysis import build_network
        from kg.analysis.report import make_report, render_html
        from kg.store import select as select_rows

        net = build_network(lambda q: select_rows(f"{engine}/query", q, timeout=timeout))
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

    async def void(request: Request) -> Response:
        from kg.publish.void import COUNTS, EXAMPLE, RESOLUTIONS, void_triples, void_turtle

        triples = await select(COUNTS)
        resolutions = await select(RESOLUTIONS)
        example = await select(EXAMPLE)
        root = str(request.base_url).rstrip("/")
        description = void_triples(
            triples=int(triples[0]["triples"]) if triples else 0,
            resolutions=int(resolutions[0]["n"]) if resolutions else 0,
            example=example[0]["r"] if example else None,
            base=base,
            licence=licence,
            endpoint=f"{root}/sparql",
        )
        return Response(void_turtle(description), media_type="text/turtle", headers=_CORS)

    async def context(request: Request) -> Response:
        return Response(
            json.dumps(pages.context_document(base)), media_type="application/ld+json", headers=_CORS
        )

    async def resource(request: Request) -> Response:
        path = request.path_params["path"]
        iri = base + path
        try:
            import pyoxigraph as ox

            ox.NamedNode(iri)
        except ValueError:
            return Response("not a valid IRI", status_code=400)
        media = pages.negotiate(request.headers.get("accept", ""), request.query_params.get("format"))
        if media is None:
            return Response(
                "406: offered text/html, text/turtle, application/ld+json, application/n-triples, "
                "application/rdf+xml",
                status_code=406,
            )
        headers = {**_CORS, "Vary": "Accept"}
        if media != "text/html":
            accept = "application/n-triples" if media == "application/ld+json" else media
            r = await client.post(
                "/query",
                content=_bind(_page_query("describe"), iri),
                headers={"Content-Type": "application/sparql-query", "Accept": accept},
            )
            if r.status_code != 200:
                return Response(r.content, status_code=r.status_code)
            if not r.content.strip():
                return Response("no such resource", status_code=404)
            if media == "application/ld+json":
                triples = list(ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))
                expanded = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b"[]")
                body = json.dumps(pages.compact_jsonld(expanded, f"{request.base_url}context.jsonld"))
                return Response(body, media_type="application/ld+json", headers=headers)
            return Response(r.content, media_type=media, headers=headers)
        out = await select(_bind(_page_query("out"), iri))
        if not out:
            return Response("no such resource", status_code=404)
        page = pages.Page(iri)
        for row in out:
            if row["p"] == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
                page.types.append(row["o"])
            elif row["p"] in (
                "http://www.w3.org/2004/02/skos/core#prefLabel",
                "http://purl.org/dc/terms/identifier",
            ):
                page.label = page.label or row["o"]
            is_iri = row["o"].startswith(("http://", "https://")) and " " not in row["o"]
            page.properties.append(
                (
                    row["p"],
                    {"iri": row["o"], "label": row.get("label", "")} if is_iri else {"value": row["o"]},
                )
            )
        page.properties.sort(key=lambda x: x[0])
        page.inbound = [(row["s"], row["p"]) for row in await select(_bind(_page_query("in"), iri))]
        if UNRES + "Resolution" in page.types:
            page.resolution = await _resolution(iri)
        return HTMLResponse(pages.render(page, base=base, version=__version__), headers=headers)

    async def _resolution(iri: str) -> dict[str, object]:
        from kg.publish import pages

        q = {k: await select(_bind(_page_query(k), iri)) for k in _RES_QUERIES}
        meta = q["meta"][0] if q["meta"] else {}
        mentions: dict[str, list[tuple[str, str, str]]] = {}
        for row in q["mentions"]:
            mentions.setdefault(row["p"], []).append((row["exact"], row["body"], row["kind"]))
        addressees: dict[str, list[dict[str, str]]] = {}
        for row in q["addressees"]:
            addressees.setdefault(row["p"], []).append({"iri": row["b"], "label": row["label"]})
        paras: dict[str, list[dict[str, object]]] = {"preambular": [], "operative": []}
        for row in q["paragraphs"]:
            kind = "preambular" if row["kind"].endswith("PreambularParagraph") else "operative"
            paras[kind].append(
                {
                    "position": int(row["pos"]),
                    "html": pages.highlight(row["text"], mentions.get(row["p"], []), base),
                    "addressees": addressees.get(row["p"], []),
                }
            )
        for v in paras.values():
            v.sort(key=lambda p: p["position"])  # type: ignore[arg-type,return-value]
        votes: dict[str, list[dict[str, str]]] = {}
        for row in q["votes"]:
            votes.setdefault(row["opt"], []).append({"iri": row["s"], "label": row["label"]})
        method = meta.get("method", "").rsplit("#", 1)[-1]
        return {
            "symbol": meta.get("symbol", iri),
            "title": meta.get("title", ""),
            "date": meta.get("date", ""),
            "body": meta.get("body", ""),
            "session": (
                meta.get("session", "") + (" (special)" if "Special" in meta.get("kind", "") else "")
            ),
            "agenda_items": sorted({row["item"] for row in q["meta"] if row.get("item")}),
            "meeting": meta.get("meeting", ""),
            "method": {"WithoutVote": "without a vote", "RecordedVote": "by a recorded vote"}.get(method, ""),
            "counts": (meta["yes"], meta["no"], meta.get("abstain", "0")) if meta.get("yes") else None,
            "preambular": paras["preambular"],
            "operative": paras["operative"],
            "votes": votes,
            "cites": [{"iri": r["d"], "id": r.get("id", ""), "name": r.get("name", "")} for r in q["cites"]],
            "cited_by": [{"iri": r["d"], "id": r["id"]} for r in q["cited_by"]],
        }

    return Starlette(
        routes=[
            Route("/", home),
            Route("/sparql", sparql, methods=["GET", "POST", "OPTIONS"]),
            Route("/network", network),
            Route("/void", void),
            Route("/.well-known/void", void),
            Route("/context.jsonld", context),
            Route("/{path:path}", resource),
        ]
    )


def run(
    store: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: int = 30,
    base: str = "https://w3id.org/unres/",
    licence: str = "https://creativecommons.org/licenses/by/4.0/",
    max_rows: int = 10000,
) -> None:
    """Start the engine and the front; blocks until interrupted."""
    import signal

    import uvicorn

    engine_port = free_port()
    proc = start_engine(store, port=engine_port, timeout=timeout)

    def stop(signum: int, frame: object) -> None:
        proc.terminate()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    info = store / SERVE_INFO
    _write_private(info, json.dumps({"pid": os.getpid(), "engine": f"http://127.0.0.1:{engine_port}"}))
    try:
        print(f"unres-kg {__version__}: SPARQL endpoint at http://{host}:{port}/sparql", file=sys.stderr)
        uvicorn.run(
            create_app(
                f"http://127.0.0.1:{engine_port}",
                timeout=timeout,
                base=base,
                licence=licence,
                max_rows=max_rows,
            ),
            host=host,
            port=port,
            log_level="warning",
        )
    finally:
        info.unlink(missing_ok=True)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
