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
from typing import Any

from rag.settings import SettingsError, load_settings

log = logging.getLogger("rag.cli")


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str), flush=True)


def _progress_bar(desc: str, enabled: bool) -> tuple[Callable[[str, int, int], None], Callable[[], None]]:
    """A tqdm bar on stderr (so ``--json`` stdout stays clean)."""
    if not enabled:
        return (lambda *_: None), (lambda: None)
    from tqdm import tqdm

    bar: dict[str, Any] = {}

    def update(name: str, done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total or None, desc=desc, unit="file", file=sys.stderr, leave=False)
        b = bar["bar"]
        b.set_postfix_str(name[-40:], refresh=False)
        b.update(done - b.n)

    def close() -> None:
        if "bar" in bar:
            bar["bar"].close()

    return update, close


def _engine(args: argparse.Namespace, collection: str | None = None, **overrides: Any) -> Any:
    from rag.engine import Engine

    settings = load_settings(**overrides)
    return Engine(settings, collection=collection)


# --- commands ----------------------------------------------------------------------------
def cmd_ingest(args: argparse.Namespace) -> int:
    engine = _engine(args)
    update, close = _progress_bar("ingest", sys.stderr.isatty() or args.progress)
    try:
        results = engine.ingest(args.paths, progress=update)
    finally:
        close()
    for r in results:
        if args.json:
            _print_json(r.to_dict())
        else:
            detail = r.error if r.status == "failed" else f"{r.pages} pages, {r.chunks} chunks"
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


def _questions(batch: str) -> Iterator[str]:
    fh = sys.stdin if batch == "-" else open(batch, encoding="utf-8")  # noqa: SIM115
    with fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            if line.startswith("{"):
                obj = json.loads(line)
                yield str(obj["question"])
            else:
                yield line


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    engine.ensure_demo()
    provider = _provider(args, engine)
    questions = list(_questions(args.batch)) if args.batch else [args.question]
    if not questions or not all(q and q.strip() for q in questions):
        print("error: empty question", file=sys.stderr)
        return 2
    for q in questions:
        ans = engine.ask(q, k=args.k, provider=provider)
        if args.json or args.batch:
            _print_json(ans.to_json())
        else:
            print(ans.answer)
            print()
            for s in ans.sources:
                mark = "*" if s.n in ans.cited else " "
                page = f" p.{s.page}" if s.page else ""
                print(f" {mark}[{s.n}] {s.source}{page}  (score {s.score:.4f})")
            note = f"answered by {ans.provider}:{ans.model}"
            if ans.cost_usd is None:
                note += ", cost unpriced"
            elif ans.cost_usd:
                note += f", ${ans.cost_usd:.6f}"
            print(f"\n({note})", file=sys.stderr)
    return 0


def _provider(args: argparse.Namespace, engine: Any) -> Any:
    """The provider chain for ``--provider`` / ``--fallback`` (extractive when neither)."""
    spec = getattr(args, "provider", None)
    fallback = getattr(args, "fallback", None)
    if not spec and not fallback and engine.settings.provider == "extractive" and not engine.settings.fallback:
        return None
    from rag.llm import make_chain

    return make_chain(engine, spec, fallback)


def cmd_providers(args: argparse.Namespace) -> int:
    from providers.metrics import default_metrics
    from rag.llm import describe_providers

    settings = load_settings()
    rows = describe_providers(settings)
    stats = default_metrics().snapshot()
    for row in rows:
        row["metrics"] = stats.get(row["provider"], {})
    if args.json:
        _print_json({"providers": rows, "chain": [settings.provider, *settings.fallback]})
    else:
        for row in rows:
            key = "key ok" if row.get("key_configured") else "no key"
            print(f"{row['provider']:18} {row.get('model') or '':28} {key:7} breaker={row.get('breaker', '-')}")
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
        else:
            from rag.eval import squad

            engine = _engine(args, collection=f"eval-squad-{_slug(folder.name)}")
            out = squad.evaluate(engine, folder, n_questions=args.sample or None, k=args.k, progress=update)
    finally:
        close()
    if args.json:
        _print_json(out)
    else:
        for key, value in out.items():
            print(f"{key:28} {value}")
    return 0


def _slug(name: str) -> str:
    import re

    return re.sub(r"[^a-zA-Z0-9_-]+", "-", name)[:40].strip("-") or "x"


# --- parser ------------------------------------------------------------------------------
def quiet_libraries(verbose: int = 0) -> None:
    """Third-party loggers are noisy at INFO/DEBUG (pypdf font warnings, bm25s, chromadb)."""
    for name in ("pypdf", "bm25s", "chromadb", "httpx", "sentence_transformers", "transformers"):
        logging.getLogger(name).setLevel(logging.ERROR if verbose < 2 else logging.INFO)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m rag", description=__doc__.split("\n")[0])
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv debug)")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, fn: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        sp.add_argument("--json", action="store_true", help="machine-readable JSON output")
        sp.set_defaults(func=fn)
        return sp

    sp = add("ingest", cmd_ingest, "ingest files or folders (PDF, TXT, MD, HTML, DOCX)")
    sp.add_argument("paths", nargs="+")
    sp.add_argument("--progress", action="store_true", help="show the progress bar even when not a TTY")

    add("docs", cmd_docs, "list ingested documents")

    sp = add("remove", cmd_remove, "remove a document by id, path or file name")
    sp.add_argument("target")

    sp = add("ask", cmd_ask, "ask a question (or --batch FILE, one per line or JSONL)")
    sp.add_argument("question", nargs="?")
    sp.add_argument("--k", type=int, default=None, help="number of sources (default RAG_TOP_K)")
    sp.add_argument("--batch", help="file with one question per line, or JSONL with 'question'; - for stdin")
    sp.add_argument("--provider", help="provider[:model], e.g. openai:gpt-4o-mini")
    sp.add_argument("--fallback", help="comma-separated provider[:model] list tried in order")

    add("providers", cmd_providers, "list providers, models, keys configured, breaker state, metrics")

    sp = add("eval", cmd_eval, "evaluate on a benchmark: beir DIR | squad FILE")
    sp.add_argument("kind", choices=["beir", "squad"])
    sp.add_argument("path")
    sp.add_argument("--split", default="test", help="BEIR qrels split")
    sp.add_argument("--sample", type=int, default=1000, help="SQuAD questions to sample (0 = all)")
    sp.add_argument("--k", type=int, default=5)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "ask" and not args.batch and not args.question:
        parser.error("ask needs a QUESTION or --batch FILE")
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(2, args.verbose)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
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
