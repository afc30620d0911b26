"""Wiring between settings and the provider layer: which chain answers, with which keys.

The CLI and the app call :func:`make_chain`; the chain always ends in the engine's
extractive provider, so an answer is always produced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from pydantic import SecretStr

from providers.chain import FallbackChain, build_chain, providers_info
from providers.config import ProviderConfig
from rag.context import ContextBudgeter
from rag.settings import Settings


def chain_specs(settings: Settings, provider: str | None = None, fallback: str | Sequence[str] | None = None) -> list[str]:
    """The ordered ``provider:model`` list: the chosen provider first, then the fallbacks."""
    if isinstance(fallback, str):
        fallback = [f for f in fallback.split(",") if f.strip()]
    first = provider or settings.provider
    rest = list(fallback) if fallback is not None else list(settings.fallback)
    specs = [s.strip() for s in [first, *rest] if s and s.strip()]
    return list(dict.fromkeys(specs))


def provider_config(settings: Settings, keys: Mapping[str, str] | None = None) -> ProviderConfig:
    """Settings' provider config, with session keys (e.g. typed in the sidebar) tried first."""
    cfg = settings.provider_config()
    if not keys:
        return cfg
    api_keys = dict(cfg.api_keys)
    for name, key in keys.items():
        if key and key.strip():
            api_keys[name] = [SecretStr(key.strip()), *api_keys.get(name, [])]
    return replace(cfg, api_keys=api_keys)


def make_chain(
    engine: Any,
    provider: str | None = None,
    fallback: str | Sequence[str] | None = None,
    *,
    keys: Mapping[str, str] | None = None,
    session_id: str | None = None,
    **kwargs: Any,
) -> FallbackChain:
    settings: Settings = engine.settings
    # Each provider gets the sources/history that fit its window (rag/context.py).
    kwargs.setdefault("fit", ContextBudgeter(settings.context_windows))
    return build_chain(
        chain_specs(settings, provider, fallback),
        provider_config(settings, keys),
        engine.extractive,
        session_id=session_id,
        **kwargs,
    )


def describe_providers(settings: Settings, keys: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    return providers_info(provider_config(settings, keys))
