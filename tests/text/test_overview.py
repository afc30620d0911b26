"""Questions about a whole document, and where a document says what it is about."""

from __future__ import annotations

import pytest

from text.overview import overview_subject, summary_start


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Summarize the travel policy.", "travel policy"),
        ("Can you summarise FIPS 200?", "FIPS 200"),
        ("What is the employee handbook about?", "employee handbook"),
        ("What's in the release notes?", "release notes"),
        (
            "Give me a short overview of the NIST Cybersecurity Framework",
            "NIST Cybersecurity Framework",
        ),
        ("What does the product FAQ cover?", "product FAQ"),
        ("What is the purpose of FIPS 199?", "FIPS 199"),
        ("What are these documents about?", ""),
        ("Summarize all of my files", ""),
        ("What is this document about?", ""),
    ],
)
def test_an_overview_question_names_what_it_is_about(question: str, subject: str) -> None:
    assert overview_subject(question) == subject


@pytest.mark.parametrize(
    "question",
    [
        "How many vacation days do full-time employees get?",
        "What is the nightly hotel limit?",
        "What does the Carrier R2 robot do?",  # a definition, not an overview
        "What are the three security objectives?",
    ],
)
def test_other_questions_are_not_overviews(question: str) -> None:
    assert overview_subject(question) is None


def test_the_summary_starts_under_its_heading_or_after_its_label() -> None:
    text = "FOREWORD\nBoilerplate.\n1 PURPOSE\nThe E-Government Act of 2002 ..."
    assert text[summary_start(text) or 0 :].lstrip().startswith("The E-Government Act")
    label = "ACTION: Notice.\nSUMMARY: The FAA proposes to supersede AD 2018-23-51."
    assert label[summary_start(label) or 0 :].startswith("The FAA proposes")
    # a contents line names the section without starting it
    assert summary_start("TABLE OF CONTENTS\nSECTION 1 PURPOSE 1\nSECTION 2 SCOPE 2") is None
