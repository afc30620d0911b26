"""The documents an older reader cut from the bytes being ingested, wherever they were read.

Document ids, not paths, say what is indexed: the same bytes at two paths share one id, so
a second path is "unchanged" and never a second copy. After an upgrade (a new reader, new
chunk settings) the old copy of a file read at another path (a moved folder, a second
checkout) stayed visible beside the new one, so every question retrieved each chunk twice
(the dev set's fit half: page in top 5 113/119, contains gold 77/119; fresh 116 and 88).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol


class _Docs(Protocol):
    def docs(self) -> Sequence[Any]: ...


class StaleCopies:
    """Ids of the store's documents whose bytes are indexed under an outdated id, listed
    once per ingest run (:meth:`reset`); each stale id is handed out once."""

    def __init__(self, store: _Docs, doc_id_of: Callable[[str], str]) -> None:
        self._store, self._doc_id_of = store, doc_id_of
        self._by_sha: dict[str, list[str]] | None = None

    def reset(self) -> None:
        self._by_sha = None  # listed again by the first file that asks

    def of(self, sha: str, doc_id: str, existing: Sequence[Any] = ()) -> list[str]:
        """The documents holding the bytes ``sha`` under an id other than ``doc_id``, at
        any path, plus ``existing`` ones (this path's) that are not ``doc_id``."""
        if self._by_sha is None:
            by_sha: dict[str, list[str]] = {}
            for d in self._store.docs():
                if d.doc_id != self._doc_id_of(d.sha256):
                    by_sha.setdefault(d.sha256, []).append(d.doc_id)
            self._by_sha = by_sha
        out = self._by_sha.pop(sha, [])
        out += [d.doc_id for d in existing if d.doc_id != doc_id and d.doc_id not in out]
        return [d for d in out if d != doc_id]
