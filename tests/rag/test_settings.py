from __future__ import annotations

from pathlib import Path

import pytest

from rag import settings as settings_mod
from rag.settings import SettingsError, load_settings


def test_env_prefix_and_index_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "idx"))
    monkeypatch.setenv("RAG_TOP_K", "7")
    s = load_settings()
    assert s.index_dir == tmp_path / "idx" and s.top_k == 7
    assert s.chroma_dir == tmp_path / "idx" / "chroma"


def test_explicit_arguments_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_TOP_K", "7")
    assert load_settings(top_k=3).top_k == 3


def test_yaml_profile_by_app_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "staging.yaml").write_text("top_k: 9\nchunk_tokens: 180\n")
    monkeypatch.setattr(settings_mod, "CONFIG_DIR", tmp_path)
    monkeypatch.setenv("APP_ENV", "staging")
    monkeypatch.delenv("RAG_TOP_K", raising=False)
    s = load_settings()
    assert (s.top_k, s.chunk_tokens) == (9, 180)
    monkeypatch.setenv("RAG_TOP_K", "4")  # env beats the profile
    assert load_settings().top_k == 4


def test_missing_profile_and_invalid_values_are_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "nope")
    with pytest.raises(SettingsError, match="nope"):
        load_settings()
    monkeypatch.delenv("APP_ENV")
    with pytest.raises(SettingsError, match="chunk_tokens"):
        load_settings(chunk_tokens=1000)
    with pytest.raises(SettingsError, match="chunk_overlap"):
        load_settings(chunk_tokens=64, chunk_overlap=64)


def test_shipped_profiles_load(monkeypatch: pytest.MonkeyPatch) -> None:
    for env in ("development", "production"):
        monkeypatch.setenv("APP_ENV", env)
        assert load_settings().top_k >= 1


def test_dotenv_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RAG_TOP_K", raising=False)
    (tmp_path / ".env").write_text("RAG_TOP_K=11\n")
    assert load_settings().top_k == 11
