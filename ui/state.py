"""Long-lived objects (cached per settings) and per-session state (initialised once).

The engine (embedding model, store, BM25) is shared by every session through
``st.cache_resource``; its cache key is the settings fingerprint, so two index dirs (two
tests, two profiles) never share an engine. Everything that belongs to one user (chat
history, typed API keys, costs, provider chains and their breakers) lives in
``st.session_state`` and nowhere else: keys are never written to disk or logs.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import streamlit as st

from providers.base import Capabilities, Provider, Request, StreamItem
from providers.chain import FallbackChain
from providers.metrics import Metrics
from providers.usage import UsageTracker
from rag.embeddings import embedder_for
from rag.engine import Engine
from rag.llm import make_chain
from rag.settings import Settings, cached_settings
from ui.embedder import ProgressEmbedder

log = logging.getLogger(__name__)

# Names in .streamlit/secrets.toml (or the environment) -> provider names.
SECRET_KEYS = {
    "OPENAI_API_KEY": "openai",
    "ANTHROPIC_API_KEY": "anthropic",
    "GEMINI_API_KEY": "gemini",
    "OPENAI_COMPATIBLE_API_KEY": "openai_compatible",
}
SECRET_SETTINGS = {
    "OPENAI_BASE_URL": "openai_base_url",
    "ANTHROPIC_BASE_URL": "anthropic_base_url",
    "GEMINI_BASE_URL": "gemini_base_url",
    "OLLAMA_HOST": "ollama_host",
    "OPENAI_COMPATIBLE_BASE_URL": "openai_compatible_base_url",
}
KEYED_PROVIDERS = ("openai", "anthropic", "gemini", "openai_compatible")


def read_secrets() -> dict[str, str]:
    """``st.secrets`` as plain strings; an absent or broken secrets.toml is just empty."""
    try:
        return {str(k): str(v) for k, v in st.secrets.items() if isinstance(v, str | int | float)}
    except Exception:  # no secrets file anywhere: not an error for this app
        return {}


def get_settings() -> Settings:
    secrets = read_secrets()
    overrides = {
        field: secrets[name] for name, field in SECRET_SETTINGS.items() if secrets.get(name)
    }
    return cached_settings(**overrides)


def settings_key(settings: Settings) -> str:
    # SecretStr fields dump masked, so the key never contains a secret.
    return hashlib.sha256(settings.model_dump_json().encode()).hexdigest()[:16]


@st.cache_resource(show_spinner="Loading the index and the embedding model…", max_entries=8)
def _engine(key: str, _settings: Settings) -> Engine:
    embedder = ProgressEmbedder(embedder_for(_settings))
    engine = Engine(_settings, embedder=embedder)
    engine.ensure_demo()
    # Warm the model, Chroma and BM25 here, once per server, so the first question a user
    # asks costs one retrieval and nothing else (the extractive answer reuses the model).
    engine.retrieve("warm up the embedding model and the indexes")
    return engine


def get_engine(settings: Settings) -> Engine:
    return _engine(settings_key(settings), settings)


@dataclass
class Turn:
    """One question and what answered it (several answers in compare mode)."""

    id: int
    question: str
    answers: list[Any] = field(default_factory=list)  # rag.answer.Answer
    sentiment: dict[int, str] = field(default_factory=dict)


def init_session(settings: Settings) -> None:
    """Per-user state, created once per key (reruns keep it)."""
    ss = st.session_state
    if "session_id" not in ss:
        ss.session_id = uuid.uuid4().hex
    ss.setdefault("turns", [])
    ss.setdefault("costs", [])  # one row per answer: provider, tokens, cost, latency
    ss.setdefault("chains", {})
    ss.setdefault("metrics", Metrics())
    ss.setdefault("upload_jobs", [])
    ss.setdefault("uploader_gen", 0)
    if "usage" not in ss:
        ss.usage = UsageTracker(
            settings.state_dir / "usage.sqlite3",
            session_id=ss.session_id,
            session_budget_usd=settings.session_budget_usd,
            daily_budget_usd=settings.daily_budget_usd,
        )


def session_keys() -> dict[str, str]:
    """Keys for this session: typed in the sidebar, else from st.secrets (env/.env: settings)."""
    secrets = read_secrets()
    keys = {p: secrets[n] for n, p in SECRET_KEYS.items() if secrets.get(n, "").strip()}
    for p in KEYED_PROVIDERS:
        typed = str(st.session_state.get(f"api_key_{p}", "") or "").strip()
        if typed:
            keys[p] = typed
    return keys


class Tuned:
    """A provider with the sidebar's temperature applied to every request."""

    def __init__(self, inner: FallbackChain, temperature: float) -> None:
        self.inner = inner
        self.temperature = temperature
        self.name = "chain"
        self.model = ""
        self.capabilities = Capabilities()

    def generate(self, request: Request) -> Any:
        return self.inner.generate(replace(request, temperature=self.temperature))

    def stream(self, request: Request) -> Iterator[StreamItem]:
        yield from self.inner.stream(replace(request, temperature=self.temperature))


def get_chain(
    engine: Engine, spec: str, fallback: list[str], keys: Mapping[str, str], sensitive: bool = False
) -> FallbackChain:
    """This session's chain for (spec, fallbacks, keys, sensitive): reused so its breakers
    keep state. Sensitive mode drops every provider that is not local."""
    fp = hashlib.sha256("\0".join(f"{k}={v}" for k, v in sorted(keys.items())).encode()).hexdigest()
    cache_key = (spec, tuple(fallback), fp, sensitive)
    chains: dict[tuple[str, tuple[str, ...], str, bool], FallbackChain] = st.session_state.chains
    if cache_key not in chains:
        chains[cache_key] = make_chain(
            engine,
            spec,
            fallback,
            sensitive=sensitive,
            keys=dict(keys),
            session_id=st.session_state.session_id,
            metrics=st.session_state.metrics,
            usage=st.session_state.usage,
        )
    return chains[cache_key]


def first_remote(chain: FallbackChain) -> Provider | None:
    p = chain.providers[0]
    return None if p.name == "extractive" else p
