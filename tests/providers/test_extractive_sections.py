"""A question that names a section is answered by what stands under its heading."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.base import Message, Request, Source
from providers.extractive_lists import Piece
from providers.extractive_provider import ExtractiveProvider, RefusalModel
from providers.extractive_sections import headed, section_answer
from tests.conftest import ROOT, FakeEmbedder

NOTES = (Path(ROOT) / "data" / "demo" / "release-notes.txt").read_text()


def _src(text: str = NOTES, chunk: str = "notes:0") -> Source:
    return Source(1, "release-notes.txt", None, text, chunk_id=chunk)


@pytest.mark.parametrize(
    ("question", "starts"),
    [
        ("What changed in version 4.2?", "Version 4.2 (September 2026): The route planner"),
        ("When was version 4.1 released?", "Version 4.1 (June 2026): Added support"),
        ("What is new in Northwind Fleet 4.0?", "Version 4.0 (March 2026): Northwind Fleet"),
        ("What is new in the latest release?", "Version 4.2 (September 2026): The route"),
    ],
)
def test_the_section_a_question_names_answers_it_headed(question: str, starts: str) -> None:
    piece = section_answer(question, [_src()])
    assert piece is not None and piece.text.startswith(starts) and piece.cites == (1,)
    # the section ends at the next heading: 4.2's answer says nothing of 4.1
    assert "Version" not in piece.text[len("Version 4.x") :]


@pytest.mark.parametrize(
    "question",
    [
        "What was removed in version 4.2?",  # "removed" is in no heading
        "What changed in version 4.3?",  # no such heading
        "What changed in version 2.4?",  # the same digits, another version
        "What is Northwind Fleet?",  # the document's title is no section
        "How many vacation days do employees get?",
    ],
)
def test_a_question_that_names_no_single_heading_is_left_to_the_usual_answer(
    question: str,
) -> None:
    assert section_answer(question, [_src()]) is None


def test_a_title_cased_heading_of_a_policy_is_a_section_too() -> None:
    text = (
        "Employee handbook\n\nWorking Hours\nCore hours are 10:00 to 15:00. Fridays are "
        "meeting-free.\n\nParental Leave\nParents get 16 weeks of paid leave."
    )
    piece = section_answer("What does the handbook say about working hours?", [_src(text)])
    assert piece is not None
    assert piece.text == "Working Hours: Core hours are 10:00 to 15:00. Fridays are meeting-free."


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (
            "Which release added single sign-on?",
            "Version 4.0 (March 2026): Single sign-on with Okta and Microsoft Entra ID is now "
            "available.",
        ),
        (
            "Which release made battery reports exportable?",
            "Version 4.2 (September 2026): Battery reports can be exported as CSV.",
        ),
    ],
)
def test_which_release_is_the_heading_of_the_sentence_that_holds_the_rest(
    question: str, answer: str
) -> None:
    piece = section_answer(question, [_src()])
    assert piece is not None and piece.text == answer
    assert section_answer("Which version added Google sign-in?", [_src()]) is None


def test_a_quote_from_a_section_is_headed_when_the_question_asks_what_only_the_heading_says() -> (
    None
):
    r2 = Piece("Added support for the Carrier R2 lift attachment.", (1,))
    (which,) = headed("Which version of Northwind Fleet added the R2 lift?", [r2], [_src()])
    assert which.text == "Version 4.1 (June 2026): " + r2.text
    (when,) = headed("When was the R2 lift attachment supported?", [r2], [_src()])
    assert when.text.startswith("Version 4.1 (June 2026): ")
    # the sentence says all the question asks: quoted as it is
    (plain,) = headed("What lift attachment is supported?", [r2], [_src()])
    assert plain == r2
    # already headed: not twice
    done = section_answer("What changed in version 4.0?", [_src()])
    assert done is not None
    assert headed("What changed in version 4.0?", [done], [_src()]) == [done]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (
            "When did single sign-on become available?",
            "Version 4.0 (March 2026): Single sign-on with Okta and Microsoft Entra ID is now "
            "available.",
        ),
        (
            "When was single sign-on added?",
            "Version 4.0 (March 2026): Single sign-on with Okta and Microsoft Entra ID is now "
            "available.",
        ),
        (
            "In which year did Northwind Fleet move to a new map engine?",
            "Version 4.0 (March 2026): Northwind Fleet moved to a new map engine that loads "
            "warehouse maps of up to 50,000 square metres in under three seconds.",
        ),
    ],
)
def test_a_when_question_is_answered_by_the_sentence_under_its_dated_heading(
    question: str, answer: str
) -> None:
    """The date is the heading's: the sentence alone ("... is now available.") says nothing
    of when, and was refused (P 0.27)."""
    piece = section_answer(question, [_src()])
    assert piece is not None and piece.text == answer and piece.cites == (1,)


@pytest.mark.parametrize(
    "question",
    [
        "When was single sign-on removed?",  # "removed": no sentence says it
        "When did the route planner get faster?",  # "faster": in no sentence
        "When do employees get paid?",
    ],
)
def test_a_when_question_no_dated_section_holds_is_left_to_the_usual_answer(
    question: str,
) -> None:
    assert section_answer(question, [_src()]) is None


def test_since_when_heads_the_quoted_sentence_with_its_dated_heading() -> None:
    pieces = [Piece("Battery reports can be exported as CSV.", (1,))]
    out = headed("Since when can battery reports be exported as CSV?", pieces, [_src()])
    assert out[0].text == "Version 4.2 (September 2026): Battery reports can be exported as CSV."


HANDBOOK = (
    "Employee handbook\n\nWorking hours\n\nCore hours are 10:00 to 15:00. Fridays are "
    "meeting-free.\n\nRemote work\n\nEmployees may work remotely up to three days per week. "
    "Fully remote arrangements need written approval.\n\nSecurity basics\n\nAll laptops use "
    "full-disk encryption."
)


@pytest.mark.parametrize(
    "question",
    [
        "What are the remote work rules?",
        "What is the remote work policy?",
        "What does the handbook say about remote work?",
    ],
)
def test_a_sentence_case_heading_that_stands_as_its_own_paragraph_is_a_section(
    question: str,
) -> None:
    """Markdown and Word headings are ingested as lines between blank lines, often in
    sentence case ("Remote work"): "What are the remote work rules?" was refused (P 0.35)."""
    piece = section_answer(question, [_src(HANDBOOK)], loose=True)
    assert piece is not None
    assert piece.text == (
        "Remote work: Employees may work remotely up to three days per week. Fully remote "
        "arrangements need written approval."
    )


def test_a_heading_with_a_generic_word_is_named_by_its_topic() -> None:
    """ "Security basics" is what "What are the security requirements?" asks for ("basics"
    need not be asked, "requirements" only asks); the answer was a learning-budget sentence."""
    piece = section_answer("What are the security requirements?", [_src(HANDBOOK)], loose=True)
    assert piece is not None
    assert piece.text == "Security basics: All laptops use full-disk encryption."


def test_a_sentence_in_a_paragraph_of_its_own_is_no_heading() -> None:
    text = "Intro\n\nThe office is open.\n\nSee the wiki for more\n\nThat is all."
    # ends in a full stop, or is not followed by a section: no "Heading: ..." answer
    assert section_answer("What does the handbook say about the wiki?", [_src(text)], True) is None


def test_a_heading_is_put_once_before_the_piece_it_heads_never_inside_an_answer() -> None:
    text = (
        "Triggers\n\nIntro line.\n\nCycle detection\n\nTrigger cycles are detected using the "
        "hare-and-tortoise approach. Each time dpkg runs a postinst, it records the pending "
        "triggers."
    )
    pieces = [
        Piece("Trigger cycles are detected using the hare-and-tortoise approach.", (1,)),
        Piece("Each time dpkg runs a postinst, it records the pending triggers.", (1,)),
    ]
    out = headed("What method detects trigger cycles?", pieces, [_src(text)])
    # the first piece says "cycles" and "detected": the heading adds nothing; not mid-answer
    assert [p.text for p in out] == [p.text for p in pieces]


def test_the_latest_release_is_never_a_numbered_section_of_a_policy() -> None:
    policy = (
        "Travel policy\n\n3.1 Booking\nBook through the portal.\n\n3.2 Hotel Limits\n"
        "The nightly hotel limit is 220 dollars."
    )
    src = Source(1, "travel-policy.pdf", 2, policy, chunk_id="p:1")
    assert section_answer("What is new in the latest release?", [src]) is None
    # release notes keep their answer
    assert section_answer("What is new in the latest release?", [_src()]) is not None


def test_a_heading_two_documents_share_names_neither() -> None:
    a = Source(1, "parental-leave.pdf", 1, "Leave\n\nEligibility\nAll staff after 6 months.")
    b = Source(2, "tuition.pdf", 1, "Tuition\n\nEligibility\nPermanent staff only.")
    assert section_answer("What is the eligibility?", [a, b], loose=True) is None
    assert section_answer("What is the eligibility?", [a], loose=True) is not None


def test_a_label_in_a_paragraph_of_its_own_ends_the_section_and_a_run_of_labels_does_not() -> None:
    notes = (
        "Sync notes\n\nRisks\n\nThe window is limited to 4 hours.\n\nNext meeting: 24 February "
        "2027.\n\nLeave\n\nFull-time: 25 days.\nPart-time: 12 days."
    )
    risks = section_answer("What are the risks?", [_src(notes)], loose=True)
    assert risks is not None and risks.text == "Risks: The window is limited to 4 hours."
    leave = section_answer("What are the leave rules?", [_src(notes)], loose=True)
    assert leave is not None and leave.text == "Leave: Full-time: 25 days. Part-time: 12 days."


GUIDE = (
    "Staff onboarding guide\n\nThis guide covers your first two weeks.\n\nYour first week\n\n"
    "1. Day 1: Meet your line manager and collect your laptop.\n2. Day 2: Shadow a housing "
    "officer.\n\nProbation\n\nAll new staff complete a six-month probation period."
)


@pytest.mark.parametrize(
    "question",
    ["What should new starters do in their first week?", "What happens in the first week?"],
)
def test_what_to_do_is_the_section_of_steps_even_when_the_model_is_sure(question: str) -> None:
    """The model took "This guide covers your first two weeks." (P above its threshold);
    "new starters" is the guide's reader, whom it calls "you"."""
    sure = ExtractiveProvider(embed=FakeEmbedder().embed, refusal=RefusalModel(weights={}, bias=5))
    request = Request(
        messages=[Message("user", question)], question=question, sources=[_src(GUIDE)]
    )
    assert sure.generate(request).text.startswith("Your first week: 1. Day 1: Meet your line")
