"""``analyze TARGET``, ``sentiment TEXT|--batch FILE``, ``topics``: the analysis commands,
and the offline sentiment ``ask --json`` adds to each answer."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.cli.errors import EXIT_USAGE, fail, os_error_text
from rag.cli.output import add_command, engine_for, print_json
from rag.settings import load_settings

if TYPE_CHECKING:
    from rag.engine import Engine

log = logging.getLogger("rag.cli")


def answer_sentiment(text: str, engine: Engine) -> dict[str, Any] | None:
    """Offline sentiment of an answer for ``ask --json`` (None when scoring fails)."""
    try:
        from rag.analysis.interpretation_llm import sentiment_dict
        from rag.analysis.sentiment import score_text

        return sentiment_dict(score_text(text, engine.embedder))
    except Exception as e:  # analysis must never cost the user their answer
        log.warning("sentiment of the answer failed: %s", e)
        return None


def _task_chain(args: argparse.Namespace, engine: Engine, task: str) -> Any:
    from rag.llm import task_chain

    return task_chain(
        engine,
        task,
        provider=getattr(args, "provider", None),
        fallback=getattr(args, "fallback", None),
        sensitive=True if getattr(args, "sensitive", False) else None,
    )


def _analysis_text(engine: Engine, target: str) -> tuple[str, str] | None:
    """(name, text) of a file path, or of an ingested document by id / path / name."""
    path = Path(target)
    if path.is_file():
        from ingest.pipeline import load_pages

        return path.name, "\n\n".join(p.text for p in load_pages(path))
    one = engine.store.doc(target)
    docs = [one] if one else engine.store.docs_by_path(target)
    if not docs:
        return None
    doc = docs[0]
    ids = [
        cid
        for cid, _ in zip(*engine.store.all_chunks(), strict=True)
        if cid.startswith(doc.doc_id + ":")
    ]
    chunks = sorted(engine.store.get_chunks(ids).values(), key=lambda c: c.idx)
    # Chunks overlap; analysis of a whole document tolerates the repeated sentences.
    return doc.name, "\n".join(c.text for c in chunks)


def cmd_analyze(args: argparse.Namespace) -> int:
    from rag.analysis.interpretation_llm import analyze

    engine = engine_for()
    found = _analysis_text(engine, args.target)
    if found is None:
        return fail(f"{args.target} is neither a file nor an ingested document", 1, args.json)
    name, text = found
    if not text.strip():
        return fail(f"{name} has no text", 1, args.json)
    chain = None if args.offline else _task_chain(args, engine, "interpretation")
    out = {"target": args.target, "name": name, "chars": len(text)}
    out.update(analyze(text, chain, embedder=engine.embedder, with_llm_sentiment=not args.offline))
    if args.json:
        print_json(out)
    else:
        print(
            f"{name}: {out['label']}  "
            + "  ".join(f"{k} {v:.2f}" for k, v in out["scores"].items())
        )
        print(
            "emotions: "
            + ", ".join(
                f"{k} {v:.2f}" for k, v in sorted(out["emotions"].items(), key=lambda kv: -kv[1])
            )
        )
        print()
        print(out["interpretation"])
        print(f"\n(interpretation: {out['interpretation_source']})", file=sys.stderr)
    return 0


def _lines(batch: str) -> list[str]:
    fh = sys.stdin if batch == "-" else open(batch, encoding="utf-8")  # noqa: SIM115
    with fh:
        return [line.rstrip("\n") for line in fh if line.strip()]


def cmd_sentiment(args: argparse.Namespace) -> int:
    from rag.analysis.sentiment import score_batch

    if args.batch:
        try:
            texts = _lines(args.batch)
        except OSError as e:
            return fail(f"--batch {os_error_text(e)}", EXIT_USAGE, args.json)
    elif args.text:
        texts = [args.text]
    else:
        return fail("sentiment needs TEXT or --batch FILE", EXIT_USAGE, args.json)
    from rag.embeddings import embedder_for

    settings = load_settings()
    embedder = embedder_for(settings)
    for i in range(0, len(texts), 256):  # bounded memory for big files
        part = texts[i : i + 256]
        for text, r in zip(part, score_batch(part, embedder), strict=True):
            row = {"text": text, "label": r.label, "scores": r.scores, "emotions": r.emotions}
            if args.json or args.batch:
                print_json(row)
            else:
                print(f"{r.label:8} {r.scores[r.label]:.2f}  {text[:80]}")
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from rag.analysis.topics import get_topics_result

    engine = engine_for()
    engine.ensure_demo()
    chain = None if args.offline else _task_chain(args, engine, "topic_label")
    res = get_topics_result(engine, chain, refresh=args.refresh)
    if args.json:
        print_json(res.to_dict())
    else:
        for t in res.topics:
            print(f"{t.size:5} chunks  {t.label:36} {', '.join(t.keywords[:6])}")
        sil = f", silhouette {res.silhouette:.3f}" if res.silhouette is not None else ""
        print(f"{res.k} topics over {res.n_chunks} chunks{sil}", file=sys.stderr)
    return 0


def add_parsers(sub: Any) -> None:
    sp = add_command(
        sub,
        "analyze",
        cmd_analyze,
        "sentiment, emotions, evidence and interpretation of a file or document",
        """python -m rag analyze report.pdf --offline     # a file, no model asked
        python -m rag analyze a2473c9ff783bb8d --json   # an ingested document by id""",
    )
    sp.add_argument("target", help="a file path, or an ingested document's id / path / name")
    sp.add_argument("--provider", help="provider[:model] for the interpretation")
    sp.add_argument("--fallback", help="comma-separated provider[:model] list tried in order")
    sp.add_argument("--offline", action="store_true", help="no LLM: template interpretation only")
    sp.add_argument("--sensitive", action="store_true", help="local providers only")

    sp = add_command(
        sub,
        "sentiment",
        cmd_sentiment,
        "offline sentiment of TEXT or --batch FILE (one text per line)",
        """python -m rag sentiment "The battery lasts all day, great."
        python -m rag sentiment --batch reviews.txt > scores.jsonl""",
    )
    sp.add_argument("text", nargs="?", help="the text to score (quote it)")
    sp.add_argument(
        "--batch", metavar="FILE", help="file with one text per line; - for stdin; JSON lines out"
    )

    sp = add_command(
        sub,
        "topics",
        cmd_topics,
        "topics of the corpus: labels, sizes, keywords, example passages",
        """python -m rag topics --offline     # keyword labels, no model asked
        python -m rag topics --refresh --json""",
    )
    sp.add_argument(
        "--provider", help="provider[:model] for the labels (default: cheapest configured)"
    )
    sp.add_argument("--fallback", help="comma-separated provider[:model] list tried in order")
    sp.add_argument("--refresh", action="store_true", help="recompute even if cached")
    sp.add_argument("--offline", action="store_true", help="keyword labels only")
    sp.add_argument("--sensitive", action="store_true", help="local providers only")
