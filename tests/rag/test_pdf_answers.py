"""``ask --json`` answers on the shared PDFs: never a heading alone, never a cut sentence."""

from __future__ import annotations

import re

import pytest

from tests.conftest import TESTS_DATA

pytestmark = pytest.mark.integration

QUESTIONS = (TESTS_DATA / "pdf_questions.txt").read_text()
_PIECE = re.compile(r"(.+?)\s*((?:\[\d{1,3}\])+)(?=\s|$)", re.S)
_END = re.compile(r"[.!?;:)\"'”’]$")
_ABBREVIATION = re.compile(r"\b(Sec|No|Vol|Fig|pp|[A-Z])\.$")  # "[44 U.S.C., Sec." is cut
# A table row cut to its key and the cells asked ("Texas | Totals: 146,982") is whole without
# a full stop: a row, not a heading or a cut sentence.
_RECORD = re.compile(r"[^|\n]+(?: \| [^|:\n]{1,60}: [\d$][\d,.%$]*)+")


def problems(answer: str) -> list[str]:
    """Quoted pieces of an extractive answer that are a heading alone or a cut sentence."""
    if answer.startswith("I don't have enough information"):
        return []
    found = []
    for m in _PIECE.finditer(answer):
        text = re.sub(r"^(Yes|No)\. ", "", m.group(1).strip())
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z'\-]+", text)]
        if _RECORD.fullmatch(text):
            continue
        if len(words) < 4 or not _END.search(text):
            found.append(f"heading or fragment: {text!r}")
        elif text[0].islower() or _ABBREVIATION.search(text):
            found.append(f"starts mid-sentence: {text!r}")
    if not _PIECE.search(answer):
        found.append("no citation")
    return found


def test_problems_finds_headings_and_cut_sentences() -> None:
    assert problems("Parental leave [1]")
    assert problems("and the rest expire on 31 March. [1]")
    assert problems("Preserving authorized restrictions [44 U.S.C., Sec. [2]")
    assert not problems("No. Alcohol is not reimbursed. [1]")
    assert not problems("Texas | Totals: 146,982 [1]")  # a table row's cell
    assert problems("Texas | Totals [1]")  # no cell: a fragment
    assert not problems("The FISMA defines three objectives: Confidentiality; Integrity. [2]")


def test_answers_on_the_shared_pdfs_are_whole_sentences(
    shared_pdfs_ingested, tmp_path, real_embedder
) -> None:  # type: ignore[no-untyped-def]
    from rag.engine import Engine
    from rag.settings import load_settings
    from tests.conftest import copy_of_index

    index = copy_of_index(shared_pdfs_ingested[0], tmp_path)
    engine = Engine(load_settings(index_dir=index, auto_ingest_demo=False), embedder=real_embedder)
    bad = {}
    answered = 0
    for q in QUESTIONS.splitlines():
        out = engine.ask(q).to_json()
        answered += not out["refused"]
        if problems(out["answer"]):
            bad[q] = (out["answer"], problems(out["answer"]))
    assert not bad, bad
    assert answered >= len(QUESTIONS.splitlines()) // 2
