"""Analysis tests: the wire-format fakes' fixtures (fake servers, make_provider)."""

from __future__ import annotations

from tests.fakes.plugin import *  # noqa: F403
from tests.fakes.plugin import _clean_provider_env  # noqa: F401
