"""``python -m rag`` / ``grounded-qa``: ingest, list, remove, ask and evaluate from the shell.

Every command takes ``--json`` for machine-readable output; JSON field names are a contract
for other tools (extend, never rename). Exit codes: 0 ok, 1 some input failed, 2 usage or
settings error. One module per command group; ``output`` holds what they share.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from rag.cli import analysis, ask, consensus, documents, evaluate, ollama, serve, usage, workspaces
from rag.settings import SettingsError

__all__ = ["build_parser", "main"]

# The order of ``python -m rag --help``.
GROUPS = (documents, ask, usage, ollama, consensus, serve, workspaces, analysis, evaluate)


def quiet_libraries(verbose: int = 0) -> None:
    """Third-party loggers are noisy at INFO/DEBUG (pypdf font warnings, bm25s, chromadb)."""
    for name in ("pypdf", "bm25s", "chromadb", "httpx", "sentence_transformers", "transformers"):
        logging.getLogger(name).setLevel(logging.ERROR if verbose < 2 else logging.INFO)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m rag", description=(__doc__ or "").split("\n")[0])
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv debug)")
    sub = p.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.add_parsers(sub)
    for cmd in sub.choices.values():  # every command works in one workspace
        cmd.add_argument("--workspace", help="workspace to use (default RAG_WORKSPACE or default)")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "ask" and not args.batch and not args.question:
        parser.error("ask needs a QUESTION or --batch FILE")
    if args.command == "ask" and args.batch and args.question:
        # Both given, the QUESTION was silently dropped and only the file answered.
        parser.error("ask takes a QUESTION or --batch FILE, not both")
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(2, args.verbose)]
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    quiet_libraries(args.verbose)
    if getattr(args, "workspace", None):
        # The edge: every command's load_settings() reads it from here on.
        os.environ["RAG_WORKSPACE"] = args.workspace
    try:
        return int(args.func(args))
    except SettingsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
