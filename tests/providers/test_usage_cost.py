"""Pricing, unpriced models, the usage tracker, budgets and the 10-question session cost."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from providers.base import Usage
from providers.chain import FallbackChain
from providers.errors import BudgetExceededError
from providers.metrics import Metrics
from providers.usage import DEFAULT_PRICING_FILE, Pricing, UsageTracker
from tests.fakes.plugin import FinalFake, question
from tests.fakes.servers import FakeServer, Reply


def test_pricing_file_is_dated_and_complete() -> None:
    data = tomllib.loads(DEFAULT_PRICING_FILE.read_text())
    assert data["as_of"]
    for prov, model in [
        ("openai", "gpt-4o-mini"),
        ("openai", "gpt-4o"),
        ("openai", "gpt-4.1-mini"),
        ("anthropic", "claude-3-5-haiku"),
        ("anthropic", "claude-sonnet-4"),
        ("gemini", "gemini-2.0-flash"),
        ("gemini", "gemini-2.5-flash"),
    ]:
        assert data[prov][model]["input"] > 0 and data[prov][model]["output"] > 0


def test_cost_prefix_match_and_unpriced() -> None:
    pr = Pricing.load()
    u = Usage(1_000_000, 1_000_000)
    assert pr.cost("openai", "gpt-4o-mini", u) == pytest.approx(0.75)
    assert pr.cost("openai", "gpt-4o-mini-2024-07-18", u) == pytest.approx(
        0.75
    )  # not gpt-4o's price
    assert pr.cost("openai", "gpt-4o-2024-08-06", u) == pytest.approx(12.5)
    assert pr.cost("anthropic", "claude-3-5-haiku-20241022", u) == pytest.approx(4.8)
    assert pr.cost("gemini", "models/gemini-2.0-flash", u) == pytest.approx(0.5)
    assert pr.cost("openai", "brand-new-model", u) is None  # unpriced, never 0
    assert pr.cost("openai_compatible", "gpt-4o-mini", u) is None  # not the OpenAI price
    assert pr.cost("openai", "gpt-4o-mini", Usage(None, 5)) is None  # no usage reported


def test_user_pricing_file_extends_and_overrides(tmp_path: Path) -> None:
    extra = tmp_path / "prices.toml"
    extra.write_text(
        'as_of = "2030-01-01"\n[openai_compatible]\n"my-llama" = { input = 1.0, output = 2.0 }\n[openai]\n"gpt-4o-mini" = { input = 9.0, output = 9.0 }\n'
    )
    pr = Pricing.load(extra)
    assert pr.cost("openai_compatible", "my-llama", Usage(1_000_000, 1_000_000)) == pytest.approx(
        3.0
    )
    assert pr.cost("openai", "gpt-4o-mini", Usage(1_000_000, 0)) == pytest.approx(9.0)
    assert pr.cost("gemini", "gemini-2.0-flash", Usage(1_000_000, 0)) == pytest.approx(0.1)
    assert pr.as_of == "2030-01-01"


def test_unpriced_model_reports_none_through_the_provider(
    start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any]
) -> None:
    fake = start_fake("openai")
    p = make_provider("openai", fake, model="gpt-9-experimental")
    resp = p.generate(question())
    assert resp.cost_usd is None and not resp.priced
    assert resp.usage.input_tokens == 42


def test_ten_question_session_cost_equals_hand_sum(
    tmp_path: Path, start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any]
) -> None:
    fake = start_fake("openai")
    usages = [(100 + 37 * i, 20 + 11 * i) for i in range(10)]
    fake.script(
        *[
            Reply(text=f"Answer {i} [1].", input_tokens=a, output_tokens=b)
            for i, (a, b) in enumerate(usages)
        ]
    )
    tracker = UsageTracker(tmp_path / "state" / "usage.sqlite3")
    chain = FallbackChain(
        [make_provider("openai", fake), FinalFake()], usage=tracker, metrics=Metrics()
    )
    costs = []
    for i in range(10):
        req = question(f"Question number {i}?")
        resp = chain.generate(req) if i % 2 else list(chain.stream(req))[-1]
        assert resp.provider == "openai"
        costs.append(resp.cost_usd)
    # By hand from pricing.toml: gpt-4o-mini $0.15 in / $0.60 out per 1M tokens.
    hand = sum(a * 0.15 / 1e6 + b * 0.60 / 1e6 for a, b in usages)
    assert sum(costs) == pytest.approx(hand, rel=1e-12)
    assert tracker.session_cost() == pytest.approx(hand, rel=1e-12)
    tot = tracker.session_totals()
    assert (tot["calls"], tot["input_tokens"], tot["output_tokens"]) == (
        10,
        sum(a for a, _ in usages),
        sum(b for _, b in usages),
    )
    assert chain.metrics.snapshot()["openai:gpt-4o-mini"]["cost_usd"] == pytest.approx(
        hand, rel=1e-9
    )
    # Persisted: a new tracker (next session, same day) sees the day's spend.
    again = UsageTracker(tmp_path / "state" / "usage.sqlite3")
    assert again.session_cost() == 0.0
    assert again.daily_cost() == pytest.approx(hand, rel=1e-12)


def test_budget_refuses_paid_calls_but_extractive_answers(
    tmp_path: Path, start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any]
) -> None:
    fake = start_fake("anthropic")
    fake.default = Reply(input_tokens=100_000, output_tokens=10_000)  # $0.12 per call
    tracker = UsageTracker(tmp_path / "u.sqlite3", session_budget_usd=0.20)
    chain = FallbackChain(
        [make_provider("anthropic", fake), FinalFake()], usage=tracker, metrics=Metrics()
    )
    providers = [chain.generate(question(f"q{i}")).provider for i in range(4)]
    assert providers == ["anthropic", "anthropic", "final", "final"]
    assert len(fake.calls) == 2  # no paid call once the budget was reached
    resp = chain.generate(question("q9"))
    assert resp.attempts[0].error_kind == "budget_exceeded"
    with pytest.raises(BudgetExceededError):
        tracker.check_budget()


def test_daily_budget_spans_sessions(tmp_path: Path) -> None:
    db = tmp_path / "u.sqlite3"
    UsageTracker(db).record("openai", "gpt-4o", Usage(10, 10), 0.5)
    t2 = UsageTracker(db, daily_budget_usd=0.5)
    with pytest.raises(BudgetExceededError, match="daily"):
        t2.check_budget()
    t3 = UsageTracker(db, daily_budget_usd=0.5, today=lambda: "2099-01-01")
    t3.check_budget()


def test_unpriced_calls_are_counted_not_zeroed(tmp_path: Path) -> None:
    t = UsageTracker(tmp_path / "u.sqlite3")
    t.record("openai_compatible", "x", Usage(5, 5), None)
    t.record("openai", "gpt-4o-mini", Usage(5, 5), 0.25)
    tot = t.session_totals()
    assert tot["unpriced_calls"] == 1 and tot["cost_usd"] == 0.25
