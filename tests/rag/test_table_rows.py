"""Questions about a table row, no key, real files (Word, PowerPoint, Excel, Markdown, CSV)
ingested with the demo corpus: the row named by its key and a column answers, cut to those
cells; near misses (a key or a column the tables lack, a key and a column of different
rows) are refused. Before: the handbook's learning budget, a café menu sentence, a CSV row
of another person, or a refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import demo_engine_for

pytestmark = pytest.mark.integration


def _write_files(d: Path) -> None:
    from docx import Document
    from openpyxl import Workbook
    from pptx import Presentation
    from pptx.util import Inches

    doc = Document()
    doc.add_heading("Equipment budget", 1)
    doc.add_paragraph("Each engineer may spend on equipment according to the table below.")
    tbl = doc.add_table(rows=1, cols=3)
    for c, h in zip(tbl.rows[0].cells, ["Item", "Budget (EUR)", "Approval"], strict=True):
        c.text = h
    for row in [("Monitor", "450", "Team lead"), ("Standing desk", "700", "Facilities")]:
        for c, v in zip(tbl.add_row().cells, row, strict=True):
            c.text = v
    doc.save(d / "onboarding-guide.docx")
    prs = Presentation()
    s = prs.slides.add_slide(prs.slide_layouts[5])
    s.shapes.title.text = "Top products"
    t = s.shapes.add_table(3, 2, Inches(1), Inches(2), Inches(6), Inches(2)).table
    for r, (a, b) in enumerate(
        [("Product", "Units sold"), ("Chai tea", "3,400"), ("Aniseed syrup", "1,150")]
    ):
        t.cell(r, 0).text, t.cell(r, 1).text = a, b
    prs.save(d / "q3-sales-review.pptx")
    wb = Workbook()
    ws = wb.active
    ws.title = "Staff"
    ws.append(["Name", "Department", "Office", "Start date"])
    ws.append(["Kenji Sato", "Engineering", "Osaka", "2019-11-15"])
    ws.append(["Aisha Bello", "Legal", "Lagos", "2022-06-20"])
    ws2 = wb.create_sheet("Offices")
    ws2.append(["Office", "Country", "Headcount"])
    for r in [("Osaka", "Japan", 17), ("Lagos", "Nigeria", 23)]:
        ws2.append(r)
    wb.save(d / "staff-directory.xlsx")
    (d / "release-notes.md").write_text(
        "# Release notes for Falcon 2.4\n\n- **Dark mode** is now available on all dashboards."
        "\n\n| Component | Version |\n|---|---|\n| API | 2.4.0 |\n| Web client | 2.4.1 |\n"
    )
    (d / "expense-claims.csv").write_text(
        "Claim ID;Employee;Amount;Status\n1002;Kenji Sato;1240.00;Pending\n"
        "1003;Aisha Bello;310.20;Rejected\n"
    )
    (d / "cafe-menu.txt").write_text(
        "The chef says our pina colada is the best in town and it costs 4 euros.\n"
    )


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, real_embedder):  # type: ignore[no-untyped-def]
    return demo_engine_for(tmp_path_factory, real_embedder, _write_files)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("How much is the budget for a standing desk?", "Standing desk | Budget (EUR): 700"),
        ("How many units of Chai tea were sold?", "Chai tea | Units sold: 3,400"),
        ("Which office does Kenji Sato work in?", "Kenji Sato | Office: Osaka"),
        ("What is the headcount of the Lagos office?", "Lagos | Headcount: 23"),
        ("What version is the Web client in Falcon 2.4?", "Web client | Version: 2.4.1"),
        ("What is the amount of Kenji Sato's expense claim?", "Claim ID 1002 | Amount: 1240.00"),
        # a column named by what the question asks for, not by its header's words
        ("How much can I spend on a standing desk?", "Standing desk | Budget (EUR): 700"),
        ("Where does Kenji Sato work?", "Kenji Sato | Office: Osaka"),
        ("When did Aisha Bello start?", "Aisha Bello | Start date: 2022-06-20"),
        ("How many people work in the Lagos office?", "Lagos | Headcount: 23"),
    ],
)
def test_the_named_row_answers(engine, question: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    ans = engine.ask(question)
    assert not ans.refused and ans.answer.startswith(answer + " ["), ans.answer


@pytest.mark.parametrize(
    "question",
    [
        "What is the budget for a treadmill desk?",
        "What is the warranty of the standing desk?",
        "What is the headcount of Kenji Sato?",
        "How many units of green tea were sold?",
        "What was the budget for a standing desk in 2019?",
        "How much does a treadmill desk cost?",  # part of a key, a column by what it asks
        "How much are the standing desk mats?",  # a key in front of what is asked about
    ],
)
def test_what_no_row_says_is_refused(engine, question: str) -> None:  # type: ignore[no-untyped-def]
    ans = engine.ask(question)
    assert ans.refused, ans.answer
