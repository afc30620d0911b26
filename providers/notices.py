"""The words the fallback chain writes into an answer when a provider stops mid-answer,
and the request that asks the next provider to carry the answer on.

The answer text is what every reader gets (the page, the Markdown export, the CLI and the
HTTP API), so it names providers as people know them ("OpenAI · gpt-4o-mini"), never by
their spec ids ("openai:gpt-4o-mini", "extractive:sentences").
"""

from __future__ import annotations

import re
from dataclasses import replace

from providers.base import Message, Provider, Request

CONTINUE_PROMPT = (
    "Your previous answer was cut off. Continue it from exactly where it stopped, "
    "without repeating what was already written."
)


def continuation_request(request: Request, partial: str) -> Request:
    """The same question, with the partial answer and a request to carry on from it."""
    return replace(
        request,
        messages=[
            *request.messages,
            Message("assistant", partial),
            Message("user", CONTINUE_PROMPT),
        ],
        metadata={**request.metadata, "continuation_of": partial},
    )


# Error kinds whose identifier does not read as a reason on its own.
_KIND_WORDS = {
    "server": "server error",
    "connection": "connection lost",
    "bad_response": "unusable response",
    "content_filtered": "content filter",
    "unexpected": "error",
    "provider": "error",
}


def provider_words(p: Provider) -> str:
    """ "OpenAI · gpt-4o-mini"; the extractive answerer is "extractive", as the notes say."""
    if p.name == "extractive":
        return "extractive"
    who = getattr(p, "display_name", "") or p.name
    return f"{who} · {p.model}" if p.model and p.model != p.name else who


def kind_words(kind: str) -> str:
    return _KIND_WORDS.get(kind, kind.replace("_", " "))


def interrupted_notice(p: Provider, kind: str, nxt: Provider | None) -> str:
    """ "[OpenAI · gpt-4o-mini stopped mid-answer (server error); continued by extractive]" """
    then = f"continued by {provider_words(nxt)}" if nxt is not None else "answer incomplete"
    return f"\n\n[{provider_words(p)} stopped mid-answer ({kind_words(kind)}); {then}]\n\n"


# The notice as interrupted_notice() writes it: the chain's words, not a claim of the answer's
# (grounding graded it "not supported by its cited sources" and counted it as a sentence).
_NOTICE = re.compile(
    r"\[[^\[\]]* stopped mid-answer \([^()]*\); (?:continued by [^\[\]]*|answer incomplete)\]"
)


def is_interrupted_notice(text: str) -> bool:
    """Whether ``text`` is one of interrupted_notice()'s notices (whitespace aside)."""
    return _NOTICE.fullmatch(text.strip()) is not None
