"""The core slice end to end: real MiniLM, real Chroma, real PDFs, the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration

EXPECTED_PAGES = {
    "FIPS199.pdf": 13,
    "FIPS200.pdf": 17,
    "NIST.CSWP.04162018.pdf": 55,
    "federal-register-2020-17221.pdf": 15,
    "nics-background-checks-2015-11.pdf": 1,
    "senate-expenditures.pdf": 1,
    "scotus-transcript-p1.pdf": 1,
}


def _cli(*args: str, index: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RAG_INDEX_DIR": str(index), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "rag", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        input=stdin,
        timeout=600,
    )


@pytest.fixture(scope="module")
def pdf_index(
    shared_pdfs_ingested: tuple[Path, list[dict]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[dict]]:
    """The shared PDFs and two bad files ingested by the CLI (once a session), on a copy of
    this module's own: one test removes a document."""
    from tests.conftest import copy_of_index

    index, rows = shared_pdfs_ingested
    return copy_of_index(index, tmp_path_factory.mktemp("core-real")), rows


def test_pdfs_report_the_right_page_counts(pdf_index: tuple[Path, list[dict]]) -> None:
    _, rows = pdf_index
    by_name = {Path(r["path"]).name: r for r in rows}
    for name, pages in EXPECTED_PAGES.items():
        r = by_name[name]
        assert r["pages"] == pages, r
        # ... but every real PDF ingested, the near-empty transcript included
        assert r["status"] == "added" and r["chunks"] >= 1, r
    assert by_name["empty.txt"]["status"] == "failed" and "empty" in by_name["empty.txt"]["error"]
    assert by_name["corrupt.pdf"]["status"] == "failed"
    assert set(rows[0]) >= {"path", "status", "doc_id", "pages", "chunks", "error"}


def test_reingest_is_a_no_op_and_docs_lists_them(pdf_index: tuple[Path, list[dict]]) -> None:
    from tests.conftest import SHARED_PDFS

    index, _ = pdf_index
    again = _cli("ingest", str(SHARED_PDFS / "FIPS199.pdf"), "--json", index=index)
    assert json.loads(again.stdout)["status"] == "unchanged"
    docs = json.loads(_cli("docs", "--json", index=index).stdout)
    assert {d["name"] for d in docs} == set(EXPECTED_PAGES)
    current = _cli("reindex", index=index)
    assert current.returncode == 0 and "all 7 documents are read by this reader" in current.stderr


def test_ask_cites_file_and_page(pdf_index: tuple[Path, list[dict]]) -> None:
    index, _ = pdf_index
    proc = _cli(
        "ask", "What are the three security objectives defined by FISMA?", "--json", index=index
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) >= {"question", "answer", "refused", "provider", "sources"}
    assert out["provider"] == "extractive" and not out["refused"]
    src = out["sources"][0]
    assert set(src) >= {"n", "source", "page", "text", "score"}
    assert any(s["source"].startswith("FIPS") for s in out["sources"][:3])
    assert all(isinstance(s["page"], int) and s["page"] >= 1 for s in out["sources"])
    assert "[" in out["answer"]


def test_questions_about_whole_documents(pdf_index: tuple[Path, list[dict]]) -> None:
    """A document's date is on its cover and its purpose in its first section: no sentence
    matches "When was FIPS 200 published?" or "What is FIPS 199 about?" the usual way."""
    index, _ = pdf_index
    batch = (
        "When was FIPS 200 published?\nWhat is FIPS 199 about?\nWhat are these documents about?\n"
    )
    proc = _cli("ask", "--batch", "-", index=index, stdin=batch)
    dated, about, every = [json.loads(x) for x in proc.stdout.splitlines()]
    assert dated["answer"] == "FIPS200.pdf is dated March 2006. [1]"
    assert dated["sources"][0]["source"] == "FIPS200.pdf" and dated["sources"][0]["page"] == 1
    assert about["answer"].startswith("FIPS Publication 199 addresses the first task cited")
    lines = every["answer"].split("\n")
    assert sorted(line.split(": ")[0] for line in lines) == sorted(EXPECTED_PAGES), every["answer"]
    # FIPS 199's and 200's purpose sections open with the same sentence: each says what it is
    said = dict(line.split(": ", 1) for line in lines)
    assert said["FIPS199.pdf"].startswith("FIPS Publication 199 addresses"), every["answer"]
    assert said["FIPS200.pdf"].startswith("FIPS Publication 200, the second"), every["answer"]
    assert not any(x["refused"] for x in (dated, about, every))


def test_a_follow_up_about_it_means_the_document_just_discussed(
    pdf_index: tuple[Path, list[dict]], tmp_path: Path
) -> None:
    """ "Summarize it." after a question about FIPS 199 is about FIPS 199 (whose name FIPS 200
    shares a word with), not every document or a stray passage."""
    index, _ = pdf_index
    history = tmp_path / "history.json"
    history.write_text(
        json.dumps(
            [
                {"role": "user", "content": "What does FIPS 199 say about availability?"},
                {"role": "assistant", "content": "A loss of availability is ... [1]"},
            ]
        )
    )
    for question, starts in (
        ("Summarize it.", "FIPS Publication 199 addresses"),
        ("When was it published?", "FIPS199.pdf is dated February 2004."),
    ):
        proc = _cli("ask", question, "--history", str(history), "--json", index=index)
        out = json.loads(proc.stdout)
        assert out["answer"].startswith(starts), out["answer"]
        assert {s["source"] for s in out["sources"][:2]} == {"FIPS199.pdf"}
    # "these documents" points at no one document: every one, the conversation or not
    proc = _cli(
        "ask", "What are these documents about?", "--history", str(history), "--json", index=index
    )
    every = json.loads(proc.stdout)["answer"].split("\n")
    assert sorted(line.split(": ")[0] for line in every) == sorted(EXPECTED_PAGES), every


def test_batch_questions_and_remove(pdf_index: tuple[Path, list[dict]]) -> None:
    index, _ = pdf_index
    batch = '{"question": "What is a security category?"}\nWho signed the Federal Register rule?\n'
    proc = _cli("ask", "--batch", "-", index=index, stdin=batch)
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [x["question"] for x in lines] == [
        "What is a security category?",
        "Who signed the Federal Register rule?",
    ]
    rm = _cli("remove", "scotus-transcript-p1.pdf", "--json", index=index)
    assert json.loads(rm.stdout)["status"] == "removed"
    docs = json.loads(_cli("docs", "--json", index=index).stdout)
    assert "scotus-transcript-p1.pdf" not in {d["name"] for d in docs}


def test_demo_questions_with_the_real_model(tmp_path: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    from rag.engine import Engine
    from rag.settings import load_settings

    engine = Engine(
        load_settings(index_dir=tmp_path, demo_dir=ROOT / "data" / "demo"), embedder=real_embedder
    )
    engine.ensure_demo()
    cases = [
        ("How many vacation days do employees get per year?", "25 days", "employee-handbook.md", 1),
        ("What is the hotel limit per night in London?", "320", "travel-and-expense-policy.pdf", 2),
        ("What is the battery life of the Carrier R2?", "10 hours", "product-faq.html", 1),
        ("How much is the learning budget?", "1,500", "employee-handbook.md", 1),
        (
            "How many days after the trip can expenses be claimed?",
            "30 days",
            "travel-and-expense-policy.pdf",
            3,
        ),
    ]
    for question, fact, source, page in cases:
        ans = engine.ask(question)
        assert not ans.refused, question
        assert fact in ans.answer, (question, ans.answer)
        assert (
            "[1]" in ans.answer and len(ans.answer.split("[")[0].split()) >= 4
        )  # no bare headings
        cited = [s for s in ans.sources if s.n in ans.cited]
        assert any(s.source == source and s.page == page for s in cited), (question, cited)
    off_topic = engine.ask("What is the boiling point of liquid nitrogen on Jupiter's moons?")
    assert off_topic.refused, off_topic.answer


def test_a_tables_row_total_answers_a_count_that_names_only_the_row(
    pdf_index: tuple[Path, list[dict]],
) -> None:
    """ "background checks" is the NICS table's name, in no cell: the question asks Texas's
    total (refused before: the model never saw a table)."""
    index, _ = pdf_index
    batch = "How many background checks in Texas?\nHow many handgun checks were there in Texas?\n"
    proc = _cli("ask", "--batch", "-", index=index, stdin=batch)
    total, handgun = [json.loads(x) for x in proc.stdout.splitlines()]
    assert total["answer"].startswith("Texas | Totals: 146,982 ["), total["answer"]
    assert handgun["answer"].startswith("Texas | Handgun: 56,941 ["), handgun["answer"]
