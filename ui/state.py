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
import os
import uuid
from concurrent.futures import Future

import streamlit as st

from providers.info import all_info
from providers.metrics import Metrics
from providers.usage import UsageTracker
from rag import warmup
from rag.embeddings import embedder_for
from rag.engine import Engine
from rag.session import ChatSession
from rag.settings import Settings, cached_settings
from rag.state import open_state
from ui.embedder import ProgressEmbedder

log = logging.getLogger(__name__)


def secret_keys() -> dict[str, str]:
    """Names in .streamlit/secrets.toml (or the environment) -> provider names: the key
    setting each registered provider declares, upper-cased (``OPENAI_API_KEY``)."""
    return {p.key_secret: p.name for p in all_info() if p.key_secret}


def keyed_providers() -> list[str]:
    """Providers that take a key in the sidebar, in the registry's order."""
    return [p.name for p in all_info() if p.key_setting]


def read_secrets() -> dict[str, str]:
    """``st.secrets`` as plain strings; an absent or broken secrets.toml is just empty."""
    try:
        return {str(k): str(v) for k, v in st.secrets.items() if isinstance(v, str | int | float)}
    except Exception:  # no secrets file anywhere: not an error for this app
        return {}


def get_settings() -> Settings:
    secrets = read_secrets()
    overrides: dict[str, object] = {}
    urls: dict[str, str] = {}
    for p in all_info():
        value = secrets.get(p.base_url_secret or "")
        if value and p.base_url_setting in Settings.model_fields:
            overrides[p.base_url_setting] = value
        elif value:  # a plugin's base URL: by provider name
            urls[p.name] = value
    if urls:
        overrides["base_urls"] = urls
    workspace = st.session_state.get("workspace")  # the sidebar's picker (ui/workspaces.py)
    if workspace:
        overrides["workspace"] = workspace
    return cached_settings(**overrides)


def settings_key(settings: Settings) -> str:
    # SecretStr fields dump masked, so the key never contains a secret.
    return hashlib.sha256(settings.model_dump_json().encode()).hexdigest()[:16]


@st.cache_resource(show_spinner=False, max_entries=8)
def _warming(key: str, _settings: Settings) -> Future[Engine]:
    """The engine of these settings, built once per server in a background thread, so the
    page and the chat box draw at once while the model, Chroma and BM25 load."""
    return warmup.start(
        lambda: warmup.build_engine(_settings, ProgressEmbedder(embedder_for(_settings)))
    )


def _future(settings: Settings) -> Future[Engine]:
    key = settings_key(settings)
    fut = _warming(key, settings)
    if fut.done() and fut.exception() is not None:
        _warming.clear()  # type: ignore[attr-defined]  # the next run tries again
    return fut


def forget_engines() -> None:
    """Drop every cached engine: a workspace was deleted, and an engine of it (one per
    settings, so perhaps several) kept its gone manifest folder and Chroma collection, so
    the name created again showed a traceback. The others rebuild in seconds (the
    embedding model is shared); deleting a workspace is rare."""
    _warming.clear()  # type: ignore[attr-defined]


def start_engine(settings: Settings) -> None:
    """Start warming the engine (no wait)."""
    _future(settings)


def ready_engine(settings: Settings) -> Engine | None:
    """The engine if it is ready, else None; a failed start raises its error."""
    fut = _future(settings)
    return fut.result() if fut.done() else None


def get_engine(settings: Settings) -> Engine:
    """The engine, waiting for the warm-up if it is still running."""
    return _future(settings).result()


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
            records=open_state(settings).usage_records(),  # shared by replicas (RAG_STATE_URL)
        )


def session_keys() -> dict[str, str]:
    """Keys for this session: typed in the sidebar, else from st.secrets (env/.env: settings)."""
    secrets = read_secrets()
    keys = {p: secrets[n] for n, p in secret_keys().items() if secrets.get(n, "").strip()}
    for p in keyed_providers():
        typed = str(st.session_state.get(f"api_key_{p}", "") or "").strip()
        if typed:
            keys[p] = typed
    return keys


def keys_from_elsewhere(settings: Settings) -> set[str]:
    """Providers with a key that is not typed here: in the settings (RAG_* env, .env,
    profile), in secrets.toml, or in the SDK's own variable (OPENAI_API_KEY). A provider
    that needs no key (an OpenAI-compatible server) is not among them unless it has one."""
    configured, _ = settings.provider_keys_and_urls()
    out = {name for name, keys in configured.items() if keys}
    secrets = read_secrets()
    out |= {p for n, p in secret_keys().items() if secrets.get(n, "").strip()}
    for p in all_info():
        if any(os.environ.get(v, "").strip() for v in p.key_env_vars):
            out.add(p.name)
    return out


# Base URLs typed in the sidebar, by provider name: the field's own state goes while the
# field is not drawn (ui/sidebar.py keeps a copy here).
KEPT_URLS = "typed_base_urls"
# The URL parameters that keep "Answer with" (a provider's name) and its model across a reload.
PICK_PARAM = "answer_with"
MODEL_PARAM = "model"


def session_base_urls() -> dict[str, str]:
    """Base URLs typed in the sidebar (``base_url_<provider>``), kept in this session only;
    an address without a scheme ("127.0.0.1:8080/v1") is read as http."""
    ss = st.session_state
    kept: dict[str, str] = ss.get(KEPT_URLS, {})
    out: dict[str, str] = {}
    for p in all_info():
        key = f"base_url_{p.name}"  # the field's value is this run's, the copy last run's
        typed = str((ss[key] if key in ss else kept.get(p.name)) or "").strip()
        if typed:
            out[p.name] = typed if "://" in typed else f"http://{typed}"
    return out


def chat_session(engine: Engine) -> ChatSession:
    """This user's chat session over the parts kept in ``st.session_state`` (reruns keep
    them: the turns, costs and chains are the same objects)."""
    ss = st.session_state
    return ChatSession(
        engine,
        ss.session_id,
        ss.usage,
        metrics=ss.metrics,
        keys=session_keys(),
        base_urls=session_base_urls(),
        turns=ss.turns,
        costs=ss.costs,
        chains=ss.chains,
    )
