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
    only_what: bool = False  # asked with "what"/"which"/"was" ... only

    @property
    def label(self) -> re.Pattern[str]:
        """A whole label, any case, any run of spaces: "Action  items"."""
        words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in self.labels)
        return re.compile(rf"^(?:{words})$", re.I)


ASKED = (
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
        only_what=True,
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
)


def asked_labels(question: str) -> Iterator[tuple[re.Match[str], Asked]]:
    """Each way ``question`` asks for a label, in order: the match of its asking words."""
    for asked in ASKED:
        m = asked.asks.search(question)
        if m is not None and not (asked.only_what and not _WHAT.match(question)):
            yield m, asked
