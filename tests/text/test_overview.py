"""Questions about a whole document, and where a document says what it is about."""

from __future__ import annotations

import pytest

from text.overview import date_line, date_subject, overview_subject, referred_back, summary_start


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
        ("Describe the employee handbook.", "employee handbook"),
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
        "Explain how expenses are claimed.",  # a question of its own, not an overview
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


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("When was FIPS 200 published?", "FIPS 200"),
        (
            "When was the Cybersecurity Framework version 1.1 released?",
            "Cybersecurity Framework version 1.1",
        ),
        ("What is the date of the federal register notice?", "federal register notice"),
        ("When were these documents published?", ""),
        ("When was the company founded?", None),
        (
            "When was man-db first released?",
            None,
        ),  # the program's history, not the manual's date  # a fact in a sentence, not a document's date
        ("When is the Tacoma office open?", None),
    ],
)
def test_a_date_question_names_the_document(question: str, subject: str | None) -> None:
    assert date_subject(question) == subject


def test_a_date_line_is_a_line_that_is_only_a_date() -> None:
    assert date_line("Gaithersburg, MD 20899-8930\n\nMarch 2006\n") == "March 2006"
    assert date_line("RIN 2120\nThursday, August 6, 2020\n") == "Thursday, August 6, 2020"
    assert date_line("Version 4.2 (September 2026)\nThe route planner ...") is None
    assert date_line("It was issued in February 2014.") is None


def test_a_contents_entry_is_not_the_section_and_a_man_page_describes_itself() -> None:
    contents = "The Ninja build system\nIntroduction\nPhilosophical overview\nDesign goals\n"
    assert summary_start(contents) is None
    man = "Name\nfonts.conf — Font configuration files\nDescription\nFontconfig is a library designed to provide fonts."
    assert man[summary_start(man) or 0 :].lstrip().startswith("Fontconfig is a library")


@pytest.mark.parametrize(
    ("question", "carried"),
    [
        ("Summarize it. (FIPS 199)", "FIPS 199"),  # rag/followup's completed follow-up
        ("What is it about? (travel policy hotels London)", "travel policy hotels London"),
        ("What is this document about? (FIPS 199)", "FIPS 199"),
        ("When was it published? (FIPS 199)", "FIPS 199"),
        ("Summarize it.", None),  # no conversation: nothing carried
        ("Summarize the travel policy. (hotels)", None),  # names its own subject
        ("How many days can be carried over? (vacation days)", None),  # not an overview
    ],
)
def test_an_overview_follow_up_points_at_the_conversations_document(
    question: str, carried: str | None
) -> None:
    assert referred_back(question) == carried


def test_a_follow_ups_carried_terms_are_not_its_subject() -> None:
    assert overview_subject("Summarize it. (FIPS 199)") == "it"
    assert date_subject("When was it published? (FIPS 199)") == "it"
    # "these documents" in a conversation: rag/followup added the last question's terms
    assert overview_subject("What are these documents about? (approve travel)") == ""
    assert overview_subject("Summarize the travel policy. (hotels)") == "travel policy"


def test_a_sentence_that_only_mentions_the_file_name_does_not_describe_the_document() -> None:
    """ "Summarize fire-safety.pdf" quoted "Staff complete fire safety training once a year
    ..." (page 2) as the document's self-description: its first words hold "fire safety"."""
    from text.overview import names_itself

    assert not names_itself("Staff complete fire safety training once a year.", "fire-safety.pdf")
    assert names_itself("The fire safety procedure sets out what to do.", "fire-safety.pdf")
    assert names_itself("FIPS Publication 199 addresses the first task.", "FIPS199.pdf")
    assert names_itself("This policy explains how to book travel.", "travel.pdf")
