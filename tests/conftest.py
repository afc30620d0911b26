"""Shared fixtures: a fixed-output fake embedder, isolated index dirs, sample files.

Tests mirror the packages (tests/text, tests/ingest, tests/providers, tests/rag, tests/ui) plus
the cross-cutting tests/e2e, tests/reliability and tests/quality; CONTRIBUTING.md has the map.
A theme that spans folders is a marker (pyproject.toml), set where the test is.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

# The wire-format fakes' fixtures (fake servers, make_provider, the provider-env cleaner) for
# every folder, instead of per-folder star imports and sys.path edits.
pytest_plugins = ["tests.fakes.plugin"]

ROOT = Path(__file__).resolve().parent.parent
TESTS_DATA = ROOT / "tests" / "data"  # the committed test data (questions, the QA set)
# ../shared/data beside the checkout; RAG_SHARED_DATA points elsewhere (.ci/run sets it when
# its clean clone does not sit beside the data).
SHARED = Path(os.environ.get("RAG_SHARED_DATA") or ROOT.parent / "shared" / "data")
SHARED_PDFS = SHARED / "pdfs"
REQUIRE_ENV = "RAG_REQUIRE_SHARED"


def require_shared(path: Path, what: str = "shared evaluation data") -> Path:
    """``path`` under the shared data if it is there. If not: skip on a developer's machine,
    but fail loudly when ``RAG_REQUIRE_SHARED=1`` - .ci/run sets it whenever the machine has
    the data, so a CI run cannot pass green having silently skipped the real-data tests
    (kill -9, real PDFs, quality numbers); where the data is absent, .ci/run says so."""
    if path.exists():
        return path
    msg = f"{path} is absent ({what} not on this machine)"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{msg}; {REQUIRE_ENV}=1 requires the shared data", pytrace=False)
    pytest.skip(msg)


# Folder -> marker for the cross-cutting folders, so `-m reliability` or `-m quality` selects
# them wherever pytest is started (a conftest hook sees every item, hence the path check).
FOLDER_MARKERS = {"reliability": "reliability", "quality": "quality"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        path = Path(str(item.fspath))
        for folder, marker in FOLDER_MARKERS.items():
            if here / folder in path.parents:
                item.add_marker(getattr(pytest.mark, marker))


# Never let a test touch the developer's index or phone home.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(scope="session", autouse=True)
def _streamlit_as_one_server() -> Iterator[None]:
    """What Streamlit's server does once and its AppTest redoes for every app or run:
    - scan every installed package for v2 components (~0.25 s; a run starts ~150 apps; the
      packages cannot change during a run);
    - compile the script: AppTest parses app.py again on every rerun, and Python 3.11's
      ``ast`` is not thread-safe - a parse racing the engine's warm-up thread (numpy reads
      the saved BM25 arrays' headers with ``ast.literal_eval``) raised "SystemError: AST
      constructor recursion depth mismatch". The server keeps one script cache; so do we.
    """
    try:
        from streamlit.components.v2 import manifest_scanner
        from streamlit.runtime.scriptrunner.script_cache import ScriptCache
        from streamlit.testing.v1 import app_test, local_script_runner
    except ImportError:  # an install without the UI
        yield
        return
    scan = manifest_scanner.scan_component_manifests
    first: list[Any] = []

    def scanned_once(max_workers: int | None = None) -> list[Any]:
        if not first:
            first.append(scan(max_workers))
        return list(first[0])

    one_cache = ScriptCache()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(manifest_scanner, "scan_component_manifests", scanned_once)
        for module in (app_test, local_script_runner):
            mp.setattr(module, "ScriptCache", lambda: one_cache)
        yield


class FakeEmbedder:
    """Deterministic bag-of-words hashing embedder: similar words -> similar vectors.

    Fast and model-free, for tests where the real model is not the point.
    """

    dim = 384

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"[a-z0-9]+", t.lower()):
                h = int.from_bytes(hashlib.md5(w.encode()).digest()[:4], "little")
                out[i, h % self.dim] += 1.0
            n = np.linalg.norm(out[i])
            out[i] = out[i] / n if n else out[i]
            if not n:
                out[i, 0] = 1.0
        return out


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def index_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "index"
    monkeypatch.setenv("RAG_INDEX_DIR", str(d))
    monkeypatch.delenv("APP_ENV", raising=False)
    return d


@pytest.fixture
def settings(index_dir: Path):  # type: ignore[no-untyped-def]
    from rag.settings import load_settings

    return load_settings(index_dir=index_dir, demo_dir=ROOT / "data" / "demo")


@pytest.fixture
def engine(settings, fake_embedder):  # type: ignore[no-untyped-def]
    from rag.engine import Engine

    return Engine(settings, embedder=fake_embedder)


@pytest.fixture
def shared_pdfs() -> Path:
    return require_shared(SHARED_PDFS)


@pytest.fixture(scope="session")
def real_embedder() -> Iterator[object]:
    from rag.embeddings import get_embedder

    yield get_embedder()


def demo_engine_for(
    tmp_path_factory: pytest.TempPathFactory,
    embedder: object,
    extra_files: Callable[[Path], None] | None = None,
) -> Any:
    """An engine over the demo corpus in an index of its own, with the files ``extra_files``
    writes (into a folder it is given) ingested beside it."""
    from rag.engine import Engine
    from rag.settings import load_settings

    settings = load_settings(
        index_dir=tmp_path_factory.mktemp("index"), demo_dir=ROOT / "data" / "demo"
    )
    engine = Engine(settings, embedder=embedder)
    engine.ensure_demo()
    if extra_files is not None:
        folder = tmp_path_factory.mktemp("files")
        extra_files(folder)
        engine.ingest([folder])
    return engine


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory, real_embedder: object) -> Any:
    """The demo corpus, one index per test module, with the real embedding model."""
    return demo_engine_for(tmp_path_factory, real_embedder)


@pytest.fixture(scope="session")
def shared_pdfs_ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """``rag ingest --json`` (a real CLI process) of the 7 shared PDFs and two bad files, once a
    session: (the index, the report rows). Three modules asked it for an index of their own
    (~50 s each on 2 cores); each now works on :func:`copy_of_index`, so a removal in one is
    never seen by another."""
    import json
    import subprocess
    import sys

    require_shared(SHARED_PDFS)
    index = tmp_path_factory.mktemp("shared-pdfs-index")
    bad = tmp_path_factory.mktemp("bad")
    (bad / "empty.txt").write_bytes(b"")
    (bad / "corrupt.pdf").write_bytes(b"%PDF-1.7\n garbage \x00\x01")
    env = {**os.environ, "RAG_INDEX_DIR": str(index), "HF_HUB_OFFLINE": "1"}
    env.pop("APP_ENV", None)
    proc = subprocess.run(
        [sys.executable, "-m", "rag", "ingest", str(SHARED_PDFS), str(bad), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=900,
    )
    assert proc.returncode == 1, proc.stderr  # the two bad files failed, alone
    return index, [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def copy_of_index(index: Path, into: Path) -> Path:
    """A private copy of an index no process is writing (Chroma's files, the manifest, BM25)."""
    import shutil

    return Path(shutil.copytree(index, into / "index-copy"))
