"""AppTest: "Ask within" above the chat box limits a question's sources to the picked
documents; empty means every document."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import ask, page_text

pytestmark = pytest.mark.integration

QUESTION = "What is the nightly hotel limit in London?"


def test_ask_within_limits_the_sources(new_app: Callable[[], AppTest], app_index: Path) -> None:
    at = new_app()
    within = at.multiselect(key="ask_within")
    assert within.label == "Ask within" and within.value == []
    names = set(within.options)
    assert "employee-handbook.md" in names and "travel-and-expense-policy.pdf" in names
    ask(at, QUESTION)
    assert "travel-and-expense-policy.pdf" in {
        s.source for s in at.session_state.turns[-1].answers[0].sources
    }
    with sqlite3.connect(app_index / "state" / "documents" / "manifest.sqlite3") as db:
        (handbook,) = db.execute(
            "SELECT doc_id FROM documents WHERE name = 'employee-handbook.md'"
        ).fetchone()
    at.multiselect(key="ask_within").set_value([handbook]).run()
    ask(at, QUESTION)
    sources = at.session_state.turns[-1].answers[0].sources
    assert sources and {s.source for s in sources} == {"employee-handbook.md"}


def test_every_document_picked_is_said_as_all(new_app: Callable[[], AppTest]) -> None:
    """A walk's "Select all" put all seven names under every answer ("Searched within:
    FIPS199.pdf, employee-handbook.md, ...")."""
    at = new_app()
    within = at.multiselect(key="ask_within")
    within.set_value(list(within.options)).run()
    ask(at, QUESTION)
    turn = at.session_state.turns[-1]
    assert turn.within == [] and "320 dollars" in turn.answers[0].answer
    assert "Searched within" not in page_text(at)
