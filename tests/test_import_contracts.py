"""The layering contracts (CONTRIBUTING.md): data flows ui -> rag -> providers/ingest -> text.

Checked on the real import graph (grimp, the engine of import-linter), including imports
inside functions. ``text`` joins the graph as soon as the package exists.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache

import grimp
import pytest

OURS = ("rag", "ui", "ingest", "providers", "text")

# Known exceptions, each with the change that removes it.
ALLOWED = {
    # the CLI's own entry point (python -m rag)
    ("rag.__main__", "rag.cli"),
}


@lru_cache(maxsize=1)
def graph() -> grimp.ImportGraph:
    present = [p for p in OURS if importlib.util.find_spec(p) is not None]
    return grimp.build_graph(*present)


def _package(module: str) -> str:
    return module.split(".", 1)[0]


def violations(source: str, forbidden: tuple[str, ...]) -> list[str]:
    g = graph()
    if source not in {_package(m) for m in g.modules}:
        return []
    out = []
    for m in sorted(g.modules):
        if _package(m) != source:
            continue
        for imported in sorted(g.find_modules_directly_imported_by(m)):
            target = _package(imported)
            if target in forbidden and target != source and (m, imported) not in ALLOWED:
                out.append(f"{m} -> {imported}")
    return out


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("text", ("rag", "ui", "ingest", "providers")),  # the leaf: imports nothing of ours
        ("ingest", ("rag", "ui")),
        ("providers", ("rag", "ui", "ingest")),
        ("rag", ("ui",)),
        ("ui", ("ingest",)),
    ],
)
def test_layers(source: str, forbidden: tuple[str, ...]) -> None:
    assert violations(source, forbidden) == []


def test_nothing_imports_the_cli() -> None:
    """``rag.cli`` (and its command modules) is a front end like ``ui``: library code and
    the app never call into it; what they share lives in ``rag`` (e.g. rag/ollama.py)."""
    g = graph()
    cli = {m for m in g.modules if m == "rag.cli" or m.startswith("rag.cli.")}
    importers = {
        (m, c)
        for c in cli
        for m in g.find_modules_that_directly_import(c)
        if m not in cli and (m, c) not in ALLOWED
    }
    assert sorted(importers) == []


def test_nothing_imports_the_server() -> None:
    """``rag.server`` (``python -m rag serve``) is a front end too: only its CLI command
    (``rag.cli.serve``) imports it."""
    g = graph()
    server = {m for m in g.modules if m == "rag.server" or m.startswith("rag.server.")}
    importers = {
        (m, s)
        for s in server
        for m in g.find_modules_that_directly_import(s)
        if m not in server and m != "rag.cli.serve"
    }
    assert sorted(importers) == []
