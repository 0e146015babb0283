"""Shared fixtures: paths, the example document, a store built once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE = FIXTURES / "000_44671227e59e4216.txt"
CQ_DIR = Path(__file__).resolve().parent / "cq"
KG = [sys.executable, "-m", "kg.cli"]


def shared_dir() -> Path | None:
    """``../shared`` (or $UNRES_SHARED) when present: used by optional checks only."""
    p = Path(os.environ.get("UNRES_SHARED", ROOT.parent / "shared"))
    return p if (p / "corpus").is_dir() else None


def kg(*args: str, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([*KG, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if check and p.returncode != 0:
        raise AssertionError(f"kg {' '.join(args)} -> {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def resolution_symbols(store: Path) -> set[str]:
    """The symbols of the resolutions in an on-disk store."""
    import pyoxigraph as ox

    db = ox.Store.read_only(str(store))
    rows = db.query(
        "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX unres: <https://w3id.org/unres/ontology#>"
        " SELECT ?s WHERE { ?r a unres:Resolution ; dcterms:identifier ?s }",
        use_default_graph_as_union=True,
    )
    return {r[0].value for r in rows}  # type: ignore[union-attr]


@pytest.fixture(scope="session")
def example_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("store") / "store"
    kg("build", str(EXAMPLE), "--store", str(store), "-q")
    return store


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("sample") / "store"
    kg("build", str(ROOT / "data"), "--store", str(store), "-q")
    return store
