"""BM25 (bm25s + Snowball stemming) over the committed chunks, kept in sync with the store.

The index is a pure function of the manifest's chunk rows: it is stamped with the store's
generation and rebuilt whole when the stamp is stale (bm25s has no incremental add or
delete: its index is one sparse matrix over the corpus), so it can never hold orphan
entries (a crash between a manifest commit and a BM25 save leaves a stale stamp, fixed on
next use).
Saved to ``state/<collection>/bm25/`` via a temporary directory and an atomic rename.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from text.terms import fold

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _bm25s() -> Any:
    """bm25s, imported once. Its import sets its own logger to DEBUG, so every CLI question
    printed "DEBUG bm25s: Building index from tokens" whatever the level asked for; its level
    goes back to the application's (inherited from the root logger)."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.NOTSET)
    return bm25s


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stemmed, stop words out, accents folded (``text.terms.fold``): "Sao
    Paulo" finds "São Paulo". (A change here changes the saved index: see ``TOKENS``.)"""
    bm25s = _bm25s()
    out = bm25s.tokenize(
        [fold(t) for t in texts],
        lower=True,
        stopwords="en",
        stemmer=_stemmer(),
        return_ids=False,
        show_progress=False,
    )
    return out


# Names how ``tokenize`` reads text; a saved index stamped with another is rebuilt (one
# built before accents were folded would miss "Sao Paulo" for "São Paulo").
TOKENS = "folded-1"

# Tuned on SciFact's *train* queries (bench/README.md); chunks are short (<= 256 word
# pieces), so length normalisation matters less than Lucene's default b=0.75 assumes.
DEFAULT_K1 = 1.2
DEFAULT_B = 0.75
DEFAULT_METHOD = "lucene"


@dataclass
class _Index:
    generation: int
    ids: list[str]
    bm25: Any  # bm25s.BM25, or None when the corpus is empty
    _docs: np.ndarray | None = None
    words: list[str] | None = None  # its vocabulary, sorted, built on first use

    def doc_of(self) -> np.ndarray:
        """The document id of each entry (chunk ids are ``<doc_id>:<index>``), computed once."""
        if self._docs is None:
            self._docs = np.array([i.rpartition(":")[0] for i in self.ids], dtype=object)
        return self._docs


class LexicalIndex:
    """BM25 over one collection; ``search`` rebuilds/reloads when the store moved on."""

    def __init__(
        self,
        state_dir: Path,
        k1: float = DEFAULT_K1,
        b: float = DEFAULT_B,
        method: str = DEFAULT_METHOD,
    ) -> None:
        self.dir = Path(state_dir) / "bm25"
        self.k1, self.b, self.method = k1, b, method
        self._index: _Index | None = None
        self._lock = threading.Lock()

    def ensure(self, store: Any) -> _Index:
        """The index for the store's current generation (load from disk or rebuild)."""
        gen = store.generation
        with self._lock:
            if self._index is not None and self._index.generation == gen:
                return self._index
            # The saved copy must be of this manifest too: generations of a shared manifest
            # (RAG_STATE_URL) are not comparable with another's.
            loaded = self._load(str(getattr(store, "store_id", "")))
            if loaded is not None and loaded.generation == gen:
                self._index = loaded
                return loaded
            snap_gen, ids, texts = store.snapshot()
            index = self._build(snap_gen, ids, texts)
            self._save(index, str(getattr(store, "store_id", "")))
            self._index = index
            return index

    def search(
        self, store: Any, query: str, n: int, doc_ids: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top-``n`` (chunk_id, score); with ``doc_ids``, only chunks of those documents."""
        index = self.ensure(store)
        if index.bm25 is None or not index.ids:
            return []
        q = tokenize([query])[0]
        if not q:
            return []
        scores = index.bm25.get_scores(q)
        if doc_ids is not None:
            # Mask before the top-n cut, so a narrow scope still gets its n best chunks.
            scores = np.where(np.isin(index.doc_of(), list(doc_ids)), scores, 0.0)
        n = min(n, len(index.ids))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(index.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def has_word(self, store: Any, word: str) -> bool:
        """Is ``word`` (or a near spelling of it, for a long word) anywhere in the corpus?
        The extractive answerer refuses a question whose distinctive word is not."""
        from providers.extractive_refusal import close_match

        index = self.ensure(store)
        if index.bm25 is None:
            return False
        vocab = index.bm25.vocab_dict
        stems = [t for t in tokenize([word])[0] if t]
        if not stems or all(t in vocab for t in stems):
            return True
        if index.words is None:
            index.words = sorted(t for t in vocab if t)
        return all(t in vocab or close_match(t, index.words) for t in stems)

    def _build(self, generation: int, ids: list[str], texts: list[str]) -> _Index:
        bm25s = _bm25s()

        if not ids:
            return _Index(generation, [], None)
        bm25 = bm25s.BM25(k1=self.k1, b=self.b, method=self.method)
        bm25.index(tokenize(texts), show_progress=False)
        return _Index(generation, ids, bm25)

    def _save(self, index: _Index, store_id: str = "") -> None:
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        _sweep_stale_temp_dirs(self.dir.parent)
        # The pid in the name lets a later save tell a dead writer's leftovers from a live one's.
        tmp = Path(tempfile.mkdtemp(prefix=f".bm25-tmp-{os.getpid()}-", dir=self.dir.parent))
        try:
            if index.bm25 is not None:
                index.bm25.save(str(tmp), show_progress=False)
            (tmp / "stamp.json").write_text(
                json.dumps(
                    {
                        "generation": index.generation,
                        "store": store_id,
                        "params": self._params(),
                        "ids": index.ids,
                    }
                )
            )
            old = self.dir.with_name(f".bm25-old-{os.getpid()}")
            if self.dir.exists():
                os.replace(self.dir, old)
            os.replace(tmp, self.dir)
            shutil.rmtree(old, ignore_errors=True)
        except OSError:
            log.warning("could not save the BM25 index (will rebuild next time)", exc_info=True)
            shutil.rmtree(tmp, ignore_errors=True)

    def _params(self) -> dict[str, Any]:
        return {"k1": self.k1, "b": self.b, "method": self.method, "tokens": TOKENS}

    def _load(self, store_id: str = "") -> _Index | None:
        stamp = self.dir / "stamp.json"
        if not stamp.is_file():
            return None
        try:
            meta = json.loads(stamp.read_text())
            if meta.get("params") != self._params():
                return None  # built with other BM25 parameters: rebuild
            if meta.get("store", store_id) != store_id:
                return None  # another manifest's index (a stamp from before has none)
            bm25 = None
            if meta["ids"]:
                bm25 = _bm25s().BM25.load(str(self.dir), show_progress=False)
            return _Index(int(meta["generation"]), list(meta["ids"]), bm25)
        except Exception:
            log.warning("BM25 index unreadable; rebuilding", exc_info=True)
            return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _sweep_stale_temp_dirs(parent: Path) -> None:
    """Remove temp dirs a killed writer left behind (``kill -9`` between mkdtemp and rename).

    Dirs of live processes are left alone: they may be mid-save right now.
    """
    for d in parent.glob(".bm25-*"):
        m = re.match(r"\.bm25-(?:tmp|old)-(\d+)", d.name)
        if m is None:  # an older, pid-less name: only clearly abandoned ones
            try:
                stale = time.time() - d.stat().st_mtime > 3600
            except OSError:
                continue
        else:
            pid = int(m.group(1))
            stale = pid != os.getpid() and not _pid_alive(pid)
        if stale:
            shutil.rmtree(d, ignore_errors=True)
