"""The welcome's sentence on what is indexed: the demo's parts are named only for the demo
files there are, and documents added beside them are counted, not described as the demo."""

from __future__ import annotations

from rag.demo import DEMO_PARTS, demo_names, indexed_words
from tests.conftest import ROOT

DEMO = set(DEMO_PARTS)
YOURS = ["NIST.CSWP.04162018.pdf", "pets.txt", "plants.docx", "scanned.pdf"]


def test_the_parts_named_are_the_demo_corpus_files() -> None:
    assert demo_names(ROOT / "data" / "demo") == DEMO


def test_only_the_demo_is_described_as_the_demo() -> None:
    assert indexed_words(DEMO, DEMO) == (
        "4 documents are indexed (a demo company's handbook, FAQ, release notes and travel policy)."
    )


def test_documents_added_to_the_demo_are_counted_beside_it() -> None:
    # Was "8 documents are indexed (a demo company's handbook, FAQ, release notes and
    # travel policy)": the parenthesis described 4 of the 8.
    assert indexed_words([*DEMO, *YOURS], DEMO) == (
        "8 documents are indexed: a demo company's handbook, FAQ, release notes and travel "
        "policy, and 4 of yours."
    )


def test_a_deleted_demo_file_is_not_named() -> None:
    left = ["product-faq.html", "employee-handbook.md", "pets.txt"]
    assert indexed_words(left, DEMO) == (
        "3 documents are indexed: a demo company's handbook and FAQ, and 1 of yours."
    )
    assert indexed_words(["release-notes.txt"], DEMO) == (
        "1 document is indexed (a demo company's release notes)."
    )


def test_without_the_demo_only_the_count() -> None:
    assert indexed_words(YOURS, DEMO) == "4 documents are indexed."
    assert indexed_words(YOURS[:1], set()) == "1 document is indexed."
