"""The Documents view: per-document tone and emotion, and topic clusters with labels.

Computed once per store generation (an ingest or a removal bumps it) and cached on disk
under the index's state dir, so the UI can compute it in the background after an ingest
and every later rerun reads it in milliseconds.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rag.analysis.sentiment import score_batch

log = logging.getLogger(__name__)
CACHE_FILE = "documents_analysis.json"
CACHE_VERSION = 1
MAX_CHARS = 20_000  # per document: enough sentences for a stable summary


@dataclass
class DocumentTone:
    name: str
    label: str  # positive | negative | neutral
    confidence: float
    emotion: str
    emotion_score: float
    sentences: int


@dataclass
class DocumentsAnalysis:
    generation: int
    documents: list[DocumentTone] = field(default_factory=list)
    topics: list[dict[str, Any]] = field(default_factory=list)  # Topic.to_dict()
    topics_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocumentsAnalysis:
        return cls(
            generation=int(d["generation"]),
            documents=[DocumentTone(**x) for x in d.get("documents", [])],
            topics=list(d.get("topics", [])),
            topics_error=d.get("topics_error"),
        )


def _doc_texts(store: Any) -> dict[str, str]:
    ids, _ = store.all_chunks()
    records = store.get_chunks(ids) if ids else {}
    names = {d.doc_id: d.name for d in store.docs()}
    texts: dict[str, list[str]] = {}
    for cid in ids:
        r = records.get(cid)
        if r is not None:
            texts.setdefault(names.get(r.doc_id, r.doc_id), []).append(r.text)
    return {name: " ".join(parts)[:MAX_CHARS] for name, parts in sorted(texts.items())}


def compute(engine: Any) -> DocumentsAnalysis:
    store = engine.store
    generation = int(store.generation)
    texts = _doc_texts(store)
    tones: list[DocumentTone] = []
    if texts:
        for name, r in zip(texts, score_batch(list(texts.values()), engine.embedder), strict=True):
            emotion, strength = r.strongest_emotion
            tones.append(
                DocumentTone(
                    name,
                    r.label,
                    round(r.confidence, 3),
                    emotion,
                    round(strength, 3),
                    r.n_sentences,
                )
            )
    out = DocumentsAnalysis(generation, tones)
    try:
        from rag.analysis.topics import get_topics_result

        out.topics = [t.to_dict() for t in get_topics_result(engine).topics]
    except Exception as e:  # too few chunks to cluster, or a broken cache: say so
        log.info("topics not computed: %s", e)
        out.topics_error = "Topics need more text than the index holds."
    return out


def cached(engine: Any) -> DocumentsAnalysis | None:
    """The analysis of the store's current generation, if it was computed."""
    path = Path(engine.store.state_dir) / CACHE_FILE
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        if d.get("version") == CACHE_VERSION:
            res = DocumentsAnalysis.from_dict(d["result"])
            if res.generation == int(engine.store.generation):
                return res
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def get(engine: Any) -> DocumentsAnalysis:
    """Cached or computed (and then cached) analysis of the current documents."""
    hit = cached(engine)
    if hit is not None:
        return hit
    res = compute(engine)
    path = Path(engine.store.state_dir) / CACHE_FILE
    try:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": CACHE_VERSION, "result": res.to_dict()}))
        tmp.replace(path)
    except OSError as e:
        log.warning("cannot write %s: %s", path, e)
    return res
