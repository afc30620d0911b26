"""Grounding-check precision/recall on SQuAD v1.1 dev with a scripted (fake) provider.

For each sampled question the "retrieved" sources are the gold paragraph as [1] plus two
paragraphs of other articles as [2] and [3]. A fake provider then answers, always citing [1]:

  gold       the paragraph sentence holding the gold answer            -> supported
  unrelated  a sentence from a paragraph of another article            -> unsupported
  restated   "<question, as a statement>: <gold answer>." (new wording) -> supported
  same_topic a sentence from another paragraph of the SAME article      -> unsupported

"unrelated" vs "gold" is the required test; "restated"/"same_topic" are harder, reported
beside it (same_topic labels are slightly noisy: a fact can recur in another paragraph).

Weights and threshold are fitted on half of the articles (grid search, best F1 of
"unsupported" over all four kinds) and reported on the other half. The embedder is the
real MiniLM model. Precision/recall are for the positive class "unsupported".

    python bench/grounding_squad.py --sample 400
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from providers.base import Capabilities, Message, Request, Response, Source, Usage
from rag import grounding
from text.sentences import sentence_spans as split_sentences

SQUAD = Path("/work/shared/data/squad/squad-v1.1-dev.json.gz")
KINDS = ("gold", "unrelated", "restated", "same_topic")
UNSUPPORTED = {"unrelated", "same_topic"}


class ScriptedProvider:
    """Answers whatever it was told to (the fake 'LLM' of this benchmark)."""

    name = "scripted"
    model = "fake"
    capabilities = Capabilities(local=True, paid=False)

    def __init__(self) -> None:
        self.next_text = ""

    def generate(self, request: Request) -> Response:
        return Response(self.next_text, self.name, self.model, Usage(0, 0), cost_usd=0.0)

    def stream(self, request: Request):  # type: ignore[no-untyped-def]
        yield self.generate(request)


class MemoEmbed:
    """Embeds each distinct text once (passages recur across the four answer kinds)."""

    def __init__(self) -> None:
        import torch

        from rag.embeddings import get_embedder

        torch.set_num_threads(1)  # a shared, busy machine: one thread, no oversubscription
        self.embedder = get_embedder(batch_size=128)
        self.cache: dict[str, np.ndarray] = {}

    def warm(self, texts: Sequence[str]) -> None:
        """Embed everything up front in large batches (far cheaper than many small calls)."""
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        step = 512
        for i in range(0, len(todo), step):
            part = todo[i : i + step]
            for t, v in zip(part, self.embedder.embed(part), strict=True):
                self.cache[t] = v
            print(f"embedded {min(i + step, len(todo))}/{len(todo)}", file=sys.stderr, flush=True)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            for t, v in zip(todo, self.embedder.embed(todo), strict=True):
                self.cache[t] = v
        return np.stack([self.cache[t] for t in texts])


def load(path: Path) -> list[dict[str, Any]]:
    import gzip

    with gzip.open(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)["data"]
    rows = []
    for article in data:
        paras = [p["context"] for p in article["paragraphs"]]
        for i, para in enumerate(article["paragraphs"]):
            for qa in para["qas"]:
                a = qa["answers"][0]
                rows.append(
                    {
                        "title": article["title"],
                        "para": i,
                        "paras": paras,
                        "question": qa["question"],
                        "answer": a["text"],
                        "answer_start": a["answer_start"],
                    }
                )
    return rows


def sentence_at(text: str, pos: int) -> str:
    for s, e in split_sentences(text):
        if s <= pos < e:
            return text[s:e]
    return text


def restate(question: str, answer: str) -> str:
    q = re.sub(r"\?\s*$", "", question.strip())
    return f"{q[0].upper() + q[1:]}: {answer}."


def random_sentence(rng: random.Random, text: str) -> str:
    sents = [text[s:e] for s, e in split_sentences(text) if len(text[s:e].split()) >= 6]
    return rng.choice(sents) if sents else text


def build_cases(rows: list[dict[str, Any]], n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    by_title: dict[str, list[str]] = {}
    for r in rows:
        by_title.setdefault(r["title"], r["paras"])
    titles = sorted(by_title)
    sample = rng.sample(rows, n)
    cases = []
    for r in sample:
        others = [t for t in titles if t != r["title"]]
        d1, d2 = rng.sample(others, 2)
        passage = r["paras"][r["para"]]
        sources = [
            Source(1, r["title"], None, passage),
            Source(2, d1, None, rng.choice(by_title[d1])),
            Source(3, d2, None, rng.choice(by_title[d2])),
        ]
        unrelated = random_sentence(rng, rng.choice(by_title[rng.choice(others)]))
        same = [p for j, p in enumerate(r["paras"]) if j != r["para"]]
        texts = {
            "gold": sentence_at(passage, r["answer_start"]),
            "unrelated": unrelated,
            "restated": restate(r["question"], r["answer"]),
            "same_topic": random_sentence(rng, rng.choice(same)) if same else None,
        }
        for kind, text in texts.items():
            if text:
                cases.append(
                    {
                        "title": r["title"],
                        "question": r["question"],
                        "kind": kind,
                        "text": text.strip() + " [1]",
                        "sources": sources,
                    }
                )
    return cases


def prf(pred: list[bool], gold: list[bool]) -> dict[str, float]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 3), "recall": round(rec, 3), "f1": round(f, 3), "n": len(gold)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--squad", type=Path, default=SQUAD)
    ap.add_argument("--sample", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    rows = load(args.squad)
    cases = build_cases(rows, args.sample, args.seed)
    titles = sorted({c["title"] for c in cases})
    random.Random(13).shuffle(titles)
    calib = set(titles[: len(titles) // 2])

    embed = MemoEmbed()
    provider = ScriptedProvider()
    t0 = time.perf_counter()
    warm: list[str] = []
    for c in cases:
        warm += [s[2] for s in grounding.answer_sentences(c["text"])]
        warm += grounding._units(c["sources"][0].text)
    embed.warm(warm)
    for c in cases:
        provider.next_text = c["text"]
        req = Request(
            [Message("user", c["question"])], question=c["question"], sources=c["sources"]
        )
        resp = provider.generate(req)
        g = grounding.check(resp.text, req.sources, embed)
        s = g.sentences[0] if g.sentences else None
        c["sim"], c["ovl"] = (s.similarity, s.overlap) if s else (1.0, 1.0)
        c["num"] = bool(s and s.missing_numbers)  # the hard rule: an invented figure
    elapsed = time.perf_counter() - t0

    def flagged(c: dict[str, Any], w: float, thr: float) -> bool:
        return w * c["sim"] + (1 - w) * c["ovl"] < thr or c["num"]

    def evaluate(subset: list[dict[str, Any]], w: float, thr: float) -> dict[str, float]:
        pred = [flagged(c, w, thr) for c in subset]
        return prf(pred, [c["kind"] in UNSUPPORTED for c in subset])

    cal = [c for c in cases if c["title"] in calib]
    test = [c for c in cases if c["title"] not in calib]
    best = max(
        ((w, thr) for w in np.arange(0.0, 1.01, 0.1) for thr in np.arange(0.3, 0.91, 0.025)),
        key=lambda p: evaluate(cal, *p)["f1"],
    )
    w, thr = round(float(best[0]), 2), round(float(best[1]), 3)
    shipped = (grounding.SIM_WEIGHT, grounding.THRESHOLD)  # what rag/grounding.py uses

    def pick(subset: list[dict[str, Any]], kinds: set[str]) -> list[dict[str, Any]]:
        return [c for c in subset if c["kind"] in kinds]

    report = {
        "questions": args.sample,
        "cases": len(cases),
        "calibration_cases": len(cal),
        "test_cases": len(test),
        "fitted": {"sim_weight": w, "overlap_weight": round(1 - w, 2), "threshold": thr},
        "shipped": {
            "sim_weight": shipped[0],
            "overlap_weight": round(1 - shipped[0], 2),
            "threshold": shipped[1],
        },
        "seconds": round(elapsed, 1),
    }
    for label, (ww, tt) in (("fitted", (w, thr)), ("shipped", shipped)):
        report[f"test_{label}"] = {
            "gold_vs_unrelated": evaluate(pick(test, {"gold", "unrelated"}), ww, tt),
            "restated_vs_same_topic": evaluate(pick(test, {"restated", "same_topic"}), ww, tt),
            "all_four": evaluate(test, ww, tt),
            "flagged_rate": {
                k: round(float(np.mean([flagged(c, ww, tt) for c in pick(test, {k})])), 3)
                for k in KINDS
            },
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
