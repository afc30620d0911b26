"""SQuAD evaluation: all paragraphs as one corpus; retrieval recall@k, extractive EM/F1/contains,
and (v2.0) refusal rates on unanswerable vs answerable questions."""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from providers.base import Request, Response
from providers.extractive_provider import Candidate
from rag.answer import build_request
from rag.embed_cache import EmbedCache
from rag.eval.metrics import contains_answer, exact_match, f1
from rag.retrieve import RetrievalResult
from text import citations

if TYPE_CHECKING:
    from rag.engine import Engine


@dataclass(frozen=True)
class SquadQuestion:
    qid: str
    question: str
    answers: list[str]
    title: str
    passage: str  # passage name "<title>#<i>"

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def read_squad(path: Path) -> tuple[list[tuple[str, str]], list[SquadQuestion]]:
    """(passages as (name, text), questions) from an official-format SQuAD file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)["data"]
    passages: list[tuple[str, str]] = []
    questions: list[SquadQuestion] = []
    for article in data:
        title = article["title"]
        for i, para in enumerate(article["paragraphs"]):
            name = f"{title}#{i}"
            passages.append((name, para["context"]))
            for qa in para["qas"]:
                answers = [] if qa.get("is_impossible") else [a["text"] for a in qa["answers"]]
                questions.append(
                    SquadQuestion(qa["id"], qa["question"].strip(), answers, title, name)
                )
    return passages, questions


def split_articles(questions: list[SquadQuestion], seed: int = 13) -> tuple[set[str], set[str]]:
    """Articles split in half (seeded): one half fits the refusal model, the other tests it."""
    titles = sorted({q.title for q in questions})
    random.Random(seed).shuffle(titles)
    half = len(titles) // 2
    return set(titles[:half]), set(titles[half:])


def sample(questions: list[SquadQuestion], n: int | None, seed: int = 7) -> list[SquadQuestion]:
    if n is None or n >= len(questions):
        return questions
    return random.Random(seed).sample(questions, n)


@dataclass
class Asked:
    """One question through retrieval and the extractive answerer (what ``Engine.ask`` does,
    with the retrieval kept so recall@k needs no second search)."""

    names: list[str]  # retrieved passage names, best first (depth >= 10)
    request: Request
    response: Response
    candidates: list[Candidate]


def ask(engine: Engine, question: str, k: int = 5, depth: int = 10) -> Asked:
    res = engine.retriever.search(question, k=max(depth, k))
    names = [p.source for p in res.passages]
    # Same request Engine.ask builds for top-k retrieval (fusion order does not depend on k).
    top = RetrievalResult(res.passages[:k], res.query_vec, res.timings)
    request = build_request(question, top)
    response, cands = engine.extractive.answer(request)
    return Asked(names, request, response, cands)


def use_cached_embeddings(engine: Engine) -> EmbedCache:
    """Route the engine's query and sentence embeddings through one shared cache, large
    enough for a whole evaluation (the app's own keeps 20,000 sentences)."""
    current = engine.extractive.embed
    if isinstance(current, EmbedCache) and engine.store.embedder is current:
        return current
    store_embedder = engine.store.embedder
    cached = EmbedCache(store_embedder.embed, dim=store_embedder.dim, limit=300_000)
    engine.extractive.embed = cached
    engine.store.embedder = cached  # the retriever embeds queries through the store
    return cached


def evaluate(
    engine: Engine,
    path: Path,
    n_questions: int | None = 1000,
    k: int = 5,
    articles: set[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    heldout: bool = False,
    seed: int = 7,
) -> dict[str, Any]:
    """Score ``path``; ``heldout`` keeps only the articles the refusal model was not fit on."""
    passages, questions = read_squad(path)
    engine.ingestor.ingest_texts(passages, progress=progress, total=len(passages))
    engine.lexical.ensure(engine.store)
    cached = use_cached_embeddings(engine)
    if heldout:
        articles = split_articles(questions)[1]
    if articles is not None:
        questions = [q for q in questions if q.title in articles]
    qs = sample(questions, n_questions, seed=seed)
    cached.prime([q.question for q in qs])
    hits = {1: 0, 5: 0, 10: 0}
    em = f1s = contains = 0.0
    refused = {True: 0, False: 0}
    counts = {True: 0, False: 0}
    for q in qs:
        asked = ask(engine, q.question, k=k)
        names, resp = asked.names, asked.response
        counts[q.answerable] += 1
        refused[q.answerable] += int(resp.refused)
        if q.answerable:
            for kk in hits:
                hits[kk] += int(q.passage in names[:kk])
            text = "" if resp.refused else _strip_citations(resp.text)
            em += exact_match(text, q.answers)
            f1s += f1(text, q.answers)
            contains += contains_answer(text, q.answers)
    n_ans = max(1, counts[True])
    out: dict[str, Any] = {
        "file": path.name,
        "passages": len(passages),
        "questions": len(qs),
        "sample_seed": seed,
        "heldout_articles": heldout,
        "articles": len({q.title for q in qs}),
        "answerable": counts[True],
        "unanswerable": counts[False],
        "recall@1": round(hits[1] / n_ans, 4),
        "recall@5": round(hits[5] / n_ans, 4),
        "recall@10": round(hits[10] / n_ans, 4),
        "exact_match": round(em / n_ans, 4),
        "f1": round(f1s / n_ans, 4),
        "contains_answer": round(contains / n_ans, 4),
        "refusal_rate_answerable": round(refused[True] / n_ans, 4),
    }
    if counts[False]:
        out["refusal_rate_unanswerable"] = round(refused[False] / counts[False], 4)
    return out


def _strip_citations(text: str) -> str:
    """The answer without its ``[n]`` markers (they are not part of the extracted text)."""
    return citations.strip(text)
