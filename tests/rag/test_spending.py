"""rag.spending: budget words, per-answer cumulative cost rows, health rows."""

from __future__ import annotations

from rag.spending import budget_words, cost_rows, health_rows


def test_budget_words_never_show_env_names() -> None:
    none = budget_words(None, 0.0, None, 0.0)
    assert "RAG_" not in none and "No spending limit" in none
    line = budget_words(0.5, 0.125, 2.0, 1.0)
    assert line == (
        "This session may spend $0.50: $0.375 left. Today's limit is $2.00: $1.00 left."
    )
    assert "$0 left" in budget_words(0.01, 0.02, None, 0.0)
    # a limit reads as money, not as a padded float ("$0.0100" was shown for 0.01)
    assert budget_words(0.01, 0.0, None, 0.0) == "This session may spend $0.01: $0.01 left."


def test_cost_rows_accumulate_and_mark_unpriced() -> None:
    rows = cost_rows(
        [
            {
                "answer": 1,
                "provider": "openai:gpt-4o-mini",
                "tokens": 1240,
                "cost_usd": 0.0002,
                "latency_ms": 1500,
            },
            {"answer": 2, "provider": "ollama:x", "tokens": 10, "cost_usd": None, "latency_ms": 0},
            {
                "answer": 3,
                "provider": "openai:gpt-4o-mini",
                "tokens": 5,
                "cost_usd": 0.0001,
                "latency_ms": 10,
            },
        ]
    )
    assert [r["cumulative_usd"] for r in rows] == [0.0002, 0.0002, 0.0003]
    assert rows[1]["cost"] == "unpriced" and rows[0]["seconds"] == 1.5


def test_rows_name_providers_as_the_sidebar_does_not_by_their_ids() -> None:
    # "Answer with" and compare say "OpenAI-compatible · local-model": so do these tables.
    rows = cost_rows(
        [
            {"answer": 1, "provider": "openai_compatible:local-model", "cost_usd": None},
            {"answer": 2, "provider": "openai:gpt-4o-mini (rewrite)", "cost_usd": 0.0},
            {"answer": 3, "provider": "extractive", "cost_usd": 0.0},
            {"answer": 4, "provider": "none", "cost_usd": 0.0},  # ui.costs words it
        ]
    )
    assert [r["provider"] for r in rows] == [
        "OpenAI-compatible · local-model",
        "OpenAI · gpt-4o-mini (rewrite)",
        "extractive",
        "none",
    ]
    snapshot = {"openai_compatible:local-model": {"calls": 1, "successes": 1, "p50_ms": 5}}
    (row,) = health_rows(snapshot, [], {"openai_compatible": True})
    assert row["provider"] == "OpenAI-compatible · local-model"


def test_missing_key_is_not_configured_not_an_error() -> None:
    snapshot = {
        "openai:gpt-4o-mini": {"calls": 2, "successes": 0, "errors": {"auth": 2}, "p50_ms": 0.1},
        "extractive:extractive": {"calls": 2, "successes": 2, "errors": {}, "p50_ms": 40.0},
        "anthropic:claude": {"calls": 3, "successes": 1, "errors": {"timeout": 2}, "p50_ms": 900},
    }
    statuses = [
        {
            "provider": "openai",
            "model": "gpt-4o-mini",
            "key_configured": False,
            "breaker": "closed",
        },
        {"provider": "extractive", "model": "extractive", "key_configured": True, "breaker": "n/a"},
        {"provider": "anthropic", "model": "claude", "key_configured": True, "breaker": "open"},
    ]
    rows = {r["provider"]: r for r in health_rows(snapshot, statuses)}
    assert rows["OpenAI · gpt-4o-mini"] == {
        "provider": "OpenAI · gpt-4o-mini",
        "status": "Not configured (no API key)",
        "questions": None,
        "errors": None,
        "skipped": None,
        "p50_ms": None,
    }
    assert rows["extractive"]["status"] == "OK" and rows["extractive"]["p50_ms"] == 40
    assert rows["Anthropic · claude"]["status"] == (
        "Paused after repeated failures (Errors: timed out ×2)"
    )
    assert rows["Anthropic · claude"]["errors"] == 2


KEYLESS = {"provider": "openai", "model": "gpt-4o-mini", "key_configured": False, "breaker": "n/a"}
KEYED = {**KEYLESS, "key_configured": True, "breaker": "closed"}
# Asked once without a key (skipped), then with a fake key (unreachable).
OPENAI = {
    "openai:gpt-4o-mini": {
        "calls": 2,
        "successes": 0,
        "errors": {"no_key": 1, "connection": 1},
        "p50_ms": 3.0,
    }
}


def test_the_current_configuration_wins_over_a_keyless_chain_of_before() -> None:
    # The session keeps the chain built before the key was typed, listed first.
    (row,) = health_rows(OPENAI, [KEYLESS, KEYED])
    assert row["status"] == "Errors: unreachable ×1. Skipped ×1: no API key"
    # What the sidebar says now decides, whichever chain came last.
    (row,) = health_rows(OPENAI, [KEYED, KEYLESS], {"openai": True})
    assert row["status"].startswith("Errors: unreachable ×1")
    (row,) = health_rows(OPENAI, [KEYED], {"openai": False})
    assert row["status"] == "Not configured (no API key)"


def test_a_missing_key_is_a_skipped_question_not_a_rejected_key() -> None:
    snapshot = {
        "anthropic:claude": {"calls": 2, "successes": 0, "errors": {"no_key": 2}},
        "openai:gpt-4o-mini": {"calls": 3, "successes": 2, "errors": {"no_key": 1}, "p50_ms": 9},
    }
    rows = {r["provider"]: r for r in health_rows(snapshot, [], {"openai": True})}
    anthropic = rows["Anthropic · claude"]  # after a reload: no chain, only stored calls
    assert anthropic["status"] == "Skipped ×2: no API key"
    assert (anthropic["questions"], anthropic["errors"], anthropic["skipped"]) == (2, 0, 2)
    assert rows["OpenAI · gpt-4o-mini"]["status"] == "OK. Skipped ×1: no API key"
    assert "key rejected" not in str(rows)
    assert "rejected" in health_rows({"x:y": {"calls": 1, "errors": {"auth": 1}}}, [])[0]["status"]


def test_a_question_the_open_breaker_held_back_is_skipped_not_an_error() -> None:
    """A walk: one unreachable question opened the breaker, the next was held back, and the
    table read "Paused after repeated failures (Errors: paused ×1, unreachable ×1)"."""
    snapshot = {
        "openai:gpt-4o-mini": {"calls": 2, "errors": {"connection": 1, "circuit_open": 1}},
    }
    (row,) = health_rows(snapshot, [{**KEYED, "breaker": "open"}], {"openai": True})
    assert row["status"] == (
        "Paused after repeated failures (Errors: unreachable ×1). Skipped ×1 while paused"
    )
    assert (row["questions"], row["errors"], row["skipped"]) == (2, 1, 1)


def test_a_missing_ollama_model_is_said_as_such_not_not_configured() -> None:
    # Ollama's 404 'model "mistral:7b" not found' is a ModelNotFoundError (kind "config").
    snapshot = {
        "ollama:mistral:7b": {"calls": 1, "successes": 0, "errors": {"config": 1}},
        "llamacpp:qwen": {"calls": 2, "successes": 0, "errors": {"config": 2}},
    }
    rows = {r["provider"]: r["status"] for r in health_rows(snapshot, [])}
    assert rows["Ollama · mistral:7b"] == "Errors: model not installed ×1"
    assert "not configured" not in str(rows)
    assert any("model could not be loaded ×2" in s for s in rows.values())


def test_a_session_that_paid_for_nothing_is_one_line_not_a_table_of_zeros() -> None:
    from rag.spending import free_words

    free = cost_rows(
        [
            {"answer": 1, "provider": "extractive", "tokens": 0, "cost_usd": 0.0},
            {"answer": 2, "provider": "extractive", "tokens": 0, "cost_usd": 0.0},
        ]
    )
    assert free_words(free) == "Nothing paid for: 2 questions so far, all by extractive."
    mixed = [*free, {**free[0], "provider": "none", "question": 3}]
    assert free_words(mixed) == (
        "Nothing paid for: 3 questions so far; 3 calls, none paid: extractive 2, none 1."
    )
    # a consensus asks again for the same question: its calls add up, the questions do not
    consensus = [*free, {**free[1], "provider": "extractive (for the consensus)"}]
    assert free_words(consensus) == (
        "Nothing paid for: 2 questions so far; 3 calls, none paid: extractive 2,"
        " extractive (for the consensus) 1."
    )
    paid = cost_rows([{"answer": 1, "provider": "openai:gpt-4o-mini", "tokens": 9, "cost_usd": 0}])
    assert free_words(paid) is None  # tokens were sent: the table says where
    unpriced = cost_rows([{"answer": 1, "provider": "openai:gpt-9", "tokens": 0, "cost_usd": None}])
    assert free_words(unpriced) is None
    assert free_words([]) is None
