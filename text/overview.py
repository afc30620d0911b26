"""Questions about a whole document, and where a document says what it is about.

"Summarize the travel policy.", "What is FIPS 199 about?", "What are these documents about?"
are among the first things a person types. No sentence of a document matches them the way a
fact matches a factoid question: the answer is the document's own statement of its purpose
(a "Purpose", "Abstract" or "Executive Summary" section, or its opening lines).
"""

from __future__ import annotations

import re

from text.asking import WH_CLAUSE
from text.sentences import DATE_LINE, sentences
from text.terms import content_terms, name_words

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
        # not "Explain how expenses are claimed.": that asks a question of its own
        rf"^(?:please\s+)?(?:tell\s+me\s+about|describe|explain)\s+"
        rf"(?!{WH_CLAUSE})(?P<s>.+?){_END}",
    )
]
_EVERY_DOCUMENT = re.compile(
    rf"^{_DET}(?:all\s+(?:of\s+)?(?:the\s+|my\s+|these\s+)?)?(?:documents|docs|files|pdfs|"
    r"uploads|sources|corpus|collection)$",
    re.I,
)
_ONE_DOCUMENT = re.compile(r"^(?:this|that|the)\s+(?:document|doc|file|pdf)$", re.I)


_WHEN = re.compile(
    # not "first released": that asks the history of what the document is about
    r"^(?:when\s+(?:was|were|is|did)\s+(?P<a>.+?)(?<!\sfirst)\s+(?:published|issued|released|"
    r"written|dated|approved|adopted|announced|created|come\s+out|came\s+out)"
    r"|what\s+(?:is|was)\s+the\s+(?:date|publication\s+date|release\s+date|issue\s+date)\s+of"
    r"\s+(?P<b>.+?)"
    r"|what\s+date\s+(?:is|was)\s+(?P<c>.+?)(?:\s+(?:published|issued|dated|released))?)" + _END,
    re.I,
)


def date_subject(question: str) -> str | None:
    """What a question asks the date of ("When was FIPS 200 published?" -> "FIPS 200"), or
    None. A document's date is printed on its first page, not written in a sentence."""
    phrase = _date_phrase(_without_carried(question))
    return None if phrase is None else _subject(phrase)


def overview_subject(question: str) -> str | None:
    """What a question asks an overview of: a document's name or title ("the travel policy",
    "FIPS 199"), ``""`` for every document ("these documents"), None when it asks something
    else. Whether the subject is a document at all is the caller's to check."""
    phrase = _overview_phrase(_without_carried(question))
    return None if phrase is None else _subject(phrase)


def _date_phrase(question: str) -> str | None:
    m = _WHEN.match(" ".join(question.split()))
    return None if m is None else next(g for g in m.groups() if g is not None)


def _overview_phrase(question: str) -> str | None:
    q = " ".join(question.split())
    return next((m.group("s") for p in _ASKS if (m := p.match(q))), None)


# rag/followup completes a follow-up with the last exchange's key terms in brackets:
# "Summarize it." after "What is FIPS 199 about?" is searched as "Summarize it. (FIPS 199)".
_CARRIED = re.compile(r"^(?P<q>.*?\S)\s*\((?P<terms>[^()]+)\)\s*$", re.S)
# "it", "this document", "that one": the document the conversation is about
_POINTS_BACK = re.compile(
    r"^(?:it|this|that|(?:this|that|the)\s+(?:one|document|doc|file|pdf|paper|report))$", re.I
)


def referred_back(question: str) -> str | None:
    """The conversation's key terms when an overview or date question points at the document
    of the last exchange ("Summarize it. (FIPS 199)" -> "FIPS 199"), else None."""
    carried = _carried(question)
    if carried is None or not _POINTS_BACK.match(carried[2].strip(" \"'“”")):
        return None
    return carried[1]


def _without_carried(question: str) -> str:
    """The question without a follow-up's carried terms: "What are these documents about?
    (travel approval)" after a question about travel still asks about every document."""
    carried = _carried(question)
    return question if carried is None else carried[0]


def _carried(question: str) -> tuple[str, str, str] | None:
    """(the question without its carried terms, the terms, its subject phrase) when an
    overview or date question carries the conversation's terms, else None."""
    m = _CARRIED.match(question.strip())
    if m is None:
        return None
    phrase = _overview_phrase(m["q"]) or _date_phrase(m["q"])
    return None if phrase is None else (m["q"], m["terms"], phrase)


# "This policy explains ...", "The present standard specifies ..."
_THIS_DOCUMENT = re.compile(
    r"^(?:this|the present)\s+(?:document|publication|standard|policy|guide|handbook|manual|"
    r"framework|report|notice|rule|paper|specification|directive|faq|plan|agreement)\b",
    re.I,
)


def names_itself(sentence: str, file_name: str) -> bool:
    """Does the sentence say what the document is ("This policy explains ...", "FIPS
    Publication 199 addresses ...": the file's name words open it)?"""
    if _THIS_DOCUMENT.match(sentence):
        return True
    name = set(content_terms(name_words(file_name.rsplit(".", 1)[0])))
    opening = content_terms(" ".join(sentence.split()[:5]))
    # the name is the sentence's subject: "Staff complete fire safety training ..." in
    # fire-safety.pdf only mentions it
    return bool(name) and name <= set(opening) and opening[0] in name


def describes_itself(text: str, file_name: str) -> bool:
    """Does any sentence of ``text`` say what the document is?"""
    return any(names_itself(s, file_name) for s in sentences(text))


def _subject(phrase: str) -> str:
    """The subject without quotes and article; ``""`` for "these documents", "this file"."""
    subject = phrase.strip(" \"'“”")
    if _EVERY_DOCUMENT.match(subject) or _ONE_DOCUMENT.match(subject):
        return ""
    return re.sub(rf"^{_DET}", "", subject, flags=re.I)


# A line that heads the part of a document saying what it is for: "1. PURPOSE", "Abstract",
# "Executive Summary", "SUMMARY: The FAA proposes ..." (a label with its text on the line).
SUMMARY_HEADING = re.compile(
    r"^[ \t]*(?:(?:section|chapter|part)\s+)?(?:\d+(?:\.\d+)*\.?\s+|[IVX]+\.\s+)?"
    r"(?:purpose|abstract|summary|executive\s+summary|overview|introduction|scope|description)"
    r"(?:[ \t]*$|[ \t]*:[ \t]*(?P<rest>\S.*)?$)",
    re.I | re.M,
)


MIN_OPENING_WORDS = 6  # a heading's next line that starts its text, not the next contents entry


def summary_start(text: str) -> int | None:
    """Where the text under the first summary heading in ``text`` starts, or None. A heading
    followed by another short line is a contents entry ("Introduction\nPhilosophical
    overview\nDesign goals"), not the section."""
    for m in SUMMARY_HEADING.finditer(text):
        if m.group("rest"):
            return m.start("rest")
        following = next((ln.strip() for ln in text[m.end() :].splitlines() if ln.strip()), "")
        if len(following.split()) >= MIN_OPENING_WORDS or following[-1:] in ".!?":
            return m.end()
    return None


def date_line(text: str) -> str | None:
    """The first line of ``text`` that is only a date, or None."""
    m = DATE_LINE.search(text)
    return m.group("date") if m else None
