"""The pipeline: runs ingest -> segment -> tag -> link -> map -> validate over many files, in
worker processes, and writes each conforming resolution's graph to the store.

Only this module (and the CLI above it) knows the order of the stages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgInputError
from kg.ingest import discover, ingest
from kg.link import link
from kg.models import ValidationReport
from kg.rdf import to_rdf
from kg.rdf.namespaces import DEFAULT_BASE
from kg.segment import segment
from kg.store import open_store, replace_graph
from kg.tag import tag
from kg.validate import validate

log = logging.getLogger(__name__)

OK, INVALID, ERROR = "ok", "invalid", "error"
FLUSH_BYTES = 16 * 1024 * 1024
EXIT = {OK: 0, INVALID: 1, ERROR: 2}


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


def build(
    inputs: Iterable[str | Path],
    *,
    store: str | Path,
    base: str = DEFAULT_BASE,
    jobs: int = 1,
    on_document: Callable[[DocResult], None] | None = None,
) -> BuildResult:
    """Build the graph of every input file into the on-disk store.

    Args:
        inputs: files and folders (folders are searched for .txt, .json and .pdf files).
        store: the store's folder (created if needed).
        base: the base IRI for minted resources.
        jobs: worker processes.
        on_document: called after each document is done (progress, logging).

    A document that does not conform is reported and not written; the others are. When the same
    resolution comes twice, the later file in sorted order wins, with a warning.
    """
    files = [str(f) for f in discover(inputs)]
    db = open_store(store)
    result = BuildResult()
    written: dict[str, str] = {}
    unflushed = 0
    try:
        for docs in _run(files, base, jobs):
            for d in docs:
                if d.status == OK:
                    if d.symbol in written:
                        d = DocResult(
                            d.path,
                            d.status,
                            d.symbol,
                            d.messages,
                            (
                                *d.warnings,
                                f"{d.symbol} also came from {written[d.symbol]}; this later file wins",
                            ),
                            d.graph,
                            d.nquads,
                            d.triples,
                        )
                    quads = list(ox.parse(d.nquads, format=ox.RdfFormat.N_QUADS))
                    replace_graph(db, ox.NamedNode(d.graph), quads)
                    written[d.symbol] = d.path
                    unflushed += len(d.nquads)
                    if unflushed > FLUSH_BYTES:  # keeps RocksDB's memtables, so the build's memory, bounded
                        db.flush()
                        unflushed = 0
                    d = replace(d, nquads=b"")  # written: keep the outcome, not the data
                result.documents.append(d)
                if on_document:
                    on_document(d)
        db.flush()
    finally:
        del db
    return result
