"""Documents an older reader cut, found and read again (``rag reindex``, the page's "Read them
again"). Their ids say which reader cut them (``ingest/reader_version.py``): the id this
reader gives their bytes differs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.pipeline import FilePageProgress, FileResult, Ingestor, Progress


def stale(ingestor: Ingestor, docs: Sequence[Any] | None = None) -> list[Any]:
    """Documents (of ``docs``, already read; default: the store's) whose id is not the one
    this reader (and these chunk settings) gives their bytes. In-memory texts (eval corpora)
    count too; their own ingest run re-reads them."""
    listed = ingestor.store.docs() if docs is None else docs
    return [d for d in listed if d.doc_id != ingestor.doc_id(d.sha256)]


def reread(
    ingestor: Ingestor,
    progress: Progress | None = None,
    page_progress: FilePageProgress | None = None,
) -> list[FileResult]:
    """Re-read every stale document from its file, each replacing its old chunks atomically;
    a file no longer on disk fails alone and keeps its old chunks."""
    docs = [d for d in stale(ingestor) if not d.path.startswith("text:")]
    names = {Path(d.path): d.name for d in docs}
    if not names:
        return []
    return ingestor.ingest(list(names), progress, display_names=names, page_progress=page_progress)
