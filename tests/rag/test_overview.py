"""Which documents a question about whole documents names (rag/overview.py)."""

from __future__ import annotations

from collections.abc import Sequence

from rag.overview import asked_documents, pointed_at
from rag.retrieve import Passage
from rag.state.base import ChunkRecord, DocInfo

TITLES = {
    "fontconfig-user.pdf": "Name\nfonts.conf — Font configuration files",
    "employee-handbook.md": "Northwind Robotics Employee Handbook",
    "NIST.CSWP.04162018.pdf": "Framework for Improving\nCritical Infrastructure Cybersecurity",
    "travel-and-expense-policy.pdf": "Northwind Robotics Travel and Expense Policy",
}
DOCS = [DocInfo(f"d{i}", name, name, "", 1, 1, 1) for i, name in enumerate(TITLES)]


def _first_chunks(ids: Sequence[str]) -> dict[str, ChunkRecord]:
    out = {}
    for d in DOCS:
        key = f"{d.doc_id}:0"
        if key in ids:
            out[key] = ChunkRecord(key, d.doc_id, 0, 1, 0, 0, 10, TITLES[d.name], d.name)
    return out


def _named(subject: str) -> list[str]:
    return [d.name for d in asked_documents(subject, DOCS, _first_chunks)]


def test_a_subject_names_a_document_by_its_file_name_or_its_title() -> None:
    assert _named("fontconfig user guide") == ["fontconfig-user.pdf"]  # "guide": any document
    assert _named("NIST Cybersecurity Framework") == ["NIST.CSWP.04162018.pdf"]  # the title
    assert _named("handbook") == ["employee-handbook.md"]  # a kind word alone must still match
    assert _named("Northwind Robotics") == ["employee-handbook.md", "travel-and-expense-policy.pdf"]
    assert _named("") == list(TITLES)  # "these documents"
    assert _named("hotel limit") == []  # no document: the question takes the usual path


def _hit(doc_id: str) -> Passage:
    return Passage(chunk_id=f"{doc_id}:3", doc_id=doc_id, source="", page=1, text="", score=1.0)


def test_it_in_a_follow_up_is_the_document_the_conversation_named_or_found() -> None:
    def pointed(carried: str, *hits: str) -> list[str]:
        return [d.name for d in pointed_at(carried, DOCS, [_hit(h) for h in hits], _first_chunks)]

    # the name or title that holds most of the last exchange's key terms
    assert pointed("travel policy hotels London", "d1") == ["travel-and-expense-policy.pdf"]
    # a tie ("Northwind" is in two titles) goes to the search's order
    assert pointed("Northwind vacation days", "d3", "d1") == ["travel-and-expense-policy.pdf"]
    # no title holds them: the document of the best hit
    assert pointed("approve flights", "d3") == ["travel-and-expense-policy.pdf"]
    assert pointed("core hours", "d1", "d3") == ["employee-handbook.md"]
    assert pointed("core hours") == []  # nothing found, no title: no document
