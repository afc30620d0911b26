"""Many replicas on one shared store (issue 18): separate RAG_INDEX_DIRs, one real Chroma
server, one real PostgreSQL (RAG_STATE_URL) that holds the manifest, the generation, usage
and the response cache. A document ingested through one replica is answered by the other
within a second; removed through the other, the first stops citing it; a daily budget holds
across replicas; concurrent ingests from two processes leave one consistent store."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from providers.base import Usage
from providers.errors import BudgetExceededError
from providers.usage import UsageTracker
from tests.reliability.checks import (
    PYTHON,
    ROOT,
    cli_env,
    open_store,
    run_cli,
    visibility_violations,
)
from tests.reliability.servers import create_database, postgres_server, wait_until
from tests.reliability.test_chroma_server import (
    chroma_server,  # noqa: F401 (a fixture)
    server_engine,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pg_admin() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def pg(pg_admin: str, request: pytest.FixtureRequest) -> str:
    return create_database(pg_admin, request.node.name.lower()[:60])


def _replica(
    index_dir: Path, chroma: tuple[str, int, Path], url: str, embedder: Any, collection: str
) -> Any:
    """A replica in this process: its own index dir, the shared Chroma server and state."""
    return server_engine(index_dir, chroma, embedder, collection, state_url=url)


def _shared_env(chroma: tuple[str, int, Path], collection: str, url: str) -> dict[str, str]:
    """A replica process's settings: the shared Chroma server and PostgreSQL state."""
    host, port, _ = chroma
    return {
        "RAG_CHROMA_HOST": host,
        "RAG_CHROMA_PORT": str(port),
        "RAG_COLLECTION": collection,
        "RAG_STATE_URL": url,
    }


def _cites(engine: Any, question: str, name: str) -> bool:
    return any(s.source == name for s in engine.ask(question).sources)


class _Replica:
    """tests/reliability/replica.py in its own process: its own connections, its own BM25."""

    def __init__(self, index_dir: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "tests.reliability.replica"],  # from ROOT: no sys.path edit
            env=cli_env(index_dir, **env),
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._read() == {"ready": True}

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"the replica died (exit {self.proc.poll()})"
        return dict(json.loads(line))

    def call(self, **cmd: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def cites(self, question: str, name: str) -> bool:
        out = self.call(op="ask", q=question)
        # Cited, and found by this replica's own BM25 (refreshed from the shared generation).
        return name in out["sources"] and name in out["bm25"]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def test_two_replicas_see_each_others_ingests_and_removals(
    chroma_server: tuple[str, int, Path],  # noqa: F811
    pg: str,
    tmp_path: Path,
) -> None:
    from rag.embeddings import HashEmbedder

    env = _shared_env(chroma_server, "replicas", pg)
    b = _Replica(tmp_path / "b", env)  # another process, as behind a load balancer
    try:
        # The same (test) embedder as b's RAG_EMBEDDING_BACKEND=hash: one vector space.
        a = _replica(tmp_path / "a", chroma_server, pg, HashEmbedder(), "replicas")
        (tmp_path / "tides.txt").write_text("Spring tides happen at full and new moon.")
        a.ingest([tmp_path / "tides.txt"])
        assert b.cites("When do spring tides happen?", "tides.txt")  # b's BM25 is now warm

        (tmp_path / "bees.md").write_text("# Bees\n\nHoney bees communicate with a waggle dance.")
        [r] = a.ingest([tmp_path / "bees.md"])
        assert r.status == "added"
        # Dense hits are joined against the shared manifest on every query; b's own BM25
        # follows when its generation check (every RAG_STATE_REFRESH_MS) sees the move.
        took = wait_until(lambda: b.cites("How do honey bees communicate?", "bees.md"), 1.0)
        print(f"replica b cited the new document {took * 1000:.0f} ms after a's ingest")

        assert b.call(op="remove", target="bees.md") == {"results": ["removed"]}
        wait_until(
            lambda: (
                not _cites(a, "How do honey bees communicate?", "bees.md")
                and not a.retrieve("waggle dance", mode="bm25").passages
            ),
            1.0,
        )
        assert [d.name for d in a.docs()] == ["tides.txt"]
        assert not b.cites("How do honey bees communicate?", "bees.md")
        # Nothing on the server that the manifest does not know, nothing twice.
        assert not visibility_violations(a.store, ["honey bees waggle", "spring tides"])
        assert sorted(a.store._collection.get()["ids"]) == sorted(a.store.snapshot()[1])
    finally:
        b.close()


def test_a_daily_budget_holds_across_replicas_and_the_cache_is_shared(
    pg: str, tmp_path: Path
) -> None:
    from providers.base import Message, Request, Response
    from providers.cache import ResponseCache
    from rag.settings import load_settings

    settings = load_settings(index_dir=tmp_path / "a", state_url=pg, daily_budget_usd=0.05)
    cfg = settings.provider_config()
    assert cfg.usage_records is not None and cfg.cache_records is not None
    # Another replica (another process, its own index dir) spends 0.06 today ...
    code = (
        "from providers.base import Usage\n"
        "from providers.usage import UsageTracker\n"
        "from rag.settings import load_settings\n"
        "cfg = load_settings().provider_config()\n"
        "t = UsageTracker(records=cfg.usage_records, session_id='other-replica')\n"
        "t.record('openai', 'gpt-4o-mini', Usage(1000, 500), 0.06)\n"
    )
    other = subprocess.run(
        [PYTHON, "-c", code],
        env=cli_env(tmp_path / "b", RAG_STATE_URL=pg),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert other.returncode == 0, other.stderr[-1500:]
    # ... so this replica's next paid call is refused, in a session that spent nothing.
    here = UsageTracker(records=cfg.usage_records, daily_budget_usd=0.05)
    assert here.session_cost() == 0.0 and here.daily_cost() == pytest.approx(0.06)
    with pytest.raises(BudgetExceededError, match="daily budget"):
        here.check_budget("openai")
    report = run_cli(tmp_path / "c", "usage", "--json", RAG_STATE_URL=pg)
    assert report.returncode == 0, report.stderr[-1500:]
    assert json.loads(report.stdout)["today"]["cost_usd"] == pytest.approx(0.06)

    request = Request(messages=[Message("user", "What is a tide?")])
    answer = Response(text="A tide [1].", provider="openai", model="m", usage=Usage(10, 5))
    ResponseCache(records=cfg.cache_records).put("openai", "m", request, answer)
    from rag.state.postgres import PostgresState

    elsewhere = PostgresState(pg)  # its own connections, as another replica has
    hit = ResponseCache(records=elsewhere.cache_records()).get("openai", "m", request)
    assert hit is not None and hit.cached and hit.text == "A tide [1]."
    elsewhere.close()


def _waiting_for_lock(url: str) -> bool:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        row = db.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        ).fetchone()
    return bool(row and row[0] > 0)


def _document(doc_id: str, name: str, n: int) -> tuple[Any, list[Any]]:
    from rag.store import ChunkRecord, DocInfo

    texts = [f"Midwrite passage {i} about lighthouses and fog horns." for i in range(n)]
    chunks = [
        ChunkRecord(f"{doc_id}:{i}", doc_id, i, 1, 0, len(t), 10, t) for i, t in enumerate(texts)
    ]
    return DocInfo(doc_id, name, name, doc_id * 4, 1, n, 100), chunks


def _write_corpus(folder: Path, names: range, tag: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in names:
        words = " ".join(f"topic{i}word{j}" for j in range(60))
        (folder / f"doc{i:03d}.txt").write_text(f"Document {i}{tag}. {words}. " * 20)


def _cli_ingest(folder: Path, index_dir: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """``python -m rag ingest --json FOLDER`` as a replica with its own RAG_INDEX_DIR."""
    return subprocess.Popen(
        [PYTHON, "-m", "rag", "ingest", "--json", str(folder)],
        env=cli_env(index_dir, **env),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_ingests_from_two_processes_leave_one_consistent_store(
    chroma_server: tuple[str, int, Path],  # noqa: F811
    pg: str,
    tmp_path: Path,
) -> None:
    from rag.state.postgres import PostgresState

    host, port, _ = chroma_server
    env = _shared_env(chroma_server, "concurrent", pg)
    # 40 files each, 15 of them the same file in both (same content, same doc ids).
    _write_corpus(tmp_path / "one", range(0, 40))
    _write_corpus(tmp_path / "two", range(25, 65))
    state = PostgresState(pg)
    manifest = state.manifest("concurrent")

    store = open_store(
        tmp_path / "check",
        chroma_host=host,
        chroma_port=port,
        collection="concurrent",
        manifest=manifest,
    )
    # Replica A is mid-write (vectors on the server, manifest not yet committed) when replica
    # B starts an ingest, whose first step sweeps orphan vectors. Without the shared lock B
    # would take A's vectors for orphans and A's commit would point at vectors that are gone.
    doc, chunks = _document("feedfacefeedface", "midwrite.txt", 3)
    with store._writing():
        store._upsert_vectors(chunks, store.embedder.embed([c.text for c in chunks]))
        b = _cli_ingest(tmp_path / "two", tmp_path / "r2", env)
        waited = wait_until(lambda: _waiting_for_lock(pg) or b.poll() is not None, 90.0)
        assert b.poll() is None, b.communicate()[1][-2000:]
        assert manifest.docs() == []  # B has written nothing: it waits for A's lock
        print(f"replica B waited for the lock after {waited:.1f} s")
        manifest.commit([(doc, chunks, [])])
    # B goes on while A (another process now) ingests a corpus that overlaps B's.
    a = _cli_ingest(tmp_path / "one", tmp_path / "r1", env)
    procs = [a, b]
    outs = [p.communicate(timeout=180) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-2000:]

    docs = manifest.docs()
    assert len(docs) == 66 and len({d.doc_id for d in docs}) == 66
    assert len({d.name for d in docs}) == 66  # the shared 15 are there once
    assert len(store.vectors([c.chunk_id for c in chunks])) == 3  # A's survived B's sweep
    # manifest == Chroma ids == BM25 ids, no duplicates, queries see committed chunks only.
    assert not visibility_violations(store, ["topic3word7", "topic50word1", "document 30"])
    ids = store._collection.get()["ids"]
    assert len(ids) == len(set(ids)) == store.chunk_count()
    state.close()


def test_workspaces_are_shared_by_replicas(pg: str, tmp_path: Path) -> None:
    from rag.settings import load_settings
    from rag.state.postgres import PostgresState
    from rag.workspaces import collection_for, create_workspace, delete_workspace, list_workspaces

    a = load_settings(index_dir=tmp_path / "a", state_url=pg)
    b = load_settings(index_dir=tmp_path / "b", state_url=pg)
    assert create_workspace(a, "team-a")
    assert list_workspaces(b) == ["default", "team-a"]  # created through a, seen by b
    manifest = PostgresState(pg).manifest(collection_for(b, "team-a"))
    assert manifest.generation == 0 and manifest.docs() == []
    assert delete_workspace(b, "team-a")
    assert list_workspaces(a) == ["default"]


def test_an_unreachable_state_database_is_a_clear_error_without_the_password(
    tmp_path: Path,
) -> None:
    from rag.engine import Engine
    from rag.settings import load_settings
    from rag.state.postgres import StateUnavailableError
    from tests.fakes.servers import unused_port

    url = f"postgresql://rag:hunter2-sentinel@127.0.0.1:{unused_port()}/rag"
    settings = load_settings(index_dir=tmp_path, state_url=url, auto_ingest_demo=False)
    assert "hunter2" not in repr(settings) and "hunter2" not in settings.model_dump_json()
    with pytest.raises(StateUnavailableError) as err:
        Engine(settings, embedder=object())  # type: ignore[arg-type]
    assert "cannot reach the state database" in str(err.value)
    assert "hunter2" not in str(err.value) and "rag:***@127.0.0.1" in str(err.value)


def test_write_intents_are_per_collection(pg: str) -> None:
    """A replica's sweep reads its own collection's pending rows only: another collection's
    in-flight write is never taken for orphans (the advisory lock is per collection too)."""
    from rag.state.postgres import PostgresState

    state = PostgresState(pg)
    one, two = state.manifest("one"), state.manifest("two")
    doc, chunks = _document("feedfacefeedface", "a.txt", 2)
    one.record_intents([doc.doc_id])
    assert one.pending() == {doc.doc_id: False} and two.pending() == {}
    one.commit([(doc, chunks, [])])
    assert one.pending() == {}  # cleared in the commit's transaction
    new, new_chunks = _document("beefbeefbeefbeef", "a.txt", 1)
    assert one.commit([(new, new_chunks, [doc.doc_id])]) == [doc.doc_id]
    assert one.pending() == {doc.doc_id: False}  # replaced: its vectors are orphans now
    assert two.delete("beefbeefbeefbeef") is False and two.pending() == {"beefbeefbeefbeef": False}
    one.clear_pending([doc.doc_id])
    assert one.pending() == {} and two.pending() == {"beefbeefbeefbeef": False}
    assert not one.full_sweep_done() and not two.full_sweep_done()
    one.mark_full_sweep_done()
    assert one.full_sweep_done() and not two.full_sweep_done()
    assert state.drop_workspace("two", "two") is False
    assert state.manifest("two").pending() == {}  # a dropped collection leaves no rows
    state.close()
