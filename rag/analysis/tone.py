"""The tone panel's one call: offline scores, then an interpretation by the configured LLM
(labelled, with its cost) or the offline template when no language model answers."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from providers.base import Provider
from providers.chain import FallbackChain
from rag.analysis.interpret import template_interpretation
from rag.analysis.interpretation_llm import _llm_chain, interpretation_response
from rag.analysis.sentiment import score_text
from rag.embeddings import Embedder
from text import citations

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tone:
    text: str
    source: Literal["llm", "template"]
    provider: str = ""  # "openai:gpt-4o-mini" when a model wrote it
    tokens: int = 0
    cost_usd: float | None = 0.0
    # The model asked that did not answer, so the template wrote it: "openai:gpt-4o-mini"
    # and its error kind ("connection"), for the panel to say why it is offline.
    failed: str = ""
    failed_kind: str = ""


def strip_citations(text: str) -> str:
    return citations.strip(text)


def tone_of(
    text: str, chain: Provider | FallbackChain | None = None, embedder: Embedder | None = None
) -> Tone:
    """Interpretation of ``text``'s tone; never raises for a provider failure."""
    result = score_text(strip_citations(text), embedder)
    llm = _llm_chain(chain) if chain is not None else None
    failed = ("", "")
    if llm is not None:
        try:
            resp = interpretation_response(llm, result)
            out = (resp.text or "").strip()
            if resp.provider != "none" and out:
                who = f"{resp.provider}:{resp.model}" if resp.model else resp.provider
                return Tone(out, "llm", who, resp.usage.total_tokens, resp.cost_usd)
            first = next((a for a in resp.attempts if a.error), None)
            if first is not None:
                failed = (f"{first.provider}:{first.model}", first.error_kind or "provider")
        except Exception as e:  # the template is always there
            log.info("LLM interpretation failed (%s); using the template", type(e).__name__)
    return Tone(
        template_interpretation(result), "template", failed=failed[0], failed_kind=failed[1]
    )
