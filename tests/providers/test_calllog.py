"""One structured log line per provider call, and metrics that outlive the process."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from providers.calllog import CallLog, key_fingerprint, stored_metrics
from providers.chain import FallbackChain
from providers.metrics import Metrics
from tests.fakes.plugin import FAKE_KEY, FinalFake, question
from tests.fakes.servers import FakeServer, Reply


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "providers.calls"]


def test_one_line_per_call_with_fingerprint_never_key_nor_prompt(
    fake_openai: FakeServer,
    make_provider: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    fake_openai.script(Reply(fault="auth"), Reply())
    p = make_provider("openai", fake_openai, max_retries=0)
    calls = CallLog(tmp_path / "u.sqlite3", session_id="s1")
    chain = FallbackChain([p, FinalFake()], metrics=Metrics(), calls=calls)
    with caplog.at_level(logging.INFO, logger="providers.calls"):
        chain.generate(question())  # openai: auth error, then final answers
        chain.generate(question("What is the capital of Spain?"))  # openai answers
    lines = _lines(caplog)
    assert [(x["provider"], x["outcome"]) for x in lines] == [
        ("openai", "error"),
        ("final", "ok"),
        ("openai", "ok"),
    ]
    err, _, ok = lines
    assert err["error_kind"] == "auth"
    assert ok["key_fp"] == key_fingerprint(FAKE_KEY) and ok["key_fp"].startswith("sha256:")
    assert (ok["input_tokens"], ok["output_tokens"]) == (42, 9)
    assert ok["cost_usd"] == pytest.approx((42 * 0.15 + 9 * 0.60) / 1e6)
    assert ok["latency_ms"] > 0 and ok["model"] == "gpt-4o-mini" and ok["task"] == "answer"
    text = caplog.text
    assert FAKE_KEY not in text and "capital of Spain" not in text and "prompt" not in ok


def test_prompt_is_logged_only_when_asked_and_redacted(
    fake_openai: FakeServer, make_provider: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    p = make_provider("openai", fake_openai)
    chain = FallbackChain([p, FinalFake()], metrics=Metrics(), calls=CallLog(log_prompts=True))
    with caplog.at_level(logging.INFO, logger="providers.calls"):
        chain.generate(question(f"Is {FAKE_KEY} my key?"))
    (line,) = _lines(caplog)
    assert "my key?" in line["prompt"] and FAKE_KEY not in line["prompt"]


def test_metrics_and_report_read_back_by_another_instance(
    fake_openai: FakeServer, make_provider: Callable[..., Any], tmp_path: Path
) -> None:
    db = tmp_path / "u.sqlite3"
    fake_openai.script(Reply(fault="server"), Reply())
    p = make_provider("openai", fake_openai, max_retries=0)
    FallbackChain([p, FinalFake()], metrics=Metrics(), calls=CallLog(db)).generate(question())
    FallbackChain(
        [p, FinalFake()], metrics=Metrics(), calls=CallLog(db), task="topic_label"
    ).generate(question("Another one?"))
    m = stored_metrics(db)["openai:gpt-4o-mini"]  # a fresh reader, as a later process
    assert m["calls"] == 2 and m["successes"] == 1 and m["errors"] == {"server": 1}
    assert m["p50_ms"] is not None and m["input_tokens"] == 42
    # One task's calls only: the health panel counts answers, not a follow-up's rewrite.
    assert stored_metrics(db, task="answer")["openai:gpt-4o-mini"]["errors"] == {"server": 1}
    assert stored_metrics(db, task="topic_label")["openai:gpt-4o-mini"]["successes"] == 1
    assert stored_metrics(db, task="query_rewrite") == {}
    by_task = {r["task"]: r for r in CallLog(db).report("task")}
    assert by_task["topic_label"]["answered"] == 1
    assert stored_metrics(tmp_path / "missing.sqlite3") == {}
    with pytest.raises(KeyError):
        CallLog(db).report("provider; DROP TABLE calls")


def test_usage_command_groups_and_alerts(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from providers.base import Usage
    from providers.usage import UsageTracker
    from rag import cli

    db = index_dir / "state" / "usage.sqlite3"
    calls = CallLog(db)
    calls.record(
        "openai", "gpt-4o-mini", outcome="ok", latency_ms=5, usage=Usage(10, 2), cost_usd=0.5
    )
    calls.record(
        "openai",
        "gpt-4o-mini",
        outcome="ok",
        latency_ms=5,
        task="query_rewrite",
        usage=Usage(3, 1),
        cost_usd=0.25,
    )
    calls.record("anthropic", "claude-x", outcome="error", latency_ms=5, error_kind="server")
    UsageTracker(db).record("openai", "gpt-4o-mini", Usage(13, 3), 0.9)
    monkeypatch.setenv("RAG_DAILY_BUDGET_USD", "1.0")
    assert cli.main(["usage", "--by", "task", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = {r["task"]: r for r in out["rows"]}
    assert rows["answer"]["calls"] == 2 and rows["answer"]["answered"] == 1
    assert rows["query_rewrite"]["cost_usd"] == pytest.approx(0.25)
    assert out["total_cost_usd"] == pytest.approx(0.75)
    assert out["alerts"] == ["daily budget 90% used ($0.90 of $1.00)"]
    assert cli.main(["usage"]) == 0  # the table, by provider
    text = capsys.readouterr().out
    assert "anthropic" in text and "budget alert: daily budget 90% used" in text


def test_median_latency_is_of_answers_not_failures_nor_cache_hits(tmp_path: Path) -> None:
    """The health panel says "Median: time of successful answers": a connection refused
    after 662 ms, a paused provider's 0 ms and a 1 ms cache hit are not answers (the walk
    showed 662 ms for a server whose one answer took 53 ms)."""
    db = tmp_path / "u.sqlite3"
    log_, live = CallLog(db), Metrics()
    calls = [
        ("error", "connection", 662.0),
        ("error", "circuit_open", 0.0),
        ("error", "circuit_open", 0.0),
        ("ok", None, 53.0),
        ("cached", None, 1.0),
    ]
    for outcome, kind, ms in calls:
        log_.record("openai", "gpt-4o-mini", outcome=outcome, latency_ms=ms, error_kind=kind)
        if kind:
            live.record_error("openai:gpt-4o-mini", kind, ms)
        else:
            live.record_success("openai:gpt-4o-mini", ms, cached=outcome == "cached")
    log_.close()
    for m in (stored_metrics(db)["openai:gpt-4o-mini"], live.snapshot()["openai:gpt-4o-mini"]):
        assert m["calls"] == 5 and m["successes"] == 2
        assert m["p50_ms"] == 53.0 and m["p95_ms"] == 53.0
