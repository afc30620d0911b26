"""Against the real paid APIs: skipped unless the provider's key is in the environment."""

from __future__ import annotations

import os

import pytest

from providers.base import Request
from tests.fakes.plugin import provider_class, question

LIVE = [
    ("openai", "gpt-4o-mini", ("OPENAI_API_KEY",)),
    ("anthropic", "claude-3-5-haiku-latest", ("ANTHROPIC_API_KEY",)),
    ("gemini", "gemini-2.0-flash", ("GEMINI_API_KEY", "GOOGLE_API_KEY")),
]


def _key(env: tuple[str, ...]) -> str | None:
    # The autouse fixture clears these vars, so read them before it runs (at collection).
    return next((os.environ[v] for v in env if os.environ.get(v)), None)


@pytest.mark.live
@pytest.mark.parametrize(("name", "model", "env"), LIVE, ids=[n for n, _, _ in LIVE])
def test_live_answer_with_usage_and_cost(name: str, model: str, env: tuple[str, ...]) -> None:
    real_key = _LIVE_KEYS.get(name)
    if not real_key:
        pytest.skip(f"set {' or '.join(env)} to run the live {name} test")
    p = provider_class(name)(model, api_key=real_key, timeout_s=30)
    req: Request = question()
    resp = p.generate(req)
    assert "paris" in resp.text.lower()
    assert resp.usage.input_tokens and resp.usage.output_tokens
    assert resp.cost_usd is not None and resp.cost_usd > 0
    items = list(p.stream(req))
    assert items[-1].usage.output_tokens


_LIVE_KEYS = {name: _key(env) for name, _, env in LIVE}
