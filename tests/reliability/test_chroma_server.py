"""Promise 7: one setting (RAG_CHROMA_HOST/RAG_CHROMA_PORT) moves the vectors to a real
Chroma server; the ingest/ask path works against it from the library and the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.servers import unused_port
from tests.reliability.checks import ROOT, run_cli, visibility_violations

CHROMA = Path(ROOT) / ".venv" / "bin" / "chroma"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    exe = str(CHROMA) if CHROMA.exists() else shutil.which("chroma")
    if not exe:
        pytest.skip("the chroma CLI is not installed")
    data = tmp_path_factory.mktemp("chroma-server")
    port = unused_port()
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={"ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2
                ) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"chroma server did not start: {(data / 'server.log').read_text()[-2000:]}"
                )
            time.sleep(0.3)
        yield "127.0.0.1", port, data / "db"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


def server_engine(
    index_dir: Path, server: tuple[str, int, Path], embedder: Any, collection: str, **extra: Any
) -> Any:
    """An engine on the Chroma server (``extra``: more settings, e.g. a shared state_url)."""
    from providers.extractive_provider import RefusalModel
    from rag.engine import Engine
    from rag.settings import load_settings

    host, port, _ = server
    settings = load_settings(
        index_dir=index_dir,
        chroma_host=host,
        chroma_port=port,
        auto_ingest_demo=False,
        collection=collection,
        **extra,
    )
    # Server mode is the point here, not the refusal decision (fitted on real MiniLM vectors,
    # meaningless on the hash embedder): answer whenever something is retrieved.
    return Engine(settings, embedder=embedder, refusal=RefusalModel(weights={}, bias=5.0))


def test_ingest_ask_remove_against_a_chroma_server(
    chroma_server: tuple[str, int, Path], tmp_path: Path, fake_embedder: Any
) -> None:
    engine = server_engine(tmp_path / "index", chroma_server, fake_embedder, "lib-test")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tides.txt").write_text(
        "Spring tides happen at full and new moon, when the sun and moon align."
    )
    (docs / "bees.md").write_text("# Bees\n\nHoney bees communicate with a waggle dance.")
    assert {r.status for r in engine.ingest([docs])} == {"added"}
    assert engine.store.vector_count() == engine.store.chunk_count() == 2
    assert not (tmp_path / "index" / "chroma").exists()  # vectors live on the server
    ans = engine.ask("How do honey bees communicate?")
    assert ans.sources[0].source == "bees.md" and "waggle" in ans.answer
    # A second instance sharing the same server and RAG_INDEX_DIR sees the same documents.
    other = server_engine(tmp_path / "index", chroma_server, fake_embedder, "lib-test")
    assert [d.name for d in other.docs()] == ["bees.md", "tides.txt"]
    assert other.retrieve("spring tides moon").passages[0].source == "tides.txt"
    [r] = engine.remove("tides.txt")
    assert r.status == "removed" and engine.store.vector_count() == 1
    assert not visibility_violations(engine.store, ["tides moon", "bees"])


def test_separate_manifests_on_one_server_do_not_delete_each_others_vectors(
    chroma_server: tuple[str, int, Path], tmp_path: Path, fake_embedder: Any
) -> None:
    a = server_engine(tmp_path / "a", chroma_server, fake_embedder, "shared-coll")
    b = server_engine(tmp_path / "b", chroma_server, fake_embedder, "shared-coll")
    (tmp_path / "a.txt").write_text("Glaciers carve U-shaped valleys.")
    (tmp_path / "b.txt").write_text("Volcanoes build islands from lava.")
    a.ingest([tmp_path / "a.txt"])
    b.ingest([tmp_path / "b.txt"])  # its orphan sweep must not take a's vectors for orphans
    assert a.retrieve("glaciers valleys").passages[0].source == "a.txt"
    assert a.store.vector_count() == 2  # both on the server, each visible to its own manifest
    # a crashes mid-write (write intent, then vectors, no commit): b's sweep leaves them (not
    # its pending rows), a's next sweep deletes them through the server's where filter.
    from rag.store import ChunkRecord

    ghost = [ChunkRecord(f"0badc0de:{i}", "0badc0de", i, 1, 0, 5, 1, "ghost") for i in range(2)]
    a.store._upsert_vectors(ghost, fake_embedder.embed(["ghost", "ghost"]))
    assert b.store.sweep_orphans() == 0 and a.store.vector_count() == 4
    assert a.store.sweep_orphans() == 2 and a.store.vector_count() == 2
    assert a.retrieve("glaciers valleys").passages[0].source == "a.txt"
    assert b.retrieve("volcanoes islands").passages[0].source == "b.txt"


def test_cli_uses_the_server_from_settings(
    chroma_server: tuple[str, int, Path], tmp_path: Path
) -> None:
    host, port, data = chroma_server
    (tmp_path / "owls.txt").write_text("Owls hunt at night using silent flight feathers.")
    env = {"RAG_CHROMA_HOST": host, "RAG_CHROMA_PORT": str(port), "RAG_COLLECTION": "cli-test"}
    ing = run_cli(tmp_path / "index", "ingest", "--json", str(tmp_path / "owls.txt"), **env)
    assert ing.returncode == 0, ing.stderr[-1500:]
    ask = run_cli(tmp_path / "index", "ask", "--json", "How do owls hunt?", **env)
    assert ask.returncode == 0, ask.stderr[-1500:]
    out = json.loads(ask.stdout.splitlines()[-1])
    assert out["sources"][0]["source"] == "owls.txt"
    assert not (tmp_path / "index" / "chroma").exists() and any(data.rglob("*"))
