"""Questions about a whole document, and where a document says what it is about.

"Summarize the travel policy.", "What is FIPS 199 about?", "What are these documents about?"
are among the first things a person types. No sentence of a document matches them the way a
fact matches a factoid question: the answer is the document's own statement of its purpose
(a "Purpose", "Abstract" or "Executive Summary" section, or its opening lines).
"""

from __future__ import annotations

import re

_DET = r"(?:(?:the|this|that|these|those|my|our|your|a|an)\s+)?"
_END = r"\s*[?.!]*\s*$"
# Each pattern's group "s" is what the question is about (a document's name or title, or
# "these documents").
_ASKS = [
    re.compile(p, re.I)
    for p in (
        rf"^(?:please\s+|can you\s+|could you\s+)?(?:summari[sz]e|sum up|outline)\s+(?P<s>.+?){_END}",
        rf"^(?:please\s+)?(?:give|show)\s+(?:me\s+)?(?:a|an)\s+(?:short\s+|brief\s+|quick\s+)?"
        rf"(?:summary|overview)\s+of\s+(?P<s>.+?){_END}",
        rf"^(?:what\s+is\s+)?(?:a\s+|the\s+)?(?:summary|overview|tl;?dr)\s+of\s+(?P<s>.+?){_END}",
        rf"^what(?:'s|\s+is|\s+are)\s+(?P<s>.+?)\s+(?:all\s+)?about{_END}",
        rf"^what(?:'s|\s+is)\s+in\s+(?P<s>.+?){_END}",
        rf"^what\s+(?:does|do)\s+(?P<s>.+?)\s+(?:cover|contain|describe|discuss){_END}",
        rf"^what\s+is\s+the\s+(?:purpose|aim|scope)\s+of\s+(?P<s>.+?){_END}",
    )
]
_EVERY_DOCUMENT = re.compile(
    rf"^{_DET}(?:all\s+(?:of\s+)?(?:the\s+|my\s+|these\s+)?)?(?:documents|docs|files|pdfs|"
    r"uploads|sources|corpus|collection)$",
    re.I,
)
_ONE_DOCUMENT = re.compile(r"^(?:this|that|the)\s+(?:document|doc|file|pdf)$", re.I)


def overview_subject(question: str) -> str | None:
    """What a question asks an overview of: a document's name or title ("the travel policy",
    "FIPS 199"), ``""`` for every document ("these documents"), None when it asks something
    else. Whether the subject is a document at all is the caller's to check."""
    q = " ".join(question.split())
    for pattern in _ASKS:
        m = pattern.match(q)
        if m:
            subject = m.group("s").strip(" \"'“”")
            if _EVERY_DOCUMENT.match(subject) or _ONE_DOCUMENT.match(subject):
                return ""
            return re.sub(rf"^{_DET}", "", subject, flags=re.I)
    return None


# A line that heads the part of a document saying what it is for: "1. PURPOSE", "Abstract",
# "Executive Summary", "SUMMARY: The FAA proposes ..." (a label with its text on the line).
SUMMARY_HEADING = re.compile(
    r"^[ \t]*(?:(?:section|chapter|part)\s+)?(?:\d+(?:\.\d+)*\.?\s+|[IVX]+\.\s+)?"
    r"(?:purpose|abstract|summary|executive\s+summary|overview|introduction|scope)"
    r"(?:[ \t]*$|[ \t]*:[ \t]*(?P<rest>\S.*)?$)",
    re.I | re.M,
)


def summary_start(text: str) -> int | None:
    """Where the text under the first summary heading in ``text`` starts, or None."""
    m = SUMMARY_HEADING.search(text)
    if m is None:
        return None
    return m.start("rest") if m.group("rest") else m.end()
