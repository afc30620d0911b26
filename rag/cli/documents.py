"""``ingest PATHS``, ``docs``, ``remove TARGET``: what is in the index."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from rag.cli.errors import EXIT_FAILED, EXIT_INTERRUPTED, fail, saying_on_interrupt
from rag.cli.output import add_command, engine_for, page_bar, print_json, progress_bar


def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def report_line(r: Any) -> str:
    """``12 pages, 40 chunks · 2 OCR'd (p. 3, 4), 1 tables, 23,456 characters; page 5 failed: why``"""
    extra = []
    if r.ocr_pages:
        garbled = r.garbled_pages
        why = f"; unreadable text layer: p. {', '.join(map(str, garbled))}" if garbled else ""
        extra.append(f"{len(r.ocr_pages)} OCR'd (p. {', '.join(map(str, r.ocr_pages))}{why})")
    if r.tables:
        extra.append(_n(r.tables, "table"))
    if r.chars:
        extra.append(f"{r.chars:,} characters")
    line = f"{_n(r.pages, 'page')}, {_n(r.chunks, 'chunk')}" + (
        " · " + ", ".join(extra) if extra else ""
    )
    for f in r.failed_pages:
        line += f"; page {f['page']} failed: {f['error']}"
    return line


def docs_line(d: Any) -> str:
    """``a1b2c3d4      1 page     3 chunks  memo.txt``: columns that line up, words that agree."""
    return f"{d.doc_id}  {_n(d.pages, 'page'):>10} {_n(d.chunks, 'chunk'):>12}  {d.name}"


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.files import SUPPORTED_SUFFIXES, expand_paths

    files = expand_paths(args.paths)
    if not files:  # before the model loads: an empty folder is known at once
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        return fail(
            f"no files to ingest in {' '.join(args.paths)} (supported: {kinds})", 1, args.json
        )
    engine = engine_for()
    show = sys.stderr.isatty() or args.progress
    # Files count when committed (stored), so the ETA follows finished work; chunks beside.
    chunks = lambda: f"{engine.ingestor.done.chunks} chunks"  # noqa: E731
    update, close = progress_bar("ingest", show, chunks, total=len(files))
    page_update, page_close = page_bar(show)
    stopping = "stopping: storing the files already read, then quitting (the index stays whole)"
    try:
        with saying_on_interrupt(stopping):
            results = engine.ingest(args.paths, progress=update, page_progress=page_update)
    except KeyboardInterrupt:
        close()
        done = engine.ingestor.done.files
        print(
            f"interrupted: {done} of {len(files)} files are in the index; run the same command "
            "again to ingest the rest (the files stored are skipped as unchanged)",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    finally:
        page_close()
        close()
    _print_results(results, args.json)
    if not args.json:
        counts = Counter(r.status for r in results)
        print(", ".join(f"{n} {status}" for status, n in counts.items()), file=sys.stderr)
    return EXIT_FAILED if any(r.status == "failed" for r in results) else 0


def _print_results(results: list[Any], as_json: bool) -> None:
    for r in results:
        if as_json:
            print_json(r.to_dict())
        else:
            detail = r.error if r.status == "failed" else report_line(r)
            print(f"{r.status:9} {r.path}  ({detail})")


def cmd_docs(args: argparse.Namespace) -> int:
    engine = engine_for()
    docs = engine.docs()
    if args.json:
        print_json([d.to_dict() for d in docs])
    else:
        for d in docs:
            print(docs_line(d))
        print(_n(len(docs), "document"), file=sys.stderr)
        if stale := engine.stale_docs(docs):
            print(
                f"{len(stale)} read by an older version of the reader: "
                "`python -m rag reindex` re-reads them",
                file=sys.stderr,
            )
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    engine = engine_for()
    docs = engine.docs()
    stale = engine.stale_docs(docs)
    if not stale:
        print(f"all {len(docs)} documents are read by this reader", file=sys.stderr)
        return 0
    show = sys.stderr.isatty() or args.progress
    update, close = progress_bar("re-read", show, lambda: f"{engine.ingestor.done.chunks} chunks")
    page_update, page_close = page_bar(show)
    try:
        results = engine.reread(progress=update, page_progress=page_update)
    finally:
        page_close()
        close()
    _print_results(results, args.json)
    return 1 if any(r.status == "failed" for r in results) else 0


def cmd_remove(args: argparse.Namespace) -> int:
    results = engine_for().remove(args.target)
    for r in results:
        if args.json:
            print_json(r.to_dict())
        else:
            print(f"{r.status:9} {r.doc_id or r.path}" + (f"  ({r.error})" if r.error else ""))
    return 1 if any(r.status == "failed" for r in results) else 0


def add_parsers(sub: Any) -> None:
    sp = add_command(
        sub,
        "ingest",
        cmd_ingest,
        "ingest files or folders (PDF, DOCX, PPTX, XLSX, CSV, TXT, MD, HTML)",
        """python -m rag ingest data/demo ~/papers report.pdf   # folders are read recursively
        python -m rag ingest specs/ --json    # one JSON object per file (status, pages, chunks)
        Files already indexed with the same bytes are skipped (unchanged): after Ctrl-C,
        run the same command again to ingest the rest. Exit code 1 if a file failed.""",
    )
    sp.add_argument("paths", nargs="+", metavar="PATH", help="a file or a folder")
    sp.add_argument(
        "--progress", action="store_true", help="show the progress bar even when not a TTY"
    )
    add_command(
        sub,
        "docs",
        cmd_docs,
        "list ingested documents",
        """python -m rag docs           # id, pages, chunks, name
        python -m rag docs --json    # a JSON list of documents""",
    )
    sp = add_command(
        sub,
        "reindex",
        cmd_reindex,
        "re-read the documents an older version of the reader (or other chunk settings) cut",
        "python -m rag reindex    # after an upgrade, when `docs` says some are stale",
    )
    sp.add_argument(
        "--progress", action="store_true", help="show the progress bar even when not a TTY"
    )
    sp = add_command(
        sub,
        "remove",
        cmd_remove,
        "remove a document by id, path or file name",
        """python -m rag remove report.pdf            # by file name
        python -m rag remove a2473c9ff783bb8d      # by the id `docs` shows""",
    )
    sp.add_argument("target", metavar="DOCUMENT", help="a document id, path or file name")
