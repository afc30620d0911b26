"""What the twenty-seventh pass found (issue 15): new documents of kinds the fit half lacked -
a licence's definitions, release notes, an API reference - and a newcomer's walk."""

from __future__ import annotations

from providers.base import Source
from providers.extractive_refusal import Candidate
from providers.extractive_rescue import who_rescue, yes_no_rescue


def _passage(name: str, text: str, *sentences: str) -> list[Candidate]:
    """Candidates at their real offsets in one passage (the sentence before is read there)."""
    src = Source(n=1, source=name, page=1, text=text)
    cands = []
    for i, s in enumerate(sentences):
        start = text.index(s)
        cands.append(Candidate(src, 0, s, start, start + len(s), 0.5, 0.5, 1.0 - i / 10))
    return cands


def test_a_who_question_is_answered_by_a_name_whose_subject_the_sentence_before_says() -> None:
    slide = "Budget\n\nThe Heron project budget is 2.3 million dollars. The team lead is Marisol Okafor."
    lead = "The team lead is Marisol Okafor."
    assert who_rescue("Who is the Heron team lead?", _passage("notes.txt", slide, lead))
    assert who_rescue("Who leads the Heron team?", _passage("notes.txt", slide, lead))
    # a word said nowhere near: the near miss stays refused
    assert not who_rescue("Who is the Heron finance lead?", _passage("notes.txt", slide, lead))
    # a sentence that names nobody is no answer to "who"
    budget = "The Heron project budget is 2.3 million dollars."
    assert not who_rescue("Who sets the Heron budget?", _passage("notes.txt", slide, budget))


def test_a_yes_no_question_may_name_the_document_its_sentence_does_not() -> None:
    line = "* The transport protocol v2 has become the default again."
    notes = f"Updates since v2.28\n\n{line}\n"
    q = "Is protocol v2 the default transport protocol again in 2.29?"
    assert yes_no_rescue(q, _passage("git-2.29.0-relnotes.txt", notes, line))
    assert not yes_no_rescue(q, _passage("release-notes.txt", notes, line))


def test_a_who_question_answered_with_nobody_named_takes_the_sentence_that_names_someone() -> None:
    from providers.extractive_lists import Piece
    from providers.extractive_offtype import retyped

    bug = "The remote backend had an RCE bug allowing a server operator to inject commands."
    found = "The bug was discovered and reported by Joern Schneeweisz of GitLab."
    text = f"{bug} {found}"
    cands = _passage("notes.txt", text, bug, found)
    q = "Who found and reported the remote code execution bug?"
    assert retyped(q, [Piece(bug, (1,))], cands) == [Piece(found, (1,))]
    # a sentence that names someone already answers; a name sharing nothing is no answer
    assert retyped(q, [Piece(found, (1,))], cands) == [Piece(found, (1,))]
    other = "Ryan Tenney contributed optimizations to many functions."
    assert retyped(q, [Piece(bug, (1,))], _passage("n.txt", f"{bug} {other}", bug, other)) == [
        Piece(bug, (1,))
    ]


def test_a_version_is_looked_for_only_in_a_candidate_about_what_is_asked() -> None:
    from providers.extractive_lists import Piece
    from providers.extractive_offtype import retyped

    adds = "Adds the _.get and _.toPath functions."
    lost = "Restores an optimization in _.debounce that was\nunintentionally lost in version 1.9.0."
    cands = _passage("changes.html", f"{adds}\n\n{lost}", adds, lost)
    q = "In which Underscore version were _.get and _.toPath introduced?"
    assert retyped(q, [Piece(adds, (1,))], cands) == [Piece(adds, (1,))]  # not "... lost in"
    # about what is asked, a whole sentence is quoted, never one of its lines
    fixed = "The _.get function was fixed\nin version 1.12.1 of the library."
    cands = _passage("changes.html", f"{adds}\n\n{fixed}", adds, fixed)
    assert retyped(q, [Piece(adds, (1,))], cands) == [Piece(" ".join(fixed.split()), (1,))]


def test_an_api_entry_is_defined_by_the_sentence_under_its_signature() -> None:
    from providers.extractive_defined import described_under
    from providers.extractive_qtype import classify

    ref = (
        "noop\n_.noop()\n\nReturns\nundefined\nirrespective of the arguments passed to it.\n"
        "Useful as the default for optional callback arguments.\n\nWheels\n\n"
        "Except as described below, packages must not build wheels."
    )
    assert described_under(ref, ref.index("Returns"), "_.noop")
    assert not described_under(ref, ref.index("Useful"), "_.noop")  # not the entry's first
    assert not described_under(ref, ref.index("Except"), "wheels")  # a heading, no signature
    assert classify("What is _.identity in Underscore?").term == "_.identity"
    assert classify("What is the limit in Paris?").kind == "fact"


def test_a_list_asked_for_by_its_noun_is_not_answered_by_another_enumeration() -> None:
    from providers.extractive_lists import enumerates_asked

    budget = "Each employee has a learning budget for courses, books and conferences."
    laptops = "New employees choose from laptops: MacBook Pro, ThinkPad X1 and Dell XPS."
    q = "List the laptops new employees can choose from."
    assert enumerates_asked(q, budget, None) == 0.0
    assert enumerates_asked(q, laptops, None) > 0.0
    # "the types of ..." names no items: any enumeration about the question still counts
    assert enumerates_asked("List the kinds of costs an employee can claim.", budget, None) > 0.0
