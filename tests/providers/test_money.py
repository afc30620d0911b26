"""Money that used to slip past the budget: unpriced models, cut streams, the rewrite call."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from providers.base import Message, Usage
from providers.cache import ResponseCache
from providers.calllog import CallLog
from providers.chain import FallbackChain, estimate_partial
from providers.metrics import Metrics
from providers.usage import DEFAULT_PRICING_FILE, Price, Pricing, UsageTracker
from rag.rewrite import TASK, rewrite_question
from tests.fakes.plugin import FinalFake, question
from tests.fakes.servers import FakeServer, Reply

FRESH = Pricing({"openai": {"gpt-4o-mini": Price(0.15, 0.60)}})  # no gpt-4 in it


def _chain(p: Any, usage: UsageTracker, **kw: Any) -> FallbackChain:
    return FallbackChain([p, FinalFake()], usage=usage, metrics=Metrics(), **kw)


def test_shipped_table_covers_the_models_people_use_each_row_dated() -> None:
    pr = Pricing.load()
    for prov, model in [
        ("openai", "gpt-4"),
        ("openai", "gpt-4-0613"),
        ("openai", "gpt-4-turbo-2024-04-09"),
        ("openai", "gpt-3.5-turbo"),
        ("openai", "gpt-4o-2024-08-06"),
        ("openai", "gpt-4.1-mini"),
        ("openai", "gpt-5-mini"),
        ("anthropic", "claude-3-sonnet-20240229"),
        ("anthropic", "claude-3-haiku-20240307"),
        ("anthropic", "claude-3-5-sonnet-latest"),
        ("anthropic", "claude-sonnet-4-5"),
        ("anthropic", "claude-opus-4-1"),
        ("gemini", "gemini-1.5-flash"),
        ("gemini", "gemini-1.5-pro-002"),
        ("gemini", "gemini-2.5-pro"),
    ]:
        price = pr.price(prov, model)
        assert price is not None, (prov, model)
        assert price.input_per_m > 0 and price.output_per_m >= price.input_per_m
        assert price.as_of and price.as_of <= str(pr.as_of)
    # gpt-4-turbo is not priced as gpt-4 (longest prefix wins)
    assert pr.price("openai", "gpt-4-turbo") != pr.price("openai", "gpt-4")
    assert "as_of" in DEFAULT_PRICING_FILE.read_text()


def test_tiny_daily_budget_refuses_an_unpriced_gpt4_before_the_call(
    fake_openai: FakeServer, make_provider: Callable[..., Any], tmp_path: Path
) -> None:
    p = make_provider("openai", fake_openai, model="gpt-4", pricing=FRESH)
    usage = UsageTracker(tmp_path / "u.sqlite3", daily_budget_usd=0.0001)
    resp = _chain(p, usage).generate(question())
    assert fake_openai.calls == []  # refused before it was made
    assert resp.provider == "final"
    first = resp.attempts[0]
    assert first.error_kind == "budget_exceeded"
    assert "RAG_PRICING_FILE" in (first.error or "") and "gpt-4" in (first.error or "")
    assert usage.daily_cost() == 0.0
    assert usage._records._db.execute(  # type: ignore[attr-defined]
        "SELECT COUNT(*) FROM usage WHERE provider='openai'"
    ).fetchone() == (0,)


def test_without_a_budget_an_unpriced_call_goes_through_and_is_reported_unpriced(
    fake_openai: FakeServer, make_provider: Callable[..., Any]
) -> None:
    p = make_provider("openai", fake_openai, model="gpt-4", pricing=FRESH)
    usage = UsageTracker()
    resp = _chain(p, usage).generate(question())
    assert resp.provider == "openai" and resp.cost_usd is None
    assert usage.session_totals()["unpriced_calls"] == 1


def test_user_pricing_file_prices_it_or_sets_a_conservative_catch_all(
    fake_openai: FakeServer, make_provider: Callable[..., Any], tmp_path: Path
) -> None:
    f = tmp_path / "prices.toml"
    f.write_text(
        'unpriced = { input = 100.0, output = 200.0 }\n[openai]\n"my-ft" = { input = 1.0, output = 2.0 }\n'
    )
    pr = Pricing.load(f)
    assert pr.price("openai", "my-ft") == Price(1.0, 2.0, as_of=None)
    p = make_provider("openai", fake_openai, model="some-new-model", pricing=pr)
    usage = UsageTracker(daily_budget_usd=1.0)
    resp = _chain(p, usage).generate(question())
    assert resp.provider == "openai"
    assert resp.cost_usd == pytest.approx((42 * 100.0 + 9 * 200.0) / 1e6)  # counted, high
    assert usage.daily_cost() == pytest.approx(resp.cost_usd)


def test_a_cut_stream_records_its_estimated_usage(
    fake_openai: FakeServer, make_provider: Callable[..., Any], tmp_path: Path
) -> None:
    fake_openai.default = Reply(fault="cut", text="word " * 40)
    p = make_provider("openai", fake_openai, max_retries=0)
    usage = UsageTracker(tmp_path / "u.sqlite3")
    calls = CallLog(tmp_path / "u.sqlite3")
    items = list(_chain(p, usage, calls=calls).stream(question()))
    assert items[-1].interrupted and items[-1].provider == "final"
    rows = usage._records._db.execute(  # type: ignore[attr-defined]
        "SELECT provider, input_tokens, output_tokens, cost_usd, estimated FROM usage"
    ).fetchall()
    (prov, tin, tout, cost, est), *_ = rows
    assert prov == "openai" and est == 1 and tin > 0 and tout > 0
    assert cost == pytest.approx((tin * 0.15 + tout * 0.60) / 1e6)
    row = {r["provider"]: r for r in calls.report("provider")}["openai"]
    assert row["estimated_calls"] == 1 and row["cost_usd"] == pytest.approx(cost)


def test_alert_at_80_percent_of_a_cap_once(
    fake_openai: FakeServer,
    make_provider: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    cost = (42 * 0.15 + 9 * 0.60) / 1e6
    usage = UsageTracker(daily_budget_usd=cost / 0.85)  # one call = 85 % of the cap
    chain = _chain(make_provider("openai", fake_openai), usage)
    with caplog.at_level(logging.WARNING, logger="providers.chain"):
        chain.generate(question())
    # $0.0000117 of $0.0000138, in two significant digits (once "$0.0000 of $0.0000")
    assert usage.alerts() == ["daily budget 85% used ($0.000012 of $0.000014)"]
    assert [r.getMessage() for r in caplog.records if "budget alert" in r.getMessage()] == [
        "budget alert: " + usage.alerts()[0]
    ]
    assert usage.new_alerts() == []  # said once


def test_rewrite_is_budget_checked_cached_and_its_own_cost_line(
    fake_openai: FakeServer, make_provider: Callable[..., Any], tmp_path: Path
) -> None:
    history = [Message("user", "Hotel limit in London?"), Message("assistant", "320 dollars [1].")]
    fake_openai.default = Reply(text="What is the hotel limit in Paris?", input_tokens=80)
    p = make_provider("openai", fake_openai)
    usage = UsageTracker(tmp_path / "u.sqlite3", daily_budget_usd=1.0)
    cache = ResponseCache(None)
    calls = CallLog(tmp_path / "u.sqlite3")
    q, resp = rewrite_question(p, "And Paris?", history, usage=usage, cache=cache, calls=calls)
    assert q == "What is the hotel limit in Paris?"
    assert resp is not None and resp.raw["task"] == TASK
    assert resp.cost_usd == pytest.approx((80 * 0.15 + 9 * 0.60) / 1e6)
    assert [r["task"] for r in calls.report("task")] == [TASK]
    # The same follow-up again: from the cache, free, no call.
    q2, again = rewrite_question(p, "And Paris?", history, usage=usage, cache=cache)
    assert q2 == q and again is not None and again.cached and len(fake_openai.calls) == 1
    # Over budget: not made; the history heuristic rewrites instead.
    usage.record("openai", "gpt-4o-mini", Usage(1, 1), 5.0)
    q3, none = rewrite_question(p, "And Rome?", history, usage=usage, cache=cache)
    assert none is None and "Rome" in q3 and len(fake_openai.calls) == 1


def test_rewrite_of_an_unpriced_model_under_a_budget_is_not_made(
    fake_openai: FakeServer, make_provider: Callable[..., Any]
) -> None:
    history = [Message("user", "Hotel limit in London?"), Message("assistant", "320 [1].")]
    p = make_provider("openai", fake_openai, model="gpt-4", pricing=FRESH)
    usage = UsageTracker(session_budget_usd=10.0)
    q, resp = rewrite_question(p, "And Paris?", history, usage=usage)
    assert resp is None and "Paris" in q and fake_openai.calls == []


def test_rewrite_waits_no_longer_than_the_providers_own_timeout(
    fake_openai: FakeServer, make_provider: Callable[..., Any]
) -> None:
    """The walk: RAG_REQUEST_TIMEOUT_S=5 and a stalled OpenAI; the follow-up's rewrite still
    waited its fixed 10 s, so the answer came after 10 + 5 s, not 5 + 5."""
    history = [Message("user", "Hotel limit in London?"), Message("assistant", "320 [1].")]
    fake_openai.default = Reply(text="What about Paris?", fault="slow", delay_s=3.0)
    p = make_provider("openai", fake_openai, max_retries=0, timeout_s=0.5)
    t0 = time.perf_counter()
    q, resp = rewrite_question(p, "And Paris?", history)
    assert time.perf_counter() - t0 < 2.0
    assert resp is None and "Paris" in q  # timed out: the history heuristic rewrote it


def test_a_stream_its_reader_closes_records_what_was_written(
    fake_openai: FakeServer, make_provider: Callable[..., Any], tmp_path: Path
) -> None:
    """An API client that disconnects mid-answer (or a page rerun) closes the stream: the
    provider billed the words it wrote, which must reach the budget, not vanish."""
    fake_openai.default = Reply(text="word " * 60)
    p = make_provider("openai", fake_openai, max_retries=0)
    usage = UsageTracker(tmp_path / "u.sqlite3")
    calls = CallLog(tmp_path / "u.sqlite3")
    stream = _chain(p, usage, calls=calls).stream(question())
    read = [next(stream) for _ in range(3)]
    assert all(isinstance(x, str) for x in read)
    stream.close()
    ((tin, tout, cost, est),) = usage._records._db.execute(  # type: ignore[attr-defined]
        "SELECT input_tokens, output_tokens, cost_usd, estimated FROM usage"
    ).fetchall()
    whole, _ = estimate_partial(p, question(), "word " * 60)
    assert est == 1 and tin > 0 and 0 < tout < whole.output_tokens  # only what was written
    assert cost == pytest.approx((tin * 0.15 + tout * 0.60) / 1e6)
    row = {r["provider"]: r for r in calls.report("provider")}["openai"]
    assert row["estimated_calls"] == 1 and row["answered"] == 0
    health = calls.metrics("provider")["openai"]
    assert health["error_count"] == 0 and health["output_tokens"] == tout
