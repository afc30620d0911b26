"""An instruction read as the question it asks (text/asking.py)."""

from __future__ import annotations

import pytest

from text.asking import as_question


@pytest.mark.parametrize(
    ("request_", "question"),
    [
        ("Tell me about the warranty.", "What is the warranty?"),
        ("Please explain the warranty", "What is the warranty?"),
        ("Could you describe the parental leave policy?", "What is the parental leave policy?"),
        ("Give me details on the hotel limits.", "What are the hotel limits?"),
        ("I'd like to know more about parental leave.", "What is parental leave?"),
        ("Explain how expenses are claimed.", "How expenses are claimed?"),
        # questions and list requests stay as they are
        ("What is the warranty?", "What is the warranty?"),
        (
            "Name the five Functions that make up the Framework Core.",
            "Name the five Functions that make up the Framework Core.",
        ),
        ("List the steps.", "List the steps."),
    ],
)
def test_an_instruction_is_read_as_its_question(request_: str, question: str) -> None:
    assert as_question(request_) == question
