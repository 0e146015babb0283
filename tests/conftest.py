"""Shared fixtures: paths, the example document, a store built once per session."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


def kg(
    *args: str, check: bool = True, timeout: int = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    p = subprocess.run(
        [*KG, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **env} if env else None,
    )
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


@contextmanager
def served(store: Path, *extra: str) -> Iterator[str]:
    """``kg serve`` on ``store`` on a free loopback port, for the ``with`` block; yields its URL."""
    import tempfile

    import httpx

    from kg.publish.server import free_port

    port = free_port()
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a full pipe would stall the server
        proc = subprocess.Popen(
            [*KG, "serve", "--store", str(store), "--port", str(port), *extra],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(url + "/", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise AssertionError(f"kg serve did not start: {log.read().decode(errors='replace')}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


EXTRA_PARAGRAPH = "Recalling its resolution 5/1 of 18 June 2007,\n"


def new_version_of_data(dst: Path) -> Path:
    """The sample inputs of ``data/``, each with one more preambular paragraph (a citation and a
    date too): every resolution graph differs from the one built from ``data/``."""
    import json

    dst.mkdir(parents=True, exist_ok=True)
    for f in sorted((ROOT / "data").iterdir()):
        if f.suffix == ".json":
            rec = json.loads(f.read_text(encoding="utf-8"))
            i = rec["text"].index("Recalling")
            rec["text"] = rec["text"][:i] + EXTRA_PARAGRAPH + rec["text"][i:]
            (dst / f.name).write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
        elif f.suffix == ".txt":
            text = f.read_text(encoding="utf-8")
            i = text.index("\nRecalling") + 1
            (dst / f.name).write_text(text[:i] + EXTRA_PARAGRAPH + text[i:], encoding="utf-8")
    return dst


@pytest.fixture(scope="session")
def new_sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store built from ``new_version_of_data``."""
    root = tmp_path_factory.mktemp("new-sample")
    kg("build", str(new_version_of_data(root / "data")), "--store", str(root / "store"), "-q")
    return root / "store"


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
