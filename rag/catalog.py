"""The registered providers as a person sees them: a label that says what is true now.

"OpenAI - needs key", "OpenAI - key set", "Ollama - local - running", "llama.cpp - not
installed": built from each provider's own declarations
(:mod:`providers.info`), the configured keys and base URLs, and a quick look at whether a
local server answers. No SDK is imported and no key is read here.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

from providers.info import ProviderInfo, all_info, info
from rag.settings import Settings

PROBE_TTL_S = 10.0  # how long "running / not running" is remembered
_probes: dict[str, tuple[float, bool]] = {}
_probes_lock = threading.Lock()

# Not brands: how notes name these in a sentence ("answered by extractive").
_PLAIN = {"extractive": "extractive", "none": "no provider"}


def display_name(provider: str) -> str:
    """ "OpenAI", "Gemini", "OpenAI-compatible" ... for a provider name (itself if unknown)."""
    if provider in _PLAIN:
        return _PLAIN[provider]
    try:
        return info(provider).display_name
    except LookupError:
        return provider


def spec_label(spec: str) -> str:
    """ "openai:gpt-4o-mini" -> "OpenAI · gpt-4o-mini", how notes, headings and tables name
    a provider and its model; the extractive answerer is "extractive" alone."""
    name, _, model = spec.partition(":")
    who = display_name(name)
    return f"{who} · {model}" if model and model != name and name != "extractive" else who


def takes_server_url(p: ProviderInfo) -> bool:
    """A server that may run anywhere (an OpenAI-compatible one): no usual address, so the
    person picking it is asked for one."""
    return p.locality == "either" and bool(p.base_url_setting) and not p.default_base_url


def base_url_env(p: ProviderInfo) -> str | None:
    """The environment variable that sets its base URL for every session
    (``RAG_OPENAI_COMPATIBLE_BASE_URL``), or None if it declares no base-URL setting."""
    if not p.base_url_setting:
        return None
    return f"{Settings.model_config.get('env_prefix', '')}{p.base_url_setting}".upper()


def server_url(
    p: ProviderInfo, settings: Settings, row: Mapping[str, Any] | None = None
) -> str | None:
    """Where a provider's server is: built provider's URL, SDK env var, settings, default."""
    if row and row.get("base_url"):
        return str(row["base_url"])
    env = os.environ.get(p.base_url_env_var or "", "").strip() if p.base_url_env_var else ""
    _, urls = settings.provider_keys_and_urls()
    return env or urls.get(p.name) or p.default_base_url


def running(url: str, timeout_s: float = 0.3) -> bool:
    """Does anything accept connections at ``url``? (remembered for PROBE_TTL_S)."""
    now = time.monotonic()
    with _probes_lock:
        hit = _probes.get(url)
    if hit and now - hit[0] < PROBE_TTL_S:
        return hit[1]
    u = urlparse(url if "://" in url else f"http://{url}")
    port = u.port or (443 if u.scheme == "https" else 80)
    try:
        with socket.create_connection((u.hostname or "127.0.0.1", port), timeout=timeout_s):
            ok = True
    except OSError:
        ok = False
    with _probes_lock:
        _probes[url] = (now, ok)
    return ok


def status(p: ProviderInfo, settings: Settings, row: Mapping[str, Any]) -> str:
    """What is true of a provider now, in a few words (the sidebar's option text)."""
    if p.name == "extractive":
        return "local, no key"
    if not p.installed:
        # How to install it is said under the box (ui.sidebar): in the label it was cut off
        # ("llama.cpp - not installed (make setup-").
        return "not installed"
    if p.locality == "local":
        url = server_url(p, settings, row) if p.base_url_setting or p.default_base_url else None
        if url is None:
            return "local"
        return "local - running" if running(url) else "local - not running"
    if p.locality == "either":
        url = server_url(p, settings, row)
        if not url:
            return "needs URL"  # "needs base URL" was cut off in the sidebar's box
        # A typed address nothing answers at read "ready" and then failed every question
        # ("not running", as Ollama says: "not reachable" was cut off in the sidebar).
        if not running(url):
            return "not running"
    if row.get("error"):
        return "not configured"
    if p.requires_key:
        return "key set" if row.get("key_configured") else "needs key"
    return "ready"


def option_label(p: ProviderInfo, settings: Settings, row: Mapping[str, Any]) -> str:
    return f"{p.display_name} - {status(p, settings, row)}"


def providers() -> list[ProviderInfo]:
    return all_info()


# What a provider picked to compare lacks, said under "Providers to compare" (its option
# text is the stable "OpenAI · gpt-4o-mini": a text that changed as a key was typed reset
# the pick, as it did "Answer with")
_UNREADY = {
    "needs key": "needs an API key (API keys above)",
    "needs URL": "needs its server's address",
    "not running": "is not running",
    "local - not running": "is not running",
    "not installed": "is not installed",
    "not configured": "is not configured",
}


def not_ready_note(
    specs: list[str],
    infos: Mapping[str, ProviderInfo],
    settings: Settings,
    rows: Mapping[str, Mapping[str, Any]],
) -> str | None:
    """ "OpenAI · gpt-4o-mini needs an API key (API keys above): until then extractive
    answers in its place." for the picked ``specs`` that cannot answer now; None if all can."""
    lacks = []
    for spec in specs:
        name = spec.split(":", 1)[0]
        if name in infos:
            words = _UNREADY.get(status(infos[name], settings, rows.get(name, {})))
            if words:
                lacks.append(f"{spec_label(spec)} {words}")
    if not lacks:
        return None
    place = "its place" if len(lacks) == 1 else "their places"
    return f"{'; '.join(lacks)}: until then extractive answers in {place}."
