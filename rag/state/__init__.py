"""Where the state that decides what a question sees lives: SQLite (default) or PostgreSQL.

``open_state(settings)``: :class:`rag.state.sqlite.SqliteState` under ``RAG_INDEX_DIR``, or,
with ``RAG_STATE_URL=postgresql://...``, one :class:`rag.state.postgres.PostgresState` per
process and URL (its connections are per thread).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from providers.errors import register_secret
from rag.state.base import ChunkRecord, DocInfo, Manifest, StateBackend
from rag.state.sqlite import SqliteState

if TYPE_CHECKING:
    from rag.settings import Settings

__all__ = ["ChunkRecord", "DocInfo", "Manifest", "StateBackend", "open_state"]

_shared: dict[tuple[str, float], StateBackend] = {}
_shared_lock = threading.Lock()


def open_state(settings: Settings) -> StateBackend:
    if settings.state_url is None:
        return SqliteState(settings.index_dir)
    url = settings.state_url.get_secret_value()
    refresh_s = settings.state_refresh_ms / 1000
    with _shared_lock:
        state = _shared.get((url, refresh_s))
        if state is None:
            from urllib.parse import urlsplit

            from rag.state.postgres import PostgresState

            register_secret(url)  # redact() then scrubs it (and its password) from errors
            register_secret(urlsplit(url).password)
            state = _shared[(url, refresh_s)] = PostgresState(url, refresh_s)
        return state
