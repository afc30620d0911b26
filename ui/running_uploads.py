"""Uploads still being indexed, kept per server rather than per browser session.

An upload is indexed by a thread that outlives the session that started it, but its
progress lived only in that session's ``st.session_state``: after a reload (a new session)
the sidebar showed no bars, no time left and no report while the files appeared in the
documents list one by one, unexplained, and a question got no "still being indexed" note.
Jobs are kept here under their index and workspace (a workspace's documents are shared by
whoever opens it), so a new session of the same workspace takes up the running ones.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol


class _Job(Protocol):
    @property
    def done(self) -> bool: ...


_lock = threading.Lock()
_running: dict[str, list[_Job]] = {}


def remember(where: str, job: _Job) -> None:
    """Keep ``job`` (indexing into ``where``) until it is done."""
    with _lock:
        _running.setdefault(where, []).append(job)


def not_yet_shown(where: str, shown: Sequence[object]) -> list[_Job]:
    """Jobs still indexing into ``where`` that are not among ``shown`` (this session's)."""
    with _lock:
        jobs = [j for j in _running.get(where, []) if not j.done]
        _running[where] = jobs  # finished ones are forgotten: their session has the report
    return [j for j in jobs if not any(j is s for s in shown)]
