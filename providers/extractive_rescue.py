"""Rescues beside the refusal model: a question that asks for a time, a duration or an
amount, whose best sentence holds an expression of that kind and every other content word of
the question, is answered even when the model's probability is moderate; so is a question
about a name the sentence's general case covers ("in most cities").

Why: the model was fitted mostly on SQuAD 2.0 and leans on embedding similarity, which is
low for a plain paraphrase ("How far in advance should flights be booked?" against "All
flights ... are booked ... at least 14 days before departure": similarity 0.49). The words
that ask ("how far in advance") are never in the answer, so they are set aside; what is left
("flights", "booked") must all be in the sentence, and the sentence must hold the kind of
thing asked for (a number with a unit of time, a date) that the question itself does not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from providers.antonyms import antonym_swap
from providers.extractive_layout import answers_faq, faq_question
from providers.extractive_measures import TIME_UNIT, asked_measure, bounds_said, holds_kind
from providers.extractive_qtype import classify
from providers.extractive_refusal import Candidate, quotable
from providers.extractive_refusal import _wh_type as wh_type
from providers.extractive_rows import row_answers
from providers.extractive_signature import names_a_person
from providers.extractive_tables import covered_by_table
from providers.extractive_terms import ANAPHOR
from providers.extractive_topic import file_terms, topic_terms
from text.asking import own_part
from text.sentences import sentence_spans
from text.terms import content_terms, pointing

# The words that ask, by the kind of answer they ask for. They are removed from the question
# before its remaining content words are matched against the sentence.
_ASKS = (
    ("frequency", re.compile(r"\bhow often\b", re.I)),
    (
        "duration",
        re.compile(
            r"\bhow (far in advance|far ahead|long|soon|early|late|much time)\b|"
            rf"\bhow many {TIME_UNIT}\b|\bwithin what (time|period)\b",
            re.I,
        ),
    ),
    ("date", re.compile(r"\bwhen\b|\bwhat (date|day|year|month|time)\b|\bin what year\b", re.I)),
    (
        "amount",
        re.compile(r"\bhow (many|much)\b|\bwhat (percentage|percent|number|amount)\b", re.I),
    ),
)
MIN_KEY_TERMS = 2  # one covered word ("battery") is too little to vouch for a sentence


def asked_kind(question: str) -> tuple[str, str] | None:
    """The kind of answer the question asks for and the question without the asking words."""
    if (measure := asked_measure(question)) is not None:  # "how fast", "how much weight"
        return measure
    for kind, pat in _ASKS:
        m = pat.search(question)
        if m:
            return kind, question[: m.start()] + " " + question[m.end() :]
    return None


def type_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True when the best quotable sentence answers the question's kind and covers all its
    other content words (see the module's docstring)."""
    asked = asked_kind(question)
    if asked is None or not cands:
        return False
    kind, rest = asked
    key = set(content_terms(rest))
    if len(key) < MIN_KEY_TERMS:
        return False
    best = quotable(cands)[0]
    said = _said_with_antecedent(best) | bounds_said(best.text)
    return key <= said and holds_kind(kind, best.text, question)


def _said_with_antecedent(c: Candidate) -> set[str]:
    """The sentence's content words, with the sentence before's when it starts with a pronoun
    ("The Carrier R2 is a ... robot ... It carries up to 600 kilograms")."""
    said = set(content_terms(c.text))
    if ANAPHOR.match(c.text):
        said |= set(content_terms(sentence_before(c)))
    return said


def sentence_before(c: Candidate) -> str:
    """The sentence right before ``c`` in its passage ("" at the passage's start)."""
    before = sentence_spans(c.source.text[: c.start])
    return c.source.text[slice(*before[-1])] if before else ""


# A rule with a general case answers for what it does not name: "What is the hotel limit in
# Paris?" against "The nightly hotel limit is 220 US dollars in most cities and 320 dollars
# in New York, San Francisco, London and Tokyo." The model reads the unmatched name as a
# swapped entity (SQuAD's unanswerables are written that way) and refuses.
_GENERAL_CASE = re.compile(
    r"\b(?:most|all other|any other|every other|other)\s+(?:cities|countries|locations|"
    r"places|offices|sites|regions|states|destinations|cases)\b|\belsewhere\b",
    re.I,
)
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)*")


def general_case_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True when the question's only words missing from the best quotable sentence are a
    name, and the sentence states a general case ("in most cities", "elsewhere") beside the
    named ones."""
    if not cands:
        return False
    best = quotable(cands)[0].text
    sent = set(content_terms(best))
    names = [m.group(0) for m in _NAME.finditer(question.strip())]
    missing = [n for n in names if not set(content_terms(n)) <= sent]
    rest = set(content_terms(_NAME.sub(" ", question.strip())))
    return (
        bool(missing)
        and len(rest) >= MIN_KEY_TERMS
        and rest <= sent
        and bool(_GENERAL_CASE.search(best))
    )


# A question that points outside itself ("How long does its battery last?" with no
# conversation) is not the FAQ's question nor a yes/no the sentence settles: whose battery?
# "this"/"these" count here too: "Does this come in blue?" names nothing the FAQ can match.
_POINTS_BACK = pointing(frozenset({"this", "these"}))


def points_back(question: str) -> bool:
    """A pronoun that points outside the question, unless a follow-up carried what it
    points at ("What about its warranty? (Carrier R2)", ``rag/followup.py``)."""
    return bool(_POINTS_BACK.search(question)) and own_part(question) == question


# An FAQ that asks the user's question answers it right below: "How long does the battery
# last?" is a heading of the product FAQ, yet the model saw a 3-word question against "A fully
# charged Carrier R2 runs for about 10 hours." (similarity 0.46) and refused. SQuAD never
# has a question in its passage, so the model could not learn this.


def faq_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True when a quotable sentence opens the answer under an FAQ question that is the one
    asked: the two questions share most of their content words, and every word of the user's
    is in the FAQ's question or in its passage ("Which software does the fleet integrate
    with?" / "Which fleet software is used?" ... "It integrates with SAP EWM ...")."""
    if points_back(question):
        return False
    # "How long is the warranty?" under "What is the warranty?": "long" asks, it is no topic
    kind = asked_kind(question)
    asked = set(content_terms(kind[1] if kind else question))
    for c in quotable(cands):
        if answers_faq(c, question):  # the FAQ's question shares most words with the user's
            listed = set(content_terms(faq_question(c) or ""))
            # the passage names what the FAQ is about ("What is the warranty on the
            # Carrier R2?": the robot is named in the FAQ's other questions, not this one)
            if asked <= listed | set(content_terms(c.source.text)):
                return True
    return False


def yes_no_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True when a yes/no question's content words (two or more) are all in the best quotable
    sentence: it then says yes or no to them ("Can I work remotely?" / "Employees may work
    remotely up to three days per week.", similarity 0.53). A near miss the documents cannot
    answer leaves a word out ("Does bzip2 support multithreaded compression?")."""
    if classify(question).kind != "yesno":
        return False
    # "Is protocol v2 the default again in 2.29?" of "git-2.29.0-relnotes.txt": words that
    # name the document count as said
    named = file_terms(quotable(cands)[0].source) if cands else set()
    covered = all_in_best(question, cands, ignore=frozenset(named))
    if covered is not None:
        return len(covered[0]) >= MIN_KEY_TERMS
    # ... or says the opposite of the one it leaves out: "Does the quote include cabling?" /
    # "Prices exclude any cabling work, which will be quoted separately" (the answer: No)
    if not cands or points_back(question):
        return False
    key = set(content_terms(question))
    top = quotable(cands)[0]
    best = top.text
    missing = key - set(content_terms(best))
    if len(key) >= MIN_KEY_TERMS and _offered(missing, top):
        return True
    return len(key) >= MIN_KEY_TERMS and len(missing) == 1 and antonym_swap(question, best)


# "Is Okta supported?" / "Single sign-on with Okta and Microsoft Entra ID is now available."
# (P 0.32): whether a thing is supported is said as its being available, offered, provided.
_OFFER_ASKED = frozenset(["support", "offer", "provid", "allow", "enabl"])
_OFFER_SAID = _OFFER_ASKED | {"avail"}


def _offered(missing: set[str], best: Candidate) -> bool:
    """Is all the sentence leaves out of the question "supported" (or "offered", ...), which
    it says as "available" (or "supports", ...)? What the passage is about counts as said:
    "Does the fleet support Okta?" of the "Northwind Fleet release notes"."""
    missing = missing - topic_terms(best.source)
    said = set(content_terms(best.text))
    return bool(missing) and missing <= _OFFER_ASKED and bool(said & _OFFER_SAID)


def all_in_best(
    question: str, cands: Sequence[Candidate], ignore: frozenset[str] = frozenset()
) -> tuple[set[str], str] | None:
    """(the question's content words but ``ignore``, the best quotable sentence) when every
    one of those words is in that sentence and the question points at nothing outside
    itself; else None."""
    if not cands or points_back(question):
        return None
    key = set(content_terms(question)) - ignore
    best = quotable(cands)[0].text
    return (key, best) if key <= set(content_terms(best)) else None


# A table answers "How many background checks in Texas?" with Texas's total, but "background
# checks" is the table's name, in no row (similarity 0.48, P 0.25: refused). SQuAD has no
# tables, so the model never saw a question about one.
TABLE_RESCUE_RANKS = 3  # a long row is split over chunks: its total may be in the second


def table_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True when one of the best quotable candidates is a table row the question names, whose
    total it asks, and every other word of the question is the table's name."""
    return any(
        covered_by_table(question, c.text, c.source.source)
        for c in quotable(cands)[:TABLE_RESCUE_RANKS]
    )


# A short question is far from any long sentence in meaning: "Who is the lead?" against "The
# Falcon budget is 42 thousand euros and the lead is Marta Okafor." has similarity 0.30, and
# the model refused it (P 0.13). SQuAD 2.0 held-out with this rescue: 0.504 / 0.192
# unanswerable / answerable refused (0.5044 / 0.1939 without); a bare "what" (the same test,
# any sentence) cost 0.003 of the unanswerables and is left out.
SHORT_QUESTION_TERMS = 2


def short_question_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for a who- or how-many-question of one or two content words, all in the best
    quotable sentence, which names a person (holds a number) the question does not."""
    covered = all_in_best(question, cands)
    if covered is None or not 1 <= len(covered[0]) <= SHORT_QUESTION_TERMS:
        return False
    best = covered[1]
    wh = wh_type(question)
    if wh == "who":
        return names_a_person(best, question)
    return wh == "how_many" and holds_kind("amount", best, question)


# "Who must approve rental cars?" against "... rental cars need approval from a manager."
# was refused at P 0.42 (threshold 0.423). The sentence says from whom: "by" or "from" and a
# role. SQuAD 2.0 held-out with it: 0.5033 / 0.1916 (0.504 / 0.1922 without); also allowing a
# person's name there cost 0.004 of the unanswerables (0.5002) and is left out.
_AGENT = re.compile(r"\b(?:by|from)\s+(?:a|an|the|your|their|its)\s+[a-z][\w-]+", re.I)


def who_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for a who-question whose content words (two or more) are all in the best quotable
    sentence, which says by or from whom ("from a manager", "by the Director")."""
    if wh_type(question) != "who":
        return False
    covered = all_in_best(question, cands)
    if covered is not None:
        return len(covered[0]) >= MIN_KEY_TERMS and bool(_AGENT.search(covered[1]))
    # ... or names a person, with what it leaves out said right before it: "Who is the Heron
    # team lead?" / "The Heron project budget is 2.3 million dollars. The team lead is
    # Marisol Okafor." (P 0.29)
    if not cands or points_back(question):
        return False
    best = quotable(cands)[0]
    key = set(content_terms(question))
    own = key & set(content_terms(best.text))
    before = set(content_terms(sentence_before(best)))
    return len(own) >= MIN_KEY_TERMS and key - own <= before and names_a_person(best.text, question)


# "What are the password rules?", "What are the rules for passwords?": the rules of a topic
# are what the documents say about it; "rules" is in no sentence, and the model refused
# (P 0.38) "Passwords must be at least 14 characters long ...".
_RULES = r"(?:rules?|polic(?:y|ies)|guidelines?|requirements?|regulations?)"
_TOPIC_RULES = re.compile(
    rf"^\s*what\s+(?:are|is)\s+(?:the|our|your)\s+(?:(?P<a>[\w\s-]+?)\s+{_RULES}"
    rf"|{_RULES}\s+(?:for|on|about|of|around)\s+(?P<b>[\w\s-]+?))\s*\??\s*$",
    re.I,
)


def asks_rules_of(question: str) -> bool:
    """Does the question ask for the rules of a topic ("What are the security requirements?")?"""
    return _TOPIC_RULES.match(question) is not None


def topic_rules_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for "What are the X rules?" (the rules for X, X's policy) when every word of X
    is in the best quotable sentence."""
    m = _TOPIC_RULES.match(question)
    if m is None or not cands:
        return False
    topic = set(content_terms(m.group("a") or m.group("b") or ""))
    return bool(topic) and topic <= set(content_terms(quotable(cands)[0].text))


# "how much can I spend on meals" against "The daily meal allowance is 75 dollars" (P 0.33):
# what one may spend is the allowance or limit the documents state, in money.
_SPEND = re.compile(
    r"\bhow much (?:money )?(?:can|may|could|should|do|does) (?:i|we|you|employees?|staff|one) "
    r"(?:spend|claim|expense|get reimbursed|be reimbursed)(?: (?:on|for))?\b",
    re.I,
)
_MONEY = re.compile(
    r"\b\d[\d,.]*\s*(?:US\s+|U\.S\.\s+)?(?:dollars?|euros?|pounds?|usd|eur|gbp)\b|[$€£]\s*\d",
    re.I,
)


def spend_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for "how much can I spend on X" when the best quotable sentence holds an amount
    of money and every word of X."""
    m = _SPEND.search(question)
    if m is None or not cands:
        return False
    best = quotable(cands)[0]
    # "... on meals daily when travelling": when is the occasion, not the thing spent on
    thing = re.split(r"\b(?:when|while|during|if)\b", question[m.end() :], maxsplit=1)[0]
    topic = set(content_terms(thing))
    return bool(topic) and topic <= _said_with_antecedent(best) and bool(_MONEY.search(best.text))


# "what about trains?" (a follow-up naming its own subject, searched as typed) against
# "Trains are preferred over flights for trips under four hours." asks what the documents say
# of trains: the sentence that names them answers it. SQuAD has no such questions.
_WHAT_ABOUT = re.compile(
    r"^\s*(?:and\s+|or\s+)?(?:what|how)\s+about\s+(?P<topic>[^?]+)\??\s*$", re.I
)


def what_about_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for "what about X?" when the best quotable sentence holds every word of X."""
    m = _WHAT_ABOUT.match(question)
    if m is None or not cands or points_back(question):
        return False
    topic = set(content_terms(m.group("topic")))
    return bool(topic) and topic <= _said_with_antecedent(quotable(cands)[0])


def rescued(question: str, cands: Sequence[Candidate]) -> bool:
    """Answer below the model's threshold: :func:`type_rescue`, :func:`general_case_rescue`,
    :func:`faq_rescue`, :func:`yes_no_rescue`, :func:`table_rescue`,
    :func:`short_question_rescue`, :func:`who_rescue`, a table row the question names by
    its key and a column (``providers/extractive_rows.py``), :func:`topic_rules_rescue`, :func:`spend_rescue`, :func:`what_about_rescue`."""
    return (
        type_rescue(question, cands)
        or general_case_rescue(question, cands)
        or faq_rescue(question, cands)
        or yes_no_rescue(question, cands)
        or table_rescue(question, cands)
        or short_question_rescue(question, cands)
        or who_rescue(question, cands)
        or row_answers(question, cands)
        or topic_rules_rescue(question, cands)
        or spend_rescue(question, cands)
        or what_about_rescue(question, cands)
    )
