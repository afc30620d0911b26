"""Two questions in one, on the demo corpus with the real embedder (a newcomer's walk:
"What is the daily meal allowance and are taxis reimbursed?" was answered in its first part
only, and a question whose second part the documents do not answer was refused whole)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.integration


def test_each_part_is_answered_in_the_order_asked(demo_engine: Any) -> None:
    a = demo_engine.ask("What is the daily meal allowance and are taxis reimbursed?")
    assert not a.refused
    meal, taxis = a.answer.split("\n\n")
    assert meal.startswith("The daily meal allowance is 75 dollars") and meal.endswith("]")
    assert taxis.startswith("Yes. Taxis and ride-hailing are reimbursed") and taxis.endswith("]")
    assert a.cited and all(s.source == "travel-and-expense-policy.pdf" for s in a.sources[:1])


def test_a_part_the_documents_do_not_answer_is_said_not_guessed(demo_engine: Any) -> None:
    a = demo_engine.ask(
        "What is the daily meal allowance and is parking at the airport reimbursed?"
    )
    assert not a.refused
    meal, parking = a.answer.split("\n\n")
    assert meal.startswith("The daily meal allowance is 75 dollars")
    assert parking.startswith(
        "The documents do not answer “Is parking at the airport reimbursed?” The passages"
    )
    assert "parking" in parking and "[" not in parking  # nothing quoted for it


def test_the_order_asked_is_kept(demo_engine: Any) -> None:
    a = demo_engine.ask(
        "How many vacation days do full-time employees get and how many can be carried over?"
    )
    days, carried = a.answer.split("\n\n")
    assert "25 days" in days and "carried over" in carried


def test_nothing_answered_stays_one_refusal(demo_engine: Any) -> None:
    a = demo_engine.ask("Who is the CEO of Northwind and what is the company's stock price?")
    assert a.refused and "\n\n" not in a.answer
