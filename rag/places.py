"""Where in a document a passage sits, as a person says it: "page 3" of a PDF, "slide 3" of
a deck, "sheet 2" of a workbook, and nothing for a text, Markdown, HTML or Word file, which is
read as one page (its "page 1" only made people look for page 2)."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.loaders import page_unit


def place(source: str, page: int | None) -> str:
    """``"page 3"``, ``"slide 3"``, ``"sheet 2"`` or ``""``."""
    return places(source, [page] if page else [])


def places(source: str, pages: Sequence[int]) -> str:
    """``"pages 1, 2"``, ``"slide 4"`` or ``""``: the pages of ``source`` a list names."""
    unit = page_unit(source)
    if unit is None:
        # an unknown kind with a page past the first has pages after all (a name without
        # its suffix, an upload renamed by hand)
        if not any(p > 1 for p in pages):
            return ""
        unit = "page"
    shown = sorted(set(pages))
    if not shown:
        return ""
    return f"{unit}{'s' if len(shown) > 1 else ''} {', '.join(map(str, shown))}"


def extent(source: str, pages: int) -> str:
    """``"3 pages"``, ``"12 slides"``, ``"1 sheet"`` or ``""`` for a one-page format (a Word
    file listed as "1 page" read as a one-page document)."""
    unit = page_unit(source) or ("page" if pages > 1 else None)
    if unit is None:
        return ""
    return f"{pages} {unit}{'s' if pages != 1 else ''}"
