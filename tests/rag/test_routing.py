"""Task routing: routes first, cheapest first for cheap tasks, sensitive keeps it local."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.llm import task_chain
from rag.routing import cheapest_first, is_local, route_specs
from rag.settings import load_settings

pytestmark = pytest.mark.analysis


def _settings(tmp_path: Path, **kw: object):  # type: ignore[no-untyped-def]
    return load_settings(index_dir=tmp_path / "idx", **kw)


def test_route_first_then_general_chain(tmp_path: Path) -> None:
    s = _settings(
        tmp_path,
        provider="openai:gpt-4o",
        fallback=["ollama:llama3.2"],
        task_routes={"topic_label": "gemini:gemini-2.0-flash-lite, openai:gpt-4.1-nano"},
    )
    assert route_specs(s, "topic_label") == [
        "gemini:gemini-2.0-flash-lite",
        "openai:gpt-4.1-nano",
        "openai:gpt-4o",
        "ollama:llama3.2",
    ]
    # The answer task has no route: the configured order is kept as is.
    assert route_specs(s, "answer") == ["openai:gpt-4o", "ollama:llama3.2"]


def test_cheap_tasks_without_route_go_cheapest_first(tmp_path: Path) -> None:
    s = _settings(
        tmp_path,
        provider="openai:gpt-4o",
        fallback=["anthropic:claude-3-5-haiku-latest", "openai:gpt-4.1-nano"],
    )
    assert route_specs(s, "query_rewrite") == [
        "openai:gpt-4.1-nano",
        "anthropic:claude-3-5-haiku-latest",
        "openai:gpt-4o",
    ]
    assert cheapest_first(["openai:gpt-4o", "ollama:llama3.2", "openai:unknown-model"]) == [
        "ollama:llama3.2",
        "openai:gpt-4o",
        "openai:unknown-model",
    ]


def test_sensitive_keeps_only_local_providers(tmp_path: Path) -> None:
    s = _settings(
        tmp_path,
        provider="openai:gpt-4o",
        fallback=["ollama:llama3.2", "gemini", "openai_compatible:qwen"],
        task_routes={"interpretation": "anthropic:claude-3-5-haiku-latest"},
        sensitive=True,
    )
    for task in ("answer", "interpretation", "topic_label", "query_rewrite"):
        specs = route_specs(s, task)
        assert set(specs) == {"ollama:llama3.2", "openai_compatible:qwen"}, task
    assert route_specs(s, "answer", sensitive=False)[0] == "openai:gpt-4o"
    assert is_local("extractive") and is_local("ollama") and not is_local("anthropic")


def test_task_chain_ends_in_extractive_and_sensitive_has_no_remote(
    tmp_path: Path, fake_embedder
) -> None:  # type: ignore[no-untyped-def]
    from rag.engine import Engine

    s = _settings(
        tmp_path, provider="openai:gpt-4o-mini", fallback=["ollama:llama3.2"], sensitive=True
    )
    engine = Engine(s, embedder=fake_embedder)
    chain = task_chain(engine, "answer")
    assert [p.name for p in chain.providers] == ["ollama", "extractive"]
    chain = task_chain(engine, "answer", sensitive=False)
    assert [p.name for p in chain.providers] == ["openai", "ollama", "extractive"]


def test_sensitive_mode_says_which_providers_it_left_out(tmp_path: Path, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    from rag.engine import Engine
    from rag.routing import SENSITIVE_SKIP

    s = _settings(tmp_path, provider="gemini:gemini-2.0-flash", fallback=[])
    engine = Engine(s, embedder=fake_embedder)
    doc = tmp_path / "policy.md"
    doc.write_text("Hotels in London may cost up to 320 dollars a night.\n")
    engine.ingest([doc])
    chain = task_chain(engine, "answer", sensitive=True)
    assert [p.name for p in chain.providers] == ["extractive"]
    (left_out,) = chain.skipped  # listed first on every answer's attempts
    assert (left_out.provider, left_out.model) == ("gemini", "gemini-2.0-flash")
    assert left_out.error == SENSITIVE_SKIP and left_out.error_kind == "config"
    answer = engine.ask("What is the hotel limit in London?", provider=chain)
    assert answer.provider == "extractive" and answer.attempts[0] == left_out
    assert task_chain(engine, "answer", sensitive=False).skipped == []


def test_unknown_task_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown task"):
        route_specs(_settings(tmp_path), "poetry")
