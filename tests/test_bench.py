"""A smoke run of the benchmark on the sample in data/ (the real one runs with `make bench`)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_bench_smoke_prints_every_row() -> None:
    p = subprocess.run(
        [sys.executable, "bench/run.py", "data", "--runs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    for row in (
        "tokenizer pass",
        "kg build end to end",
        "rebuild, no input changed",
        "peak RSS",
        "NLP pass alone",
        "SHACL share: of the kg build's CPU time",
        "SHACL share: of document processing",
        "writing the store: new graphs",
        "replacing every graph: nothing changed",
        "replacing every graph: one quad changed",
        "replacing every graph: every annotation renamed",
        "kg export",
        "CQ8 through kg serve",
    ):
        assert row in p.stdout, row
