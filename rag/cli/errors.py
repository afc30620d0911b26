"""How the CLI fails: one line on stderr, ``error: what (why)``, never a Python traceback
(``-v`` shows it); with ``--json`` also one object ``{"error", "exit_code"}`` on stdout, so a
tool reading stdout still gets JSON. Exit codes: 0 ok, 1 some input failed, 2 usage or
settings error, 130 interrupted (Ctrl-C), 141 stdout closed early (``| head``)."""

from __future__ import annotations

import argparse
import difflib
import errno
import logging
import os
import re
import signal
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from providers.errors import redact
from rag.cli.output import print_json

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_PIPE = 1, 2, 130, 141

log = logging.getLogger("rag.cli")

_WHY = {
    errno.ENOENT: "no such file or folder",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
}


def fail(message: str, code: int = EXIT_USAGE, as_json: bool = False) -> int:
    """Print ``error: message`` (and the JSON object with ``--json``); the exit code back."""
    print(f"error: {message}", file=sys.stderr, flush=True)
    if as_json:
        print_json({"error": message, "exit_code": code})
    return code


def os_error_text(e: OSError) -> str:
    """``notes.txt: no such file or folder`` instead of ``[Errno 2] No such file ...: 'notes.txt'``."""
    why = _WHY.get(e.errno or 0) or e.strerror or str(e)
    return f"{e.filename}: {why}" if e.filename else why


def _index_dir() -> str:
    return os.environ.get("RAG_INDEX_DIR") or "the index folder (RAG_INDEX_DIR)"


def describe(e: BaseException) -> tuple[str, int]:
    """The one line and exit code of an exception no command caught."""
    if isinstance(e, UnicodeDecodeError):
        return f"a file is not UTF-8 text ({e.reason} at byte {e.start})", EXIT_USAGE
    if isinstance(e, OSError):
        text = os_error_text(e)
        index = os.environ.get("RAG_INDEX_DIR")
        if index and str(e.filename or "").startswith(index):  # a setting, not an input
            text += f" (the index in RAG_INDEX_DIR={index}: is it a folder you can write to?)"
            return text, EXIT_USAGE
        return text, EXIT_FAILED
    if isinstance(e, sqlite3.Error):
        return (
            f"cannot use the index in {_index_dir()} ({e}): is it a folder you can write to?",
            EXIT_USAGE,
        )
    # an unexpected error's text may hold a URL with its key: never printed as it is
    return f"{type(e).__name__}: {redact(e)} (run again with -v to see where)", EXIT_FAILED


class CliParser(argparse.ArgumentParser):
    """argparse with ``did you mean ...?`` on a mistyped command or flag, a pointer to
    ``--help``, and the JSON error object when the command line asked for ``--json``."""

    json_errors = False  # set by main() for the whole command line

    def error(self, message: str) -> NoReturn:
        message = _with_suggestion(self, message)
        self.print_usage(sys.stderr)
        if CliParser.json_errors:
            print_json({"error": message, "exit_code": EXIT_USAGE})
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return [o for a in parser._actions for o in a.option_strings if o.startswith("--")]


def _with_suggestion(parser: argparse.ArgumentParser, message: str) -> str:
    choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if choice:
        options = re.findall(r"'([^']*)'", choice.group(2))
        wrong = choice.group(1)
    elif message.startswith("unrecognized arguments: "):
        wrong = message.split(": ", 1)[1].split()[0].split("=")[0]
        options = _options(parser)
    else:
        return message
    close = difflib.get_close_matches(wrong, options, n=1, cutoff=0.6)
    return f"{message}; did you mean {close[0]}?" if close else message


def subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    """The parser of ``command`` (its errors show its usage, its flags, its --help)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: Any = action.choices.get(command)
            if found is not None:
                return found
    return parser


@contextmanager
def saying_on_interrupt(message: str) -> Iterator[None]:
    """Ctrl-C prints ``message`` at once, then interrupts as usual: an ingest stopped by it
    finishes storing its current batch first (seconds, silent before), so the person knows
    the key was heard and why the prompt is not back yet."""
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # e.g. a background job `&`
    if ignored or threading.current_thread() is not threading.main_thread():
        yield
        return

    def heard(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, previous)
        print(f"\n{message}", file=sys.stderr, flush=True)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, heard)
    try:
        yield
    finally:
        if signal.getsignal(signal.SIGINT) is heard:
            signal.signal(signal.SIGINT, previous)
