"""The pipeline: runs ingest -> segment -> tag -> link -> map -> validate over many files, in
worker processes, and writes each conforming resolution's graph to the store.

Only this module (and the CLI above it) knows the order of the stages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.errors import KgInputError
from kg.ingest import discover, ingest
from kg.link import link
from kg.models import ValidationReport
from kg.rdf import to_rdf
from kg.rdf.iris import Minter
from kg.rdf.namespaces import DEFAULT_BASE
from kg.remote import Remote, RemoteTarget
from kg.segment import segment
from kg.store import GraphWriter, Target, open_store
from kg.tag import tag
from kg.validate import shapes_text, validate

OK, INVALID, ERROR, SKIPPED = "ok", "invalid", "error", "unchanged"
FLUSH_BYTES = 16 * 1024 * 1024
EXIT = {OK: 0, SKIPPED: 0, INVALID: 1, ERROR: 2}


@dataclass(frozen=True)
class DocResult:
    """What happened to one document (a file, or one record of a JSON file)."""

    path: str
    status: str
    symbol: str = ""
    messages: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    graph: str = ""
    nquads: bytes = b""
    triples: int = 0


@dataclass
class BuildResult:
    """The outcome of a build: one ``DocResult`` per document, and the exit code."""

    documents: list[DocResult] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return max((EXIT[d.status] for d in self.documents), default=0)

    def count(self, status: str) -> int:
        return sum(1 for d in self.documents if d.status == status)


def process_file(path: str, base: str = DEFAULT_BASE) -> list[DocResult]:
    """Run every stage but the store on one file. Pure apart from reading the file."""
    try:
        sources = ingest(path)
    except KgInputError as exc:
        return [DocResult(path, ERROR, messages=(str(exc),))]
    results = []
    for src in sources:
        try:
            res = segment(src)
        except KgInputError as exc:
            results.append(DocResult(src.path, ERROR, messages=(str(exc),), warnings=src.warnings))
            continue
        linked = link(res, tag(res))
        mapped = to_rdf(linked, base=base)
        report: ValidationReport = validate(mapped.quads)
        warnings = src.warnings + res.warnings + linked.warnings
        if not report.conforms:
            msgs = tuple(
                f"{src.path}: {res.symbol}: does not conform: focus {v.focus} path {v.path or '-'}: "
                f"{v.message or v.constraint}"
                for v in report.violations
            )
            results.append(DocResult(src.path, INVALID, res.symbol, msgs, warnings))
            continue
        data = ox.serialize(mapped.quads, format=ox.RdfFormat.N_QUADS) or b""
        results.append(
            DocResult(src.path, OK, res.symbol, (), warnings, mapped.graph.value, data, len(mapped.quads))
        )
    return results


def _run(files: list[str], base: str, jobs: int) -> Iterator[list[DocResult]]:
    if jobs <= 1 or len(files) <= 1:
        for f in files:
            yield process_file(f, base)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(process_file, files, [base] * len(files), chunksize=1)


@cache
def pipeline_fingerprint() -> str:
    """A hash of everything besides the input that decides the output: the package version, the
    patterns and gazetteers, and the shapes."""
    h = hashlib.sha256(__version__.encode())
    root = resources.files("kg")
    for folder in ("data", "tag/patterns"):
        for item in sorted(root.joinpath(folder).iterdir(), key=lambda t: t.name):
            if item.is_file():
                h.update(item.name.encode())
                h.update(item.read_bytes())
    h.update(shapes_text().encode())
    return h.hexdigest()


def build_key(data: bytes, base: str) -> str:
    """What a file's graphs depend on: its bytes, the pipeline and the base IRI."""
    return hashlib.sha256(
        b"\x1f".join([hashlib.sha256(data).digest(), pipeline_fingerprint().encode(), base.encode()])
    ).hexdigest()


def _file_node(mint: Minter, path: str) -> ox.NamedNode:
    return ox.NamedNode(mint.base + "build/" + hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest())


def _manifest(db: Target, meta: ox.NamedNode) -> dict[str, tuple[str, set[str]]]:
    """File node -> (build key, graphs written) as recorded by earlier builds."""
    out: dict[str, tuple[str, set[str]]] = {}
    for q in db.quads_for_pattern(None, None, None, meta):
        subject, obj = str(q.subject)[1:-1], q.object
        key, graphs = out.get(subject, ("", set()))
        if q.predicate == BUILD_KEY and isinstance(obj, ox.Literal):
            key = obj.value
        elif q.predicate == WROTE and isinstance(obj, ox.NamedNode):
            graphs.add(obj.value)
        out[subject] = (key, graphs)
    return out


BUILD_KEY = ox.NamedNode("https://w3id.org/unres/ontology#buildKey")
WROTE = ox.NamedNode("https://w3id.org/unres/ontology#wroteGraph")


def build(
    inputs: Iterable[str | Path],
    *,
    store: str | Path,
    base: str = DEFAULT_BASE,
    jobs: int = 1,
    on_document: Callable[[DocResult], None] | None = None,
    force: bool = False,
    remote: Remote | None = None,
) -> BuildResult:
    """Build the graph of every input file into the on-disk store, or through a server.

    Args:
        inputs: files and folders (folders are searched for .txt, .json and .pdf files).
        store: the store's folder (created if needed).
        base: the base IRI for minted resources.
        jobs: worker processes.
        on_document: called after each document is done (progress, logging).
        force: rebuild files whose bytes, pipeline and base are unchanged since the last build.
        remote: write through this SPARQL server's update endpoint instead of opening ``store``
            (a store that ``kg serve`` holds is rebuilt through its engine this way).

    A document that does not conform is reported and not written; the others are. When the same
    resolution comes twice, the later file in sorted order wins, with a warning. A file is skipped
    when its bytes, the package version, the patterns, the shapes and the base IRI are unchanged
    (its build key is recorded in the store with its graphs, in the same transaction).
    """
    files = [str(f) for f in discover(inputs)]
    db: Target = RemoteTarget(remote) if remote else open_store(store)
    mint = Minter(base)
    meta = mint.meta_graph()
    manifest = _manifest(db, meta)
    result = BuildResult()
    todo: list[str] = []
    keys: dict[str, str] = {}
    for f in files:
        try:
            keys[f] = build_key(Path(f).read_bytes(), base)
        except OSError:
            todo.append(f)  # process_file reports it
            continue
        key, graphs = manifest.get(_file_node(mint, f).value, ("", set()))
        if (
            not force
            and key == keys[f]
            and graphs
            and all(db.contains_named_graph(ox.NamedNode(g)) for g in graphs)
        ):
            d = DocResult(f, SKIPPED)
            result.documents.append(d)
            if on_document:
                on_document(d)
        else:
            todo.append(f)
    written: dict[str, str] = {}
    writer = GraphWriter()
    unflushed = 0
    try:
        for docs in _run(todo, base, jobs):
            path = docs[0].path.split("#", 1)[0] if docs else ""
            ok = [d for d in docs if d.status == OK]
            if ok:
                node = _file_node(mint, path)
                record = None
                if len(ok) == len(docs) and path in keys:
                    pairs: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
                        (BUILD_KEY, ox.Literal(keys[path]))
                    ]
                    pairs += [(WROTE, ox.NamedNode(d.graph)) for d in ok]
                    record = (node, pairs, meta)
                existing = node.value in manifest or any(
                    db.contains_named_graph(ox.NamedNode(d.graph)) for d in ok
                )
                writer.write(db, [(d.graph, d.nquads) for d in ok], replace=existing, record=record)
                unflushed += sum(len(d.nquads) for d in ok)
            if unflushed > FLUSH_BYTES:  # keeps RocksDB's memtables, so the build's memory, bounded
                db.flush()
                unflushed = 0
            for d in docs:
                if d.status == OK:
                    if d.symbol in written:
                        note = (
                            f"{d.symbol} from {d.path} replaces the one from {written[d.symbol]}: "
                            "the later file in sorted order wins"
                        )
                        d = replace(d, warnings=(*d.warnings, note))
                    written[d.symbol] = d.path
                    d = replace(d, nquads=b"")  # written: keep the outcome, not the data
                result.documents.append(d)
                if on_document:
                    on_document(d)
        db.flush()
    finally:
        del db
    return result
