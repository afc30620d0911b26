"""A request phrased as an instruction, read as the question it asks; the question in what
people type around it.

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


# What people type around a question: greetings, thanks, "pls", "quick question:".
_GREETING = re.compile(
    r"^\s*(?:(?:hi|hello|hey|hiya|greetings|good\s+(?:morning|afternoon|evening)|dear\s+\w+)"
    r"(?:\s+(?:there|all|team|everyone))?\b(?:\s*[:;]-?\)|[\s,!.:;\-])*)+",
    re.I,
)
_OPENER = re.compile(r"^\s*(?:(?:a\s+)?quick\s+question|one\s+more\s+thing)\s*[:,\-!.]+\s*", re.I)
_THANKS = re.compile(
    r"(?:[\s,.!;:\-]*\b(?:(?:many\s+)?thanks(?:\s+(?:a\s+lot|in\s+advance))?|thank\s+you"
    r"(?:\s+(?:so|very)\s+much)?|thx|ty|cheers|please|pls|plz|[:;]-?\))[\s!.:)]*)+$",
    re.I,
)
_PLEASE = re.compile(r"\b(?:please|pls|plz|kindly)\b\s*", re.I)
_ASK_ME = re.compile(
    r"^\s*(?:(?:can|could|would|will)\s+(?:you|u)\s+)?(?:tell|let)\s+me(?:\s+know)?\s+"
    r"|^\s*(?:i\s+(?:was\s+wondering|wonder|want\s+to\s+know|would\s+like\s+to\s+know|"
    r"need\s+to\s+know)|do\s+you\s+know)\s+",
    re.I,
)
_GIVE_ME = re.compile(
    r"^\s*(?:(?:can|could|would)\s+(?:you|u)\s+)?(?:give|tell|show|send)\s+me\s+"
    r"(?P<topic>(?:the|your|our)\s+.+?)\s*[.?!]*\s*$",
    re.I,
)
# A long message's question: a clause that starts with a question word.
_CLAUSE = re.compile(
    r"(?:^|[,;.!?]\s*|\b(?:anyway|so|but|and|now)\s+)(?P<q>" + WH_CLAUSE + r"[^,;.!?]*)", re.I
)
_CLAUSE_END = re.compile(r"\s+(?:because|since|as\s+i|cause|cuz)\b.*$", re.I)
LONG_QUESTION_WORDS = 20
_WORDS = re.compile(r"[\w'\-]+")


def plain_question(text: str) -> str:
    """The question in what a person typed: "hi, could you please tell me what the hotel
    limit in London is? thanks!" -> "what the hotel limit in London is?"; "give me the
    support phone number pls" -> "What is the support phone number?"; a long message's
    question clause ("... anyway what is the hotel limit in London, because ...").
    Anything else is returned as it came."""
    q = _OPENER.sub("", _GREETING.sub("", text))
    q = _THANKS.sub("", q).strip()
    q = _PLEASE.sub("", q).strip() or text.strip()
    # "I have a broken robot, could you give me ...": the request, not what leads up to it
    for cut in [0, *(m.end() for m in _BREAK.finditer(q))]:
        if asked := _asked(q[cut:]):
            q = asked
            break
    # A long question asked as one ("If I edit a config file by hand ..., can I count on a
    # trigger noticing?", "Is X tied to ..., and which hash ...?") is kept whole: its first
    # clause is no more the question than its last.
    if len(_WORDS.findall(q)) > LONG_QUESTION_WORDS and not _ONE_QUESTION.match(q):
        for m in _CLAUSE.finditer(q):
            clause = _CLAUSE_END.sub("", m.group("q")).strip()
            if len(_WORDS.findall(clause)) >= 3:
                q = clause[0].upper() + clause[1:] + "?"
                break
    if q != text.strip() and q[-1:] not in "?.!":
        q += "?"
    return q


_BREAK = re.compile(r"[,;.!?]\s+")
_ONE_QUESTION = re.compile(
    r"^(?:" + WH_CLAUSE + r"|is|are|was|were|do|does|did|can|could|should|would|will|may|"
    r"might|must|has|have|had)\b[^.!?]*\?\s*$",
    re.I,
)
_WH_WORD = re.compile(r"(?:how|why|what|when|where|who|whom|whose|which)\b", re.I)
_BEFORE_WH = re.compile(r"^(?:(?:within|in|for|at|by|from|to|on|about|after|before)\s+)?", re.I)


def _asked(q: str) -> str | None:
    """``q`` as the question a request at its start asks ("could you tell me how long ...",
    "give me the support phone number"), or None when it starts with no request."""
    if (m := _ASK_ME.match(q)) and _WH_WORD.match(_BEFORE_WH.sub("", q[m.end() :])):
        return q[m.end() :]
    if m := _GIVE_ME.match(q):
        topic = m.group("topic")
        last = topic.split()[-1].lower()
        plural = last.endswith("s") and not last.endswith(("ss", "us", "is"))
        return f"What {'are' if plural else 'is'} {topic}?"
    return None
