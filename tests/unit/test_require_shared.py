"""Tests that need ../shared/data skip on a developer's machine but fail loudly in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_shared


def test_missing_data_skips_locally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is absent"):
        require_shared(tmp_path / "nope")


def test_missing_data_fails_in_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must provide"):
        require_shared(tmp_path / "nope")


def test_present_data_is_returned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert require_shared(tmp_path) == tmp_path
