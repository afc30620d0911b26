"""A list answer is shown as a list: "Action items: A; B; C. [1]" and a guide's section
"Your first week: 1. Day 1: ... 2. ..." were one long paragraph on the page."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from tests.fakes.servers import FakeOpenAI, Reply
from tests.ui.conftest import ask, use_openai
from ui.listing import answer_markdown, list_items

ITEMS = (
    "Action items: Sign the contract | Owner: Rachel Mendes; Obtain three quotes | Owner: Tom "
    "Beasley; Draft the plan | Owner: Rachel Mendes. [1]"
)


def test_a_semicolon_list_is_bulleted_with_its_citation_on_the_last_item() -> None:
    assert answer_markdown(ITEMS) == (
        "Action items:\n\n- Sign the contract \\| Owner\\: Rachel Mendes\n"
        "- Obtain three quotes \\| Owner\\: Tom Beasley\n"
        "- Draft the plan \\| Owner\\: Rachel Mendes \\[1\\]"
    )


def test_numbered_and_dashed_sections_keep_their_own_marks() -> None:
    week = "Your first week: 1. Day 1: Meet your manager. 2. Day 2: Shadow an officer. 3. Days 3-5: Learn. [2]"
    assert list_items(week) == (
        "Your first week",
        ["Day 1: Meet your manager.", "Day 2: Shadow an officer.", "Days 3-5: Learn."],
        True,
        "[2]",
    )
    before = "Before day one: - Bring photo ID. - Send your bank details. - Park in Elm Street. [2]"
    listed = list_items(before)
    assert listed is not None and listed[1][2] == "Park in Elm Street." and not listed[2]


def test_prose_stays_prose() -> None:
    for text in (
        "Payment terms: 50% deposit on acceptance, balance within 30 days. [1]",
        "Objectives: confidentiality; integrity. [1]",  # two items read well as they are
        "Objectives: confidentiality; integrity; availability. [1] Another thing. [2]",
        "Kwame is our move coordinator - please send him any questions. [1]",
        "1. Day 1: Meet your manager. 3. Day 3: Learn. 4. Day 4: Work. [1]",
    ):
        assert list_items(text) is None
    assert answer_markdown("Fees are 20 dollars. [1]") == "Fees are 20 dollars\\. \\[1\\]"


def test_the_page_shows_a_list_answer_as_bullets(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(Reply(text=ITEMS))
    at = ask(use_openai(new_app()), "What are the action items?")
    assert not at.exception
    shown = [str(m.value) for m in at.markdown if "Action items" in str(m.value)]
    assert shown and "\n- Obtain three quotes" in shown[0] and "[**\\[1\\]**]" in shown[0]
