"""Phrases written the same way everywhere: lists in a sentence ("Gemini", "Gemini and
OpenAI", "Anthropic, Gemini and OpenAI") and token counts ("1,240 tokens")."""

from __future__ import annotations

from collections.abc import Sequence


def listed(items: Sequence[str]) -> str:
    """The items joined as a reader says them (at least one item)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def tokens_phrase(n: int) -> str:
    """ "1,240 tokens": how the page, its cost table and the Markdown export write a count
    (the export wrote "1240 tokens" beside the page's "1,240")."""
    return f"{n:,} tokens"
