"""ask_structured against the wire fakes: valid passes, invalid is repaired once, then falls back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel, Field

from providers.chain import FallbackChain
from providers.extractive_provider import ExtractiveProvider
from rag.analysis.structured import ask_structured, extract_json
from tests.fakes.servers import FakeServer, Reply

pytestmark = pytest.mark.analysis


class Label(BaseModel):
    label: str = Field(min_length=3)
    words: int = Field(ge=2, le=4)


FALLBACK = Label(label="Keyword Label", words=2)


def _chain(*providers: Any) -> FallbackChain:
    return FallbackChain([*providers, ExtractiveProvider()])


def test_valid_json_passes_with_native_mode(
    fake_openai: FakeServer, make_provider: Callable[..., Any]
) -> None:
    fake_openai.script(Reply(text='{"label": "Risk Management", "words": 2}'))
    r = ask_structured(
        _chain(make_provider("openai", fake_openai)), Label, "Label it.", "text", fallback=FALLBACK
    )
    assert r.ok and r.source == "llm" and r.value == Label(label="Risk Management", words=2)
    assert r.native and not r.repaired and r.calls == 1 and r.provider == "openai"
    body = fake_openai.calls[0].body
    assert body["response_format"]["type"] == "json_schema"
    assert body["temperature"] == 0.0


def test_invalid_json_is_repaired_once(
    fake_anthropic: FakeServer, make_provider: Callable[..., Any]
) -> None:
    # Claude's forced schema tool: first input breaks the schema, the repair is valid.
    fake_anthropic.script(
        Reply(text="", tool_calls=[("structured_answer", {"label": "Risk", "words": 9})]),
        Reply(text="", tool_calls=[("structured_answer", {"label": "Risk Scoring", "words": 2})]),
    )
    r = ask_structured(
        make_provider("anthropic", fake_anthropic), Label, "Label it.", "text", fallback=FALLBACK
    )
    assert r.ok and r.repaired and r.calls == 2 and r.value == Label(label="Risk Scoring", words=2)
    repair = fake_anthropic.calls[1].body["messages"]
    assert "not valid" in repair[-1]["content"] and "words" in repair[-1]["content"]


def test_instructions_mode_and_fenced_reply(
    start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any]
) -> None:
    fake = start_fake("openai_compatible")
    fake.script(Reply(text='Sure!\n```json\n{"label": "Cloud Security", "words": 2}\n```'))
    r = ask_structured(make_provider("openai_compatible", fake), Label, "Label it.", "text")
    assert r.ok and not r.native and r.value is not None and r.value.label == "Cloud Security"
    body = fake.calls[0].body
    assert "response_format" not in body
    assert "JSON Schema" in body["messages"][0]["content"]


def test_still_invalid_after_repair_falls_back(
    fake_gemini: FakeServer, make_provider: Callable[..., Any]
) -> None:
    fake_gemini.script(Reply(text="not json at all"), Reply(text='{"label": "x"}'))
    r = ask_structured(
        _chain(make_provider("gemini", fake_gemini)), Label, "Label it.", "t", fallback=FALLBACK
    )
    assert not r.ok and r.source == "fallback" and r.value == FALLBACK
    assert r.calls == 2 and "after one repair" in (r.reason or "")
    assert len(fake_gemini.calls) == 2


def test_provider_failure_moves_to_next_provider(
    fake_openai: FakeServer, fake_ollama: FakeServer, make_provider: Callable[..., Any]
) -> None:
    fake_openai.default = Reply(fault="server")
    fake_ollama.script(Reply(text='{"label": "Access Control", "words": 2}'))
    chain = _chain(
        make_provider("openai", fake_openai, max_retries=0), make_provider("ollama", fake_ollama)
    )
    r = ask_structured(chain, Label, "Label it.", "t", fallback=FALLBACK)
    assert r.ok and r.provider == "ollama"
    assert [a.error_kind for a in r.attempts] == ["server", None]


def test_no_llm_provider_falls_back_without_calls() -> None:
    r = ask_structured(_chain(), Label, "Label it.", "t", fallback=FALLBACK)
    assert (
        not r.ok
        and r.value == FALLBACK
        and r.calls == 0
        and "no language-model" in (r.reason or "")
    )


def test_extract_json() -> None:
    assert extract_json('```json\n{"a": 1}\n```') == '{"a": 1}'
    assert extract_json('Here: {"a": {"b": 2}} ok') == '{"a": {"b": 2}}'
