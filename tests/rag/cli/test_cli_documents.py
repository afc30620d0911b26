"""``docs``: the listing a person reads."""

from __future__ import annotations

from dataclasses import dataclass

from rag.cli.documents import docs_line


@dataclass
class _Doc:
    doc_id: str
    pages: int
    chunks: int
    name: str


def test_docs_line_says_one_page_and_lines_up() -> None:
    one = docs_line(_Doc("a1b2c3d4", 1, 1, "memo.txt"))
    many = docs_line(_Doc("e5f6a7b8", 120, 1040, "handbook.pdf"))
    assert "1 page " in one and "1 chunk " in one and "pages" not in one
    assert "120 pages" in many and "1040 chunks" in many
    assert one.index("memo.txt") == many.index("handbook.pdf")  # the names start in one column
