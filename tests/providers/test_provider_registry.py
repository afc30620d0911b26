"""Providers declare themselves (providers/info.py): labels, keys, base URLs and locality
reach the settings, the chain, routing and the sidebar's texts from the class alone."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from providers.base import register, unregister
from providers.chain import build_chain
from providers.info import all_info, info
from rag.catalog import display_name, option_label
from rag.routing import is_local
from rag.settings import load_settings
from tests.conftest import ROOT
from tests.fakes.acme_provider import AcmeProvider
from tests.fakes.plugin import FinalFake, question
from tests.fakes.servers import FakeOpenAI, Reply

KEY = "acme-test-KEY-0123456789abcdef"


@pytest.fixture
def acme() -> Iterator[type[AcmeProvider]]:
    register("acme", AcmeProvider)
    yield AcmeProvider
    unregister("acme")


def test_builtins_declare_labels_keys_and_locality() -> None:
    by = {p.name: p for p in all_info()}
    assert by["openai"].display_name == "OpenAI" and by["openai"].key_secret == "OPENAI_API_KEY"
    assert by["gemini"].display_name == "Gemini"  # one name: no "Google Gemini" elsewhere
    assert by["ollama"].base_url_secret == "OLLAMA_HOST" and by["ollama"].locality == "local"
    assert by["openai_compatible"].sensitive_ok and not by["openai"].sensitive_ok
    assert by["llamacpp"].setup_hint == "make setup-local"
    assert len({p.display_name for p in by.values()}) == len(by)
    assert next(iter(by)) == "extractive"


def test_reading_declarations_imports_no_sdk() -> None:
    code = (
        "import sys; from providers.info import all_info; all_info(); "
        "print([m for m in ('openai', 'anthropic', 'google.genai') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_a_third_party_provider_in_settings_routing_and_the_chain(
    acme: type[AcmeProvider], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = FakeOpenAI(Reply(text="Paris [1]."))
    fake.start()
    try:
        monkeypatch.setenv("RAG_API_KEYS__ACME", KEY)
        monkeypatch.setenv("RAG_BASE_URLS__ACME", fake.base_url)
        s = load_settings(index_dir=tmp_path)
        cfg = s.provider_config()
        assert cfg.keys_for("acme") == [KEY] and cfg.base_url_for("acme") == fake.base_url
        assert info("acme").display_name == "Acme AI" and display_name("acme") == "Acme AI"
        assert not is_local("acme:acme-1")
        chain = build_chain(["acme:acme-1"], cfg, FinalFake())
        resp = chain.generate(question())
        assert resp.provider == "acme" and resp.text == "Paris [1]."
        assert fake.calls[-1].headers.get("authorization") == f"Bearer {KEY}"
    finally:
        fake.stop()


def test_old_setting_names_still_work(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RAG_OPENAI_API_KEY", "sk-old-name-0123456789")
    monkeypatch.setenv("RAG_OLLAMA_HOST", "http://10.0.0.2:11434")
    monkeypatch.setenv("RAG_API_KEYS__OPENAI", "sk-new-name-0123456789")
    cfg = load_settings(index_dir=tmp_path).provider_config()
    assert cfg.keys_for("openai") == ["sk-old-name-0123456789", "sk-new-name-0123456789"]
    assert cfg.base_url_for("ollama") == "http://10.0.0.2:11434"


def test_option_texts_say_what_is_true(tmp_path: Path) -> None:
    s = load_settings(index_dir=tmp_path, ollama_host="http://127.0.0.1:9")
    by = {p.name: p for p in all_info()}
    assert option_label(by["openai"], s, {"key_configured": False}) == "OpenAI - needs key"
    assert option_label(by["openai"], s, {"key_configured": True}) == "OpenAI - key set"
    assert option_label(by["ollama"], s, {}) == "Ollama - local - not running"
    assert option_label(by["extractive"], s, {}) == "Extractive - local, no key"
    assert option_label(by["openai_compatible"], s, {}) == "OpenAI-compatible - needs URL"
    label = option_label(by["llamacpp"], s, {})
    assert label in ("llama.cpp - local", "llama.cpp - not installed")


def test_declared_default_model_is_the_one_the_provider_uses() -> None:
    """The page reads the default from the source (no SDK import); it must be the real one."""
    from providers import base
    from providers.info import all_info

    for i in all_info():
        if i.name == "extractive":
            continue
        cls = base.factory_for(i.name)
        real = getattr(cls, "default_model", "") or None
        assert i.default_model in (real, None), (i.name, i.default_model, real)
        if i.name in ("openai", "anthropic", "gemini", "ollama"):
            assert i.default_model == real
