"""Helpers shared by the benchmark and comparison scripts (not part of the package)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pyoxigraph as ox


def shared_dir(arg: str | None = None) -> Path:
    """``../shared`` or $UNRES_SHARED or the argument; exits cleanly (code 0) when absent."""
    p = Path(arg or os.environ.get("UNRES_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))
    if not (p / "corpus").is_dir():
        print(f"skipped: no shared folder at {p} (give its path or set UNRES_SHARED)")
        sys.exit(0)
    return p


def rows(store: ox.Store, query: str) -> list[list[str | None]]:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return [[(s[i].value if s[i] is not None else None) for i in range(len(s))] for s in result]
