"""Layout an extractive answer reads through: a caption is not a sentence, a number that
names a part of a document is not a count, and under an FAQ's question comes its answer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from providers.extractive_terms import content_terms

if TYPE_CHECKING:
    from providers.extractive_provider import Candidate

# "Table NTR-1 - Summary of changes ...", "Figure 3: Notional ...": a caption names what a
# table or figure shows; quoted, it answers nothing ("What changed in version 1.1?").
CAPTION = re.compile(r"^(?:Table|Figure|Fig\.|Exhibit)\s+[A-Z]{0,5}-?\d+[\w.\-]*\s*[-–—:.]\s")
# A number that names a part of a document or a law ("Section 3.2", "Table 2", "Public Law
# 104-106", "Act of 1996") is not a count or a date: "How many implementation tiers are
# there?" is not answered by "... Added language to Section 3.2 ...".
REFERENCE = re.compile(
    r"\b(?:sections?|sec\.|§|tables?|figures?|fig\.|appendix|chapters?|pages?|pp?\.|"
    r"public\s+law|executive\s+order|u\.s\.c\.|(?:special\s+)?publication|pub|revision|"
    r"rev\.)\s*[a-z]{0,5}-?\d[\d.\-]*(?:\([a-z0-9]\))*|\bact\s+of\s+\d{4}\b",
    re.I,
)
FAQ_BONUS = 0.3  # the first sentence under an FAQ's question that is the one asked
FAQ_MATCH = 0.5  # share of the two questions' content words they have in common


# "Q: How long must my password be?" / "A: Passwords must be ...": an FAQ written as labelled
# pairs. The label is no part of the answer: quoted, answers began "A: Passwords must ...".
# A colon only: "A. Smith" is an initial.
_ANSWER_LABEL = re.compile(r"(?:A|Answer)[ \t]*:[ \t]*(?=\S)")
_LABEL_BEFORE = re.compile(r"(?:^|(?<=\n))[ \t]*(?:A|Answer)[ \t]*:[ \t]*$")


def past_answer_label(text: str, start: int) -> int:
    """Where the sentence at ``start`` begins once an FAQ's "A:" label is set aside."""
    m = _ANSWER_LABEL.match(text, start)
    return m.end() if m else start


def faq_question(c: Candidate) -> str | None:
    """The FAQ question right above the sentence (the line before it ends with "?"), if any."""
    before = _LABEL_BEFORE.sub("", c.source.text[: c.start])
    line = before.rstrip().rsplit("\n", 1)[-1].strip()
    return line if line.endswith("?") else None


def answers_faq(c: Candidate, question: str) -> bool:
    """The sentence opens the answer to an FAQ question that is the one asked ("What is the
    warranty?" / "Every robot has a two-year warranty ..."), not a later sentence of it
    ("An extended warranty adds ...")."""
    line = faq_question(c)
    if line is None:
        return False
    asked, listed = _named_terms(question), _named_terms(line)
    return bool(asked) and len(asked & listed) / len(asked | listed) >= FAQ_MATCH


# "Carrier R2": one name, one word in the match; as two, "How much does the Carrier R2
# cost?" was the FAQ question of "What is the warranty on the Carrier R2?".
_NAME = re.compile(r"\b[A-Z][\w-]*(?:\s+[A-Z0-9][\w-]*)+")


def _named_terms(text: str) -> set[str]:
    return set(content_terms(_NAME.sub(lambda m: "".join(m.group(0).split()), text)))
