"""Engine warm-up off the request path: build the engine (model, Chroma, BM25, the demo
corpus on a first run) in a background thread, so a front end can draw its page and its
chat box at once and wait for the engine only when a question needs it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future

from rag.embeddings import Embedder
from rag.engine import Engine
from rag.settings import Settings


def build_engine(settings: Settings, embedder: Embedder | None = None) -> Engine:
    """A ready engine: demo indexed on a first run, model and indexes warm, so the first
    question costs one retrieval and nothing else."""
    engine = Engine(settings, embedder=embedder)
    engine.ensure_demo()
    engine.retrieve("warm up the embedding model and the indexes")
    return engine


def start(build: Callable[[], Engine]) -> Future[Engine]:
    """Run ``build`` in a daemon thread; the future holds the engine or the error."""
    fut: Future[Engine] = Future()

    def run() -> None:
        if not fut.set_running_or_notify_cancel():
            return
        try:
            fut.set_result(build())
        except BaseException as e:  # handed to whoever waits: the page shows it, no traceback
            fut.set_exception(e)

    threading.Thread(target=run, name="engine-warmup", daemon=True).start()
    return fut
