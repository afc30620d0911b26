"""Token counting for context-window budgeting: a calibrated chars-per-token estimate.

No provider's own tokenizer ships offline here: ``tiktoken`` downloads its BPE files on first
use, Anthropic and Gemini count only through an API call, and Ollama models' tokenizers live
inside the GGUF on the server. The MiniLM word-piece tokenizer we do have is the *embedding*
model's, not the chat model's, so it is not used for this either.

So we estimate ``ceil(chars / chars_per_token)`` with a per-family ratio for English text
(OpenAI's o200k/cl100k ~4.0, Claude ~3.5, Gemini ~4.0, Llama-3/Qwen BPE ~3.8; unknown
models a conservative 3.0) and a 10 % safety margin. Every successful call then
*calibrates* the ratio: the provider reports the real input token count, and
:func:`observe` moves the family's ratio towards ``chars / input_tokens`` (exponential
moving average), so the estimate converges to the model actually in use.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable

from providers.base import Message, Provider, Request, Usage

DEFAULT_RATIOS: dict[str, float] = {
    "openai": 4.0,
    "openai_compatible": 3.5,
    "anthropic": 3.5,
    "gemini": 4.0,
    "ollama": 3.8,
}
FALLBACK_RATIO = 3.0
SAFETY = 1.10
# Per-message wrapping the chat formats add (role markers, separators).
MESSAGE_OVERHEAD = 4

_lock = threading.Lock()
_learned: dict[str, float] = {}


def family(provider: str) -> str:
    return provider.split(":", 1)[0]


def ratio(provider: str) -> float:
    fam = family(provider)
    with _lock:
        return _learned.get(fam, DEFAULT_RATIOS.get(fam, FALLBACK_RATIO))


def count_text(text: str, provider: str) -> int:
    if not text:
        return 0
    return math.ceil(len(text) / ratio(provider) * SAFETY)


def count_messages(messages: Iterable[Message], provider: str, system: str | None = None) -> int:
    total = count_text(system or "", provider) + (MESSAGE_OVERHEAD if system else 0)
    for m in messages:
        total += count_text(m.content, provider) + MESSAGE_OVERHEAD
    return total


def count_request(request: Request, provider: str) -> int:
    return count_messages(request.messages, provider, request.system)


def request_chars(request: Request) -> int:
    return len(request.system or "") + sum(len(m.content) for m in request.messages)


def observe(provider: str, chars: int, input_tokens: int | None, weight: float = 0.3) -> None:
    """Calibrate from a real call: ``chars`` were sent and billed as ``input_tokens``."""
    if not input_tokens or input_tokens < 16 or chars < 64:
        return  # tiny prompts are dominated by fixed overhead: they would skew the ratio
    seen = chars / input_tokens
    if not 1.0 <= seen <= 8.0:
        return  # a cached/zero/odd usage report, not a tokenizer property
    fam = family(provider)
    with _lock:
        cur = _learned.get(fam, DEFAULT_RATIOS.get(fam, FALLBACK_RATIO))
        _learned[fam] = (1 - weight) * cur + weight * seen


def reset_calibration() -> None:
    with _lock:
        _learned.clear()


def context_notice(request: Request, label: str) -> str:
    """A visible note when budgeting cut what the model saw (empty when nothing was cut).

    Written without ``[n]`` so that the note is never read as a citation.
    """
    rep = request.metadata.get("context")
    if not isinstance(rep, dict):
        return ""
    cuts: list[str] = []
    dropped = [str(n) for n in rep.get("dropped_sources") or []]
    if dropped:
        cuts.append(f"source{'s' if len(dropped) > 1 else ''} {', '.join(dropped)} left out")
    shortened = [str(n) for n in rep.get("truncated_sources") or []]
    if shortened:
        cuts.append(f"source {', '.join(shortened)} shortened")
    if rep.get("history_dropped"):
        cuts.append(f"{rep['history_dropped']} earlier message(s) left out")
    if not cuts:
        return ""
    window = rep.get("max_context")
    return (
        f"\n\n[Note: to fit {label}'s context window ({window} tokens): " + "; ".join(cuts) + ".]"
    )


def estimate_partial(p: Provider, request: Request, shown: str) -> tuple[Usage, float | None]:
    """Tokens and cost of a stream cut before its usage arrived, by our own count."""
    usage = Usage(count_request(request, p.name), count_text(shown, p.name))
    if not p.capabilities.paid:
        return usage, 0.0
    pricing = getattr(p, "pricing", None)
    return usage, pricing.cost(p.name, p.model, usage) if pricing is not None else None
