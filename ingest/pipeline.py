"""Ingest files into a store: hash, dedupe, parse, chunk, embed, commit; one result per file.

A file that fails (corrupt, encrypted, empty, too big, unsupported...) fails alone: it gets
``status="failed"`` and a one-line ``error``; everything else is still ingested. Document
ids are content hashes, so an unchanged file is skipped, a changed file replaces its old
version atomically (the store commits the new chunks and drops the old ones in one
manifest transaction), and an interrupted run can simply be run again.

The store and the embedder are passed in (see :class:`Sink`): ``ingest`` never imports
``rag``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ingest.chunking import Chunk, chunk_pages
from ingest.cleaning import clean_pages
from ingest.context import chunk_contexts, indexed_text
from ingest.files import expand_paths, file_sha256, save_upload_undoably
from ingest.files import safe_upload_name as safe_upload_name  # moved; rag.engine imports it
from ingest.loaders import (
    IngestError,
    LoadContext,
    Page,
    PageProgress,
    load,
    load_document,
)
from ingest.reader_version import document_id
from ingest.results import FileResult as FileResult  # rag.engine and ui import it here
from ingest.results import Status as Status
from ingest.sink import EmbedFn, Sink
from ingest.stages import Stages
from ingest.stale import StaleCopies
from ingest.tokens import encode as encode_tokens

log = logging.getLogger(__name__)


TokenIds = tuple[int, ...] | None


@dataclass
class _Pending:
    result: FileResult
    doc: Any
    records: list[Any]
    replaces: list[str] = field(default_factory=list)
    ids: list[TokenIds] = field(default_factory=list)  # per record: its indexed text's ids
    name: str = ""


class _Done:
    """Counts finished files and reports them: a stored file when its batch is committed, so
    the progress (and the CLI's ETA) follows what is done, not what has been read."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.files, self.chunks = progress, total, 0, 0
        self._lock = threading.Lock()

    def __call__(self, name: str, chunks: int = 0) -> None:
        with self._lock:
            self.files += 1
            self.chunks += chunks
            if self.progress:
                self.progress(name, self.files, self.total)


Progress = Callable[[str, int, int], None]  # (file name, files done, files total)
# (file name, stage, page done, pages total); stage "ocr" marks a page read by Tesseract.
FilePageProgress = Callable[[str, str, int, int], None]


class Ingestor:
    def __init__(
        self,
        store: Sink,
        embedder: EmbedFn,
        make_doc: Callable[..., Any],
        make_chunk: Callable[..., Any],
        chunk_tokens: int = 200,
        chunk_overlap: int = 40,
        max_file_bytes: int | None = 50_000_000,
        batch_chunks: int = 512,
        eager_chunks: int = 64,
        ocr_cache_dir: Path | None = None,
        contextual: bool = True,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.make_doc = make_doc
        self.make_chunk = make_chunk
        self.chunk_tokens = chunk_tokens
        self.chunk_overlap = chunk_overlap
        self.max_file_bytes = max_file_bytes
        self.batch_chunks = batch_chunks
        self.eager_chunks = eager_chunks  # one model batch: the smallest batch worth a commit
        self.ocr_cache_dir = ocr_cache_dir  # OCR results by page-image hash (never OCR twice)
        # Index each chunk with its document title and section heading (ingest/context.py).
        self.contextual = contextual
        self.done = _Done(None, 0)  # the running (or last) ingest's files/chunks done
        self.stale = StaleCopies(store, self.doc_id)  # older readers' copies (ingest/stale.py)

    # --- public --------------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[str | Path],
        progress: Progress | None = None,
        display_names: dict[Path, str] | None = None,
        page_progress: FilePageProgress | None = None,
    ) -> list[FileResult]:
        """``page_progress(file name, stage, page, pages)`` reports each page as it is read
        (stage "ocr" for a page going through Tesseract: the slow one)."""
        files = expand_paths(paths)
        self.store.sweep_orphans()  # leftovers of a crashed run are never visible; drop them
        seen: dict[str, str] = {}
        names = display_names or {}

        def on_page(name: str) -> PageProgress | None:
            if page_progress is None:
                return None
            return lambda stage, done, total: page_progress(name, stage, done, total)

        prepared = (
            (name, self._prepare(path, name, seen, on_page(name)))
            for path in files
            for name in [names.get(path, path.name)]
        )
        return self._drive(prepared, progress, len(files))

    def _drive(
        self,
        prepared: Iterable[tuple[str, _Pending | FileResult]],
        progress: Progress | None,
        total: int,
    ) -> list[FileResult]:
        """Collect results and hand batches to the embedding thread as files are prepared
        (``prepared`` is lazy: parsing the next file overlaps embedding the last batch)."""
        results: list[FileResult] = []
        pending: list[_Pending] = []
        done = self.done = _Done(progress, total)
        self.stale.reset()
        stages: Stages[_Pending] = Stages(
            self._embed,
            lambda batch, vecs: self._store(batch, vecs, done),
            lambda batch: sum(len(p.records) for p in batch),
        )
        try:
            for name, item in prepared:
                if isinstance(item, _Pending):
                    item.name = name
                    results.append(item.result)
                    pending.append(item)
                    if stages.due(pending, self.batch_chunks, self.eager_chunks):
                        stages.submit(pending)
                        pending = []
                else:
                    results.append(item)
                    done(name)
            stages.finish(pending)
        finally:
            stages.close()
        return results

    def ingest_upload(
        self,
        upload_dir: Path,
        name: str,
        data: bytes,
        page_progress: FilePageProgress | None = None,
    ) -> FileResult:
        """Save an upload and ingest it; refusals are results too. One that fails leaves the
        folder as it was: a same-named indexed document keeps its file."""
        try:
            saved = save_upload_undoably(upload_dir, name, data, self.max_file_bytes)
        except IngestError as e:
            return FileResult(name, "failed", error=e.reason)
        except OSError as e:
            return FileResult(name, "failed", error=f"could not save the upload: {e.strerror or e}")
        path, result = saved.path, None
        try:
            result = self.ingest([path], None, {path: path.name}, page_progress)[0]
            return result
        finally:
            indexed = {d.doc_id for d in self.store.docs_by_path(str(path))}  # of this file
            saved.settle(
                kept=result is not None and result.status != "failed" and result.doc_id in indexed
            )

    def remove(self, doc_id_or_path: str) -> list[FileResult]:
        """Remove a document by id, path or file name; one result per document removed."""
        targets = []
        if self.store.doc(doc_id_or_path) is not None:
            targets = [doc_id_or_path]
        else:
            key = (
                str(Path(doc_id_or_path).resolve()) if os.sep in doc_id_or_path else doc_id_or_path
            )
            targets = [d.doc_id for d in self.store.docs_by_path(key)] or [
                d.doc_id for d in self.store.docs_by_path(doc_id_or_path)
            ]
        if not targets:
            return [
                FileResult(doc_id_or_path, "failed", error="no such document (id, path or name)")
            ]
        return [
            FileResult(doc_id_or_path, "removed" if self.store.remove(d) else "failed", doc_id=d)
            for d in targets
        ]

    # --- steps ---------------------------------------------------------------------------
    def _prepare(
        self, path: Path, name: str, seen: dict[str, str], on_page: PageProgress | None = None
    ) -> _Pending | FileResult:
        shown = str(path)
        ctx = LoadContext(self.ocr_cache_dir, on_page)
        try:
            if not path.exists():
                raise IngestError(path, "no such file")
            if not path.is_file():
                raise IngestError(path, "not a regular file")
            size = path.stat().st_size
            if self.max_file_bytes is not None and size > self.max_file_bytes:
                # Checked before hashing or parsing: a 200 MB file costs nothing.
                raise IngestError(
                    path,
                    f"file is {size / 1e6:.1f} MB, over the {self.max_file_bytes / 1e6:.0f} MB limit (RAG_MAX_FILE_MB)",
                )
            sha = file_sha256(path)
            doc_id = self.doc_id(sha)
            key = str(path.resolve())
            existing = list(self.store.docs_by_path(key))
            if any(d.doc_id == doc_id for d in existing) or self.store.doc(doc_id) is not None:
                # These bytes are indexed as this reader cuts them (maybe under another path,
                # another checkout): an older reader's copy of them, here or elsewhere, is a
                # stale duplicate that every question would retrieve twice. Drop it.
                for old in self.stale.of(sha, doc_id, existing):
                    self.store.remove(old)
                return FileResult(shown, "unchanged", doc_id, *self._counts(doc_id))
            if doc_id in seen:
                return FileResult(shown, "unchanged", doc_id, error=None)
            loaded = load_document(path, self.max_file_bytes, ctx)
            pages = clean_pages(loaded.pages)
        except IngestError as e:
            failed = FileResult(shown, "failed", error=e.reason)
            failed.add_report(ctx.report)  # which pages failed, and why
            return failed
        except Exception as e:  # never let one file take down the run
            log.exception("unexpected failure ingesting %s", path)
            return FileResult(
                shown, "failed", error=f"unexpected error: {type(e).__name__}: {e}"[:300]
            )
        out = self._pending(shown, key, name, sha, size, pages, existing, seen)
        (out.result if isinstance(out, _Pending) else out).add_report(loaded.report)
        return out

    def _pending(
        self,
        shown: str,
        key: str,
        name: str,
        sha: str,
        size: int,
        pages: list[Page],
        existing: Sequence[Any],
        seen: dict[str, str],
    ) -> _Pending | FileResult:
        doc_id = self.doc_id(sha)
        chunks = chunk_pages(pages, self.chunk_tokens, self.chunk_overlap)
        if not chunks:
            return FileResult(shown, "failed", error="no text to index after cleaning")
        seen[doc_id] = shown
        doc = self.make_doc(
            doc_id=doc_id,
            path=key,
            name=name,
            sha256=sha,
            pages=len(pages),
            chunks=len(chunks),
            bytes=size,
            added_at=time.time(),
        )
        contexts = chunk_contexts(name, pages, chunks) if self.contextual else [""] * len(chunks)
        records = [self._record(doc_id, c, x) for c, x in zip(chunks, contexts, strict=True)]
        # What this path held, and these bytes as an older reader cut them under any path
        # (a file moved, or a second checkout, read before an upgrade): all replaced at once.
        replaces = [d.doc_id for d in existing]
        replaces += [d for d in self.stale.of(sha, doc_id) if d not in replaces]
        status: Status = "replaced" if replaces else "added"
        result = FileResult(shown, status, doc_id, len(pages), len(chunks))
        ids = _indexed_ids(chunks, contexts)
        return _Pending(result, doc, records, replaces, ids)

    def ingest_texts(
        self, items: Iterable[tuple[str, str]], progress: Progress | None = None, total: int = 0
    ) -> list[FileResult]:
        """Ingest in-memory texts as one-page documents: ``(name, text)`` pairs (eval corpora)."""
        seen: dict[str, str] = {}

        def prepare(name: str, text: str) -> _Pending | FileResult:
            data = text.encode("utf-8")
            sha = hashlib.sha256(name.encode("utf-8") + b"\0" + data).hexdigest()
            key = f"text:{name}"
            existing = list(self.store.docs_by_path(key))
            doc_id = self.doc_id(sha)
            if any(d.doc_id == doc_id for d in existing):
                return FileResult(key, "unchanged", doc_id, *self._counts(doc_id))
            return self._pending(key, key, name, sha, len(data), [Page(1, text)], existing, seen)

        return self._drive(((name, prepare(name, text)) for name, text in items), progress, total)

    def doc_id(self, sha: str) -> str:
        """Same bytes, same reader, same chunk settings: same id ("unchanged"); a reader or
        setting change re-reads the file (``ingest/reader_version.py``)."""
        settings = f"{self.chunk_tokens}/{self.chunk_overlap}/{int(self.contextual)}"
        return document_id(sha, settings)

    def _record(self, doc_id: str, c: Chunk, context: str = "") -> Any:
        return self.make_chunk(
            chunk_id=f"{doc_id}:{c.index}",
            doc_id=doc_id,
            idx=c.index,
            page=c.page,
            start=c.start,
            end=c.end,
            tokens=c.tokens,
            text=c.text,
            context=context,
        )

    def _counts(self, doc_id: str) -> tuple[int, int]:
        d = self.store.doc(doc_id)
        return (d.pages, d.chunks) if d is not None else (0, 0)

    def _embed(self, pending: list[_Pending]) -> np.ndarray | None:
        """The batch's vectors, fed the chunker's token ids when the embedder takes them."""
        texts = [
            indexed_text(getattr(r, "context", ""), r.text) for p in pending for r in p.records
        ]
        try:
            by_ids = getattr(self.embedder, "embed_tokens", None)
            if by_ids is None:
                return self.embedder.embed(texts)
            return by_ids(texts, [i for p in pending for i in p.ids])
        except Exception as e:
            _fail(pending, e)
            return None

    def _store(self, pending: list[_Pending], vecs: np.ndarray, done: _Done) -> None:
        try:
            self.store.add_many([(p.doc, p.records, p.replaces) for p in pending], vecs)
        except Exception as e:
            _fail(pending, e)
        for p in pending:
            done(p.name, len(p.records) if p.result.status != "failed" else 0)


def _fail(pending: list[_Pending], e: Exception) -> None:
    # The store commits the batch atomically, so nothing of it is visible: say so per file.
    log.exception("could not store a batch of %d files", len(pending))
    for p in pending:
        p.result.status = "failed"
        p.result.error = f"could not store: {type(e).__name__}: {e}"[:300]


def _indexed_ids(chunks: Sequence[Chunk], contexts: Sequence[str]) -> list[TokenIds]:
    """Word pieces of each chunk's indexed text (``context`` newline ``text``): the context's
    own pieces (one tokenizer call per distinct context) followed by the chunk's. A newline
    never joins two words, so this equals tokenizing the whole indexed text."""
    distinct = sorted({x for x in contexts if x})
    ctx = dict(zip(distinct, (tuple(i) for i, _ in encode_tokens(distinct)), strict=True))
    return [
        None if c.ids is None else (ctx[x] + c.ids if x else c.ids)
        for c, x in zip(chunks, contexts, strict=True)
    ]


def load_pages(path: Path, max_bytes: int | None = None) -> list[Page]:
    """A file's pages as ingest indexes them (cleaned): chunk offsets index into these."""
    return clean_pages(load(path, max_bytes))
