"""Sidebar: provider and model pickers, masked API keys, fallback order, temperature, top-k,
compare mode. Returns the user's choices; holds no state of its own beyond widget keys."""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from providers.base import available
from providers.usage import default_pricing
from rag.llm import describe_providers
from rag.settings import Settings
from ui.state import KEYED_PROVIDERS, SECRET_KEYS, settings_key

LABELS = {
    "extractive": "Extractive (local, no key)",
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "gemini": "Google Gemini",
    "ollama": "Ollama (local)",
    "openai_compatible": "OpenAI-compatible server",
    "llamacpp": "llama.cpp (local, in-process)",
}


@dataclass
class Choice:
    provider: str  # "openai:gpt-4o-mini" or "extractive"
    fallback: list[str] = field(default_factory=list)
    temperature: float = 0.1
    top_k: int = 5
    compare: list[str] = field(default_factory=list)  # 2-3 specs when compare mode is on
    sensitive: bool = False  # every task stays on this machine (local providers only)
    consensus: bool = False  # compare mode: one answer keeping only claims the sources support


# The full registry builds every provider, which imports every SDK (seconds on a cold
# start). It is built in the background, without session keys (so no key enters a shared
# cache); until it is ready the sidebar uses a light view that imports nothing.
_registry: dict[str, Future[list[dict[str, Any]]]] = {}
_registry_lock = threading.Lock()
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="registry")


def prefetch_registry(settings: Settings) -> Future[list[dict[str, Any]]]:
    key = settings_key(settings)
    with _registry_lock:
        if key not in _registry:
            _registry[key] = _pool.submit(describe_providers, settings)
        return _registry[key]


def _light_rows(settings: Settings) -> list[dict[str, Any]]:
    cfg = settings.provider_config()
    env = {p for n, p in SECRET_KEYS.items() if os.environ.get(n, "").strip()}
    return [
        {
            "provider": name,
            "model": None,
            "key_configured": name in ("extractive", "ollama", "llamacpp")
            or cfg.has_key(name)
            or name in env,
        }
        for name in available()
    ]


def provider_rows(settings: Settings, keys: dict[str, str]) -> dict[str, dict[str, Any]]:
    fut = prefetch_registry(settings)
    full = fut.done() and fut.exception() is None
    rows = {r["provider"]: dict(r) for r in (fut.result() if full else _light_rows(settings))}
    for name, row in rows.items():
        row["key_configured"] = bool(row.get("key_configured")) or name in keys
    return rows


def models_for(name: str, row: dict[str, Any]) -> list[str]:
    default = row.get("model")
    listed = list(default_pricing().table.get(name, {}))
    return list(dict.fromkeys([m for m in [default, *listed] if m]))


def spec_of(name: str, rows: dict[str, dict[str, Any]], model: str | None = None) -> str:
    if name == "extractive":
        return "extractive"
    m = model or rows.get(name, {}).get("model")
    return f"{name}:{m}" if m else name


def _label(name: str, rows: dict[str, dict[str, Any]]) -> str:
    row = rows.get(name, {})
    base = LABELS.get(name, name)
    if name == "extractive":
        return base
    if row.get("error"):
        return f"{base} - not configured"
    return f"{base} {'✓ key' if row.get('key_configured') else '- no key'}"


def render(settings: Settings, keys: dict[str, str]) -> Choice:
    rows = provider_rows(settings, keys)
    names = ["extractive", *[n for n in rows if n != "extractive"]]
    default_name = settings.provider.split(":", 1)[0]
    st.header("Provider")
    name = st.selectbox(
        "Answer with",
        names,
        index=names.index(default_name) if default_name in names else 0,
        format_func=lambda n: _label(n, rows),
        key="provider",
        help="Which model writes the answer. Extractive quotes the best source sentences, "
        "needs no key and never fails.",
    )
    model: str | None = None
    if name != "extractive":
        model = st.selectbox(
            "Model",
            models_for(name, rows.get(name, {})),
            key=f"model_{name}",
            accept_new_options=True,
        )
    if name == "ollama":
        from ui import ollama

        ollama.render(settings, model)
    with st.expander("API keys", expanded=False):
        st.caption("Kept in this browser session only: never saved, logged or shown.")
        for p in KEYED_PROVIDERS:
            st.text_input(
                f"{LABELS.get(p, p)} API key",
                type="password",
                key=f"api_key_{p}",
                placeholder="from env / secrets" if rows.get(p, {}).get("key_configured") else "",
            )
    others = [spec_of(n, rows) for n in names if n not in ("extractive", name)]
    default_fb = [f for f in settings.fallback if f in others]
    fallback = st.multiselect(
        "Fallback order",
        others,
        default=default_fb,
        key="fallback",
        help="Tried in this order if the chosen provider fails; extractive always answers last.",
    )
    temperature = st.slider(
        "Temperature", 0.0, 1.0, float(min(settings.temperature, 1.0)), 0.05, key="temperature"
    )
    top_k = st.slider("Sources per answer (top-k)", 1, 10, min(settings.top_k, 10), key="top_k")
    sensitive = st.toggle(
        "Sensitive documents: local models only",
        value=settings.sensitive,
        key="sensitive",
        help="Nothing leaves this machine: only local providers (Ollama, llama.cpp, an "
        "OpenAI-compatible local server, extractive) answer, whatever is picked above.",
    )
    compare: list[str] = []
    consensus = False
    if st.toggle(
        "Compare providers",
        key="compare_on",
        help="Ask 2-3 providers the same question side by side.",
    ):
        options = [spec_of(n, rows) for n in names]
        compare = st.multiselect(
            "Providers to compare",
            options,
            default=["extractive", *([spec_of(name, rows)] if name != "extractive" else [])],
            max_selections=3,
            key="compare_specs",
        )
        if len(compare) < 2:
            st.caption("Pick at least two providers to compare.")
            compare = []
        consensus = st.toggle(
            "Consensus answer",
            key="consensus_on",
            help="Instead of side by side: one answer synthesised from their answers, keeping "
            "only claims the sources support; each provider's answer stays available.",
        )
    return Choice(
        spec_of(name, rows, model),
        list(fallback),
        float(temperature),
        int(top_k),
        compare,
        bool(sensitive),
        bool(consensus and compare),
    )
