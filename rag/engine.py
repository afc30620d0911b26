"""The library's front door: one object that wires settings, store, retrieval and providers.

The CLI and the Streamlit app build one :class:`Engine` from :class:`Settings` and call
its methods; nothing below it reads the environment.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ingest.loaders import SUPPORTED_SUFFIXES, IngestError
from ingest.pipeline import FilePageProgress, FileResult, Ingestor, Progress, safe_upload_name
from ingest.reread import reread, stale
from providers.base import Answerer, Message, Provider, Source
from providers.chain import FallbackChain
from providers.extractive_provider import ExtractiveProvider, RefusalModel
from rag.answer import Answer
from rag.embed_cache import EmbedCache
from rag.embeddings import Embedder, embedder_for
from rag.lexical import LexicalIndex
from rag.overview import with_openings
from rag.pipeline import MAX_CHARS_PER_TOKEN, TRUNCATED_NOTICE, Pipeline
from rag.retrieve import RetrievalResult, Retriever
from rag.settings import Settings
from rag.state import open_state
from rag.store import ChunkRecord, DocInfo, Store
from rag.workspaces import DEFAULT, collection_for, require
from rag.workspaces import uploads_dir as workspace_uploads_dir

log = logging.getLogger(__name__)

REFUSAL_MODEL_PATH = Path(__file__).with_name("models") / "refusal.json"
# The document types front ends use come from here: ui never imports ingest.
__all__ = [
    "MAX_CHARS_PER_TOKEN",
    "SUPPORTED_SUFFIXES",
    "TRUNCATED_NOTICE",
    "Engine",
    "FileResult",
    "IngestError",
    "UnknownDocument",
    "load_refusal_model",
    "safe_upload_name",
]


class UnknownDocument(ValueError):
    """A document name that matches no indexed document; the message lists the known ones."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        listed = ", ".join(known[:20]) + (f" and {len(known) - 20} more" if len(known) > 20 else "")
        super().__init__(
            f"no indexed document is called {name!r}; "
            + (f"the documents are: {listed}" if known else "no documents are indexed")
        )
        self.name = name
        self.known = list(known)


def load_refusal_model(path: Path = REFUSAL_MODEL_PATH) -> RefusalModel:
    if path.is_file():
        return RefusalModel.from_dict(json.loads(path.read_text()))
    log.warning("no fitted refusal model at %s; using built-in defaults", path)
    return RefusalModel()


class Engine:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        collection: str | None = None,
        refusal: RefusalModel | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder or embedder_for(settings)
        if collection is None:  # the settings' workspace (RAG_WORKSPACE), which must exist
            collection = collection_for(settings, require(settings))
        # SQLite under index_dir, or PostgreSQL shared by replicas (RAG_STATE_URL).
        self.state = open_state(settings)
        self.store = Store(
            settings.index_dir,
            self.embedder,
            collection=collection,
            chroma_host=settings.chroma_host,
            chroma_port=settings.chroma_port,
            manifest=self.state.manifest(collection),
        )
        self.lexical = LexicalIndex(self.store.state_dir)
        self.retriever = Retriever(
            self.store,
            self.lexical,
            candidates=settings.candidates,
            rrf_k=settings.rrf_k,
            dense_weight=settings.dense_weight,
            bm25_weight=settings.bm25_weight,
            fusion=settings.fusion,
        )
        self.ingestor = Ingestor(
            self.store,
            self.embedder,
            make_doc=DocInfo,
            make_chunk=ChunkRecord,
            chunk_tokens=settings.chunk_tokens,
            chunk_overlap=settings.chunk_overlap,
            contextual=settings.contextual_chunks,
            max_file_bytes=int(settings.max_file_mb * 1_000_000),
            ocr_cache_dir=settings.ocr_cache_dir,
        )
        # the answerer's and the grounding check's sentence vectors, kept across questions
        self.vectors = EmbedCache(self.embedder.embed, dim=self.embedder.dim)
        self.extractive = ExtractiveProvider(
            embed=self.vectors,
            refusal=refusal or load_refusal_model(),
            max_sentences=settings.answer_sentences,
            follow=self.following_text,
            precede=self.preceding_text,
            known=self.known_word,
        )
        self._write_lock = threading.Lock()
        self.scope: frozenset[str] | None = None  # "ask within": these doc ids only (within())

    def known_word(self, word: str) -> bool:
        """Is ``word`` anywhere in the indexed corpus (the extractive answerer's refusal)?"""
        return self.lexical.has_word(self.store, word)

    def following_text(self, source: Source, chunks: int = 3) -> str:
        """The text of the next ``chunks`` chunks of ``source``'s document (a list that an
        announcing sentence starts at the end of one chunk runs on into the next)."""
        doc, _, idx = source.chunk_id.rpartition(":")
        if not doc or not idx.isdigit():
            return ""
        ids = [f"{doc}:{int(idx) + i}" for i in range(1, chunks + 1)]
        found = self.store.get_chunks(ids)
        return "\n".join(found[i].text for i in ids if i in found)

    def preceding_text(self, source: Source) -> str:
        """The text of the chunk before ``source`` in its document (a chunk that starts
        inside a sentence, at a page break, has the sentence's start there)."""
        doc, _, idx = source.chunk_id.rpartition(":")
        if not doc or not idx.isdigit() or int(idx) == 0:
            return ""
        key = f"{doc}:{int(idx) - 1}"
        found = self.store.get_chunks([key])
        return found[key].text if key in found else ""

    # --- documents -----------------------------------------------------------------------
    def ingest(
        self,
        paths: Sequence[str | Path],
        progress: Progress | None = None,
        display_names: dict[Path, str] | None = None,
        page_progress: FilePageProgress | None = None,
    ) -> list[FileResult]:
        with self._write_lock:
            results = self.ingestor.ingest(
                paths, progress=progress, display_names=display_names, page_progress=page_progress
            )
            # BM25 only: a CLI ingest exits next, and the app's warm-up retrieves right after
            # (which loads a small index's vectors for the exact scan).
            self.lexical.ensure(self.store)
            return results

    def _refresh_indexes(self) -> None:
        """After a write from the page (upload, delete, re-read): BM25 rebuilt and a small
        index's vectors loaded now, not on the next question."""
        self.lexical.ensure(self.store)
        self.store.warm_dense()

    @property
    def uploads_dir(self) -> Path:
        return workspace_uploads_dir(self.settings)

    def ingest_upload(
        self, name: str, data: bytes, page_progress: FilePageProgress | None = None
    ) -> FileResult:
        """Save a browser upload in the workspace's :attr:`uploads_dir` (escapes refused) and
        ingest it.

        ``page_progress(name, stage, page, pages)`` reports each page read (stage "ocr" for
        the slow Tesseract pages), for a progress bar."""
        with self._write_lock:
            result = self.ingestor.ingest_upload(self.uploads_dir, name, data, page_progress)
            self._refresh_indexes()
            return result

    def remove(self, doc_id_or_path: str) -> list[FileResult]:
        with self._write_lock:
            paths = {d.doc_id: d.path for d in self.store.docs()}
            results = self.ingestor.remove(doc_id_or_path)
            self._refresh_indexes()
            self._delete_uploaded(
                [paths.get(r.doc_id or "") for r in results if r.status == "removed"]
            )
            return results

    def _delete_uploaded(self, paths: Sequence[str | None]) -> None:
        """A deleted upload's saved copy goes too: someone deleting a confidential file does
        not look in ``uploads/`` for it. A file ingested from elsewhere (the CLI's folders, the
        demo corpus) is the user's own and stays."""
        root = self.uploads_dir.resolve()
        still_indexed = {d.path for d in self.store.docs()}
        for p in paths:
            if p and Path(p).parent == root and p not in still_indexed:
                try:
                    Path(p).unlink(missing_ok=True)
                except OSError:
                    log.warning("could not delete the uploaded file %s", p, exc_info=True)

    def docs(self) -> list[DocInfo]:
        return self.store.docs()

    def stale_docs(self, docs: Sequence[DocInfo] | None = None) -> list[DocInfo]:
        """Documents an older reader cut (``ingest/reader_version.py``), among ``docs`` when
        the caller has just listed them: re-read them with :meth:`reread`."""
        return stale(self.ingestor, docs)

    def reread(
        self, progress: Progress | None = None, page_progress: FilePageProgress | None = None
    ) -> list[FileResult]:
        with self._write_lock:
            results = reread(self.ingestor, progress, page_progress)
            self._refresh_indexes()
            return results

    def ensure_demo(self) -> list[FileResult]:
        """Index the demo corpus when the store is empty (first run)."""
        if self.settings.workspace != DEFAULT:  # a team's workspace starts empty
            return []
        if not self.settings.auto_ingest_demo or self.store.docs():
            return []
        demo = self.settings.demo_dir
        if not demo.is_dir():
            return []
        from rag.demo import ensure_demo_pdf

        ensure_demo_pdf(demo)
        return self.ingest([demo])

    def resolve_docs(self, names: Sequence[str]) -> list[str]:
        """Document ids for ``names`` (a file name, path or doc id each), for "ask within".

        Raises :class:`UnknownDocument` naming the indexed documents when one matches none."""
        out: list[str] = []
        for name in names:
            key = name.strip()
            one = self.store.doc(key)  # the same lookups as `remove` and `analyze`
            hits = [one.doc_id] if one else [d.doc_id for d in self.store.docs_by_path(key)]
            if not hits:
                raise UnknownDocument(key, sorted({d.name for d in self.store.docs()}))
            out += [h for h in hits if h not in out]
        return out

    def within(self, doc_ids: Sequence[str] | None) -> Engine:
        """This engine with retrieval limited to ``doc_ids`` ("ask within"); every answer
        path (pipeline, compare, consensus, tools) retrieves through it. None or empty: all."""
        if not doc_ids:
            return self
        scoped = copy.copy(self)  # shares the store, indexes and model: a view, not a copy
        scoped.scope = frozenset(doc_ids)
        return scoped

    # --- questions -----------------------------------------------------------------------
    def retrieve(self, query: str, k: int | None = None, mode: str = "hybrid") -> RetrievalResult:
        found = self.retriever.search(
            query, k or self.settings.top_k, mode=mode, doc_ids=self.scope
        )
        # "Summarize the travel policy.": the documents' own openings lead (rag/overview.py)
        return with_openings(
            query,
            found,
            self.docs,
            self.store.get_chunks,
            lambda passages: self.retriever.with_relevance(passages, found.query_vec),
            self.scope,
        )

    @property
    def pipeline(self) -> Pipeline:
        """The answer path over this engine's current settings, retrieval and answerers."""
        return Pipeline(
            self.settings,
            self.retrieve,
            self.extractive,
            self.vectors,
            has_documents=lambda: self.store.chunk_count() > 0,  # a COUNT, not the doc list
        )

    def ask(
        self,
        question: str,
        k: int | None = None,
        provider: Answerer | None = None,
        history: Sequence[Message] = (),
        rewrite: Callable[[str, Sequence[Message]], str] | None = None,
    ) -> Answer:
        return self.pipeline.ask(question, k, provider, history, rewrite)

    def ask_stream(
        self,
        question: str,
        k: int | None = None,
        provider: Answerer | None = None,
        history: Sequence[Message] = (),
        rewrite: Callable[[str, Sequence[Message]], str] | None = None,
    ) -> Iterator[str | Answer]:
        """Text deltas as they arrive, then exactly one :class:`Answer` (rag/pipeline.py)."""
        return self.pipeline.ask_stream(question, k, provider, history, rewrite)

    def ask_with_tools(
        self,
        question: str,
        provider: Provider | FallbackChain,
        k: int | None = None,
        history: Sequence[Message] = (),
        max_calls: int = 3,
        max_tokens: int = 16_000,
    ) -> Answer:
        """Like :meth:`ask`, but a provider with function calling may call
        ``search_documents`` (bounded); calls are in ``Answer.tool_calls``."""
        from rag.tools import ask_with_tools

        return ask_with_tools(
            self,
            question,
            provider,
            k=k,
            history=history,
            max_calls=max_calls,
            max_tokens=max_tokens,
        )

    def stats(self) -> dict[str, Any]:
        return {
            "documents": len(self.store.docs()),
            "chunks": self.store.chunk_count(),
            "vectors": self.store.vector_count(),
            "index_dir": str(self.settings.index_dir),
        }
