"""Runnable docstrings: every ``>>>`` example in the package runs and gives what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kg

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(kg.__path__, "kg.") if not m.name.endswith(("cli", "server"))
)


@pytest.mark.parametrize("name", MODULES)
def test_doc_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
