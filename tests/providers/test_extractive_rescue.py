"""The answer-type rescue beside the refusal model: a sentence that holds the kind of answer
asked for (a duration, a date, an amount) and every other content word of the question."""

from __future__ import annotations

import pytest

from providers.base import Source
from providers.extractive_measures import holds_kind
from providers.extractive_offtype import lacks_asked_number
from providers.extractive_refusal import Candidate
from providers.extractive_rescue import (
    asked_kind,
    short_question_rescue,
    table_rescue,
    type_rescue,
    who_rescue,
)
from providers.extractive_tables import asks_row_total, focus_record

BOOKING = (
    "All flights and hotels are booked through the Navan travel portal at least 14 days "
    "before departure when possible."
)


def _cands(*sentences: str) -> list[Candidate]:
    src = Source(n=1, source="policy.pdf", page=1, text=" ".join(sentences))
    return [
        Candidate(src, 0, s, 0, len(s), 0.5 - i / 10, 0.5, 1.0 - i / 10)
        for i, s in enumerate(sentences)
    ]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How far in advance should flights be booked?", "duration"),
        ("How many days does a refund take?", "duration"),
        ("How often are the batteries replaced?", "frequency"),
        ("When was the policy last revised?", "date"),
        ("How many people does Northwind employ?", "amount"),
        ("Who signed the policy?", None),
    ],
)
def test_the_kind_of_answer_asked_for(question: str, kind: str | None) -> None:
    asked = asked_kind(question)
    assert (asked[0] if asked else None) == kind


def test_a_duration_in_a_sentence_with_every_other_word_rescues() -> None:
    assert type_rescue("How far in advance should flights be booked?", _cands(BOOKING))


PASSWORDS = "Passwords must be at least 14 characters long and are stored in 1Password."


def test_a_bound_said_in_other_words_rescues_a_length() -> None:
    # a walk-through: "What is the password minimum length?" was refused ("... not minimum")
    assert asked_kind("What is the password minimum length?")[0] == "length"  # type: ignore[index]
    assert type_rescue("What is the password minimum length?", _cands(PASSWORDS))
    assert type_rescue("How many characters must a password have at least?", _cands(PASSWORDS))
    # the other bound is not said, nor is a length in a sentence without one
    assert not type_rescue("What is the maximum password length?", _cands(PASSWORDS))
    no_length = "Passwords must be changed at least once a year."
    assert not type_rescue("What is the minimum password length?", _cands(no_length))
    assert type_rescue("What is the maximum length of a trip?", _cands("Trips last up to 20 days."))


def test_no_rescue_when_a_content_word_is_missing() -> None:
    # "hotels ... booked" but the question is about trains: the sentence does not cover it.
    assert not type_rescue("How far in advance should trains be booked?", _cands(BOOKING))


def test_no_rescue_without_the_kind_asked_for() -> None:
    plain = "All flights and hotels are booked through the Navan travel portal."
    assert not type_rescue("How far in advance should flights be booked?", _cands(plain))


def test_the_expression_must_be_new_to_the_question() -> None:
    # The question's own "14 days" in the sentence is not an answer to it.
    assert not holds_kind("duration", BOOKING, "Are flights booked 14 days ahead?")
    assert holds_kind("duration", "Claims are paid within two weeks.", "How long do claims take?")


def test_a_heading_is_not_what_is_judged() -> None:
    # The best candidate is a heading; the quotable sentence after it lacks the words.
    src = Source(n=1, source="p.pdf", page=1, text="x")
    heading = Candidate(src, 0, "Booking flights 14 days", 0, 5, 0.9, 0.9, 2.0, heading=True)
    other = Candidate(src, 0, "Economy class is required on short trips.", 6, 9, 0.4, 0.1, 0.5)
    assert not type_rescue("How far in advance should flights be booked?", [heading, other])


def test_an_answer_without_the_number_asked_for_does_not_answer() -> None:
    q = "How many people have downloaded bzip2 from sourceware.org?"
    people = "The ideas embodied in bzip2 are due to the following people: Michael Burrows."
    assert lacks_asked_number(q, [people])
    assert not lacks_asked_number(q, ["It was downloaded 40,000 times last year."])
    assert not lacks_asked_number("How many arguments is it given?", ["Either two or three."])
    # a bare "when" often asks for a condition in documentation: no number needed
    assert not lacks_asked_number("When is the cache rebuilt?", ["Whenever a page changes."])


def test_an_answer_without_the_number_is_refused_however_sure_the_model() -> None:
    from providers.base import Message, Request
    from providers.extractive_provider import ExtractiveProvider, RefusalModel
    from tests.conftest import FakeEmbedder

    text = (
        "The ideas embodied in bzip2 are due to the following people who downloaded it early. "
        "Michael Burrows and David Wheeler designed the block sorting transformation."
    )
    src = Source(n=1, source="manual.pdf", page=3, text=text)

    def refused(q: str, bias: float, source: Source = src) -> bool:
        model = RefusalModel(weights={}, bias=bias, threshold=0.45)
        provider = ExtractiveProvider(embed=FakeEmbedder().embed, refusal=model)
        request = Request(messages=[Message("user", q)], question=q, sources=[source])
        return provider.generate(request).refused

    q = "How many people have downloaded bzip2?"
    # The answer holds no number: refused whether the model is unsure or sure (P 0.95)...
    assert refused(q, bias=0.1)
    assert refused(q, bias=3.0)
    # ... while a sure model's answer that holds one stands.
    said = "About 40,000 people have downloaded bzip2 from the project's site so far."
    counted = Source(n=1, source="manual.pdf", page=3, text=said)
    assert not refused(q, bias=3.0, source=counted)


def test_a_number_with_its_unit_is_an_amount_and_a_digit_in_a_name_is_not() -> None:
    q = "How many bytes of memory does decompression need?"
    assert not lacks_asked_number(q, ["Any file can be decompressed in 2300k of memory."])
    assert not lacks_asked_number(q, ["It needs 64KB, or 15% less with -s."])
    assert lacks_asked_number(q, ["Seeds the generator from a seed file (YARROW256, curve448)."])
    # "the largest ... value" asks for a number as "how many" does
    assert lacks_asked_number(
        "What is the largest depth value a pool may have?",
        ["Each pool has a depth variable which is specified in the build file."],
    )
    assert not lacks_asked_number(
        "What is the largest depth value a pool may have?", ["The depth may be at most 64."]
    )


def test_a_list_item_or_section_number_is_no_amount() -> None:
    # "How much faster ...?" was answered with item 5 of a transition plan
    q = "How much faster are installs with a file trigger?"
    assert lacks_asked_number(q, ["5. If there are any packages which do it by hand, change them."])
    assert not lacks_asked_number(q, ["5. Installs run 3x faster with the trigger."])
    # "what ... count" asks for a number; a section number before a signature is none
    q = "What iteration count should I use with pbkdf2_hmac_sha256?"
    assert lacks_asked_number(q, ["7.6.3.2 PBKDF2-HMAC-SHA256 void pbkdf2_hmac_sha256 (...)"])
    assert not lacks_asked_number(q, ["Use at least 600000 iterations."])
    # a number that opens the sentence without a marker's full stop is the answer
    assert not lacks_asked_number("How many people work here?", ["240 People work here."])


HOTELS = (
    "The nightly hotel limit is 220 US dollars in most cities and 320 dollars in New York, "
    "San Francisco, London and Tokyo."
)


def test_a_general_case_answers_for_a_name_it_does_not_list() -> None:
    from providers.extractive_rescue import general_case_rescue, rescued

    assert general_case_rescue("What is the hotel limit in Paris?", _cands(HOTELS))
    assert rescued("What is the nightly hotel limit in Paris?", _cands(HOTELS))
    # without a general case the name is not covered
    named_only = "The nightly hotel limit is 320 dollars in New York and London."
    assert not general_case_rescue("What is the hotel limit in Paris?", _cands(named_only))
    # another word of the question is missing too: not this rule's case
    assert not general_case_rescue("What is the meal limit in Paris?", _cands(HOTELS))
    # nothing unnamed is asked about
    assert not general_case_rescue("What is the hotel limit?", _cands(HOTELS))


FAQ = (
    "How long does the battery last?\n"
    "A fully charged Carrier R2 runs for about 10 hours. It returns to its dock on its own.\n"
    "Which fleet software is used?\n"
    "Robots are managed with Northwind Fleet, a web dashboard. It integrates with SAP EWM."
)


def _faq_cands(*sentences: str) -> list[Candidate]:
    src = Source(n=1, source="faq.html", page=None, text=FAQ)
    return [
        Candidate(src, 0, s, FAQ.index(s), FAQ.index(s) + len(s), 0.4, 0.3, 0.6) for s in sentences
    ]


def test_the_answer_under_an_faq_question_that_is_the_one_asked_rescues() -> None:
    from providers.extractive_rescue import faq_rescue

    battery = "A fully charged Carrier R2 runs for about 10 hours."
    assert faq_rescue("How long does the battery last?", _faq_cands(battery))
    # a word the FAQ's question lacks is in its answer: still the question it answers
    fleet = "Robots are managed with Northwind Fleet, a web dashboard."
    assert faq_rescue("Which software does the fleet integrate with?", _faq_cands(fleet))
    # a near miss: another question about the battery, and a word found nowhere
    assert not faq_rescue("How long does the battery take to replace?", _faq_cands(battery))
    assert not faq_rescue("Which software does the fleet run on Linux?", _faq_cands(fleet))
    # a question that points outside itself is not the FAQ's (whose battery?)
    assert not faq_rescue("How long does its battery last?", _faq_cands(battery))
    # a sentence that is not right under a question is no FAQ answer
    later = "It returns to its dock on its own."
    assert not faq_rescue("How long does the battery last?", _faq_cands(later))


def test_a_yes_no_question_whose_words_the_sentence_holds_rescues() -> None:
    from providers.extractive_rescue import yes_no_rescue

    remote = "Employees may work remotely up to three days per week."
    assert yes_no_rescue("Can I work remotely?", _cands(remote))
    # a word the sentence lacks: the near miss the documents cannot answer
    assert not yes_no_rescue("Can I work remotely from abroad?", _cands(remote))
    # only a yes/no question, and not on one content word
    assert not yes_no_rescue("Who may work remotely?", _cands(remote))
    assert not yes_no_rescue("Can I work?", _cands(remote))
    assert not yes_no_rescue("Can they work remotely?", _cands(remote))
    # the one word it lacks is said as its opposite: the answer is No
    cabling = "Prices exclude any cabling work, which will be quoted separately if required."
    assert yes_no_rescue("Does the quote include cabling?", _cands(cabling))
    assert not yes_no_rescue("Does the quote include cabling and training?", _cands(cabling))
    assert not yes_no_rescue("Does the quote cover cabling?", _cands(cabling))


def test_an_faq_question_is_answered_by_a_model_that_would_refuse() -> None:
    from providers.base import Message, Request
    from providers.extractive_provider import ExtractiveProvider, RefusalModel
    from tests.conftest import FakeEmbedder

    src = Source(n=1, source="faq.html", page=None, text=FAQ)
    doubtful = RefusalModel(weights={}, bias=-1.0, threshold=0.45)
    provider = ExtractiveProvider(embed=FakeEmbedder().embed, refusal=doubtful)
    q = "How long does the battery last?"
    ans = provider.generate(Request(messages=[Message("user", q)], question=q, sources=[src]))
    assert not ans.refused and "10 hours" in ans.text
    q = "How long does the charger last?"
    assert provider.generate(
        Request(messages=[Message("user", q)], question=q, sources=[src])
    ).refused


TEXAS = "Texas | Permit: 21,550 | Handgun: 56,941 | Long Gun: 51,670"
TEXAS_REST = "Texas | Private Sale Long Gun: 36 | Private Sale *Other: 4 | Totals: 146,982"


def _table(*rows: str) -> list[Candidate]:
    src = Source(n=1, source="nics-background-checks-2015-11.pdf", page=1, text="\n".join(rows))
    return [Candidate(src, 0, r, 0, len(r), 0.48, 0.2, 0.75 - i / 10) for i, r in enumerate(rows)]


def test_a_table_answers_a_rows_total_when_the_question_names_only_the_row_and_table() -> None:
    # "background checks" is the table's name (its file), Texas the row: its total answers
    assert table_rescue("How many background checks in Texas?", _table(TEXAS, TEXAS_REST))
    assert focus_record(TEXAS_REST, "How many background checks in Texas?") == (
        "Texas | Totals: 146,982"
    )
    # a column named is that cell, not the total
    assert not asks_row_total(TEXAS_REST, "How many long gun checks in Texas?")
    assert focus_record(TEXAS, "How many handgun checks in Texas?") == "Texas | Handgun: 56,941"


def test_no_table_rescue_for_what_the_table_does_not_say() -> None:
    rows = _table(TEXAS, TEXAS_REST)
    assert not table_rescue("How many background checks in Texas in 2016?", rows)  # a year
    assert not table_rescue("How many background checks in Ontario?", rows)  # no such row
    assert not table_rescue("How many gun shops are in Texas?", rows)  # not its subject
    assert not table_rescue("Who runs background checks in Texas?", rows)  # not a count


FALCON = "The Falcon budget is 42 thousand euros and the lead is Marta Okafor."


def test_a_short_who_or_how_many_question_with_every_word_in_the_sentence_is_answered() -> None:
    assert short_question_rescue("Who is the lead?", _cands(FALCON))
    assert short_question_rescue("How many euros?", _cands(FALCON))
    # a word of the question missing, a longer question, no person named, or "what": the
    # model decides
    assert not short_question_rescue("Who is the sponsor?", _cands(FALCON))
    assert not short_question_rescue("Who is the lead of the Falcon budget?", _cands(FALCON))
    assert not short_question_rescue("Who is the lead?", _cands("The lead is not chosen yet."))
    assert not short_question_rescue("What is the budget?", _cands(FALCON))
    assert not short_question_rescue("Who is their lead?", _cands(FALCON))  # whose?


def test_a_who_question_is_answered_by_the_sentence_that_says_from_whom() -> None:
    cars = "Taxis are reimbursed; rental cars need approval from a manager."
    assert who_rescue("Who must approve rental cars?", _cands(cars))
    assert not who_rescue("Who must approve hotel upgrades?", _cands(cars))  # not covered
    assert not who_rescue("Who rents cars?", _cands("Rental cars are rented at the airport."))


ROBOT_FAQ = (
    "How much does the Carrier R2 cost?\n"
    "The Carrier R2 costs 38,000 US dollars per unit.\n"
    "What is the warranty?\n"
    "Every robot has a two-year warranty covering parts and labour."
)


def test_a_name_of_two_words_is_one_word_of_an_faq_question() -> None:
    """ "What is the warranty on the Carrier R2?" shared "Carrier" and "R2" with the price
    question, which answered it; the name counts once, the warranty question wins."""
    from providers.extractive_layout import answers_faq
    from providers.extractive_rescue import faq_rescue

    src = Source(n=1, source="faq.html", page=None, text=ROBOT_FAQ)

    def cand(s: str) -> Candidate:
        i = ROBOT_FAQ.index(s)
        return Candidate(src, 0, s, i, i + len(s), 0.4, 0.3, 0.6)

    price = cand("The Carrier R2 costs 38,000 US dollars per unit.")
    warranty = cand("Every robot has a two-year warranty covering parts and labour.")
    q = "What is the warranty on the Carrier R2?"
    assert answers_faq(warranty, q) and not answers_faq(price, q)
    # the robot is named in the FAQ's passage, not under the warranty question
    assert faq_rescue(q, [warranty])
    assert not faq_rescue("What is the warranty on the Carrier R3?", [warranty])
    # a follow-up's pronoun is resolved by the terms it carried
    assert faq_rescue("What about its warranty? (Carrier R2)", [warranty])
    assert not faq_rescue("What about its warranty?", [warranty])


def test_what_one_may_spend_is_the_amount_of_money_the_sentence_states() -> None:
    from providers.extractive_rescue import spend_rescue

    meals = "The daily meal allowance is 75 dollars; alcohol is not reimbursed."
    assert spend_rescue("how much can I spend on meals", _cands(meals))
    # no amount of money for it, or a word of the topic missing: not this rule's case
    taxis = "Taxis and ride-hailing are reimbursed for business travel."
    assert not spend_rescue("how much can we spend on taxis?", _cands(taxis))
    assert not spend_rescue("how much can I spend on team dinners?", _cands(meals))
    # a past spending is a fact to find, not an allowance
    assert not spend_rescue("How much did Saudi Arabia spend on oil?", _cands(meals))


def test_what_about_a_subject_is_answered_by_the_sentence_that_names_it() -> None:
    from providers.extractive_rescue import what_about_rescue

    trains = "Trains are preferred over flights for trips under four hours."
    assert what_about_rescue("what about trains", _cands(trains))
    assert what_about_rescue("And what about trains?", _cands(trains))
    assert not what_about_rescue("what about cruises?", _cands(trains))
    assert not what_about_rescue("what about them?", _cands(trains))  # points back
    assert not what_about_rescue("What are trains?", _cands(trains))


def test_spending_when_travelling_is_spending_on_the_thing_named() -> None:
    from providers.extractive_rescue import spend_rescue

    meals = _cands("The daily meal allowance is 75 dollars; alcohol is not reimbursed.")
    assert spend_rescue("How much can I spend on meals daily when travelling?", meals)
    assert not spend_rescue("How much can I spend on hotels when travelling?", meals)


def test_supported_is_answered_by_available_and_the_title_names_the_product() -> None:
    """A browser walk: "Is Okta supported?" was refused (P 0.32) against the release note
    "Single sign-on with Okta and Microsoft Entra ID is now available."."""
    from providers.extractive_rescue import yes_no_rescue

    note = "Single sign-on with Okta and Microsoft Entra ID is now available."
    text = f"Northwind Fleet release notes\n\nVersion 4.0 (March 2026)\n{note}"
    # the document's first chunk, which opens with its title
    src = Source(n=1, source="release-notes.txt", page=None, text=text, chunk_id="notes:0")
    cands = [Candidate(src, 0, note, text.index(note), len(text), 0.4, 0.4, 0.8)]
    assert yes_no_rescue("Is Okta supported?", cands)
    assert yes_no_rescue("Does the fleet support Okta?", cands)  # "Fleet": the title's
    assert not yes_no_rescue("Does the fleet support SAML?", cands)  # not what it offers
    assert not yes_no_rescue("Does the robot support Okta?", cands)  # nor for what
    plain = [Candidate(src, 0, "Okta users sign in once.", 0, 10, 0.4, 0.4, 0.8)]
    assert not yes_no_rescue("Is Okta supported?", plain)  # availability is not said
