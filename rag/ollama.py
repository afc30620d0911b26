"""The settings' view of a local Ollama server: its admin client and the models it needs.

Shared by the CLI (``python -m rag ollama ...``) and the app's sidebar, so neither imports
the other.
"""

from __future__ import annotations

from providers.ollama_admin import OllamaAdmin, needed_models
from providers.remote import resolve_base_url
from rag.settings import Settings


def settings_models(settings: Settings) -> list[str]:
    """Ollama models named anywhere in the settings (provider, fallback, routes, consensus)."""
    specs = [
        settings.provider,
        *settings.fallback,
        *settings.task_routes.values(),
        *settings.consensus_providers,
        settings.consensus_synthesizer or "",
    ]
    return needed_models(s for s in specs if s)


def admin_for(settings: Settings) -> OllamaAdmin:
    # Same precedence as the provider: OLLAMA_HOST, then RAG_OLLAMA_HOST / settings.
    return OllamaAdmin(resolve_base_url(None, "OLLAMA_HOST", settings.ollama_host))
