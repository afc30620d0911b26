"""A key typed in the app (a session key) is explicit: it beats env vars and settings."""

from __future__ import annotations

import pytest

from providers.openai_provider import OpenAIProvider
from rag.routing import provider_config
from rag.settings import load_settings


def test_session_key_beats_env_and_settings(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-000000000000")
    settings = load_settings(index_dir=tmp_path, openai_api_key="sk-from-settings-0000000")
    assert OpenAIProvider(config=provider_config(settings)).keys == ["sk-from-env-000000000000"]
    cfg = provider_config(settings, {"openai": " sk-from-sidebar-00000000 ", "anthropic": ""})
    assert OpenAIProvider(config=cfg).keys == ["sk-from-sidebar-00000000"]
    assert cfg.has_key("openai") and not cfg.session_keys.get("anthropic")
    # an explicit constructor argument still comes first
    assert OpenAIProvider(config=cfg, api_key="sk-arg-000000000000000").keys == [
        "sk-arg-000000000000000"
    ]
    monkeypatch.delenv("OPENAI_API_KEY")
    assert OpenAIProvider(config=provider_config(settings)).keys == ["sk-from-settings-0000000"]
