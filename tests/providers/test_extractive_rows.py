"""A table row named by its key and a column answers, cut to those cells; a key the table
lacks, a column the row lacks, or a key and a column from different rows do not."""

from __future__ import annotations

import pytest

from providers.base import Source
from providers.extractive_refusal import Candidate
from providers.extractive_rows import modifies, named_rows, row_answers, row_pieces
from providers.extractive_tables import is_record, named_cells, row_cells, row_line
from text.sentences import sentence_spans

GUIDE = (
    "Equipment budget\n\nEach engineer may spend on equipment according to the table below."
    "\n\nMonitor | Budget (EUR): 450 | Approval: Team lead"
    "\n\nStanding desk | Budget (EUR): 700 | Approval: Facilities"
    "\n\nHeadset | Budget (EUR): 120 | Approval: None"
)
STAFF = (
    "Sheet: Staff\n\nMaria Lopez | Department: Finance | Office: Madrid | Start date: 2021-03-01"
    "\n\nKenji Sato | Department: Engineering | Office: Osaka | Start date: 2019-11-15"
)
OFFICES = "Sheet: Offices\n\nMadrid | Country: Spain | Headcount: 42\n\nLagos | Country: Nigeria | Headcount: 23"
CLAIMS = "Sheet: claims\n\n1002 | Employee: Kenji Sato | Amount: 1240.00 | Status: Pending"
NOTES = "Release notes for Falcon 2.4\n\nAPI | Version: 2.4.0\n\nWeb client | Version: 2.4.1"
HANDBOOK = "Each employee has a learning budget of 1,500 US dollars per year for courses."


def _cands(*texts: str) -> list[Candidate]:
    """Every sentence of every passage, the prose ones scored best (as the embedder does)."""
    out = []
    for n, text in enumerate(texts, 1):
        src = Source(n=n, source=f"doc{n}.docx", page=1, text=text)
        for s, e in sentence_spans(text):
            prose = " | " not in text[s:e]
            out.append(Candidate(src, n - 1, text[s:e], s, e, 0.5, 0.5, 1.0 if prose else 0.3))
    return sorted(out, key=lambda c: -c.score)


def test_a_row_as_ingest_writes_it() -> None:
    assert row_cells("Chai tea | Units sold: 3,400") == ("Chai tea", ["Units sold: 3,400"])
    assert row_cells("Each engineer may spend on equipment.") is None
    assert row_cells("Top products") is None


@pytest.mark.parametrize(
    ("question", "cells"),
    [
        ("How much is the budget for a standing desk?", ["Budget (EUR): 700"]),
        ("Who approves a standing desk?", ["Approval: Facilities"]),
        ("What is the budget for a treadmill desk?", []),  # a key the table does not have
        ("What is the warranty of the standing desk?", []),  # a column it does not have
    ],
)
def test_the_cells_a_question_names(question: str, cells: list[str]) -> None:
    line = "Standing desk | Budget (EUR): 700 | Approval: Facilities"
    assert named_cells(line, question) == cells


def test_a_row_with_a_full_stop_in_a_cell_is_read_whole() -> None:
    text = "Notes | Remark: Ordered. Arrives Monday | Cost: 5"
    spans = sentence_spans(text)
    assert len(spans) == 2  # the splitter cuts it
    assert row_line(text, *spans[1]) == (0, text)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("How much is the budget for a standing desk?", "Standing desk | Budget (EUR): 700"),
        ("Which office does Kenji Sato work in?", "Kenji Sato | Office: Osaka"),
        ("What is the headcount of the Lagos office?", "Lagos | Headcount: 23"),
        ("What version is the Web client in Falcon 2.4?", "Web client | Version: 2.4.1"),
    ],
)
def test_the_named_row_wins_over_prose_that_shares_words(question: str, answer: str) -> None:
    pieces = row_pieces(question, _cands(HANDBOOK, GUIDE, STAFF, OFFICES, CLAIMS, NOTES))
    assert pieces and [p.text for p in pieces] == [answer]


def test_two_named_rows_are_both_quoted_in_reading_order() -> None:
    q = "What is the budget for the headset and the monitor?"
    assert [t for _, t in named_rows(q, _cands(GUIDE))] == [
        "Monitor | Budget (EUR): 450",
        "Headset | Budget (EUR): 120",
    ]


@pytest.mark.parametrize(
    "question",
    [
        "What is the budget for a treadmill desk?",  # part of a key: "Standing desk"
        "How much is the budget for a desk?",
        "What is the headcount of Kenji Sato?",  # a staff row's key, the offices' column
        "Which country is the standing desk in?",
    ],
)
def test_a_key_and_a_column_no_row_has_together_is_refused(question: str) -> None:
    assert row_pieces(question, _cands(HANDBOOK, GUIDE, STAFF, OFFICES)) == []


@pytest.mark.parametrize(
    "question",
    [
        "What is the warranty of the standing desk?",  # no column named: the usual answer
        "How many vacation days do employees get?",
        "What is the amount of Kenji Sato's expense claim?",  # his name is a claim's value
    ],
)
def test_a_question_that_names_no_row_is_answered_as_usual(question: str) -> None:
    assert row_pieces(question, _cands(HANDBOOK, GUIDE, STAFF, CLAIMS)) is None


def test_a_number_of_another_row_unnames_the_row() -> None:
    q = "What is the approval for a monitor budget of 700?"
    assert named_rows(q, _cands(GUIDE)) == []


def test_the_rescue_needs_every_word_in_the_rows_passage() -> None:
    cands = _cands(HANDBOOK, NOTES)
    assert row_answers("What version is the Web client in Falcon 2.4?", cands)
    assert not row_answers("What version is the Web client in Falcon 3.0?", cands)
    assert not row_answers("What version is the mobile client in Falcon 2.4?", cands)


def test_prose_that_says_every_word_answers_beside_a_partly_named_row() -> None:
    """A row "Learning materials | Budget (EUR): 300" names "learning" and a "Budget" column;
    the handbook's sentence says the whole question: it is answered, not refused."""
    rows = "Learning materials | Budget (EUR): 300 | Approval: Manager"
    assert row_pieces("What is the learning budget per year?", _cands(HANDBOOK, rows)) is None


SUPPLIES = (
    "Ergonomic chair | Unit: each | Price (USD): 349.00"
    "\n\nWhiteboard markers | Unit: pack of 12 | Price (USD): 11.50"
    "\n\nStanding desk | Unit: each | Price (USD): 589.00"
)


@pytest.mark.parametrize(
    ("question", "cells"),
    [
        ("How much does a standing desk cost?", ["Budget (EUR): 700"]),
        ("What do I pay for a standing desk?", ["Budget (EUR): 700"]),
        ("Who signs off a standing desk?", ["Approval: Facilities"]),
        ("How much does a standing desk weigh?", []),  # "how much" asks no price here
        ("When is a standing desk delivered?", []),  # no date column
    ],
)
def test_a_column_is_named_by_what_the_question_asks_for(question: str, cells: list[str]) -> None:
    line = "Standing desk | Budget (EUR): 700 | Approval: Facilities"
    assert named_cells(line, question) == cells


@pytest.mark.parametrize(
    ("line", "question", "cells"),
    [
        (STAFF.split("\n")[-1], "When did Kenji Sato start?", ["Start date: 2019-11-15"]),
        (STAFF.split("\n")[-1], "Where does Kenji Sato work?", ["Office: Osaka"]),
        (OFFICES.split("\n")[-1], "How many people are in Lagos?", ["Headcount: 23"]),
        (CLAIMS.split("\n")[-1], "Who filed claim 1002?", ["Employee: Kenji Sato"]),
        # a column named by its header is the one asked, not every amount of the row
        (
            "Desk | Price (USD): 300 | Budget (EUR): 280",
            "What is the desk budget?",
            ["Budget (EUR): 280"],
        ),
    ],
)
def test_each_kind_of_question_names_its_columns(
    line: str, question: str, cells: list[str]
) -> None:
    assert named_cells(line, question) == cells


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("How much does an ergonomic chair cost?", "Ergonomic chair | Price (USD): 349.00"),
        ("What does the ergonomic chair cost?", "Ergonomic chair | Price (USD): 349.00"),
        ("How much are whiteboard markers?", "Whiteboard markers | Price (USD): 11.50"),
        ("How much is a standing desk?", "Standing desk | Price (USD): 589.00"),
    ],
)
def test_a_cost_question_is_answered_by_the_price_column(question: str, answer: str) -> None:
    assert [p.text for p in row_pieces(question, _cands(HANDBOOK, SUPPLIES)) or []] == [answer]


@pytest.mark.parametrize(
    "question",
    [
        "How much are the standing desk mats?",  # a key in front of what is asked about
        "How much do standing desk mats cost?",
        "What does an ergonomic chair cushion cost?",
        "What does a mat for the standing desk cost?",  # the key after the noun
    ],
)
def test_a_key_in_front_of_another_noun_names_no_row(question: str) -> None:
    assert named_rows(question, _cands(SUPPLIES)) == []
    assert row_pieces(question, _cands(HANDBOOK, SUPPLIES)) == []  # refused, no other row


def test_a_verb_after_the_key_leaves_it_named() -> None:
    src = Source(n=1, source="staff.xlsx", page=1, text=STAFF)
    line = STAFF.split("\n")[-1]
    assert not modifies(line, "Which office does Kenji Sato work in?", src)
    assert modifies(line, "Which office are the Kenji Sato fans in?", src)
    assert modifies(line, "Which office is the desk of Kenji Sato in?", src)
    assert not modifies(line, "Who do I ask for Kenji Sato's office?", src)  # "ask": a verb
    assert not modifies(line, "What is the office of Kenji Sato?", src)  # a column's word


def test_the_key_that_says_more_of_the_question_is_the_row() -> None:
    rows = "Desk | Price (USD): 120\n\nStanding desk | Price (USD): 589.00"
    assert [t for _, t in named_rows("How much is a standing desk?", _cands(rows))] == [
        "Standing desk | Price (USD): 589.00"
    ]


def test_the_asking_word_need_not_be_in_the_rows_passage() -> None:
    assert row_answers("How much does an ergonomic chair cost?", _cands(SUPPLIES))
    assert not row_answers("How much does an ergonomic chair cost in Lagos?", _cands(SUPPLIES))


STIPENDS = (
    "Remote employees receive monthly stipends according to the table below.\n\n"
    "Internet | Monthly amount: EUR 40 | Who qualifies: All remote employees\n\n"
    "Electricity | Monthly amount: EUR 25 | Who qualifies: Employees working 3 days or more"
)


def test_a_row_named_by_its_key_and_the_tables_subject_is_the_whole_row() -> None:
    # a newcomer's Word table: "what is the internet stipend" was refused
    rows = named_rows("what is the internet stipend", _cands(STIPENDS))
    assert [text for _, text in rows] == [
        "Internet | Monthly amount: EUR 40 | Who qualifies: All remote employees"
    ]
    assert row_answers("what is the internet stipend", _cands(STIPENDS))
    # a word the passage never says is still not answered by the row
    assert named_rows("What is the warranty of the internet stipend?", _cands(STIPENDS)) == []


def test_one_word_of_a_long_key_names_no_row() -> None:
    """ "When will the roof work start?" shares "roof" with an action item's key "Sign
    contract with Kestrel Roofing and notify Alder Court residents" (its "Due date" a date
    column): that did not name the row, yet the answer was refused as a key and a column
    no row has together."""
    minutes = (
        "Work is expected to start on 4 November 2024 and take about six weeks.\n\n"
        "Sign contract with Kestrel Roofing and notify Alder Court residents | Owner: Rachel "
        "Mendes | Due date: 27 September 2024"
    )
    assert row_pieces("When will the roof work start?", _cands(minutes)) is None


ACTIONS = (
    "Action items\n\nCirculate survey results to all tenants | Owner: Priya Raman | Due date: "
    "30 September 2024\n\nDraft repairs response-time improvement plan | Owner: Rachel Mendes | "
    "Due date: 7 November 2024"
)


def test_half_of_an_action_items_key_and_nothing_else_is_that_row() -> None:
    """ "Who is in charge of the survey results?" was refused as naming only part of a key;
    a two-word item name ("Standing desk") half named is still refused (above)."""
    assert row_pieces("Who is in charge of the survey results?", _cands(ACTIONS)) is None
    landlords = "Who is in charge of the survey results for landlords?"
    assert row_pieces(landlords, _cands(ACTIONS)) == []


def test_labelled_cells_make_a_row_whatever_its_values() -> None:
    """ "... | Due date: 7 November 2024" has one figure of two digits: it was dropped as a
    sentence cut without its full stop."""
    assert is_record("Draft the plan | Owner: Rachel Mendes | Due date: 7 November 2024")
    assert not is_record("Draft the plan by 7 November 2024")


PRICES = (
    "Sheet: Price list\n\nSack truck, folding | SKU: EQP-5001 | Price (GBP): 64 | Supplier: "
    "Warehouse Kit Co\n\nNitrile gloves, size L | SKU: HYG-3002 | Price (GBP): 5.85 | Supplier: "
    "Medi Supplies"
)
TROUBLE = (
    "Display shows E1 | Possible cause: Motor overheated | Solution: Let it cool\n\n"
    "Display shows E2 | Possible cause: Burr jammed | Solution: Clear the chamber"
)


def test_a_row_is_named_by_its_name_before_the_comma_or_by_a_code() -> None:
    """ "How much is the sack truck?" was refused as naming part of "Sack truck, folding";
    "How much is SKU HYG-3002?" quoted the row cut to its SKU, without the price."""
    assert _texts("How much is the sack truck?", PRICES) == [
        "Sack truck, folding | Price (GBP): 64"
    ]
    assert _texts("How much is SKU HYG-3002?", PRICES) == [
        "Nitrile gloves, size L | SKU: HYG-3002 | Price (GBP): 5.85"
    ]
    assert _texts("Who supplies the sack truck?", PRICES) == [
        "Sack truck, folding | Supplier: Warehouse Kit Co"
    ]
    # a code names the whole row, and the rescue vouches for it ("mean" is said nowhere)
    assert _texts("What does error E2 mean?", TROUBLE) == [
        "Display shows E2 | Possible cause: Burr jammed | Solution: Clear the chamber"
    ]
    assert row_answers("What does E1 mean?", _cands(TROUBLE))
    assert _texts("What does error E3 mean?", TROUBLE) == []


def _texts(question: str, passage: str) -> list[str]:
    return [text for _, text in named_rows(question, _cands(passage))]


def test_a_question_that_is_only_the_key_gets_the_row() -> None:
    spec = "Specifications\n\nRated power | Value: 240 W\n\nNoise level | Value: 72 dB"
    assert _texts("What is the noise level?", spec) == ["Noise level | Value: 72 dB"]
