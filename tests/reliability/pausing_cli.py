"""``python -m rag`` with a failpoint: the real CLI, paused at one named point so a test can
SIGKILL it exactly inside a crash window that lasts only milliseconds in a normal run.

Usage, from the checkout: ``RAG_TEST_PAUSE_AT=<point> python -m tests.reliability.pausing_cli
ingest ...`` (``-m`` puts the checkout on sys.path, so no path edits here).
At the point it prints ``PAUSED <point>`` on stderr and sleeps (the test kills it then).
The patches only add the pause; every write still goes through the real code paths.

Points: ``intents`` (write intents committed, no vector written yet), ``upsert`` (half the Chroma batches written), ``before-commit`` (manifest
transaction open, not committed), ``after-commit`` (committed, replaced vectors not yet
deleted), ``bm25`` (new BM25 index written to its temp dir, not yet renamed into place).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

POINT = os.environ.get("RAG_TEST_PAUSE_AT", "")


def pause(point: str) -> None:
    if point == POINT:
        print(f"PAUSED {point}", file=sys.stderr, flush=True)
        time.sleep(120)


def install() -> None:
    import numpy as np

    from rag import lexical, store

    orig_upsert = store.Store._upsert_vectors

    def upsert(self: Any, chunks: Any, embeddings: Any) -> None:
        half = max(1, len(chunks) // 2)
        orig_upsert(self, chunks[:half], np.asarray(embeddings)[:half])
        pause("upsert")
        orig_upsert(self, chunks[half:], np.asarray(embeddings)[half:])

    from rag.state import sqlite as sqlite_state

    orig_bump = sqlite_state._bump
    orig_intents = sqlite_state.SqliteManifest.record_intents

    def intents(self: Any, doc_ids: Any) -> None:
        orig_intents(self, doc_ids)
        pause("intents")  # committed: a crash now leaves pending rows and no vectors

    def bump(db: Any) -> None:
        orig_bump(db)
        pause("before-commit")  # still inside BEGIN IMMEDIATE ... COMMIT

    orig_delete = store.Store._delete_vectors

    def delete(self: Any, doc_id: str) -> None:
        pause("after-commit")
        orig_delete(self, doc_id)

    orig_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        if Path(src).name.startswith(".bm25-") and not Path(src).name.startswith(".bm25-old"):
            pause("bm25")
        orig_replace(src, dst)

    store.Store._upsert_vectors = upsert  # type: ignore[method-assign]
    sqlite_state._bump = bump
    sqlite_state.SqliteManifest.record_intents = intents  # type: ignore[method-assign]
    store.Store._delete_vectors = delete  # type: ignore[method-assign]
    lexical.os.replace = replace  # type: ignore[attr-defined]


if __name__ == "__main__":
    install()
    from rag.cli import main

    sys.exit(main(sys.argv[1:]))
