"""Rescues for everyday questions the model doubts, as a newcomer types them:
"Can I take a taxi?", "Where is the office?", "Who do I contact about travel questions?".

The refusal model was fitted mostly on SQuAD 2.0, whose questions repeat the passage's
words; these do not, and it refused all three (P 0.20-0.30) though the demo corpus answers
each in one sentence. Each rescue asks for what the question's form needs in the sentence,
and for every word that names the topic, so a near miss about a thing the documents never
mention is still refused ("Can I take a limo?" has no sentence with "limo").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from providers.extractive_defined import gloss_rescue
from providers.extractive_refusal import _CAPITALISED, Candidate, quotable
from providers.extractive_refusal import _wh_type as wh_type
from providers.extractive_rescue import all_in_best, points_back, sentence_before
from providers.extractive_signature import contact_about
from providers.extractive_tables import BE_FORMS, OWNING
from text.asking import PERSON_NAME
from text.terms import content_terms

# --- "Can I take a taxi?" -------------------------------------------------------------------
_ASKS_PERMISSION = re.compile(
    r"^\s*(?:(?:can|may|could)\s+(?:i|we|employees|staff|contractors|you)"
    r"|(?:am\s+i|are\s+(?:we|employees|staff))\s+allowed\s+to"
    r"|is\s+it\s+(?:ok|okay|allowed|permitted|fine)\s+to)\b"
    # "Is alcohol included?", "Are taxis covered?"
    r"|^\s*(?:is|are)\b.*\b(?:included|covered|allowed|permitted|ok|okay|reimbursed|"
    r"reimbursable|paid\s+for|claimable)\s*\??\s*$",
    re.I,
)
# Verbs that carry no topic: "take a taxi", "get a laptop", "use my own car", "bring a dog".
_LIGHT_VERBS = frozenset(
    content_terms(
        "take get use have make go bring do book buy pay allowed permitted okay choose pick order "
        "included covered reimbursed reimbursable paid claimable"
    )
)
# A sentence that states a rule about the thing: whether it is allowed, paid or needs approval.
_RULE = re.compile(
    r"\b(?:reimbursed|refunded|covered|paid|allowed|permitted|prohibited|forbidden|banned|"
    r"may|must|cannot|can|need|needs|required|requires|approval|approved|eligible|"
    r"not\s+allowed|preferred)\b",
    re.I,
)


def permission_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for "Can I X?" whose topic words (light verbs aside; one is enough) are all in the
    best quotable sentence, which states a rule ("Taxis and ride-hailing are reimbursed ...")."""
    if not _ASKS_PERMISSION.search(question):
        return False
    covered = all_in_best(question, cands, ignore=_LIGHT_VERBS)
    return covered is not None and bool(covered[0]) and bool(_RULE.search(covered[1]))


# --- "What laptop can I get?" ---------------------------------------------------------------
_MY_OPTIONS = re.compile(
    r"^\s*(?:what|which)\b.*\b(?:can|could|do|may|should|will)\s+(?:i|we|you)\s+"
    r"(?:get|have|use|choose|pick|take|bring|order)\b",
    re.I,
)


def options_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for "What/which X can I get?" whose topic words (light verbs aside) are all in
    the best quotable sentence: "New employees choose a laptop (a 14-inch MacBook Pro or a
    ThinkPad X1 Carbon) ..." answers "What laptop can I get?" though it never says "get"."""
    if not _MY_OPTIONS.search(question):
        return False
    covered = all_in_best(question, cands, ignore=_LIGHT_VERBS)
    if covered is None or not covered[0]:
        return False
    topic, best = covered
    # the sentence offers the thing ("choose a laptop"), not only mentions it ("by phone")
    offered = (m.group(1) for m in _OFFERED.finditer(best))
    return any(set(content_terms(w)) & topic for w in offered)


_OFFERED = re.compile(
    r"\b(?:choose|chooses|select|selects|pick|picks|receive|receives|get|gets|are offered|"
    r"can have|may have|are given|is given)\s+(?:(?:a|an|the|one|of|from|between|their|"
    r"either)\s+){0,3}([A-Za-z][\w-]*)",
    re.I,
)


# --- "Where is the office?" -----------------------------------------------------------------
WHERE_TERMS = 2  # "Where is the office?", "Where is the Tacoma office?"


def where_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for a where-question of one or two content words, all in the best quotable
    sentence, which puts what is asked at a named place: "The Tacoma office", "offices in
    Oslo". "Where is the warehouse?" is no answer to "builds warehouse robots in Tacoma"."""
    covered = all_in_best(question, cands) if wh_type(question) == "where" else None
    if covered is None or not 1 <= len(covered[0]) <= WHERE_TERMS:
        return False
    key, best = covered
    q_low = question.lower()
    places = {m.group(0) for m in _CAPITALISED.finditer(best) if m.group(0).lower() not in q_low}
    words = {w for w in re.findall(r"[A-Za-z][\w-]*", best) if set(content_terms(w)) & key}
    return any(_at_place(best, word, place) for word in words for place in places)


# "Where is the fire assembly point?" / "Fire drills take place on the first Tuesday of every
# quarter. The assembly point is the blue gate in the east parking lot." (P 0.37): a place
# in common nouns, and a question word ("fire") said by the sentence before.
_SUBJECT_IS = re.compile(
    r"^(?:The|Our|Your|Each|Every)\s+(?P<subject>[^,;:]{2,60}?)\s+(?:is|are)\s"
)
_LOCATIVE = re.compile(
    r"\b(?:in|at|on|near|next to|behind|beside|outside|inside|opposite|by)\s+(?:the|a|an)\s+"
    r"(?P<place>[a-z][\w-]*(?:\s+[a-z][\w-]*){0,3})"
)


def place_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for a where-question whose thing is the subject of the best quotable sentence
    ("The assembly point is ...") and which puts it at a place the question does not name
    ("... in the east parking lot"); a question word the sentence lacks is said by the
    sentence right before it."""
    if wh_type(question) != "where" or not cands or points_back(question):
        return False
    best = quotable(cands)[0]
    subject = _SUBJECT_IS.match(best.text)
    key = set(content_terms(question))
    own = set(content_terms(subject.group("subject"))) if subject else set()
    if len(own & key) < WHERE_TERMS:
        return False
    said = set(content_terms(best.text)) | set(content_terms(sentence_before(best)))
    places = (set(content_terms(m.group("place"))) for m in _LOCATIVE.finditer(best.text))
    return key <= said and any(p and not p & key for p in places)


def _at_place(sentence: str, word: str, place: str) -> bool:
    """ "Tacoma office" or "office (is located) in Tacoma"."""
    w, p = re.escape(word), re.escape(place)
    return bool(
        re.search(rf"\b{p}\s+{w}\b", sentence)
        or re.search(
            rf"\b{w}\s+(?:(?:is|are|was|were)\s+)?(?:(?:located|based)\s+)?"
            rf"(?:in|at|near|on)\s+(?:the\s+)?{p}\b",
            sentence,
        )
    )


# --- "Who do I contact about travel questions?" ---------------------------------------------
CONTACT_RANKS = 3  # the passages searched for an address: the best three


def contact_candidate(question: str, cands: Sequence[Candidate]) -> Candidate | None:
    """For "who do I ask/contact about X", a sentence of the best passages that gives an
    address or a number, in a passage that says every word of X; else None. The sentence
    itself rarely scores high: "Questions go to finance@..." repeats no word of the question."""
    if not cands or points_back(question):
        return None
    near = (c for c in quotable(cands) if c.rank < CONTACT_RANKS)
    return next((c for c in near if contact_about(question, c.text, c.source.text)), None)


def contact_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    return contact_candidate(question, cands) is not None


# --- "What does FISMA stand for?" -------------------------------------------------------
_ASKS_EXPANSION = re.compile(
    r"\bwhat (?:does|do|did) (?:the )?(?P<a>[a-z][a-z0-9&-]{1,9}) stands? for\b"
    r"|\bwhat (?:is|are) (?:the )?(?P<b>[a-z][a-z0-9&-]{1,9}) short for\b"
    r"|\b(?:full (?:name|form)|expansion) of (?:the )?(?P<c>[a-z][a-z0-9&-]{1,9})\b",
    re.I,
)


def spells_out(question: str, text: str) -> bool:
    """Does the sentence spell out the acronym of "What does FISMA stand for?": "... the
    Federal Information Security Management Act of 2002 (FISMA) ..."."""
    m = _ASKS_EXPANSION.search(question)
    if m is None:
        return False
    acronym = re.escape((m.group("a") or m.group("b") or m.group("c")).upper())
    return bool(
        re.search(
            rf"(?:[A-Z][\w-]+\s+(?:of\s+|and\s+|for\s+|the\s+|\d+\s+)*){{2,}}\({acronym}\)", text
        )
        or re.search(rf"\b{acronym}\s+\((?:[A-Z][\w-]+\s*){{2,}}\)", text)
    )


def expansion_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True when one of the best three quotable sentences spells the acronym out (the
    composer puts it first): without a "?" the one that merely uses it can score higher."""
    return any(spells_out(question, c.text) for c in quotable(cands)[:3])


# --- "What should I do if I'm sick?", "How do I report an IT problem?" ----------------------
_ASKS_PROCEDURE = re.compile(
    r"^\s*(?:what\s+(?:should|do|must|can)\s+(?:i|we)\s+do\b"
    r"|how\s+(?:do|can|should|must)\s+(?:i|we)\b)",
    re.I,
)
# An instruction: what the reader is to do, or a rule for them
_INSTRUCTS = re.compile(
    r"\b(?:you|your|must|should|need\s+to|please|call|contact|e-?mail|report|submit|send|"
    r"ask|request|complete|fill\s+in|go\s+to|log\s+in|sign\s+in)\b",
    re.I,
)


# "What should new starters do in their first week?", "What happens in the first week?": a
# section of a guide ("Your first week") answers them, its heading in sentence case.
_ASKS_STEPS = re.compile(
    r"^\s*what\s+(?:(?:should|do|does|must|can|will)\s+(?:[\w-]+\s+){1,3}?do|happens)\b", re.I
)


def asks_procedure(question: str) -> bool:
    """Does the question ask what to do, or what happens (a section of steps answers it)?"""
    return bool(_ASKS_PROCEDURE.search(question) or _ASKS_STEPS.search(question))


def procedure_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for "What should I do if I'm sick?" or "How do I report an IT problem?" whose
    topic words (light verbs aside; one is enough) are all in the best quotable sentence, an
    instruction: "If you are sick, call your line manager before 9:30 am ..." (P 0.35, one
    content word: the model doubts short questions)."""
    if not _ASKS_PROCEDURE.search(question):
        return False
    covered = all_in_best(question, cands, ignore=_LIGHT_VERBS)
    return covered is not None and bool(covered[0]) and bool(_INSTRUCTS.search(covered[1]))


# --- "Which company was appointed?" -----------------------------------------------------
# The answer is a firm's name ("the Board agreed to appoint Kestrel Roofing Ltd"), a word
# the sentence never says ("company"): one other word of the question (P 0.16) is enough
# when the sentence names a firm the question does not.
_ASKS_FIRM = re.compile(
    r"^\s*(?:which|what)\s+(?P<noun>compan(?:y|ies)|firms?|suppliers?|contractors?|vendors?|"
    r"organi[sz]ations?|business(?:es)?|agenc(?:y|ies))\b",
    re.I,
)
_FIRM = re.compile(
    r"\b[A-Z][\w&'-]+(?:\s+[A-Z][\w&'-]+)*\s+(?:Ltd|Limited|Inc|LLC|LLP|plc|PLC|GmbH|Corp)\b"
    r"|(?<![.!?]\s)(?<!^)\b[A-Z][a-z][\w'-]*(?:\s+(?:&\s+)?[A-Z][a-z][\w'-]*)+"
)


def firm_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for "Which company/firm/supplier ...?" whose other words are all in the best
    quotable sentence, which names a firm (a "Ltd", or two capitalised words) the question
    does not."""
    m = _ASKS_FIRM.match(question)
    if m is None:
        return False
    covered = all_in_best(question, cands, ignore=frozenset(content_terms(m.group("noun"))))
    if covered is None or not covered[0]:
        return False
    return any(f.group(0).lower() not in question.lower() for f in _FIRM.finditer(covered[1]))


# --- "Who is responsible for getting the insurance quotes?" -------------------------------
# Minutes' action items say it as "Obtain three quotes for building insurance renewal |
# Owner: Tom Beasley": none of "responsible" or "getting" (P 0.28, refused).
_ASKS_OWNER = re.compile(
    rf"^\s*who{BE_FORMS}\s+(?:{OWNING}|doing|taking\s+care\s+of)\b"
    r"|^\s*who\s+(?:owns|leads|handles|will\s+(?:do|handle|get|obtain|lead))\b",
    re.I,
)
_OWNING = frozenset(
    content_terms("responsible charge handle handling lead leading look looking care owns obtain")
)
_OWNER = re.compile(
    r"\b(?:owner|lead|responsible|assigned\s+to|action\s+by)\s*:"
    r"|\b(?:coordinator|co-ordinator|organi[sz]er|in\s+charge)\b",  # "Kwame is our move coordinator"
    re.I,
)
_BY_NAME = re.compile(r"\b(?:by|to)\s+[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+\b")


def owner_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for "Who is responsible for X?" when every word of X (light verbs aside) is in
    the best quotable sentence, which names an owner ("Owner: ...", "handled by Tom ...")."""
    if not _ASKS_OWNER.search(question):
        return False
    covered = all_in_best(question, cands, ignore=_LIGHT_VERBS | _OWNING)
    if covered is None or not covered[0]:
        return False
    # a name alone is not enough: "... the new office at Unit 7, Kingsway House" names none
    return bool(_OWNER.search(covered[1]) or _BY_NAME.search(covered[1]))


def names_owner(question: str, text: str) -> bool:
    """ "Kwame is our move coordinator" answers "Who is responsible for the move?": it says
    every word of the question (light verbs aside) and names its owner."""
    if not (_ASKS_OWNER.search(question) and _OWNER.search(text)):
        return False
    return set(content_terms(question)) - _LIGHT_VERBS - _OWNING <= set(content_terms(text))


# --- "What certificates does she have? (Samira Haddad)" -----------------------------------
# A follow-up about a person carries the name the last answer gave (rag/followup.py); the
# notes call her "Samira:" and never "Samira Haddad", and the model refused (P 0.15).
_CARRIED_NAME = re.compile(rf"\((?P<name>{PERSON_NAME})\)\s*$")


def person_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """True for a follow-up that carried a person's name when the best quotable sentence
    says every word of the user's own question and its passage one of the name's."""
    m = _CARRIED_NAME.search(question)
    if m is None or not cands:
        return False
    own = set(content_terms(question[: m.start()]))
    best = quotable(cands)[0]
    name = {w.lower() for w in m.group("name").split()}
    in_passage = name & {w.lower() for w in re.findall(r"[A-Za-z'\-]+", best.source.text)}
    return bool(own) and own <= set(content_terms(best.text)) and bool(in_passage)


def everyday_rescue(question: str, cands: Sequence[Candidate]) -> bool:
    """Any of the rescues above."""
    return (
        expansion_rescue(question, cands)
        or permission_rescue(question, cands)
        or options_rescue(question, cands)
        or where_rescue(question, cands)
        or place_rescue(question, cands)
        or contact_rescue(question, cands)
        or procedure_rescue(question, cands)
        or firm_rescue(question, cands)
        or owner_rescue(question, cands)
        or person_rescue(question, cands)
        or gloss_rescue(question, cands)
    )
