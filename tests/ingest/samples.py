"""Builders for the good and bad files the ingest tests use (generated, never committed)."""

from __future__ import annotations

import io
from pathlib import Path

from rag.demo import write_text_pdf


def text_pdf(path: Path, pages: list[str]) -> Path:
    write_text_pdf(path, pages, title="test")
    return path


def encrypted_pdf(path: Path, password: str = "s3cret") -> Path:
    from pypdf import PdfReader, PdfWriter

    buf = io.BytesIO()
    tmp = path.with_name("plain-" + path.name)
    text_pdf(tmp, ["Secret page one about budgets."])
    writer = PdfWriter(clone_from=PdfReader(str(tmp)))
    writer.encrypt(user_password=password, owner_password=password)
    writer.write(buf)
    tmp.unlink()
    path.write_bytes(buf.getvalue())
    return path


def image_only_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF whose pages have no text layer (what a scan looks like to pypdf)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def corrupt_pdf(path: Path) -> Path:
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf \x00\x01garbage"
    )
    return path


def docx_file(path: Path, paragraphs: list[str]) -> Path:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(str(path))
    return path
