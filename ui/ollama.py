"""Ollama model management in the sidebar: server health, installed vs needed models, and a
pull of a missing model with a progress bar. Clear words when Ollama is not running."""

from __future__ import annotations

import streamlit as st

from providers.errors import ProviderError, redact
from providers.ollama_admin import OllamaAdmin, canonical, needed_models
from rag.ollama import admin_for, settings_models
from rag.settings import Settings

PULLED = "ollama_pulled"  # the model just pulled, said once after the rerun that shows it


@st.cache_data(ttl=10, show_spinner=False)
def _installed_at(base_url: str) -> list[str]:
    try:
        with OllamaAdmin(base_url, timeout_s=1.0) as admin:
            return [str(m["name"]) for m in admin.list_models()]
    except ProviderError:  # not running: the panel below says so
        return []


def model_options(settings: Settings, listed: list[str]) -> list[str]:
    """The model picker's options: ``listed`` and then the models Ollama has installed.

    With only the default offered, a model someone had pulled had to be typed by name."""
    with admin_for(settings) as admin:
        url = admin.base_url
    seen = {canonical(m) for m in listed}
    return [*listed, *(m for m in _installed_at(url) if canonical(m) not in seen)]


def render(settings: Settings, model: str | None) -> None:
    with (
        st.expander("Ollama models", expanded=False, icon=":material/dns:"),
        admin_for(settings) as admin,
    ):
        health = admin.health()  # never raises
        if not health["ok"]:
            st.warning(health["error"] or "Ollama is not reachable.")
            return
        st.caption(
            f"Ollama {health.get('version') or ''} at {health['base_url']}: "
            f"{health.get('models', 0)} models installed"
        )
        pulled = st.session_state.pop(PULLED, None)
        if pulled:
            st.success(f"{pulled} is installed", icon=":material/check:")
        needed = list(
            dict.fromkeys(
                [*needed_models([f"ollama:{model}"] if model else []), *settings_models(settings)]
            )
        )
        status = admin.status(needed)
        if not status.missing:
            st.caption("Every model the settings use is installed.")
            return
        missing = st.selectbox("Missing models", status.missing, key="ollama_missing")
        if st.button(f"Pull {missing}", key="ollama_pull", icon=":material/download:"):
            bar = st.progress(0.0, text=f"Pulling {missing}…")

            def on_progress(p: object) -> None:
                fraction = getattr(p, "fraction", None)
                bar.progress(
                    min(fraction or 0.0, 1.0), text=f"{missing}: {getattr(p, 'status', '')}"
                )

            try:
                admin.pull(missing, on_progress)
            except ProviderError as e:
                st.error(f"Could not pull {missing}: {redact(e.message)}")
            else:
                # Drawn again at once: the count above and "Missing models" still listed
                # the model just installed, beside the bar saying it was.
                st.session_state[PULLED] = missing
                _installed_at.clear()
                st.rerun()
