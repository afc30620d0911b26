"""A request phrased as an instruction, read as the question it asks.

"Tell me about the warranty." and "Explain the warranty." ask "What is the warranty?", which
the extractive answerer answers; as written, "tell" and "explain" counted as words the
answer should hold, and the request was refused. Only these wrappers are read through: "Name
the five Functions" and "List the steps" are list questions of their own.
"""

from __future__ import annotations

import re

_POLITE = r"^\s*(?:please\s+)?(?:(?:can|could|would)\s+you\s+(?:please\s+)?)?"
_ASK_ABOUT = re.compile(
    _POLITE + r"(?:tell\s+me\s+(?:more\s+)?about|explain|describe|"
    r"give\s+me\s+(?:some\s+|more\s+)?(?:details|information|info)\s+(?:on|about)|"
    r"i(?:'d|\s+would)?\s+(?:want|like)\s+to\s+know\s+(?:more\s+)?about)"
    r"\s+(?:to\s+me\s+)?(?P<topic>.+?)\s*[.?!]*\s*$",
    re.I,
)
# What an instruction's object starts with when it holds a question ("explain how ...").
WH_CLAUSE = r"(?:how|why|what|when|where|who|which|whether|if)\b"
_WH = re.compile("^" + WH_CLAUSE, re.I)


def as_question(text: str) -> str:
    """``text`` as a question: "Tell me about the warranty." -> "What is the warranty?",
    "Explain how expenses are claimed." -> "How expenses are claimed?"; anything else as is."""
    m = _ASK_ABOUT.match(text)
    if m is None:
        return text
    topic = m.group("topic")
    if _WH.match(topic):
        return topic[0].upper() + topic[1:] + "?"
    last = topic.split()[-1].lower()
    plural = last.endswith("s") and not last.endswith(("ss", "us", "is"))
    return f"What {'are' if plural else 'is'} {topic}?"
