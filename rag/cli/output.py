"""What every command shares: JSON on stdout, progress bars on stderr (so ``--json`` stdout
stays clean), the engine of the command's settings, and the ``--json`` flag itself."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rag.settings import load_settings

if TYPE_CHECKING:
    from rag.engine import Engine

Command = Callable[[argparse.Namespace], int]


def print_json(obj: Any, indent: int | None = None) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str, indent=indent), flush=True)


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be {least} or more, not {value}")
    return value


def positive_int(text: str) -> int:
    """argparse type for counts like ``--k``: 0 silently meant the default and -3 one source."""
    return _whole_number(text, 1)


def iso_day(text: str) -> str:
    """argparse type for ``--day``: ``yesterday`` or ``2026-13-45`` matched no call and said
    "No provider calls recorded yet." as if the log were empty."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day like 2026-03-31") from None


def non_negative_int(text: str) -> int:
    """argparse type for ``--sample`` (0 means all): -5 was a ValueError traceback."""
    return _whole_number(text, 0)


def add_command(
    sub: Any, name: str, fn: Command, help: str, examples: str = ""
) -> argparse.ArgumentParser:
    """A subcommand with ``--json`` (every command has it: the output contract) and its
    ``examples`` (lines ``python -m rag ...  # what``) under its ``--help``."""
    sp: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help,
        description=help,
        epilog=epilog(examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sp.add_argument("--json", action="store_true", help="machine-readable JSON output")
    sp.set_defaults(func=fn)
    return sp


def epilog(examples: str) -> str | None:
    lines = [line.strip() for line in examples.strip().splitlines() if line.strip()]
    return "examples:\n" + "\n".join(f"  {line}" for line in lines) if lines else None


def engine_for(collection: str | None = None, **overrides: Any) -> Engine:
    """The engine of the settings (env, .env, config) plus ``overrides``."""
    from rag.engine import Engine

    return Engine(load_settings(**overrides), collection=collection)


def progress_bar(
    desc: str, enabled: bool, extra: Callable[[], str] | None = None, total: int | None = None
) -> tuple[Callable[[str, int, int], None], Callable[[], None]]:
    """A tqdm bar on stderr: files done of all and the ETA (tqdm's ``elapsed<remaining``);
    ``extra()`` is shown before the current file's name. With ``total`` the bar shows at
    once (0 of N while the model loads), not at the first file done."""
    if not enabled:
        return (lambda *_: None), (lambda: None)
    from tqdm import tqdm

    def new(total: int | None) -> Any:
        return tqdm(total=total or None, desc=desc, unit="file", file=sys.stderr, leave=False)

    bar: dict[str, Any] = {"bar": new(total)} if total else {}

    def update(name: str, done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = new(total)
        b = bar["bar"]
        b.set_postfix_str((f"{extra()}, " if extra else "") + name[-40:], refresh=False)
        b.update(done - b.n)
        # Files are committed a batch at a time: tqdm skipped the redraws of a burst inside
        # its 0.1 s minimum interval, and the bar sat at 0/11 until the last file was done.
        b.refresh()

    def close() -> None:
        if "bar" in bar:
            bar["bar"].close()

    return update, close


def page_bar(enabled: bool) -> tuple[Callable[[str, str, int, int], None], Callable[[], None]]:
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
