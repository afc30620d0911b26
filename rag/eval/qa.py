"""Our own question set over real documents (``tests/data/qa/``): does the right page come
back, does the answer hold the gold text, and does the answerer refuse the right questions?

The set is a JSON manifest naming its documents (each in the ``fit`` or ``test`` half, split
by document) and a JSONL file of questions: id, doc, question, type, gold pages (physical,
1-based, as :func:`ingest.loaders.load` numbers them) and gold answer strings (any one may
match; empty for the questions the documents cannot answer).

    python -m rag eval qa tests/data/qa/set.json --split test
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from providers.base import Source
from rag.answer import build_request, to_sources

SPLITS = ("fit", "test", "all")
TYPES = (
    "factoid",
    "numeric",
    "definition",
    "list",
    "yesno",
    "paraphrase",
    "multi",
    "unanswerable",
)


@dataclass(frozen=True)
class QADoc:
    name: str  # the file name, as ingested and shown as a passage's source
    path: Path
    split: str


@dataclass(frozen=True)
class QAQuestion:
    id: str
    doc: str
    question: str
    type: str
    pages: tuple[int, ...]
    answers: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


@dataclass
class QASet:
    path: Path
    documents: list[QADoc]
    questions: list[QAQuestion]

    def docs(self, split: str = "all") -> list[QADoc]:
        return [d for d in self.documents if split == "all" or d.split == split]

    def select(self, split: str = "all") -> list[QAQuestion]:
        names = {d.name for d in self.docs(split)}
        return [q for q in self.questions if q.doc in names]


def load_set(path: Path) -> QASet:
    """Read a manifest (``set.json``) and its questions; paths are relative to the manifest."""
    meta = json.loads(path.read_text(encoding="utf-8"))
    root = path.parent
    docs = [
        QADoc(Path(d["file"]).name, root / d["file"], str(d["split"])) for d in meta["documents"]
    ]
    questions = []
    for line in (root / meta["questions"]).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            questions.append(
                QAQuestion(
                    id=row["id"],
                    doc=row["doc"],
                    question=row["question"],
                    type=row["type"],
                    pages=tuple(int(p) for p in row["pages"]),
                    answers=tuple(row["answers"]),
                )
            )
    return QASet(path, docs, questions)


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalise(text: str) -> str:
    """Compare text as a reader would: NFKC (ligatures), straight quotes, one space, casefold."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().casefold()


def contains_gold(text: str, answers: Sequence[str]) -> bool:
    norm = normalise(text)
    return any(normalise(a) in norm for a in answers)


def check(qaset: QASet) -> list[str]:
    """Problems with the set: unknown documents or types, gold pages that do not exist, gold
    answers not found (normalised) on their gold pages. An empty list means the set is sound."""
    from ingest.loaders import load

    pages = {d.name: {p.number: normalise(p.text) for p in load(d.path)} for d in qaset.documents}
    problems = []
    seen: set[str] = set()
    for q in qaset.questions:
        if q.id in seen:
            problems.append(f"{q.id}: duplicate id")
        seen.add(q.id)
        if q.doc not in pages:
            problems.append(f"{q.id}: unknown document {q.doc}")
            continue
        if q.type not in TYPES or (q.type == "unanswerable") == q.answerable:
            problems.append(f"{q.id}: type {q.type} does not fit its answers")
        if q.answerable and not q.pages:
            problems.append(f"{q.id}: answerable but no gold page")
        texts = [pages[q.doc].get(p) for p in q.pages]
        if any(t is None for t in texts):
            problems.append(f"{q.id}: gold page {q.pages} not in {q.doc}")
            continue
        for a in q.answers:
            if not any(normalise(a) in t for t in texts if t is not None):
                problems.append(f"{q.id}: {a!r} not on page(s) {q.pages} of {q.doc}")
    return problems


@dataclass
class Outcome:
    question: QAQuestion
    page_hit: bool  # a gold page of the gold document among the top-k passages
    contains: bool  # the (unrefused) answer holds a gold string
    refused: bool
    p_answerable: float
    answer: str


def ingest(
    engine: Any,
    qaset: QASet,
    progress: Callable[[str, int, int], None] | None = None,
    split: str = "all",
) -> None:
    """Index the set's documents: all of them by default (the other half's pages are
    distractors), or only one half's (a faster, easier corpus for a quick gate)."""
    results = engine.ingest([d.path for d in qaset.docs(split)], progress=progress)
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise RuntimeError(f"could not ingest {failed[0].path}: {failed[0].error}")


def retrieved(
    engine: Any, questions: Sequence[QAQuestion], k: int = 5
) -> list[tuple[QAQuestion, list[Source], bool]]:
    """Each question's top-``k`` sources, and whether a gold page is among them."""
    out = []
    for q in questions:
        res = engine.retriever.search(q.question, k=k)
        top = res.passages[:k]
        hit = any(p.source == q.doc and p.page in q.pages for p in top)
        out.append((q, to_sources(top), hit))
    return out


def ask_one(engine: Any, q: QAQuestion, k: int = 5) -> Outcome:
    # The app's retrieval (``Engine.retrieve``): a question about a whole document gets
    # its opening, as in the app (rag/overview.py).
    res = engine.retrieve(q.question, k)
    res.passages = res.passages[:k]
    hit = any(p.source == q.doc and p.page in q.pages for p in res.passages)
    resp, _ = engine.extractive.answer(build_request(q.question, res))
    text = "" if resp.refused else re.sub(r"\s*\[\d{1,3}\]", "", resp.text)
    return Outcome(
        question=q,
        page_hit=hit,
        contains=q.answerable and contains_gold(text, q.answers),
        refused=bool(resp.refused),
        p_answerable=float((resp.raw or {}).get("p_answerable", 0.0)),
        answer=text,
    )


def _rate(hits: int, n: int) -> float:
    return round(hits / n, 4) if n else 0.0


def _tallies(outcomes: Sequence[Outcome]) -> dict[str, tuple[int, int]]:
    """The four figures as (hits, n): of the answerable questions, but unanswerable_refused."""
    ans = [o for o in outcomes if o.question.answerable]
    una = [o for o in outcomes if not o.question.answerable]
    return {
        "page_in_top5": (sum(o.page_hit for o in ans), len(ans)),
        "contains_gold": (sum(o.contains for o in ans), len(ans)),
        "answerable_refused": (sum(o.refused for o in ans), len(ans)),
        "unanswerable_refused": (sum(o.refused for o in una), len(una)),
    }


def _counts(tallies: dict[str, tuple[int, int]]) -> dict[str, str]:
    return {key: f"{hits}/{n}" for key, (hits, n) in tallies.items()}


def summarise(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """The four figures (with counts) overall, per question type and per document (whose
    counts add up, so a subset of the documents can be reported beside the whole)."""
    tallies = _tallies(outcomes)
    out: dict[str, Any] = {
        "questions": len(outcomes),
        "answerable": sum(o.question.answerable for o in outcomes),
        "unanswerable": sum(not o.question.answerable for o in outcomes),
        **{key: _rate(hits, n) for key, (hits, n) in tallies.items()},
        "counts": _counts(tallies),
    }
    by_type: dict[str, dict[str, Any]] = {}
    for t in TYPES:
        rows = [o for o in outcomes if o.question.type == t]
        if rows:
            by_type[t] = {
                "n": len(rows),
                "page_in_top5": _rate(sum(o.page_hit for o in rows), len(rows)),
                "contains_gold": _rate(sum(o.contains for o in rows), len(rows)),
                "refused": _rate(sum(o.refused for o in rows), len(rows)),
            }
    out["by_type"] = by_type
    docs = dict.fromkeys(o.question.doc for o in outcomes)
    out["by_document"] = {
        doc: _counts(_tallies([o for o in outcomes if o.question.doc == doc])) for doc in docs
    }
    return out


def evaluate(
    engine: Any,
    path: Path,
    split: str = "test",
    k: int = 5,
    progress: Callable[[str, int, int], None] | None = None,
    details: bool = False,
    corpus: str = "all",
) -> dict[str, Any]:
    """Ingest the set's documents (``corpus``: all, or only the ``split``'s with "split"), ask
    the ``split``'s questions with the extractive answerer."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    from rag.eval.squad import use_cached_embeddings

    qaset = load_set(path)
    ingest(engine, qaset, progress, split=split if corpus == "split" else "all")
    # Questions about one page retrieve the same passages: embed each sentence once.
    use_cached_embeddings(engine).prime([q.question for q in qaset.select(split)])
    outcomes = [ask_one(engine, q, k=k) for q in qaset.select(split)]
    report = {
        "set": path.name,
        "split": split,
        "documents": [d.name for d in qaset.docs(split)],
        "corpus": corpus,
        "k": k,
        **summarise(outcomes),
    }
    if details:
        report["details"] = [
            {
                "id": o.question.id,
                "type": o.question.type,
                "page_hit": o.page_hit,
                "contains": o.contains,
                "refused": o.refused,
                "p_answerable": round(o.p_answerable, 4),
                "answer": o.answer,
            }
            for o in outcomes
        ]
    return report


def format_report(report: dict[str, Any]) -> str:
    """A plain-text table of :func:`evaluate`'s report."""
    counts = report["counts"]
    lines = [
        f"set {report['set']}, split {report['split']}: {report['questions']} questions "
        f"({report['answerable']} answerable, {report['unanswerable']} unanswerable), "
        f"documents {', '.join(report['documents'])}",
    ]
    for key in ("page_in_top5", "contains_gold", "answerable_refused", "unanswerable_refused"):
        lines.append(f"  {key:22} {report[key]:.3f}  ({counts[key]})")
    lines.append(f"  {'type':14} {'n':>4} {'page@5':>7} {'contains':>9} {'refused':>8}")
    for t, row in report["by_type"].items():
        lines.append(
            f"  {t:14} {row['n']:>4} {row['page_in_top5']:>7.3f} "
            f"{row['contains_gold']:>9.3f} {row['refused']:>8.3f}"
        )
    lines.append(f"  {'document':28} {'page@5':>7} {'contains':>9} {'ans.ref':>8} {'unans.ref':>9}")
    for doc, row in report.get("by_document", {}).items():
        cells = [row[key] for key in counts]
        lines.append(f"  {doc:28} {cells[0]:>7} {cells[1]:>9} {cells[2]:>8} {cells[3]:>9}")
    return "\n".join(lines)
