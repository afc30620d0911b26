"""The library's front door: one object that wires settings, store, retrieval and providers.

The CLI and the Streamlit app build one :class:`Engine` from :class:`Settings` and call
its methods; nothing below it reads the environment.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ingest.pipeline import FileResult, Ingestor, Progress
from providers.base import Message, Provider, Response, Source
from providers.extractive_provider import ExtractiveProvider, RefusalModel
from rag.answer import Answer, build_request, contextualize, finish
from rag.embeddings import Embedder, embedder_for
from rag.lexical import LexicalIndex
from rag.retrieve import RetrievalResult, Retriever
from rag.settings import Settings
from rag.store import ChunkRecord, DocInfo, Store

log = logging.getLogger(__name__)

REFUSAL_MODEL_PATH = Path(__file__).with_name("models") / "refusal.json"
# ~4 characters per token in English; twice that before an answer counts as "far over".
MAX_CHARS_PER_TOKEN = 8
TRUNCATED_NOTICE = "\n\n[Answer cut: the provider returned far more than max_tokens ({})]"


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
        self.store = Store(
            settings.index_dir,
            self.embedder,
            collection=collection or settings.collection,
            chroma_host=settings.chroma_host,
            chroma_port=settings.chroma_port,
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
        )
        self.extractive = ExtractiveProvider(
            embed=self.embedder.embed,
            refusal=refusal or load_refusal_model(),
            max_sentences=settings.answer_sentences,
            follow=self.following_text,
        )
        self._write_lock = threading.Lock()

    def following_text(self, source: Source, chunks: int = 3) -> str:
        """The text of the next ``chunks`` chunks of ``source``'s document (a list that an
        announcing sentence starts at the end of one chunk runs on into the next)."""
        doc, _, idx = source.chunk_id.rpartition(":")
        if not doc or not idx.isdigit():
            return ""
        ids = [f"{doc}:{int(idx) + i}" for i in range(1, chunks + 1)]
        found = self.store.get_chunks(ids)
        return "\n".join(found[i].text for i in ids if i in found)

    # --- documents -----------------------------------------------------------------------
    def ingest(
        self,
        paths: Sequence[str | Path],
        progress: Progress | None = None,
        display_names: dict[Path, str] | None = None,
    ) -> list[FileResult]:
        with self._write_lock:
            results = self.ingestor.ingest(paths, progress=progress, display_names=display_names)
            self.lexical.ensure(self.store)  # rebuild BM25 now, not on the next question
            return results

    @property
    def uploads_dir(self) -> Path:
        return self.settings.index_dir / "uploads"

    def ingest_upload(self, name: str, data: bytes) -> FileResult:
        """Save a browser upload under ``RAG_INDEX_DIR/uploads/`` (escapes refused) and ingest it."""
        with self._write_lock:
            result = self.ingestor.ingest_upload(self.uploads_dir, name, data)
            self.lexical.ensure(self.store)
            return result

    def remove(self, doc_id_or_path: str) -> list[FileResult]:
        with self._write_lock:
            results = self.ingestor.remove(doc_id_or_path)
            self.lexical.ensure(self.store)
            return results

    def docs(self) -> list[DocInfo]:
        return self.store.docs()

    def ensure_demo(self) -> list[FileResult]:
        """Index the demo corpus when the store is empty (first run)."""
        if not self.settings.auto_ingest_demo or self.store.docs():
            return []
        demo = self.settings.demo_dir
        if not demo.is_dir():
            return []
        from rag.demo import ensure_demo_pdf

        ensure_demo_pdf(demo)
        return self.ingest([demo])

    # --- questions -----------------------------------------------------------------------
    def retrieve(self, query: str, k: int | None = None, mode: str = "hybrid") -> RetrievalResult:
        return self.retriever.search(query, k or self.settings.top_k, mode=mode)

    def ask(
        self,
        question: str,
        k: int | None = None,
        provider: Provider | None = None,
        history: Sequence[Message] = (),
        rewrite: Callable[[str, Sequence[Message]], str] | None = None,
    ) -> Answer:
        final: Answer | None = None
        for item in self.ask_stream(question, k, provider, history, rewrite):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def ask_stream(
        self,
        question: str,
        k: int | None = None,
        provider: Provider | None = None,
        history: Sequence[Message] = (),
        rewrite: Callable[[str, Sequence[Message]], str] | None = None,
    ) -> Iterator[str | Answer]:
        """Text deltas as they arrive, then exactly one :class:`Answer`."""
        started = time.perf_counter()
        question = question.strip()
        search_query = question
        if history:
            search_query = (
                rewrite(question, history) if rewrite else contextualize(question, history)
            )
        retrieval = self.retrieve(search_query, k)
        request = build_request(
            question,
            retrieval,
            history,
            temperature=self.settings.temperature,
            max_tokens=self.settings.max_tokens,
            timeout_s=self.settings.request_timeout_s,
            search_query=search_query,
        )
        p = provider or self.extractive
        resp: Response | None = None
        # A provider that ignores max_tokens (or a hostile endpoint) must not flood the page:
        # past a generous character cap the rest is not shown and the answer is flagged.
        limit = self.settings.max_tokens * MAX_CHARS_PER_TOKEN
        notice = TRUNCATED_NOTICE.format(self.settings.max_tokens)
        shown, cut = 0, False
        for item in p.stream(request):
            if isinstance(item, Response):
                resp = item
                continue
            room = limit - shown
            shown += len(item)
            if room > 0:
                yield item[:room]
            if shown > limit and not cut:
                cut = True
                yield notice  # the rest is drained, not shown: the final Response still comes
        assert resp is not None, "a provider stream must end with a Response"
        size = max(shown, len(resp.text))
        if size > limit:
            resp.text = resp.text[:limit] + notice
        answer = finish(question, request, resp, started, retrieval, search_query)
        if size > limit:
            answer.extra["truncated"] = True
            log.warning(
                "%s:%s answered %d chars, over the %d-token cap; truncated",
                resp.provider,
                resp.model,
                size,
                self.settings.max_tokens,
            )
        # Grounding check of generated answers; per settings, flag / retry strictly / extractive.
        from rag.grounding import after_answer

        yield from after_answer(
            answer,
            request,
            p,
            embed=self.embedder.embed,
            action=self.settings.grounding_action,
            min_ratio=self.settings.grounding_min_supported,
            extractive=self.extractive,
            finish=lambda req, r: finish(question, req, r, started, retrieval, search_query),
        )

    def ask_with_tools(
        self,
        question: str,
        provider: Provider,
        k: int | None = None,
        history: Sequence[Message] = (),
        max_calls: int = 3,
        max_tokens: int = 16_000,
    ) -> Answer:
        """Like :meth:`ask`, but a provider with function calling may call
        ``search_documents`` (bounded); calls are in ``Answer.extra["tool_calls"]``."""
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
