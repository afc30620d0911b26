"""Workspaces: named sets of documents (one per team or project).

Each workspace is its own Chroma collection and its own manifest scope, so a question sees
only its workspace's documents. ``default`` is ``RAG_COLLECTION`` itself: indexes made before
workspaces existed are the default workspace, unchanged. The others are named in the state
backend's registry (SQLite ``state/workspaces.sqlite3``, or ``rag_workspaces`` in the shared
PostgreSQL) and live in the collection ``<RAG_COLLECTION>-ws-<name>``.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import unicodedata
from pathlib import Path

from rag.settings import Settings, SettingsError
from rag.state import open_state

DEFAULT = "default"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class WorkspaceError(SettingsError):
    """A workspace name that is invalid, unknown, or cannot be deleted."""


class InvalidWorkspaceName(WorkspaceError):
    """A name :data:`NAME` refuses; ``name`` is what was given, for a sentence of one's own."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"invalid workspace name {name[:60]!r}: 1-40 characters, lower-case letters, "
            "digits, '-' and '_', starting with a letter or digit"
        )


def collection_for(settings: Settings, workspace: str | None = None) -> str:
    ws = workspace or settings.workspace
    return settings.collection if ws == DEFAULT else f"{settings.collection}-ws-{ws}"


def uploads_dir(settings: Settings, workspace: str | None = None) -> Path:
    """Where the workspace's browser uploads are saved: ``uploads/`` for ``default`` (as
    before workspaces), ``workspaces/<name>/uploads/`` for the others. One shared folder let
    a same-named upload into one workspace overwrite the file another's documents point at,
    so its page previews and re-reads showed the other workspace's text."""
    ws = workspace or settings.workspace
    if ws == DEFAULT:
        return settings.index_dir / "uploads"
    return settings.index_dir / "workspaces" / check_name(ws) / "uploads"


def list_workspaces(settings: Settings) -> list[str]:
    """``default`` first, then the created ones by name."""
    return [DEFAULT, *open_state(settings).workspace_names()]


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise InvalidWorkspaceName(name)
    return name


def suggest_name(name: str) -> str | None:
    """A valid name close to ``name`` ("Team A / Finance!" -> "team-a-finance"), if any."""
    # Accents off first ("Équipe" -> "equipe"): the slug dropped é, suggesting "quipe".
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_]+", "-", plain.lower()).strip("-_")[:40].rstrip("-_")
    return slug if NAME.match(slug) and slug != DEFAULT else None


def require(settings: Settings, workspace: str | None = None) -> str:
    """The workspace's name if it exists, else a clear error saying how to create it."""
    ws = check_name(workspace or settings.workspace)
    if ws != DEFAULT and ws not in open_state(settings).workspace_names():
        raise WorkspaceError(
            f"no workspace {ws!r}; create it with: python -m rag workspaces create {ws}"
        )
    return ws


def create_workspace(settings: Settings, name: str) -> bool:
    """True if it was created, False if it already existed."""
    if check_name(name) == DEFAULT:
        return False
    return open_state(settings).add_workspace(name)


def delete_workspace(settings: Settings, name: str) -> bool:
    """Forget the workspace and delete its documents (vectors and manifest). True if it
    existed. ``default`` cannot be deleted: remove its documents instead."""
    if check_name(name) == DEFAULT:
        raise WorkspaceError("the default workspace cannot be deleted")
    collection = collection_for(settings, name)
    found = open_state(settings).drop_workspace(name, collection)
    from rag.store import open_chroma

    client = open_chroma(settings.chroma_dir, settings.chroma_host, settings.chroma_port)
    try:
        client.delete_collection(collection)
    except Exception as e:  # chromadb raises NotFoundError / ValueError by version
        if "does not exist" not in str(e) and "not found" not in str(e).lower():
            raise
    # Its conversations too: their answers quote the deleted documents, and a workspace
    # created again under the same name listed them as its own.
    from rag.conversations import DB_NAME, ConversationStore

    conversations = settings.state_dir / DB_NAME
    if conversations.is_file():
        ConversationStore(conversations, name).delete_all()
    # Its uploaded files go with it: deleting a workspace of confidential documents left
    # their copies in workspaces/<name>/uploads/, where no page lists them.
    folder = uploads_dir(settings, name)
    shutil.rmtree(folder, ignore_errors=True)
    with contextlib.suppress(OSError):  # only when nothing else was put there
        folder.parent.rmdir()
    return found
