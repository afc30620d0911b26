"""Rescues for everyday questions: "Can I take a taxi?", "Where is the office?", "Who do I
contact about travel questions?" - and the near misses they must still refuse."""

from __future__ import annotations

from providers.base import Source
from providers.extractive_compose import rank
from providers.extractive_everyday import (
    contact_candidate,
    everyday_rescue,
    expansion_rescue,
    firm_rescue,
    options_rescue,
    owner_rescue,
    permission_rescue,
    place_rescue,
    procedure_rescue,
    where_rescue,
)
from providers.extractive_qtype import classify
from providers.extractive_refusal import Candidate
from providers.extractive_refusal import _type_match as type_match

TAXI = (
    "Taxis and ride-hailing are reimbursed for business travel; rental cars need approval "
    "from a manager."
)
OFFICE = "The Tacoma office is open from 7:00 to 20:00 on weekdays."
TRAVEL = (
    "This policy explains how employees book business travel and claim expenses. "
    "Questions go to finance@northwind.example."
)
FAQ = "Support is available by phone at +1 253 555 0142 or by email at support@northwind.example."


def _cands(*sentences: str, source: str | None = None, rank: int = 0) -> list[Candidate]:
    src = Source(n=1, source="doc.pdf", page=1, text=source or " ".join(sentences))
    return [
        Candidate(src, rank, s, 0, len(s), 0.3 - i / 10, 0.5, 0.8 - i / 10)
        for i, s in enumerate(sentences)
    ]


def test_can_i_is_answered_by_a_rule_about_the_thing() -> None:
    assert permission_rescue("Can I take a taxi?", _cands(TAXI))
    assert permission_rescue("Am I allowed to use a taxi?", _cands(TAXI))


def test_can_i_about_a_thing_no_sentence_names_is_refused() -> None:
    assert not permission_rescue("Can I take a limo?", _cands(TAXI))
    assert not permission_rescue("Can I take it?", _cands(TAXI))  # take what?


def test_can_i_needs_a_rule_not_a_mention() -> None:
    assert not permission_rescue("Can I take a taxi?", _cands("Taxis wait outside the office."))
    assert not permission_rescue("What is a taxi?", _cands(TAXI))  # not a permission question


def test_where_needs_a_named_place_next_to_what_is_asked() -> None:
    assert where_rescue("Where is the office?", _cands(OFFICE))
    assert where_rescue("Where is the office?", _cands("Our office is located in Oslo."))
    # "warehouse robots in Tacoma" does not say where a warehouse is
    built = "Northwind Robotics builds warehouse robots in Tacoma, Washington."
    assert not where_rescue("Where is the warehouse?", _cands(built))
    assert not where_rescue("Where is the office?", _cands("The office opens at 7:00 daily."))


def test_where_is_answered_by_a_place_in_common_nouns_the_sentence_before_sets_up() -> None:
    """A browser walk: "Where is the fire assembly point?" was refused (P 0.37)."""
    drill = "Fire drills take place on the first Tuesday of every quarter."
    point = "The assembly point is the blue gate in the east parking lot."
    text = f"{drill}\n{point}"
    cands = [Candidate(Source(n=1, source="s.pdf", page=2, text=text), 0, point, len(drill) + 1,
                       len(text), 0.56, 0.5, 1.0)]  # fmt: skip
    assert place_rescue("Where is the fire assembly point?", cands)
    assert place_rescue("Where is the assembly point?", cands)
    assert not place_rescue("Where is the flood assembly point?", cands)  # "flood": nowhere
    assert not place_rescue("When is the fire assembly point used?", cands)  # not "where"
    gate = [Candidate(cands[0].source, 0, "The blue gate is painted yearly.", 0, 9, 0.5, 0.5, 1)]
    assert not place_rescue("Where is the blue gate?", gate)  # no place said
    # and the day of the drill is no place: the sentence with the place is quoted
    ranked = rank(classify("Where is the fire assembly point?"), "Where is the fire assembly "
                  "point?", [(c, c.text) for c in _cands(point, drill)], "where", type_match)  # fmt: skip
    assert ranked[0][2] == point


def test_where_with_many_words_is_left_to_the_model() -> None:
    assert not where_rescue("Where is the office of the head of security?", _cands(OFFICE))


def test_contact_needs_an_address_in_a_passage_about_the_topic() -> None:
    travel = _cands(
        "This policy explains how employees book business travel and claim expenses.",
        "Questions go to finance@northwind.example.",
        source=TRAVEL,
    )
    found = contact_candidate("Who do I contact about travel questions?", travel)
    assert found is not None and "finance@" in found.text
    assert contact_candidate("Who should I email about expenses?", travel) is not None
    assert contact_candidate("Who do I contact about parking?", travel) is None
    assert contact_candidate("Who do I contact about travel?", _cands(FAQ)) is None


def test_contact_is_searched_only_in_the_best_passages() -> None:
    far = _cands("Questions go to finance@northwind.example.", source=TRAVEL, rank=5)
    assert not everyday_rescue("Who do I contact about travel questions?", far)


def test_what_an_acronym_stands_for_is_the_sentence_that_spells_it_out() -> None:
    fisma = (
        "Title III of the E-Government Act, entitled the Federal Information Security "
        "Management Act of 2002 (FISMA), tasked NIST with responsibilities for standards."
    )
    assert expansion_rescue("What does FISMA stand for?", _cands(fisma))
    assert not expansion_rescue("What does NIST stand for?", _cands(fisma))  # only named
    assert not expansion_rescue("What does FISMA require?", _cands(fisma))


def test_an_acronym_spelt_out_below_a_sentence_that_uses_it_is_quoted_first() -> None:
    # Typed without "?", the sentence that merely uses the acronym scored higher.
    uses = "The FISMA defines three security objectives for information systems."
    fisma = "It was entitled the Federal Information Security Management Act (FISMA) in 2002."
    question = "what does fisma stand for"
    cands = _cands(uses, fisma)
    assert expansion_rescue(question, cands)
    ranked = rank(classify(question), question, [(c, c.text) for c in cands], "what", type_match)
    assert ranked[0][1].text == fisma


def test_what_can_i_get_is_answered_by_the_sentence_that_offers_it() -> None:
    laptop = "New employees choose a laptop (a 14-inch MacBook Pro or a ThinkPad X1 Carbon)."
    assert options_rescue("What laptop can I get?", _cands(laptop))
    # mentioned, not offered: "by phone" offers no phone
    assert not options_rescue("What phone can I get?", _cands(FAQ))
    assert not options_rescue("What monitor can I get?", _cands(laptop))


def test_whom_to_tell_is_whom_to_contact() -> None:
    security = "Report lost devices to security@northwind.example within one hour."
    handbook = "All laptops use full-disk encryption. " + security
    found = contact_candidate("I lost my laptop, who do I tell?", _cands(security, source=handbook))
    assert found is not None and found.text == security


def test_is_x_included_is_answered_by_the_rule_about_x() -> None:
    meals = "The daily meal allowance is 75 dollars; alcohol is not reimbursed."
    assert permission_rescue("Is alcohol included?", _cands(meals))
    assert permission_rescue("Are taxis covered?", _cands(TAXI))
    assert not permission_rescue("Is a gym membership included?", _cands(meals))


SICK = "If you are sick, call your line manager before 9:30 am on the first day of absence."
IT = "Report any IT problems to the helpdesk on extension 2200."


def test_what_should_i_do_is_answered_by_an_instruction_that_says_all_its_words() -> None:
    assert procedure_rescue("What should I do if I'm sick?", _cands(SICK))
    assert procedure_rescue("How do I report an IT problem?", _cands(IT))
    # a word the instruction does not say, or no instruction at all: left to the model
    assert not procedure_rescue("How do I report a data breach?", _cands(IT))
    assert not procedure_rescue("What should I do if I'm sick?", _cands("Sick days are paid."))
    assert not procedure_rescue("When is the helpdesk open?", _cands(IT))  # no procedure asked


def test_which_company_is_answered_by_the_firm_the_sentence_names() -> None:
    appointed = "After discussion the Board agreed to appoint Kestrel Roofing Ltd at £86,500."
    assert firm_rescue("Which company was appointed?", _cands(appointed))
    assert firm_rescue("Which firm did the Board appoint?", _cands(appointed))
    # the firm is the one the question names, or the sentence names none, or says another thing
    assert not firm_rescue("Which company is Kestrel Roofing Ltd?", _cands(appointed))
    assert not firm_rescue("Which company was appointed?", _cands("A roofer was appointed."))
    assert not firm_rescue("Which company was dismissed?", _cands(appointed))
    assert not firm_rescue("Who was appointed?", _cands(appointed))


def test_who_is_responsible_is_answered_by_the_owner_or_person_the_sentence_names() -> None:
    row = "Obtain three quotes for building insurance renewal | Owner: Tom Beasley"
    assert owner_rescue("Who is responsible for getting the insurance quotes?", _cands(row))
    assert owner_rescue("Who's in charge of the insurance renewal?", _cands(row))
    said = "The renewal of the insurance is handled by Tom Beasley, the treasurer."
    assert owner_rescue("Who is handling the insurance renewal?", _cands(said))
    # a word the sentence lacks, no owner named, or not asked who is responsible
    assert not owner_rescue("Who is responsible for the car insurance?", _cands(row))
    assert not owner_rescue("Who is responsible for insurance quotes?", _cands("Quotes vary."))
    assert not owner_rescue("Who needs insurance quotes?", _cands(row))
    assert owner_rescue(
        "Who is responsible for the move?", _cands("Kwame is our move coordinator.")
    )
