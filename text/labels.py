"""What notes call the things people ask for in verbs: "Who attended ...?" is answered by an
"Attendees:" line, "What did the team decide?" by a "Decisions" heading, "What are the next
steps?" by "Action items". The words stem apart ("attend" / "attende", "decid" / "decis"),
so the answerer's term overlap does not connect them; ``providers/extractive_labels.py``
quotes the labelled line or section. (Adding the labels to the BM25 query was tried for
"Who attended the meeting?": the dense side still ranked a list of names in another
document first, and the fused top 5 held no meeting notes.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MEETING = r"(?:meeting|call|sync|session|review|stand-?up|retro(?:spective)?|workshop|interview)"
# What asks for a list or a verdict, not for a fact to look up ("decide" is a verb of any
# question: "How do I decide which plan to buy?")
_WHAT = re.compile(
    r"^\s*(?:what|which|were|was|did|has|have|are|is|list|summari[sz]e|tell)\b", re.I
)


@dataclass(frozen=True)
class Asked:
    """The words that ask (set aside when the rest of the question is matched) and the
    labels that answer them."""

    asks: re.Pattern[str]
    labels: tuple[str, ...]
    guard: re.Pattern[str] | None = None  # what the question must start with, if anything

    @property
    def label(self) -> re.Pattern[str]:
        """A whole label, any case, any run of spaces: "Action  items"."""
        words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in self.labels)
        return re.compile(rf"^(?:{words})$", re.I)


ASKED = (
    Asked(  # before the attendees: "Who could not attend?"
        re.compile(
            r"\bwho\s+(?:sent|gave|offered|made)\s+(?:their\s+|his\s+|her\s+)?apologies\b"
            r"|\bwho\s+(?:was|were)\s+(?:absent|missing|away)\b|\bwho\s+(?:missed|"
            r"could\s*n[o']t\s+(?:attend|come|make\s+it)|did\s*n[o']t\s+(?:attend|come))\b"
            r"|\b(?:apologies|absentees)\b",
            re.I,
        ),
        ("apologies", "apologies for absence", "absent", "absentees", "not present"),
    ),
    Asked(
        re.compile(
            r"\bwho\s+(?:attended|took\s+part(?:\s+in)?|participated(?:\s+in)?|joined|"
            r"(?:was|were)\s+(?:there|present))\b|\b(?:attendees|participants)\b"
            rf"|\bwho\s+(?:was|were)\s+(?:at|in|on)\b(?=.*\b{MEETING}\b)",
            re.I,
        ),
        ("attendees", "attendance", "participants", "present", "in attendance"),
    ),
    Asked(
        re.compile(r"(?<=\s)(?:decided?|decisions?|agreed(?:\s+on)?|agree(?:\s+on)?)\b", re.I),
        ("decisions", "decision", "agreed", "agreements", "agreement", "resolutions"),
        guard=_WHAT,
    ),
    Asked(
        re.compile(r"\b(?:action\s+items?|next\s+steps|to-?dos?|follow-?ups)\b", re.I),
        ("action items", "action item", "actions", "next steps", "to-dos", "todos", "follow-ups"),
    ),
    Asked(re.compile(r"\bnext\s+meeting\b", re.I), ("next meeting",)),
    Asked(
        re.compile(rf"^\s*when\s+(?:was|is|did)\b(?=.*\b{MEETING}\b)(?!.*\bnext\b)", re.I),
        ("date", "held on"),
    ),
    Asked(
        re.compile(
            r"\bwho\s+(?:is|are)\s+(?:my|our|the|your)\s+(?:main\s+|key\s+)?"
            r"(?:contacts?|contact\s+person|point\s+of\s+contact)\b",
            re.I,
        ),
        ("contact", "contacts", "contact person", "point of contact", "your contact"),
    ),
    Asked(  # a quote's or an offer's "Valid until: 1 November 2024"
        re.compile(r"\bvalid(?:ity)?\b|\bexpir(?:e|es|y|ation)\b", re.I),
        ("valid until", "valid till", "valid for", "validity", "expires", "expiry", "expiry date"),
        guard=re.compile(
            r"^\s*(?:how\s+long|until\s+when|till\s+when|when|by\s+when|"
            r"what\s+is\s+the\s+(?:validity|expiry))\b",
            re.I,
        ),
    ),
    Asked(
        re.compile(r"\bpayment\s+terms\b|\bterms\s+of\s+payment\b", re.I),
        ("payment terms", "terms of payment", "terms"),
    ),
)


def asked_labels(question: str) -> Iterator[tuple[re.Match[str], Asked]]:
    """Each way ``question`` asks for a label, in order: the match of its asking words."""
    for asked in ASKED:
        m = asked.asks.search(question)
        if m is not None and (asked.guard is None or asked.guard.match(question)):
            yield m, asked
