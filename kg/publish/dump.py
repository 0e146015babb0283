"""``kg dump``: the whole dataset as files ready to put on a web server, with its VoID file."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox

from kg.publish.void import DEFAULT_LICENCE, store_counts, void_triples, void_turtle
from kg.rdf.namespaces import DEFAULT_BASE
from kg.store import export, whole_file

FILES = {"nquads": "kg.nq", "trig": "kg.trig", "turtle": "kg.ttl", "jsonld": "kg.jsonld"}


def _gzip(src: Path, dest: Path) -> None:
    with whole_file(dest) as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out, src.open("rb") as f:
        while chunk := f.read(1 << 20):
            out.write(chunk)


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
    with whole_file(out / "void.ttl") as f:
        f.write(void_turtle(void))
    written.append(out / "void.ttl")
    return written
