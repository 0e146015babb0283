"""Store: the embedded on-disk pyoxigraph store (and, later, remote SPARQL endpoints).

Each resolution's named graph is replaced in one SPARQL update (``DROP`` + ``INSERT DATA``),
which Oxigraph applies as one transaction: a killed build leaves every graph old or new.
Update strings are built from pyoxigraph terms, whose ``str`` is their escaped N-Triples form,
never by pasting document text into SPARQL.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

import pyoxigraph as ox

from kg.errors import StoreLockedError
from kg.remote import CONTENT_HASH

EXPORT_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


class Target(Protocol):
    """What a build writes through: a ``pyoxigraph.Store``, or ``kg.remote.RemoteTarget``."""

    def contains_named_graph(self, graph: ox.NamedNode, /) -> bool: ...
    def quads_for_pattern(self, s: None, p: None, o: None, graph: ox.NamedNode, /) -> Iterator[ox.Quad]: ...
    def load(self, data: bytes, *, format: ox.RdfFormat) -> None: ...
    def update(self, text: str, /) -> None: ...
    def flush(self) -> None: ...


def open_store(path: str | Path, *, read_only: bool = False) -> ox.Store:
    """Open (or create) the on-disk store.

    Raises:
        StoreLockedError: when another process (usually ``kg serve``) holds the store.
    """
    p = Path(path)
    try:
        if read_only:
            try:
                return ox.Store.read_only(str(p))
            except (RuntimeError, FileNotFoundError):
                if not (p / "LOCK").exists():
                    raise
                ox.Store(str(p)).flush()  # completes a store whose creation a kill cut short
                return ox.Store.read_only(str(p))
        p.mkdir(parents=True, exist_ok=True)
        db = ox.Store(str(p))
        # sorted files a killed bulk write left before RocksDB took them in: never read, only
        # taking room; nobody else can be writing them, the store's lock is ours now
        for leftover in p.glob("bulk-*.sst"):
            leftover.unlink(missing_ok=True)
        return db
    except OSError as exc:
        text = str(exc)
        if "While lock file" in text or "lock hold by" in text:
            raise StoreLockedError(
                f"the store {p} is in use by another process (is `kg serve` running on it?). "
                "Stop it first, or rebuild through the running server with `kg build --endpoint URL`."
            ) from exc
        raise


BULK_QUADS = int(os.environ.get("KG_BULK_QUADS", "50000"))
BULK_MAX = 500_000  # Oxigraph's bulk loader cuts its input in batches of 1,000,000 quads


class GraphWriter:
    """Writes each input file's graphs, its build record and the graphs' content hashes, so that a
    reader or a killed build only ever sees each graph old or new. Every resolution's graph repeats
    the shared bodies, states and documents it points at: a transaction or a request sends each such
    quad once per run, a bulk write leaves the repeats to the bulk loader, which drops them itself.

    - New graphs, on the embedded store, are gathered as they came (shared quads and all: the bulk
      loader drops repeats itself) until ``bulk_quads`` quads and go in with one
      ``Store.bulk_load``: Oxigraph writes them as sorted files that RocksDB ingests in one atomic
      step (``IngestExternalFiles``: all of them or, after a crash, none), so a batch of whole
      files appears at once. It is 3 to 4 times faster than a transaction here, because it skips
      the per-quad reads a transaction makes. A batch too large for one ingestion (``BULK_MAX``)
      goes through a transaction instead.
    - New graphs on a server go in with one ``load`` (one request) per file.
    - A graph that already exists is replaced by one update, one transaction, after the pending
      new graphs (whose shared quads it may count on): on the embedded store, ``DELETE DATA`` of
      the quads it loses and ``INSERT DATA`` of those it gains when most of it is unchanged,
      else (and on a server) ``DROP GRAPH`` + ``INSERT DATA``.

    The N-Quads lines come from pyoxigraph's serializer, so they are escaped: no document text is
    ever pasted into an update unescaped. Call ``finish`` at the end of a run.

    Each bulk write adds sorted files that RocksDB has not merged yet; reads slow down as they pile
    up (exporting a store written in 45 batches took 2.2 times as long), so a run that made several
    ends with ``Store.optimize`` (2 s for 1.8 M quads here), see ``kg.build``.
    """

    def __init__(self, bulk_quads: int = BULK_QUADS, meta: ox.NamedNode | None = None) -> None:
        self.meta = meta  # where each graph's content hash is kept (the build's own graph)
        self.shared_seen: set[str] = set()
        self.bulk_quads = bulk_quads
        self._pending: list[bytes] = []  # N-Quads, whole files' worth
        self._pending_quads = 0
        self._pending_graphs: set[str] = set()
        self.bulk_writes = 0

    def _split(self, graph: str, nquads: bytes) -> tuple[list[str], list[str]]:
        own, shared = [], []
        tag = f" <{graph}> ."
        for line in nquads.decode("utf-8").splitlines():
            if not line:
                continue
            if line.endswith(tag):
                own.append(line)
            elif line not in self.shared_seen:
                self.shared_seen.add(line)
                shared.append(line)
        return own, shared

    def _update(
        self, store: Target, graphs: list[tuple[str, bytes]], extra: list[str], digests: Mapping[str, str]
    ) -> str:
        """One update that replaces ``graphs``. On the embedded store, a graph whose content hash
        is the one kept for it is left as it is; a graph mostly unchanged (a rebuild after a fix)
        loses and gains only the quads that differ; any other is dropped and inserted whole.
        Either way the update is one transaction, and the graph ends up exactly its new quads."""
        ops: list[str] = []
        deletes: dict[str, list[str]] = {}
        inserts: dict[str, list[str]] = {}
        for graph, nquads in graphs:
            digest = digests.get(graph)
            if (
                digest
                and self.meta
                and isinstance(store, ox.Store)
                and kept_hash(store, graph, self.meta) == digest
                and store.contains_named_graph(ox.NamedNode(graph))
            ):
                continue  # the same quads as the build that wrote it: nothing to read or write
            if digest and self.meta:
                ops.append(f"DELETE WHERE {{ GRAPH {self.meta} {{ <{graph}> {CONTENT_HASH} ?h }} }}")
                line = f"<{graph}> {CONTENT_HASH} {ox.Literal(digest)} ."
                inserts.setdefault(str(self.meta), []).append(line)
            own, shared = self._split(graph, nquads)
            name = f"<{graph}>"
            old = _lines_of(store, graph) if isinstance(store, ox.Store) else None
            new = set(own)
            gone = [x for x in old if x not in new] if old is not None else []
            if old is None or 2 * len(gone) > len(old):
                ops.append(f"DROP SILENT GRAPH {name}")
                inserts.setdefault(name, []).extend(_triple(x) for x in own)
            else:
                deletes[name] = [_triple(x) for x in sorted(gone)]
                inserts.setdefault(name, []).extend(_triple(x) for x in own if x not in old)
            for line in shared:
                inserts.setdefault(_graph_of(line), []).append(_triple(line))
        if any(deletes.values()):
            ops.append("DELETE DATA {\n" + _blocks(deletes) + "\n}")
        ops += extra
        if any(inserts.values()):
            ops.append("INSERT DATA {\n" + _blocks(inserts) + "\n}")
        return " ;\n".join(ops)

    def write(
        self,
        store: Target,
        graphs: list[tuple[str, bytes]],
        *,
        replace: bool,
        record: tuple[ox.NamedNode, list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]], ox.NamedNode]
        | None = None,
        digests: Mapping[str, str] | None = None,
    ) -> None:
        """Write one input file's graphs, and its build record, all or nothing.

        ``replace`` says whether any of the graphs (or the record) may already be in the store.
        ``record`` is (subject, [(predicate, object)...], meta graph) for the build manifest.
        ``digests`` (graph -> ``content_hash``) are kept in the writer's ``meta`` graph with them.
        """
        digests = digests if self.meta else None
        if any(g in self._pending_graphs for g, _ in graphs):
            self.finish(store)  # the same resolution again: the later one replaces it
            replace = True
        if not replace:
            rec: list[str] = []
            if record:
                node, pairs, meta = record
                rec = [f"{node} {p} {o} {meta} ." for p, o in pairs]
            rec += [f"<{g}> {CONTENT_HASH} {ox.Literal(h)} {self.meta} ." for g, h in (digests or {}).items()]
            if not isinstance(store, ox.Store) or self.bulk_quads <= 0:
                lines: list[str] = []
                for graph, nquads in graphs:
                    own, shared = self._split(graph, nquads)
                    lines += own + shared
                store.load(_nquads(lines + rec), format=ox.RdfFormat.N_QUADS)
                return
            # as they came: the bulk loader drops repeated quads itself, cheaper than splitting here
            for _, nquads in graphs:
                self._pending.append(nquads if nquads.endswith(b"\n") else nquads + b"\n")
                self._pending_quads += nquads.count(b"\n")
            if rec:
                self._pending.append(_nquads(rec))
                self._pending_quads += len(rec)
            self._pending_graphs.update(g for g, _ in graphs)
            if self._pending_quads >= self.bulk_quads:
                self.finish(store)
            return
        self.finish(store)
        extra = []
        if record:
            node, pairs, meta = record
            extra.append(f"DELETE WHERE {{ GRAPH {meta} {{ {node} ?p ?o }} }}")
            extra.append(
                f"INSERT DATA {{ GRAPH {meta} {{ " + " ".join(f"{node} {p} {o} ." for p, o in pairs) + " } }"
            )
        # the DROPs or DELETE DATA, the record and the INSERT DATA run as one update: one transaction
        update = self._update(store, graphs, extra, digests or {})
        if update:
            store.update(update)

    def finish(self, store: Target) -> None:
        """Write the new graphs gathered so far."""
        if not self._pending:
            return
        data = b"".join(self._pending)
        if isinstance(store, ox.Store) and self._pending_quads <= BULK_MAX:
            # our own serializer's output: lenient skips re-validating every IRI
            store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
            self.bulk_writes += 1
        else:
            store.load(data, format=ox.RdfFormat.N_QUADS)
        self._pending = []
        self._pending_quads = 0
        self._pending_graphs.clear()


def content_hash(graph: str, nquads: bytes) -> str:
    """What a graph's content is known by: the SHA-256 of its own N-Quads lines, sorted."""
    tag = f" <{graph}> .".encode()
    return hashlib.sha256(b"\n".join(sorted(x for x in nquads.splitlines() if x.endswith(tag)))).hexdigest()


def kept_hash(store: ox.Store, graph: str, meta: ox.NamedNode) -> str | None:
    """The content hash the build kept for ``graph``, if any."""
    for q in store.quads_for_pattern(ox.NamedNode(graph), CONTENT_HASH, None, meta):
        if isinstance(q.object, ox.Literal):
            return q.object.value
    return None


def _lines_of(store: ox.Store, graph: str) -> set[str]:
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    return set((data or b"").decode("utf-8").splitlines())


def _blocks(triples_by_graph: dict[str, list[str]]) -> str:
    return "\n".join(f"GRAPH {g} {{\n" + "\n".join(t) + "\n}" for g, t in triples_by_graph.items() if t)


def _nquads(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


@contextmanager
def whole_file(dest: Path) -> Iterator[BinaryIO]:
    """A binary file that appears at ``dest`` whole or not at all: written to a temporary file
    beside it, synced, given the mode a new file would have (``mkstemp`` makes it 0600), renamed."""
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _graph_of(line: str) -> str:
    return line[line.rindex(" <") + 1 : -2]


def _triple(line: str) -> str:
    return line[: line.rindex(" <")] + " ."


def query(store: ox.Store, sparql: str) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
    """Run a query over the union of the named graphs."""
    return store.query(sparql, use_default_graph_as_union=True)


def union_triples(store: ox.Store) -> Iterator[ox.Triple]:
    """Every distinct triple of the store, whatever graph it is in."""
    seen: set[ox.Triple] = set()
    for q in store.quads_for_pattern(None, None, None, None):
        t = ox.Triple(q.subject, q.predicate, q.object)
        if t not in seen:
            seen.add(t)
            yield t


def export(store: ox.Store, output: str | Path, *, fmt: str = "nquads") -> int:
    """Write the store to ``output`` in one format; returns the number of statements written.

    Quad formats (N-Quads, TriG, JSON-LD) keep the named graphs; triple formats get the union.
    The file appears whole or not at all (written to a temporary file, then renamed).
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    rdf_format = EXPORT_FORMATS[fmt]
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    with whole_file(out) as f:
        if fmt == "nquads":
            store.dump(f, format=rdf_format)  # streamed by Oxigraph itself
            return len(store)
        items: list[ox.Quad] | list[ox.Triple]
        if rdf_format.supports_datasets:
            items = list(store.quads_for_pattern(None, None, None, None))
        else:
            items = list(union_triples(store))
        prefixes = _prefixes() if fmt in ("turtle", "trig") else None
        ox.serialize(items, f, format=rdf_format, prefixes=prefixes)
        return len(items)


def _prefixes() -> dict[str, str]:
    from kg.rdf.namespaces import PREFIXES

    return dict(PREFIXES)


def graph_quads(store: ox.Store, graph: ox.NamedNode) -> list[ox.Quad]:
    return list(store.quads_for_pattern(None, None, None, graph))


def resolution_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """The named graphs that hold one resolution each (all but the shared and derived ones)."""
    out = []
    for g in store.named_graphs():
        if isinstance(g, ox.NamedNode) and "/graph/" in g.value:
            tail = g.value.split("/graph/", 1)[1]
            if tail not in ("shared", "meta") and not tail.startswith("derived/"):
                out.append(g)
    return sorted(out, key=lambda g: g.value)


def select(source: ox.Store | str, sparql: str, *, timeout: int = 120) -> list[dict[str, str]]:
    """Rows of a SELECT query as dicts of plain strings (unbound variables left out).

    ``source`` is the embedded store (queried over the union of its graphs) or the URL of any
    SPARQL 1.1 endpoint (queried with SPARQLWrapper; the endpoint is expected to answer over the
    union of its named graphs, as ``kg serve``, Oxigraph, Fuseki and Virtuoso can).
    """
    if isinstance(source, ox.Store):
        result = source.query(sparql, use_default_graph_as_union=True)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("not a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in result]
    from kg.remote import Endpoint, Remote

    rows = Remote(Endpoint(source, timeout=timeout)).select(sparql)
    return [{k: v["value"] for k, v in b.items()} for b in rows]


def remove_resolutions(store: ox.Store, symbols: Iterable[str], *, base: str) -> tuple[list[str], list[str]]:
    """Drop resolutions: their graphs, the build records that wrote them, their links in derived
    graphs, and the shared entities that nothing left in the store uses. One transaction.

    Returns the symbols removed and the symbols that were not in the store.
    """
    from kg.rdf.iris import Minter

    mint = Minter(base)
    shared, meta = mint.shared_graph(), mint.meta_graph()
    removed, missing = [], []
    graphs = []
    for sym in symbols:
        g = mint.graph(sym.strip())
        if store.contains_named_graph(g):
            removed.append(sym.strip())
            graphs.append(g)
        else:
            missing.append(sym)
    if not graphs:
        return removed, missing
    gone = {g.value for g in graphs}
    gone_docs = {mint.document(s) for s in removed}
    # what stays reachable from the graphs that remain
    roots: set[ox.NamedNode] = set()
    for q in store.quads_for_pattern(None, None, None, None):
        name = q.graph_name
        if isinstance(name, ox.NamedNode) and name.value not in gone and name not in (shared, meta):
            for term in (q.subject, q.object):
                if isinstance(term, ox.NamedNode):
                    roots.add(term)
    shared_quads = list(store.quads_for_pattern(None, None, None, shared))
    by_subject: dict[ox.NamedNode, list[ox.Quad]] = {}
    for q in shared_quads:
        if isinstance(q.subject, ox.NamedNode):
            by_subject.setdefault(q.subject, []).append(q)
    keep: set[ox.NamedNode] = set()
    todo = [r for r in roots if r in by_subject]
    while todo:
        node = todo.pop()
        if node in keep:
            continue
        keep.add(node)
        todo.extend(q.object for q in by_subject.get(node, []) if isinstance(q.object, ox.NamedNode))
    dead = [q for q in shared_quads if q.subject not in keep]
    derived = [
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if isinstance(q.graph_name, ox.NamedNode)
        and "/graph/derived/" in q.graph_name.value
        and (q.subject in gone_docs or q.object in gone_docs)
    ]
    parts = [f"DROP GRAPH {g}" for g in graphs]
    for g in graphs:
        parts.append(
            f"DELETE {{ GRAPH {meta} {{ ?f ?p ?o }} }} WHERE {{ GRAPH {meta} {{ ?f <https://w3id.org/unres/"
            f"ontology#wroteGraph> {g} ; ?p ?o }} }}"
        )
        parts.append(f"DELETE WHERE {{ GRAPH {meta} {{ {g} {CONTENT_HASH} ?h }} }}")
    if dead or derived:
        lines = [
            f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in [*dead, *derived]
        ]
        parts.append("DELETE DATA {\n" + "\n".join(lines) + "\n}")
    store.update(" ;\n".join(parts))
    store.flush()
    return removed, missing
