"""Grounded Q&A from the shell: ingest documents, ask questions with cited sources, evaluate.

Every command takes ``--json`` for machine-readable output; JSON field names are a contract
for other tools (extend, never rename). Exit codes: 0 ok, 1 some input failed, 2 usage or
settings error, 130 interrupted, 141 stdout closed early (rag/cli/errors.py). One module per
command group; ``output`` holds what they share.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback

from rag.cli import analysis, ask, consensus, documents, evaluate, ollama, serve, usage, workspaces
from rag.cli.errors import (
    EXIT_INTERRUPTED,
    EXIT_PIPE,
    EXIT_USAGE,
    CliParser,
    describe,
    fail,
    subparser,
)
from rag.settings import SettingsError

__all__ = ["build_parser", "main"]

# The order of ``python -m rag --help``.
GROUPS = (documents, ask, usage, ollama, consensus, serve, workspaces, analysis, evaluate)

EPILOG = """\
examples:
  python -m rag ingest data/demo ~/papers report.pdf   # files or folders
  python -m rag docs                                   # what is indexed
  python -m rag ask "What is the hotel limit?"         # an answer with its sources
  python -m rag ask "What is the hotel limit?" --json  # the same as one JSON object
  python -m rag COMMAND --help                         # a command's options and examples

The index lives in RAG_INDEX_DIR (default data/index of the project); --workspace NAME (or RAG_WORKSPACE)
picks a workspace. Settings: RAG_* environment variables or .env (see README).

exit codes: 0 ok; 1 some input failed (a file not ingested, a document not found);
2 usage or settings error; 130 interrupted (Ctrl-C); 141 output closed early (| head).
An error is one line on stderr starting with "error:"; with --json, stdout also gets
{"error": "...", "exit_code": N}.
"""


def quiet_libraries(verbose: int = 0) -> None:
    """Third-party loggers are noisy at INFO/DEBUG (pypdf font warnings, bm25s, chromadb)."""
    for name in ("pypdf", "bm25s", "chromadb", "httpx", "sentence_transformers", "transformers"):
        logging.getLogger(name).setLevel(logging.ERROR if verbose < 2 else logging.INFO)


def build_parser() -> argparse.ArgumentParser:
    p = CliParser(
        prog="python -m rag",
        description=(__doc__ or "").split("\n")[0],
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv debug)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.add_parsers(sub)
    for cmd in sub.choices.values():  # every command works in one workspace
        cmd.add_argument(
            "--workspace",
            metavar="NAME",
            help="workspace to use (default RAG_WORKSPACE or default)",
        )
    return p


def _parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Parse, reporting a mistyped flag with the command's own usage (argparse reported it
    with the top-level usage, which lists no flag of the command)."""
    args, extras = parser.parse_known_args(argv)
    command = subparser(parser, args.command)
    if extras:
        command.error(f"unrecognized arguments: {' '.join(extras)}")
    if args.command == "ask" and not args.batch and not (args.question or "").strip():
        command.error("ask needs a QUESTION (not empty) or --batch FILE")
    if args.command == "ask" and args.batch and args.question:
        # Both given, the QUESTION was silently dropped and only the file answered.
        command.error("ask takes a QUESTION or --batch FILE, not both")
    return args


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    CliParser.json_errors = "--json" in (sys.argv[1:] if argv is None else argv)
    args = _parse(parser, argv)
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(2, args.verbose)]
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    quiet_libraries(args.verbose)
    if getattr(args, "workspace", None):
        # The edge: every command's load_settings() reads it from here on.
        os.environ["RAG_WORKSPACE"] = args.workspace
    as_json = bool(getattr(args, "json", False))
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # here, not at exit: a closed pipe is an exception we can catch
        return code
    except SettingsError as e:
        return fail(str(e), EXIT_USAGE, as_json)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _closed_pipe()
    except Exception as e:  # the last line of defence: one sentence, never a traceback
        if args.verbose:
            traceback.print_exc()
        message, code = describe(e)
        try:
            return fail(message, code, as_json)
        except BrokenPipeError:
            return _closed_pipe()


def _closed_pipe() -> int:
    """``python -m rag docs | head -1``: the reader left; stop quietly (no traceback from
    the interpreter flushing stdout at exit either)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_PIPE


if __name__ == "__main__":
    sys.exit(main())
