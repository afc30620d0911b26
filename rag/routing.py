"""Task routing: which providers answer which task, and the "sensitive" switch.

``Settings.task_routes`` maps a task to a comma-separated ``provider:model`` list, e.g.
``{"topic_label": "gemini:gemini-2.0-flash-lite", "answer": "openai:gpt-4o"}`` (env:
``RAG_TASK_ROUTES='{"topic_label": "..."}'``). A routed task tries its own providers first,
then the general chain (``provider`` + ``fallback``), so a missing key never leaves a task
without an answer. Cheap tasks with no route (topic labels, query rewrites) try the
configured models cheapest first.

``sensitive`` (the sidebar switch, ``RAG_SENSITIVE``) keeps every task on this machine: only
providers that declare themselves local (Ollama, llama.cpp, extractive) or "either" (an
OpenAI-compatible server) stay in any chain, whatever the routes say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from pydantic import SecretStr

from providers.base import Attempt, factory_for, parse_spec
from providers.chain import FallbackChain
from providers.config import ProviderConfig
from providers.info import info
from providers.usage import Pricing, default_pricing
from rag.settings import ConfigError, Settings

# Why a provider sensitive mode left out did not answer (an Attempt's error, kind "config"):
# the note under an answer tells it apart from a provider that is really not configured.
SENSITIVE_SKIP = "not used: the documents are marked sensitive (local models only)"

TASKS = ("answer", "interpretation", "topic_label", "query_rewrite")
# Tasks where any competent model will do: without a route they go to the cheapest first.
CHEAP_TASKS = frozenset({"interpretation", "topic_label", "query_rewrite"})


def _split(route: str | Sequence[str] | None) -> list[str]:
    if not route:
        return []
    items = route.split(",") if isinstance(route, str) else list(route)
    return [s.strip() for s in items if s and s.strip()]


def is_local(spec: str) -> bool:
    """True when the provider of ``spec`` runs on this machine (allowed when sensitive)."""
    name, _ = parse_spec(spec)
    try:
        # Each provider declares its locality ("either": a server that may run here, like
        # openai_compatible's llama.cpp / vLLM / LM Studio, is what the switch is for).
        return info(name).sensitive_ok
    except LookupError:
        return False


def unit_price(spec: str, pricing: Pricing | None = None) -> float:
    """USD per 1M tokens (input + output list price); 0 for local, inf when unpriced."""
    if is_local(spec):
        return 0.0
    name, model = parse_spec(spec)
    if model is None:
        try:
            model = str(getattr(factory_for(name), "default_model", "") or "")
        except LookupError:
            return float("inf")
    p = (pricing or default_pricing()).price(name, model)
    return float("inf") if p is None else p.input_per_m + p.output_per_m


def cheapest_first(specs: Sequence[str], pricing: Pricing | None = None) -> list[str]:
    # sorted() is stable: equal prices keep the configured order.
    return sorted(specs, key=lambda s: unit_price(s, pricing))


def chain_specs(
    settings: Settings, provider: str | None = None, fallback: str | Sequence[str] | None = None
) -> list[str]:
    """The ordered ``provider:model`` list: the chosen provider first, then the fallbacks."""
    if isinstance(fallback, str):
        fallback = [f for f in fallback.split(",") if f.strip()]
    first = provider or settings.provider
    rest = list(fallback) if fallback is not None else list(settings.fallback)
    specs = [s.strip() for s in [first, *rest] if s and s.strip()]
    return list(dict.fromkeys(specs))


def provider_config(
    settings: Settings,
    keys: Mapping[str, str] | None = None,
    base_urls: Mapping[str, str] | None = None,
) -> ProviderConfig:
    """Settings' provider config plus this session's keys and base URLs (e.g. typed in the
    sidebar): keys take precedence over environment variables and settings, as an explicit
    argument would; a base URL over the one in settings."""
    cfg = settings.provider_config()
    session = {n: [SecretStr(k.strip())] for n, k in (keys or {}).items() if k and k.strip()}
    if session:
        cfg = replace(cfg, session_keys=session)
    urls = {n: u.strip() for n, u in (base_urls or {}).items() if u and u.strip()}
    return replace(cfg, base_urls={**cfg.base_urls, **urls}) if urls else cfg


def route_specs(
    settings: Settings,
    task: str,
    *,
    sensitive: bool | None = None,
    provider: str | None = None,
    fallback: str | Sequence[str] | None = None,
    pricing: Pricing | None = None,
) -> list[str]:
    """Ordered ``provider:model`` specs for ``task`` (extractive is always added last later).

    ``provider``/``fallback`` (e.g. from the CLI or the sidebar) replace the general chain;
    ``sensitive`` overrides ``settings.sensitive``.
    """
    if task not in TASKS:
        raise ConfigError(f"unknown task {task!r}; known: {', '.join(TASKS)}")
    routed = _split(settings.task_routes.get(task))
    general = chain_specs(settings, provider, fallback)
    if not routed and task in CHEAP_TASKS:
        general = cheapest_first(general, pricing)
    specs = list(dict.fromkeys([*routed, *general]))
    sens = settings.sensitive if sensitive is None else sensitive
    if sens:
        specs = [s for s in specs if is_local(s)]
    return specs


def withheld_attempts(
    settings: Settings,
    task: str,
    *,
    sensitive: bool | None = None,
    provider: str | None = None,
    fallback: str | Sequence[str] | None = None,
) -> list[Attempt]:
    """The providers :func:`route_specs` would have tried but sensitive mode left out, as
    skipped attempts: a picked remote provider is never replaced without a word."""
    if not (settings.sensitive if sensitive is None else sensitive):
        return []
    every = route_specs(settings, task, sensitive=False, provider=provider, fallback=fallback)
    out: list[Attempt] = []
    for spec in every:
        if not is_local(spec):
            name, model = parse_spec(spec)
            out.append(Attempt(name, model or "", error=SENSITIVE_SKIP, error_kind="config"))
    return out


def check_sensitive(chain: FallbackChain) -> list[str]:
    """Labels of providers in ``chain`` that would send text off this machine."""
    return [f"{p.name}:{p.model}" for p in chain.providers if not is_local(f"{p.name}:{p.model}")]
