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
