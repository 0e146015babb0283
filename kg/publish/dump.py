"""``kg dump``: the whole dataset as files ready to put on a web server, with its VoID file."""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path

import pyoxigraph as ox

from kg.publish.void import DEFAULT_LICENCE, store_counts, void_triples, void_turtle
from kg.rdf.namespaces import DEFAULT_BASE
from kg.store import export, publishable_file

FILES = {"nquads": "kg.nq", "trig": "kg.trig", "turtle": "kg.ttl", "jsonld": "kg.jsonld"}


def _gzip(src: Path, dest: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.parent)
    try:
        with (
            os.fdopen(fd, "wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out,
            src.open("rb") as f,
        ):
            while chunk := f.read(1 << 20):
                out.write(chunk)
        publishable_file(tmp)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_whole(dest: Path, data: bytes) -> None:
    """Write a file that appears whole or not at all."""
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        publishable_file(tmp)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump(
    store: ox.Store,
    output: str | Path,
    *,
    base: str = DEFAULT_BASE,
    licence: str = DEFAULT_LICENCE,
    public_url: str | None = None,
    endpoint: str | None = None,
) -> list[Path]:
    """Write N-Quads (gzip), TriG, Turtle and JSON-LD dumps and ``void.ttl`` into ``output``.

    Args:
        store: the store to dump.
        output: the folder to write (created if needed); each file appears whole or not at all.
        base: the base IRI of the resources (``void:uriSpace``).
        licence: the licence IRI stated in VoID.
        public_url: where the folder will be served, for ``void:dataDump`` links.
        endpoint: the public SPARQL endpoint, for ``void:sparqlEndpoint``.
    """
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt, name in FILES.items():
        path = out / name
        export(store, path, fmt=fmt)
        if fmt == "nquads":
            try:
                _gzip(path, out / (name + ".gz"))
            finally:
                path.unlink(missing_ok=True)  # only the compressed dump is kept, even on failure
            path = out / (name + ".gz")
        written.append(path)
    prefix = (public_url.rstrip("/") + "/") if public_url else ""
    links = tuple(prefix + p.name for p in written) if prefix else ()
    counts = store_counts(store)
    void = void_triples(
        triples=int(str(counts["triples"])),
        resolutions=int(str(counts["resolutions"])),
        example=str(counts["example"]) if counts["example"] else None,
        base=base,
        licence=licence,
        endpoint=endpoint,
        dumps=links,
    )
    _write_whole(out / "void.ttl", void_turtle(void))
    written.append(out / "void.ttl")
    return written
