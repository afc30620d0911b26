"""What kind of answer a question wants: yes/no, a list, a definition, or a fact (who, when,
how many, where, what...). The extractive answer's composition follows from it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from providers.antonyms import antonym_swap
from providers.extractive_terms import STOPWORDS, WORD, content_terms

_NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_YES_NO = re.compile(
    r"^\s*(is|are|was|were|do|does|did|can|could|will|would|should|shall|has|have|had|may|"
    r"must|isn't|aren't|doesn't|don't|didn't|can't|won't)\b",
    re.I,
)
_ALSO_ASKS = re.compile(
    r"[,;]?\s+(?:and|or|but)\s+(?P<wh>which|what|how|when|where|who|why)\b", re.I
)
_LIST_VERB = re.compile(r"^\s*(name|list|enumerate|give|identify|state)\b", re.I)
_LIST_NOUN = re.compile(
    r"\b(types|kinds|objectives|functions|categories|steps|components|elements|parts|levels|"
    r"principles|tiers|phases|requirements|members|items|options|areas|goals|factors|criteria)\b",
    re.I,
)
_COUNTED = re.compile(r"\b(two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+[a-z]", re.I)
_ART = r"(?:(?:a|an|the)\s+)?"
# "What does old-versions mean in debian_defaults?": where the term is used, not part of it
_WHERE = r"(?:\s+(?:in|for|within|inside)\s+[^?]{1,40}?)?"
_DEFINITION = re.compile(
    rf"^\s*(?:what\s+(?:is|are)\s+{_ART}(?P<a>[^?]{{1,60}}?)"
    rf"|define\s+{_ART}(?P<b>[^?]{{1,60}}?)"
    rf"|what\s+(?:does|do)\s+{_ART}(?P<c>[^?]{{1,60}}?)\s+mean{_WHERE}"
    rf"|what\s+is\s+meant\s+by\s+{_ART}(?P<d>[^?]{{1,60}}?)"
    # "What does mandb do?": for a program or an option, what it does is its definition
    rf"|what\s+(?:does|do)\s+{_ART}(?P<e>[^?]{{1,60}}?)\s+do{_WHERE})\s*[?.]?\s*$",
    re.I,
)
_CODE_TERM = re.compile(
    r"^\s*what\s+(?:is|are|does)\s+(?P<t>[\w.]*(?:_|\.\w|\(\))[\w.()]*)"
    r"(?:\s+(?:do|mean))?(?:\s+(?:in|for)\s+[^?]{1,40}?)?\s*[?.]?\s*$",
    re.I,
)
_PREPOSITION = re.compile(r"\b(in|of|for|at|on|to|from|by|with|per|during|after|before)\b", re.I)
MAX_DEFINED_WORDS = 5
_NEGATION = re.compile(r"^(not|no|never|cannot|without|neither|nor)$|n't$", re.I)


@dataclass(frozen=True)
class QuestionType:
    kind: str  # "yesno" | "list" | "definition" | "fact"
    count: int | None = None  # a list question's announced size ("the five Functions")
    noun: str = ""  # what the list holds: "objectives" in "the three security objectives"
    term: str = ""  # a definition question's term


def _noun(question: str) -> str:
    """The head noun after the count: "three security objectives defined" -> "objectives"."""
    m = re.search(_COUNTED.pattern + r"[\w\-]*(?:\s+[A-Za-z][\w\-]*)*", question, re.I)
    if not m:
        return ""
    words = m.group(0).split()[1:]
    phrase = []
    for w in words:
        if w.lower() in STOPWORDS or w.lower() in ("defined", "make", "listed", "named"):
            break
        phrase.append(w)
    return phrase[-1] if phrase else ""


def _count(question: str) -> int | None:
    m = _COUNTED.search(question)
    if not m:
        return None
    word = m.group(1).lower()
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word)


def announced_count(sentence: str) -> int | None:
    """How many items a sentence announces ("The five Framework Core Functions are defined
    below." -> 5): a list asked for without a count ("List them.") has this many."""
    count = _count(sentence)
    return count if count and count > 1 else None


def classify(question: str) -> QuestionType:
    """The question's answer kind; "fact" covers the wh-questions (see ``_wh_type``)."""
    q = question.strip()
    if _YES_NO.search(q):
        # "Is ECDSA tied to one hash, and which hash is suggested?": a "Yes." or "No." would
        # answer the half the quote does not; the wh-half is the one answered.
        also = _ALSO_ASKS.search(q)
        return classify(q[also.end() - len(also.group("wh")) :]) if also else QuestionType("yesno")
    count = _count(q)
    plural_ask = re.match(r"^\s*(what|which)\s+(are|were)\b", q, re.I)
    # "Which three macro packages ...": a count right after the wh-word asks for the items
    counted_ask = re.match(r"^\s*(what|which)\s+" + _COUNTED.pattern, q, re.I)
    listy = plural_ask or counted_ask or _LIST_NOUN.search(q)
    if _LIST_VERB.search(q) or (count and count > 1 and listy):
        return QuestionType("list", count if count and count > 1 else None, noun=_noun(q))
    if plural_ask and _LIST_NOUN.search(q):
        return QuestionType("list")
    m = _DEFINITION.match(q)
    if m:
        term = next(g for g in m.groups() if g).strip()
        words = [w for w in WORD.findall(term) if w.lower() not in STOPWORDS]
        # a digit inside a name ("bzip2recover") is still a term; "version 1.0.2" is not
        plain = not re.search(r"(?<![A-Za-z])\d", term) and not _PREPOSITION.search(term)
        if 0 < len(words) <= MAX_DEFINED_WORDS and plain:
            return QuestionType("definition", term=term)
    # "What is _.identity in Underscore?": a name from code is defined wherever it is used
    if m := _CODE_TERM.match(q):
        return QuestionType("definition", term=m.group("t"))
    return QuestionType("fact")


# --- yes / no -----------------------------------------------------------------------------
def _negated(text: str, terms: set[str]) -> bool:
    """A negation within three words of one of ``terms`` (stemmed): "alcohol is not
    reimbursed", "not reimbursed"."""
    words = WORD.findall(text)
    stems = [content_terms(w) for w in words]
    for i, st in enumerate(stems):
        near = words[max(0, i - 3) : i] + words[i + 1 : i + 4]
        if st and st[0] in terms and any(_NEGATION.search(w) for w in near):
            return True
    return False


def polarity(question: str, sentence: str, passage: str = "") -> str | None:
    """ "Yes" or "No" when the sentence states (or denies) what the question asks;
    ``passage``: the text around it (the sentence need not repeat the document's name)."""
    asked = content_terms(question)
    q_terms = set(asked)
    s_terms = set(content_terms(sentence))
    if not q_terms or len(q_terms & s_terms) / len(q_terms) < 0.6:
        return None
    # "Can man display manual pages in a web browser?" against "... man will display all
    # manual pages ...": the passage is silent on the thing asked about ("web browser", two
    # words in a row it lacks), so neither "Yes" nor "No" is what it says. So is it when the
    # last word, the thing asked about, is missing ("Does bzip2 support encryption?" got
    # "No." from "... is dangerous and not supported"), unless the sentence says its opposite.
    around = s_terms | set(content_terms(passage))
    if any(a not in around and b not in around for a, b in pairwise(asked)):
        return None
    opposite = antonym_swap(question, sentence) or _opposed(question, sentence)
    if asked[-1] not in around and not opposite:
        return None
    shared = q_terms & s_terms
    # "meeting-free" in the sentence says no, unless the question asks it ("Are Fridays
    # meeting-free?")
    free = _free_of(sentence, shared) and not _free_of(question, q_terms)
    said_no = _negated(sentence, shared) or _excluded(sentence, shared) or free
    # "Can I carry over all my unused vacation days?" / "Up to 5 ... can be carried over": a
    # limit answers "all" with no
    said_no = said_no or bool(_ALL.search(question) and _LIMIT.search(sentence))
    # "Is the form recommended?" against "... the form is deprecated.": the opposite word
    # says no as a negation does
    if opposite:
        said_no = not said_no
    asked_no = any(_NEGATION.search(w) for w in WORD.findall(question))
    said = "No" if said_no != asked_no else "Yes"
    # "Is sick leave paid?" against "Sick leave is unlimited but ...": a "Yes" needs what is
    # asked of the subject (the question's last word) in the sentence; without it, it was a
    # guess (a "No" comes from a negation the sentence does say).
    # "Is the warranty three years?" / "An extended warranty adds three more years": a "Yes"
    # to a number needs the number as asked ("three years"), or it was a guess.
    yes_unsure = asked[-1] not in s_terms or not _states_numbers(question, sentence)
    # "Can I get a refund after 14 days?" / "After 14 days, refunds are only offered when a
    # replacement is impossible.": yes, but only then - the quote says so, a "Yes." hid it
    yes_unsure = yes_unsure or bool(_CONDITION.search(sentence) and not _CONDITION.search(question))
    return None if said == "Yes" and yes_unsure else said


_CONDITION = re.compile(
    r"\b(?:only(?:\s+\w+){0,3}\s+(?:if|when|where|once)|unless|except (?:if|when|where)|"
    r"provided (?:that|you)|as long as|on condition that|subject to)\b",
    re.I,
)


_ALL = re.compile(r"\b(?:all|every|unlimited|as many as I (?:want|like))\b", re.I)
_LIMIT = re.compile(r"\b(?:up to|at most|no more than|a maximum of|limited to|only \d)", re.I)
_NUMBER = re.compile(
    r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty)\b", re.I
)


def _free_of(sentence: str, terms: set[str]) -> bool:
    """ "Fridays are meeting-free days": the sentence says there are no meetings."""
    named = re.findall(r"\b([A-Za-z]+)-free\b|\bfree of (?:any |all )?([A-Za-z]+)", sentence)
    return any(set(content_terms(x or y)) & terms for x, y in named)


def _states_numbers(question: str, sentence: str) -> bool:
    """Every number of the question is in the sentence as a number of the thing, not of an
    addition to it ("three more years", "two extra days")."""
    low = sentence.lower().replace(",", "")
    for m in _NUMBER.finditer(question):
        num = re.escape(m.group(0).lower().replace(",", ""))
        if not re.search(rf"\b{num}\b(?![\s-]+(?:more|additional|extra|further|other)\b)", low):
            return False
    return True


# "These standards shall apply to ... all systems other than those designated as national
# security systems": what an exclusion names is what the sentence says does not hold.
_EXCLUSION = re.compile(
    r"\b(?:other than|except(?: for| that)?|excluding|with the exception of|apart from)\b", re.I
)
EXCLUDED_WORDS = 12  # how far an exclusion reaches ("other than those information systems ...")


def _excluded(text: str, terms: set[str]) -> bool:
    """A question word the sentence names only inside an exclusion's reach: "all expenses
    except alcohol" excludes alcohol; "contractors, except those on short contracts" does not
    exclude contractors (named before it)."""
    for m in _EXCLUSION.finditer(text):
        before = set(content_terms(text[: m.start()]))
        reach = " ".join(WORD.findall(text[m.end() :])[:EXCLUDED_WORDS])
        if any(t not in before for t in terms & set(content_terms(reach))):
            return True
    return False


# Opposites that documentation uses for what is advised or possible (the general list in
# ``providers.antonyms`` is fitted to SQuAD's refusals and kept short on purpose).
_OPPOSITES = (
    ("recommend", "deprecat|discourag|obsolete"),
    ("requir|mandatory", "optional"),
    ("support", "unsupport|deprecat"),
    ("allow|permit", "forbid|prohibit|disallow"),
    ("enabl", "disabl"),
    ("need|necessar", "unnecessar|needless|not necessar"),
    # "Can a rule declare more than one command?" / "Each rule may have only one command."
    ("more than one|multiple|several", "only one|a single|at most one|just one|exactly one"),
)
# A question word negated by a prefix in the sentence ("available" / "unavailable",
# "supported" / "non-supported"): the sentence denies what the question asks.
_NEGATING_PREFIX = ("un", "non", "non-")
# "in-" and its forms only before an adjective's ending ("compatible" / "incompatible",
# "valid" / "invalid"), not before a noun's ("formation" / "information").
_IN_PREFIX = ("in", "im", "il", "ir")
_ADJECTIVE_END = re.compile(r"(?:ible|able|ent|ant|ete|ect|ive|ure|id|al)$")


def _opposed(question: str, sentence: str) -> bool:
    q, s = question.lower(), sentence.lower()
    for word, opposite in _OPPOSITES:
        asked = re.search(rf"\b(?:{word})", q) and not re.search(rf"\b(?:{word})", s)
        if asked and re.search(rf"\b(?:{opposite})", s):
            return True
    s_words = {w.lower() for w in WORD.findall(sentence)}
    for t in WORD.findall(question):
        low = t.lower()
        if len(low) >= 5 and low not in s_words:
            stem = low[:-1] if low.endswith("s") else low
            prefixes = _NEGATING_PREFIX + (_IN_PREFIX if _ADJECTIVE_END.search(low) else ())
            if any(w.startswith(p + stem) for p in prefixes for w in s_words):
                return True
    return False


_LOWER_WORD = re.compile(r"[a-z0-9][\w'-]*")


def says_predicate(question: str, sentence: str) -> float:
    """Does the sentence say the yes/no question's last two words, what it asks of its
    subject (1)? "Does the learning budget roll over?" is decided by "Unused budget does not
    roll over.", not by the sentence that repeats "learning budget". Or its last content
    word (0.5): "Can I put the grinder in the dishwasher?" by "Never put the motor base in
    water or in a dishwasher.", not by "... do not put the grinder in household waste"."""
    tail = " ".join(_LOWER_WORD.findall(question.lower())[-2:])
    said = " ".join(_LOWER_WORD.findall(sentence.lower()))
    if tail and f" {tail} " in f" {said} ":
        return 1.0
    last = content_terms(question)[-1:]
    return 0.5 if last and last[0] in content_terms(sentence) else 0.0


def unanswered_yes_no(question: str, answer: str) -> bool:
    """A yes/no question answered with neither "Yes" nor "No" by a quote that says neither
    of its last two content words, what it asks about: "Does the agreement allow me to paint
    the walls?" got the agreement's opening sentence. (One of them may be a modifier the
    quote words otherwise: "by default" / "Normally, bzip2 will not overwrite ...". A number
    is a qualifier, not what is asked about: "... the default again in 2.29?" of the 2.29
    release notes.)"""
    if classify(question).kind != "yesno" or answer.startswith(("Yes.", "No.")):
        return False
    last = [t for t in content_terms(question) if not t.isdigit()][-2:]
    return bool(last) and not set(last) & set(content_terms(answer))


_COUNT_WORD = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|"
    r"thousand|million|dozen|twice)\b",
    re.I,
)


def count_word(wh: str, text: str, question: str) -> float:
    """A number in words ("either two or three arguments") answers "how many" as a digit does."""
    if wh != "how_many":
        return 0.0
    q = question.lower()
    return float(any(m.group(0).lower() not in q for m in _COUNT_WORD.finditer(text)))
