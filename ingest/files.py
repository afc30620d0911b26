"""Files on their way into an ingest: hashing, folder walks, and saving browser uploads safely."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.loaders import SUPPORTED_SUFFIXES, IngestError


def file_sha256(path: Path, block: int = 1 << 20) -> str:
    """Streamed hash: huge files are never read into memory at once."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(block):
            h.update(chunk)
    return h.hexdigest()


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, plus supported files found recursively in folders (hidden ones skipped)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if not f.startswith(".") and Path(f).suffix.lower() in SUPPORTED_SUFFIXES:
                        out.append(Path(root) / f)
        else:
            out.append(p)
    return list(dict.fromkeys(out))


# Characters a file name cannot hold on some system (Windows' reserved ones, separators) and
# control/format characters; letters of every script, accents, spaces, brackets stay: an
# upload named "Résumé – Zoë (final).txt" was listed as "R_sum_ _ Zo_ (final).txt".
_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*]')
_MAX_NAME_BYTES = 200  # under every filesystem's 255-byte limit for a name


def _printable(ch: str) -> str:
    return "_" if unicodedata.category(ch)[0] == "C" else ch


def safe_upload_name(name: str) -> str:
    """A file name from a browser upload, reduced to a plain name (no dirs, no ``..``): the
    name the person chose, in NFC (macOS browsers send decomposed accents), with only
    characters that are unsafe in a file name replaced; a long name is shortened by its stem,
    so the extension (which picks the loader) stays."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(map(_printable, re.sub(r"\s+", " ", base)))
    base = _UNSAFE_CHARS.sub("_", base).strip(" .")
    if not base or base in {".", ".."}:
        raise IngestError(name, "invalid file name")
    stem, dot, suffix = base.rpartition(".")
    if not dot or len(suffix) > 16:
        stem, suffix = base, ""
    suffix = (dot + suffix) if suffix else ""
    while len((stem + suffix).encode()) > _MAX_NAME_BYTES and stem:
        stem = stem[:-1]
    return (stem.rstrip(" .") or "upload") + suffix


_ESCAPE = re.compile(r"(^|/)\.\.(/|$)|^/|^[A-Za-z]:")


def save_upload(upload_dir: Path, name: str, data: bytes, max_bytes: int | None = None) -> Path:
    """Write an uploaded file into ``upload_dir`` safely; returns its path.

    A name that tries to leave the folder (``../x``, ``/etc/passwd``, ``C:\\x``) is refused
    rather than silently flattened, so the user learns their upload was not what they meant;
    other directory parts are dropped (:func:`safe_upload_name`). The size limit is checked
    before anything touches the disk, a symlink planted under the target name is refused,
    and the write is atomic (temp file + rename): a crash never leaves half a file that the
    next folder ingest would pick up.
    """
    if _ESCAPE.search(name.replace("\\", "/")):
        raise IngestError(name, "file name points outside the upload folder (refused)")
    base = safe_upload_name(name)
    if max_bytes is not None and len(data) > max_bytes:
        raise IngestError(
            base,
            f"file is {len(data) / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit (RAG_MAX_FILE_MB)",
        )
    upload_dir.mkdir(parents=True, exist_ok=True)
    root = upload_dir.resolve()
    target = upload_dir / base
    if target.is_symlink() or target.resolve().parent != root:
        raise IngestError(base, "upload target is a link outside the upload folder (refused)")
    fd, tmp = tempfile.mkstemp(
        prefix=".upload-", dir=root
    )  # hidden: never ingested by a folder walk
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, root / base)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return root / base


@dataclass(frozen=True)
class SavedUpload:
    """An upload written in place of whatever had its name, until it is kept or undone."""

    path: Path
    previous: Path | None  # a hidden copy of the file it replaced, if any

    def settle(self, kept: bool) -> None:
        """Kept: the copy of the replaced file goes. Not kept (the upload failed): the replaced
        file comes back, or the new one goes, so a failed upload changes nothing."""
        if kept:
            if self.previous is not None:
                self.previous.unlink(missing_ok=True)
        elif self.previous is not None:
            os.replace(self.previous, self.path)
        else:
            self.path.unlink(missing_ok=True)


def save_upload_undoably(
    upload_dir: Path, name: str, data: bytes, max_bytes: int | None = None
) -> SavedUpload:
    """:func:`save_upload`, keeping a copy of the file it overwrites: the indexed document of
    that name still points at it (page previews, re-reads) if the new bytes fail to ingest."""
    target = upload_dir / safe_upload_name(name)
    previous = None
    if target.is_file() and not target.is_symlink():
        fd, tmp = tempfile.mkstemp(prefix=".previous-", dir=upload_dir)  # hidden: never ingested
        os.close(fd)
        previous = Path(tmp)
        shutil.copyfile(target, previous)
    try:
        return SavedUpload(save_upload(upload_dir, name, data, max_bytes), previous)
    except BaseException:
        if previous is not None:
            previous.unlink(missing_ok=True)
        raise
