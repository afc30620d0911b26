"""Extractive ``ask --json`` answers on the real PDFs quote whole sentences, not furniture.

Issue 14: 9 of 60 answers quoted a running header and a rule of underscores, and sentences
were cut at abbreviations ("U.S. DEPARTMENT OF COMMERCE Donald L. [1]"). Whatever an answer
says, each sentence it quotes must be a whole sentence of the document: no page furniture,
no heading or title on its own, no sentence cut at an abbreviation or a page boundary.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ingest.conftest import require_real_pdfs
from tests.ingest.test_real_pdfs import RUNNING_LINES
from text import citations
from text.sentences import NEVER_FINAL, is_heading_line, is_title, sentences

pytestmark = pytest.mark.integration

QUESTIONS = [
    "What are the three security objectives defined in FIPS 199?",
    "What is the potential impact level when the loss of confidentiality has a severe effect?",
    "Who was the Secretary of the U.S. Department of Commerce when FIPS 199 was published?",
    "What are the minimum security requirements in FIPS 200?",
    "What does FIPS 200 require for incident response?",
    "What is a Framework Profile?",
    "What are the Framework Implementation Tiers?",
    "What airplane model does the proposed airworthiness directive apply to?",
    "What happened to Lion Air Flight 610?",
    "What is the estimated cost of the proposed AD on U.S. operators?",
    "How many permit checks were there in Texas?",
    "What do the NICS firearm background check statistics represent?",
    "Who argued on behalf of the Respondent?",
    "How much was paid to the payee on the Senate expenditure document?",
]
_FURNITURE = [line for lines in RUNNING_LINES.values() for line in lines]
_END = re.compile(r"([.!?…:;][\"'”’)\]]*|\d)$")
_TRAILING_BRACKETS = re.compile(r"(\s*\[[^\[\]]{1,80}\])+$")


def problems(sentence: str) -> list[str]:
    """Why ``sentence`` (citation markers removed) is not a whole quotable sentence."""
    out = []
    flat = " ".join(sentence.split())
    if any(line in flat for line in _FURNITURE) or re.search(r"_{5,}", flat):
        out.append("page furniture")
    if len(flat.split()) < 4 or is_heading_line(flat) or is_title(flat):
        out.append("a heading or title alone")
    body = _TRAILING_BRACKETS.sub("", flat)  # "availability. [FIPS Publication 199]"
    last = body.rstrip(".").rsplit(" ", 1)[-1].lower()
    if not _END.search(body) or flat[:1].islower():
        out.append("cut (no end punctuation, or starts mid-sentence)")
    elif body.endswith(".") and (last in NEVER_FINAL or re.fullmatch(r"[a-z]", last)):
        out.append("cut at an abbreviation")
    return out


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("U.S. DEPARTMENT OF COMMERCE Donald L.", "cut at an abbreviation"),
        ("The term means proprietary information...\u201d [44 U.S.C., Sec.", "cut"),
        ("accident after takeoff from Soekarno-", "cut"),
        ("Security Objectives", "a heading or title alone"),
        (
            "FIPS Publication 199 Standards for Security Categorization of Federal Information "
            "and Information Systems ____ FOREWORD The Federal Information Processing Standards "
            "Publication Series is the official series.",
            "page furniture",
        ),
    ],
)
def test_the_check_catches_what_the_issue_saw(sentence: str, why: str) -> None:
    assert any(p.startswith(why) for p in problems(sentence)), problems(sentence)


def test_the_check_passes_whole_sentences() -> None:
    for ok in (
        "SECURITY OBJECTIVE: Confidentiality, integrity, or availability. [FIPS Publication 199]",
        "The agency estimates the following costs to comply with this proposed AD:",
        "Texas | Permit: 21,550 | Handgun: 56,941 | Totals: 146,982",
        "The term means proprietary information...\u201d [44 U.S.C., Sec. 3542]",
    ):
        assert problems(ok) == [], ok


@pytest.fixture(scope="module")
def answers(
    tmp_path_factory: pytest.TempPathFactory, shared_pdfs_ingested: tuple[Path, list[dict]]
) -> Iterator[list[dict[str, object]]]:
    """``rag ask --json --batch`` the questions, in-process, over the shared PDFs that ``rag
    ingest`` read (once a session: :func:`tests.conftest.shared_pdfs_ingested`)."""
    require_real_pdfs()
    from rag.cli import main
    from tests.conftest import copy_of_index

    tmp = tmp_path_factory.mktemp("real-answers")
    (tmp / "questions.txt").write_text("\n".join(QUESTIONS) + "\n")
    index = copy_of_index(shared_pdfs_ingested[0], tmp)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAG_INDEX_DIR", str(index))
        mp.delenv("APP_ENV", raising=False)
        mp.chdir(tmp)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            args = ["ask", "--json", "--no-sentiment", "--batch", str(tmp / "questions.txt")]
            assert main(args) == 0
    yield [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_answers_quote_whole_sentences_only(answers: list[dict[str, object]]) -> None:
    assert [a["question"] for a in answers] == QUESTIONS
    answered = [a for a in answers if not a["refused"]]
    assert len(answered) >= len(QUESTIONS) // 2, "most questions have an answer in the PDFs"
    bad = []
    for a in answered:
        for s in sentences(str(a["answer"])):
            plain = citations.strip(s)
            if plain and (why := problems(plain)):
                bad.append(f"{a['question']!r}: {plain!r}: {', '.join(why)}")
    assert not bad, "\n".join(bad)


def test_answers_cite_their_sources(answers: list[dict[str, object]]) -> None:
    for a in answers:
        if not a["refused"]:
            assert a["cited"] and a["cited"] == citations.cited_in(str(a["answer"])), a


def test_the_issue_example_is_answered_from_fips_199(answers: list[dict[str, object]]) -> None:
    first = answers[0]
    assert not first["refused"]
    text = str(first["answer"]).lower()
    assert all(w in text for w in ("confidentiality", "integrity", "availability"))
