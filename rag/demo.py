"""The demo corpus: a fictional company's handbook, FAQ, release notes and a PDF policy.

The PDF is generated from ``data/demo-src/*.txt`` (pages separated by a line ``\\f``) by a
tiny dependency-free PDF writer, so the demo exercises the real PDF path with known page
numbers without committing binaries.
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Mapping
from pathlib import Path

from text.phrases import listed

# What each demo file is, in the order the welcome names them.
DEMO_PARTS = {
    "employee-handbook.md": "handbook",
    "product-faq.html": "FAQ",
    "release-notes.txt": "release notes",
    "travel-and-expense-policy.pdf": "travel policy",
}


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_text_pdf(path: Path, pages: list[str], title: str = "") -> None:
    """Write a PDF with one page per string (Helvetica 11pt, wrapped at 90 characters)."""
    objects: list[bytes] = []

    def add(obj: str | bytes) -> int:
        objects.append(obj.encode("latin-1") if isinstance(obj, str) else obj)
        return len(objects)

    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    pages_id = len(objects) + 1 + 2 * len(pages)  # reserved below, after the page objects
    page_ids = []
    for text in pages:
        lines: list[str] = []
        for para in text.strip().split("\n"):
            lines.extend(textwrap.wrap(para, 90) or [""])
        ops = ["BT", "/F1 11 Tf", "14 TL", "56 780 Td"]
        ops += [f"({_escape(line)}) Tj T*" for line in lines]
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1", "replace")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(
            add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 612 792] "
                f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>"
            )
        )
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    assert add(f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>") == pages_id
    catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>")
    info = add(f"<< /Title ({_escape(title)}) /Producer (grounded-qa) >>")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(bytes(out))
    tmp.replace(path)


def pages_from_source(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\\f\n") if p.strip()]


def ensure_demo_pdf(demo_dir: Path) -> list[Path]:
    """Generate the demo PDFs from ``<demo_dir>/../demo-src`` if they are missing."""
    src_dir = demo_dir.parent / "demo-src"
    made = []
    for src in sorted(src_dir.glob("*.txt")) if src_dir.is_dir() else []:
        target = demo_dir / f"{src.stem}.pdf"
        if not target.exists():
            pages = pages_from_source(src.read_text(encoding="utf-8"))
            write_text_pdf(target, pages, title=pages[0].splitlines()[0] if pages else "")
            made.append(target)
    return made


def demo_names(demo_dir: Path) -> set[str]:
    """File names of the demo corpus (the PDF is generated from data/demo-src/)."""
    names = {p.name for p in demo_dir.glob("*") if p.is_file()} if demo_dir.is_dir() else set()
    src = demo_dir.parent / "demo-src"
    if src.is_dir():
        names |= {p.with_suffix(".pdf").name for p in src.glob("*.txt")}
    return names


def indexed_words(names: Collection[str], demo: Collection[str]) -> str:
    """The welcome's first sentence: how many documents are indexed, naming the demo's
    parts only for the demo files there are (a user may delete some or add their own):
    "8 documents are indexed: a demo company's handbook, FAQ, release notes and travel
    policy, and 4 of yours." """
    present = set(names)
    n = len(present)
    head = "1 document is indexed" if n == 1 else f"{n:,} documents are indexed"
    order = list(DEMO_PARTS)
    ours = sorted(present & set(demo), key=lambda m: (order.index(m) if m in order else 99, m))
    if not ours:
        return f"{head}."
    what = "a demo company's " + listed([DEMO_PARTS.get(m, m) for m in ours])
    more = n - len(ours)
    # "and 1 of yours", not "and 1 more": the welcome goes on "Questions search your X.pdf"
    return f"{head}: {what}, and {more:,} of yours." if more else f"{head} ({what})."


def searched_by_default(docs: Mapping[str, str], demo: Collection[str]) -> list[str]:
    """The doc ids a question searches when "Ask within" is left empty: with documents of
    one's own beside the demo's, one's own (empty: every document). A newcomer who uploaded
    a remote-work policy asked for its core hours and got the demo handbook's, which ranked
    first; the demo files stay indexed and can be picked in "Ask within"."""
    own = [doc_id for doc_id, name in docs.items() if name not in demo]
    return own if own and len(own) < len(docs) else []


# The welcome's examples and the demo file each one asks about: an example whose file was
# deleted would only be refused.
EXAMPLES = {
    "What is the nightly hotel limit in London?": "travel-and-expense-policy.pdf",
    "How many vacation days do employees get?": "employee-handbook.md",
}


def examples_for(names: Collection[str], demo: Collection[str]) -> list[str]:
    """The examples whose demo file is indexed, while nothing but demo files are: beside
    one's own documents they would ask the demo, which questions no longer search."""
    present = set(names)
    if present - set(demo):
        return []
    return [q for q, needs in EXAMPLES.items() if needs in present]
