"""Meeting notes read by their labels: "Attendees: ...", "Decisions", "Action items", "Next
meeting: ...". A newcomer's own notes were refused for "Who attended the platform sync?" and
"What did the team decide?", and "What are the action items?" got one row of four."""

from __future__ import annotations

from providers.base import Message, Request, Source
from providers.extractive_labels import label_answer

SYNC = """Platform team sync - 10 February 2027

Attendees: Marta Kowalski (chair), Jonas Berg, Aiko Tanaka

Decisions

- We will migrate the billing service to PostgreSQL 16.
- The old reporting dashboard will be switched off on 31 March 2027.

Action items

Jonas Berg | Action: Write the migration runbook | Due: 24 February 2027

Aiko Tanaka | Action: Load-test the billing service | Due: 3 March 2027

Risks

The migration window is limited to 4 hours on a Sunday night.

Next meeting: 24 February 2027."""

CALL = """Vendor call notes - Northwind Cloud renewal
Date: 14 January 2027
Participants: Sam Okafor (procurement), Dana Whitfield (account manager)

Summary
Northwind offered to renew our hosting contract for 24 months.

Decision: no decision yet; the go/no-go meeting is on 15 February 2027."""

SOURCES = [
    Source(n=1, source="platform-sync.md", page=1, text=SYNC, chunk_id="a:0"),
    Source(n=2, source="vendor-call-notes.txt", page=1, text=CALL, chunk_id="b:0"),
]


def _answer(question: str) -> list[tuple[str, tuple[int, ...]]]:
    return [(p.text, p.cites) for p in label_answer(question, SOURCES)]


def test_who_attended_is_the_attendees_line_of_the_meeting_named() -> None:
    attendees = ("Attendees: Marta Kowalski (chair), Jonas Berg, Aiko Tanaka", (1,))
    assert _answer("Who attended the platform sync?") == [attendees]
    assert _answer("Who was at the platform team sync?") == [attendees]
    participants = "Participants: Sam Okafor (procurement), Dana Whitfield (account manager)"
    assert _answer("Who took part in the vendor call?") == [(participants, (2,))]
    # "the call" is the one document called so; "the meeting" is any meeting's notes
    assert _answer("Who joined the call?") == [(participants, (2,))]
    assert _answer("Who attended the meeting?") == [attendees, (participants, (2,))]
    # a meeting no document is about is not answered with another one's attendees
    assert _answer("Who attended the board review?") == []


def test_what_was_decided_is_the_decisions_section_or_line() -> None:
    decisions = (
        "Decisions: We will migrate the billing service to PostgreSQL 16; The old reporting "
        "dashboard will be switched off on 31 March 2027.",
        (1,),
    )
    assert _answer("What did the team decide?") == [decisions]
    assert _answer("What was decided in the platform sync?") == [decisions]
    assert _answer("Was anything decided on the vendor call?") == [
        ("Decision: no decision yet; the go/no-go meeting is on 15 February 2027.", (2,))
    ]
    # "decide" in a question that asks how, not what: not the notes' decisions
    assert _answer("How do I decide which plan to buy?") == []


def test_action_items_are_all_the_rows_and_a_section_ends_at_the_next_heading() -> None:
    assert _answer("What are the action items?") == [
        (
            "Action items: Jonas Berg | Action: Write the migration runbook | Due: 24 "
            "February 2027; Aiko Tanaka | Action: Load-test the billing service | Due: 3 March "
            "2027.",
            (1,),
        )
    ]
    assert _answer("When is the next meeting?") == [("Next meeting: 24 February 2027.", (1,))]
    assert _answer("When was the vendor call?") == [("Date: 14 January 2027", (2,))]
    assert _answer("When is the billing migration?") == []  # no meeting asked about


def test_the_extractive_answer_quotes_the_label_however_unsure_the_model() -> None:
    from providers.extractive_provider import ExtractiveProvider, RefusalModel
    from tests.conftest import FakeEmbedder

    model = RefusalModel(weights={}, bias=-3.0, threshold=0.45)  # it would refuse anything
    provider = ExtractiveProvider(embed=FakeEmbedder().embed, refusal=model)
    q = "Who attended the platform sync?"
    response = provider.generate(
        Request(messages=[Message("user", q)], question=q, sources=SOURCES)
    )
    assert not response.refused
    assert response.text == "Attendees: Marta Kowalski (chair), Jonas Berg, Aiko Tanaka [1]"


def test_who_holds_a_role_is_the_line_naming_them_with_it_in_brackets() -> None:
    participants = "Participants: Sam Okafor (procurement), Dana Whitfield (account manager)"
    assert _answer("Who is Northwind's account manager?") == [(participants, (2,))]
    assert _answer("Who chaired the platform sync?") == [
        ("Attendees: Marta Kowalski (chair), Jonas Berg, Aiko Tanaka", (1,))
    ]
    # a role nobody's brackets hold, or a word of the question nothing says: ask as usual
    assert _answer("Who is the CEO of Northwind?") == []
    assert _answer("Who is the account manager at Contoso?") == []


QUOTE = """Copperline IT Services Ltd
QUOTATION
Quote number: Q-2024-117
Valid until: 1 November 2024
Terms
Payment terms: 50% deposit on acceptance, balance within 30"""
QUOTE_NEXT = """days of installation. Hardware carries a 3-year warranty.
To accept this quote, please sign and return it. Contact: James
Whitaker, Account Manager, 0117 496 0382."""
MINUTES = """Minutes of the Board Meeting

Present: Margaret Okafor (Chair), Tom Beasley (Treasurer)

Apologies: Daniel Frost"""


def test_a_quote_s_and_the_minutes_labels() -> None:
    quote = Source(n=1, source="Quote-Q-2024-117-Copperline.pdf", page=1, text=QUOTE)
    quote_end = Source(n=2, source=quote.source, page=1, text=QUOTE_NEXT, chunk_id="q:1")
    minutes = Source(n=3, source="board-minutes.docx", page=1, text=MINUTES, chunk_id="m:0")

    def follow(src: Source) -> str:  # the next chunk of the quote (Engine.following_text)
        return QUOTE_NEXT if src is quote else ""

    def answer(question: str) -> list[str]:
        return [p.text for p in label_answer(question, [quote, quote_end, minutes], follow)]

    assert answer("How long is the quote valid for?") == ["Valid until: 1 November 2024"]
    # the chunk's end cut the sentence: it runs on into the next chunk, to its end
    assert answer("What are the payment terms?") == [
        "Payment terms: 50% deposit on acceptance, balance within 30 days of installation."
    ]
    # a label opening a sentence inside a line, run on over the line break
    assert answer("Who is my contact at Copperline?") == [
        "Contact: James Whitaker, Account Manager, 0117 496 0382."
    ]
    assert answer("Who sent apologies?") == ["Apologies: Daniel Frost"]
    assert answer("Who was absent from the board meeting?") == ["Apologies: Daniel Frost"]
    assert answer("Who chaired the board meeting?") == [
        "Present: Margaret Okafor (Chair), Tom Beasley (Treasurer)"
    ]
    assert answer("How long is the warranty?") == []  # no label says it


def test_a_labelled_section_runs_on_into_the_next_chunk() -> None:
    first = "Decisions\n\n- The Board approved the roof contract.\n- The Board raised the budget."
    second = "- The Board declined to sell the garage block.\n\nAction items\n\nSign the contract"
    src = Source(n=1, source="board-minutes.docx", page=1, text=first, chunk_id="b:1")
    pieces = label_answer("What decisions did the board make?", [src], lambda s: second)
    assert [p.text for p in pieces] == [
        "Decisions: The Board approved the roof contract; The Board raised the budget; The "
        "Board declined to sell the garage block."
    ]


def test_a_field_asked_by_its_name_is_its_line() -> None:
    text = (
        "QUOTATION\nQuote number: Q-2024-117\nSubtotal: £11,890.60\nVAT (20%): £2,378.12\n"
        "Total: £14,268.72\nTerms"
    )
    quote = Source(n=1, source="Quote-Q-2024-117-Copperline.pdf", page=1, text=text)
    email = Source(n=2, source="email.txt", page=1, text="The other quote was £4,420 + VAT.")

    def answer(question: str) -> list[str]:
        return [p.text for p in label_answer(question, [email, quote])]

    assert answer("What is the total on the Copperline quote?") == ["Total: £14,268.72"]
    assert answer("How much VAT is on the quote?") == ["VAT (20%): £2,378.12"]
    assert answer("What is the quote number?") == ["Quote number: Q-2024-117"]
    # a word the label does not say: ask as usual
    assert answer("What is the grand total including VAT?") == []
    assert answer("What is the total on the Northwind invoice?") == []
