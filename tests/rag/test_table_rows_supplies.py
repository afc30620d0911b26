"""A price table uploaded beside the demo corpus (supplies-2026.docx: Item | Unit | Price (USD),
no text around it), asked in the words people use: "How much does an ergonomic chair cost?"
names the "Price (USD)" column by what it asks for. Before: "The Carrier R2 costs 38,000 US
dollars per unit ..." from the product FAQ, though the chair's row was source [1]; and "How
much are the standing desk mats?" (no such row) was answered "Whiteboard markers | Unit: pack
of 12 | Price (USD): 11.50", the one row holding two figures, hence the only quotable one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import demo_engine_for

pytestmark = pytest.mark.integration

ROWS = [
    ("Ergonomic chair", "each", "349.00"),
    ("Whiteboard markers", "pack of 12", "11.50"),
    ("Standing desk", "each", "589.00"),
]


def _write_supplies(d: Path) -> None:
    from docx import Document

    doc = Document()
    tbl = doc.add_table(rows=1, cols=3)
    for c, h in zip(tbl.rows[0].cells, ["Item", "Unit", "Price (USD)"], strict=True):
        c.text = h
    for row in ROWS:
        for c, v in zip(tbl.add_row().cells, row, strict=True):
            c.text = v
    doc.save(d / "supplies-2026.docx")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, real_embedder):  # type: ignore[no-untyped-def]
    return demo_engine_for(tmp_path_factory, real_embedder, _write_supplies)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("How much does an ergonomic chair cost?", "Ergonomic chair | Price (USD): 349.00"),
        ("What does the ergonomic chair cost?", "Ergonomic chair | Price (USD): 349.00"),
        ("ergonomic chair price", "Ergonomic chair | Price (USD): 349.00"),
        ("How much is a standing desk?", "Standing desk | Price (USD): 589.00"),
        ("How much do whiteboard markers cost?", "Whiteboard markers | Price (USD): 11.50"),
        ("What is the price of the standing desk?", "Standing desk | Price (USD): 589.00"),
    ],
)
def test_a_cost_question_is_answered_by_the_rows_price(engine, question: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    ans = engine.ask(question)
    assert not ans.refused and ans.answer.startswith(answer + " ["), ans.answer


@pytest.mark.parametrize(
    "question",
    [
        "How much are the standing desk mats?",
        "How much do standing desk mats cost?",
        "What does an ergonomic chair cushion cost?",
        "What does a mat for the standing desk cost?",
    ],
)
def test_a_thing_no_row_is_about_gets_no_row(engine, question: str) -> None:  # type: ignore[no-untyped-def]
    ans = engine.ask(question)
    assert not any(key in ans.answer for key, _, _ in ROWS), ans.answer
    assert ans.refused, ans.answer
