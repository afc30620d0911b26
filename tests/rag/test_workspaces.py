"""Workspaces (issue 18): named sets of documents. A question sees only its workspace; the
CLI creates, lists and deletes them and takes --workspace on every command; the HTTP API
serves one model per workspace; conversations belong to one workspace."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from rag.conversations import ConversationStore
from tests.rag.server.conftest import TOKEN, free_port
from tests.reliability.checks import run_cli

pytestmark = pytest.mark.integration


def _settings(index_dir: Path, **kw: Any) -> Any:
    from rag.settings import load_settings

    return load_settings(index_dir=index_dir, auto_ingest_demo=False, **kw)


def _engine(settings: Any, embedder: Any) -> Any:
    from providers.extractive_provider import RefusalModel
    from rag.engine import Engine

    # The refusal model is fitted on real MiniLM vectors: answer whenever something is found.
    return Engine(settings, embedder=embedder, refusal=RefusalModel(weights={}, bias=5.0))


def test_a_question_sees_only_its_workspace(tmp_path: Path, fake_embedder: Any) -> None:
    from rag.workspaces import WorkspaceError, create_workspace, delete_workspace, list_workspaces

    base = _settings(tmp_path / "index")
    with pytest.raises(WorkspaceError, match="workspaces create team-a"):
        _engine(base.model_copy(update={"workspace": "team-a"}), fake_embedder)
    assert create_workspace(base, "team-a") and not create_workspace(base, "team-a")
    assert list_workspaces(base) == ["default", "team-a"]
    default = _engine(base, fake_embedder)
    team = _engine(base.model_copy(update={"workspace": "team-a"}), fake_embedder)
    (tmp_path / "owls.txt").write_text("Owls hunt at night using silent flight feathers.")
    (tmp_path / "bees.txt").write_text("Honey bees communicate with a waggle dance.")
    team.ingest([tmp_path / "owls.txt"])
    default.ingest([tmp_path / "bees.txt"])
    team.ingest_upload("moths.txt", b"Moths fly at night and navigate by the moon.")
    default.ingest_upload("ants.txt", b"Ants follow pheromone trails to food.")
    team_uploads, default_uploads = team.uploads_dir, default.uploads_dir
    assert (team_uploads / "moths.txt").is_file()
    assert [d.name for d in team.docs()] == ["moths.txt", "owls.txt"]
    assert [d.name for d in default.docs()] == ["ants.txt", "bees.txt"]
    assert "owls.txt" in {s.source for s in team.ask("How do owls hunt?").sources}
    assert "owls.txt" not in {s.source for s in default.ask("How do owls hunt?").sources}
    with pytest.raises(WorkspaceError):
        delete_workspace(base, "default")
    assert delete_workspace(base, "team-a")
    assert list_workspaces(base) == ["default"]
    # its uploaded files went with it; another workspace's stay
    assert not team_uploads.exists() and not team_uploads.parent.exists()
    assert (default_uploads / "ants.txt").is_file()
    assert [d.name for d in _engine(base, fake_embedder).docs()] == ["ants.txt", "bees.txt"]
    with pytest.raises(WorkspaceError, match="invalid workspace name"):
        create_workspace(base, "../etc")


def test_cli_workspaces_and_the_workspace_flag(tmp_path: Path) -> None:
    idx = tmp_path / "index"
    (tmp_path / "owls.txt").write_text("Owls hunt at night using silent flight feathers.")
    missing = run_cli(idx, "docs", "--workspace", "team-a")
    assert missing.returncode == 2 and "workspaces create team-a" in missing.stderr
    made = run_cli(idx, "workspaces", "create", "team-a", "--json")
    assert made.returncode == 0, made.stderr[-1500:]
    assert json.loads(made.stdout) == {"workspace": "team-a", "created": True}
    ing = run_cli(idx, "ingest", "--json", "--workspace", "team-a", str(tmp_path / "owls.txt"))
    assert ing.returncode == 0, ing.stderr[-1500:]
    docs = run_cli(idx, "docs", "--json", RAG_WORKSPACE="team-a")  # the env var does the same
    assert [d["name"] for d in json.loads(docs.stdout)] == ["owls.txt"], docs.stdout
    listed = run_cli(idx, "workspaces", "list", "--json")
    assert json.loads(listed.stdout) == {"workspaces": ["default", "team-a"]}
    gone = run_cli(idx, "workspaces", "delete", "team-a", "--json")
    assert gone.returncode == 0 and json.loads(gone.stdout)["deleted"] is True


def test_conversations_belong_to_one_workspace_and_old_files_migrate(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite3"
    with sqlite3.connect(path) as db:  # a file from before workspaces
        db.execute(
            "CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL, "
            "created REAL NOT NULL, updated REAL NOT NULL)"
        )
        db.execute("INSERT INTO conversations VALUES ('old1', 'Earlier chat', 1.0, 1.0)")
    default = ConversationStore(path)
    team = ConversationStore(path, "team-a")
    made = team.create("Team chat")
    assert [c.id for c in default.all()] == ["old1"]
    assert [(c.id, c.workspace) for c in team.all()] == [(made.id, "team-a")]


def test_api_serves_one_model_per_workspace(tmp_path: Path, fake_embedder: Any) -> None:
    import httpx
    import openai
    import uvicorn

    from rag.server import create_app
    from rag.workspaces import create_workspace

    settings = _settings(
        tmp_path / "index", server_api_keys=[TOKEN], provider="extractive", fallback=[]
    )
    create_workspace(settings, "team-a")
    team = _engine(settings.model_copy(update={"workspace": "team-a"}), fake_embedder)
    (tmp_path / "owls.txt").write_text("Owls hunt at night using silent flight feathers.")
    team.ingest([tmp_path / "owls.txt"])
    app = create_app(settings, _engine(settings, fake_embedder))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=TOKEN)
        assert [m.id for m in client.models.list()] == ["grounded-qa", "grounded-qa/team-a"]
        question = [{"role": "user", "content": "How do owls hunt?"}]
        resp = client.chat.completions.create(model="grounded-qa/team-a", messages=question)
        assert {s["file"] for s in resp.model_extra["sources"]} == {"owls.txt"}
        plain = client.chat.completions.create(model="grounded-qa", messages=question)
        assert not plain.model_extra.get("sources")  # the default workspace has no documents

        # /v1/documents?workspace=: the documents behind grounded-qa/team-a
        api, auth = f"http://127.0.0.1:{port}/v1", {"Authorization": f"Bearer {TOKEN}"}
        files = [("files", ("bats.txt", b"Bats find insects by echolocation.", "text/plain"))]
        up = httpx.post(f"{api}/documents?workspace=team-a", files=files, headers=auth, timeout=60)
        assert up.status_code == 200 and up.json()["data"][0]["status"] == "added", up.text
        team_docs = httpx.get(f"{api}/documents", params={"workspace": "team-a"}, headers=auth)
        assert {d["name"] for d in team_docs.json()["data"]} == {"owls.txt", "bats.txt"}
        assert httpx.get(f"{api}/documents", headers=auth).json()["data"] == []
        bats = next(d["id"] for d in team_docs.json()["data"] if d["name"] == "bats.txt")
        assert httpx.delete(f"{api}/documents/{bats}", headers=auth).status_code == 404
        gone = httpx.delete(f"{api}/documents/{bats}?workspace=team-a", headers=auth)
        assert gone.status_code == 200 and gone.json()["deleted"] is True
        typo = httpx.get(f"{api}/documents", params={"workspace": "team-b"}, headers=auth)
        assert typo.status_code == 404
        assert typo.json()["error"]["code"] == "workspace_not_found"
    finally:
        server.should_exit = True
        thread.join(10)


def test_an_upload_into_one_workspace_leaves_anothers_file_alone(
    tmp_path: Path, fake_embedder: Any
) -> None:
    """Both workspaces upload a 'policy.txt': each keeps its own copy, so default's previews
    and re-reads never show team-a's text (they read the file the manifest names)."""
    from rag.workspaces import create_workspace

    base = _settings(tmp_path / "index")
    create_workspace(base, "team-a")
    default = _engine(base, fake_embedder)
    team = _engine(base.model_copy(update={"workspace": "team-a"}), fake_embedder)
    ours, theirs = b"Default: the meal allowance is 55 euros.", b"Team A: it is 99 euros."
    assert default.ingest_upload("policy.txt", ours).status == "added"
    assert team.ingest_upload("policy.txt", theirs).status == "added"
    (mine,) = default.docs()
    (other,) = team.docs()
    assert Path(mine.path).read_bytes() == ours
    assert Path(other.path).read_bytes() == theirs
    assert default.uploads_dir == tmp_path / "index" / "uploads"  # as before workspaces


def test_deleting_a_workspace_deletes_its_conversations(tmp_path: Path) -> None:
    """Their answers quote the deleted documents, and a workspace created again under the
    same name listed them as its own."""
    from rag.conversations import DB_NAME
    from rag.workspaces import create_workspace, delete_workspace

    settings = _settings(tmp_path / "index")
    create_workspace(settings, "team-a")
    path = settings.state_dir / DB_NAME
    team, default = ConversationStore(path, "team-a"), ConversationStore(path)
    theirs = team.create("Launch code", owner="ana")
    team.save_turn(theirs.id, 1, "What is the code word?", [], "ana")
    team.create("Unowned chat")
    kept = default.create("Default chat")
    assert delete_workspace(settings, "team-a")
    assert team.all() == [] and team.all("ana") == [] and team.turns(theirs.id, "ana") == []
    assert [c.id for c in default.all()] == [kept.id]
    create_workspace(settings, "team-a")
    assert ConversationStore(path, "team-a").all("ana") == []
