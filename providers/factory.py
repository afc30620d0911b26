"""Building a fallback chain from ``"provider:model"`` specs and the settings' config."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from providers.base import Attempt, Provider, factory_for, parse_spec
from providers.cache import ResponseCache
from providers.calllog import CallLog
from providers.config import ProviderConfig
from providers.errors import ProviderConfigError, ProviderError, redact
from providers.metrics import Metrics
from providers.usage import UsageTracker

if TYPE_CHECKING:  # providers.chain re-exports build_chain: import it lazily, not at load
    from providers.chain import FallbackChain, FitFn

log = logging.getLogger("providers.chain")


def build_chain(
    specs: Sequence[str],
    config: ProviderConfig | None = None,
    extractive: Provider | None = None,
    *,
    metrics: Metrics | None = None,
    usage: UsageTracker | None = None,
    cache: ResponseCache | None = None,
    sleep: Callable[[float], None] | None = None,
    session_id: str | None = None,
    fit: FitFn | None = None,
    calls: CallLog | None = None,
    task: str = "answer",
) -> FallbackChain:
    """Providers for ``specs`` (``"openai:gpt-4o-mini"`` ...) in order, then ``extractive``.

    ``"extractive"`` in ``specs`` is ignored (it is always last). Usage and cache live in
    ``config.state_dir`` when set (SQLite), else in memory. A spec that cannot be built is
    recorded as a skipped attempt instead of failing the whole chain.
    """
    cfg = config or ProviderConfig()
    state: Path | None = cfg.state_dir
    if usage is None:
        usage = UsageTracker(
            state / "usage.sqlite3" if state else None,
            session_id=session_id,
            session_budget_usd=cfg.session_budget_usd,
            daily_budget_usd=cfg.daily_budget_usd,
            records=cfg.usage_records,
        )
    if cache is None:
        cache = ResponseCache(
            state / "cache.sqlite3" if state else None,
            ttl_s=cfg.cache_ttl_s,
            records=cfg.cache_records,
        )
    from providers.chain import FallbackChain

    providers, skipped = build_providers(specs, cfg, sleep)
    if extractive is None:
        extractive = factory_for("extractive")()
    providers.append(extractive)
    if calls is None:
        calls = CallLog(
            state / "usage.sqlite3" if state else None,
            session_id=usage.session_id,
            log_prompts=cfg.log_prompts,
        )
    return FallbackChain(
        providers,
        usage=usage,
        cache=cache,
        metrics=metrics,
        skipped=skipped,
        fit=fit,
        calls=calls,
        task=task,
    )


def build_providers(
    specs: Sequence[str], cfg: ProviderConfig, sleep: Callable[[float], None] | None = None
) -> tuple[list[Provider], list[Attempt]]:
    """The providers ``specs`` name (extractive left out), and the ones that could not be
    built as skipped attempts (a bad spec must not fail the whole chain)."""
    providers: list[Provider] = []
    skipped: list[Attempt] = []
    seen: set[str] = set()
    for spec in specs:
        spec = spec.strip()
        if not spec or spec in seen:
            continue
        seen.add(spec)
        try:
            name, model = parse_spec(spec)
            if name == "extractive":
                continue
            kwargs: dict[str, Any] = {"config": cfg}
            if model:
                kwargs["model"] = model
            if sleep is not None:
                kwargs["sleep"] = sleep
            providers.append(factory_for(name)(**kwargs))
        except Exception as e:
            name, _, model = spec.partition(":")
            # A provider that cannot even be built is misconfigured (unknown name, no URL).
            err = (
                e
                if isinstance(e, ProviderError)
                else ProviderConfigError(f"unexpected {type(e).__name__}: {e}", provider=spec)
            )
            skipped.append(Attempt(name, model, error=redact(err), error_kind=err.kind))
            log.warning("cannot build provider %s: %s", spec, redact(e))
    return providers, skipped
