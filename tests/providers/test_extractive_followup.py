"""A follow-up's carried terms do not sink its answer: "Until when is it valid?" after
"What did Northwind offer?" is asked as "Until when is it valid? (Northwind)"; the sentence
that answers ("The offer is valid until 28 February 2027.") does not say "Northwind", and
the follow-up was refused while the same words alone were answered."""

from __future__ import annotations

from providers.base import Request, Source
from providers.extractive_provider import ExtractiveProvider, RefusalModel
from tests.conftest import FakeEmbedder

NOTES = (
    "Northwind offered to renew our hosting contract for 24 months at 18,400 dollars per "
    "month. The offer is valid until 28 February 2027. The new contract includes 99.95 "
    "percent uptime with service credits for downtime."
)
SOURCES = [Source(n=1, source="vendor-call-notes.txt", page=1, text=NOTES, chunk_id="v:0")]


def _answer(typed: str, focus: str) -> str:
    unsure = RefusalModel(weights={}, bias=-3.0, threshold=0.45)  # refuses unless rescued
    p = ExtractiveProvider(embed=FakeEmbedder().embed, refusal=unsure)
    req = Request(messages=[], question=typed, sources=SOURCES, metadata={"focus": focus})
    response = p.generate(req)
    return "" if response.refused else response.text


def test_a_follow_up_is_rescued_as_its_own_words_are() -> None:
    valid = "The offer is valid until 28 February 2027. [1]"
    assert _answer("Until when is it valid?", "Until when is it valid?") == valid
    assert _answer("Until when is it valid?", "Until when is it valid? (Northwind)") == valid
    uptime = _answer("And what about uptime?", "And what about uptime? (Northwind)")
    assert uptime.startswith("The new contract includes 99.95 percent uptime")


def test_a_follow_up_the_notes_do_not_answer_stays_refused() -> None:
    assert _answer("And who signed it?", "And who signed it? (Northwind)") == ""
    assert _answer("And the cancellation fee?", "And the cancellation fee? (Northwind)") == ""


def test_a_follow_up_about_a_person_is_answered_by_what_they_said() -> None:
    from providers.extractive_everyday import person_rescue
    from providers.extractive_refusal import Candidate

    notes = "Samira: I have a Level 2 Food Hygiene certificate from 2023."
    src = Source(n=1, source="notes.txt", page=1, text=notes)
    cands = [Candidate(src, 0, notes, 0, len(notes), 0.3, 0.3, 0.6)]
    assert person_rescue("What certificates does she have? (Samira Haddad)", cands)
    assert not person_rescue("What certificates does she have? (Tom Lee)", cands)
    assert not person_rescue("What degree does she have? (Samira Haddad)", cands)
    assert not person_rescue("What certificates does she have?", cands)
