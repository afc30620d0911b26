"""No key in any log line (DEBUG included), exception text, repr or attempt record."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import SecretStr

from providers.base import Request
from providers.chain import FallbackChain, build_chain
from providers.config import ProviderConfig
from providers.errors import ProviderError, redact, register_secret
from providers.metrics import Metrics
from tests.fakes.plugin import NETWORKED, FinalFake
from tests.fakes.servers import FakeServer, Reply, unused_port

SECRET = "sk-proj-LEAKCHECK0123456789abcdefghij"
SECRET2 = "AIzaLEAKCHECKsecond0123456789abcd"


@pytest.mark.parametrize("pname", NETWORKED)
@pytest.mark.parametrize("fault", ["auth", "rate_limit", "server", None])
def test_no_key_in_logs_errors_or_attempts(
    pname: str,
    fault: str | None,
    start_fake: Callable[[str], FakeServer],
    make_provider: Callable[..., Any],
    req: Request,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = start_fake(pname)
    fake.default = Reply(fault=fault)
    p = make_provider(pname, fake, key=[SECRET, SECRET2], max_retries=1)
    texts: list[str] = [repr(p)]
    try:
        p.generate(req)
    except ProviderError as e:
        texts += [str(e), repr(e), e.message, str(e.args)]
    chain = FallbackChain([p, FinalFake()], metrics=Metrics())
    for resp in (chain.generate(req), list(chain.stream(req))[-1]):
        texts += [a.error or "" for a in resp.attempts]
        texts.append(repr(resp))
    texts += [r.getMessage() for r in caplog.records]
    texts += [caplog.text]
    # The key did reach the fake (so the check is meaningful) ...
    sent = " ".join(str(r.headers) for r in fake.requests)
    assert SECRET in sent or SECRET2 in sent
    # ... and never came back to us in any text.
    for t in texts:
        assert SECRET not in t and SECRET2 not in t, t


def test_redact_scrubs_registered_and_key_shaped_values() -> None:
    register_secret("my-very-own-token-123")
    s = redact(
        "x my-very-own-token-123 sk-ant-api03-abcdefghijklmnop AIzaSyA1234567890abcdefghijk Bearer abc.def.ghi12345 api_key=zzzzzzzzzz"
    )
    for bad in (
        "my-very-own-token-123",
        "sk-ant-api03",
        "AIzaSy",
        "abc.def.ghi12345",
        "zzzzzzzzzz",
    ):
        assert bad not in s
    assert s.count("[REDACTED]") == 5


def test_config_repr_and_build_chain_do_not_show_keys(tmp_path: Any) -> None:
    cfg = ProviderConfig(
        api_keys={"openai": [SecretStr(SECRET)]},
        base_urls={"openai": f"http://127.0.0.1:{unused_port()}/v1"},
        state_dir=tmp_path,
    )
    assert SECRET not in repr(cfg)
    chain = build_chain(
        ["openai:gpt-4o-mini", "nosuch:model"], cfg, FinalFake(), sleep=lambda s: None
    )
    assert SECRET not in repr(chain.providers[0])
    assert chain.skipped[0].error_kind == "config"
    # Nothing key-like reaches the state dir either.
    chain.generate(Request(messages=[], question="q"))
    for f in tmp_path.rglob("*"):
        if f.is_file():
            assert SECRET.encode() not in f.read_bytes()
