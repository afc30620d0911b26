"""Tests that need ../shared/data skip on a developer's machine but fail loudly where CI requires them (RAG_REQUIRE_SHARED=1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_shared


def test_missing_data_skips_locally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAG_REQUIRE_SHARED", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is absent"):
        require_shared(tmp_path / "nope")


def test_missing_data_fails_in_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_REQUIRE_SHARED", "1")
    with pytest.raises(pytest.fail.Exception, match="requires the shared data"):
        require_shared(tmp_path / "nope")


def test_present_data_is_returned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_REQUIRE_SHARED", "1")
    assert require_shared(tmp_path) == tmp_path
