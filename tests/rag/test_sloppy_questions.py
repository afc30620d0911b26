"""Questions typed the way people type them get the answer their clean form gets, on the demo
corpus with the real model and no key: typos, greetings and thanks, "give me ...", a long
message with the question in the middle. A question in another language is refused, never
answered with a confident wrong quote."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

SLOPPY = [
    ("hotle limit in londn", "320 dollars"),
    ("daily meal alowance?", "75 dollars"),
    ("how long must pasword be", "14 characters"),
    ("waht are the core hours", "10:00 to 15:00"),
    ("how much weigth can the carier r2 carry", "600 kilograms"),
    ("what is the montly limit of the corprate credit card", "5,000"),
    ("give me the daily meal allowance pls", "75 dollars"),
    ("Give me the support phone number.", "555 0142"),
    (
        "Good morning! Could you kindly tell me within how many days expenses must be claimed?",
        "30 days",
    ),
    (
        "So I'm going on a business trip next month and my manager said I should check the "
        "policy first, anyway what is the nightly hotel limit in London, because I found a nice "
        "place near the office but it might be too pricey for us",
        "320 dollars",
    ),
]


@pytest.mark.parametrize(("question", "gold"), SLOPPY, ids=[q[:40] for q, _ in SLOPPY])
def test_a_sloppy_question_is_answered_like_its_clean_form(demo_engine, question, gold) -> None:  # type: ignore[no-untyped-def]
    ans = demo_engine.ask(question)
    assert not ans.refused and gold in ans.answer, ans.answer


@pytest.mark.parametrize(
    "question",
    [
        "How long is the sabatical leave?",  # misspelt, but no word of the documents'
        "What is the nightly hotel limit in Bostn?",
        "Wie hoch ist das Hotellimit pro Nacht in London?",
        "Quelle est la limite d'hôtel par nuit à Londres ?",
        "¿Cuántos días de vacaciones tienen los empleados a tiempo completo?",
    ],
)
def test_what_the_documents_cannot_answer_is_still_refused(demo_engine, question) -> None:  # type: ignore[no-untyped-def]
    assert demo_engine.ask(question).refused
