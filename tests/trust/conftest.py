"""Answer-trust tests: wire-format fakes (fixtures in tests/fakes/plugin.py) and helpers."""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:  # so "tests.fakes" imports however pytest was started
    sys.path.insert(0, _ROOT)

from tests.fakes.plugin import *  # noqa: E402, F403
from tests.fakes.plugin import _clean_provider_env  # noqa: E402, F401
