"""Which reader cut a document's chunks: a document is re-read when that changes.

A document's id is its content hash combined with the reader's version (the source of the
``ingest`` and ``text`` packages, the PDF libraries' versions and the chunk settings), so
"unchanged" means the same bytes read the same way. Without it an index kept the chunks an
older reader cut (an old splitter's sentences, furniture an old cleaner left in) for as long
as the file did not change, and the same files and questions answered differently on a
machine whose index was built before an upgrade than on a fresh one.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

import ingest
import text

# Libraries whose output is the page text the reader starts from.
_LIBRARIES = ("pypdf", "pdfplumber", "pypdfium2")


@cache
def reader_version() -> str:
    """A hash of every module that turns a file into chunk text, and of the PDF libraries'
    versions. Any edit counts (a comment too): re-reading costs an ingest, a stale index
    costs wrong answers."""
    h = hashlib.sha256()
    for pkg in (ingest, text):
        root = Path(str(pkg.__file__)).resolve().parent
        for path in sorted(root.rglob("*.py")):
            h.update(path.relative_to(root.parent).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-\0".encode())
    return h.hexdigest()[:16]


def document_id(content_sha256: str, settings: str) -> str:
    """The id of a file's chunks: its bytes (``content_sha256``) as read by this reader with
    these chunk ``settings``. Equal files under two names still share one id."""
    key = f"{content_sha256}:{reader_version()}:{settings}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]
