"""BEIR evaluation: ingest a corpus into its own collection, score BM25, dense and hybrid."""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.eval.metrics import mrr_at_k, ndcg_at_k, recall_at_k

if TYPE_CHECKING:
    from rag.engine import Engine


def _open(path: Path) -> Any:
    return (
        gzip.open(path, "rt", encoding="utf-8")
        if path.suffix == ".gz"
        else path.open(encoding="utf-8")
    )


def read_corpus(folder: Path) -> Iterator[tuple[str, str]]:
    path = folder / "corpus.jsonl"
    if not path.exists():
        path = folder / "corpus.jsonl.gz"
    with _open(path) as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                title = (d.get("title") or "").strip()
                text = (d.get("text") or "").strip()
                yield str(d["_id"]), f"{title}.\n{text}" if title else text


def read_queries(folder: Path) -> dict[str, str]:
    with (folder / "queries.jsonl").open(encoding="utf-8") as fh:
        return {str(d["_id"]): d["text"] for d in map(json.loads, filter(str.strip, fh))}


def read_qrels(folder: Path, split: str) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels" / f"{split}.tsv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        for row in reader:
            if len(row) < 3 or not row[2].strip().lstrip("-").isdigit():
                continue  # header row
            qrels.setdefault(row[0].strip(), {})[row[1].strip()] = int(row[2])
    return qrels


def evaluate(
    engine: Engine,
    folder: Path,
    split: str = "test",
    modes: tuple[str, ...] = ("bm25", "dense", "hybrid"),
    progress: Callable[[str, int, int], None] | None = None,
    depth: int = 100,
) -> dict[str, Any]:
    """Ingest ``folder``'s corpus into ``engine``'s store and score each retrieval mode."""
    corpus = list(read_corpus(folder))
    results = engine.ingestor.ingest_texts(corpus, progress=progress, total=len(corpus))
    engine.lexical.ensure(engine.store)
    failed = [r for r in results if r.status == "failed"]
    queries = read_queries(folder)
    qrels = read_qrels(folder, split)
    out: dict[str, Any] = {
        "dataset": folder.name,
        "split": split,
        "documents": len(corpus),
        "chunks": engine.store.chunk_count(),
        "queries": len(qrels),
        "failed_documents": len(failed),
    }
    for mode in modes:
        sums = {"ndcg@10": 0.0, "recall@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}
        for qid, rel in qrels.items():
            res = engine.retriever.search(queries[qid], k=depth * 2, mode=mode)
            ranked = list(dict.fromkeys(p.source for p in res.passages))[:depth]
            sums["ndcg@10"] += ndcg_at_k(ranked, rel, 10)
            sums["recall@10"] += recall_at_k(ranked, rel, 10)
            sums["recall@100"] += recall_at_k(ranked, rel, 100)
            sums["mrr@10"] += mrr_at_k(ranked, rel, 10)
        out[mode] = {k: round(v / max(1, len(qrels)), 4) for k, v in sums.items()}
    return out
