"""Two questions in one ("What is the daily meal allowance and are taxis reimbursed?").

Before, a newcomer's two-part question was answered in its first part only: one sentence
wins the whole question, and it holds one of the two facts. Now each part is answered on
its own and quoted in the order asked; a part the documents do not answer says so ("The
documents do not answer “Is parking reimbursed?” ..."), where the whole question had been
refused and the fact the documents do state was hidden. When the whole question's answer
says more than the one part answered, it is kept, followed by what that part adds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from providers.base import REFUSAL_TEXT, Request, Response
from text import citations
from text.asking import two_questions
from text.sentences import sentences
from text.terms import content_terms

# what only the whole question's reading means: its rewrite, an overview's openings
_WHOLE_ONLY = ("focus", "overview", "dated")
_VERDICT = re.compile(r"(?:Yes|No)\.")


def with_parts(
    answer_one: Callable[[Request], tuple[Response, Any]],
    request: Request,
    asked: str,
    whole: Response,
) -> Response:
    """The answers of ``asked``'s two parts in the order asked; ``whole`` plus what the one
    part answered adds when the other is refused; ``whole`` itself for one question, an
    overview, or a refusal no part of which is answered."""
    parts = two_questions(asked)
    if parts is None or whole.raw.get("overview"):
        return whole
    metadata = {k: v for k, v in request.metadata.items() if k not in _WHOLE_ONLY}
    answers = [answer_one(replace(request, question=p, metadata=metadata))[0] for p in parts]
    said = [a for a in answers if not a.refused]
    if not said:
        return whole
    # Each part in the order asked, a part the documents do not answer saying so; unless
    # the whole question's answer says more than the one part answered (it may answer the
    # other): then it, and what that part adds.
    unanswered = [p for p, a in zip(parts, answers, strict=True) if a.refused]
    by_parts = (
        len(said) == 2
        or whole.refused
        or not (_unsaid(whole.text, said[0].text) or _mentions(unanswered[0], whole.text))
    )
    quoted = " ".join(a.text for a in said)
    texts, cited = ([], set()) if by_parts else ([whole.text], set(whole.cited))
    for part, resp in zip(parts, answers, strict=True):
        if resp.refused:
            # never "not answered" beside a quote that names all it asks about
            if by_parts and not _mentions(part, quoted):
                texts.append(_not_answered(part, resp.text))
            continue
        new = _unsaid(resp.text, " ".join(texts))
        if new:
            texts.append(" ".join(new))
            cited |= {n for s in new for n in citations.cited_in(s)} & set(resp.cited)
    if texts == [whole.text]:
        return whole
    text, raw = "\n\n".join(texts), {**whole.raw, "parts": list(parts)}
    latency = whole.latency_ms + sum(a.latency_ms for a in answers)
    return replace(
        whole,
        text=text,
        cited=sorted(cited),
        latency_ms=latency,
        raw=raw,
        refused=False,
        finish_reason="stop",
    )


def _mentions(question: str, text: str) -> bool:
    """``text`` names every content word of ``question`` (it may well answer it)."""
    asked = set(content_terms(question))
    return bool(asked) and asked <= set(content_terms(citations.strip(text)))


def _not_answered(part: str, refusal: str) -> str:
    """ "The documents do not answer “Is parking reimbursed?” The passages found ..." """
    why = refusal.removeprefix(REFUSAL_TEXT).strip()
    return f"The documents do not answer “{part}”" + (f" {why}" if why else "")


def _flat(text: str) -> str:
    return " ".join(citations.strip(text).split())


def _unsaid(text: str, already: str) -> list[str]:
    """The sentences of ``text`` (citations kept) that ``already`` does not say; none when
    only a "Yes." or "No." would be left."""
    said = _flat(already)
    new = [s for s in sentences(text) if _flat(s) not in said]
    return [] if all(_VERDICT.fullmatch(_flat(s)) for s in new) else new
