"""Sidebar: provider and model pickers, masked API keys, fallback order, temperature, top-k,
compare mode. Returns the user's choices; holds no state of its own beyond widget keys."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import streamlit as st

from providers.info import ProviderInfo, all_info
from providers.usage import default_pricing
from rag.catalog import (
    base_url_env,
    display_name,
    not_ready_note,
    option_label,
    server_url,
    takes_server_url,
)
from rag.llm import describe_providers
from rag.session import Choice
from rag.settings import Settings
from ui.conversations import remember_pick
from ui.state import (
    KEPT_URLS,
    MODEL_PARAM,
    PICK_PARAM,
    keys_from_elsewhere,
    secret_keys,
    session_base_urls,
    settings_key,
)

__all__ = [
    "Choice",
    "key_missing",
    "key_note",
    "prefetch_registry",
    "provider_rows",
    "registry_future",
    "render",
]

# The full registry builds every provider, which imports every SDK (seconds on a cold
# start). It is built in the background, without session keys (so no key enters a shared
# cache), and only once a session has an answer or picks a provider with an SDK (app.py):
# imports hold the GIL, so started beside the engine warm-up they delayed the first answer
# by seconds instead of overlapping it. Until it is ready the sidebar uses a light view
# that imports nothing.
_registry: dict[str, Future[list[dict[str, Any]]]] = {}
_registry_lock = threading.Lock()
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="registry")


def prefetch_registry(settings: Settings) -> Future[list[dict[str, Any]]]:
    key = settings_key(settings)
    with _registry_lock:
        if key not in _registry:
            _registry[key] = _pool.submit(describe_providers, settings)
        return _registry[key]


def registry_future(settings: Settings) -> Future[list[dict[str, Any]]] | None:
    """The registry build if :func:`prefetch_registry` has started it (never starts it)."""
    with _registry_lock:
        return _registry.get(settings_key(settings))


def _light_rows(settings: Settings) -> list[dict[str, Any]]:
    cfg = settings.provider_config()
    env = {p for n, p in secret_keys().items() if os.environ.get(n, "").strip()}
    return [
        {
            "provider": p.name,
            # the default the provider will use: without it the model picker would open on
            # the price list's first (and dearest) model until the registry is built
            "model": p.default_model or None,
            "key_configured": not p.requires_key
            or cfg.has_key(p.name)
            or p.name in env
            or any(os.environ.get(v, "").strip() for v in p.key_env_vars),
        }
        for p in all_info()
    ]


def provider_rows(
    settings: Settings, keys: dict[str, str], base_urls: Mapping[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """Each provider as this session sees it: its keys and the base URLs typed in the
    sidebar (default: this session's) on top of the registry (or the light view)."""
    fut = registry_future(settings)
    built = fut.result() if fut is not None and fut.done() and not fut.exception() else None
    rows = {r["provider"]: dict(r) for r in (built if built is not None else _light_rows(settings))}
    urls = session_base_urls() if base_urls is None else dict(base_urls)
    # The registry built a provider that had no address as "not configured": with the one
    # typed since, build it again (the SDK is imported by then, so this is quick).
    stale = [n for n in urls if rows.get(n, {}).get("error")]
    if stale:
        rows |= {r["provider"]: r for r in describe_providers(settings, keys, urls, stale)}
    infos = {p.name: p for p in all_info()}
    for name, row in rows.items():
        p = infos.get(name)
        # A provider that needs no key lacks none, even where the registry could not build
        # it (an OpenAI-compatible server without its URL is not "no API key").
        keyless = p is not None and not p.requires_key
        row["key_configured"] = bool(row.get("key_configured")) or name in keys or keyless
        if name in urls:
            row["base_url"] = urls[name]
        # one model whether the registry built it or not: the fallback options stay put
        row["model"] = row.get("model") or (p.default_model if p else None) or None
    return rows


def models_for(name: str, row: dict[str, Any]) -> list[str]:
    default = row.get("model")
    listed = list(default_pricing().table.get(name, {}))
    return list(dict.fromkeys([m for m in [default, *listed] if m]))


def spec_label(spec: str, infos: Mapping[str, ProviderInfo]) -> str:
    """ "Gemini · gemini-2.0-flash", "OpenAI-compatible": a spec as "Answer with" names it."""
    name, _, model = spec.partition(":")
    who = infos[name].display_name if name in infos else display_name(name)
    return f"{who} · {model}" if model and name != "extractive" else who


def spec_of(name: str, rows: dict[str, dict[str, Any]], model: str | None = None) -> str:
    if name == "extractive":
        return "extractive"
    m = model or rows.get(name, {}).get("model")
    return f"{name}:{m}" if m else name


def key_note(settings: Settings, keys: dict[str, str], spec: str) -> str:
    """The welcome's sentence about API keys, true of the provider picked in "Answer with":
    it said "No API key needed." while "Gemini - needs key" was picked."""
    info = _keyed_info(spec)
    if info is None:
        return "No API key needed."
    if not key_missing(settings, keys, spec):
        return ""  # the key is there: nothing to ask of the user
    return (
        f"{info.display_name} needs an API key: add it under API keys in the sidebar. "
        "Until then another provider answers (extractive needs no key)."
    )


def key_missing(settings: Settings, keys: dict[str, str], spec: str) -> bool:
    """Does the provider of ``spec`` need an API key that is set nowhere (it is skipped)?"""
    if _keyed_info(spec) is None:
        return False
    # no typed server URLs: only "key_configured" is read, and rebuilding a provider is slow
    name = spec.split(":", 1)[0]
    return not provider_rows(settings, keys, base_urls={}).get(name, {}).get("key_configured")


def _keyed_info(spec: str) -> ProviderInfo | None:
    """What the provider of ``spec`` declares, if it needs an API key; else None."""
    name = spec.split(":", 1)[0]
    info = next((p for p in all_info() if p.name == name), None)
    return info if info is not None and info.requires_key else None


def _pick_provider(
    settings: Settings, infos: dict[str, ProviderInfo], rows: dict[str, dict[str, Any]]
) -> str:
    """ "Answer with": the options are provider names (stable); the text says what is true.

    That text changes ("needs key" -> "key set") while the browser still holds the old one,
    which would match no option on the next run and reset the box. So the pick - read
    before the box is drawn, still decoded with the texts the browser has - is handed back
    through the session state on every run: the page then sends the browser its new text.
    """
    names = list(infos)
    ss = st.session_state
    index = 0  # with a session-state value, the default only avoids Streamlit's warning
    # A reload starts a new session: the pick comes back from the URL (never a key)
    if "provider" not in ss and st.query_params.get(PICK_PARAM) in infos:
        ss["provider"] = st.query_params[PICK_PARAM]
    if ss.get("provider") in infos:
        ss["provider"] = ss["provider"]
    else:
        default_name = settings.provider.split(":", 1)[0]
        index = names.index(default_name) if default_name in names else 0
    name = st.selectbox(
        "Answer with",
        names,
        index=index,
        format_func=lambda n: (
            option_label(infos[n], settings, rows.get(n, {})) if n in infos else str(n)
        ),
        key="provider",
        on_change=remember_pick,
        args=(settings,),
        help="Which model writes the answer. Extractive quotes the best source sentences, "
        "needs no key and never fails.",
    )
    picked = str(name) if name in infos else names[0]
    if picked == settings.provider.split(":", 1)[0]:
        st.query_params.pop(PICK_PARAM, None)  # the default keeps the URL plain
        st.query_params.pop(MODEL_PARAM, None)
    else:
        st.query_params[PICK_PARAM] = picked
    return picked


def _kept_model(p: ProviderInfo, settings: Settings, rows: dict[str, dict[str, Any]]) -> str | None:
    """The model picker, whose pick a reload gets back from the URL as "Answer with" does
    (``?model=``, only while it is not the provider's default)."""
    ss, params, key = st.session_state, st.query_params, f"model_{p.name}"
    if key not in ss and params.get(PICK_PARAM) == p.name and params.get(MODEL_PARAM):
        ss[key] = params[MODEL_PARAM]
    model = _pick_model(p, settings, rows)
    if model and model != rows.get(p.name, {}).get("model"):
        params[MODEL_PARAM] = model
    else:
        params.pop(MODEL_PARAM, None)
    return model


def _pick_model(p: ProviderInfo, settings: Settings, rows: dict[str, dict[str, Any]]) -> str | None:
    row = rows.get(p.name, {})
    if not takes_server_url(p):
        options = models_for(p.name, row)
        if p.name == "ollama":
            from ui import ollama

            options = ollama.model_options(settings, options)
        picked = st.selectbox(
            "Model",
            options,
            key=f"model_{p.name}",
            accept_new_options=True,
            on_change=remember_pick,
            args=(settings,),
        )
        return str(picked) if picked else None
    # A server of the user's (llama.cpp, vLLM, LM Studio): where it is, and a model name
    # typed as the server knows it - there is no list of its models to pick from.
    env = base_url_env(p)
    # Streamlit forgets a field while it is not drawn (another provider picked): the
    # session keeps the address for a fallback to this provider and hands it back here.
    ss = st.session_state
    kept: dict[str, str] = ss.setdefault(KEPT_URLS, {})
    key = f"base_url_{p.name}"
    if key not in ss and p.name in kept:
        ss[key] = kept[p.name]
    url = st.text_input(
        "Server base URL",
        key=key,
        placeholder=server_url(p, settings) or "http://127.0.0.1:8080/v1",
        help=f"Where your {p.display_name} server answers, e.g. http://127.0.0.1:8080/v1. "
        f"Kept until this page is reloaded or closed; {env} sets it for everyone.",
    )
    kept[p.name] = str(url or "")
    default = str(row.get("model") or p.default_model or "")
    typed = st.text_input(
        "Model",
        key=f"model_{p.name}",
        placeholder="name on the server",
        help=f"The model as your server names it (GET /v1/models lists them). Blank: {default!r}.",
    )
    return str(typed).strip() or None


def _key_fields(settings: Settings, infos: dict[str, ProviderInfo]) -> None:
    # A key keeps it open across the rerun that picking a provider starts (the model picker
    # appears above it and shifts its position): it closed under a user's click before.
    with st.expander("API keys", expanded=False, key="api_keys_panel"):
        # Streamlit's password field has an eye button that shows the key, and no way to
        # remove it: the note must not promise the key is never shown.
        # "This browser session" read as "until I close the browser": a reload starts a new
        # session, and the keys are gone (they are never written anywhere to come back from).
        st.caption(
            "Kept only until this page is reloaded or closed: never saved or logged; hidden "
            "unless you press the eye."
        )
        # Only a key that is really there: "key_configured" is also true of a provider
        # that needs no key (an OpenAI-compatible server), which had none anywhere.
        elsewhere = keys_from_elsewhere(settings)
        for p in infos.values():
            if not p.key_setting:
                continue
            st.text_input(
                f"{p.display_name} API key",
                type="password",
                key=f"api_key_{p.name}",
                placeholder="from env / secrets" if p.name in elsewhere else "",
            )


def _compare_controls(
    options: list[str],
    chosen: str,
    infos: Mapping[str, ProviderInfo],
    settings: Settings,
    rows: Mapping[str, Mapping[str, Any]],
) -> tuple[list[str], bool]:
    """Compare mode: 2-3 providers side by side, or one consensus answer of theirs."""
    if not st.toggle(
        "Compare providers",
        key="compare_on",
        help="Ask 2-3 providers the same question side by side.",
    ):
        return [], False
    # Kept in the session state rather than as the box's default: a model picked again above
    # replaces the provider's entry here (it dropped out of the box, which has no such option).
    ss = st.session_state
    picked = ss.get("compare_specs")
    if picked is None:
        picked = ["extractive", *([chosen] if chosen != "extractive" else [])]
    who = chosen.split(":", 1)[0]
    ss["compare_specs"] = list(
        dict.fromkeys(chosen if str(s).split(":", 1)[0] == who else str(s) for s in picked)
    )
    compare = st.multiselect(
        "Providers to compare",
        options,
        max_selections=3,
        format_func=lambda spec: spec_label(str(spec), infos),
        key="compare_specs",
    )
    if note := not_ready_note([str(c) for c in compare], infos, settings, rows):
        st.caption(note)
    if len(compare) < 2:
        st.caption("Pick at least two providers to compare.")
        compare = []
    consensus = st.toggle(
        "Consensus answer",
        key="consensus_on",
        help="Instead of side by side: one answer synthesised from their answers, keeping "
        "only claims the sources support; each provider's answer stays available.",
    )
    return compare, bool(consensus)


def render(settings: Settings, keys: dict[str, str]) -> Choice:
    rows = provider_rows(settings, keys)
    infos = {p.name: p for p in all_info()}
    names = list(infos)
    st.header("Provider")
    name = _pick_provider(settings, infos, rows)
    picked = infos[name]
    if not picked.installed and picked.setup_hint:
        st.caption(
            f"{picked.display_name} is not installed here: `{picked.setup_hint}` installs it. "
            "Until then extractive answers."
        )
    model = _kept_model(picked, settings, rows) if name != "extractive" else None
    if name == "ollama":
        from ui import ollama

        ollama.render(settings, model)
    _key_fields(settings, infos)
    others = [spec_of(n, rows) for n in names if n not in ("extractive", name)]
    default_fb = [f for f in settings.fallback if f in others]
    fallback = st.multiselect(
        "Fallback order",
        others,
        default=default_fb,
        format_func=lambda spec: spec_label(str(spec), infos),
        key="fallback",
        placeholder="None (extractive answers last)",  # not Streamlit's "Choose options"
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
    # The provider picked above is offered with the model picked under it: with the
    # registry's default instead, compare asked a model nobody chose (not even installed).
    chosen = spec_of(name, rows, model)
    compare, consensus = _compare_controls(
        [chosen if n == name else spec_of(n, rows) for n in names], chosen, infos, settings, rows
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
