"""Wiring between settings and the provider layer: which chain answers, with which keys.

The CLI and the app call :func:`make_chain`; the chain always ends in the engine's
extractive provider, so an answer is always produced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from providers.chain import FallbackChain, build_chain
from providers.info import providers_info
from rag.context import ContextBudgeter
from rag.routing import chain_specs, provider_config, route_specs, withheld_attempts
from rag.settings import Settings

if TYPE_CHECKING:
    from rag.engine import Engine

__all__ = ["chain_specs", "describe_providers", "make_chain", "provider_config", "task_chain"]


def make_chain(
    engine: Engine,
    provider: str | None = None,
    fallback: str | Sequence[str] | None = None,
    *,
    task: str = "answer",
    sensitive: bool | None = None,
    keys: Mapping[str, str] | None = None,
    base_urls: Mapping[str, str] | None = None,
    session_id: str | None = None,
    **kwargs: Any,
) -> FallbackChain:
    """The fallback chain for ``task``: its route, then ``provider``/``fallback`` (or the
    settings'), filtered to local providers when ``sensitive`` (default: the setting); the
    ones left out are the chain's skipped attempts (``rag.routing.SENSITIVE_SKIP``).
    ``keys``/``base_urls``: this session's, by provider name (see ``provider_config``)."""
    settings: Settings = engine.settings
    # Each provider gets the sources/history that fit its window (rag/context.py).
    kwargs.setdefault("fit", ContextBudgeter(settings.context_windows))
    chain = build_chain(
        route_specs(settings, task, sensitive=sensitive, provider=provider, fallback=fallback),
        provider_config(settings, keys, base_urls),
        engine.extractive,
        session_id=session_id,
        task=task,
        **kwargs,
    )
    # What sensitive mode left out is listed first on every answer's attempts, with why.
    withheld = withheld_attempts(
        settings, task, sensitive=sensitive, provider=provider, fallback=fallback
    )
    chain.skipped = [*withheld, *chain.skipped]
    return chain


def task_chain(engine: Engine, task: str, **kwargs: Any) -> FallbackChain:
    """The chain for a task (answer, interpretation, topic_label, query_rewrite)."""
    return make_chain(engine, task=task, **kwargs)


def describe_providers(
    settings: Settings,
    keys: Mapping[str, str] | None = None,
    base_urls: Mapping[str, str] | None = None,
    names: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Every registered provider (or only ``names``) as built with these keys and URLs."""
    return providers_info(provider_config(settings, keys, base_urls), names=names)
