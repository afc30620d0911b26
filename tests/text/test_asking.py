"""An instruction read as the question it asks (text/asking.py)."""

from __future__ import annotations

import time

import pytest

from text.asking import as_question, plain_question


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
        # a follow-up naming its own subject, with the topic carried in brackets
        ("And the price? (Carrier R2)", "What is the price? (Carrier R2)"),
        ("what about its receipts?", "What are its receipts?"),
        ("And in Paris?", "And in Paris?"),
        # a span asked for by its name: "period" is how it asks, not what the documents say
        ("What is the warranty period?", "How long is the warranty?"),
        ("What's the notice period for managers?", "How long is the notice for managers?"),
        ("What is the cable length?", "How long is the cable?"),
        ("What is the length of the cable?", "What is the length of the cable?"),
        ("What is the period?", "What is the period?"),
        ("What is the wavelength?", "What is the wavelength?"),
        ("What was the Edo period?", "What was the Edo period?"),  # an era, not a span
    ],
)
def test_an_instruction_is_read_as_its_question(request_: str, question: str) -> None:
    assert as_question(request_) == question


LONG_HOTEL = (
    "So I'm going on a business trip next month and my manager said I should check the "
    "policy first, anyway what is the nightly hotel limit in London, because I found a nice "
    "place near the office but it might be too pricey for us"
)


@pytest.mark.parametrize(
    ("typed", "question"),
    [
        (
            "hi, could you please tell me what the nightly hotel limit in London is? thanks!",
            "what the nightly hotel limit in London is?",
        ),
        ("give me the daily meal allowance pls", "What is the daily meal allowance?"),
        ("Give me the support phone number.", "What is the support phone number?"),
        (
            "Hi, I have a broken robot, could you please give me the phone number of support?"
            " Thanks",
            "What is the phone number of support?",
        ),
        (
            "Good morning! Could you kindly tell me within how many days expenses must be claimed?",
            "within how many days expenses must be claimed?",
        ),
        (
            "hi there :) quick question - what are the core hours? cheers",
            "what are the core hours?",
        ),
        (LONG_HOTEL, "What is the nightly hotel limit in London?"),
        # a long question asked as one sentence is kept whole, not cut to a clause of it
        (
            "If I edit a config file by hand outside of package installs, can I count on a"
            " file trigger noticing the change?",
            "If I edit a config file by hand outside of package installs, can I count on a"
            " file trigger noticing the change?",
        ),
        (
            "Is ECDSA in Nettle tied to one particular hash function, and which hash is"
            " suggested for signatures over the secp256r1 curve?",
            "Is ECDSA in Nettle tied to one particular hash function, and which hash is"
            " suggested for signatures over the secp256r1 curve?",
        ),
        # what is already a question, and requests as_question reads, are left as they are
        ("What is the warranty?", "What is the warranty?"),
        ("Tell me about the warranty.", "Tell me about the warranty."),  # "ty" is no thanks
        (
            "Can you tell me if rental cars need approval?",
            "Can you tell me if rental cars need approval?",
        ),
        ("List the steps.", "List the steps."),
        # a question word's contraction is written out: the refusal model never saw "What's"
        ("What's the warranty?", "What is the warranty?"),
        ("whats the warranty", "what is the warranty"),
        ("What're the rules?", "What are the rules?"),
        ("Whose laptop is it?", "Whose laptop is it?"),
        ("thanks", "thanks"),
        # "please" is read through at the start, after "could you" and at the end, never as
        # a word of the question
        ("could you please tell me the core hours", "What are the core hours?"),
        ("can u pls give me the hotel limits", "What are the hotel limits?"),
        ("What are the core hours please?", "What are the core hours?"),
        ("Is the fee per diem or per month, please?", "Is the fee per diem or per month?"),
        ("How do I please a client?", "How do I please a client?"),
        ("Who do I need to please?", "Who do I need to please?"),
        ("What does the acronym PLS mean?", "What does the acronym PLS mean?"),
        # a long message's question is the clause asked with a "?", not a relative clause
        (
            "Our contractor in Berlin, who joined in March and works remotely most of the week,"
            " asked about equipment: what is the budget for a standing desk?",
            "What is the budget for a standing desk?",
        ),
        # a greeting is read through when what follows shows it is one, never a title's word
        ("Hello Kitty merchandise budget?", "Hello Kitty merchandise budget?"),
        ("Hello world program: how do I run it?", "Hello world program: how do I run it?"),
        ("Dear Sir or Madam, when is the deadline?", "when is the deadline?"),
        ("Hey team what are the core hours", "what are the core hours?"),
        ("what are the core hours? pls thx :)", "what are the core hours?"),
        # small talk before the question (found in a walk: refused, "but not Thanks, help")
        (
            "Hello! Thanks for your help earlier. How far in advance must flights be booked?"
            " Thank you!",
            "How far in advance must flights be booked?",
        ),
        ("Sorry to bother you. Who approves travel?", "Who approves travel?"),
        ("hope you're well :) what are the core hours", "what are the core hours?"),
        ("Hope Street office: what are its hours?", "Hope Street office: what are its hours?"),
        ("Thanks for the answer?", "Thanks for the answer?"),
        # a question asked inside a long message ("not sure how far ...")
        (
            "hi there! hope you're doing well today :) so I was wondering, I'm planning a trip"
            " and my manager mentioned booking in advance, and I'm not totally sure how far in"
            " advance that is for flights and hotels, thanks so much!",
            "How far in advance that is for flights and hotels?",
        ),
        # an abbreviation's, a decimal's or a number's stop cuts no clause: not "What does a U?"
        (
            "What does a U.S. census count, and how often is it taken in each state of the"
            " union according to the bureau?",
            "What does a U.S. census count, and how often is it taken in each state of the"
            " union according to the bureau?",
        ),
        (
            "hi, we ship about 1,000 parcels a month to clients abroad and at home, what is the"
            " fee for a 2.5 kg parcel to Spain, because the list is unclear",
            "What is the fee for a 2.5 kg parcel to Spain?",
        ),
    ],
)
def test_the_question_is_read_out_of_what_people_type_around_it(typed: str, question: str) -> None:
    assert plain_question(typed) == question


@pytest.mark.parametrize("word", ["pls", "ty", "thanks", "thank you", "cheers", "please", "hi"])
@pytest.mark.parametrize("end", ["?", "help", "x", ""])
def test_a_long_run_of_closing_words_is_read_at_once(word: str, end: str) -> None:
    """A pattern for the whole run of thanks backtracked exponentially: 22 "pls " and a "?"
    took 2.9 s, and each word more doubled it."""
    typed = f"{word} " * 200 + end
    started = time.perf_counter()
    plain_question(typed)
    assert time.perf_counter() - started < 0.05


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi", "hello"),
        ("Hello!", "hello"),
        ("hey there :)", "hello"),
        ("what can you do?", "hello"),
        ("thanks!", "thanks"),
        ("Thank you so much", "thanks"),
        ("ok", "thanks"),
        ("hi, what is the hotel limit?", None),
        ("thanks, and what about meals?", None),
        ("What does PLS mean?", None),
        ("Help desk phone number?", None),
        ("", None),
        ("?!?...", "no_words"),
        ("  ;-)  ", "no_words"),
        ("42?", None),
    ],
)
def test_small_talk_is_told_from_a_question(text: str, kind: str | None) -> None:
    from text.asking import small_talk

    assert small_talk(text) == kind
