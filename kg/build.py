"""The pipeline: runs ingest -> segment -> tag -> link -> map -> validate over many files, in
worker processes, and writes each conforming resolution's graph to the store.

Only this module (and the CLI above it) knows the order of the stages.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.errors import KgInputError
from kg.ingest import Part, discover, ingest, ingest_part, plan_parts
from kg.link import link
from kg.models import SourceDocument, ValidationReport
from kg.rdf import to_rdf
from kg.rdf.iris import Minter
from kg.rdf.namespaces import DEFAULT_BASE
from kg.remote import Remote, RemoteTarget
from kg.segment import segment
from kg.store import GraphWriter, Target, content_hash, open_store
from kg.tag import tag
from kg.validate import shapes_text, validate

OK, INVALID, ERROR, SKIPPED = "ok", "invalid", "error", "unchanged"
FLUSH_BYTES = 16 * 1024 * 1024
COMPACT_AFTER = 4  # bulk writes (RocksDB starts merging level-0 files at 4)
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
    seconds: tuple[tuple[str, float], ...] = ()  # CPU seconds per stage, in the worker
    digest: str = ""  # kg.store.content_hash of the graph


@dataclass
class BuildResult:
    """The outcome of a build: one ``DocResult`` per document, and the exit code."""

    documents: list[DocResult] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds per stage, all processes

    @property
    def exit_code(self) -> int:
        return max((EXIT[d.status] for d in self.documents), default=0)

    def count(self, status: str) -> int:
        return sum(1 for d in self.documents if d.status == status)


class _Clock:
    """CPU seconds spent in each stage (``time.process_time``: this process only)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.process_time()

    def lap(self, stage: str) -> None:
        now = time.process_time()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._last
        self._last = now

    def items(self) -> tuple[tuple[str, float], ...]:
        return tuple(self.seconds.items())


def process_source(src: SourceDocument, base: str = DEFAULT_BASE, clock: _Clock | None = None) -> DocResult:
    """Run segment, tag, link, map and validate on one ingested document."""
    clock = clock or _Clock()
    try:
        res = segment(src)
    except KgInputError as exc:
        return DocResult(src.path, ERROR, messages=(str(exc),), warnings=src.warnings)
    clock.lap("segment")
    tags = tag(res)
    clock.lap("tag")
    linked = link(res, tags)
    clock.lap("link")
    mapped = to_rdf(linked, base=base)
    clock.lap("map")
    report: ValidationReport = validate(mapped.quads)
    clock.lap("validate")
    warnings = src.warnings + res.warnings + linked.warnings
    if not report.conforms:
        msgs = tuple(
            f"{src.path}: {res.symbol}: does not conform: focus {v.focus} path {v.path or '-'}: "
            f"{v.message or v.constraint}"
            for v in report.violations
        )
        return DocResult(src.path, INVALID, res.symbol, msgs, warnings, seconds=clock.items())
    data = ox.serialize(mapped.quads, format=ox.RdfFormat.N_QUADS) or b""
    digest = content_hash(mapped.graph.value, data)
    clock.lap("map")
    return DocResult(
        src.path,
        OK,
        res.symbol,
        (),
        warnings,
        mapped.graph.value,
        data,
        len(mapped.quads),
        clock.items(),
        digest,
    )


def process_file(path: str, base: str = DEFAULT_BASE) -> list[DocResult]:
    """Run every stage but the store on one file. Pure apart from reading the file."""
    clock = _Clock()
    try:
        sources = ingest(path)
    except KgInputError as exc:
        return [DocResult(path, ERROR, messages=(str(exc),))]
    clock.lap("ingest")
    out = []
    for src in sources:
        out.append(process_source(src, base, clock))
        clock = _Clock()
    return out


# A task is a file, or one document of a large file (ingested by the parent, so that each
# document's graph travels and is written on its own: memory does not grow with the file).
Task = str | Part | SourceDocument
SPLIT_FILES_ABOVE = 1_000_000  # bytes


def process_task(task: Task, base: str = DEFAULT_BASE) -> list[DocResult]:
    if isinstance(task, str):
        return process_file(task, base)
    if isinstance(task, Part):
        clock = _Clock()
        try:
            src = ingest_part(task)
        except KgInputError as exc:
            return [DocResult(f"{task.path}#{task.index}", ERROR, messages=(str(exc),))]
        clock.lap("ingest")
        return [process_source(src, base, clock)]
    return [process_source(task, base)]


def _plan(files: list[str]) -> tuple[list[Task], dict[str, int], list[DocResult]]:
    """The tasks for ``files``: how many tasks each file has, and the errors met while planning."""
    tasks: list[Task] = []
    parts: dict[str, int] = {}
    errors: list[DocResult] = []
    for f in files:
        try:
            big = Path(f).stat().st_size > SPLIT_FILES_ABOVE
        except OSError:
            big = False
        if not big:
            tasks.append(f)
            parts[f] = 1
            continue
        try:
            split = plan_parts(Path(f).read_bytes(), path=f)
            sources: tuple[Part, ...] | tuple[SourceDocument, ...] = split or ingest(f)
        except OSError:
            tasks.append(f)  # process_file reports it
            parts[f] = 1
            continue
        except KgInputError as exc:
            errors.append(DocResult(f, ERROR, messages=(str(exc),)))
            continue
        tasks.extend(sources)
        parts[f] = len(sources)
    return tasks, parts, errors


def _file_of(task: Task) -> str:
    return task if isinstance(task, str) else task.path.split("#", 1)[0]


def _run(tasks: list[Task], base: str, jobs: int) -> Iterator[list[DocResult]]:
    if jobs <= 1 or len(tasks) <= 1:
        for t in tasks:
            yield process_task(t, base)
        return
    # at most a few tasks in flight per worker: when writing is slower than extracting, finished
    # graphs wait in workers, not in this process (``Executor.map`` would submit them all at once)
    window = 4 * jobs
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[list[DocResult]]] = deque()
        for t in tasks:
            pending.append(pool.submit(process_task, t, base))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


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
        if q.predicate not in (BUILD_KEY, WROTE):
            continue  # a graph's content hash
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
    on_plan: Callable[[int], None] | None = None,
) -> BuildResult:
    """Build the graph of every input file into the on-disk store, or through a server.

    Args:
        inputs: files and folders (folders are searched for .txt, .json and .pdf files).
        store: the store's folder (created if needed).
        base: the base IRI for minted resources.
        jobs: worker processes.
        on_document: called after each document is done (progress, logging).
        on_plan: called once with the number of documents to expect (a file over 1 MB is
            ingested first, and one holding several resolutions counts for each).
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
    tasks, parts, planning_errors = _plan(todo)
    if on_plan:
        on_plan(len(result.documents) + len(planning_errors) + len(tasks))
    for d in planning_errors:
        result.documents.append(d)
        if on_document:
            on_document(d)
    written: dict[str, str] = {}
    writer = GraphWriter(meta=meta)
    unflushed = 0
    # per file: the graphs its tasks wrote so far, and whether every document was OK; the build
    # record goes in with the file's last task, so a file cut short is rebuilt next time
    so_far: dict[str, list[str]] = {}
    all_ok: dict[str, bool] = {}
    clock = _Clock()  # this process: planning so far, then writing
    clock.lap("plan")
    try:
        for task, docs in zip(tasks, _run(tasks, base, jobs), strict=True):
            clock.lap("wait")
            path = _file_of(task)
            ok = [d for d in docs if d.status == OK]
            so_far.setdefault(path, []).extend(d.graph for d in ok)
            all_ok[path] = all_ok.get(path, True) and len(ok) == len(docs)
            parts[path] -= 1
            last = parts[path] == 0
            if ok:
                node = _file_node(mint, path)
                record = None
                if last and all_ok[path] and path in keys:
                    pairs: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
                        (BUILD_KEY, ox.Literal(keys[path]))
                    ]
                    pairs += [(WROTE, ox.NamedNode(g)) for g in so_far[path]]
                    record = (node, pairs, meta)
                existing = node.value in manifest or any(
                    db.contains_named_graph(ox.NamedNode(d.graph)) for d in ok
                )
                writer.write(
                    db,
                    [(d.graph, d.nquads) for d in ok],
                    replace=existing,
                    record=record,
                    digests={d.graph: d.digest for d in ok if d.digest},
                )
                unflushed += sum(len(d.nquads) for d in ok)
            if unflushed > FLUSH_BYTES:  # keeps RocksDB's memtables, so the build's memory, bounded
                db.flush()
                unflushed = 0
            clock.lap("write")
            for d in docs:
                for stage, sec in d.seconds:
                    result.seconds[stage] = result.seconds.get(stage, 0.0) + sec
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
        clock.lap("wait")
        writer.finish(db)
        if isinstance(db, ox.Store) and writer.bulk_writes >= COMPACT_AFTER:
            db.optimize()  # merges the files the bulk writes added, or every later read pays for them
        db.flush()
        clock.lap("write")
        for stage in ("plan", "write"):
            result.seconds[stage] = clock.seconds.get(stage, 0.0)
    finally:
        del db
    return result
