"""A request phrased as an instruction, read as the question it asks; the question in what
people type around it.

"Tell me about the warranty." and "Explain the warranty." ask "What is the warranty?", which
the extractive answerer answers; as written, "tell" and "explain" counted as words the
answer should hold, and the request was refused. Only these wrappers are read through: "Name
the five Functions" and "List the steps" are list questions of their own.
"""

from __future__ import annotations

import re

from text.sentences import TERMINATORS, sentence_spans
from text.terms import LOWER, STOP_WORDS, UPPER, WORD

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


# "And the price? (Carrier R2)": a follow-up that names its own subject, with the topic the
# conversation carried (rag/followup.py). Its words alone read as no question - refused,
# where "What is the price? (Carrier R2)" was answered from "The Carrier R2 costs ...".
_AND_THE = re.compile(
    r"^\s*(?:and|also|what\s+about|how\s+about)\s+(?P<topic>(?:the|its|their)\s+[^?.!()]+?)"
    r"\s*\?\s*(?P<carried>\([^()]*\))?\s*$",
    re.I,
)


# "What is the warranty period?" asks how long the warranty is: "period" is how it asks, not
# what the documents say. A walk was refused "mention warranty, but not period" by the FAQ
# whose "Every robot has a two-year warranty" answered "How long is the warranty?".
_SPAN_OF = re.compile(
    r"^\s*what(?:'s|\s+is|\s+was)\s+(?:the\s+|its\s+|their\s+)?(?P<topic>[^?]+?)\s+"
    r"(?:period|duration|length|time\s*frame)\s*(?P<rest>(?:for|of|on|in)\s+[^?]+?)?\s*\?\s*$",
    re.I,
)

_DETERMINERS = frozenset(["the", "its", "their", "a", "an", "this", "that"])  # "the length of"


def _common_noun(topic: str) -> bool:
    """A thing that lasts ("warranty", "notice"), not a determiner ("the length of ...") nor
    a named era ("What is the Edo period?" asks what it was, not how long)."""
    return topic.lower() not in _DETERMINERS and topic == topic.lower()


def as_question(text: str) -> str:
    """``text`` as a question: "Tell me about the warranty." -> "What is the warranty?",
    "Explain how expenses are claimed." -> "How expenses are claimed?", "And the price?
    (Carrier R2)" -> "What is the price? (Carrier R2)", "What is the warranty period?" ->
    "How long is the warranty?"; anything else as is."""
    if (m := _SPAN_OF.match(text)) and _common_noun(m.group("topic")):
        rest = f" {m.group('rest')}" if m.group("rest") else ""
        return f"How long is the {m.group('topic')}{rest}?"
    if m := _AND_THE.match(text):
        carried = m.group("carried")
        return _what_is(m.group("topic")) + (f" {carried}" if carried else "")
    m = _ASK_ABOUT.match(text)
    if m is None:
        return text
    topic = m.group("topic")
    if _WH.match(topic):
        return topic[0].upper() + topic[1:] + "?"
    return _what_is(topic)


def _what_is(topic: str) -> str:
    """The question asking for ``topic``: "What is the warranty?", or "What are the hotel
    limits?" when its last word is a plural."""
    last = topic.split()[-1].lower()
    plural = last.endswith("s") and not last.endswith(("ss", "us", "is"))
    return f"What {'are' if plural else 'is'} {topic}?"


# What people type around a question: greetings, thanks, "pls", "quick question:".
# A greeting is read through only when what follows shows it is one (a comma, a "!", the end,
# or the question itself): "Hello Kitty merchandise budget?" asks about Hello Kitty.
_ASKS_NEXT = (
    r"(?:how|why|what|when|where|who|whom|whose|which|whether|if|is|are|am|was|were|do|does|"
    r"did|can|could|would|will|should|shall|may|might|must|has|have|had|please|pls|plz|"
    r"kindly|tell|give|show|send|explain|describe|let|i|i'm|i'd|i've|im|we|my|our|quick|one)\b"
)
_GREETING = re.compile(
    r"^\s*(?:(?:(?:hi|hello|hey|hiya|greetings|good\s+(?:morning|afternoon|evening))"
    r"(?:\s+(?:there|all|team|everyone))?\b|dear\s+[^,;:!.?\n]{1,60}?)"
    r"(?:\s*(?:[:;]-?\)|[,!.:;\-])(?:[:;]-?\)|[\s,!.:;\-])*|\s*$|\s+(?=" + _ASKS_NEXT + r")))+",
    re.I,
)
# A sentence of small talk before the question: thanks, a hope, an apology. It ends with a
# stop, a "!" or a smiley - never a "?" (then it is the question).
_PLEASANTRY = re.compile(
    r"^\s*(?:(?:many\s+)?thanks|thank\s+you|thx|cheers|(?:i\s+)?hope|sorry|apologies|"
    r"(?:i\s+)?appreciate|much\s+appreciated)\b[^.!?]*?(?:[.!]+|\s*[:;]-?[)D])(?=\s|$)\s*",
    re.I,
)
_OPENER = re.compile(r"^\s*(?:(?:a\s+)?quick\s+question|one\s+more\s+thing)\s*[:,\-!.]+\s*", re.I)
# "pls" and "plz" in capitals are an acronym ("What does PLS mean?"), not a "please".
_PLS = r"[Pp]l[sz]"
_PLEASE_WORD = r"(?:(?i:please|kindly)|" + _PLS + ")"
# A closing thanks or "please", the last one in a message. It is looked for only in the last
# _CLOSING_SPAN characters (more than any one of them takes; its \b still sees the character
# before them), so taking a message's closings off one by one costs what the message is long.
# A pattern for the whole run ("(sep* word sep*)+$") backtracked exponentially in its length.
_CLOSING = re.compile(
    r"(?P<lead>[\s,.!;:\-]*)(?:\b(?i:(?:many\s+)?thanks(?:\s+(?:a\s+lot|in\s+advance))?|"
    r"thank\s+you(?:\s+(?:so|very)\s+much)?|thx|ty|cheers)\b[\s!.:)]*|[:;]-?\)[\s!.:)]*|"
    r"\b(?P<please>(?i:please)|" + _PLS + r")\b[\s!.:)?]*)\Z"
)
_CLOSING_SPAN = 64
# "Who do I need to please?": the verb, not a closing "please".
_PLEASED_BY = re.compile(r"\b(?:to|i|we|you|they|can|could|should|must|will|would|do)\Z", re.I)
# A "please" at the start of the message or of a clause, or in "could you please": read
# through. Anywhere else it is a word of the question ("How do I please a client?").
_PLEASE = re.compile(
    r"(?P<keep>(?:^|[,;:.!?])\s*|\b(?i:(?:can|could|would|will)\s+(?:you|u)|(?:you|u)\s+"
    r"(?:can|could|would))\s+)" + _PLEASE_WORD + r"\b[\s,]*(?=\w)"
)
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
    r"(?P<lead>^|[,;:.!?]\s*|\b(?:anyway|so|but|and|now|sure|wondering|wonder|know|ask|"
    r"asking|unclear|understand)\s+)(?P<q>" + WH_CLAUSE + r"[^,;.!?]*)",
    re.I,
)
_CLAUSE_END = re.compile(r"\s+(?:because|since|as\s+i|cause|cuz)\b.*$", re.I)
# "Our contractor, who joined in March, ...": after a comma that follows a noun, these start
# a relative clause (who the contractor is), not the question.
_RELATIVE = re.compile(r"(?:who|whom|whose|which|where|when)\b", re.I)
_NOT_NOUN = re.compile(
    r"\b(?:here|there|now|then|today|first|also|anyway|ok|okay|well|so|yes|no|please|thanks|"
    r"question)\s*\Z",
    re.I,
)
LONG_QUESTION_WORDS = 20
_WORDS = re.compile(r"[\w'\-]+")


_CONTRACTED = re.compile(r"\b(what|who|where|when|how|which|why)(?:['’]?s|['’]re)\b", re.I)


def _expand(m: re.Match[str]) -> str:
    verb = "are" if m.group(0).lower().endswith("re") else "is"
    return f"{m.group(1)} {verb}"


def plain_question(text: str) -> str:
    """The question in what a person typed: "hi, could you please tell me what the hotel
    limit in London is? thanks!" -> "what the hotel limit in London is?"; "give me the
    support phone number pls" -> "What is the support phone number?"; a long message's
    question clause ("... anyway what is the hotel limit in London, because ...").
    Anything else is returned as it came, but for a question word's contraction ("What's
    the warranty?", "whats" -> "What is the warranty?"): the refusal model, fitted on
    written questions, read "What's" as a word it had not seen (P 0.30 against 0.51)."""
    text = _CONTRACTED.sub(_expand, text)
    # The clause rules below cut at every "." and ",": the stops of "U.S.", "e.g." and
    # "2.5" and the comma of "1,000" are hidden from them ("What does a U.S. census count,
    # ..." was read as "What does a U?").
    text = _kept_stops(text)
    q = _without_closings(_OPENER.sub("", _GREETING.sub("", text))).strip()
    while (m := _PLEASANTRY.match(q)) and q[m.end() :].strip():
        q = _GREETING.sub("", q[m.end() :])  # "Thanks for your help earlier. How far ...?"
    q = _PLEASE.sub(r"\g<keep>", q).strip() or text.strip()
    # "I have a broken robot, could you give me ...": the request, not what leads up to it
    for cut in [0, *(m.end() for m in _BREAK.finditer(q))]:
        if asked := _asked(q[cut:]):
            q = asked
            break
    # A long question asked as one ("If I edit a config file by hand ..., can I count on a
    # trigger noticing?", "Is X tied to ..., and which hash ...?") is kept whole: its first
    # clause is no more the question than its last.
    if len(_WORDS.findall(q)) > LONG_QUESTION_WORDS and not _ONE_QUESTION.match(q):
        q = _clause_asked(q) or q
    if q != text.strip() and q[-1:] not in "?.!":
        q += "?"
    return q.translate(_SHOWN)


_KEPT_STOP = "\ue000"  # private-use characters: never typed, never a clause boundary
_KEPT_COMMA = "\ue001"
_SHOWN = str.maketrans({_KEPT_STOP: ".", _KEPT_COMMA: ","})
_NUMBER_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")


def _kept_stops(text: str) -> str:
    """``text`` with the stops that end no sentence (abbreviations, decimals, initials)
    and the thousands commas of numbers turned into characters no clause rule cuts at."""
    chars = list(_NUMBER_COMMA.sub(_KEPT_COMMA, text))
    for start, end in sentence_spans(text):
        last = end
        while last > start and chars[last - 1] in TERMINATORS + "\"'”’)]":
            last -= 1
        for i in range(start, last):
            if chars[i] == ".":
                chars[i] = _KEPT_STOP
    return "".join(chars)


def _without_closings(q: str) -> str:
    """``q`` without the thanks and "please"s it ends with ("... hours? cheers :)", "..., per
    month, please?"), taken off one at a time from its end."""
    end = len(q)
    while m := _CLOSING.search(q, max(0, end - _CLOSING_SPAN), end):
        before = _PLEASED_BY.search(q, max(0, m.start() - 8), m.start())
        if m.group("please") and "," not in m.group("lead") and before:
            break
        end = m.start()
    return q[:end]


def _clause_asked(q: str) -> str | None:
    """The clause of a long message that is its question: the first one asked with a "?",
    else the first that starts no relative clause ("Our contractor, who joined in March,
    ..."), else the first; None when no clause starts with a question word."""
    found: list[tuple[bool, bool, str]] = []
    for m in _CLAUSE.finditer(q):
        clause = _CLAUSE_END.sub("", m.group("q")).strip()
        if len(_WORDS.findall(clause)) < 3:
            continue
        relative = (
            m.group("lead").startswith(",")
            and _RELATIVE.match(clause) is not None
            and not _NOT_NOUN.search(q, max(0, m.start() - 12), m.start())
        )
        found.append((q[m.end() : m.end() + 1] == "?", not relative, clause))
    if not found:
        return None
    # max keeps the first of equals: the earliest clause among the best
    clause = max(found, key=lambda f: f[:2])[2]
    return clause[0].upper() + clause[1:] + "?"


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
        return _what_is(m.group("topic"))
    return None


# A person's full name as a follow-up carries it ("(Samira Haddad)", "(John W. Eaton)"):
# ``rag/followup.py`` carries it, the extractive answerer finds it again in the bracket.
PERSON_NAME = rf"[{UPPER}][{LOWER}]+(?:\s+[{UPPER}]\.)?(?:\s+[{UPPER}][{LOWER}'\-]+){{1,2}}"

# "and in tokio? (hotel limit london)": the terms a follow-up carried (``rag/followup.py``),
# with the "?" that reading an instruction as a question may add after them.
_CARRIED = re.compile(r"\s*\([^()]*\)[\s?]*$")


def own_part(question: str) -> str:
    """The question without the terms a follow-up carried in brackets: "and in Tokyo?
    (hotel limit london)" -> "and in Tokyo?"; a question that is only a bracket is kept."""
    return _CARRIED.sub("", question) or question


# What people type that asks nothing of the documents: a greeting, a thanks, "help".
_HELP = re.compile(
    r"^\s*(?:how\s+are\s+you|help|what\s+can\s+you\s+do|who\s+are\s+you|what\s+are\s+you)"
    r"\s*[?!.]*\s*$",
    re.I,
)
_ACK = re.compile(r"^\s*(?:ok(?:ay)?|cool|great|nice|bye|goodbye|see\s+you)\s*[?!.]*\s*$", re.I)


def small_talk(text: str) -> str | None:
    """ "thanks" for a message that only thanks, "hello" for one that only greets or asks
    what this is ("hi", "help", "what can you do?"), "no_words" for one with no word at all
    ("?!"), else None: a refusal ("I don't have
    enough information ...") answered "hi" in a newcomer's first minute."""
    if not text.strip():
        return None
    if not any(ch.isalnum() for ch in text):
        return "no_words"  # "?!?...": nothing to search for (it was searched, and refused)
    rest = _GREETING.sub("", text)
    if not rest.strip() or _HELP.match(rest):
        return "hello"
    if _ACK.match(rest) or not _without_closings(rest).strip(" ,.!:;-"):
        return "thanks"
    return None


# "What is the daily meal allowance and are taxis reimbursed?": a second question after
# ", and" that asks on its own. Much in SQuAD-like questions only looks so: "financial and
# what other reasons?", "between 5 and how many minutes?", "distilled brandy and were
# Huguenots?", "are uncommonly consumed ... and are typically known to vary?".
_WH_ADVERB = frozenset({"when", "where", "why", "how"})
_WH_PRONOUN = frozenset({"what", "which", "who", "whom", "whose"})
_BE_DO = frozenset({"is", "are", "was", "were", "do", "does", "did"})
_MODAL = frozenset({"can", "could", "will", "would", "should", "may", "must"})
_SUBJECT = frozenset(
    re.findall(
        r"\w+",
        "i you we they it he she there one a an the my our your their his her its this that "
        "these those any some",
    )
)
_OPENERS = _WH_ADVERB | _WH_PRONOUN | _BE_DO | _MODAL
_HOW = frozenset({"much", "many", "long", "often", "far", "old", "big", "large", "soon", "well"})
_TWO_QUESTIONS = re.compile(
    r"^(?P<first>.{12,}?),?\s+and\s+(?:also\s+)?(?P<second>\S.{6,}?)[\s?]*$", re.I
)
# the first part asks from its start ("Since which ...", "Is ...") or after a comma
# ("Compressing a 20,000 byte file with -9, how much memory ...")
_FIRST_ASKS = re.compile(
    r"(?:^|,\s+)(?:(?:since|until|in|on|for|at|to|from|by|with|under|during|after|before)\s+)?"
    rf"(?:{'|'.join(sorted(_OPENERS))})\b",
    re.I,
)
# a second part pointing back at the first ("... and what is its depth?")
_POINTS_BACK = re.compile(r"\b(?:it|its|they|them|their|these|those)\b", re.I)
_TERM = re.compile(r"(?:-(?=\d))?[^\W_](?:[\w'\-]|[.,](?=\w))*")  # "20,000" and "-9" stay whole
_NOT_CARRIED = STOP_WORDS | _OPENERS | {"since", "until", "first", "time", "happens", "happen"}


def _asks_on_its_own(second: str) -> bool:
    """ "are taxis reimbursed", "what is its depth", "how do I request them", "can I bring
    a guest": a question word then the inverted verb or a subject - not "what other
    reasons", "when a final inspection is passed", "are typically known", "were Huguenots",
    "must undertake the project"."""
    words = [w.casefold().strip(",;:") for w in second.split()]
    if len(words) < 2:
        return False
    first, after = words[0], words[1]
    if first in _WH_ADVERB:
        return after in _BE_DO | _MODAL or (first == "how" and after in _HOW)
    if first in _WH_PRONOUN:
        return after not in {"other", "else", "a", "an", "the"} and len(words) >= 3
    if first in _BE_DO:
        participle = after.endswith(("ly", "ed")) or after in {"not", "known", "been", "being"}
        return len(words) >= 3 and not participle
    return first in _MODAL and after in _SUBJECT


def two_questions(question: str) -> tuple[str, str] | None:
    """The two questions of "What is X, and are Y reimbursed?", each standing alone; the
    second carries the first's words in brackets when it points back at them ("what is its
    depth? (Ninja version console pool exist)"), as a follow-up does. None for one question.
    """
    m = _TWO_QUESTIONS.match(" ".join(question.split()))
    if m is None or not _FIRST_ASKS.search(m["first"]) or not _asks_on_its_own(m["second"]):
        return None
    first, second = m["first"].rstrip(" ,;"), m["second"]
    if _POINTS_BACK.search(second):
        said = {w.casefold() for w in WORD.findall(second)}
        carried = [
            w
            for w in dict.fromkeys(_TERM.findall(first))
            if w.casefold() not in _NOT_CARRIED | said
        ]
        second = f"{second}? ({' '.join(carried[:6])})" if carried else second
    return f"{first[0].upper()}{first[1:]}?", f"{second[0].upper()}{second[1:]}".rstrip("?") + (
        "" if second.endswith(")") else "?"
    )
