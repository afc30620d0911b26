"""Lists in a sentence: "Gemini", "Gemini and OpenAI", "Anthropic, Gemini and OpenAI"."""

from __future__ import annotations

from collections.abc import Sequence


def listed(items: Sequence[str]) -> str:
    """The items joined as a reader says them (at least one item)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
