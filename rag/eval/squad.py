"""SQuAD evaluation: all paragraphs as one corpus; retrieval recall@k, extractive EM/F1/contains,
and (v2.0) refusal rates on unanswerable vs answerable questions."""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.eval.metrics import contains_answer, exact_match, f1


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
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
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
                questions.append(SquadQuestion(qa["id"], qa["question"], answers, title, name))
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


def evaluate(
    engine: Any,
    path: Path,
    n_questions: int | None = 1000,
    k: int = 5,
    articles: set[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    passages, questions = read_squad(path)
    engine.ingestor.ingest_texts(passages, progress=progress, total=len(passages))
    engine.lexical.ensure(engine.store)
    if articles is not None:
        questions = [q for q in questions if q.title in articles]
    qs = sample(questions, n_questions)
    hits = {1: 0, 5: 0, 10: 0}
    em = f1s = contains = 0.0
    refused = {True: 0, False: 0}
    counts = {True: 0, False: 0}
    for q in qs:
        res = engine.retriever.search(q.question, k=max(10, k))
        names = [p.source for p in res.passages]
        ans = engine.ask(q.question, k=k)
        counts[q.answerable] += 1
        refused[q.answerable] += int(ans.refused)
        if q.answerable:
            for kk in hits:
                hits[kk] += int(q.passage in names[:kk])
            text = "" if ans.refused else ans.answer
            em += exact_match(text, q.answers)
            f1s += f1(text, q.answers)
            contains += contains_answer(text, q.answers)
    n_ans = max(1, counts[True])
    out: dict[str, Any] = {
        "file": path.name, "passages": len(passages), "questions": len(qs),
        "answerable": counts[True], "unanswerable": counts[False],
        "recall@1": round(hits[1] / n_ans, 4), "recall@5": round(hits[5] / n_ans, 4),
        "recall@10": round(hits[10] / n_ans, 4),
        "exact_match": round(em / n_ans, 4), "f1": round(f1s / n_ans, 4),
        "contains_answer": round(contains / n_ans, 4),
        "refusal_rate_answerable": round(refused[True] / n_ans, 4),
    }
    if counts[False]:
        out["refusal_rate_unanswerable"] = round(refused[False] / counts[False], 4)
    return out
