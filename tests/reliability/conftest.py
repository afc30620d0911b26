"""Reliability suite: every test here is marked ``reliability`` (and runs in CI by default)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:  # so "tests.fakes" / "tests.reliability" import however pytest started
    sys.path.insert(0, _ROOT)

from tests.fakes.plugin import *  # noqa: E402, F403
from tests.fakes.plugin import _clean_provider_env  # noqa: E402, F401


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.reliability)
