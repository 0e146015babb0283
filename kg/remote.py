"""Remote SPARQL 1.1 servers: query, update, Graph Store Protocol, and publishing the store.

Any SPARQL 1.1 server works (Oxigraph server, Virtuoso, Fuseki, GraphDB, ``kg serve``'s own
engine). Updates go through SPARQLWrapper, POSTed directly (``application/sparql-update``:
7x faster than its default URL-encoded mode); whole graphs go through the Graph Store Protocol
(``PUT ?graph=``) when its URL is given. Every request is retried on transient failures
(connection refused or reset, time-outs, 429, 5xx) with exponential backoff, a bounded number of
times; every request we send replaces whole graphs or records, so sending one twice is harmless.

Each graph is written in one request (one transaction on Oxigraph and Virtuoso), so a reader or
a failure only ever sees it old or new. ``publish`` keeps a log on the server, in the graph
``{base}graph/publish``: the SHA-256 of each graph's sorted N-Triples. A graph whose hash is
unchanged is not sent again, and a graph that the log lists but the store no longer has is
dropped, so a publish makes the server's graphs equal to the store's.

Update strings are built from pyoxigraph terms (their ``str`` is escaped N-Triples), never by
pasting document text.
"""

from __future__ import annotations

import hashlib
import math
import netrc
import os
import socket
import time
import urllib.error
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox

UNRES = "https://w3id.org/unres/ontology#"
CONTENT_HASH = ox.NamedNode(UNRES + "contentHash")
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
CHUNK_TRIPLES = 4000  # Virtuoso's parser refuses ~4,900 triples in one INSERT DATA


class RemoteError(Exception):
    """A request to a SPARQL server failed (after its retries, when the failure was transient)."""

    def __init__(self, message: str, *, status: int | None = None, transient: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.transient = transient


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach a SPARQL 1.1 server.

    ``query`` answers queries; ``update`` takes SPARQL updates (defaults to ``query``, as on
    Virtuoso and Fuseki); ``graph_store`` is a Graph Store Protocol URL (``?graph=`` is added).
    The password comes from ``KG_PASSWORD`` or ``~/.netrc``, never from the command line.
    """

    query: str
    update: str | None = None
    graph_store: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    auth: str = "basic"
    token: str | None = field(default=None, repr=False)
    timeout: float = 60.0
    retries: int = 4
    backoff: float = 0.5

    @property
    def update_url(self) -> str:
        return self.update or self.query


def find_password(url: str, user: str | None) -> str | None:
    """The password for ``user`` at ``url``'s host: ``KG_PASSWORD``, else ``~/.netrc``."""
    if os.environ.get("KG_PASSWORD"):
        return os.environ["KG_PASSWORD"]
    host = urlsplit(url).hostname or ""
    try:
        entry = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError):
        return None
    if entry and (user is None or entry[0] == user):
        return entry[2]
    return None


def _graph_param(url: str) -> str:
    """Virtuoso's Graph Store endpoint names the parameter ``graph-uri``; the standard says ``graph``."""
    return "graph-uri" if "sparql-graph-crud" in url else "graph"


class Remote:
    """A client for one server. ``sleep`` is injectable so tests of the backoff run fast."""

    def __init__(self, endpoint: Endpoint, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.endpoint = endpoint
        self.sleep = sleep
        self.requests = 0
        self.server = ""  # the Server header of the first answer

    @property
    def is_virtuoso(self) -> bool:
        return "virtuoso" in self.server.lower()

    # -- plumbing ------------------------------------------------------------------------------

    def _retry(self, what: str, call: Callable[[], Any]) -> Any:
        ep = self.endpoint
        attempt = 0
        while True:
            self.requests += 1
            try:
                return call()
            except RemoteError as exc:
                if not exc.transient or attempt >= ep.retries:
                    tries = f" after {attempt + 1} attempts" if attempt else ""
                    raise RemoteError(f"{what}: {exc}{tries}", status=exc.status) from exc
            self.sleep(ep.backoff * 2**attempt)
            attempt += 1

    def _wrapper(self, url: str, *, is_update: bool) -> Any:
        from SPARQLWrapper import BASIC, DIGEST, POSTDIRECTLY, URLENCODED, SPARQLWrapper

        client = SPARQLWrapper(url)
        client.setMethod("POST")
        # updates go as the request body; queries as a form (Virtuoso 7 never answers a query
        # POSTed directly: openlink/virtuoso-opensource#842)
        client.setRequestMethod(POSTDIRECTLY if is_update else URLENCODED)
        client.setTimeout(max(1, math.ceil(self.endpoint.timeout)))  # whole seconds; 0 would mean none
        ep = self.endpoint
        if ep.user:
            client.setHTTPAuth(DIGEST if ep.auth == "digest" else BASIC)
            client.setCredentials(ep.user, ep.password or "")
        if ep.token:
            client.addCustomHttpHeader("Authorization", f"Bearer {ep.token}")
        return client

    @staticmethod
    def _classify(exc: BaseException) -> RemoteError:
        """Map what urllib, SPARQLWrapper and httpx raise to one error that knows if it is transient."""
        import httpx
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        if isinstance(exc, urllib.error.HTTPError):
            body = exc.read()[:300].decode("utf-8", "replace").strip()
            return RemoteError(
                f"HTTP {exc.code} {exc.reason}: {body}",
                status=exc.code,
                transient=exc.code in TRANSIENT_STATUS,
            )
        if isinstance(exc, SPARQLWrapperException):
            # SPARQLWrapper turns 400, 401, 403, 404, 414 and 500 into its own exceptions
            codes = {
                "QueryBadFormed": 400,
                "Unauthorized": 401,
                "EndPointNotFound": 404,
                "URITooLong": 414,
                "EndPointInternalError": 500,
            }
            status = codes.get(type(exc).__name__)
            msg = " ".join(str(exc).split())[:400]
            if status:
                msg = f"HTTP {status}: {msg}"
            return RemoteError(msg, status=status, transient=status in TRANSIENT_STATUS)
        if isinstance(exc, httpx.HTTPStatusError):
            code = exc.response.status_code
            text = exc.response.text[:300].strip()
            return RemoteError(f"HTTP {code}: {text}", status=code, transient=code in TRANSIENT_STATUS)
        if isinstance(exc, httpx.TransportError | urllib.error.URLError | socket.timeout | ConnectionError):
            reason = getattr(exc, "reason", None) or exc
            return RemoteError(f"cannot reach the server: {reason}", transient=True)
        if isinstance(exc, TimeoutError | OSError):
            return RemoteError(f"connection failed: {exc}", transient=True)
        return RemoteError(f"{type(exc).__name__}: {exc}")

    def _sparqlwrapper(self, url: str, text: str, *, is_update: bool, fmt: str) -> Any:
        def call() -> Any:
            client = self._wrapper(url, is_update=is_update)
            client.setQuery(text)
            if not is_update:  # SPARQLWrapper tells an update from a query by its first keyword
                client.setReturnFormat(fmt)
            try:
                result = client.query()
                self.server = self.server or result.response.headers.get("Server", "")
                return result.response.read()
            except Exception as exc:
                raise self._classify(exc) from exc

        return call

    # -- the operations ------------------------------------------------------------------------

    def update(self, text: str) -> None:
        """Run one SPARQL update (retried when the failure is transient)."""
        if not self.server:
            self.query("ASK {}")  # learn which server this is
        if self.is_virtuoso:
            # without it Virtuoso refuses an update of more than ~1,400 triples (SP031)
            text = "define sql:big-data-const 1\n" + text
        call = self._sparqlwrapper(self.endpoint.update_url, text, is_update=True, fmt="json")
        self._retry("update", call)

    def query(self, text: str, *, fmt: str = "json") -> bytes:
        """The raw response of a query: ``json`` (SELECT/ASK) or ``turtle`` (CONSTRUCT/DESCRIBE)."""
        call = self._sparqlwrapper(self.endpoint.query, text, is_update=False, fmt=fmt)
        data: bytes = self._retry("query", call)
        return data

    def select(self, text: str) -> list[dict[str, Any]]:
        """SELECT rows as SPARQL JSON bindings (``{"type", "value", "datatype"?, "xml:lang"?}``)."""
        import json

        data = json.loads(self.query(text))
        if "boolean" in data:
            return [{"boolean": {"type": "literal", "value": str(data["boolean"]).lower()}}]
        rows: list[dict[str, Any]] = data["results"]["bindings"]
        return rows

    def put_graph(self, graph: ox.NamedNode, ntriples: bytes) -> None:
        """Replace one graph through the Graph Store Protocol (``PUT``), retried when transient."""
        import httpx

        ep = self.endpoint
        assert ep.graph_store, "no Graph Store Protocol URL"
        auth: httpx.Auth | None = None
        if ep.user:
            password = ep.password or ""
            auth = (
                httpx.DigestAuth(ep.user, password)
                if ep.auth == "digest"
                else httpx.BasicAuth(ep.user, password)
            )
        headers = {"Content-Type": "application/n-triples"}
        if ep.token:
            headers["Authorization"] = f"Bearer {ep.token}"

        def call() -> None:
            try:
                r = httpx.put(
                    ep.graph_store or "",
                    params={_graph_param(ep.graph_store or ""): graph.value},
                    content=ntriples,
                    headers=headers,
                    auth=auth,
                    timeout=ep.timeout,
                )
                r.raise_for_status()
            except Exception as exc:
                raise self._classify(exc) from exc

        self._retry(f"PUT {graph.value}", call)


# -- publishing a store ---------------------------------------------------------------------------

PUBLISHED, UNCHANGED, DROPPED, FAILED = "published", "unchanged", "dropped", "failed"


@dataclass(frozen=True)
class GraphOutcome:
    graph: str
    status: str
    triples: int = 0
    message: str = ""


@dataclass
class PublishResult:
    outcomes: list[GraphOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def triples(self) -> int:
        return sum(o.triples for o in self.outcomes if o.status == PUBLISHED)

    @property
    def exit_code(self) -> int:
        return 1 if self.count(FAILED) else 0


def graph_ntriples(store: ox.Store, graph: ox.NamedNode) -> tuple[bytes, int]:
    """A graph's triples as sorted N-Triples (a canonical form: the graph has no blank nodes)."""
    lines = sorted(
        f"{q.subject} {q.predicate} {q.object} ." for q in store.quads_for_pattern(None, None, None, graph)
    )
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b"", len(lines)


def short_lines_first(ntriples: bytes) -> bytes:
    """The same triples, shortest lines first: Virtuoso 7 guesses an upload's type from its first
    bytes and refuses N-Triples that open with a 100 kB literal ("unsupported type text/plain")."""
    lines: list[bytes] = ntriples.splitlines()
    lines.sort(key=lambda line: len(line))
    return b"\n".join(lines) + b"\n" if lines else b""


def publish_log(base: str) -> ox.NamedNode:
    return ox.NamedNode(base + "graph/publish")


def published_hashes(remote: Remote, log: ox.NamedNode) -> dict[str, str]:
    rows = remote.select(f"SELECT ?g ?h WHERE {{ GRAPH {log} {{ ?g {CONTENT_HASH} ?h }} }}")
    return {r["g"]["value"]: r["h"]["value"] for r in rows if "g" in r and "h" in r}


def _record(log: ox.NamedNode, graph: ox.NamedNode, digest: str | None) -> list[str]:
    ops = [f"DELETE WHERE {{ GRAPH {log} {{ {graph} {CONTENT_HASH} ?h }} }}"]
    if digest:
        ops.append(f"INSERT DATA {{ GRAPH {log} {{ {graph} {CONTENT_HASH} {ox.Literal(digest)} }} }}")
    return ops


def _inserts(graph: str, lines: list[str]) -> list[str]:
    """``INSERT DATA`` operations for N-Triples lines into ``graph`` (written ``<...>``), in chunks
    of ``CHUNK_TRIPLES`` (some servers refuse one huge ``INSERT DATA``)."""
    return [
        f"INSERT DATA {{ GRAPH {graph} {{\n" + "\n".join(lines[i : i + CHUNK_TRIPLES]) + "\n} }"
        for i in range(0, len(lines), CHUNK_TRIPLES)
    ]


def replace_graph_update(graph: ox.NamedNode, ntriples: bytes, extra: Iterable[str] = ()) -> str:
    """One update that replaces a graph: ``DROP SILENT``, the chunked ``INSERT DATA``, ``extra``."""
    ops = [f"DROP SILENT GRAPH {graph}", *_inserts(str(graph), ntriples.decode("utf-8").splitlines()), *extra]
    return " ;\n".join(ops)


def publishable_graphs(store: ox.Store, base: str) -> list[ox.NamedNode]:
    """The store's named graphs under ``base``, but the build's own bookkeeping (``graph/meta``)."""
    meta = _meta_graph(base).value
    return sorted(
        (g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value != meta),
        key=lambda g: g.value,
    )


def _meta_graph(base: str) -> ox.NamedNode:
    """The build's own graph (its records and hashes): ``kg.rdf.iris.Minter.meta_graph``."""
    return ox.NamedNode(base + "graph/meta")


def kept_hashes(store: ox.Store, base: str) -> dict[str, str]:
    """Graph -> the content hash ``kg build`` kept for it in its own graph (``graph/meta``)."""
    return {
        q.subject.value: q.object.value
        for q in store.quads_for_pattern(None, CONTENT_HASH, None, _meta_graph(base))
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal)
    }


def publish(
    store: ox.Store,
    remote: Remote,
    *,
    base: str,
    on_graph: Callable[[GraphOutcome], None] | None = None,
    force: bool = False,
) -> PublishResult:
    """Make the server's graphs equal to the store's, sending only the graphs that changed.

    Each graph is replaced in one request; with a Graph Store URL by ``PUT`` (then its log entry
    by an update; on Virtuoso, whose ``PUT`` is not atomic, by a ``PUT`` beside it and a
    ``MOVE``), else by one update that also writes its log entry. A graph that fails is
    reported, the others go on; the next run sends what is still missing.
    """
    start = time.perf_counter()
    result = PublishResult()
    log = publish_log(base)

    def done(o: GraphOutcome) -> None:
        result.outcomes.append(o)
        if on_graph:
            on_graph(o)

    try:
        before = {} if force else published_hashes(remote, log)
    except RemoteError as exc:
        done(GraphOutcome(log.value, FAILED, message=f"cannot read the publish log: {exc}"))
        result.seconds = time.perf_counter() - start
        return result
    graphs = publishable_graphs(store, base)
    if remote.endpoint.graph_store and remote.is_virtuoso:  # what a killed publish left aside
        remote.update(f"DROP SILENT GRAPH {ox.NamedNode(log.value + '/staging')}")
    kept = kept_hashes(store, base)
    for g in graphs:
        known = kept.get(g.value)  # the build's hash of its content: then it is read only if sent
        data, n = (b"", 0) if known else graph_ntriples(store, g)
        digest = known or hashlib.sha256(data).hexdigest()
        if before.get(g.value) == digest:
            done(GraphOutcome(g.value, UNCHANGED, n))
            continue
        if known:
            data, n = graph_ntriples(store, g)
        try:
            if remote.endpoint.graph_store and remote.is_virtuoso:
                # Virtuoso empties the graph before it has read a PUT's body: a client that dies
                # mid-upload leaves it empty. So upload beside it, then MOVE (one operation).
                staging = ox.NamedNode(log.value + "/staging")
                remote.put_graph(staging, short_lines_first(data))
                remote.update(" ;\n".join([f"MOVE SILENT {staging} TO {g}", *_record(log, g, digest)]))
            elif remote.endpoint.graph_store:
                remote.put_graph(g, short_lines_first(data))
                remote.update(" ;\n".join(_record(log, g, digest)))
            else:
                remote.update(replace_graph_update(g, data, _record(log, g, digest)))
        except RemoteError as exc:
            done(GraphOutcome(g.value, FAILED, n, str(exc)))
            continue
        done(GraphOutcome(g.value, PUBLISHED, n))
    here = {g.value for g in graphs}
    for gone in sorted(set(before) - here):
        node = ox.NamedNode(gone)
        try:
            remote.update(" ;\n".join([f"DROP SILENT GRAPH {node}", *_record(log, node, None)]))
        except RemoteError as exc:
            done(GraphOutcome(gone, FAILED, message=str(exc)))
            continue
        done(GraphOutcome(gone, DROPPED))
    result.seconds = time.perf_counter() - start
    return result


# -- a remote server as the target of a build -----------------------------------------------------


def _term(b: dict[str, Any]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if b["type"] == "uri":
        return ox.NamedNode(b["value"])
    if b["type"] == "bnode":
        return ox.BlankNode(b["value"])
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    if "datatype" in b:
        return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(b["value"])


class RemoteTarget:
    """The subset of ``pyoxigraph.Store`` that a build writes through, on a remote server.

    ``kg build --endpoint`` (and ``kg build`` on a store that ``kg serve`` holds) writes each
    input file's graphs in one update request: readers see each graph old or new.
    """

    def __init__(self, remote: Remote) -> None:
        self.remote = remote
        self._graphs: set[str] | None = None

    def named_graph_set(self) -> set[str]:
        if self._graphs is None:
            rows = self.remote.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            self._graphs = {r["g"]["value"] for r in rows if "g" in r}
        return self._graphs

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return graph.value in self.named_graph_set()

    def quads_for_pattern(self, s: None, p: None, o: None, graph: ox.NamedNode) -> Iterator[ox.Quad]:
        rows = self.remote.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        for r in rows:
            subject = _term(r["s"])
            assert not isinstance(subject, ox.Literal)
            predicate = _term(r["p"])
            assert isinstance(predicate, ox.NamedNode)
            yield ox.Quad(subject, predicate, _term(r["o"]), graph)

    def load(self, data: bytes, *, format: ox.RdfFormat) -> None:
        by_graph: dict[str, list[str]] = {}
        for q in ox.parse(data, format=format):
            by_graph.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
        self.remote.update(" ;\n".join(op for g, lines in by_graph.items() for op in _inserts(g, lines)))
        self.named_graph_set().update(g[1:-1] for g in by_graph)

    def update(self, text: str) -> None:
        self.remote.update(text)

    def flush(self) -> None:
        """Nothing to do: the server commits each request."""
