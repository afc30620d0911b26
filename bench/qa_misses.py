"""The extractive answerer's misses on the *fit* half of our question set (issue 15).

For each answerable fit-half question whose answer does not hold a gold string it prints the
type, question, gold, the answer (or that it was refused), whether a gold page was in the top
5, the sentence of the gold page that holds the gold, and a guessed cause:

- ``refused``: the answerer refused;
- ``retrieval``: no retrieved passage holds the gold text;
- ``cut``: a retrieved passage holds the gold, but only in a sentence the chunk cut (at its
  start or end), so the answerer could not quote it;
- ``not-split``: the gold is in a quotable sentence only glued to another (the splitter did
  not split), or in a sentence the answerer judged unquotable for another reason;
- ``wrong-sentence``: a quotable candidate holds the gold; another was chosen;
- ``list``: a list question (composition of items).

Only the fit half is read: the test half is looked at only to report
(``python -m rag eval qa tests/data/qa/set.json --split test``).

    python bench/qa_misses.py tests/data/qa/set.json --index-dir DIR [--all]

``--index-dir`` keeps the index between runs (the first run ingests all six documents, the
other half's pages being distractors as in the evaluation); ``--all`` prints hits too.
"""

from __future__ import annotations

import argparse
import collections
import re
from pathlib import Path

from ingest.loaders import load
from providers.extractive_compose import quotable_texts
from rag.answer import build_request
from rag.engine import Engine
from rag.eval.qa import ask_one, contains_gold, ingest, load_set, normalise
from rag.eval.squad import use_cached_embeddings
from rag.settings import load_settings
from text.sentences import sentence_spans


def gold_sentence(pages: dict[int, str], q_pages: tuple[int, ...], answers: tuple[str, ...]) -> str:
    for p in q_pages:
        text = pages.get(p, "")
        for s, e in sentence_spans(text):
            if contains_gold(text[s:e], answers):
                return " ".join(text[s:e].split())[:400]
        # the gold crosses a sentence boundary (or the splitter's) - show where it is
        norm = normalise(text)
        for a in answers:
            i = norm.find(normalise(a))
            if i >= 0:
                return "(across sentences) ..." + norm[max(0, i - 150) : i + 150] + "..."
    return "(not found)"


def cause(engine: Engine, q, o) -> str:  # type: ignore[no-untyped-def]
    if o.refused:
        return "refused"
    res = engine.retriever.search(q.question, k=5)
    res.passages = res.passages[:5]
    if not any(contains_gold(p.text, q.answers) for p in res.passages):
        return "retrieval"
    req = build_request(q.question, res)
    cands = engine.extractive.candidates(q.question, req.sources)
    holding = [c for c in cands if contains_gold(c.text, q.answers)]
    if q.type == "list":
        return "list"
    quoted = quotable_texts(cands)
    if any(contains_gold(t, q.answers) for _, t in quoted):
        return "wrong-sentence"
    if not holding:
        return "across-sentences"
    for c in holding:
        src = c.source.text
        at_start = not src[: c.start].strip()
        at_end = not src[c.end :].strip()
        if at_start or at_end:
            return "cut"
    return "not-split"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("set", type=Path)
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--type", default="")
    ap.add_argument("--doc", default="", help="only these documents (comma-separated names)")
    args = ap.parse_args()
    engine = Engine(load_settings(index_dir=args.index_dir), collection="eval-qa-set")
    qaset = load_set(args.set)
    ingest(engine, qaset)
    docs = set(filter(None, args.doc.split(",")))
    fit = [
        q
        for q in qaset.select("fit")
        if (not args.type or q.type == args.type) and (not docs or q.doc in docs)
    ]
    use_cached_embeddings(engine).prime([q.question for q in fit])
    pages = {d.name: {p.number: p.text for p in load(d.path)} for d in qaset.docs("fit")}
    causes: collections.Counter[str] = collections.Counter()
    n_ans = n_in = n_ref_ans = n_ref_una = n_una = 0
    for q in fit:
        o = ask_one(engine, q)
        if not q.answerable:
            n_una += 1
            n_ref_una += o.refused
            if not o.refused:  # a miss as much as a refused answerable one
                print(
                    f"[unanswerable answered] {q.id} p={o.p_answerable:.2f} {q.question}\n"
                    f"   A: {o.answer[:300]}\n"
                )
            continue
        n_ans += 1
        n_in += o.contains
        n_ref_ans += o.refused
        if o.contains and not args.all:
            continue
        why = "hit" if o.contains else cause(engine, q, o)
        causes[why] += 1
        print(f"[{why}] {q.id} ({q.type}) page@5={o.page_hit} p={o.p_answerable:.2f}")
        print(f"   Q: {q.question}\n   G: {' | '.join(q.answers)}")
        said = "(refused)" if o.refused else re.sub(r"\s+", " ", o.answer)[:500]
        print(f"   A: {said}")
        print(f"   S: {gold_sentence(pages[q.doc], q.pages, q.answers)}\n")
    print(dict(causes))
    print(
        f"contains {n_in}/{n_ans} = {n_in / n_ans:.3f}; answerable refused {n_ref_ans}/{n_ans}"
        f" = {n_ref_ans / n_ans:.3f}; unanswerable refused {n_ref_una}/{n_una}"
        f" = {n_ref_una / max(n_una, 1):.3f}"
    )


if __name__ == "__main__":
    main()
