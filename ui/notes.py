"""Short, human notes about how an answer was produced (fallbacks, cost, latency)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from providers.base import Attempt
from providers.errors import Kind
from providers.info import info
from rag.catalog import base_url_env, display_name, takes_server_url
from rag.routing import SENSITIVE_SKIP
from text.money import money  # re-exported: the page formats money one way
from text.phrases import listed, tokens_phrase
from ui.text import escape_md

# Every error kind (providers.errors.Kind) a user may see, in words; a test keeps them in step.
KIND_PHRASES: dict[Kind, str] = {
    "timeout": "timed out",
    "rate_limit": "was rate-limited",
    "overloaded": "was overloaded",
    "server": "had a server error",
    "connection": "could not be reached",
    "context_too_long": "found the question too long",
    "content_filtered": "declined (content filter)",
    "bad_response": "sent an unusable response",
    "budget_exceeded": "is over budget",
    "circuit_open": "is paused after repeated failures",
    "config": "is not configured",
    "provider": "failed",
    "pull_failed": "could not download the model",
    "unexpected": "failed",
    "auth": "rejected the API key",  # or "has no API key": see failure_phrase
    "no_key": "has no API key",
}


def name_of(provider: str) -> str:
    """The name a provider declares for people ("OpenAI", "Gemini"); "extractive" as is."""
    return display_name(provider)


def _missing_url_hint(provider: str) -> str | None:
    """Where to give a server address a provider was missing (the sidebar's field, or the
    setting that sets it for everyone), or None if it declares no base-URL setting."""
    try:
        p = info(provider)
    except LookupError:
        return None
    env = base_url_env(p)
    if not env:
        return None
    where = "in the sidebar or " if takes_server_url(p) else ""
    return f"set its base URL {where}{env}"


def failure_phrase(a: Attempt) -> str:
    kind: Kind = a.error_kind or "provider"
    if kind == "config" and "base URL" in (a.error or ""):  # not a vague "not configured"
        hint = _missing_url_hint(a.provider)
        if hint:
            return f"{KIND_PHRASES[kind]} ({hint})"
    if kind == "config" and "not installed in Ollama" in (a.error or ""):
        # "is not configured" sent people to settings when one `ollama pull` was missing.
        return f"does not have {a.model} installed (pull it under Ollama models in the sidebar)"
    if kind == "auth":  # answers saved before "no_key" existed said so in the message
        return "has no API key" if "no API key" in (a.error or "") else "rejected the API key"
    if a.error and "interrupted" in a.error:
        return f"stopped mid-answer ({KIND_PHRASES.get(kind, kind)})"
    if kind == "circuit_open":  # say why: "paused" alone hid a rejected key
        last = re.search(r"\(last: (\w+)\)", a.error or "")
        why = next((v for k, v in KIND_PHRASES.items() if last and k == last.group(1)), None)
        return f"{KIND_PHRASES[kind]} (it {why})" if why else KIND_PHRASES[kind]
    return KIND_PHRASES.get(kind, "failed")


def fallback_note(attempts: Sequence[Attempt], answered_by: str) -> str | None:
    """ "OpenAI timed out, answered by extractive" - or None when the first choice answered.

    Providers sensitive mode left out are named first, with that reason, not as failures."""
    withheld = [a for a in attempts if a.error == SENSITIVE_SKIP]
    failed = [a for a in attempts if a.error and a.error != SENSITIVE_SKIP]
    if not failed and not withheld:
        return None
    parts: list[str] = []
    if withheld:
        names = list(dict.fromkeys(name_of(a.provider) for a in withheld))
        verb = "was" if len(names) == 1 else "were"
        parts.append(
            f"{listed(names)} {verb} not used: the documents are marked sensitive "
            "(local models only)"
        )
    if failed:
        parts.append("; ".join(f"{name_of(a.provider)} {failure_phrase(a)}" for a in failed))
    why = ". ".join(parts)
    if answered_by == "none":
        return f"{why}: no provider could answer."
    return f"{why}, answered by {name_of(answered_by)}."


def meta_line(
    provider: str,
    model: str,
    latency_ms: float,
    tokens: int,
    cost: float | None,
    cached: bool,
    consensus: bool = False,
    attempts: Sequence[Attempt] = (),
) -> str:
    """``consensus``: ``tokens`` and ``cost`` are every provider's, the combining step's too.
    ``attempts``: the providers tried; the time spent on those that failed is named."""
    who = name_of(provider) + (f" · {model}" if model and provider != "extractive" else "")
    if consensus:
        who = f"consensus, combined by {who}"
    spent = [tokens_phrase(tokens), money(cost) + (" for all providers" if consensus else "")]
    parts = [f"Answered by {who}", _seconds(latency_ms, attempts), *spent]
    if cached:
        parts.append("cached")
    return " · ".join(parts)


def _seconds(latency_ms: float, attempts: Sequence[Attempt]) -> str:
    """ "10.2 s", or after a failed provider "10.2 s in all, 5.0 s of it waiting for OpenAI":
    after a timeout the bare total read as the time the provider that answered took."""
    failed = [a for a in attempts if a.error and a.error != SENSITIVE_SKIP]
    waited = sum(a.latency_ms for a in failed)
    # "0.0 s" read as a broken timer (a walk, on a question asked again): say it was quick
    total = f"{latency_ms / 1000:.1f} s" if latency_ms >= 50 else "under 0.1 s"
    if waited < 50:  # skipped without a call (no key, paused): nothing was waited for
        return total
    names = list(dict.fromkeys(name_of(a.provider) for a in failed if a.latency_ms >= 50))
    return f"{total} in all, {waited / 1000:.1f} s of it waiting for {listed(names)}"


_WORDS = re.compile(r"\w+(?:['’]\w+)*|\W+")
SIMILAR = 0.6  # "hotle"/"hotel" 0.8, "londn"/"london" 0.91; "give"/"what" 0.25


def read_as_note(question: str, read_as: str) -> str:
    """The caption under an answer whose question the answerer read with words respelt:
    "Read as: **hotel** limit in **london**", each corrected word in bold. A word only
    reworded ("give me the X" read as "What is the X?") is no correction: not bold."""
    typed = [w.lower() for w in re.findall(r"\w+", question)]
    pieces = _WORDS.findall(read_as)
    words = [i for i, p in enumerate(pieces) if p[0].isalnum() or p[0] == "_"]
    read = [pieces[i].lower() for i in words]
    bold: set[int] = set()
    for op, a0, a1, b0, b1 in SequenceMatcher(None, typed, read, autojunk=False).get_opcodes():
        if op != "replace":
            continue
        for t, j in zip(typed[a0:a1], range(b0, b1), strict=False):
            if SequenceMatcher(None, t, read[j]).ratio() >= SIMILAR:
                bold.add(words[j])
    # escape_md drops a line's trailing spaces: those between the words are put back
    shown = "".join(
        f"**{escape_md(p)}**" if i in bold else escape_md(p.rstrip()) + p[len(p.rstrip()) :]
        for i, p in enumerate(pieces)
    )
    # the spell-check mark only when a word was respelt: "per day" read as "daily" (the
    # documents' wording, text/wording.py) is no spelling mistake of the user's
    icon = ":material/spellcheck:" if bold else ":material/edit_note:"
    return f"{icon} Read as: {shown}"
