"""Who was asked and who answered: compare headings, consensus notes, an answer's notes.

In compare and consensus modes a failing provider is answered for by its fallback
(extractive), so who answered is not who was asked; these say both, in words.
"""

from __future__ import annotations

from collections.abc import Sequence

from providers.base import Attempt
from rag.answer import Answer, ConsensusPart
from rag.catalog import spec_label
from text.phrases import listed
from ui.notes import failure_phrase, fallback_note, name_of


def part_attempts(p: ConsensusPart) -> list[Attempt]:
    return [Attempt(**x) for x in p.get("attempts", [])]


def part_label(p: ConsensusPart) -> str:
    return spec_label(p.get("requested") or p["provider"])


def answered_by(parts: Sequence[ConsensusPart]) -> list[str]:
    """Who answered a consensus, each once: the parts counted as voices of their own."""
    return list(dict.fromkeys(name_of(p["provider"]) for p in parts if p.get("counted", True)))


def _failures(parts: Sequence[ConsensusPart]) -> list[str]:
    """ "OpenAI could not be reached", one per provider asked that did not answer."""
    return [
        f"{name_of(x.provider)} {failure_phrase(x)}"
        for p in parts
        for x in part_attempts(p)
        if x.error
    ]


def consensus_note(a: Answer) -> str | None:
    """Who a consensus asked and who answered, when a provider failed or only one answered:
    "Only extractive answered; OpenAI could not be reached. ..." (None when all answered)."""
    parts = a.consensus_of or []
    if not parts:
        return None
    failures = _failures(parts)
    heard = answered_by(parts) or [name_of(a.provider)]
    if a.consensus_method == "single":
        why = f"; {listed(failures)}" if failures else ""
        return (
            f"Only {heard[0]} answered{why}. One answer is not a consensus, so it is shown "
            "as it is."
        )
    if not failures:
        return None
    asked = [part_label(p) for p in parts]
    return f"Asked {listed(asked)}. {listed(failures)}, so the consensus is of {listed(heard)}."


def answer_notes(a: Answer, with_fallback: bool = True) -> list[str]:
    """The notes shown under an answer (and written in its export): its fallback (unless
    ``with_fallback`` is False: a compare column says it under its heading), then who a
    consensus heard. A single-answer "consensus" says it all in its own note."""
    if a.no_sources:  # no provider was asked: the answer itself says so
        return []
    single = a.consensus_method == "single"
    fallback = fallback_note(a.attempts, a.provider) if with_fallback and not single else None
    return [n for n in (fallback, consensus_note(a)) if n]
