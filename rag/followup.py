"""Follow-up questions without an LLM: use the conversation only when the question needs it.

"How many of them can be carried over?" after a question about vacation days, "And in
Paris?" after one about London's hotel limit, "What is its battery life?" after one about
the Carrier R2: the question points back (a pronoun, an ellipsis) and cannot be searched
alone. A question that names its own topic ("How much does the Carrier R2 cost?") is
searched as asked, so the last topic does not pollute the next one.

:func:`in_context` turns a follow-up into a standalone-ish question: an ellipsis takes the
previous question with its named entity swapped ("What is the nightly hotel limit in
Paris?"); a pronoun keeps the question and adds the previous turn's key terms in brackets.
An ellipsis that names its own subject ("What about meals?" after the hotel limit in Tokyo)
is about that subject: it carries only the thing the last question was about ("And the
battery? (Carrier R2)"), not the old topic's words, which answered the old question again.
The result is both the search query and the extractive answerer's notion of what is asked
(``Request.metadata["focus"]``). The chat session (with an LLM rewrite, or this) and the
CLI both call it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from providers.base import Message
from providers.extractive_sections import LATEST_RELEASE
from providers.extractive_terms import STOPWORDS, WORD
from text.asking import PERSON_NAME, own_part  # a trailing "(...)": the terms _resolve carried
from text.terms import LOWER, UPPER, pointing

MAX_FOLLOW_UP_WORDS = 14
MAX_CARRIED_TERMS = 8

# "And in Paris?", "What about contractors?", "Same for London?"
_ELLIPSIS = re.compile(
    r"^\s*(and|or|but|also|what about|how about|what of|same for|and what about)\b", re.I
)
# Pronouns that point back; "that"/"this"/"there" only as a whole short question's object
# ("Is that paid?"), not as a relative pronoun ("the robots that wait").
_PRONOUN = pointing()
_DEMONSTRATIVE = re.compile(r"\b(this|that|these|there|then)\b", re.I)
# "How many implementation tiers are there?", "Is there a dress code?": "there" says that
# something exists, it points nowhere ("Who works there?" does).
_EXISTENTIAL = re.compile(
    r"\b(?:is|are|was|were|be)\s+there\b|\bthere\s+(?:is|are|was|were)\b", re.I
)
_WH_START = re.compile(r"^\s*(what|which|who|whom|whose|when|where|why|how)\b", re.I)
_WH_WORDS = re.compile(
    r"^\s*(?:what|which|who|whom|whose|when|where|why|how(?:\s+(?:much|many|long|often|far))?)\b",
    re.I,
)
# The leads of an ellipsis, however many ("And what about meals?" -> "meals?").
_LEADS = re.compile(
    r"^(?:\s*(?:and|or|but|also|what about|how about|what of|same for)\b[\s,]*)+", re.I
)
# "And in Tokyo?", "And per month?", "What about for contractors?": the follow-up qualifies
# the last question (a place, a period, a group), it does not name a new subject.
_QUALIFIER = re.compile(
    r"^\s*(?:in|on|at|for|per|during|from|to|with|without|by|under|over|after|before|"
    r"within|outside|inside|near|via|across|between)\b",
    re.I,
)
# "in London", "at the Tacoma office", "during March": where or when the last question was
# asked, not what it was about.
_LOCATIVE = r"\b(?:in|at|on|from|to|near|during|within|outside|across|since|until)"
_CITATION = re.compile(r"\s*\[\d{1,3}\]")
# "Carrier R2", "FIPS 199", "Version 4.2": a number right after a name is part of it.
_NAME_WORD = rf"[{UPPER}][{UPPER}{LOWER}0-9\-]*"
_CAPITALISED = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD})*(?:\s+\d+(?:\.\d+)*(?![\d,.]*\d))?")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_SENTENCE_GAP = re.compile(r"[.!?]\s+")
_GENERIC_VERBS = frozenset(["get", "gets", "got", "give", "gives", "need", "needs", "tell", "say"])


def needs_context(question: str) -> bool:
    """Does the question point back at the conversation (pronoun or ellipsis)?"""
    words = WORD.findall(question)
    if not words or len(words) > MAX_FOLLOW_UP_WORDS:
        return False
    if _ELLIPSIS.search(question):
        return True
    if _loose_pronouns(question):
        return True
    return len(words) <= 6 and bool(_DEMONSTRATIVE.search(_EXISTENTIAL.sub(" ", question)))


# "the laptop ... its", "a Carrier R2 ... it": a noun phrase the pronoun can point to.
_DETERMINED_NOUN = re.compile(r"\b(the|a|an|my|our|your|this|each|every)\s+[A-Za-z][\w-]*", re.I)
# "new employees ... their": a plural content word before a plural pronoun.
_PLURAL_NOUN = re.compile(r"\b[A-Za-z][a-z-]{2,}s\b")


def _has_own_antecedent(question: str, pronoun: re.Match[str]) -> bool:
    """Does the pronoun point inside its own question? "What allowance do new employees get
    for their home office?" names its topic and must not borrow the last one (which pulled
    the search off topic and got it refused); "Do they get a laptop?" names nothing."""
    before = question[: pronoun.start()]
    p = pronoun.group(0).lower()
    if p in ("their", "theirs", "them"):
        return any(w.group(0).lower() not in STOPWORDS for w in _PLURAL_NOUN.finditer(before))
    if p in ("it", "its"):
        names = _entities(before)
        return bool(names) or bool(_DETERMINED_NOUN.search(before))
    return False  # "they" as a subject, he/she/his/her/those: a person or group named before


def _standalone_history(history: Sequence[Message]) -> list[tuple[str, str]]:
    """(question in context, answer) per earlier exchange, oldest first: a follow-up of a
    follow-up resolves through the one before."""
    turns: list[tuple[str, str]] = []
    pending: str | None = None
    for m in history:
        if m.role == "user":
            if pending is not None:
                turns.append((pending, ""))
            pending = _resolve(m.content, turns[-1] if turns else None)
        elif m.role == "assistant" and pending is not None:
            turns.append((pending, m.content))
            pending = None
    if pending is not None:
        turns.append((pending, ""))
    return turns


def _entities(text: str, question: bool = True) -> list[str]:
    """Capitalised phrases and numbers; a question's first word ("What", "And") and leading
    stop words ("The Carrier R2" -> "Carrier R2") are not names."""
    out = []
    starts = {len(text) - len(text.lstrip())} | {m.end() for m in _SENTENCE_GAP.finditer(text)}
    for m in _CAPITALISED.finditer(text):
        words = m.group(0).split()
        # A question's first word is never a name; an answer sentence's only when one word
        # ("Every new parent...", but "Priya Raman founded...").
        if m.start() in starts and (question or len(words) == 1):
            words = words[1:]
        while words and words[0].lower() in STOPWORDS:
            words = words[1:]
        if words:
            out.append(" ".join(words))
    return out + _NUMBER.findall(text)


def _refused(answer: str) -> bool:
    return answer.startswith("I don't have enough information")


def key_terms(question: str, answer: str = "") -> list[str]:
    """The words a follow-up borrows: the question's content words, then the names and
    numbers of the answer (not its every word: a long answer would swamp the search)."""
    refused = _refused(answer)
    words = [w for w in WORD.findall(question) if w.lower() not in STOPWORDS | _GENERIC_VERBS]
    # The answer's names only when the question named nothing ("Who founded it?" -> the
    # founders); otherwise its extra names ("US", a plan) pull the search off topic.
    if answer and not refused and not _entities(question):
        names = _entities(_CITATION.sub("", answer), question=False)
        names = [e for e in names if not _NUMBER.fullmatch(e) and e not in ("Yes", "No")]
        words += [w for e in names for w in e.split()]
    seen: dict[str, str] = {}
    for w in words:
        seen.setdefault(w.lower(), w)
    return list(seen.values())[:MAX_CARRIED_TERMS]


_VERSION_NUMBER = re.compile(r"(?:version\s+|v)?(?P<number>\d+(?:\.\d+)+)", re.I)


def _swap_version(previous: str, follow_up: str) -> str | None:
    """ "and in 4.1?" after "what's new in the latest release?" -> "what's new in release
    4.1?" (it was answered with the support phone number), else None."""
    latest = LATEST_RELEASE.search(own_part(previous))
    named = [m for e in _entities(follow_up) if (m := _VERSION_NUMBER.fullmatch(e))]
    if latest is None or len(named) != 1:
        return None
    version = f"{latest.group(1)} {named[0].group('number')}"
    return f"{previous[: latest.start()]}{version}{previous[latest.end() :]}"


def _swap_entity(previous: str, follow_up: str) -> str | None:
    """ "And in Paris?" after "What is the limit in London?" -> "What is the limit in Paris?"
    (the previous question's named entity replaced by the follow-up's), else None. The
    previous question's own names come first: "and in Tokyo? (hotel limit US New York)"
    swaps Tokyo, not a name its answer lent it."""
    new = _entities(follow_up)
    old = _entities(own_part(previous)) or _entities(previous)
    if len(new) != 1 or not old:
        return None
    return previous.replace(old[-1], new[0], 1)


# "And engineers?" after "Which laptop do office staff get?" asks the same of another group
# of people: "Which laptop do engineers get?". Nothing capitalised named the old topic, so
# nothing was carried, and "engineers" alone was searched (and refused).
_PEOPLE = (
    r"(?:staff|people|personnel|employees?|workers?|members?|contractors?|interns?|"
    r"managers?|engineers?|analysts?|developers?|students?|visitors?|guests?|customers?|"
    r"drivers?|starters?|hires?|volunteers?|consultants?|executives?|directors?|users?|"
    r"tenants?|applicants?|participants?|patients?|children|adults?|parents?|officers?)"
)
_GROUP = re.compile(rf"\b(?:(?P<kind>[A-Za-z][\w-]*)\s+)?{_PEOPLE}\b", re.I)
_GROUP_ALONE = re.compile(
    rf"^\s*(?:(?:for|to)\s+)?(?:the\s+|our\s+)?(?P<group>(?:[A-Za-z][\w-]*\s+)?{_PEOPLE})"
    r"\s*[?.!]*\s*$",
    re.I,
)


def _group_span(text: str) -> tuple[int, int] | None:
    """Where the last group of people in ``text`` is ("office staff", "new employees")."""
    found = list(_GROUP.finditer(text))
    if not found:
        return None
    m = found[-1]
    kind = m.group("kind")
    start = (
        m.start()
        if kind and kind.lower() not in STOPWORDS | _GENERIC_VERBS
        else m.end() - len(m.group(0).split()[-1])
    )
    return start, m.end()


def _swap_group(previous: str, rest: str) -> str | None:
    """The last question asked of the group of people the follow-up names, else None."""
    m = _GROUP_ALONE.match(rest)
    own = own_part(previous)
    span = _group_span(own)
    if m is None or span is None:
        return None
    words = m.group("group").split()  # "its users": the users, not "its"
    group = words[-1] if len(words) > 1 and words[0].lower() in STOPWORDS else " ".join(words)
    return own[: span[0]] + group + own[span[1] :]


# "And the extended one?" after "What is the warranty?": "one" stands for the last topic (an
# extended warranty); searched alone, "extended" found nothing to answer with.
_SUBSTITUTE = re.compile(
    r"\b(?:the|a|an|this|that|which|cheaper|other|new|old|\w+er|\w+est|"
    r"\w+ed)\s+ones?\b",
    re.I,
)


def _own_subject(question: str, rest: str, previous: tuple[str, str]) -> bool:
    """Does the ellipsis name a subject of its own ("What about meals?", "And the
    warranty?") rather than qualify the last question ("And in Tokyo?", "What about
    Tokyo?", "And per month?", "Same for contractors?") or point back ("What about its
    battery?", "And that?")? A name typed in lower case is known when the last exchange
    wrote it capitalised ("what about tokyo?" after "... London and Tokyo.")."""
    lead = question[: len(question) - len(rest)].lower()
    if "same" in lead or _QUALIFIER.match(rest):
        return False
    if _loose_pronouns(question):
        return False
    if _DEMONSTRATIVE.search(_EXISTENTIAL.sub(" ", rest)) or _SUBSTITUTE.search(rest):
        return False
    prev_q, prev_a = previous
    said = [*_entities(question), *_entities(prev_q), *_entities(prev_a, question=False)]
    names = {w.lower() for e in said for w in e.split()}
    words = (w.lower() for w in WORD.findall(rest))
    return any(w not in STOPWORDS | _GENERIC_VERBS and w not in names for w in words)


def _names_new_thing(question: str, rest: str, previous: tuple[str, str]) -> bool:
    """Does a wh-question after "and" name a thing of its own ("and how much are meals?",
    "And what is the deposit?") - a plural or determined noun the last exchange never said -
    rather than leave it out ("And how many can be carried over?", "and how many expire?")?
    Carried, the last question's words answered it again (the hotel limit for "meals")."""
    if _loose_pronouns(question):
        return False
    said = {w.lower() for w in WORD.findall(" ".join(previous))}
    # The word after the wh-word is its verb or what it counts ("what happens", "how many
    # days"), never a new thing; a name ("in Paris") qualifies the last question.
    after = _WH_WORDS.sub("", rest, count=1).split(maxsplit=1)
    nouns = [m.group(0).split()[-1] for m in _DETERMINED_NOUN.finditer(rest)]
    nouns += [m.group(0) for m in _PLURAL_NOUN.finditer(after[1] if len(after) > 1 else "")]
    return any(n.islower() and n not in said | STOPWORDS | _GENERIC_VERBS for n in nouns)


def _about_own_subject(question: str, previous: str) -> str:
    """ "And the battery?" after "What does the Carrier R2 do?" -> "And the battery? (Carrier
    R2)": the new subject with the thing the last question was about, which it lacks. A
    place or time the last question was asked *in* is not carried: it qualified the old
    topic, the new one may not vary by it (meals are 75 dollars in every city), and the
    answerer wants each carried word in its answer ("What about meals? (Tokyo)" was refused).
    With names of its own ("What about meals in Paris?") it carries nothing."""
    if _entities(question):
        return question
    own = own_part(previous)
    said = question.lower()
    # a follow-up of a follow-up: "What is its warranty?" after "How long does its battery
    # last? (Carrier R2)" is about what that one carried, not about its battery
    carried = previous[len(own) :] if previous.startswith(own) else ""
    names = [
        e
        for e in dict.fromkeys(_entities(own) or _entities(carried))
        if not _NUMBER.fullmatch(e)
        and not re.search(_LOCATIVE + r"\s+(?:the\s+)?" + re.escape(e), own, re.I)
        and e.lower() not in said
    ]
    return f"{question} ({' '.join(names)})" if names else question


def _resolve(question: str, previous: tuple[str, str] | None) -> str:
    if previous is None or not needs_context(question):
        return question
    prev_q, prev_a = previous
    lead = _LEADS.match(question)
    rest = question[lead.end() :] if lead else ""
    if lead and _WH_START.match(rest) and _names_new_thing(question, rest, previous):
        return _about_own_subject(question, prev_q)  # "and how much are meals?"
    if lead and (version := _swap_version(prev_q, question)) is not None:
        return version
    if lead and (group := _swap_group(prev_q, rest)) is not None:
        return group  # "And engineers?": the same question, of engineers
    if lead and not _WH_START.match(rest):
        if _own_subject(question, rest, previous):
            about = _about_own_subject(question, prev_q)
            # "and alcohol?" after "... meals?" was answered "... alcohol is not
            # reimbursed.": a word of the last answer is asked about in its topic
            return _carried(question, prev_q, "") if _said_in(rest, prev_a) else about
        swapped = _swap_entity(prev_q, question)
        if swapped:
            return swapped
    if (person := _person_pointed_at(question, prev_q, prev_a)) is not None:
        return f"{question} ({person})"  # "What certificates does she have?" (Samira Haddad)
    if _points_at_thing(question):  # "its warranty" after "... the Carrier R2 battery ..."
        about = _about_own_subject(question, prev_q)
        if about != question:
            return about
    return _carried(question, prev_q, prev_a)


def _carried(question: str, prev_q: str, prev_a: str) -> str:
    terms = [t for t in key_terms(prev_q, prev_a) if t.lower() not in question.lower()]
    return f"{question} ({' '.join(terms)})" if terms else question


def _said_in(rest: str, answer: str) -> bool:
    """Is every content word of the follow-up in the last answer?"""
    words = {w.lower() for w in WORD.findall(rest)} - STOPWORDS - _GENERIC_VERBS
    said = {w.lower() for w in WORD.findall(answer)}
    return bool(words) and words <= said


# "it"/"its" point at a thing the last question named ("What about its warranty?" after
# "How long does the Carrier R2 battery last?"): the thing's name is carried, not the last
# question's topic ("battery last"), which answered the old question again.
_IT = re.compile(r"\b(?:it|its)\b", re.I)


def _loose_pronouns(question: str) -> list[re.Match[str]]:
    """The question's pronouns that point outside it, at the last exchange."""
    return [m for m in _PRONOUN.finditer(question) if not _has_own_antecedent(question, m)]


def _points_only_with(question: str, kind: re.Pattern[str]) -> bool:
    """Does the question point back, and only with pronouns of ``kind`` ("it", "she")?"""
    pronouns = _loose_pronouns(question)
    return bool(pronouns) and all(kind.fullmatch(m.group(0)) for m in pronouns)


def _points_at_thing(question: str) -> bool:
    return _points_only_with(question, _IT)


# "she"/"he" point at a person the last answer (or question) named: "What certificates does
# she have?" after "Candidate: Samira Haddad" carries the name, not the last question's every
# word ("candidate interviewed volunteer coordinator role"), which outweighed it.
_PERSONAL = re.compile(r"\b(?:she|he|her|him|his|hers)\b", re.I)


def _person_pointed_at(question: str, prev_q: str, prev_a: str) -> str | None:
    if not _points_only_with(question, _PERSONAL):
        return None
    answer = "" if _refused(prev_a) else prev_a
    for text, asked in ((_CITATION.sub("", answer), False), (prev_q, True)):
        names = {e for e in _entities(text, question=asked) if _FULL_NAME.fullmatch(e)}
        if names:  # one named: the one pointed at; more: which one is for the usual way
            return names.pop() if len(names) == 1 else None
    return None


_FULL_NAME = re.compile(PERSON_NAME)


def in_context(question: str, history: Sequence[Message]) -> str:
    """The question as it should be searched and answered, given the conversation: itself
    when it stands alone, else completed from the previous exchange."""
    turns = _standalone_history(history)
    return _resolve(question, turns[-1] if turns else None)
