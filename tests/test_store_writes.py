"""How the build writes graphs into the embedded store (``kg.store.GraphWriter``): new graphs in
bulk writes of whole files, existing graphs replaced by one transaction each (only the quads that
differ when most of the graph is unchanged), each graph ending up exactly its new quads."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import OK, process_file
from kg.store import GraphWriter, content_hash, kept_hash
from tests.conftest import ROOT


@cache
def sample() -> tuple[tuple[str, bytes], ...]:
    """(graph, N-Quads) of every resolution in data/, as the workers hand them over."""
    out = []
    for f in sorted((ROOT / "data").iterdir()):
        for d in process_file(str(f)):
            assert d.status == OK, d.messages
            out.append((d.graph, d.nquads))
    return tuple(out)


def own(graph: str, nquads: bytes) -> set[str]:
    return {x for x in nquads.decode().splitlines() if x.endswith(f" <{graph}> .")}


def stored(db: ox.Store, graph: str) -> set[str]:
    quads = db.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    return set((data or b"").decode().splitlines())


def shared(graph: str, nquads: bytes) -> set[str]:
    return {x for x in nquads.decode().splitlines() if x and not x.endswith(f" <{graph}> .")}


@pytest.mark.parametrize(("bulk_quads", "writes"), [(1, 6), (4000, 0), (10**6, 1)])
def test_writes_new_graphs_go_in_bulk_writes_of_whole_files(
    tmp_path: Path, bulk_quads: int, writes: int
) -> None:
    db = ox.Store(str(tmp_path / "s"))
    writer = GraphWriter(bulk_quads=bulk_quads)
    for graph, nquads in sample():
        writer.write(db, [(graph, nquads)], replace=False)
        if bulk_quads > 10**5:
            assert not db.contains_named_graph(ox.NamedNode(graph)), "written before the batch was full"
    writer.finish(db)
    if writes:
        assert writer.bulk_writes == writes
    else:
        assert 1 < writer.bulk_writes < 6
    for graph, nquads in sample():
        assert stored(db, graph) == own(graph, nquads)
        for line in shared(graph, nquads):
            assert next(ox.parse(line.encode(), format=ox.RdfFormat.N_QUADS)) in db


def _one_changed(nquads: bytes) -> bytes:
    return nquads.replace(b'"document"', b'"document-x"', 1)


def _most_changed(nquads: bytes) -> bytes:
    return nquads.replace(b"/annotation/", b"/annotation-x/")


@pytest.mark.parametrize(
    ("case", "change"),
    [("unchanged", lambda d: d), ("one quad changed", _one_changed), ("most changed", _most_changed)],
)
def test_writes_a_replaced_graph_is_exactly_its_new_quads(tmp_path: Path, case: str, change: object) -> None:
    assert callable(change)
    db = ox.Store(str(tmp_path / "s"))
    writer = GraphWriter()
    for graph, nquads in sample():
        writer.write(db, [(graph, nquads)], replace=False)
    writer.finish(db)
    writer = GraphWriter()  # a later run
    for graph, nquads in sample():
        new = change(nquads)
        writer.write(db, [(graph, new)], replace=True)
        assert stored(db, graph) == own(graph, new), case
        if case != "unchanged":
            assert stored(db, graph) != own(graph, nquads)


def test_writes_a_replacement_comes_after_the_pending_new_graphs(tmp_path: Path) -> None:
    """A replaced graph may count on shared quads that a pending new graph brought first."""
    (g1, d1), (g2, d2), *_ = sample()
    db = ox.Store(str(tmp_path / "s"))
    first = GraphWriter()
    first.write(db, [(g2, d2)], replace=False)
    first.finish(db)
    writer = GraphWriter(bulk_quads=10**6)
    writer.write(db, [(g1, d1)], replace=False)  # pending: its shared quads are now "seen"
    writer.write(db, [(g2, d2 + d1)], replace=True)  # brings the same shared quads, already seen
    for line in shared(g1, d1):
        quad = next(ox.parse(line.encode(), format=ox.RdfFormat.N_QUADS))
        assert quad in db, "a replaced graph was written before the shared quads it counts on"
    assert stored(db, g1) == own(g1, d1)


def test_writes_the_same_graph_twice_in_one_run_the_later_wins(tmp_path: Path) -> None:
    (graph, nquads), *_ = sample()
    db = ox.Store(str(tmp_path / "s"))
    writer = GraphWriter(bulk_quads=10**6)
    writer.write(db, [(graph, nquads)], replace=False)
    writer.write(db, [(graph, _most_changed(nquads))], replace=False)  # the build saw no graph yet
    writer.finish(db)
    assert stored(db, graph) == own(graph, _most_changed(nquads))


META = ox.NamedNode("https://w3id.org/unres/graph/meta")


def test_writes_a_graph_whose_content_hash_is_kept_is_not_read_or_written(tmp_path: Path) -> None:
    db = ox.Store(str(tmp_path / "s"))
    writer = GraphWriter(meta=META)
    for graph, nquads in sample():
        writer.write(db, [(graph, nquads)], replace=False, digests={graph: content_hash(graph, nquads)})
    writer.finish(db)
    (graph, nquads), (other, other_nquads), *_ = sample()
    assert kept_hash(db, graph, META) == content_hash(graph, nquads)
    # a quad taken out behind the build's back stays out: the hash says the graph is as written
    victim = next(iter(db.quads_for_pattern(None, None, None, ox.NamedNode(graph))))
    db.remove(victim)
    writer = GraphWriter(meta=META)
    writer.write(db, [(graph, nquads)], replace=True, digests={graph: content_hash(graph, nquads)})
    assert victim not in db
    # a changed graph is replaced, and its new hash kept with it
    new = _one_changed(other_nquads)
    writer.write(db, [(other, new)], replace=True, digests={other: content_hash(other, new)})
    assert stored(db, other) == own(other, new)
    assert kept_hash(db, other, META) == content_hash(other, new) != content_hash(other, other_nquads)
    assert len(list(db.quads_for_pattern(ox.NamedNode(other), None, None, META))) == 1


def test_writes_content_hash_is_of_the_graph_alone_in_any_order() -> None:
    (graph, nquads), *_ = sample()
    lines = nquads.splitlines(keepends=True)
    assert content_hash(graph, b"".join(reversed(lines))) == content_hash(graph, nquads)
    shared_only = b"".join(x for x in lines if not x.rstrip().endswith(f"<{graph}> .".encode()))
    assert content_hash(graph, nquads + shared_only) == content_hash(graph, nquads)
    assert content_hash(graph, _one_changed(nquads)) != content_hash(graph, nquads)


def test_writes_opening_the_store_removes_what_a_killed_bulk_write_left(tmp_path: Path) -> None:
    from kg.store import open_store

    store = tmp_path / "s"
    db = open_store(store)
    db.bulk_load(b"<http://a/s> <http://a/p> <http://a/o> <http://a/g> .\n", format=ox.RdfFormat.N_QUADS)
    del db
    (store / "bulk-123456789.sst").write_bytes(b"half a file")  # what a SIGKILL leaves
    db = open_store(store)
    assert not list(store.glob("bulk-*")) and len(db) == 1
