"""``python -m rag`` / ``grounded-qa``: ingest, list, remove, ask and evaluate from the shell.

Every command takes ``--json`` for machine-readable output; JSON field names are a contract
for other tools (extend, never rename). Exit codes: 0 ok, 1 some input failed, 2 usage or
settings error.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.settings import SettingsError, load_settings

if TYPE_CHECKING:
    from rag.engine import Engine

log = logging.getLogger("rag.cli")


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str), flush=True)


def _progress_bar(
    desc: str, enabled: bool, extra: Callable[[], str] | None = None
) -> tuple[Callable[[str, int, int], None], Callable[[], None]]:
    """A tqdm bar on stderr (so ``--json`` stdout stays clean): files done of total and the
    ETA (tqdm's ``elapsed<remaining``); ``extra()`` is shown before the file name."""
    if not enabled:
        return (lambda *_: None), (lambda: None)
    from tqdm import tqdm

    bar: dict[str, Any] = {}

    def update(name: str, done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(
                total=total or None, desc=desc, unit="file", file=sys.stderr, leave=False
            )
        b = bar["bar"]
        b.set_postfix_str((f"{extra()}, " if extra else "") + name[-40:], refresh=False)
        b.update(done - b.n)

    def close() -> None:
        if "bar" in bar:
            bar["bar"].close()

    return update, close


def _page_bar(enabled: bool) -> tuple[Callable[[str, str, int, int], None], Callable[[], None]]:
    """A second tqdm bar, per file, shown only once a page needs OCR (seconds a page)."""
    if not enabled:
        return (lambda *_: None), (lambda: None)
    from tqdm import tqdm

    bar: dict[str, Any] = {}

    def close() -> None:
        if "bar" in bar:
            bar.pop("bar").close()

    def update(name: str, stage: str, done: int, total: int) -> None:
        if bar.get("name") != name:
            close()
            bar["name"] = name
        if "bar" not in bar:
            if stage != "ocr":
                return
            bar["bar"] = tqdm(total=total, desc="pages", unit="page", file=sys.stderr, leave=False)
        b = bar["bar"]
        b.set_postfix_str(f"{name[-30:]}: {'OCR' if stage == 'ocr' else 'text'}", refresh=False)
        b.update(done - b.n)

    return update, close


def _report(r: Any) -> str:
    """``12 pages, 40 chunks · 2 OCR'd (p. 3, 4), 1 tables, 23,456 characters; page 5 failed: why``"""
    extra = []
    if r.ocr_pages:
        extra.append(f"{len(r.ocr_pages)} OCR'd (p. {', '.join(map(str, r.ocr_pages))})")
    if r.tables:
        extra.append(f"{r.tables} tables")
    if r.chars:
        extra.append(f"{r.chars:,} characters")
    line = f"{r.pages} pages, {r.chunks} chunks" + (" · " + ", ".join(extra) if extra else "")
    for f in r.failed_pages:
        line += f"; page {f['page']} failed: {f['error']}"
    return line


def _engine(args: argparse.Namespace, collection: str | None = None, **overrides: Any) -> Any:
    from rag.engine import Engine

    settings = load_settings(**overrides)
    return Engine(settings, collection=collection)


# --- commands ----------------------------------------------------------------------------
def cmd_ingest(args: argparse.Namespace) -> int:
    engine = _engine(args)
    show = sys.stderr.isatty() or args.progress
    # Files count when committed (stored), so the ETA follows finished work; chunks beside.
    update, close = _progress_bar("ingest", show, lambda: f"{engine.ingestor.done.chunks} chunks")
    page_update, page_close = _page_bar(show)
    try:
        results = engine.ingest(args.paths, progress=update, page_progress=page_update)
    finally:
        page_close()
        close()
    for r in results:
        if args.json:
            _print_json(r.to_dict())
        else:
            detail = r.error if r.status == "failed" else _report(r)
            print(f"{r.status:9} {r.path}  ({detail})")
    if not results:
        print("no files found", file=sys.stderr)
        return 1
    return 1 if any(r.status == "failed" for r in results) else 0


def cmd_docs(args: argparse.Namespace) -> int:
    engine = _engine(args)
    docs = engine.docs()
    if args.json:
        _print_json([d.to_dict() for d in docs])
    else:
        for d in docs:
            print(f"{d.doc_id}  {d.pages:4} pages {d.chunks:5} chunks  {d.name}")
        print(f"{len(docs)} documents", file=sys.stderr)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    engine = _engine(args)
    results = engine.remove(args.target)
    for r in results:
        if args.json:
            _print_json(r.to_dict())
        else:
            print(f"{r.status:9} {r.doc_id or r.path}" + (f"  ({r.error})" if r.error else ""))
    return 1 if any(r.status == "failed" for r in results) else 0


def _history(rows: Any) -> list[Any]:
    """``[{"role": "user"|"assistant", "content": "..."}, ...]`` -> messages (the contract)."""
    from providers.base import Message

    if not isinstance(rows, list) or not all(
        isinstance(r, dict) and r.get("role") in ("user", "assistant") for r in rows
    ):
        raise ValueError('history must be a list of {"role": "user"|"assistant", "content"}')
    return [Message(r["role"], str(r.get("content") or "")) for r in rows]


def _questions(batch: str) -> Iterator[tuple[str, list[Any]]]:
    """(question, history) per line: plain text, or JSONL with "question" and "history"."""
    fh = sys.stdin if batch == "-" else open(batch, encoding="utf-8")  # noqa: SIM115
    with fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            if line.startswith("{"):
                obj = json.loads(line)
                yield str(obj["question"]), _history(obj.get("history") or [])
            else:
                yield line, []


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    engine.ensure_demo()
    provider = _provider(args, engine)
    try:
        history = _history(json.loads(Path(args.history).read_text())) if args.history else []
        questions = list(_questions(args.batch)) if args.batch else [(args.question, history)]
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not questions or not all(q and q.strip() for q, _ in questions):
        print("error: empty question", file=sys.stderr)
        return 2
    for q, hist in questions:
        if getattr(args, "tools", False):
            from rag.llm import task_chain

            chain = provider or task_chain(engine, "answer")
            ans = engine.ask_with_tools(q, chain, k=args.k, history=hist)
        else:
            ans = engine.ask(q, k=args.k, provider=provider, history=hist)
        if args.json or args.batch:
            out = ans.to_json()
            if not getattr(args, "no_sentiment", False):
                out["sentiment"] = _answer_sentiment(ans.answer, engine)
            _print_json(out)
        else:
            for c in ans.tool_calls or []:
                got = c.error or f"sources {c.sources}"
                print(f"(search_documents: {c.query!r}, k={c.k} -> {got})", file=sys.stderr)
            print(ans.answer)
            print()
            for s in ans.sources:
                mark = "*" if s.n in ans.cited else " "
                page = f" p.{s.page}" if s.page else ""
                rel = "" if s.relevance is None else f", relevance {s.relevance:.2f}"
                print(f" {mark}[{s.n}] {s.source}{page}  (score {s.score:.4f}{rel})")
            note = f"answered by {ans.provider}:{ans.model}"
            if ans.cost_usd is None:
                note += ", cost unpriced"
            elif ans.cost_usd:
                note += f", ${ans.cost_usd:.6f}"
            print(f"\n({note})", file=sys.stderr)
    return 0


def _provider(args: argparse.Namespace, engine: Engine) -> Any:
    """The provider chain for ``--provider`` / ``--fallback`` (extractive when neither)."""
    spec = getattr(args, "provider", None)
    fallback = getattr(args, "fallback", None)
    if (
        not spec
        and not fallback
        and engine.settings.provider == "extractive"
        and not engine.settings.fallback
    ):
        return None
    from rag.llm import make_chain

    return make_chain(engine, spec, fallback)


def cmd_providers(args: argparse.Namespace) -> int:
    from rag.cli_usage import provider_metrics
    from rag.llm import describe_providers

    settings = load_settings()
    rows = describe_providers(settings)
    stats = provider_metrics(settings)  # stored: the calls of earlier processes too
    for row in rows:
        row["metrics"] = stats.get(row["provider"], {})
    if args.json:
        _print_json({"providers": rows, "chain": [settings.provider, *settings.fallback]})
    else:
        for row in rows:
            key = "key ok" if row.get("key_configured") else "no key"
            print(
                f"{row['provider']:18} {row.get('model') or '':28} {key:7} breaker={row.get('breaker', '-')}"
            )
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    folder = Path(args.path)
    if not folder.exists():
        print(f"error: {folder} does not exist", file=sys.stderr)
        return 2
    update, close = _progress_bar("index", True)
    try:
        if args.kind == "beir":
            from rag.eval import beir

            engine = _engine(args, collection=f"eval-beir-{_slug(folder.name)}")
            out = beir.evaluate(engine, folder, split=args.split, progress=update)
        elif args.kind == "qa":
            from rag.eval import qa

            engine = _engine(args, collection=f"eval-qa-{_slug(folder.stem)}")
            out = qa.evaluate(engine, folder, split=args.split, k=args.k, progress=update)
            if not args.json:
                print(qa.format_report(out))
                return 0
        elif args.kind == "refusal":
            from rag.eval import refusal

            engine = _engine(args, collection=f"eval-squad-{_slug(folder.name)}")
            out = refusal.run(
                engine,
                folder,
                out=Path(args.out) if args.out else refusal.DEFAULT_OUT,
                k=args.k,
                max_answerable_refused=args.max_answerable_refused,
                progress=update,
                cache=Path(args.cache) if args.cache else None,
                n_questions=args.sample or None,
                docs=_qa_docs(args),
            )
        else:
            from rag.eval import squad

            engine = _engine(args, collection=f"eval-squad-{_slug(folder.name)}")
            out = squad.evaluate(
                engine,
                folder,
                n_questions=args.sample or None,
                k=args.k,
                progress=update,
                heldout=args.heldout,
                seed=args.seed,
            )
    finally:
        close()
    if args.json:
        _print_json(out)
    else:
        for key, value in out.items():
            print(f"{key:28} {value}")
    return 0


def _qa_docs(args: argparse.Namespace) -> tuple[Any, Path] | None:
    """``eval refusal --qa SET.json``: our own set's engine (its own collection) and path."""
    if not args.qa:
        return None
    return _engine(args, collection=f"eval-qa-{_slug(Path(args.qa).stem)}"), Path(args.qa)


def _slug(name: str) -> str:
    import re

    return re.sub(r"[^a-zA-Z0-9_-]+", "-", name)[:40].strip("-") or "x"


# --- analysis ----------------------------------------------------------------------------
def _answer_sentiment(text: str, engine: Engine) -> dict[str, Any] | None:
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

    engine = _engine(args)
    found = _analysis_text(engine, args.target)
    if found is None:
        print(f"error: {args.target} is neither a file nor an ingested document", file=sys.stderr)
        return 1
    name, text = found
    if not text.strip():
        print(f"error: {name} has no text", file=sys.stderr)
        return 1
    chain = None if args.offline else _task_chain(args, engine, "interpretation")
    out = {"target": args.target, "name": name, "chars": len(text)}
    out.update(analyze(text, chain, embedder=engine.embedder, with_llm_sentiment=not args.offline))
    if args.json:
        _print_json(out)
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


def cmd_sentiment(args: argparse.Namespace) -> int:
    from rag.analysis.sentiment import score_batch

    if args.batch:
        fh = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8")  # noqa: SIM115
        with fh:
            texts = [line.rstrip("\n") for line in fh if line.strip()]
    elif args.text:
        texts = [args.text]
    else:
        print("error: sentiment needs TEXT or --batch FILE", file=sys.stderr)
        return 2
    from rag.embeddings import embedder_for

    settings = load_settings()
    embedder = embedder_for(settings)
    for i in range(0, len(texts), 256):  # bounded memory for big files
        part = texts[i : i + 256]
        for text, r in zip(part, score_batch(part, embedder), strict=True):
            row = {"text": text, "label": r.label, "scores": r.scores, "emotions": r.emotions}
            if args.json or args.batch:
                _print_json(row)
            else:
                print(f"{r.label:8} {r.scores[r.label]:.2f}  {text[:80]}")
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from rag.analysis.topics import get_topics_result

    engine = _engine(args)
    engine.ensure_demo()
    chain = None if args.offline else _task_chain(args, engine, "topic_label")
    res = get_topics_result(engine, chain, refresh=args.refresh)
    if args.json:
        _print_json(res.to_dict())
    else:
        for t in res.topics:
            print(f"{t.size:5} chunks  {t.label:36} {', '.join(t.keywords[:6])}")
        sil = f", silhouette {res.silhouette:.3f}" if res.silhouette is not None else ""
        print(f"{res.k} topics over {res.n_chunks} chunks{sil}", file=sys.stderr)
    return 0


# --- parser ------------------------------------------------------------------------------
def quiet_libraries(verbose: int = 0) -> None:
    """Third-party loggers are noisy at INFO/DEBUG (pypdf font warnings, bm25s, chromadb)."""
    for name in ("pypdf", "bm25s", "chromadb", "httpx", "sentence_transformers", "transformers"):
        logging.getLogger(name).setLevel(logging.ERROR if verbose < 2 else logging.INFO)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m rag", description=__doc__.split("\n")[0])
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv debug)")
    sub = p.add_subparsers(dest="command", required=True)

    def add(
        name: str, fn: Callable[[argparse.Namespace], int], help: str
    ) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        sp.add_argument("--json", action="store_true", help="machine-readable JSON output")
        sp.set_defaults(func=fn)
        return sp

    sp = add(
        "ingest", cmd_ingest, "ingest files or folders (PDF, DOCX, PPTX, XLSX, CSV, TXT, MD, HTML)"
    )
    sp.add_argument("paths", nargs="+")
    sp.add_argument(
        "--progress", action="store_true", help="show the progress bar even when not a TTY"
    )

    add("docs", cmd_docs, "list ingested documents")

    sp = add("remove", cmd_remove, "remove a document by id, path or file name")
    sp.add_argument("target")

    sp = add("ask", cmd_ask, "ask a question (or --batch FILE, one per line or JSONL)")
    sp.add_argument("question", nargs="?")
    sp.add_argument("--k", type=int, default=None, help="number of sources (default RAG_TOP_K)")
    sp.add_argument(
        "--batch", help="file with one question per line, or JSONL with 'question'; - for stdin"
    )
    sp.add_argument(
        "--history",
        help='JSON file: the conversation so far, [{"role": "user"|"assistant", "content": ...}]',
    )
    sp.add_argument("--provider", help="provider[:model], e.g. openai:gpt-4o-mini")
    sp.add_argument("--fallback", help="comma-separated provider[:model] list tried in order")
    sp.add_argument(
        "--tools",
        action="store_true",
        help="let providers with function calling run search_documents (bounded)",
    )
    sp.add_argument("--no-sentiment", action="store_true", help="leave sentiment out of --json")

    add(
        "providers",
        cmd_providers,
        "list providers, models, keys configured, breaker state, metrics",
    )

    from rag.cli_ollama import add_parser as add_ollama

    add_ollama(sub)

    from rag.cli_usage import add_parser as add_usage

    add_usage(sub)

    from rag.cli_serve import add_parser as add_serve

    add_serve(sub)

    sp = add(
        "analyze",
        cmd_analyze,
        "sentiment, emotions, evidence and interpretation of a file or document",
    )
    sp.add_argument("target", help="a file path, or an ingested document's id / path / name")
    sp.add_argument("--provider", help="provider[:model] for the interpretation")
    sp.add_argument("--fallback", help="comma-separated provider[:model] list tried in order")
    sp.add_argument("--offline", action="store_true", help="no LLM: template interpretation only")
    sp.add_argument("--sensitive", action="store_true", help="local providers only")

    sp = add(
        "sentiment", cmd_sentiment, "offline sentiment of TEXT or --batch FILE (one text per line)"
    )
    sp.add_argument("text", nargs="?")
    sp.add_argument("--batch", help="file with one text per line; - for stdin; JSON lines out")

    sp = add(
        "topics", cmd_topics, "topics of the corpus: labels, sizes, keywords, example passages"
    )
    sp.add_argument(
        "--provider", help="provider[:model] for the labels (default: cheapest configured)"
    )
    sp.add_argument("--fallback", help="comma-separated provider[:model] list tried in order")
    sp.add_argument("--refresh", action="store_true", help="recompute even if cached")
    sp.add_argument("--offline", action="store_true", help="keyword labels only")
    sp.add_argument("--sensitive", action="store_true", help="local providers only")

    sp = add(
        "eval", cmd_eval, "evaluate: beir DIR | squad FILE | refusal FILE (refit) | qa SET.json"
    )
    sp.add_argument("kind", choices=["beir", "squad", "refusal", "qa"])
    sp.add_argument("path")
    sp.add_argument("--split", default="test", help="BEIR qrels split; qa: test | fit | all")
    sp.add_argument("--sample", type=int, default=1000, help="SQuAD questions to sample (0 = all)")
    sp.add_argument("--k", type=int, default=5)
    sp.add_argument("--seed", type=int, default=7, help="SQuAD question sample seed")
    sp.add_argument(
        "--heldout",
        action="store_true",
        help="SQuAD: only articles the refusal model was not fitted on",
    )
    sp.add_argument(
        "--out", help="refusal: where to write the model (default rag/models/refusal.json)"
    )
    sp.add_argument(
        "--max-answerable-refused",
        type=float,
        default=0.175,
        help="refusal: threshold refuses at most this share of answerables (fit articles)",
    )
    sp.add_argument("--cache", help="refusal: pickle of retrieved sources, reused when present")
    sp.add_argument("--qa", help="refusal: also fit on the fit half of this qa set (set.json)")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "ask" and not args.batch and not args.question:
        parser.error("ask needs a QUESTION or --batch FILE")
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(2, args.verbose)]
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    quiet_libraries(args.verbose)
    try:
        return int(args.func(args))
    except SettingsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
