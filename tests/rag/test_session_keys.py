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


def test_session_base_url_beats_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A base URL typed in the app (an OpenAI-compatible server's) reaches the provider,
    before the one in settings; without any, the provider says it needs one."""
    from providers.errors import ProviderConfigError
    from providers.openai_compatible_provider import OpenAICompatibleProvider

    settings = load_settings(index_dir=tmp_path)
    with pytest.raises(ProviderConfigError, match="base URL"):
        OpenAICompatibleProvider(config=provider_config(settings))
    typed = {"openai_compatible": " http://127.0.0.1:8080/v1 "}
    cfg = provider_config(settings, base_urls=typed)
    assert OpenAICompatibleProvider(config=cfg).base_url == "http://127.0.0.1:8080/v1"
    configured = load_settings(index_dir=tmp_path, openai_compatible_base_url="http://a:1/v1")
    assert OpenAICompatibleProvider(config=provider_config(configured)).base_url == "http://a:1/v1"
    cfg = provider_config(configured, base_urls=typed)
    assert OpenAICompatibleProvider(config=cfg).base_url == "http://127.0.0.1:8080/v1"
